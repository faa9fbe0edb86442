#!/usr/bin/env bash
# The project's whole test run, as the README and CI invoke it (after scripts/install-deps.sh):
#   1. Linux `dev` preset (Debug, ASan+UBSan): build and ctest;
#   2. Windows cross-build (`windows` preset, mingw-w64): Boost from Debian's sources, build, and
#      ctest with every test executable under Wine;
#   3. the codec's libFuzzer target for a bounded time on its seed corpus.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

section() { printf '\n==== %s ====\n' "$*"; }

section "Linux: dev preset (ASan+UBSan)"
cmake --workflow --preset dev

section "Windows: cross-build with mingw-w64, tests under Wine"
boost_dir=$(scripts/fetch-boost-source.sh | tail -n 1)
cmake --preset windows -DPTP_BOOST_SOURCE_DIR="$boost_dir"
cmake --build --preset windows
ctest --preset windows

section "Fuzzing the wire codec (${PTP_FUZZ_SECONDS:-60} s)"
scripts/run-fuzz.sh "${PTP_FUZZ_SECONDS:-60}"

section "All test stages passed"
