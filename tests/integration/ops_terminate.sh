#!/bin/bash
# request_terminate_timeout: a worker stuck in C (here: SIGSTOPped mid
# request, which no JavaScript time limit can reach) is killed by the
# master, logged and replaced; an idle keep-alive connection never counts.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ops_lib.sh"
require_tool curl curl

start_ops_server server.workers=2 server.request_terminate_timeout=1s

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
        time.sleep(2.5)   # idle on the open connection, past the timeout
PY
assert_eq "$before" "$(worker_pids | tr '\n' ' ')" "workers after 2.5 s of idle keep-alive"
assert_eq 0 "$(grep -c 'request_terminate_timeout' "$LOG" || true)" "terminations logged"

say "a worker stuck mid-request is killed and replaced"
curl -sS --max-time 15 -o /dev/null "$HTTP_URL/busy/4000" 2>/dev/null & client=$!
wait_until '[ "$(status_field active_workers)" = 1 ]' 3 || fail "request never started"
stuck=$(curl -sS "$(status_url json)" | python3 -c '
import json, sys
print([w["pid"] for w in json.load(sys.stdin)["workers"] if w["state"] == "busy"][0])')
kill -STOP "$stuck"
wait_until "! pid_alive $stuck" 4 || { kill -CONT "$stuck"; fail "stuck worker $stuck not killed"; }
ok "stuck worker $stuck killed"
wait_log "(pid $stuck): request #1 GET /busy/4000 running for"
wait_log "exceeded request_terminate_timeout (1000 ms)"
wait_until '[ "$(worker_pids | wc -l)" = 2 ]' 3 || fail "no replacement started"
ok "replacement started: $(worker_pids | tr '\n' ' ')"
assert_eq 1 "$(status_field terminated_workers)" "status terminated_workers"
assert_eq "v1 /after" "$(curl -sS "$HTTP_URL/after")" "served after the kill"
wait "$client" 2>/dev/null || true
stop_server
