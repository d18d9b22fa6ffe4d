#!/bin/bash
# short.sh: the fault-injection suite in its short form, for make check
# (about 30 s): 20 s of writes through both doors while workers and the
# broker are SIGKILLed, the master reloads (HUP) and restarts (QUIT), the
# database's disk fills up (tmpfs, when mounting works) and clients hang up
# mid-request; then no acknowledged write may be missing, no transaction
# half-applied, integrity_check ok, and the server must serve again.
# The long form, by hand: tests/faults/run.sh SECONDS (docs/reliability.md).
. "$(dirname "$0")/../integration/lib.sh"

python3 "$TOP_SRCDIR/tests/faults/faults.py" --jsfpm "$JSFPM" --dir "$T/faults" \
  --seconds "${FAULT_SECONDS:-20}" ${FAULT_SEED:+--seed "$FAULT_SEED"} ||
  fail "fault injection: see the counts above (server log: $T/faults/error.log; KEEP_TMP=1 keeps it)"
