#!/bin/bash
# The master's waits run inside its event loop (src/master/master.c, the
# phase table): the status page answers while the broker is still starting
# (a long migration) and during a graceful stop; TERM during start-up stops
# the server once the migration under way is committed; a fast stop
# requested during a graceful one cuts it short.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops_lib.sh"
require_tool curl curl
require_tool sqlite3 sqlite3

say "the status page answers while the broker starts; TERM lets the migration finish"
make_app "$T/slow_app" v1
mkdir -p "$T/slow_app/migrations"
# A migration that runs for seconds: the master waits for the broker.
echo 'CREATE TABLE t AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000000)
  SELECT count(*) AS n FROM c;' >"$T/slow_app/migrations/001_slow.sql"
STATUS_ADDR=127.0.0.1:$(free_port)
CONFIG=$T/slow.conf
write_config "$CONFIG" app.root="$T/slow_app" server.status_listen="$STATUS_ADDR" \
  database.statement_timeout=1h database.path="$T/slow.db"
LOG=$(config_value error_log)
: >"$LOG"
spawn_group "$T/server.out" "$JSFPM" -c "$CONFIG"
SERVER_PID=$SPAWNED_PID
wait_log "broker started"
json=$(curl -sS --max-time 5 "$(status_url json)") || fail "no status page while the broker starts"
assert_eq "0 True" "$(printf '%s' "$json" | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(s["total_workers"], s["broker"]["pid"] is not None)')" "total workers, broker pid while starting"
assert_eq "pong" "$(curl -sS --max-time 5 "http://$STATUS_ADDR/ping")" "ping while starting"
assert_not_contains "$(cat "$LOG")" "ready:" "the server is not ready while the migration runs"
kill -TERM "$SERVER_PID"
wait_log "fast stop requested"
assert_eq "pong" "$(curl -sS --max-time 5 "http://$STATUS_ADDR/ping")" "ping while the stop waits for the migration"
# The broker sees TERM once the migration's statement is done: it commits
# the migration and exits; the master waits for that instead of killing it.
wait_until "! group_alive $SERVER_PID" 60 || fail "still running 60 s after TERM during start-up"
ok "stopped during start-up"
wait_log "stopped"
assert_not_contains "$(cat "$LOG")" "killing it" "the broker was not killed in its migration"
assert_eq 50000000 "$(sqlite3 "$T/slow.db" 'SELECT n FROM t')" "the migration was applied"
stop_group "$SERVER_PID" KILL 1
unset CONFIG

say "the status page answers during a graceful stop"
start_ops_server server.workers=2
curl -sS --max-time 30 -o "$T/slow.body" -w '%{http_code}' "$HTTP_URL/busy/3000" >"$T/slow.code" & slow=$!
wait_until '[ "$(status_field active_workers)" = 1 ]' 5 || fail "the slow request never started"
kill -QUIT "$SERVER_PID"
wait_log "graceful stop requested"
active=$(status_field active_workers) || fail "no status page during the graceful stop"
assert_eq 1 "$active" "active workers during the graceful stop"
wait "$slow" || fail "the slow request failed during the graceful stop"
assert_eq 200 "$(cat "$T/slow.code")" "status of the request in flight"
wait_until "! group_alive $SERVER_PID" 10 || fail "processes left after the graceful stop"
wait_log "stopped"
stop_group "$SERVER_PID" KILL 1

say "a fast stop during a graceful stop cuts it short"
start_ops_server server.workers=1 server.process_control_timeout=60s app.request_timeout=60s
curl -sS --max-time 60 -o /dev/null "$HTTP_URL/busy/30000" 2>/dev/null & slow=$!
wait_until '[ "$(status_field active_workers)" = 1 ]' 5 || fail "the slow request never started"
kill -QUIT "$SERVER_PID"
wait_log "graceful stop requested"
kill -TERM "$SERVER_PID"
wait_log "fast stop requested during the graceful stop"
# TERM does not interrupt JavaScript; the KILL after the stop timeout does.
wait_until "! group_alive $SERVER_PID" 15 || fail "still running 15 s after TERM (the busy request takes 30 s)"
ok "stopped before the busy request's end"
wait_log "workers still alive after the stop timeout: killing them"
wait "$slow" 2>/dev/null || true
stop_group "$SERVER_PID" KILL 1
