#!/bin/bash
# errors.sh: app errors become 500s, are logged with the request id, file:line
# and the SQLite code, and do not cost the worker its life.
. "$(dirname "$0")/../lib.sh"
require_tool curl curl

mkdir -p "$T/app"
cat >"$T/app/main.js" <<'JS'
var db = require('jsfpm/db');
module.exports = {
  fetch: function (req, ctx) {
    switch (req.path) {
    case '/dberr':
      return Response.json(db.query('SELECT * FROM no_such_table')); // LINE:dberr
    case '/boom':
      throw new Error('boom'); // LINE:boom
    case '/notresponse':
      return { status: 200, body: 'a plain object is not a Response' };
    case '/unique':
      db.exec('CREATE TABLE IF NOT EXISTS u (x INTEGER UNIQUE)');
      db.execute('INSERT OR IGNORE INTO u (x) VALUES (1)');
      try {
        db.execute('INSERT INTO u (x) VALUES (1)');
        return new Response('no error', { status: 200 });
      } catch (e) {
        return Response.json({ name: e.name, code: e.code, message: e.message,
                               isError: e instanceof Error }, { status: 409 });
      }
    default:
      return new Response('ok');
    }
  }
};
JS
line_of() { grep -n "LINE:$1" "$T/app/main.js" | cut -d: -f1; }
DBERR_LINE=$(line_of dberr)
BOOM_LINE=$(line_of boom)

start_server server.workers=1 app.root="$T/app" app.dev=no

workers=$(worker_pids)
[ "$(wc -w <<<"$workers")" = 1 ] || fail "expected one worker, found: $workers"
ok "the one worker is pid $workers"

# request PATH: sets STATUS, RID (X-Request-Id) and BODY.
request() {
  BODY=$(curl -sS -D "$T/headers" --max-time 10 "$HTTP_URL$1") || fail "curl $1 failed"
  STATUS=$(sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$T/headers")
  RID=$(tr -d '\r' <"$T/headers" | sed -n 's/^[Xx]-[Rr]equest-[Ii]d: *//p')
  [ -n "$RID" ] || fail "no X-Request-Id on $1"
}
# log_line RID PATH [WORD]: the first log line "[RID] GET PATH: [WORD...]".
log_line() {
  local pat="[$1] GET $2: ${3:-}"
  wait_until "grep -qF -- $(printf '%q' "$pat") '$LOG'" 5 || fail "log has no line '$pat...'"
  grep -F -- "$pat" "$LOG" | head -n 1
}
uncaught_line() { log_line "$1" "$2" uncaught; }

say "SQL error (no such table), uncaught -> 500, logged with the SQLite code"
request /dberr
assert_eq 500 "$STATUS" "status of /dberr"
assert_not_contains "$BODY" "no_such_table" "500 body with dev = no"
line=$(uncaught_line "$RID" /dberr)
assert_contains "$line" "SQLITE_ERROR" "uncaught log line"
assert_contains "$line" "no such table: no_such_table" "uncaught log line"
assert_contains "$line" "DatabaseError" "uncaught log line"
# The app's file:line, where db.query was called, not the server's C source.
assert_contains "$line" "main.js:$DBERR_LINE" "uncaught log line"
assert_not_contains "$line" ".c:" "uncaught log line"

say "a constraint violation is a catchable DatabaseError with .code"
request /unique
assert_eq 409 "$STATUS" "status of /unique (the handler caught the error)"
assert_contains "$BODY" '"name":"DatabaseError"' "caught error"
assert_contains "$BODY" '"code":"SQLITE_CONSTRAINT_UNIQUE"' "caught error"
assert_contains "$BODY" '"isError":true' "caught error"
assert_match "$BODY" '"message":"SQLITE_CONSTRAINT_UNIQUE: [^"]*UNIQUE constraint failed: u\.x' "caught error"

say "throw new Error('boom') -> 500, logged with main.js:$BOOM_LINE"
request /boom
assert_eq 500 "$STATUS" "status of /boom"
assert_not_contains "$BODY" "boom" "500 body with dev = no"
line=$(uncaught_line "$RID" /boom)
assert_contains "$line" "main.js:$BOOM_LINE" "uncaught log line"
assert_contains "$line" "Error: boom" "uncaught log line"

say "the same worker answers the next request"
request /fine
assert_eq 200 "$STATUS" "status of the next request"
assert_eq ok "$BODY" "body of the next request"
assert_eq "$workers" "$(worker_pids)" "worker pid after the exceptions"

say "a handler returning a non-Response -> 500, logged"
request /notresponse
assert_eq 500 "$STATUS" "status of /notresponse"
line=$(log_line "$RID" /notresponse)
assert_contains "$line" "Response" "log line"

say "still the same worker, still serving, nothing died"
request /
assert_eq 200 "$STATUS" "status afterwards"
assert_eq "$workers" "$(worker_pids)" "worker pid at the end"
if grep -E 'exited with status|killed by signal' "$LOG" >&2; then
  fail "a child of the master exited (above)"
fi
ok "no child exited"

