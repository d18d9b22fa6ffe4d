#!/bin/bash
# run.sh: the fault-injection suite, long form, by hand.
#
#   [DISK_MB=N] tests/faults/run.sh [SECONDS [SEED]]     default 300 s, a random seed
#
# Needs JSFPM (the binary; default ./jsfpm in the current directory, i.e.
# run it from the build tree).  Root for the disk-full faults (a tmpfs of
# DISK_MB, default 32: a 300 s run writes about 95 MB of rows here, so
# DISK_MB=256 for one, or its own rows fill the disk).
# The work directory (config, server log, database) is kept and printed.
set -eu
JSFPM=${JSFPM:-$PWD/jsfpm}
dir=$(mktemp -d /tmp/jsfpm-faults.XXXXXX)
echo "work directory: $dir"
exec python3 "$(dirname "$0")/faults.py" --jsfpm "$JSFPM" --dir "$dir" \
  --seconds "${1:-300}" ${2:+--seed "$2"} ${DISK_MB:+--disk-mb "$DISK_MB"}
