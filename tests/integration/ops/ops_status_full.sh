#!/bin/bash
# Status ?full (issue 17): every process with php-fpm's per-process fields
# (text and JSON); ?html and ?xml refused, not answered as text; the pool's
# max_listen_queue; Prometheus per-worker series labelled by slot, so that
# recycled workers continue their slot's series.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops_lib.sh"
require_tool curl curl

start_ops_server server.workers=2 server.max_requests=4 app.request_timeout=30s

# json_of QUERY PYTHON_EXPR: evaluates EXPR on the JSON status (as s).
json_of() {
  curl -sS --max-time 5 "$(status_url "$1")" | python3 -c "import json, sys; s = json.load(sys.stdin); print($2)"
}

say "?full&json: php-fpm's per-process fields"
# Workers time each request's CPU once ?full was asked for (before: null).
assert_eq "None None" "$(json_of 'json&full' '" ".join(str(w["last_request_cpu"]) for w in s["workers"])')" "last request cpu before any request"
fcgi --method POST --uri '/full/one?x=1&y=2' --body 'twelve bytes' >/dev/null || fail "FastCGI request failed"
full=$(json_of 'json&full' '" ".join("%s|%s|%s|%s|%s" % (w["pid"], w["request_uri"], w["content_length"], isinstance(w["last_request_cpu"], (int, float)), w["last_request_memory"] > 0) for w in s["workers"] if w["requests"] > 0)')
assert_match "$full" '^[0-9]+\|/full/one\?x=1&y=2\|12\|True\|True$' "the worker that served it: pid, request URI, content length, last request cpu, memory"
assert_eq "2 True" "$(json_of 'json&full' 'len(s["workers"]), all(isinstance(w["start_since"], int) for w in s["workers"])')" "every process listed, start since"
assert_eq "False" "$(json_of json '"request_uri" in s["workers"][0]')" "without full: the compact rows"

say "?full: one text block per process, php-fpm's labels"
text=$(curl -sS --max-time 5 "$(status_url full)")
assert_eq 2 "$(printf '%s\n' "$text" | grep -c '^\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*$')" "process blocks"
for label in pid state 'start time' 'start since' requests 'request method' 'request URI' 'content length' \
  'last request cpu' 'last request memory'; do
  assert_match "$text" "^$label: " "label '$label'"
done
assert_match "$text" '^request URI: +/full/one\?x=1&y=2$' "the served request in its block"

say "?html and ?xml are refused, naming the forms there are"
for form in html xml 'full&html'; do
  code=$(curl -sS -o "$T/body" -w '%{http_code}' --max-time 5 "$(status_url "$form")")
  assert_eq 400 "$code" "?$form status"
  assert_contains "$(cat "$T/body")" "has no ${form#full&} form" "?$form body"
  assert_contains "$(cat "$T/body")" "?json" "?$form body names the forms"
done

say "Prometheus: per-worker series by slot, the same after workers are recycled"
series() { curl -sS --max-time 5 "$(status_url prometheus)" | grep -E '^jsfpm_worker_' | sed 's/ .*//' | sort; }
curl -sS --max-time 5 "$(status_url prometheus)" >"$T/metrics"
python3 "$TOP_SRCDIR/tests/integration/ops/ops_check_prometheus.py" jsfpm_ <"$T/metrics" ||
  fail "Prometheus output fails the format check: $(cat "$T/metrics")"
before=$(series)
assert_contains "$before" 'jsfpm_worker_requests_total{slot="0"}' "slot 0 series"
assert_contains "$before" 'jsfpm_worker_requests_total{slot="1"}' "slot 1 series"
assert_eq 16 "$(printf '%s\n' "$before" | wc -l)" "series: 8 per worker, 2 workers"
pids_before=$(worker_pids | tr '\n' ' ')
# max_requests = 4: twelve more requests recycle both workers at least once.
for i in $(seq 12); do curl -sS -o /dev/null "$HTTP_URL/r/$i"; done
wait_until '[ "$(status_field recycled_workers)" -ge 2 ] && [ "$(worker_pids | wc -l)" = 2 ] && [ "$(status_field idle_workers)" = 2 ]' 15 ||
  fail "workers were not recycled: $(status_field recycled_workers) recycled"
[ "$pids_before" != "$(worker_pids | tr '\n' ' ')" ] || fail "the same worker pids after recycling"
assert_eq "$before" "$(series)" "per-worker series after recycling $(status_field recycled_workers) workers"
metrics=$(curl -sS --max-time 5 "$(status_url prometheus)")
for p in $(worker_pids); do
  assert_match "$metrics" "^jsfpm_worker_pid\{slot=\"[01]\"\} $p$" "the new worker $p in a slot"
done

say "max_listen_queue: the most connections seen waiting"
assert_eq 0 "$(status_field max_listen_queue)" "max listen queue with nothing waiting"
curl -sS -o /dev/null --max-time 20 "$HTTP_URL/busy/4000" & busy1=$!
wait_until '[ "$(status_field active_workers)" = 1 ]' 8 || fail "the first busy request never showed"
curl -sS -o /dev/null --max-time 20 "$HTTP_URL/busy/4000" & busy2=$!
wait_until '[ "$(status_field active_workers)" = 2 ]' 8 || fail "both workers never showed busy"
python3 - "$FCGI_SOCK" "$T/connected" <<'PY' & queued=$!
import socket, sys, time
conns = []
for i in range(3):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(sys.argv[1])
    conns.append(c)
open(sys.argv[2], 'w').close()
time.sleep(1)
PY
wait_until "[ -f '$T/connected' ]" 5 || fail "could not connect to the FastCGI socket"
wait_until '[ "$(status_field max_listen_queue)" -ge 3 ]' 5 || fail "max_listen_queue: $(status_field max_listen_queue)"
wait "$queued" 2>/dev/null || true
wait "$busy1" "$busy2" 2>/dev/null || true
wait_until '[ "$(status_field listen_queue)" = 0 ]' 10 || fail "the queue did not drain"
assert_eq 3 "$(status_field max_listen_queue)" "max listen queue once the queue drained"
assert_match "$(curl -sS --max-time 5 "$(status_url)")" '^max listen queue: +3$' "plain text"
assert_match "$(curl -sS --max-time 5 "$(status_url prometheus)")" '^jsfpm_max_listen_queue 3$' "Prometheus"
stop_server
