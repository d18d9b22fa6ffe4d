#!/bin/bash
# run.sh: the power-cut test, long form, by hand (docs/reliability.md).
#
#   tests/powercut/run.sh [RUNS [CUTS [SEED]]]    default 50 runs x 20 cuts
#
# Run it from the build tree after `make check` (or `make
# tests/powercut/powercut_shim.so`); JSFPM and POWERCUT_SHIM override the
# binaries.  Each run is 4 s of load (POWERCUT_SECONDS), then CUTS power
# cuts, each checked by a fresh jsfpm.  Root makes the server run as nobody,
# as in production.  The work directory is kept and printed.
set -eu
JSFPM=${JSFPM:-$PWD/jsfpm}
SHIM=${POWERCUT_SHIM:-$(dirname "$JSFPM")/tests/powercut/powercut_shim.so}
dir=$(mktemp -d /tmp/jsfpm-powercut.XXXXXX)
chmod 755 "$dir"
echo "work directory: $dir"
exec python3 "$(dirname "$0")/powercut.py" --jsfpm "$JSFPM" --shim "$SHIM" --dir "$dir/w" \
  --runs "${1:-50}" --cuts "${2:-20}" --seconds "${POWERCUT_SECONDS:-4}" ${3:+--seed "$3"} \
  ${POWERCUT_SYNCHRONOUS:+--synchronous "$POWERCUT_SYNCHRONOUS"}
