#!/usr/bin/env bash
# Configures and builds Varde.   scripts/build.sh [BUILD_DIR] [extra cmake -D options...]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:-$root/build}
shift || true
cmake -S "$root" -B "$dir" -G Ninja "$@" >/dev/null
# Two cores: Beast translation units take ~1 GiB each, so two jobs at most.
cmake --build "$dir" -j "${VARDE_BUILD_JOBS:-2}"
