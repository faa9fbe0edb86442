#!/usr/bin/env bash
# The project's whole test run, as the README and CI invoke it (after scripts/install-deps.sh):
#   1. Linux `dev` preset (Debug, ASan+UBSan): build and ctest;
#   2. clang-format and clang-tidy over the tree;
#   3. Linux `release` preset: the conformance suite over seeds 1-5 with both servos and its long
#      (nightly) cases, which the sanitizers would make too slow;
#   4. `portable` preset: the ptp and hal unit tests (and the simulated clocks' 128-bit
#      arithmetic) built with PTP_PORTABLE_ARITHMETIC=ON, i.e. the standard C++ checked arithmetic
#      and Int128 of ptp/portability.h that MSVC compiles, instead of g++'s builtins;
#   5. Windows cross-build (`windows` preset, mingw-w64): Boost from Debian's sources, build, and
#      ctest with every test executable under Wine; ptp4win.exe against ptp4l (wine-interop); the
#      package (.msi, .zip) installed, upgraded, run and removed under Wine (wine-install);
#   6. the codec's libFuzzer target for a bounded time on its seed corpus.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

section() { printf '\n==== %s ====\n' "$*"; }

section "Linux: dev preset (ASan+UBSan)"
cmake --workflow --preset dev

section "Lint: clang-format and clang-tidy"
scripts/lint.sh build/dev

section "Linux: release preset, conformance over seeds 1-5 and the nightly cases"
cmake --preset release
cmake --build --preset release --target conformance_test conformance_seeds_test \
  conformance_nightly_test conformance_check_sync_test conformance_general_delay_test
ctest --preset release -L 'conformance|nightly'

section "Portable arithmetic: ptp and hal unit tests without compiler builtins"
# Only the test executables the build preset lists; run directly, since ctest would also list the
# suites that this preset does not build.
cmake --preset portable
cmake --build --preset portable
for test in ptp/ptp_portability_test ptp/ptp_time_types_test ptp/ptp_wire_test ptp/ptp_core_test \
  ptp/ptp_ordinary_clock_test servo/ptp_servo_filter_test servo/ptp_servo_test \
  servo/ptp_servo_correlation_test hal/hal_test hal/hal_port_driver_test sim/sim_host_test; do
  echo "build/portable/tests/$test"
  "build/portable/tests/$test" --gtest_brief=1
done

section "Windows: cross-build with mingw-w64, tests under Wine"
# Configuring runs scripts/fetch-boost-source.sh (cmake/PtpBoost.cmake), a no-op once cached.
cmake --workflow --preset windows
ctest --test-dir build/dev -L wine-interop --output-on-failure  # ptp4win.exe vs ptp4l
cmake --build build/windows --target package  # ptp4win-<version>-win64.msi and .zip
ctest --test-dir build/dev -L wine-install --output-on-failure  # the package under Wine

section "Fuzzing the wire codec (${PTP_FUZZ_SECONDS:-60} s)"
scripts/run-fuzz.sh "${PTP_FUZZ_SECONDS:-60}"

section "All test stages passed"
