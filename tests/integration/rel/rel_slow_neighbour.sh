#!/bin/bash
# rel_slow_neighbour.sh (issue 12, item 11): a request that arrives on a
# kept-alive FastCGI connection of a worker busy with a long request is
# served by an idle worker, not after the long one.  nginx keeps each
# upstream connection where it was accepted and reuses the most recently
# freed one first, so while one worker runs a long request, the next request
# nginx sends may land on another connection of that same worker.
#
# The long request comes at the FastCGI door, then at the HTTP door; then
# it is stuck in one native call until the overrun backstop answers it 504
# and ends the worker: the other connection was passed on and is answered
# by another worker, never with that 504.  Last, through real nginx.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops_lib.sh"
. "$(dirname "$0")/../nginx_lib.sh"
require_nginx

SLOW_MS=1500
# Far above the hand-off delay (a few ms), far below SLOW_MS.
LIMIT_MS=1000

mkdir -p "$T/app"
cat >"$T/app/main.js" <<'JS'
module.exports = {
  fetch: function (req) {
    var m = /^\/busy\/(\d+)$/.exec(req.path);
    if (m) {
      var until = Date.now() + parseInt(m[1], 10);
      while (Date.now() < until) {}
      return new Response('busy done\n');
    }
    // One native call that runs no bytecode for seconds: only the overrun
    // backstop ends it.
    if (req.path === '/stuck') return new Response(String(new Array(2e7).join('x').length));
    return new Response(req.path + '\n');
  }
};
JS
start_ops_server server.workers=2 app.request_timeout=2s app.memory_limit=256m

# neighbour SLOW_URI: the FastCGI case; sets SLOW_STATUS.
neighbour() {
  local out took same
  out=$("$PYTHON" "$TOP_SRCDIR/tests/integration/rel/rel_conns.py" neighbour "$FCGI_SOCK" "$(status_url json)" \
    "$1" /fast 8) || fail "the client failed: $out"
  echo "$out" | grep -v '^RESULT'
  took=$(sed -n 's/^RESULT took_ms=\([0-9]*\) .*/\1/p' <<<"$out")
  same=$(sed -n 's/^RESULT .*same_worker=\([01]\) .*/\1/p' <<<"$out")
  SLOW_STATUS=$(sed -n 's/^RESULT .*slow_status=\([0-9]*\)$/\1/p' <<<"$out")
  [ "$took" -lt "$LIMIT_MS" ] || fail "it waited $took ms behind $1"
  ok "answered in $took ms while $1 ran"
  assert_eq 0 "$same" "answered by the busy worker (0 = by another one)"
}

say "FastCGI: a request on another kept-alive connection of the worker running a $SLOW_MS ms request"
neighbour "/busy/$SLOW_MS"
assert_eq 200 "$SLOW_STATUS" "status of the long request"

say "HTTP door: requests on the kept-alive FastCGI connections while a $SLOW_MS ms HTTP request runs"
for attempt in 1 2 3; do
  out=$("$PYTHON" "$TOP_SRCDIR/tests/integration/rel/rel_conns.py" http_neighbour "$FCGI_SOCK" "$HTTP_ADDR" \
    "$(status_url json)" "/busy/$SLOW_MS" /fast 8) || fail "the client failed: $out"
  echo "$out" | grep -v '^RESULT'
  held=$(sed -n 's/^RESULT .*busy_held=\([0-9]*\)$/\1/p' <<<"$out")
  [ "$held" = 0 ] || break
done
[ "$held" -gt 0 ] || fail "the busy worker never held a FastCGI connection: the test proves nothing"
max=$(sed -n 's/^RESULT max_ms=\([0-9]*\) .*/\1/p' <<<"$out")
[ "$max" -lt "$LIMIT_MS" ] || fail "a request waited $max ms behind the HTTP request"
ok "the slowest answered in $max ms"

say "FastCGI: the same while the long request is stuck in a native call (answered by the overrun backstop)"
neighbour /stuck
assert_eq 504 "$SLOW_STATUS" "status of the stuck request"
wait_log "GET /stuck still inside one native call"

say "nginx (keepalive 16): 2 clients, 10 requests each, while a $SLOW_MS ms request runs"
# Two clients, so that nginx's most recently freed connections churn
# between the workers: on the code before the fix, a request landed on a
# connection of the busy worker in every round of 9 runs.
start_nginx_front 16
for round in 1 2; do
  # Several cached connections, accepted by both workers.
  warm=()
  for i in 1 2 3 4 5 6; do curl -sS -o /dev/null --max-time 10 "$URL/busy/30" & warm+=($!); done
  wait "${warm[@]}"
  curl -sS -o "$T/slow.out" --max-time 20 "$URL/busy/$SLOW_MS" &
  slow_pid=$!
  wait_until "curl -sS '$(status_url json)' | grep -q '\"state\": *\"busy\"'" 5 ||
    fail "the slow request never showed as running"
  clients=()
  for c in 1 2; do
    for i in $(seq 10); do
      curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 10 "$URL/fast/$c/$i"
    done >"$T/fast$c" &
    clients+=($!)
  done
  wait "${clients[@]}"
  wait "$slow_pid" || fail "the slow request failed"
  times=$(awk '{ printf "%d ", $2 * 1000 }' "$T/fast1" "$T/fast2")
  [ "$(grep -c '^200 ' "$T/fast1" "$T/fast2" | awk -F: '{ n += $2 } END { print n }')" = 20 ] ||
    fail "round $round: not every request answered 200: $(cat "$T/fast1" "$T/fast2")"
  max=$(awk '$2 * 1000 > m { m = $2 * 1000 } END { printf "%d", m }' "$T/fast1" "$T/fast2")
  [ "$max" -lt "$LIMIT_MS" ] || fail "round $round: a request waited $max ms behind the $SLOW_MS ms request ($times ms)"
  ok "round $round: 20 requests answered in $times ms"
done
errors=$(nginx_errors)
[ -z "$errors" ] || fail "nginx logged errors: $errors"
stop_server
