#!/bin/bash
# db_migrations.sh: a fresh start applies every migration in order; a
# restart applies none; a broken migration stops the start cleanly, naming
# the file and the SQLite error, with nothing of it applied; a file not
# named NNN_name.sql stops it too, with the rule.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/db_lib.sh"
require_tool curl curl

write_db_app
cat >"$T/app/migrations/002_seed.sql" <<'SQL'
INSERT INTO items (k) VALUES ('seed');
SQL
cat >"$T/app/migrations/010_more.sql" <<'SQL'
ALTER TABLE items ADD COLUMN note TEXT;
INSERT INTO items (k, note) VALUES ('more', 'x');
SQL

say "fresh start"
start_server app.root="$T/app"
wait_log "3 migrations applied"
assert_eq 2 "$(db_get /count)" "rows"
stop_server
assert_eq "1|001_items.sql 2|002_seed.sql 10|010_more.sql" \
  "$(db_sql 'SELECT version, name FROM jsfpm_migrations ORDER BY version' | tr '\n' ' ' | sed 's/ $//')" "recorded"

say "restart: nothing to apply"
start_server app.root="$T/app"
wait_log "0 migrations applied"
assert_eq 2 "$(db_get /count)" "rows"
stop_server

say "a broken migration stops the start"
cat >"$T/app/migrations/011_broken.sql" <<'SQL'
CREATE TABLE half (a);
INSERT INTO no_such_table VALUES (1);
SQL
CONFIG=$T/jsfpm.conf
# expect_start_fails 'LOG TEXT': the master exits non-zero before ready, saying it.
expect_start_fails() {
  : >"$LOG"
  spawn_group "$T/server.out" "$JSFPM" -c "$CONFIG"
  local pid=$SPAWNED_PID
  wait_until "! pid_alive $pid" 15 || fail "the master kept running"
  wait "$pid" && fail "the master exited 0" || true
  ok "the master exited non-zero"
  assert_contains "$(cat "$LOG")" "$1" "log"
  assert_not_contains "$(cat "$LOG")" "ready:" "log"
}
expect_start_fails "migration $T/app/migrations/011_broken.sql failed: SQLITE_ERROR: no such table: no_such_table"
assert_eq 0 "$(db_sql "SELECT count(*) FROM sqlite_schema WHERE name = 'half'")" "tables of the broken migration"
assert_eq 3 "$(db_sql 'SELECT count(*) FROM jsfpm_migrations')" "recorded migrations"

say "a misnamed migration stops the start, with the naming rule"
rm "$T/app/migrations/011_broken.sql"
echo "CREATE TABLE skipped (a);" >"$T/app/migrations/012.sql"
expect_start_fails "$T/app/migrations/012.sql: migration files are named NNN_name.sql"
assert_eq 0 "$(db_sql "SELECT count(*) FROM sqlite_schema WHERE name = 'skipped'")" "tables of the misnamed file"
mv "$T/app/migrations/012.sql" "$T/app/migrations/012_named.sql"
start_server app.root="$T/app"
wait_log "1 migration applied"
stop_server
