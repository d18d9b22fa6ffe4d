#!/bin/bash
# jsfpm dev serves DIR/public/ on its HTTP door before the app: types,
# index.html, ETag and If-None-Match (304), single ranges (206, 416), other
# paths to the app; traversal refused (".." in any spelling: 403) and no
# symbolic link leads out of the folder.  A response with X-Accel-Redirect
# (Response.sendFile) gets the file from DIR/protected/, as nginx's internal
# location would send it.
. "$(dirname "$0")/../lib.sh"
require_tool curl curl

APP=$T/app
mkdir -p "$APP/public/css" "$APP/public/docs" "$APP/protected"
cat >"$APP/main.js" <<'JS'
module.exports = { fetch: function (req) {
  if (req.path === '/download') return Response.sendFile('/protected/report.txt', { filename: 'report.txt' });
  return new Response('app ' + req.method + ' ' + req.path + '\n');
} };
JS
echo 'the report' >"$APP/protected/report.txt"
echo '<h1>home</h1>' >"$APP/public/index.html"
printf 'body { margin: 0 }\n' >"$APP/public/css/site.css"
printf '0123456789' >"$APP/public/digits.txt"
head -c 3000 /dev/urandom >"$APP/public/docs/blob.bin"
echo 'top secret' >"$T/secret.txt"
ln -s "$T/secret.txt" "$APP/public/escape.txt"
ln -s "$T" "$APP/public/up"

PORT=$(free_port)
URL=http://127.0.0.1:$PORT
LOG=$T/dev.out
spawn_group "$LOG" "$JSFPM" dev "$APP" --port "$PORT"
wait_log "ready:"

say "files with their types; a folder's index.html; the rest goes to the app"
assert_eq "<h1>home</h1>" "$(curl -sS --max-time 10 -D "$T/h" "$URL/")" "/"
assert_match "$(cat "$T/h")" "^Content-Type: text/html; charset=utf-8" "type of /"
assert_eq "body { margin: 0 }" "$(curl -sS --max-time 10 -D "$T/h" "$URL/css/site.css")" "a stylesheet"
assert_match "$(cat "$T/h")" "^Content-Type: text/css" "its type"
curl -sS --max-time 10 -D "$T/h" -o "$T/got.bin" "$URL/docs/blob.bin"
cmp "$T/got.bin" "$APP/public/docs/blob.bin" || fail "binary file differs"
assert_match "$(cat "$T/h")" "^Content-Type: application/octet-stream" "type of an unknown extension"
assert_eq "app GET /notes/1" "$(curl -sS --max-time 10 "$URL/notes/1")" "a path with no file"
assert_eq "app POST /css/site.css" "$(curl -sS --max-time 10 -X POST "$URL/css/site.css")" "POST goes to the app"
assert_eq "app GET /docs" "$(curl -sS --max-time 10 "$URL/docs")" "a folder without index.html"

assert_eq "the report" "$(curl -sS --max-time 10 -D "$T/h" "$URL/download")" "a file from DIR/protected/"
assert_match "$(cat "$T/h")" '^Content-Disposition: attachment; filename="report.txt"' "sent as a download"
assert_eq "app GET /protected/report.txt" "$(curl -sS --max-time 10 "$URL/protected/report.txt")" \
  "DIR/protected/ is not served to clients directly"

say "ETag and If-None-Match"
ETAG=$(curl -sS --max-time 10 -D - -o /dev/null "$URL/digits.txt" | tr -d '\r' | sed -n 's/^ETag: //Ip')
[ -n "$ETAG" ] || fail "no ETag"
assert_eq 304 "$(http_status -H "If-None-Match: $ETAG" "$URL/digits.txt")" "same ETag"
assert_eq 200 "$(http_status -H 'If-None-Match: "other"' "$URL/digits.txt")" "another ETag"
printf '0123456789!' >"$APP/public/digits.txt"
wait_until "[ \"\$(curl -s -o /dev/null -w '%{http_code}' -H 'If-None-Match: $ETAG' $URL/digits.txt)\" = 200 ]" 10 ||
  fail "a changed file still matched its old ETag"
ok "a changed file has a new ETag"

say "ranges"
assert_eq "234" "$(curl -sS --max-time 10 -D "$T/h" -H 'Range: bytes=2-4' "$URL/digits.txt")" "bytes=2-4"
assert_match "$(cat "$T/h")" "^HTTP/1.1 206" "status"
assert_match "$(cat "$T/h")" "^Content-Range: bytes 2-4/11" "Content-Range"
assert_eq "89!" "$(curl -sS --max-time 10 -H 'Range: bytes=-3' "$URL/digits.txt")" "bytes=-3"
assert_eq "9!" "$(curl -sS --max-time 10 -H 'Range: bytes=9-' "$URL/digits.txt")" "bytes=9-"
assert_eq 416 "$(http_status -H 'Range: bytes=50-60' "$URL/digits.txt")" "beyond the end"

say "traversal is refused"
for p in "/../secret.txt" "/css/../../secret.txt" "/%2e%2e/secret.txt" "/css/%2E%2E/%2e%2e/secret.txt"; do
  BODY=$(curl -sS --max-time 10 --path-as-is -D "$T/h" "$URL$p")
  assert_not_contains "$BODY" "top secret" "answer to $p"
  assert_match "$(cat "$T/h")" "^HTTP/1.1 (400|403|404)" "status for $p"
done
assert_not_contains "$(curl -sS --max-time 10 "$URL/escape.txt")" "top secret" "a symbolic link out of public/"
assert_not_contains "$(curl -sS --max-time 10 "$URL/up/secret.txt")" "top secret" "a linked folder out of public/"
