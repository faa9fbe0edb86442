#!/usr/bin/env bash
# ptp4win's Windows package under Wine, in a fresh Wine prefix inside a network namespace, against
# linuxptp's ptp4l in another (the setup of tests/interop_wine/run_interop.sh):
#   1. the .zip and the .msi hold the same files, byte for byte;
#   2. an older package (the same files, ProductVersion 0.0.1, made with build-msi.cmake) installs
#      with `msiexec /i ... /qn`: files, the ptp4win service (manual start, binary path with the
#      installed config; QueryServiceConfig, as `sc qc` shows it), the Event Log source;
#   3. the config is edited (the interface, free_running 1, 1/4 s intervals, a marker line), then
#      the package under test installs over it: the edit survives, the product's version is the
#      new one and the older product is gone, service and Event Log source are registered (every
#      event ID renders as its line through the registered EventMessageFile, Event Viewer's way);
#   4. `net start ptp4win` brings the service to RUNNING; it reaches SLAVE to ptp4l and logs
#      offsets to the Event Log (free running on both sides: the machine's clock is never
#      adjusted); `net stop` stops it with exit code 0;
#   5. `msiexec /x ... /qn` removes the service, the files and every registry value;
#   6. a fresh install of the package under test puts the default config in place; uninstall
#      leaves nothing again.
# Exit 0: passed; 77: skipped (a prerequisite is missing; under CI=true that is a failure, 1);
# anything else: failed.
# Usage: run_install.sh MSI ZIP INSTALL_CHECK_EXE [work dir]
set -uo pipefail

msi=${1:-}
zip=${2:-}
check_exe=${3:-}
work=${4:-$(mktemp -d /tmp/ptp4win-install.XXXXXX)}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build_msi="$here/../../packaging/windows/build-msi.cmake"
ns_linux=p4i-linux
ns_wine=p4i-wine
veth_linux=p4il0
veth_wine=p4iw0
prefix="$work/wineprefix"
pids=()
failed=0

# skip, fail, note, in_linux, in_wine, cleanup, wait_for, create_namespaces, boot_wine_prefix.
source "$here/../support/wine_netns.sh"

[ -f "$msi" ] || skip "no package at '${msi}' (cmake --build build/windows --target package)"
[ -f "$zip" ] || skip "no zip at '${zip}' (cmake --build build/windows --target package)"
[ -f "$check_exe" ] || skip "no ptp4win_install_check.exe at '${check_exe}' (windows preset build)"
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
for tool in ip ptp4l cmake wixl msibuild msiextract msiinfo cmp; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (scripts/install-deps.sh)"
done
find_wine
mkdir -p "$work"
msi=$(realpath "$msi")
zip=$(realpath "$zip")
check_exe=$(realpath "$check_exe")
work=$(realpath "$work")
echo "work directory: $work"

# ---- 1: the zip and the msi hold the same files ------------------------------------------------
note "1: the zip and the msi hold the same files"
rm -rf "$work/zip" "$work/msi"
mkdir -p "$work/zip" "$work/msi"
(cd "$work/zip" && cmake -E tar xf "$zip") || { echo "FAIL: 1: cannot extract $zip"; exit 1; }
stage=$(find "$work/zip" -mindepth 1 -maxdepth 1 -type d | head -1)
msiextract -C "$work/msi" "$msi" >/dev/null || { echo "FAIL: 1: msiextract $msi failed"; exit 1; }
msi_files=$(find "$work/msi" -name ptp4win.exe -type f | head -1 | xargs -r -d '\n' dirname)
[ -d "$stage" ] && [ -d "$msi_files" ] || { echo "FAIL: 1: no ptp4win.exe in the zip or the msi"; exit 1; }
zip_list=$(cd "$stage" && find . -type f | sort)
msi_list=$(cd "$msi_files" && find . -type f | sort)
echo "zip: $(echo $zip_list)"
echo "msi: $(echo $msi_list)"
[ -n "$zip_list" ] && [ "$zip_list" = "$msi_list" ] || fail "1: the zip and the msi list different files"
for f in $zip_list; do
  cmp -s "$stage/$f" "$msi_files/$f" || fail "1: $f differs between the zip and the msi"
done
for f in ptp4win.exe ptp4win.cfg ptp4win.md LICENSE.txt; do
  [ -f "$stage/$f" ] || fail "1: the package has no $f"
done
version=$(msiinfo export "$msi" Property | awk -F'\t' '$1 == "ProductVersion" {print $2}' | tr -d '\r')
old_version=0.0.1
old_msi="$work/ptp4win-$old_version-win64.msi"
cmake -DPTP4WIN_STAGE="$stage" -DPTP4WIN_VERSION="$old_version" -DPTP4WIN_MSI="$old_msi" \
  -P "$build_msi" >/dev/null || fail "1: cannot build the older package"
echo "package under test: ProductVersion $version; older package: $old_version"

# ---- network namespaces and a fresh prefix -----------------------------------------------------
create_namespaces 10.98.0

note "fresh Wine prefix $prefix (its wineserver in $ns_wine)"
rm -rf "$prefix"
boot_wine_prefix
# A persistent wineserver: services.exe starts with the next Wine command and keeps its stderr,
# where Wine's Event Log (WINEDEBUG eventlog channel) writes what the service reports.
in_wine "$wineserver" -k 2>/dev/null
in_wine "$wineserver" -p
eventlog="$work/eventlog.log"
: >"$eventlog"
in_wine_eventlog() {
  "${exec_wine[@]}" env WINEPREFIX="$prefix" WINEDEBUG=-all,trace+eventlog,err+eventlog \
    WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY= "$@"
}
# The first Wine command of the new server starts services.exe: this one, with the trace.
in_wine_eventlog "$wine" sc query ptp4win >/dev/null 2>>"$eventlog"

install_dir="$prefix/drive_c/Program Files/ptp4win"
exe_windows='C:\Program Files\ptp4win\ptp4win.exe'
cfg_windows='C:\Program Files\ptp4win\ptp4win.cfg'
event_key='HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\ptp4win'
service_key='HKLM\SYSTEM\CurrentControlSet\Services\ptp4win'
uninstall_key='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall'

# The DisplayVersion of every installed product named ptp4win, one per line.
installed_versions() {
  in_wine "$wine" reg query "$uninstall_key" /s 2>/dev/null | tr -d '\r' |
    awk '/^HKEY/ {name=""; ver=""} $1 == "DisplayName" {name=$3} $1 == "DisplayVersion" {ver=$3}
         name == "ptp4win" && ver != "" {print ver; name=""}'
}
check_service_registered() {  # step name
  local log="$work/$1-service.txt"
  in_wine "$wine" "$check_exe" service ptp4win 2>&1 | tr -d '\r' >"$log"
  [ "${PIPESTATUS[0]}" = 0 ] || fail "$1: no ptp4win service"
  grep -F "BINARY_PATH_NAME   : " "$log" | grep -qF "$exe_windows --service -f \"$cfg_windows\"" ||
    grep -F "BINARY_PATH_NAME   : " "$log" | grep -qF "\"$exe_windows\" --service -f \"$cfg_windows\"" ||
    fail "$1: the service's binary path is not ptp4win.exe --service -f <installed cfg>"
  grep -qE "START_TYPE +: 3$" "$log" || fail "$1: the service is not manual start (3)"
  grep -qE "SERVICE_START_NAME : LocalSystem" "$log" || fail "$1: the service does not run as LocalSystem"
  cat "$log"
}
check_event_source() {  # step name
  in_wine "$wine" "$check_exe" event-source ptp4win "$exe_windows" >"$work/$1-eventsource.txt" 2>&1 ||
    fail "$1: the Event Log source does not render ptp4win's events (see below)"
  cat "$work/$1-eventsource.txt"
}
check_files() {  # step name, config expected to equal the package's (1) or not (0)
  for f in $zip_list; do
    [ "$f" = ./ptp4win.cfg ] && [ "$2" = 0 ] && continue
    cmp -s "$stage/$f" "$install_dir/$f" || fail "$1: installed $f is not the package's"
  done
}
# A Linux path as Wine sees it (its Z: drive is /).
windows_path() { printf 'Z:%s' "${1//\//\\}"; }
check_removed() {  # step name
  [ ! -e "$install_dir" ] || fail "$1: $install_dir is still there: $(ls "$install_dir")"
  in_wine "$wine" "$check_exe" service ptp4win >/dev/null 2>&1 && fail "$1: the service is still registered"
  in_wine "$wine" reg query "$service_key" >/dev/null 2>&1 && fail "$1: $service_key is still there"
  in_wine "$wine" reg query "$event_key" >/dev/null 2>&1 && fail "$1: $event_key is still there"
  [ -z "$(installed_versions)" ] || fail "$1: a ptp4win product is still registered"
}

# ---- 2: the older package ----------------------------------------------------------------------
note "2: msiexec /i $(basename "$old_msi") /qn (ProductVersion $old_version)"
in_wine "$wine" msiexec /i "$(windows_path "$old_msi")" /qn >"$work/install-old.log" 2>&1 ||
  fail "2: msiexec /i of the older package failed"
[ "$(installed_versions)" = "$old_version" ] || fail "2: installed versions '$(installed_versions)' (expected $old_version)"
check_files 2 1
check_service_registered 2

# ---- 3: edit the config, upgrade ---------------------------------------------------------------
note "3: edit ptp4win.cfg, then msiexec /i $(basename "$msi") /qn"
cfg="$install_dir/ptp4win.cfg"
marker="# edited before the upgrade: must survive it"
sed -i -e "s/^\[Ethernet\]$/[$veth_wine]/" -e 's/^free_running .*/free_running            1/' \
  -e 's/^logSyncInterval .*/logSyncInterval         -2/' \
  -e 's/^logAnnounceInterval .*/logAnnounceInterval     -2/' \
  -e 's/^logMinDelayReqInterval .*/logMinDelayReqInterval  -2/' \
  -e 's/^summary_interval .*/summary_interval        -2/' "$cfg"
echo "$marker" >>"$cfg"
cp "$cfg" "$work/edited.cfg"
grep -q "^\[$veth_wine\]$" "$cfg" || fail "3: could not name the interface in the config"
in_wine "$wine" msiexec /i "$(windows_path "$msi")" /qn \
  >"$work/upgrade.log" 2>&1 || fail "3: msiexec /i (upgrade) failed"
cmp -s "$work/edited.cfg" "$cfg" || fail "3: the edited config did not survive the upgrade"
[ "$(installed_versions)" = "$version" ] ||
  fail "3: installed versions '$(installed_versions)' after the upgrade (expected only $version)"
check_files 3 0
check_service_registered 3
check_event_source 3
echo "3: installed versions after the upgrade: $(installed_versions | tr '\n' ' ')"

# ---- 4: the service against ptp4l --------------------------------------------------------------
note "4: net start ptp4win against ptp4l (priority1 10, free running)"
"${exec_linux[@]}" timeout 120 ptp4l -i "$veth_linux" -S -m --priority1 10 --free_running 1 \
  --logAnnounceInterval -2 --logSyncInterval -2 --logMinDelayReqInterval -2 \
  --uds_address "$work/ptp4l.uds" >"$work/ptp4l.log" 2>&1 &
pids+=($!)
in_wine "$wine" net start ptp4win >"$work/net-start.log" 2>&1 || fail "4: net start ptp4win failed"
in_wine "$wine" sc query ptp4win >"$work/query-running.log" 2>&1
grep -qE "STATE\s+:\s+4\s+RUNNING" "$work/query-running.log" || fail "4: the service is not RUNNING"
wait_for "$eventlog" "ptp4win\[.*to SLAVE on" 1 60 || fail "4: the service did not reach SLAVE"
wait_for "$eventlog" "ptp4win\[.*master offset" 3 30 || fail "4: the service logged no offsets"
in_wine "$wine" net stop ptp4win >>"$work/net-start.log" 2>&1 || fail "4: net stop ptp4win failed"
in_wine "$wine" sc query ptp4win >"$work/query-stopped.log" 2>&1
grep -qE "STATE\s+:\s+1\s+STOPPED" "$work/query-stopped.log" || fail "4: the service is not STOPPED"
grep -qE "WIN32_EXIT_CODE\s+:\s+0 " "$work/query-stopped.log" || fail "4: the exit code is not 0"
echo "4: $(grep -cE 'ptp4win\[.*master offset' "$eventlog") offsets in the Event Log; $(grep -E 'ptp4win\[.*to SLAVE on' "$eventlog" | head -1 | sed 's/.*\(ptp4win\[\)/\1/')"

# ---- 5: uninstall ------------------------------------------------------------------------------
note "5: msiexec /x $(basename "$msi") /qn"
in_wine "$wine" msiexec /x "$(windows_path "$msi")" /qn \
  >"$work/uninstall.log" 2>&1 || fail "5: msiexec /x failed"
check_removed 5

# ---- 6: a fresh install and uninstall of the package under test --------------------------------
note "6: msiexec /i (fresh), then /x"
in_wine "$wine" msiexec /i "$(windows_path "$msi")" /qn \
  >"$work/fresh.log" 2>&1 || fail "6: msiexec /i failed"
check_files 6 1
check_service_registered 6
check_event_source 6
[ "$(installed_versions)" = "$version" ] || fail "6: installed versions '$(installed_versions)'"
in_wine "$wine" msiexec /x "$(windows_path "$msi")" /qn \
  >>"$work/fresh.log" 2>&1 || fail "6: msiexec /x failed"
check_removed 6

note "logs in $work"
if [ "$failed" != 0 ]; then
  for f in "$work"/*.log; do echo "==== $f"; tail -n 30 "$f"; done
  echo "FAILED"
  exit 1
fi
echo "PASSED"
