#!/bin/bash
# jsfpm dev: an app folder served with no config file, state under
# DIR/.jsfpm/, reload on change without a signal (the new answer within
# 2 s), the error page (HTML and JSON, the original file:line:col and the
# source line) for an app that does not load and for an uncaught exception,
# never in production; Ctrl-C (SIGINT to the whole foreground group, as a
# terminal sends it) stops everything cleanly.
. "$(dirname "$0")/../lib.sh"

APP=$T/app
mkdir -p "$APP/lib"
cat >"$APP/main.js" <<'JS'
var greeting = require('./lib/greeting');
module.exports = { fetch: function (req) { return new Response(greeting.text + '\n'); } };
JS
echo "exports.text = 'v1';" >"$APP/lib/greeting.js"

say "a folder without main.js is refused with the reason"
set +e
OUT=$("$JSFPM" dev "$T" --port 1 2>&1)
RC=$?
set -e
assert_eq 1 "$RC" "exit status without main.js"
assert_contains "$OUT" "main.js" "message"
[ ! -e "$T/.jsfpm" ] || fail "a refused folder got a .jsfpm state folder"
ok "nothing written into a folder that is not an app"

PORT=$(free_port)
URL=http://127.0.0.1:$PORT
LOG=$T/dev.out
spawn_group "$LOG" "$JSFPM" dev "$APP" --port "$PORT"
DEV_PID=$SPAWNED_PID
wait_log "ready:"
assert_contains "$(head -n 1 "$LOG")" "$URL/" "first line of jsfpm dev"
assert_eq "v1" "$(curl -sS --max-time 10 "$URL/")" "first answer"
for f in jsfpm.conf app.db run compile-cache; do
  [ -e "$APP/.jsfpm/$f" ] || fail "no $APP/.jsfpm/$f"
done
ok "state lives under DIR/.jsfpm/"
# The title covers all of `jsfpm dev DIR --port N` (getopt permutes the
# pointers of argv, not its strings), so no argument shows after it.
assert_eq "jsfpm: master ($APP/.jsfpm/jsfpm.conf)" "$(tr '\0' ' ' </proc/"$DEV_PID"/cmdline | sed 's/ *$//')" "master's title"
ok "the master's process title"

# settled: the master's last reload is complete.  Until then the old
# generation's workers still take requests beside the new one's (a graceful
# reload), so an answer from the new code may be followed by one from the old.
settled() {
  grep -E 'reload requested|reload: |reload complete' "$LOG" | tail -n 1 | grep -q 'reload complete'
}

say "a saved change is served within 2 s, without a signal"
echo "exports.text = 'v2';" >"$APP/lib/greeting.js"
wait_until "[ \"\$(curl -s --max-time 2 $URL/)\" = v2 ]" 2 || fail "the change was not served within 2 s"
ok "v2 served after the change"
wait_log "watch: lib/greeting.js changed"
mkdir "$APP/lib/more"
echo "exports.text = 'v3';" >"$APP/lib/more/g.js"
echo "module.exports = require('./more/g');" >"$APP/lib/greeting.js"
wait_until "[ \"\$(curl -s --max-time 2 $URL/)\" = v3 ]" 5 || fail "a new folder's module was not served"
echo "exports.text = 'v4';" >"$APP/lib/more/g.js"
wait_until "[ \"\$(curl -s --max-time 2 $URL/)\" = v4 ]" 5 || fail "a change in a folder created while serving was not seen"
ok "folders created while serving are watched"

say "a change that does not load shows the error page, not the old code"
cat >"$APP/lib/more/g.js" <<'JS'
// line 1
exports.text = 'v5' +;
JS
wait_until "curl -s --max-time 5 $URL/ | grep -q 'The app does not load'" 30 || fail "no error page for a syntax error"
wait_until settled 30 || fail "the reload to the broken code did not complete"
PAGE=$(curl -sS --max-time 10 -D "$T/h" "$URL/")
assert_match "$(cat "$T/h")" "^HTTP/1.1 500" "status of the error page"
assert_match "$(cat "$T/h")" "^Content-Type: text/html" "type of the error page"
assert_contains "$PAGE" "lib/more/g.js:2:" "the original place"
assert_contains "$PAGE" "exports.text = &#39;v5&#39; +;" "the source line (escaped)"
assert_not_contains "$PAGE" ">v4<" "the old code's answer"
JSON=$(curl -sS --max-time 10 -H 'Accept: text/html;q=0.5, application/json' "$URL/")
assert_eq "lib/more/g.js 2 exports.text = 'v5' +;" \
  "$(printf '%s' "$JSON" | "$PYTHON" -c 'import json,sys; e=json.load(sys.stdin)["error"]; print(e["file"], e["line"], [l["text"] for l in e["source"] if l["line"] == e["line"]][0])')" \
  "the JSON error"

say "an uncaught exception: the page names the original line:col and the stack"
cat >"$APP/lib/more/g.js" <<'JS'
function explode() {
  const why = `no ${'luck'}`;
  throw new Error(why);
}
exports.text = 'v6';
exports.explode = explode;
JS
cat >"$APP/main.js" <<'JS'
var g = require('./lib/more/g');
module.exports = { fetch: function (req) { if (req.path === '/boom') g.explode(); return new Response(g.text + '\n'); } };
JS
wait_until "[ \"\$(curl -s --max-time 2 $URL/)\" = v6 ]" 30 || fail "the fixed app was not served"
wait_until settled 30 || fail "the reload to the fixed app did not complete"
PAGE=$(curl -sS --max-time 10 -D "$T/h" "$URL/boom")
assert_match "$(cat "$T/h")" "^HTTP/1.1 500" "status"
assert_contains "$PAGE" "Uncaught exception" "title"
assert_contains "$PAGE" "Error: no luck" "message"
assert_contains "$PAGE" "lib/more/g.js:3:" "original place of the throw"
assert_contains "$PAGE" 'throw new Error(why);' "the source line"
assert_match "$PAGE" "main.js:2" "the stack names the caller"
JSON=$(curl -sS --max-time 10 -H 'Accept: application/json' "$URL/boom")
assert_eq "Error: no luck lib/more/g.js 3" \
  "$(printf '%s' "$JSON" | "$PYTHON" -c 'import json,sys; e=json.load(sys.stdin)["error"]; print(e["message"], e["file"], e["line"])')" \
  "the JSON error"

say "a new migration is applied without a restart"
mkdir -p "$APP/migrations"
cat >"$APP/main.js" <<'JS'
var db = require('jsfpm/db');
module.exports = { fetch: function () { return new Response(db.get('SELECT count(*) AS n FROM items').n + ' items\n'); } };
JS
printf "CREATE TABLE items (a);\nINSERT INTO items VALUES (1), (2);\n" >"$APP/migrations/001_items.sql"
wait_until "[ \"\$(curl -s --max-time 2 $URL/)\" = '2 items' ]" 30 || fail "the migration was not applied while serving"
ok "the new table is there"

say "Ctrl-C (SIGINT to the whole group) stops everything cleanly"
CHILDREN=$(pgrep -P "$DEV_PID" | tr '\n' ' ')
[ -n "$CHILDREN" ] || fail "no children of the master found"
kill -INT -- "-$DEV_PID"
wait_until "! group_alive $DEV_PID && ! ps -p '${CHILDREN% }' >/dev/null" 10 || fail "processes left after Ctrl-C"
set +e
wait "$DEV_PID"
RC=$?
set -e
assert_eq 0 "$RC" "exit status after Ctrl-C"
wait_log "stopped"
assert_not_contains "$(cat "$LOG")" "on signal 2" "log (no child killed by the terminal's SIGINT)"
[ ! -e "$APP/.jsfpm/fcgi.sock" ] || fail "the FastCGI socket was left behind"
ok "sockets removed"

say "production (dev = no): a bare 500 with the request id, no source"
cat >"$T/prod.js" <<'JS'
module.exports = { fetch: function () { throw new Error('secret detail'); } };
JS
start_server app.root="$T" app.main=prod.js app.dev=no
BODY=$(curl -sS --max-time 10 -D "$T/h" -H 'Accept: application/json' "$HTTP_URL/")
assert_eq "Internal Server Error" "$BODY" "production body"
assert_match "$(cat "$T/h")" "^X-Request-Id: " "request id header"
stop_server
