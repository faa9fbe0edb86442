#!/usr/bin/env bash
# Builds the `fuzz` preset (clang, libFuzzer, ASan+UBSan) and runs ptp_wire_decode_fuzzer for a
# bounded time. Exits non-zero if the build fails or the fuzzer reports anything: a crash, a
# broken round-trip property (__builtin_trap), a leak, a sanitizer report, a timeout or OOM.
#
# Usage: scripts/run-fuzz.sh [SECONDS] [extra libFuzzer flags...]     (SECONDS defaults to 60)
#
# The fuzzer runs on a copy of the committed seeds (fuzz/corpus/wire_decode) kept in the build
# tree, never on the seeds themselves: libFuzzer adds every new interesting input to the corpus
# it runs on, and those must not end up in the source tree unasked. The copy persists between
# runs, so later runs start from what earlier ones found; delete <build>/fuzz-run to start over.
# Crashing inputs are saved in <build>/fuzz-run/artifacts/ (replay: the fuzzer binary + the file).
#
# Environment:
#   PTP_FUZZ_BUILD_DIR  build tree (default: build/fuzz, the preset's); any other directory is
#                       configured with the same preset into that directory
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-60}
if [ $# -gt 0 ]; then shift; fi
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
  echo "run-fuzz.sh: SECONDS must be a positive integer, got '$seconds'" >&2
  exit 2
fi

build_dir=${PTP_FUZZ_BUILD_DIR:-$repo/build/fuzz}
cd "$repo"
# -B overrides the preset's binaryDir; with the default it names the same directory.
cmake --preset fuzz -B "$build_dir"
cmake --build "$build_dir" -j2 --target ptp_wire_decode_fuzzer

fuzzer=$build_dir/fuzz/ptp_wire_decode_fuzzer
seeds=$repo/fuzz/corpus/wire_decode
run_dir=$build_dir/fuzz-run
corpus=$run_dir/corpus/wire_decode
artifacts=$run_dir/artifacts
if ! compgen -G "$seeds/*" >/dev/null; then
  echo "run-fuzz.sh: no seeds in $seeds (regenerate: cmake --build $build_dir --target ptp_fuzz_seed_corpus)" >&2
  exit 1
fi
mkdir -p "$corpus" "$artifacts"
cp "$seeds"/* "$corpus"/
# Crashes from an earlier run would otherwise be mistaken for this run's.
find "$artifacts" -mindepth 1 -delete

# Leak checking on (libFuzzer reports leaks per input); every UBSan report is fatal with a stack.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:print_stacktrace=1

log=$run_dir/fuzz.log
echo "run-fuzz.sh: fuzzing for ${seconds}s; log: $log"
status=0
# -max_len: PTP messages on a real link are well below this; longer inputs only slow the search.
"$fuzzer" "$corpus" \
  -max_total_time="$seconds" \
  -max_len=2048 \
  -timeout=10 \
  -rss_limit_mb=2048 \
  -use_value_profile=1 \
  -print_final_stats=1 \
  -artifact_prefix="$artifacts/" \
  "$@" 2>&1 | tee "$log" || status=$?

# libFuzzer's exit status covers crashes, leaks, timeouts and OOMs; the log and the artifacts
# are checked too, so that a sanitizer report can never pass silently.
if grep -qE 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:|==[0-9]+==ERROR' "$log"; then
  if [ "$status" -eq 0 ]; then status=1; fi
fi
if compgen -G "$artifacts/*" >/dev/null; then
  echo "run-fuzz.sh: the fuzzer saved inputs in $artifacts:" >&2
  ls -l "$artifacts" >&2
  if [ "$status" -eq 0 ]; then status=1; fi
fi
if [ "$status" -ne 0 ]; then
  echo "run-fuzz.sh: FAILED (exit $status)" >&2
  exit "$status"
fi
echo "run-fuzz.sh: no findings in ${seconds}s ($(grep -Eo 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo '?') exec/s)"
