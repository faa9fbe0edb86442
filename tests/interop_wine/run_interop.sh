#!/usr/bin/env bash
# ptp4win.exe (mingw-w64 build, under Wine) against linuxptp's ptp4l and pmc, over a veth pair
# between two network namespaces this script creates and always removes (addresses exist only
# inside them). ptp4l uses software timestamps; ptp4win runs free (never touches the clock).
#   1. ptp4l is the better master: ptp4win reaches SLAVE, prints "master offset" lines, and the
#      median |offset| is below PTP4WIN_OFFSET_BOUND_NS (both share one system clock: the true
#      offset is 0, what is measured is timestamping asymmetry; see docs/ptp4win.md);
#   2. ptp4win is the better master: ptp4l (free_running, slaveOnly) reaches SLAVE and pmc on its
#      side shows ptp4win's clock as grandmaster;
#   3. pmc over UDPv4 queries ptp4win for CURRENT, PARENT, DEFAULT, TIME_PROPERTIES and PORT data
#      sets and gets ptp4win's answers;
#   4. BMCA across implementations: 1 and 2 differ only in which side has the better priority1,
#      and both logs agree on who is master; and live: pmc sets ptp4win's priority1 to 5 during
#      case 1, ptp4win becomes master and ptp4l (free running) leaves MASTER for it;
#   5. tshark captures case 1 and finds no malformed PTP packet;
#   6. ptp4win as a Windows service under Wine's Service Control Manager: `sc create`, `net start`
#      (RUNNING), it reaches SLAVE to ptp4l (its Event Log lines and pmc show it), `net stop`
#      (STOPPED, exit code 0, "stopped" logged); a service that cannot start (unknown interface)
#      ends STOPPED with service-specific exit code 1 and the reason in the Event Log.
#   7. peer-to-peer delay: ptp4l -P as master, ptp4win -P (free running) as slave: ptp4win reaches
#      SLAVE, pmc shows ptp4l's port MASTER with delayMechanism P2P and a peer delay (ptp4win
#      answered its Pdelay_Req), tshark finds Pdelay messages and none malformed or warned.
#   9. unicast, ptp4l serves: ptp4l (unicast_listen 1, inhibit_multicast_service 1: no multicast
#      Announce or Sync at all) is master, ptp4win runs `-f unicast.cfg` with a
#      [unicast_master_table] naming it and an address where no master answers: ptp4win reports
#      that one once and reaches SLAVE to ptp4l; the capture holds ptp4l's GRANTs
#      of Announce, Sync and Delay_Resp to ptp4win, unicast Syncs only, Delay_Resps unicast;
#      pmc's management (multicast: linuxptp 3.1's pmc cannot address a unicast destination)
#      reaches the unicast-only ptp4win, which reports SLAVE and ptp4l as its parent;
#   10. unicast, ptp4win serves: ptp4win (unicast_listen 1, inhibit_multicast_service 1) is
#      master, ptp4l (free_running, slaveOnly) has a unicast master table naming it: ptp4l logs
#      the grants (debug level), RS_SLAVE and ptp4win as best master; pmc over ptp4l's UDS shows
#      ptp4win as its parent; the capture holds ptp4win's GRANTs and unicast Syncs only.
#      Both captures: tshark finds no malformed or expert-warning packet.
# Exit 0: passed; 77: skipped (prints why: not root, no namespaces, no Wine, linuxptp or exe;
# under CI=true the same causes exit 1: a missing prerequisite fails);
# anything else: failed. Usage: run_interop.sh PATH/TO/ptp4win.exe [work dir]
set -uo pipefail

exe=${1:-}
work=${2:-$(mktemp -d /tmp/ptp4win-interop.XXXXXX)}
ns_linux=p4w-linux
ns_wine=p4w-wine
veth_linux=p4wl0
veth_wine=p4ww0
prefix=${PTP4WIN_INTEROP_WINEPREFIX:-/tmp/ptp4win-interop-wineprefix}
bound_ns=${PTP4WIN_OFFSET_BOUND_NS:-1000000}
pids=()
failed=0
# skip, fail, note, in_linux, in_wine, cleanup, wait_for, create_namespaces, boot_wine_prefix.
source "$(dirname "${BASH_SOURCE[0]}")/../support/wine_netns.sh"

[ -n "$exe" ] || skip "usage: run_interop.sh PATH/TO/ptp4win.exe [work dir]"
[ -f "$exe" ] || skip "ptp4win.exe not found at '${exe}' (build the windows preset first)"
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
command -v ip >/dev/null || skip "iproute2 (ip) is not installed"
command -v ptp4l >/dev/null || skip "linuxptp (ptp4l) is not installed"
command -v pmc >/dev/null || skip "linuxptp (pmc) is not installed"
command -v curl >/dev/null || skip "curl is not installed (case 8 scrapes /metrics)"
find_wine
mkdir -p "$work"
echo "work directory: $work"

# Stops a background process with SIGINT (Ctrl+C for a Windows console program under Wine) and
# returns its exit code, or 124 if it did not end within 10 s.
stop_process() {
  local pid=$1 deadline=$((SECONDS + 10))
  kill -INT "$pid" 2>/dev/null
  while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; wait "$pid" 2>/dev/null; return 124; fi
  wait "$pid"
}

create_namespaces 10.99.0

note "Wine prefix $prefix (its wineserver starts inside $ns_wine)"
in_wine "$wineserver" -k 2>/dev/null
boot_wine_prefix

# --summary_interval -2: one "master offset" line per Sync (ptp4l's default 0 would summarise).
fast="--logAnnounceInterval -2 --logSyncInterval -2 --logMinDelayReqInterval -2
  --summary_interval -2"
ptp4l_common=(-i "$veth_linux" -S -m --logAnnounceInterval -2 --logSyncInterval -2
  --logMinDelayReqInterval -2 --summary_interval -2 --slaveOnly 0)

start_ptp4l() {  # log file, extra options
  local log=$1
  shift
  # No shell function in the background: $! must be the process itself (ip netns exec and nsenter exec it).
  "${exec_linux[@]}" timeout 120 ptp4l "${ptp4l_common[@]}" --uds_address "$log.uds" "$@" \
    >"$log" 2>&1 &
  pids+=($!)
  ptp4l_pid=$!
}
start_ptp4win() {  # log file, extra options
  local log=$1
  shift
  # timeout forwards the SIGINT of stop_process to Wine, which raises Ctrl+C in ptp4win.
  # shellcheck disable=SC2086
  "${exec_wine[@]}" env WINEPREFIX="$prefix" WINEDEBUG=-all \
    WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY= timeout -s INT 120 "$wine" "$exe" \
    -i "$veth_wine" -S -m --free_running 1 $fast "$@" >"$log" 2>&1 &
  pids+=($!)
  ptp4win_pid=$!
}
ptp4win_identity() { grep -oE 'clock identity [0-9a-f]{6}\.[0-9a-f]{4}\.[0-9a-f]{6}' "$1" | head -1 | cut -d' ' -f3; }

# ---- case 1: ptp4l master, ptp4win slave (free running), capture, pmc over UDP -----------------
note "case 1: ptp4l (priority1 10) is master, ptp4win (priority1 128) is slave"
capture=""
if command -v tshark >/dev/null; then
  capture="$work/case1.pcapng"
  "${exec_linux[@]}" timeout 60 tshark -q -i "$veth_linux" -f "udp port 319 or udp port 320" -w "$capture" \
    >"$work/tshark.log" 2>&1 &
  pids+=($!)
  tshark_pid=$!
  wait_for "$work/tshark.log" "Capturing on" 1 20 || fail "tshark did not start capturing"
else
  echo "tshark not installed: case 5 (capture) skipped"
fi
# free_running: in case 4 ptp4l becomes a slave and must not adjust the shared clock.
start_ptp4l "$work/case1-ptp4l.log" --priority1 10 --free_running 1
# Default utc_offset (37): a ptp4l grandmaster on the system clock (-S) announces the ARB
# timescale (ptpTimescale 0) and sends CLOCK_REALTIME (UTC); ptp4win's driver follows the
# announced timescale and adds no offset to the Windows clock (UTC) (docs/ptp4win.md, Timescale).
# Had it added 37 s, the median offset below would be 37e9 ns.
start_ptp4win "$work/case1-ptp4win.log" --metrics_address 127.0.0.1:9120
wait_for "$work/case1-ptp4win.log" "to SLAVE on" 1 40 || fail "case 1: ptp4win did not reach SLAVE"
wait_for "$work/case1-ptp4win.log" "master offset" 20 40 || fail "case 1: fewer than 20 offsets"
wait_for "$work/case1-ptp4l.log" "to MASTER on" 1 5 || fail "case 1: ptp4l is not MASTER"
identity=$(ptp4win_identity "$work/case1-ptp4win.log")
echo "ptp4win clock identity: ${identity:-unknown}"

# ---- case 8: /metrics while ptp4win is slave ---------------------------------------------------
note "case 8: two scrapes of ptp4win's /metrics (127.0.0.1:9120 in $ns_wine)"
metrics_url=http://127.0.0.1:9120/metrics
# scrape N: the page into case8-scrapeN.prom, and the newest log offset right after it, in ns.
scrape() {
  "${exec_wine[@]}" curl -sS --max-time 5 -o "$work/case8-scrape$1.prom" "$metrics_url" ||
    fail "case 8: scrape $1 failed"
  grep "master offset" "$work/case1-ptp4win.log" | tail -1 | awk '{print $4}' \
    >"$work/case8-log-offset$1.txt"
}
scrape 1
wait_for "$work/case1-ptp4win.log" "master offset" 28 20 || fail "case 8: no new offsets"
scrape 2
families="ptp_port_state ptp_offset_from_master_seconds ptp_mean_path_delay_seconds
  ptp_frequency_adjustment_ppb ptp_servo_state ptp_grandmaster_info ptp_timestamp_source
  ptp_messages_total ptp_messages_dropped_total ptp_state_changes_total ptp_measurements_total
  ptp_tx_timestamps_lost_total ptp_capability_changes_total"
for n in 1 2; do
  page="$work/case8-scrape$n.prom"
  for family in $families; do
    grep -qE "^# TYPE $family (gauge|counter)$" "$page" || fail "case 8: scrape $n lacks $family"
  done
  grep -qx 'ptp_port_state{state="SLAVE"} 1' "$page" || fail "case 8: scrape $n: port not SLAVE"
  grep -q "^ptp_grandmaster_info{identity=\"" "$page" || fail "case 8: no grandmaster identity"
  metric_ns=$(awk '$1 == "ptp_offset_from_master_seconds" {printf "%.0f", $2 * 1e9}' "$page")
  log_ns=$(cat "$work/case8-log-offset$n.txt")
  echo "case 8: scrape $n: offset ${metric_ns:-none} ns, newest log line ${log_ns:-none} ns"
  if [ -z "$metric_ns" ] || [ -z "$log_ns" ] ||
    [ "$(( (metric_ns - log_ns) < 0 ? log_ns - metric_ns : metric_ns - log_ns ))" -gt 1000000 ]; then
    fail "case 8: scrape $n's offset is not within 1 ms of the log's"
  fi
done
# Counters (every *_total sample) of scrape 2 are never below scrape 1's.
decreased=$(awk '$1 ~ /_total/ && FNR == NR {first[$1] = $2; next}
  $1 ~ /_total/ && ($1 in first) && $2 + 0 < first[$1] + 0 {print $1, first[$1], "->", $2}
  $1 ~ /_total/ && !($1 in first) {print $1, "missing in scrape 1"}' \
  "$work/case8-scrape1.prom" "$work/case8-scrape2.prom")
[ -z "$decreased" ] || fail "case 8: counters decreased or appeared: $decreased"
received1=$(awk '$1 == "ptp_messages_total{direction=\"received\",type=\"sync\"}" {print $2}' \
  "$work/case8-scrape1.prom")
received2=$(awk '$1 == "ptp_messages_total{direction=\"received\",type=\"sync\"}" {print $2}' \
  "$work/case8-scrape2.prom")
echo "case 8: Syncs received ${received1:-none} -> ${received2:-none}"
[ -n "$received1" ] && [ -n "$received2" ] && [ "$received2" -gt "$received1" ] ||
  fail "case 8: the Sync counter did not grow between the scrapes"
status_404=$("${exec_wine[@]}" curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
  http://127.0.0.1:9120/)
status_405=$("${exec_wine[@]}" curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST \
  "$metrics_url")
[ "$status_404" = 404 ] || fail "case 8: GET / answered $status_404, not 404"
[ "$status_405" = 405 ] || fail "case 8: POST /metrics answered $status_405, not 405"

note "case 3: pmc over UDPv4 (from $ns_linux) asks ptp4win for its data sets"
in_linux timeout 20 pmc -4 -i "$veth_linux" -b 1 \
  'GET CURRENT_DATA_SET' 'GET PARENT_DATA_SET' 'GET DEFAULT_DATA_SET' \
  'GET TIME_PROPERTIES_DATA_SET' 'GET PORT_DATA_SET' >"$work/case3-pmc.log" 2>&1
for tlv in CURRENT_DATA_SET PARENT_DATA_SET DEFAULT_DATA_SET TIME_PROPERTIES_DATA_SET PORT_DATA_SET; do
  grep -qE "^\s*${identity}-1 seq [0-9]+ RESPONSE MANAGEMENT ${tlv}" "$work/case3-pmc.log" ||
    fail "case 3: no $tlv response from ptp4win ($identity)"
done
# The answers' content: ptp4win's own defaultDS, its port in SLAVE, ptp4l's clock as its parent.
awk -v id="$identity-1" '$1 == id && /DEFAULT_DATA_SET/ {p=1; next} /RESPONSE MANAGEMENT/ {p=0} p' \
  "$work/case3-pmc.log" >"$work/case3-default.txt"
grep -qE "priority1\s+128" "$work/case3-default.txt" || fail "case 3: DEFAULT_DATA_SET priority1 != 128"
grep -qE "clockIdentity\s+${identity}" "$work/case3-default.txt" ||
  fail "case 3: DEFAULT_DATA_SET clockIdentity != ${identity}"
awk -v id="$identity-1" '$1 == id && /PORT_DATA_SET/ {p=1; next} /RESPONSE MANAGEMENT/ {p=0} p' \
  "$work/case3-pmc.log" >"$work/case3-port.txt"
grep -qE "portState\s+SLAVE" "$work/case3-port.txt" || fail "case 3: PORT_DATA_SET portState != SLAVE"
awk -v id="$identity-1" '$1 == id && /PARENT_DATA_SET/ {p=1; next} /RESPONSE MANAGEMENT/ {p=0} p' \
  "$work/case3-pmc.log" >"$work/case3-parent.txt"
grep -qE "grandmasterPriority1\s+10" "$work/case3-parent.txt" ||
  fail "case 3: PARENT_DATA_SET grandmasterPriority1 != 10 (ptp4l's)"

# ---- case 4: BMCA live: ptp4win's priority1 set to 5 through pmc, both sides change roles ----
note "case 4: pmc sets ptp4win's priority1 to 5: ptp4win becomes master, ptp4l selects it"
"${exec_linux[@]}" timeout 20 pmc -4 -i "$veth_linux" -b 1 "TARGET ${identity}-1" \
  'SET PRIORITY1 5' >"$work/case4-pmc.log" 2>&1
grep -qE "priority1\s+5" "$work/case4-pmc.log" || fail "case 4: ptp4win did not acknowledge the SET"
wait_for "$work/case1-ptp4win.log" "SLAVE to (PRE_)?MASTER on" 1 20 ||
  fail "case 4: ptp4win did not become master after its priority1 became better"
wait_for "$work/case1-ptp4l.log" "selected best master clock ${identity}" 1 20 ||
  fail "case 4: ptp4l did not select ptp4win"
wait_for "$work/case1-ptp4l.log" "MASTER to UNCALIBRATED on RS_SLAVE" 1 20 ||
  fail "case 4: ptp4l did not leave MASTER for ptp4win"

stop_process "$ptp4win_pid"
rc=$?
[ "$rc" = 0 ] || fail "case 1: ptp4win exited with $rc on Ctrl+C (expected 0)"
grep -q "stopped" "$work/case1-ptp4win.log" || fail "case 1: ptp4win did not log a clean stop"
stop_process "$ptp4l_pid" >/dev/null
if [ -n "$capture" ]; then
  stop_process "$tshark_pid" >/dev/null
fi

# Offsets: the median |offset| of the locked measurements (the first 5 are dropped: the delay
# filter is still filling).
median=$(grep "master offset" "$work/case1-ptp4win.log" | awk '{print $4}' | tail -n +6 |
  awk '{v = $1 < 0 ? -$1 : $1; print v}' | sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "none"}')
echo "case 1: median |master offset| = ${median} ns over $(grep -c "master offset" "$work/case1-ptp4win.log") lines (bound ${bound_ns} ns)"
if [ "$median" = none ] || [ "$median" -gt "$bound_ns" ]; then
  fail "case 1: median |offset| ${median} ns above ${bound_ns} ns"
fi

# ---- case 5: tshark ---------------------------------------------------------------------------
if [ -n "$capture" ]; then
  note "case 5: tshark decodes the capture"
  total=$(tshark -r "$capture" -Y ptp 2>/dev/null | wc -l)
  malformed=$(tshark -r "$capture" -Y '_ws.malformed' 2>/dev/null | wc -l)
  from_wine=$(tshark -r "$capture" -Y 'ptp && ip.src == 10.99.0.2' 2>/dev/null | wc -l)
  echo "case 5: $total PTP packets ($from_wine from ptp4win), $malformed malformed"
  [ "$total" -gt 0 ] || fail "case 5: no PTP packets captured"
  [ "$from_wine" -gt 0 ] || fail "case 5: no PTP packets from ptp4win captured"
  [ "$malformed" = 0 ] || fail "case 5: $malformed malformed packets"
fi

# ---- case 2: ptp4win master, ptp4l slave --------------------------------------------------------
note "case 2: ptp4win (priority1 10) is master, ptp4l (free_running, slaveOnly) is slave"
start_ptp4l "$work/case2-ptp4l.log" --slaveOnly 1 --free_running 1
start_ptp4win "$work/case2-ptp4win.log" --priority1 10
# linuxptp's free_running never reports a locked servo (clock_no_adjust: always s0), so a
# free-running ptp4l stays UNCALIBRATED: RS_SLAVE (its BMCA chose ptp4win) is what it can show.
wait_for "$work/case2-ptp4l.log" "to UNCALIBRATED on RS_SLAVE" 1 40 ||
  fail "case 2: ptp4l did not select ptp4win (no LISTENING to UNCALIBRATED on RS_SLAVE)"
wait_for "$work/case2-ptp4l.log" "master offset" 8 30 || fail "case 2: ptp4l printed < 8 offsets"
wait_for "$work/case2-ptp4win.log" "to MASTER on" 1 5 || fail "case 2: ptp4win is not MASTER"
grep -q "selected best master clock $(ptp4win_identity "$work/case2-ptp4win.log")" \
  "$work/case2-ptp4l.log" || fail "case 2: ptp4l did not select ptp4win as best master"
identity=$(ptp4win_identity "$work/case2-ptp4win.log")
"${exec_linux[@]}" timeout 20 pmc -u -s "$work/case2-ptp4l.log.uds" -b 0 \
  'GET PARENT_DATA_SET' >"$work/case2-pmc.log" 2>&1
grep -qE "grandmasterIdentity\s+${identity}" "$work/case2-pmc.log" ||
  fail "case 2: ptp4l's PARENT_DATA_SET does not name ptp4win (${identity}) as grandmaster"
grep -qE "grandmasterPriority1\s+10" "$work/case2-pmc.log" ||
  fail "case 2: ptp4l's grandmasterPriority1 != 10"
"${exec_linux[@]}" timeout 20 pmc -u -s "$work/case2-ptp4l.log.uds" -b 0 \
  'GET TIME_PROPERTIES_DATA_SET' >"$work/case2-pmc-time.log" 2>&1
grep -qE "ptpTimescale\s+0" "$work/case2-pmc-time.log" ||
  fail "case 2: ptp4l does not see ptp4win's ARB timescale (ptpTimescale 0)"
grep -qE "currentUtcOffset\s+37" "$work/case2-pmc-time.log" ||
  fail "case 2: ptp4l does not see ptp4win's currentUtcOffset 37"
# ptp4win as grandmaster on the Windows clock announces ARB and sends UTC, as ptp4l on
# CLOCK_REALTIME does: ptp4l applies no offset, and measures the same asymmetry as in case 1.
median2=$(grep "master offset" "$work/case2-ptp4l.log" | awk '{print $4}' | tail -n +6 |
  awk '{v = $1 < 0 ? -$1 : $1; print v}' | sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "none"}')
echo "case 2: ptp4l's median |master offset| = ${median2} ns (bound ${bound_ns} ns)"
if [ "$median2" = none ] || [ "$median2" -gt "$bound_ns" ]; then
  fail "case 2: ptp4l's median |offset| ${median2} ns above ${bound_ns} ns"
fi
stop_process "$ptp4win_pid" >/dev/null
stop_process "$ptp4l_pid" >/dev/null

# ---- case 6: ptp4win as a Windows service --------------------------------------------------------
note "case 6: ptp4win as a service (sc create, net start, SLAVE to ptp4l, net stop)"
exe_windows=$(in_wine "$wine" winepath -w "$exe" 2>/dev/null | tr -d '\r')
# A fresh persistent wineserver: services.exe starts with the next Wine command (sc create) and
# keeps its stderr, where Wine's Event Log (WINEDEBUG eventlog channel) writes what the service
# reports.
in_wine "$wineserver" -k 2>/dev/null
in_wine "$wineserver" -p
in_wine_eventlog() {
  "${exec_wine[@]}" env WINEPREFIX="$prefix" WINEDEBUG=-all,trace+eventlog,err+eventlog \
    WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY= "$@"
}
eventlog="$work/case6-eventlog.log"
: >"$eventlog"  # the work directory may hold an earlier run's
service=ptp4win-interop
# shellcheck disable=SC2086
in_wine_eventlog "$wine" sc create "$service" binPath= "$exe_windows --service -i $veth_wine -S \
--free_running 1 $(echo $fast)" >"$work/case6-sc.log" 2>>"$eventlog"
in_wine "$wine" sc create "${service}-bad" \
  binPath= "$exe_windows --service -i no-such-interface --free_running 1" >>"$work/case6-sc.log"
start_ptp4l "$work/case6-ptp4l.log" --priority1 10 --free_running 1
in_wine "$wine" net start "$service" >>"$work/case6-sc.log" 2>&1 ||
  fail "case 6: net start $service failed"
in_wine "$wine" sc query "$service" >"$work/case6-query-running.log" 2>&1
grep -qE "STATE\s+:\s+4\s+RUNNING" "$work/case6-query-running.log" ||
  fail "case 6: the service is not RUNNING after net start"
wait_for "$eventlog" "ptp4win\[.*to SLAVE on" 1 40 || fail "case 6: the service did not reach SLAVE"
identity=$(ptp4win_identity "$eventlog")
in_linux timeout 20 pmc -4 -i "$veth_linux" -b 1 'GET PORT_DATA_SET' >"$work/case6-pmc.log" 2>&1
awk -v id="$identity-1" '$1 == id && /PORT_DATA_SET/ {p=1; next} /RESPONSE MANAGEMENT/ {p=0} p' \
  "$work/case6-pmc.log" | grep -qE "portState\s+SLAVE" ||
  fail "case 6: pmc does not show the service's port (${identity:-unknown}) in SLAVE"
in_wine "$wine" net stop "$service" >>"$work/case6-sc.log" 2>&1 ||
  fail "case 6: net stop $service failed"
in_wine "$wine" sc query "$service" >"$work/case6-query-stopped.log" 2>&1
grep -qE "STATE\s+:\s+1\s+STOPPED" "$work/case6-query-stopped.log" ||
  fail "case 6: the service is not STOPPED after net stop"
grep -qE "WIN32_EXIT_CODE\s+:\s+0 " "$work/case6-query-stopped.log" ||
  fail "case 6: the stopped service's exit code is not 0"
wait_for "$eventlog" "ptp4win\[[0-9.]+\]: stopped" 1 10 || fail "case 6: no clean stop in the Event Log"
# The failing service: the SCM sees it stop with ptp4win's exit code 1, the Event Log says why.
in_wine "$wine" net start "${service}-bad" >>"$work/case6-sc.log" 2>&1
deadline=$((SECONDS + 20))
while [ "$SECONDS" -lt "$deadline" ]; do
  in_wine "$wine" sc query "${service}-bad" >"$work/case6-query-bad.log" 2>&1
  grep -qE "STATE\s+:\s+1\s+STOPPED" "$work/case6-query-bad.log" && break
  sleep 0.5
done
grep -qE "WIN32_EXIT_CODE\s+:\s+1066 " "$work/case6-query-bad.log" &&
  grep -qE "SERVICE_EXIT_CODE\s+:\s+1 " "$work/case6-query-bad.log" ||
  fail "case 6: the failing service did not stop with ERROR_SERVICE_SPECIFIC_ERROR and code 1"
grep -q "no-such-interface" "$eventlog" || fail "case 6: the Event Log does not say why it failed"
in_wine "$wine" sc delete "$service" >/dev/null 2>&1
in_wine "$wine" sc delete "${service}-bad" >/dev/null 2>&1
stop_process "$ptp4l_pid" >/dev/null
echo "case 6: service ${identity:-unknown} RUNNING, SLAVE, STOPPED (exit 0); failing one exit 1066/1"

# ---- case 7: peer-to-peer delay: ptp4l -P master, ptp4win -P slave ------------------------------
note "case 7: ptp4l -P (priority1 10) is master, ptp4win -P is slave"
capture7=""
if command -v tshark >/dev/null; then
  capture7="$work/case7.pcapng"
  "${exec_linux[@]}" timeout 60 tshark -q -i "$veth_linux" -f "udp port 319 or udp port 320" \
    -w "$capture7" >"$work/tshark7.log" 2>&1 &
  pids+=($!)
  tshark_pid=$!
  wait_for "$work/tshark7.log" "Capturing on" 1 20 || fail "case 7: tshark did not start capturing"
fi
start_ptp4l "$work/case8-ptp4l.log" -P --priority1 10 --free_running 1 --logMinPdelayReqInterval -2
start_ptp4win "$work/case8-ptp4win.log" -P --logMinPdelayReqInterval -2
wait_for "$work/case8-ptp4win.log" "to SLAVE on" 1 40 || fail "case 7: ptp4win did not reach SLAVE"
wait_for "$work/case8-ptp4win.log" "master offset" 20 40 || fail "case 7: fewer than 20 offsets"
"${exec_linux[@]}" timeout 20 pmc -u -s "$work/case8-ptp4l.log.uds" -b 0 \
  'GET PORT_DATA_SET' >"$work/case8-pmc.log" 2>&1
grep -qE "portState\s+MASTER" "$work/case8-pmc.log" || fail "case 7: pmc does not show ptp4l MASTER"
grep -qE "delayMechanism\s+2" "$work/case8-pmc.log" || fail "case 7: ptp4l's port is not P2P"
# ptp4l measured its link to ptp4win: ptp4win answered its Pdelay_Req with Resp and Follow_Up.
grep -qE "peerMeanPathDelay\s+[1-9]" "$work/case8-pmc.log" ||
  fail "case 7: ptp4l has no peer delay (ptp4win did not answer its Pdelay_Req)"
stop_process "$ptp4win_pid" >/dev/null
stop_process "$ptp4l_pid" >/dev/null
if [ -n "$capture7" ]; then
  stop_process "$tshark_pid" >/dev/null
  # Without tshark's PTP analysis: it pairs messages within one address pair, and peer-delay
  # messages all go to 224.0.0.107, so it flags every Pdelay exchange, ptp4l's own with ptp4l
  # as responder included ("No Response for this Peer Delay Request").
  fields=$(tshark -n -r "$capture7" -T fields \
    -e _ws.malformed -e _ws.expert.severity -e ptp.v2.messagetype -Y ptp 2>/dev/null)
  pdelay=$(printf '%s\n' "$fields" | awk -F'\t' '$3 == "0x02" || $3 == "0x03" || $3 == "0x0a"' | wc -l)
  bad=$(printf '%s\n' "$fields" | awk -F'\t' '$1 != "" || $2 ~ /6291456|8388608/' | wc -l)
  pdelay_from_wine=$(tshark -r "$capture7" -Y 'ptp.v2.messagetype == 0x03 && ip.src == 10.99.0.2' \
    2>/dev/null | wc -l)
  echo "case 7: $pdelay Pdelay packets ($pdelay_from_wine Pdelay_Resp from ptp4win), $bad malformed or warned"
  [ "$pdelay" -gt 0 ] || fail "case 7: no Pdelay packets captured"
  [ "$pdelay_from_wine" -gt 0 ] || fail "case 7: ptp4win sent no Pdelay_Resp"
  [ "$bad" = 0 ] || fail "case 7: $bad malformed or expert-warning packets"
fi
grep -E "master offset" "$work/case8-ptp4win.log" | tail -n 3

# ---- cases 9 and 10: unicast negotiation ---------------------------------------------------------
# start_capture NAME: tshark on the Linux side into $work/NAME.pcapng ($capture_pid), or nothing.
start_capture() {
  capture_file=""
  command -v tshark >/dev/null || return 0
  capture_file="$work/$1.pcapng"
  "${exec_linux[@]}" timeout 90 tshark -q -i "$veth_linux" -f "udp port 319 or udp port 320" \
    -w "$capture_file" >"$work/$1-tshark.log" 2>&1 &
  pids+=($!)
  capture_pid=$!
  wait_for "$work/$1-tshark.log" "Capturing on" 1 20 || fail "$1: tshark did not start capturing"
}
# ptp_count FILE FILTER: how many packets of the capture match the display filter.
ptp_count() { tshark -n -r "$1" -Y "$2" 2>/dev/null | wc -l; }
# check_unicast_capture LABEL FILE MASTER_IP CLIENT_IP: the master granted Announce (0x0b), Sync
# (0x00) and Delay_Resp (0x09) for a nonzero duration, and Sync twice (the 10 s grant renewed),
# sent Sync and Announce to the client unicast (flag set) and none to the multicast group,
# answered Delay_Req unicast; nothing malformed or warned.
check_unicast_capture() {
  local label=$1 file=$2 master=$3 client=$4 grants type
  [ -n "$file" ] || return 0
  grants=$(tshark -n -r "$file" -T fields -e ptp.v2.sig.tlv.messageType \
    -e ptp.v2.sig.tlv.durationField \
    -Y "ptp.v2.sig.tlv.tlvType == 0x0005 && ip.src == $master && ip.dst == $client" 2>/dev/null)
  echo "$label: GRANTs $master -> $client (messageType, duration):" \
    "$(printf '%s\n' "$grants" | sort -u | tr '\t\n' ' ;')"
  for type in 0x0b 0x00 0x09; do
    printf '%s\n' "$grants" | awk -F'\t' -v t="$type" -v want="$([ $type = 0x00 ] && echo 2 || echo 1)" '
      {n = split($1, m, ","); split($2, d, ",")
       for (i = 1; i <= n; i++) if (m[i] == t && d[i] + 0 > 0) found++}
      END {exit found < want}' ||
      fail "$label: fewer GRANTs of messageType $type with a nonzero duration from $master than asked"
  done
  local service="(ptp.v2.messagetype == 0x00 || ptp.v2.messagetype == 0x0b)"
  local unicast_sync multicast_service unflagged delay_resp fields bad
  unicast_sync=$(ptp_count "$file" "ptp.v2.messagetype == 0x00 && ip.src == $master &&
    ip.dst == $client && ptp.v2.flags.unicast == 1")
  multicast_service=$(ptp_count "$file" "$service && ip.src == $master && ip.dst == 224.0.1.129")
  unflagged=$(ptp_count "$file" "$service && ip.src == $master && ptp.v2.flags.unicast == 0")
  delay_resp=$(ptp_count "$file" "ptp.v2.messagetype == 0x09 && ip.src == $master &&
    ip.dst == $client && ptp.v2.flags.unicast == 1")
  fields=$(tshark -n -r "$file" -T fields -e _ws.malformed -e _ws.expert.severity -Y ptp 2>/dev/null)
  bad=$(printf '%s\n' "$fields" | awk -F'\t' '$1 != "" || $2 ~ /6291456|8388608/' | wc -l)
  echo "$label: $unicast_sync unicast Syncs and $delay_resp unicast Delay_Resps $master ->" \
    "$client; $multicast_service multicast and $unflagged unflagged Sync/Announce; $bad" \
    "malformed or warned"
  [ "$unicast_sync" -gt 10 ] || fail "$label: fewer than 10 unicast Syncs from $master"
  [ "$delay_resp" -gt 0 ] || fail "$label: no unicast Delay_Resp from $master"
  [ "$multicast_service" = 0 ] || fail "$label: $master sent multicast Sync/Announce"
  [ "$unflagged" = 0 ] || fail "$label: $master sent Sync/Announce without the unicast flag"
  [ "$bad" = 0 ] || fail "$label: $bad malformed or expert-warning packets"
}
median_offset() {  # LOG: the median |master offset| after the first 5 lines, or "none"
  grep "master offset" "$1" | awk '{print $4}' | tail -n +6 |
    awk '{v = $1 < 0 ? -$1 : $1; print v}' | sort -n |
    awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "none"}'
}
check_median() {  # LABEL MEDIAN
  echo "$1: median |master offset| = $2 ns (bound ${bound_ns} ns)"
  if [ "$2" = none ] || [ "$2" -gt "$bound_ns" ]; then fail "$1: median |offset| $2 ns above bound"; fi
}

note "case 9: ptp4l (unicast_listen, no multicast service) is master, ptp4win -f unicast.cfg is slave"
# The file a user writes (docs/ptp4win.md), its table naming ptp4l; the fast intervals are the
# command line's, and ptp4win asks for service at them.
# 10 s grants (the shortest ptp4l allows) are renewed within the case. The table's second master
# (10.99.0.77) does not exist: it is reported once and never keeps ptp4win from ptp4l.
printf '%s\n' "[global]" "slaveOnly               1" "unicast_req_duration    10" "" \
  "[unicast_master_table]" "table_id                1" "logQueryInterval        0" \
  "UDPv4                   10.99.0.77" "UDPv4                   10.99.0.1" "" "[$veth_wine]" \
  "unicast_master_table    1" >"$work/case9-unicast.cfg"
start_capture case9
start_ptp4l "$work/case9-ptp4l.log" --priority1 10 --free_running 1 --unicast_listen 1 \
  --inhibit_multicast_service 1
start_ptp4win "$work/case9-ptp4win.log" -f "$work/case9-unicast.cfg"
wait_for "$work/case9-ptp4win.log" "to SLAVE on" 1 60 || fail "case 9: ptp4win did not reach SLAVE"
# 48 offsets at 4 a second: past the renewal of the grants.
wait_for "$work/case9-ptp4win.log" "master offset" 48 40 || fail "case 9: fewer than 48 offsets"
wait_for "$work/case9-ptp4l.log" "to MASTER on" 1 5 || fail "case 9: ptp4l is not MASTER"
identity=$(ptp4win_identity "$work/case9-ptp4win.log")
ptp4l_identity=$(grep -oE 'selected local clock [0-9a-f]{6}\.[0-9a-f]{4}\.[0-9a-f]{6}' \
  "$work/case9-ptp4l.log" | head -1 | cut -d' ' -f4)
grep -q "selected best master clock ${ptp4l_identity:-none}" "$work/case9-ptp4win.log" ||
  fail "case 9: ptp4win did not select ptp4l (${ptp4l_identity:-unknown})"
silent="unicast master does not grant Announce \(peer 10.99.0.77, Announce\)"
[ "$(grep -cE "$silent" "$work/case9-ptp4win.log")" = 1 ] ||
  fail "case 9: ptp4win did not report the silent master 10.99.0.77 exactly once"
# pmc: multicast management to the unicast-only ptp4win.
in_linux timeout 20 pmc -4 -i "$veth_linux" -b 1 "TARGET ${identity}-1" 'GET PORT_DATA_SET' \
  'GET PARENT_DATA_SET' >"$work/case9-pmc.log" 2>&1
awk -v id="$identity-1" '$1 == id && /PORT_DATA_SET/ {p=1; next} /RESPONSE MANAGEMENT/ {p=0} p' \
  "$work/case9-pmc.log" | grep -qE "portState\s+SLAVE" ||
  fail "case 9: pmc does not show ptp4win's port (${identity:-unknown}) in SLAVE"
grep -qE "parentPortIdentity\s+${ptp4l_identity:-none}-1" "$work/case9-pmc.log" ||
  fail "case 9: pmc does not show ptp4l as ptp4win's parent"
"${exec_linux[@]}" timeout 20 pmc -u -s "$work/case9-ptp4l.log.uds" -b 0 'GET PORT_DATA_SET' \
  >"$work/case9-pmc-uds.log" 2>&1
grep -qE "portState\s+MASTER" "$work/case9-pmc-uds.log" || fail "case 9: pmc does not show ptp4l MASTER"
stop_process "$ptp4win_pid" >/dev/null
stop_process "$ptp4l_pid" >/dev/null
[ -n "$capture_file" ] && stop_process "$capture_pid" >/dev/null
check_median "case 9" "$(median_offset "$work/case9-ptp4win.log")"
check_unicast_capture "case 9" "$capture_file" 10.99.0.1 10.99.0.2
grep -E "port 1: |selected|master offset" "$work/case9-ptp4win.log" | head -n 8

note "case 10: ptp4win (unicast_listen, no multicast service) is master, ptp4l with a table is slave"
printf '%s\n' "[global]" "unicast_req_duration    10" "" "[unicast_master_table]" \
  "table_id                1" "logQueryInterval        0" "UDPv4                   10.99.0.2" "" \
  "[$veth_linux]" "unicast_master_table    1" >"$work/case10-ptp4l.cfg"
start_capture case10
# -l 7: ptp4l logs each grant it receives ("unicast SYNC granted for 10 sec") at debug level.
start_ptp4l "$work/case10-ptp4l.log" -f "$work/case10-ptp4l.cfg" --slaveOnly 1 --free_running 1 \
  -l 7
start_ptp4win "$work/case10-ptp4win.log" --priority1 10 --unicast_listen 1 \
  --inhibit_multicast_service 1
wait_for "$work/case10-ptp4l.log" "to UNCALIBRATED on RS_SLAVE" 1 60 ||
  fail "case 10: ptp4l did not select ptp4win (no UNCALIBRATED on RS_SLAVE)"
# ptp4l renews its 10 s grants 7.5 s after they came: its second grant of Sync.
wait_for "$work/case10-ptp4l.log" "unicast SYNC granted for [1-9]" 2 40 ||
  fail "case 10: ptp4win did not grant ptp4l's renewal of Sync"
wait_for "$work/case10-ptp4l.log" "master offset" 8 30 || fail "case 10: ptp4l printed < 8 offsets"
wait_for "$work/case10-ptp4win.log" "to MASTER on" 1 5 || fail "case 10: ptp4win is not MASTER"
identity=$(ptp4win_identity "$work/case10-ptp4win.log")
grep -q "selected best master clock ${identity:-none}" "$work/case10-ptp4l.log" ||
  fail "case 10: ptp4l did not select ptp4win (${identity:-unknown}) as best master"
for service in ANNOUNCE SYNC DELAY_RESP; do
  grep -qE "unicast $service granted for [1-9]" "$work/case10-ptp4l.log" ||
    fail "case 10: ptp4l logged no grant of $service from ptp4win"
done
"${exec_linux[@]}" timeout 20 pmc -u -s "$work/case10-ptp4l.log.uds" -b 0 \
  'GET PARENT_DATA_SET' >"$work/case10-pmc.log" 2>&1
grep -qE "parentPortIdentity\s+${identity:-none}-1" "$work/case10-pmc.log" ||
  fail "case 10: ptp4l's PARENT_DATA_SET does not name ptp4win's port (${identity:-unknown}-1)"
grep -qE "grandmasterPriority1\s+10" "$work/case10-pmc.log" ||
  fail "case 10: ptp4l's grandmasterPriority1 != 10"
in_linux timeout 20 pmc -4 -i "$veth_linux" -b 1 "TARGET ${identity}-1" 'GET PORT_DATA_SET' \
  >"$work/case10-pmc-udp.log" 2>&1
awk -v id="$identity-1" '$1 == id && /PORT_DATA_SET/ {p=1; next} /RESPONSE MANAGEMENT/ {p=0} p' \
  "$work/case10-pmc-udp.log" | grep -qE "portState\s+MASTER" ||
  fail "case 10: pmc does not show ptp4win's port MASTER"
stop_process "$ptp4win_pid" >/dev/null
stop_process "$ptp4l_pid" >/dev/null
[ -n "$capture_file" ] && stop_process "$capture_pid" >/dev/null
check_median "case 10" "$(median_offset "$work/case10-ptp4l.log")"
check_unicast_capture "case 10" "$capture_file" 10.99.0.2 10.99.0.1

note "logs in $work"
if [ "$failed" != 0 ]; then
  for f in "$work"/*.log; do echo "==== $f"; tail -n 40 "$f"; done
  echo "FAILED"
  exit 1
fi
echo "PASSED"
