#!/bin/bash
# js_limits_backstop.sh: every request ends within request_timeout + 1 s,
# whatever one native call it is stuck in (issue 12, item 5).  The time
# limit stops JavaScript at its next bytecode instruction; these calls run
# none for seconds:
#
#   new Array(5e7).join('')         a.sort() of 1,000,000 numbers
#   s.replace(/x/g, 'yy') on 16 MB  new Array(2e7).join('x')
#
# JS_OVERRUN_GRACE_MS (500 ms) past the deadline the worker answers 504 on
# the request's own connection, HTTP or FastCGI, and ends itself; the master
# logs it with the request id and starts a replacement, which serves the
# next request.
#
# Regression test: with request_timeout = 1s these answered after 29 s,
# 13 s, about 5 s (the replace of 4 MB in the review took 7.3 s there,
# 1.3 s here: 16 MB takes 4.8 s) and never.
. "$(dirname "$0")/js_lib.sh"
LIMIT_S=1
BOUND_S=2   # request_timeout + 1 s

mkdir -p "$T/app"
cat >"$T/app/main.js" <<'JS'
module.exports = {
  fetch: function (req) {
    var p = req.path;
    if (p === '/join-empty') return new Response(String(new Array(5e7).join('').length));
    if (p === '/join-x') return new Response(String(new Array(2e7).join('x').length));
    if (p === '/sort') {
      var a = new Array(1000000);
      for (var i = 0; i < a.length; i++) a[i] = (i * 7919) % 1000003;
      a.sort();
      return new Response(String(a[0]));
    }
    if (p === '/replace') {
      var s = 'x'.repeat(16 << 20);
      return new Response(String(s.replace(/x/g, 'yy').length));
    }
    return new Response('fine ' + p + '\n');
  }
};
JS
# memory_limit: room for the 16 MB string and its 32 MB replacement.
start_server server.workers=1 app.root="$T/app" app.request_timeout=${LIMIT_S}s app.memory_limit=256m \
  app.request_id_header=X-Request-Id server.log_level=info
within() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }

# stuck_over_http PATH: the call answers 504 within the bound, the master
# logs the worker's end with the request id, and the next request is served.
stuck_over_http() {
  local id=stuck${1//\//-} out
  say "$1 over HTTP"
  out=$(curl -sS --max-time 20 -D "$T/h" -o "$T/body" -w '%{http_code} %{time_total}' -H "X-Request-Id: $id" "$HTTP_URL$1" 2>&1) || true
  assert_eq 504 "${out% *}" "status of $1 (000 = no answer within 20 s)"
  within "${out#* }" "$BOUND_S" || fail "$1 answered after ${out#* } s (request_timeout ${LIMIT_S} s + 1 s = $BOUND_S s)"
  ok "$1 answered in ${out#* } s"
  assert_contains "$(tr -d '\r' <"$T/h")" "X-Request-Id: $id" "504 headers"
  assert_eq "Gateway Timeout: the request exceeded its time limit" "$(cat "$T/body")" "504 body"
  wait_log_re "worker 0 \\(pid [0-9]+\\): request \\[$id\\] GET $1 still inside one native call [0-9]+ ms after it began"
  expect_status 200 /next
}

stuck_over_http /join-empty
stuck_over_http /sort
stuck_over_http /replace
stuck_over_http /join-x

say "/join-x over FastCGI"
# Timed by the client itself, from connecting to END_REQUEST.
freq --elapsed --uri /join-x --header 'X-Request-Id: stuck-fcgi' 2>"$T/fcgi.err"
took=$(sed -n 's/^elapsed \([0-9.]*\) s$/\1/p' "$T/fcgi.err")
assert_eq 504 "$STATUS" "status of /join-x over FastCGI"
within "$took" "$BOUND_S" || fail "/join-x over FastCGI answered after $took s"
ok "answered in $took s"
assert_eq stuck-fcgi "$RID" "X-Request-Id of the FastCGI 504"
assert_eq "Gateway Timeout: the request exceeded its time limit" "$BODY" "body of the FastCGI 504"
wait_log "request [stuck-fcgi] GET /join-x still inside one native call"
freq --uri /next
assert_eq 200 "$STATUS" "status of the next FastCGI request"

say "accounting"
assert_eq 5 "$(grep -c 'answered 504 and ended itself' "$LOG")" "workers that ended themselves"
assert_eq 0 "$(grep -c 'EMERGENCY\|restarting in' "$LOG" || true)" "crash back-off (these are no crashes)"
