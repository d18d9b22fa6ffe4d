#!/bin/bash
# Status and ping served by the master: JSON counts match the requests sent,
# the Prometheus output passes a format check, and both answer while every
# worker is busy; the unix listen queue is reported, not a constant 0.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops_lib.sh"
require_tool curl curl

start_ops_server server.workers=2 app.request_timeout=30s

say "ping"
assert_eq "pong" "$(curl -sS --max-time 5 "http://$STATUS_ADDR/ping")" "ping body"
assert_eq 404 "$(http_status "http://$STATUS_ADDR/nope")" "unknown status path"

say "counts match the requests sent"
for i in 1 2 3 4 5; do curl -sS -o /dev/null "$HTTP_URL/hello/$i"; done
curl -sS -o /dev/null "$HTTP_URL/status/404"
curl -sS -o /dev/null "$HTTP_URL/status/404"
fcgi --uri /via-fastcgi --repeat 3 >/dev/null || fail "FastCGI requests failed"
json=$(curl -sS --max-time 5 "$(status_url json)")
counts=$(printf '%s' "$json" | python3 -c '
import json, sys
s = json.load(sys.stdin)
c = s["requests_by_class"]
print(s["accepted_requests"], c["2xx"], c["4xx"], sum(w["requests"] for w in s["workers"]),
      s["total_workers"], s["idle_workers"], s["active_workers"], s["broker"]["pid"] is not None,
      isinstance(s["start_unix"], int), s["listen_queue"] is not None)')
assert_eq "10 8 2 10 2 2 0 True True True" "$counts" \
  "accepted, 2xx, 4xx, sum of per-worker requests, total, idle, active, broker pid, start time, listen queue"
text=$(curl -sS --max-time 5 "$(status_url)")
assert_match "$text" '^accepted requests: +10$' "plain text status"

say "broker figures"
assert_eq "v1 db 42" "$(curl -sS "$HTTP_URL/db")" "a query through the broker"
broker=$(curl -sS --max-time 5 "$(status_url json)" | python3 -c '
import json, sys
b = json.load(sys.stdin)["broker"]
print(b["stats_available"], b["statements"] >= 1, b["errors"], b["open_transactions"], b["queue_depth"], b["cache_hits"] is not None)')
assert_eq "True True 0 0 0 True" "$broker" "broker stats, statements >= 1, errors, open tx, queue depth, cache hits"

say "Prometheus format"
curl -sS --max-time 5 "$(status_url prometheus)" >"$T/metrics"
python3 "$TOP_SRCDIR/tests/integration/ops/ops_check_prometheus.py" jsfpm_ <"$T/metrics" ||
  fail "Prometheus output fails the format check: $(cat "$T/metrics")"
assert_match "$(cat "$T/metrics")" '^jsfpm_accepted_requests_total 11$' "metrics"
assert_match "$(cat "$T/metrics")" '^jsfpm_broker_statements_total [1-9]' "metrics"
assert_match "$(cat "$T/metrics")" '^jsfpm_requests_total\{class="4xx"\} 2$' "metrics"

say "answers while every worker is busy"
# One at a time: a worker takes new connections only while idle, but the
# two connections could still reach the same worker (a loaded machine runs
# its accept twice before the first request arrives); once the first is
# running, only the other worker accepts.
curl -sS -o /dev/null --max-time 20 "$HTTP_URL/busy/15000" & busy1=$!
wait_until '[ "$(status_field active_workers)" = 1 ]' 8 || fail "the first busy request never showed"
curl -sS -o /dev/null --max-time 20 "$HTTP_URL/busy/15000" & busy2=$!
wait_until '[ "$(status_field active_workers)" = 2 ]' 8 || fail "both workers never showed busy"
ok "both workers busy"
# Three FastCGI connections nobody can accept now wait in the kernel queue.
python3 - "$FCGI_SOCK" "$T/connected" <<'PY' & queued=$!
import socket, sys, time
conns = []
for i in range(3):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(sys.argv[1])
    conns.append(c)
open(sys.argv[2], 'w').close()
time.sleep(15)
PY
wait_until "[ -f '$T/connected' ]" 5 || fail "could not connect to the FastCGI socket"
t0=$(now_ms)
busy_json=$(curl -sS --max-time 2 "$(status_url json)") || fail "status did not answer while all workers were busy"
elapsed=$(( $(now_ms) - t0 ))
assert_eq pong "$(curl -sS --max-time 2 "http://$STATUS_ADDR/ping")" "ping while busy"
[ "$elapsed" -lt 2000 ] || fail "status took ${elapsed} ms while workers were busy"
ok "status answered in ${elapsed} ms"
seen=$(printf '%s' "$busy_json" | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(s["listen_queue"], " ".join(sorted(w["request_path"] for w in s["workers"] if w["state"] == "busy")),
      s["max_active_workers"], s["max_children_reached"] >= 1)')
assert_eq "3 /busy/15000 /busy/15000 2 True" "$seen" \
  "listen queue (a unix socket), busy workers' paths, max active, max children reached counted"
kill "$busy1" "$busy2" "$queued" 2>/dev/null || true

say "status_allow refuses other addresses"
stop_server
start_ops_server server.status_allow=192.0.2.1
assert_eq 403 "$(http_status "http://$STATUS_ADDR/status")" "status from a client not in status_allow"
stop_server
