#!/usr/bin/env bash
# Measures ptp4l itself on linuxptp-testsuite's PI jitter sweep (17-piservo, the ptp4l half) under
# the suite's own simulator, clknetsim: the reference figures docs/conformance.md ("Our `pi`
# against ptp4l") compares ptpstack's `pi` with. Not part of CI: it needs ptp4l installed and
# checkouts of clknetsim (built with `make`) and linuxptp-testsuite, which the project does not
# ship.
#
#   scripts/ptp4l-pi-jitter.sh CLKNETSIM_DIR TESTSUITE_DIR [P2P|E2E] [SEEDS...]
#
# For each jitter (1e-8 .. 1e-5 s) and seed it prints the RMS and mean offset after 2000 s and
# the suite's check_sync line (sync time, max/RMS offset and frequency). The defaults are P2P, as
# the suite runs it, and seeds 1-5 (CLKNETSIM_RANDOM_SEED).
set -euo pipefail

if [[ $# -lt 2 ]]; then
  sed -n '2,12p' "$0"
  exit 2
fi
clknetsim=$(realpath "$1")
testsuite=$(realpath "$2")
mechanism=${3:-P2P}
shift $(($# < 3 ? $# : 3))
seeds=("$@")
[[ ${#seeds[@]} -gt 0 ]] || seeds=(1 2 3 4 5)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The suite's helpers, less uds_ro_address: a ptp4l older than 4.0 refuses the whole file for it.
sed '/uds_ro_address/d' "$testsuite/test.common" > "$work/test.common"
ln -s "$clknetsim" "$work/clknetsim"

# One run of 17-piservo's ptp4l half at the given jitter: the suite's own variables and
# functions (run_ptp4l, check_sync), the PI constants derived from jitter and wander as it does.
cat > "$work/run-one" <<'EOF'
#!/bin/bash
. ./test.common
test_start "ptp4l PI servo, jitter $JITTER, $MECHANISM"
wander=1e-9
limit=4000
max_sync_time=2000
jitter=$JITTER
kp=$(awk "BEGIN {x = 1.5 / sqrt($jitter / $wander); print x < 0.7 ? x : 0.7}")
ki=$(awk "BEGIN {x = 1.2 / ($jitter / $wander); print x < 0.3 ? x : 0.3}")
time_rms_limit=$(awk "BEGIN {print 1.5e-8 * ($jitter / 1e-8)^0.75}")
freq_rms_limit=$(awk "BEGIN {print 1.5e-8 * ($jitter / 1e-8)^0.5}")
time_max_limit=$(awk "BEGIN {print 8 * $time_rms_limit}")
freq_max_limit=$(awk "BEGIN {print 8 * $freq_rms_limit}")
master_conf="delay_mechanism $MECHANISM"
slave_conf="delay_mechanism $MECHANISM
pi_proportional_const $kp
pi_integral_const $ki"
nodes=2
master_nodes="1"
run_ptp4l
check_sync
EOF
chmod +x "$work/run-one"

cd "$work"
for jitter in 1e-8 1e-7 1e-6 1e-5; do
  for seed in "${seeds[@]}"; do
    check=$(JITTER=$jitter MECHANISM=$mechanism CLKNETSIM_RANDOM_SEED=$seed ./run-one 2>&1 |
      grep -E 'node 2: -?[0-9]' | tr -s ' \t' ' ' || true)
    awk -F'\t' -v j="$jitter" -v s="$seed" -v m="$mechanism" -v c="$check" '
      /^RMS offset/ {rms = $2} /^Mean offset/ {mean = $2}
      END {printf "%s jitter %s seed %s: rms %.3g s, mean %.3g s |%s\n", m, j, s, rms, mean, c}
    ' tmp/stats
  done
done
