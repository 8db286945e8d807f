#!/usr/bin/env bash
# Builds and runs the whole test suite: the normal build, then an ASan/UBSan build, then a bounded fuzz run.
set -euo pipefail
cd "$(dirname "$0")/.."
SITESCREEN_EXTRA_PACKAGES="clang libclang-rt-14-dev chromium" bash scripts/install-deps.sh
JOBS=$(nproc)

echo "== build and test (RelWithDebInfo)"
BUILD_DIR=build bash scripts/build.sh
(cd build && ctest --output-on-failure -j"$JOBS" --timeout 600)

if [ "${SITESCREEN_SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== build and test with AddressSanitizer + UndefinedBehaviorSanitizer"
  BUILD_DIR=build-asan BUILD_TYPE=Debug bash scripts/build.sh -DSITESCREEN_SANITIZE=ON
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     LSAN_OPTIONS=suppressions="$PWD/../tests/lsan.supp" \
     ctest --output-on-failure -j"$JOBS" --timeout 900 -E "${SITESCREEN_ASAN_EXCLUDE:-Browser}")
fi

if [ -x scripts/fuzz.sh ] && [ "${SITESCREEN_SKIP_FUZZ:-0}" != 1 ]; then
  echo "== bounded fuzz run"
  FUZZ_SECONDS=${FUZZ_SECONDS:-30} bash scripts/fuzz.sh
fi
