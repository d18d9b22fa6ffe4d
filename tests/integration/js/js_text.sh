#!/bin/bash
# Text assets: require() and import of .html, .txt, .sql, .css and .svg
# give the file's text (compiled into the app like code, not parsed as
# JavaScript), UTF-8 intact.
. "$(dirname "$0")/../lib.sh"
require_tool curl curl
start_server app.root="$TOP_SRCDIR/tests/apps/js_text"

say "require('./views/page.html') is the file's text"
assert_eq '<!DOCTYPE html>
<p class="greeting">Hello, Zoë – café</p>' "$(curl -sS --max-time 10 "$HTTP_URL/page")" "the rendered template"

say "import of .sql, .css, .svg and .txt from an ES module"
JSON=$(curl -sS --max-time 10 "$HTTP_URL/assets")
check() {
  "$PYTHON" -c 'import json, sys
a = json.loads(sys.argv[1]); root = sys.argv[2]
for key, name in (("query", "notes.sql"), ("style", "site.css"), ("icon", "icon.svg"), ("note", "note.txt")):
    want = open(root + "/views/" + name, encoding="utf-8").read()
    assert a[key] == want, (key, a[key], want)
assert a["lengths"] == [len(a["query"]), len(a["note"])]
print("same")' "$JSON" "$TOP_SRCDIR/tests/apps/js_text"
}
assert_eq same "$(check)" "every asset equals its file"
wait_log "app compiled"
assert_not_contains "$(cat "$LOG")" "SyntaxError" "log"
stop_server
