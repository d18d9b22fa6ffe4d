#!/bin/bash
# short.sh: the power-cut test in its short form, for make check (about
# 15 s): one write load under powercut_shim.so (autocommit and group-
# committed writes through FastCGI and HTTP, transactions with savepoints,
# a migration, online backups), then 12 power cuts at random points of it,
# each disk reopened by a fresh jsfpm: no acknowledged write missing,
# nothing half-applied, integrity_check ok, backups complete or absent.
# The long form, by hand: tests/powercut/run.sh RUNS CUTS
# (docs/reliability.md, "Power cuts").
. "$(dirname "$0")/../integration/lib.sh"

SHIM=${POWERCUT_SHIM:-$(dirname "$JSFPM")/tests/powercut/powercut_shim.so}
[ -f "$SHIM" ] || fail "$SHIM is missing (make check builds it)"
chmod 755 "$T" # as root the server runs as nobody, which must reach its files
# In the sanitizer build every program here links ASan, which wants to be
# the first preloaded library; the recorder is preloaded ahead of it and
# only wraps system calls (it calls on through to ASan's wrappers).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
say "the harness on itself: what a cut keeps of small programs' files"
"$PYTHON" "$TOP_SRCDIR/tests/powercut/model_check.py" --shim "$SHIM" --dir "$T/model" ||
  fail "the power-cut model does not hold (see above)"
say "power cuts of a write load"
"$PYTHON" "$TOP_SRCDIR/tests/powercut/powercut.py" --jsfpm "$JSFPM" --shim "$SHIM" --dir "$T/powercut" \
  --cuts "${POWERCUT_CUTS:-12}" --seconds "${POWERCUT_SECONDS:-4}" ${POWERCUT_SEED:+--seed "$POWERCUT_SEED"} \
  ${POWERCUT_SYNCHRONOUS:+--synchronous "$POWERCUT_SYNCHRONOUS"} ||
  fail "power cuts: see the counts above (KEEP_TMP=1 keeps the failing disks in $T)"
