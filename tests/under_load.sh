#!/bin/bash
# under_load.sh: runs the whole suite (make check) while HOGS busy loops
# (default 2, one per CPU of a CI machine) compete for the CPUs, to show
# that no test depends on having the machine to itself: tests wait on
# conditions, never on fixed sleeps or on a share of the CPU.
#
#   tests/under_load.sh [BUILD_DIR]        (default: build)
#   HOGS=4 tests/under_load.sh build-asan
set -euo pipefail
build=${1:-build}
hogs=${HOGS:-2}
[ -f "$build/Makefile" ] || { echo "under_load.sh: no configured build in $build" >&2; exit 2; }
pids=()
stop_hogs() { [ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true; }
trap stop_hogs EXIT
for _ in $(seq "$hogs"); do
  # A busy loop in its own process: pure CPU, no I/O, normal priority.
  bash -c 'while :; do :; done' &
  pids+=($!)
done
echo "under_load.sh: $hogs CPU hogs running (pids ${pids[*]}); make check in $build"
make -C "$build" -j"$(nproc)" check
