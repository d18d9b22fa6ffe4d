#!/bin/bash
# run.sh: the soak test, by hand.
#
#   tests/soak/run.sh [MINUTES]      default 10
#
# Mixed load on the example app through both doors for MINUTES while the
# RSS of the master, the broker and every worker is sampled every 10 s;
# prints each process's growth after warm-up (target < 5%) and every error.
# JSFPM is the binary (default ./jsfpm: run it from the build tree).  The
# work directory (config, log, rss.csv) is kept and printed.
set -eu
JSFPM=${JSFPM:-$PWD/jsfpm}
dir=$(mktemp -d /tmp/jsfpm-soak.XXXXXX)
exec python3 "$(dirname "$0")/soak.py" --jsfpm "$JSFPM" --dir "$dir" --minutes "${1:-10}"
