#!/bin/bash
# db_concurrency.sh: 8 workers x 500 concurrent autocommit inserts with
# synchronous=full: every acknowledged insert is in the database and nothing
# else, and no busy errors.  (How many writes shared a commit depends on
# the disk and the CPU load, so it is reported, not asserted; the unit test
# test_group_commit checks grouping deterministically.)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/db_lib.sh"
require_tool curl curl

write_db_app
start_server app.root="$T/app" server.workers=8 database.synchronous=full

say "8 clients x 500 inserts, concurrently"
t0=$(now_ms)
out=$("$PYTHON" "$DB_LOAD" "$HTTP_ADDR" 8 500 "$T/acked")
ms=$(( $(now_ms) - t0 ))
ok "$out in $ms ms"
assert_eq "acked=4000 failed=0 errors=" "$out" "load result"
stats=$(db_get /stats)
stop_server

say "the database holds exactly the acknowledged rows"
db_sql "SELECT k FROM items ORDER BY k" >"$T/stored"
sort "$T/acked" >"$T/acked.sorted"
sort "$T/stored" >"$T/stored.sorted"
cmp -s "$T/acked.sorted" "$T/stored.sorted" ||
  fail "stored rows differ from acknowledged ones: $(diff "$T/acked.sorted" "$T/stored.sorted" | head -5)"
ok "4000 rows, the acknowledged ones"
assert_eq ok "$(db_sql 'PRAGMA integrity_check')" "integrity_check"
commits=$("$PYTHON" -c 'import json, sys; print(json.loads(sys.argv[1])["group_commits"])' "$stats")
busy=$("$PYTHON" -c 'import json, sys; print(json.loads(sys.argv[1])["busy_errors"])' "$stats")
assert_eq 0 "$busy" "busy errors"
ok "$commits commits for 4000 writes (stats: $stats)"
