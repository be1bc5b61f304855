#!/usr/bin/env bash
# Quick start 2: set up and run the whole test suite.
#   - installs the Debian packages,
#   - builds with warnings as errors (build-ci/) and runs every CTest suite (unit,
#     integration on a private PostgreSQL that CTest starts and stops, end-to-end over
#     mutual TLS with a test PKI made on the spot),
#   - then does the same with AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/).
#   scripts/test.sh [--quick]     --quick skips the sanitizer build
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
quick=0
[ "${1:-}" = "--quick" ] && quick=1

"$root/scripts/install-deps.sh"

run_suite() {
  local dir=$1; shift
  "$root/scripts/build.sh" "$dir" -DVARDE_WERROR=ON -DVARDE_BUILD_TESTS=ON "$@"
  (cd "$dir" && ctest --output-on-failure -j 2 --timeout 1500)
}

run_suite "$root/build-ci" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVARDE_SANITIZE=OFF
if [ "$quick" = 0 ]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  # A different port, so a cluster left by the first run cannot collide.
  run_suite "$root/build-asan" -DCMAKE_BUILD_TYPE=Debug -DVARDE_SANITIZE=ON -DVARDE_TEST_PG_PORT=55440
fi
