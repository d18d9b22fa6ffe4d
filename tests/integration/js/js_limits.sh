#!/bin/bash
# js_limits.sh: per-request limits (issue 4, item 7 and the acceptance):
# while(true){} -> 504 within request_timeout + a margin and the same worker
# answers the next request; a loop that keeps catching the timeout still
# ends in 504; an allocation bomb -> 500 "memory limit", the heap is rebuilt
# and the next request succeeds; eval('1') / new Function throw unless
# allow_eval = yes; max_db_calls; max_response_size.
#
# Timing bound: request_timeout = 1s and the 504 must arrive within 1.25 s of
# the request being sent (curl's time_total).  The engine checks the clock
# every few hundred thousand instructions, so the overshoot is normally a few
# ms; the issue asks for +100 ms, and the extra 150 ms absorb scheduling
# noise on a loaded 2-core CI machine running `make -j2 check`.
. "$(dirname "$0")/js_lib.sh"
LIMIT_S=1.25

mkdir -p "$T/app"
cat >"$T/app/main.js" <<'JS'
var db = require('jsfpm/db');
var counter = 0;
function n(req, dflt) { return req.query.n === undefined ? dflt : Number(req.query.n); }
module.exports = {
  fetch: function (req, ctx) {
    switch (req.path) {
    case '/loop':
      while (true) {}
    case '/catchloop':
      var caught = 0;
      for (;;) {
        try { while (true) {} } catch (e) { caught++; }
      }
    case '/bomb':
      var a = [];
      for (var i = 0; ; i++) a.push(new Uint8Array(65536), { i: i });
    case '/strbomb':
      var kept = [], str = 'x';
      for (;;) { str = str + str; kept.push(str); }
    case '/bigalloc':
      var u = new Uint8Array(64 * 1024 * 1024);
      return new Response('allocated ' + u.length);
    case '/counter':
      return Response.json({ counter: ++counter });
    case '/eval':
      return new Response(String(eval('1 + 1')));
    case '/eval-caught':
      var out = {};
      try { out.eval = eval('1 + 1'); } catch (e) { out.eval = e.name + ': ' + e.message; }
      try { out.indirect = (0, eval)('1 + 1'); } catch (e) { out.indirect = e.name + ': ' + e.message; }
      try { out.newFunction = new Function('return 3')(); } catch (e) { out.newFunction = e.name + ': ' + e.message; }
      try { out.ctor = (function () {}).constructor('return 4')(); } catch (e) { out.ctor = e.name + ': ' + e.message; }
      try { out.protoCtor = Object.getPrototypeOf(function () {}).constructor('return 5')(); } catch (e) { out.protoCtor = e.name + ': ' + e.message; }
      return Response.json(out);
    case '/db':
      var rows = 0;
      for (var j = 0; j < n(req, 1); j++) rows += db.query('SELECT 1 AS one').length;
      return Response.json({ rows: rows });
    case '/db-caught':
      var done = 0;
      try {
        for (var k = 0; k < n(req, 1); k++) { db.query('SELECT 1'); done++; }
      } catch (e) {
        return Response.json({ done: done, error: e.name + ': ' + e.message });
      }
      return Response.json({ done: done });
    case '/big':
      return new Response(new Array(n(req, 10) + 1).join('x'));
    case '/bigbytes':
      return new Response(new Uint8Array(n(req, 10)), { headers: { 'Content-Type': 'application/octet-stream' } });
    default:
      return new Response('fine');
    }
  }
};
JS

start_server server.workers=1 app.root="$T/app" app.request_timeout=1s app.memory_limit=16m \
  app.max_db_calls=3 app.max_response_size=2k app.dev=no
one_worker

# timed PATH: sets STATUS, BODY and SECS (curl's time_total).
timed() {
  local out
  out=$(curl -sS --max-time 10 -D "$T/timed.headers" -o "$T/timed.body" -w '%{http_code} %{time_total}' \
    "$HTTP_URL$1") || fail "curl $1 failed"
  STATUS=${out% *}
  SECS=${out#* }
  BODY=$(cat "$T/timed.body")
  HEADERS=$(tr -d '\r' <"$T/timed.headers")
  RID=$(hdr X-Request-Id)
}
within() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }

say "while(true){} -> 504 within request_timeout (1 s) + margin; the worker lives on"
timed /loop
assert_eq 504 "$STATUS" "status of /loop"
within "$SECS" "$LIMIT_S" || fail "/loop took $SECS s, more than $LIMIT_S s"
within 0.95 "$SECS" || fail "/loop took $SECS s: it ended before the 1 s limit"
ok "/loop answered in $SECS s (limit 1 s, bound $LIMIT_S s)"
assert_contains "$BODY" "time limit" "504 body"
[ -n "$RID" ] || fail "no X-Request-Id on the 504"
wait_log "[$RID] GET /loop: execution time limit of 1000 ms exceeded"
expect_status 200 /next
assert_eq fine "$BODY" "body of the next request"
assert_eq "$WORKER" "$(worker_pids)" "worker pid after the 504 (same worker)"

say "a loop that keeps catching the timeout still ends in 504"
timed /catchloop
assert_eq 504 "$STATUS" "status of /catchloop"
within "$SECS" "$LIMIT_S" || fail "/catchloop took $SECS s, more than $LIMIT_S s"
ok "/catchloop answered in $SECS s"
expect_status 200 /next
assert_eq "$WORKER" "$(worker_pids)" "worker pid after /catchloop"

say "module state survives a timeout in worker mode (the heap is not rebuilt)"
req /counter
before=$(jget "$BODY" 'd["counter"]')
req /counter
assert_eq $((before + 1)) "$(jget "$BODY" 'd["counter"]')" "counter"

say "allocation bomb -> 500 'memory limit' (memory_limit = 16m); the next request succeeds"
expect_status 500 /bomb
assert_contains "$BODY" "memory limit" "body of /bomb"
[ -n "$RID" ] || fail "no X-Request-Id on the memory-limit 500"
wait_log "[$RID] GET /bomb: memory limit of"
expect_status 200 /next
assert_eq fine "$BODY" "body after /bomb"
assert_eq "$WORKER" "$(worker_pids)" "worker pid after /bomb"
wait_log "JavaScript heap rebuilt"
req /counter
assert_eq 1 "$(jget "$BODY" 'd["counter"]')" "counter after the rebuild (a fresh heap, module state starts over)"

say "string bomb (doubling a string) -> 500 'memory limit'; the next request succeeds"
expect_status 500 /strbomb
assert_contains "$BODY" "memory limit" "body of /strbomb"
expect_status 200 /next
assert_eq "$WORKER" "$(worker_pids)" "worker pid after /strbomb"

say "one allocation above the cap (64 MB typed array) -> 500 'memory limit'"
expect_status 500 /bigalloc
assert_contains "$BODY" "memory limit" "body of /bigalloc"
expect_status 200 /next
assert_eq "$WORKER" "$(worker_pids)" "worker pid after /bigalloc"

say "eval and new Function throw by default"
expect_status 500 /eval
assert_not_contains "$BODY" "2" "body of /eval"
wait_log "GET /eval: uncaught"
assert_contains "$(grep -F 'GET /eval: uncaught' "$LOG")" "EvalError" "log line of /eval"
expect_status 200 /eval-caught
for k in eval indirect newFunction ctor protoCtor; do
  assert_match "$(jget "$BODY" "d['$k']")" '^EvalError: .*allow_eval' "$k (caught)"
done

say "max_db_calls = 3: three calls pass, the fourth fails; the count is per request"
expect_status 200 '/db?n=3'
assert_eq 3 "$(jget "$BODY" 'd["rows"]')" "rows from 3 calls"
expect_status 500 '/db?n=4'
wait_log "GET /db?n=4: uncaught"
assert_contains "$(grep -F 'GET /db?n=4: uncaught' "$LOG")" "max_db_calls" "log line of /db?n=4"
expect_status 200 '/db-caught?n=10'
assert_eq 3 "$(jget "$BODY" 'd["done"]')" "calls done before the error"
assert_contains "$(jget "$BODY" 'd["error"]')" "max_db_calls exceeded" "caught error"
expect_status 200 '/db?n=3'
assert_eq 3 "$(jget "$BODY" 'd["rows"]')" "rows from 3 calls in the next request"

say "max_response_size = 2k: 2048 bytes pass, 2049 -> 500 naming the limit"
expect_status 200 '/big?n=2048'
assert_eq 2048 "${#BODY}" "length of a 2048-byte body"
expect_status 500 '/big?n=2049'
assert_contains "$BODY" "max_response_size" "body of /big?n=2049"
assert_not_contains "$BODY" "xxxx" "body of /big?n=2049"
expect_status 500 '/bigbytes?n=100000'
assert_contains "$BODY" "max_response_size" "body of /bigbytes?n=100000"
assert_eq "$WORKER" "$(worker_pids)" "worker pid at the end"

say "isolation = request: the same time and memory limits, and the worker lives on"
stop_server
start_server server.workers=1 app.root="$T/app" app.isolation=request app.request_timeout=1s \
  app.memory_limit=16m app.allow_eval=yes
one_worker
timed /loop
assert_eq 504 "$STATUS" "[request mode] status of /loop"
within "$SECS" "$LIMIT_S" || fail "[request mode] /loop took $SECS s, more than $LIMIT_S s"
ok "[request mode] /loop answered in $SECS s"
expect_status 200 /next
assert_eq "$WORKER" "$(worker_pids)" "[request mode] worker pid after the 504"
expect_status 500 /bomb
assert_contains "$BODY" "memory limit" "[request mode] body of /bomb"
expect_status 200 /next
assert_eq fine "$BODY" "[request mode] body after /bomb"
assert_eq "$WORKER" "$(worker_pids)" "[request mode] worker pid after /bomb"

say "allow_eval = yes: eval and new Function work"
expect_status 200 /eval
assert_eq 2 "$BODY" "eval('1 + 1')"
expect_status 200 /eval-caught
assert_eq 2 "$(jget "$BODY" 'd["eval"]')" "eval"
assert_eq 2 "$(jget "$BODY" 'd["indirect"]')" "indirect eval"
assert_eq 3 "$(jget "$BODY" 'd["newFunction"]')" "new Function"
assert_eq 4 "$(jget "$BODY" 'd["ctor"]')" "(function(){}).constructor"
