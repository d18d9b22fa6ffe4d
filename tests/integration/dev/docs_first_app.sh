#!/bin/bash
# docs/first-app.md stays true: each file it shows is the file in
# js/examples/first-app/, `jsfpm test` passes on that app, and `jsfpm dev`
# serves it (the form posts and redirects, the note shows, the JSON API).
. "$(dirname "$0")/../lib.sh"
require_tool curl curl

EX=$TOP_SRCDIR/js/examples/first-app
say "the walkthrough's files are the example's"
"$PYTHON" - "$TOP_SRCDIR/docs/first-app.md" "$EX" <<'PY' || fail "docs/first-app.md and js/examples/first-app differ"
import re, sys
doc = open(sys.argv[1], encoding="utf-8").read()
blocks = re.findall(r"^`([\w./-]+)`:\n\n```\w*\n(.*?)```", doc, re.S | re.M)
assert len(blocks) == 4, [b[0] for b in blocks]
for name, text in blocks:
    want = open(sys.argv[2] + "/" + name, encoding="utf-8").read()
    assert text == want, name
print("ok:", ", ".join(b[0] for b in blocks))
PY

APP=$T/notes
cp -r "$EX" "$APP"
chmod -R u+w "$APP"
say "jsfpm test passes"
OUT=$("$JSFPM" test "$APP" 2>&1) || fail "jsfpm test failed: $OUT"
assert_eq "3 passed, 0 failed" "$(printf '%s\n' "$OUT" | tail -n 1)" "closing line"

say "jsfpm dev serves it"
PORT=$(free_port)
LOG=$T/dev.out
spawn_group "$LOG" "$JSFPM" dev "$APP" --port "$PORT"
wait_log "ready:"
assert_eq 303 "$(http_status --data-urlencode 'body=milk & <eggs>' "http://127.0.0.1:$PORT/notes")" "the form's POST"
assert_contains "$(curl -sS --max-time 10 "http://127.0.0.1:$PORT/")" "<li>milk &#38; &#60;eggs&#62;</li>" "the page"
assert_eq '[{"id":1,"body":"milk & <eggs>"}]' "$(curl -sS --max-time 10 "http://127.0.0.1:$PORT/api/notes")" "the JSON API"
[ "$(stat -c %a "$APP/.jsfpm/jsfpm.conf")" = 600 ] || fail "the dev config (with the session secret) is not 0600"
grep -q '^SESSION_SECRET = [0-9a-f]\{64\}$' "$APP/.jsfpm/jsfpm.conf" || fail "no SESSION_SECRET in the dev config"
ok "a SESSION_SECRET for signed cookies, in a private file"
