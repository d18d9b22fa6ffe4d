#!/bin/bash
# jsfpm test: finds *.test.js and *.test.mjs, runs each against a fresh
# database with the app's migrations applied, calls the app's fetch through
# jsfpm/test's request() (no sockets); one line per test, a closing
# "N passed, N failed", exit 1 on a failure; a test file that does not load
# fails too.
. "$(dirname "$0")/../lib.sh"

APP=$T/app
cp -r "$TOP_SRCDIR/tests/apps/app_test" "$APP"
chmod -R u+w "$APP"

say "a failing test: its line, the closing line, exit status 1"
RC=0
OUT=$("$JSFPM" test "$APP" 2>"$T/err") || RC=$?
printf '%s\n' "$OUT"
assert_eq 1 "$RC" "exit status"
assert_contains "$OUT" "ok   tests/notes.test.js > starts empty" "output"
assert_contains "$OUT" "ok   tests/notes.test.js > creates a note" "output (the migration's table exists)"
assert_contains "$OUT" "ok   tests/modern.test.mjs > a fresh database per file" "output (an ES module, async)"
assert_contains "$OUT" "FAIL tests/notes.test.js > fails on purpose
     AssertionError: status of /nope: expected 200, got 404
     at tests/notes.test.js:14" "output"
assert_eq "3 passed, 1 failed" "$(printf '%s\n' "$OUT" | tail -n 1)" "closing line"

say "all passing: exit status 0"
sed -i "s|t.request(app, '/nope').status, 200|t.request(app, '/nope').status, 404|" "$APP/tests/notes.test.js"
RC=0
OUT=$("$JSFPM" test "$APP" 2>"$T/err") || RC=$?
assert_eq 0 "$RC" "exit status (output: $OUT $(cat "$T/err"))"
assert_eq "4 passed, 0 failed" "$(printf '%s\n' "$OUT" | tail -n 1)" "closing line"

say "a test file that does not load fails, with its place"
mkdir -p "$APP/lib"
printf "var t = require('jsfpm/test');\nt.test('never', function () {});\nthrow new Error('broken at load');\n" >"$APP/lib/broken.test.js"
RC=0
OUT=$("$JSFPM" test "$APP" 2>"$T/err") || RC=$?
assert_eq 1 "$RC" "exit status"
assert_contains "$OUT" "FAIL lib/broken.test.js
     does not load: lib/broken.test.js:3: Error: broken at load" "output"
assert_eq "4 passed, 1 failed" "$(printf '%s\n' "$OUT" | tail -n 1)" "closing line"

say "no test files: said, exit status 1"
mkdir "$T/empty"
RC=0
"$JSFPM" test "$T/empty" 2>"$T/err" || RC=$?
assert_eq 1 "$RC" "exit status"
assert_contains "$(cat "$T/err")" "no *.test.js or *.test.mjs files" "stderr"
