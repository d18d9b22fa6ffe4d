#!/bin/bash
# js_limits_natives.sh: the execution time limit also holds for a loop whose
# iterations are few bytecode instructions but slow built-ins (a big
# Array.prototype.join), and for an allocation bomb: request_timeout = 1s, so
# a 504 (or at least some answer) must come within 1 s + a margin, and the
# same worker answers the next request.
#
# Regression test: the limit used to be checked only from Duktape's bytecode
# interrupt counter (every 256k instructions), so a loop of ~10 instructions
# calling a slow native was checked every ~25,000 iterations: minutes.
. "$(dirname "$0")/js_lib.sh"
LIMIT_S=1.5

mkdir -p "$T/app"
cat >"$T/app/main.js" <<'JS'
module.exports = {
  fetch: function (req, ctx) {
    if (req.path === '/join') {
      for (;;) { var s = new Array(200000).join('x'); }
    }
    if (req.path === '/joinbomb') {
      var a = [];
      for (var i = 0; ; i++) a.push(new Array(1000).join('x') + i);
    }
    return new Response('fine');
  }
};
JS
start_server server.workers=1 app.root="$T/app" app.request_timeout=1s app.memory_limit=16m
one_worker

# timed PATH: sets STATUS and SECS (curl's time_total); STATUS 000 = no answer in 8 s.
timed() {
  local out
  out=$(curl -sS --max-time 8 -o /dev/null -w '%{http_code} %{time_total}' "$HTTP_URL$1" 2>/dev/null) || true
  STATUS=${out% *}
  SECS=${out#* }
}
within() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }

say "an allocation bomb of small joined strings answers within the time limit (504 or 500)"
timed /joinbomb
case "$STATUS" in 500 | 504) ok "status of /joinbomb: $STATUS" ;; *) fail "status of /joinbomb: '$STATUS'" ;; esac
within "$SECS" "$LIMIT_S" || fail "/joinbomb took $SECS s with request_timeout = 1s (bound $LIMIT_S s)"
ok "/joinbomb answered in $SECS s"
expect_status 200 /next

say "for(;;) { new Array(200000).join('x') } -> 504 within request_timeout + margin"
timed /join
assert_eq 504 "$STATUS" "status of /join (000 = no answer within 8 s)"
within "$SECS" "$LIMIT_S" || fail "/join took $SECS s with request_timeout = 1s (bound $LIMIT_S s)"
ok "/join answered in $SECS s"
expect_status 200 /next
assert_eq "$WORKER" "$(worker_pids)" "worker pid after /join"

# The deadline timer is armed lazily: a request leaves it pending for its
# own deadline, and a later request relies on it firing early and being
# re-armed, or on arming it afresh once it has lapsed.
say "/join half-way through an earlier request's timer: the timer is re-armed for /join's deadline"
expect_status 200 /quick
sleep 0.5
timed /join
assert_eq 504 "$STATUS" "status of /join 0.5 s after another request"
within "$SECS" "$LIMIT_S" || fail "/join took $SECS s (bound $LIMIT_S s)"
within 0.9 "$SECS" || fail "/join answered in $SECS s: before its own 1 s deadline"
ok "/join answered in $SECS s"

say "/join after the timer lapsed while idle: armed afresh"
sleep 1.5
timed /join
assert_eq 504 "$STATUS" "status of /join after 1.5 s idle"
within "$SECS" "$LIMIT_S" || fail "/join took $SECS s (bound $LIMIT_S s)"
ok "/join answered in $SECS s"
expect_status 200 /next
assert_eq "$WORKER" "$(worker_pids)" "worker pid after the lazy-timer cases"
