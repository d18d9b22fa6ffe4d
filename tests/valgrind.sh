#!/bin/bash
# valgrind.sh: memcheck on the unit tests: no invalid access, no leak
# (definite, indirect or possible), no uninitialised read.
#
#   tests/valgrind.sh tests/unit/test_fcgi tests/unit/test_frame ...
#
# Run from the build tree (make valgrind-check does).  Check runs each test
# in-process (CK_FORK=no) so valgrind sees every allocation.  Processes a
# test forks (test_broker's broker) are not checked: their heap holds the
# parent's test objects at fork time, which they rightly never free.  They
# do run under valgrind, tens of times slower: JSFPM_TEST_TIME_SCALE lets
# the tests' waits grow, and --fair-sched keeps the broker's event loop from
# starving behind its read threads (valgrind runs one thread at a time).  Exit status:
# 0 clean, 1 on any error, 77 when valgrind is not installed.
set -u
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind not installed (apt-get install valgrind)" >&2; exit 77; }
[ $# -gt 0 ] || { echo "usage: $0 UNIT_TEST..." >&2; exit 2; }
status=0
for t in "$@"; do
  log=$t.valgrind.log
  if CK_FORK=no CK_DEFAULT_TIMEOUT=600 JSFPM_TEST_TIME_SCALE=5 valgrind -q --fair-sched=yes --child-silent-after-fork=yes --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1 \
    --log-file="$log" "$t" >"$t.valgrind.out" 2>&1; then
    echo "valgrind: $t: clean ($(grep -Eo '[0-9]+%: Checks: [0-9]+' "$t.valgrind.out" | tail -n 1))"
  else
    status=1
    echo "valgrind: $t: FAILED"
    tail -n 20 "$t.valgrind.out"
    head -n 60 "$log"
  fi
done
exit $status
