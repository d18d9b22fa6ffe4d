#!/bin/bash
# db_broker_kill.sh: the broker killed with SIGKILL under write load is
# restarted by the master, serving resumes, calls in flight fail fast
# (no hang), and no acknowledged write is lost.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/db_lib.sh"
require_tool curl curl

write_db_app
start_server app.root="$T/app" server.workers=4 server.respawn_delay=100ms database.synchronous=full
old=$(broker_pid)
[ -n "$old" ] || fail "no broker pid in the log"

say "4 clients writing; SIGKILL the broker (pid $old) meanwhile"
"$PYTHON" "$DB_LOAD" "$HTTP_ADDR" 4 400 "$T/acked" >"$T/load.out" 2>"$T/load.err" &
load=$!
wait_until "[ \$(db_sql 'SELECT count(*) FROM items' 2>/dev/null || echo 0) -ge 200 ]" 20 ||
  fail "the load did not get going"
kill -KILL "$old"
ok "broker $old killed"
wait_until "[ -n \"\$(broker_pid)\" ] && [ \"\$(broker_pid)\" != $old ]" 10 || fail "no new broker within 10 s"
new=$(broker_pid)
ok "new broker $new"
wait "$load" || fail "the load client failed"
out=$(cat "$T/load.out")
ok "load: $out"
acked=$(wc -l <"$T/acked")
[ "$acked" -ge 1000 ] || fail "only $acked writes acknowledged: serving did not resume ($out)"
# busy_timeout is 10 s: a call that hung on the dead broker would take that long
max_ms=$(sed -n 's/^max_ms=//p' "$T/load.err")
[ -n "$max_ms" ] && [ "$max_ms" -lt 5000 ] || fail "slowest request took ${max_ms:-?} ms: a call hung on the dead broker"
ok "slowest request: $max_ms ms (no call hung)"
case "$out" in
  *"failed=0 "*) ok "no call was caught in flight" ;;
  *) assert_contains "$out" "JSFPM_BROKER_UNAVAILABLE" "errors of calls caught by the kill" ;;
esac

say "serving again"
db_get '/insert?k=after-restart' >/dev/null
echo after-restart >>"$T/acked"
stop_server

say "every acknowledged write is in the database"
db_sql "SELECT k FROM items" | sort >"$T/stored"
sort "$T/acked" >"$T/acked.sorted"
missing=$(comm -23 "$T/acked.sorted" "$T/stored" | head -5)
[ -z "$missing" ] || fail "acknowledged but missing: $missing"
ok "$acked acknowledged writes all present ($(wc -l <"$T/stored") rows stored)"
assert_eq ok "$(db_sql 'PRAGMA integrity_check')" "integrity_check"
