#!/bin/bash
# request_terminate_timeout: a worker stuck in C (blocked on a frozen
# broker, which no JavaScript time limit can reach) is killed by the master,
# logged with pid, request and duration, and replaced; an idle keep-alive
# connection never counts.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops_lib.sh"
require_tool curl curl

start_ops_server server.workers=2 server.request_terminate_timeout=1s database.busy_timeout=30s \
  app.request_id_header=X-Request-Id

say "an idle keep-alive connection is not a running request"
before=$(worker_pids | tr '\n' ' ')
python3 - "$HTTP_ADDR" <<'PY' || fail "keep-alive connection broken"
import http.client, sys, time
host, port = sys.argv[1].rsplit(':', 1)
c = http.client.HTTPConnection(host, int(port), timeout=10)
for i in range(2):
    c.request('GET', '/keepalive')
    r = c.getresponse()
    assert r.status == 200, r.status
    r.read()
    if i == 0:
        time.sleep(3)     # idle on the open connection, past the timeout
PY
assert_eq "$before" "$(worker_pids | tr '\n' ' ')" "workers after 3 s of idle keep-alive"
assert_eq 0 "$(grep -c 'exceeded request_terminate_timeout' "$LOG" || true)" "terminations logged"

say "a worker stuck in C (waiting on a stopped broker) is killed and replaced"
# The broker is frozen, so the worker blocks inside the database client's
# poll(): no JavaScript runs and the JS time limit cannot fire.
before=$(worker_pids | tr '\n' ' ')
bp=$(broker_pid)
kill -STOP "$bp"
on_exit "kill -CONT $bp 2>/dev/null"
curl -sS --max-time 20 -o /dev/null -H 'X-Request-Id: stuck-request-42' "$HTTP_URL/db" 2>/dev/null & client=$!
wait_log "exceeded request_terminate_timeout (1000 ms)"
line=$(grep -F "exceeded request_terminate_timeout" "$LOG")
assert_match "$line" "worker [0-9] \(pid [0-9]+\): request #[0-9]+ GET /db running for [0-9]+ ms exceeded" "termination log line"
assert_contains "$line" "[stuck-request-42]" "termination log line names the request it cut off"
# docs/operations.md shows an example of the line: same words, numbers, path and id aside.
shape() { sed -E 's/^ +//; s/^.*\]: //; s/\[[^]]*\]/[ID]/g; s#/[^ ]*#/PATH#g; s/[0-9]+/N/g'; }
example=$(sed -n '/^## Time limits/,/^## /p' "$TOP_SRCDIR/docs/operations.md" | grep -m1 'exceeded request_terminate_timeout')
[ -n "$example" ] || fail "docs/operations.md shows no request_terminate_timeout log line"
assert_eq "$(printf '%s\n' "$example" | shape)" "$(printf '%s\n' "$line" | shape)" "the log line's shape, as documented"
stuck=$(printf '%s\n' "$line" | sed -n 's/.*(pid \([0-9]*\)).*/\1/p')
assert_contains " $before" " $stuck " "the killed pid was one of the workers"
wait_until "! pid_alive $stuck" 3 || fail "worker $stuck still alive"
ok "stuck worker $stuck killed"
kill -CONT "$bp"
wait_until '[ "$(worker_pids | wc -l)" = 2 ]' 3 || fail "no replacement started"
ok "replacement started: $(worker_pids | tr '\n' ' ')"
assert_eq 1 "$(status_field terminated_workers)" "status terminated_workers"
assert_eq "v1 /after" "$(curl -sS "$HTTP_URL/after")" "served after the kill"
wait "$client" 2>/dev/null || true
stop_server
