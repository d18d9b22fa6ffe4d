#!/bin/bash
# QUIT while a slow request runs: that request completes with 200, then the
# whole process tree exits; past process_control_timeout workers are killed.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops_lib.sh"
require_tool curl curl

start_ops_server server.workers=2
curl -sS --max-time 15 -o "$T/slow.body" -w '%{http_code}' "$HTTP_URL/busy/2000" >"$T/slow.code" & slow=$!
wait_until '[ "$(status_field active_workers)" = 1 ]' 3 || fail "the slow request never started"
pgid=$SERVER_PID
kill -QUIT "$SERVER_PID"
wait "$slow" || fail "the slow request failed during the graceful stop"
assert_eq 200 "$(cat "$T/slow.code")" "status of the request in flight"
assert_eq "v1 busy done" "$(cat "$T/slow.body")" "its body"
wait_until "! group_alive $pgid" 5 || fail "processes left after the graceful stop: $(pgrep -g "$pgid" | tr '\n' ' ')"
ok "every process exited"
wait_log "graceful stop requested"
wait_log "stopped"
[ ! -e "$FCGI_SOCK" ] || fail "FastCGI socket file left behind"
stop_group "$pgid" KILL 1

say "a request longer than process_control_timeout is cut off"
start_ops_server server.workers=1 server.process_control_timeout=1s
curl -sS --max-time 15 -o /dev/null "$HTTP_URL/busy/8000" & slow=$!
wait_until '[ "$(status_field active_workers)" = 1 ]' 3 || fail "the slow request never started"
t0=$(now_ms)
pgid=$SERVER_PID
kill -QUIT "$SERVER_PID"
wait_until "! group_alive $pgid" 6 || fail "still running 6 s after QUIT"
elapsed=$(( $(now_ms) - t0 ))
[ "$elapsed" -lt 2500 ] || fail "stop took $elapsed ms; process_control_timeout is 1 s"
ok "stopped after $elapsed ms"
wait_log "after process_control_timeout"
wait "$slow" 2>/dev/null || true
stop_group "$pgid" KILL 1
