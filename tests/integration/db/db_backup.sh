#!/bin/bash
# db_backup.sh: jsfpm --backup DEST taken while writes run gives a
# consistent database: integrity_check ok, and its row count lies between
# the counts before and after the backup.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/db_lib.sh"
require_tool curl curl

write_db_app
start_server app.root="$T/app" server.workers=4
"$PYTHON" "$DB_LOAD" "$HTTP_ADDR" 4 300 "$T/acked" >"$T/load.out" &
load=$!
wait_until "[ \$(db_get /count) -ge 100 ]" 20 || fail "the load did not get going"

say "backup while writing"
before=$(db_get /count)
"$JSFPM" -c "$CONFIG" --backup "$T/backup.db" 2>"$T/backup.err" || fail "backup failed: $(cat "$T/backup.err")"
after=$(db_get /count)
ok "$(cat "$T/backup.err")"
kill -0 "$load" 2>/dev/null || fail "the load ended before the backup did; nothing ran concurrently"
wait "$load" || fail "the load client failed"

DB_PATH=$T/backup.db
assert_eq ok "$(db_sql 'PRAGMA integrity_check')" "backup integrity_check"
n=$(db_sql 'SELECT count(*) FROM items')
[ "$n" -ge "$before" ] && [ "$n" -le "$after" ] || fail "backup has $n rows, not within [$before, $after]"
ok "backup has $n rows, within [$before, $after]"
assert_eq 1 "$(db_sql 'SELECT count(*) FROM jsfpm_migrations')" "migrations recorded in the backup"
[ ! -e "$T/backup.db.tmp" ] || fail "the temporary file was left behind"
assert_eq 600 "$(stat -c %a "$T/backup.db")" "backup file mode"

say "an existing destination is never overwritten"
if "$JSFPM" -c "$CONFIG" --backup "$T/backup.db" 2>"$T/backup2.err"; then fail "second backup to the same file succeeded"; fi
assert_contains "$(cat "$T/backup2.err")" "exists" "error"
