#!/bin/bash
# js_console_escape.sh: what an app writes to the error log (console.*,
# exception messages) cannot start lines that look like the server's own
# (issue 12, from item 13): control characters come out escaped (\n, \r,
# \xHH), so every message stays one line.
#
# Regression test: console.log('x\n2026-01-01 ... [error] master[1]: ...')
# wrote a second line indistinguishable from the master's.
. "$(dirname "$0")/js_lib.sh"

mkdir -p "$T/app"
cat >"$T/app/main.js" <<'JS'
var FORGED = '2001-01-01 00:00:00.000 [error] master[1]: forged';
module.exports = {
  fetch: function (req) {
    if (req.path === '/console') {
      console.log('one\n' + FORGED + ' by console.log');
      console.error('two\r' + FORGED + ' after a CR\u001b[2K\u0000 and\tESC, NUL, tab, C1\u009b');
      console.warn(new Error('three\n' + FORGED + ' in an Error logged'));
      return new Response('logged\n');
    }
    if (req.path.indexOf('/p') === 0) { /* slow enough for slowlog_timeout */
      for (var end = Date.now() + 5; Date.now() < end;) {}
    }
    if (req.path === '/throw') throw new Error('four\n' + FORGED + ' by an uncaught exception');
    return new Response('fine\n');
  }
};
JS
start_server server.workers=1 app.root="$T/app" app.request_id_header=X-Request-Id \
  server.access_log="$T/access.log" server.slowlog_timeout=1ms

say "console.log, console.error, console.warn(Error) and an uncaught exception"
expect_status 200 -H 'X-Request-Id: esc-console' /console
expect_status 500 -H 'X-Request-Id: esc-throw' /throw
wait_log "[esc-throw]"
grep -q 'forged' "$LOG" || fail "the forged text is not in the log at all"
assert_eq 0 "$(grep -c '^2001-01-01' "$LOG" || true)" "log lines starting with the forged prefix"
assert_eq 0 "$(grep -c "$(printf '[\r\033\001-\010\013\014\016-\037]')" "$LOG" || true)" "log lines holding control characters"
assert_eq 0 "$(grep -c "$(printf '\302\233')" "$LOG" || true)" "log lines holding a C1 control (U+009B)"
# (The slow log goes to this file too: its line for the request is not one
# of the console's.)
assert_eq 3 "$(grep '\[esc-console\]' "$LOG" | grep -vc 'slow request')" "lines of the three console calls, one each"
assert_contains "$(cat "$LOG")" 'one\n2001-01-01 00:00:00.000 [error] master[1]: forged by console.log' "console.log line"
assert_contains "$(cat "$LOG")" 'two\r2001-01-01 00:00:00.000 [error] master[1]: forged after a CR\x1b[2K\x00 and\tESC, NUL, tab, C1\xc2\x9b' "console.error line"
assert_contains "$(cat "$LOG")" 'three\n2001-01-01' "console.warn(Error) line"
assert_contains "$(cat "$LOG")" 'four\n2001-01-01 00:00:00.000 [error] master[1]: forged by an uncaught exception' "uncaught exception line"
expect_status 200 /next

say "a path with encoded control characters, in the access and slow logs"
expect_status 200 -H 'X-Request-Id: esc-path' '/p%0a2001-01-01%20forged%0d%1b%5b2K'
wait_until "grep -q esc-path '$T/access.log'" 5 || fail "no access log line for the request"
assert_eq 1 "$(grep -c esc-path "$T/access.log")" "access log lines of the request"
assert_eq 0 "$(grep -c '^2001-01-01' "$T/access.log" || true)" "access log lines starting with the forged text"
assert_contains "$(grep esc-path "$T/access.log")" '/p\n2001-01-01 forged\r\x1b[2K' "access log path, escaped"
wait_log "[esc-path]"
assert_contains "$(grep 'esc-path' "$LOG")" '/p\n2001-01-01 forged\r\x1b[2K' "slow log line (in the error log), escaped"
