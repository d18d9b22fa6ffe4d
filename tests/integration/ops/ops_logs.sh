#!/bin/bash
# USR1 after moving the log files: the master and the workers write to new
# files at the configured paths.  The access log has one line per request.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops_lib.sh"
require_tool curl curl

start_ops_server server.workers=2 server.access_log="$T/access.log" \
  server.slowlog="$T/slow.log" server.slowlog_timeout=300ms
curl -sS -o /dev/null "$HTTP_URL/before"
wait_until "grep -q ' GET /before 200 ' '$T/access.log'" 3 || fail "no access log line"
line=$(grep ' GET /before 200 ' "$T/access.log")
assert_match "$line" '^[0-9T:.+-]+ [0-9a-f]{16} 127\.0\.0\.1 GET /before 200 [0-9]+ [0-9]+ms$' "access log line"

say "slow log"
curl -sS -o /dev/null "$HTTP_URL/busy/400"
wait_until "grep -q 'GET /busy/400: [0-9]* ms' '$T/slow.log'" 3 || fail "slow request not in the slow log"
ok "slow request logged"
assert_eq 1 "$(status_field slow_requests)" "status slow_requests"

say "USR1 reopens the logs"
mv "$LOG" "$T/error.log.1"
mv "$T/access.log" "$T/access.log.1"
kill -USR1 "$SERVER_PID"
wait_until "[ -f '$LOG' ] && grep -q 'log reopened' '$LOG'" 3 || fail "master did not reopen its log"
ok "master writes to the new error log"
for i in 1 2 3 4; do curl -sS -o /dev/null "$HTTP_URL/after/$i"; done
wait_until "[ \$(grep -c ' GET /after/' '$T/access.log') = 4 ]" 3 || fail "access lines not in the new access log"
ok "both workers write to the new access log"
assert_eq 0 "$(grep -c '/after/' "$T/access.log.1" || true)" "lines in the moved access log after USR1"
# A worker writes its errors to the new file too.
curl -sS -o /dev/null "$HTTP_URL/status/500"
kill -HUP "$SERVER_PID"
wait_log "reload complete"
assert_eq 0 "$(grep -c 'reload' "$T/error.log.1" || true)" "lines in the moved error log after USR1"
bpid=$(sed -n 's/.*broker started, pid \([0-9][0-9]*\).*/\1/p' "$T/error.log.1" | tail -n 1)
[ -n "$bpid" ] && pid_alive "$bpid" || fail "the broker (pid '$bpid') did not survive USR1"
ok "the broker (pid $bpid) survived USR1"
stop_server
# The broker reopened too: its last words land in the new file.
assert_contains "$(grep -F "broker[$bpid]" "$LOG" || true)" "stopping on signal" "the broker's lines in the new error log"
assert_eq 0 "$(grep -cF "broker[$bpid]: stopping" "$T/error.log.1" || true)" "broker lines in the moved error log after USR1"
