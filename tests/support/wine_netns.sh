# Shared by the Wine tests (tests/interop_wine/run_interop.sh, tests/install_wine/run_install.sh):
# two network namespaces joined by a veth pair, linuxptp in one and Wine in the other, and the
# helpers both scripts use. Sourced, not run. The caller sets ns_linux, ns_wine, veth_linux,
# veth_wine, prefix (the WINEPREFIX), pids=() and failed=0 first.

# A missing prerequisite: exit 77 (a skip), except under CI=true, where it is a failure.
skip() {
  if [ "${CI:-}" = true ]; then echo "FAIL (CI=true: a missing prerequisite is a failure): $*"; exit 1; fi
  echo "SKIP: $*"
  exit 77
}
fail() { echo "FAIL: $*"; failed=1; }
note() { echo "---- $*"; }

# How commands enter a namespace: `ip netns exec` (which also gives them the namespace's /sys), or,
# where it cannot remount / (a chroot, where / is not a mount point), `nsenter --net` (the network
# namespace alone: enough for ptp4l, pmc, tshark and Wine). PTP4WIN_INTEROP_NSENTER=1 forces it.
exec_linux=(ip netns exec "$ns_linux")
exec_wine=(ip netns exec "$ns_wine")
in_linux() { "${exec_linux[@]}" "$@"; }
in_wine() {
  "${exec_wine[@]}" env WINEPREFIX="$prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" \
    DISPLAY= "$@"
}

# Stops the background processes, the namespace's wineserver and the namespaces: on every exit.
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  [ -n "${wineserver:-}" ] && in_wine "$wineserver" -k 2>/dev/null
  ip netns del "$ns_linux" 2>/dev/null
  ip netns del "$ns_wine" 2>/dev/null
}
trap cleanup EXIT
trap "exit 130" INT TERM

# wait_for FILE REGEX COUNT SECONDS: until FILE has COUNT lines matching REGEX, or the deadline.
wait_for() {
  local file=$1 regex=$2 count=$3 deadline=$((SECONDS + $4))
  while [ "$SECONDS" -lt "$deadline" ]; do
    [ "$(grep -cE -- "$regex" "$file" 2>/dev/null || true)" -ge "$count" ] && return 0
    sleep 0.2
  done
  return 1
}

# Wine and its server, or a skip.
find_wine() {
  wine=$(command -v wine64 || command -v wine || true)
  [ -n "$wine" ] || skip "Wine is not installed"
  wineserver=$(command -v wineserver || echo /usr/lib/wine/wineserver64)
}

# create_namespaces SUBNET (e.g. 10.99.0): the two namespaces, the veth pair between them with
# SUBNET.1/24 on the linuxptp side and SUBNET.2/24 on the Wine side, all links up.
create_namespaces() {
  local subnet=$1
  note "network namespaces $ns_linux ($veth_linux $subnet.1/24) and $ns_wine ($veth_wine $subnet.2/24)"
  ip netns del "$ns_linux" 2>/dev/null
  ip netns del "$ns_wine" 2>/dev/null
  ip netns add "$ns_linux" || skip "cannot create network namespaces (ip netns add failed)"
  ip netns add "$ns_wine" || skip "cannot create network namespaces"
  ip link add "$veth_linux" netns "$ns_linux" type veth peer name "$veth_wine" netns "$ns_wine" ||
    skip "cannot create a veth pair"
  if [ "${PTP4WIN_INTEROP_NSENTER:-0}" = 1 ] || ! "${exec_linux[@]}" true 2>/dev/null; then
    command -v nsenter >/dev/null || skip "ip netns exec fails here and nsenter (util-linux) is missing"
    note "entering the namespaces with nsenter --net (ip netns exec cannot remount / here)"
    exec_linux=(nsenter "--net=/run/netns/$ns_linux")
    exec_wine=(nsenter "--net=/run/netns/$ns_wine")
  fi
  in_linux ip addr add "$subnet.1/24" dev "$veth_linux"
  in_wine ip addr add "$subnet.2/24" dev "$veth_wine"
  for ns in "$ns_linux" "$ns_wine"; do ip -n "$ns" link set lo up; done
  in_linux ip link set "$veth_linux" up
  in_wine ip link set "$veth_wine" up
}

# The Wine prefix, created (wineboot -i) by a wineserver inside the Wine namespace, or a skip.
boot_wine_prefix() {
  timeout 120 "${exec_wine[@]}" env WINEPREFIX="$prefix" WINEDEBUG=-all \
    WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY= "$wine" wineboot -i >/dev/null 2>&1 ||
    skip "Wine cannot create its prefix in the namespace"
}
