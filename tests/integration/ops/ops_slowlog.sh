#!/bin/bash
# The slow log (issue 17): a request that crosses slowlog_timeout is
# reported at that moment with its JavaScript stack (as php-fpm's slow log
# shows the backtrace), and again with its duration when it ends; a request
# killed by request_terminate_timeout is in the access and slow logs.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops_lib.sh"
require_tool curl curl

mkdir -p "$T/app"
cat >"$T/app/main.js" <<'JS'
function spin(ms) {
  var until = Date.now() + ms;
  while (Date.now() < until) {}
}
function handleSpin(ms) {
  spin(ms);
  return new Response('spun ' + ms + '\n');
}
module.exports = {
  fetch: function (req, ctx) {
    var m = /^\/spin\/(\d+)$/.exec(req.path);
    if (m) {
      var res = handleSpin(parseInt(m[1], 10));
      return res;
    }
    if (req.path === '/db') return new Response('db ' + require('jsfpm/db').get('SELECT 42 AS x').x + '\n');
    return new Response('ok\n');
  }
};
JS
start_ops_server server.workers=2 server.slowlog="$T/slow.log" server.slowlog_timeout=300ms \
  server.access_log="$T/access.log" app.request_id_header=X-Request-Id

say "a fast request is not in the slow log"
assert_eq "ok" "$(curl -sS "$HTTP_URL/fast")" "fast response"
wait_until "grep -q ' /fast ' '$T/access.log'" 5 || fail "no access line for /fast"
[ ! -s "$T/slow.log" ] || fail "slow log not empty: $(cat "$T/slow.log")"
ok "slow log empty"

say "a request spinning in JavaScript: its stack when it crossed slowlog_timeout"
assert_eq "spun 1500" "$(curl -sS -H 'X-Request-Id: slow-spin-1' "$HTTP_URL/spin/1500")" "slow response"
wait_until "grep -q 'slow-spin-1.*(status 200)' '$T/slow.log'" 5 || fail "no end report: $(cat "$T/slow.log")"
cat "$T/slow.log"
head=$(grep -n 'running for' "$T/slow.log" | head -n 1)
assert_match "$head" "^1:[-0-9T:.+]+ slow request pid [0-9]+ \[slow-spin-1\] GET /spin/1500: running for [0-9]+ ms \(slowlog_timeout 300 ms\), JavaScript stack:$" "the first report"
ran=$(printf '%s\n' "$head" | sed -E 's/.*running for ([0-9]+) ms.*/\1/')
[ "$ran" -ge 300 ] && [ "$ran" -lt 1500 ] || fail "stack taken after $ran ms, not while the request ran past 300 ms"
ok "stack taken at $ran ms"
# Innermost first, with the app's file (as the app root names it) and line.
# (Line 2 or 3 of spin: on a loaded machine setting the request up may
# take long enough that the moment comes before its loop.)
assert_match "$(sed -n 2p "$T/slow.log")" "^    at spin \(main.js:[23]\)" "innermost frame"
assert_match "$(sed -n 3p "$T/slow.log")" "^    at handleSpin \(main.js:6\)" "its caller"
assert_match "$(sed -n 4p "$T/slow.log")" "^    at \[anon\] \(main.js:13\)" "the handler (an anonymous function)"
assert_match "$(grep -v '^    at ' "$T/slow.log" | tail -n 1)" "slow request pid [0-9]+ \[slow-spin-1\] GET /spin/1500: [0-9]+ ms \(status 200\)$" "the end report"

say "without slowlog the report goes to the error log, one line (isolation = request: the request's own thread)"
stop_server
: >"$T/slow.log"
start_ops_server server.workers=1 server.slowlog_timeout=200ms app.request_id_header=X-Request-Id \
  app.isolation=request
assert_eq "spun 600" "$(curl -sS -H 'X-Request-Id: slow-spin-2' "$HTTP_URL/spin/600")" "slow response"
wait_log "[slow-spin-2] GET /spin/600: running for"
line=$(grep -F "[slow-spin-2] GET /spin/600: running for" "$LOG")
assert_match "$line" 'JavaScript stack:\\n    at spin \(main.js:[23]\)\\n    at handleSpin \(main.js:6\)' "stack in the error log line, escaped"
stop_server

say "a request killed by request_terminate_timeout is in the access and slow logs"
start_ops_server server.workers=2 server.slowlog="$T/slow.log" server.slowlog_timeout=300ms \
  server.access_log="$T/access.log" server.request_terminate_timeout=1s \
  app.request_id_header=X-Request-Id
bp=$(broker_pid)
kill -STOP "$bp"
on_exit "kill -CONT $bp 2>/dev/null"
curl -sS --max-time 20 -o /dev/null -H 'X-Request-Id: killed-42' "$HTTP_URL/db" 2>/dev/null & client=$!
wait_log "exceeded request_terminate_timeout (1000 ms)"
wait_until "grep -q 'killed-42' '$T/slow.log' && grep -q 'killed-42' '$T/access.log'" 5 ||
  fail "not logged: slow: $(cat "$T/slow.log") access: $(cat "$T/access.log")"
assert_match "$(grep killed-42 "$T/access.log")" " killed-42 - GET /db - - [0-9]+ms$" "access line (no status, no bytes)"
assert_match "$(grep killed-42 "$T/slow.log")" "request cut off pid [0-9]+ \[killed-42\] GET /db: [0-9]+ ms, killed by request_terminate_timeout$" "slow log entry"
kill -CONT "$bp"
wait "$client" 2>/dev/null || true
stop_server
