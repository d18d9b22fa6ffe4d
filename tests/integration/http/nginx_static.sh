#!/bin/bash
# Production static files: the try_files block of docs/deploy.md ("Static
# files"), in a real nginx, serves the app's public/ folder as jsfpm dev
# does (the same URLs; everything else reaches the app), and refuses
# traversal.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../nginx_lib.sh"
require_nginx

APP=$T/app
mkdir -p "$APP/public/css"
cat >"$APP/main.js" <<'JS'
module.exports = { fetch: function (req) { return new Response('app ' + req.path + '\n'); } };
JS
echo '<h1>home</h1>' >"$APP/public/index.html"
printf 'body { margin: 0 }\n' >"$APP/public/css/site.css"
echo 'top secret' >"$T/secret.txt"
start_server server.workers=1 server.http_listen= app.root="$APP"

# The documented block, with this test's paths.
NGINX_LOCATIONS=$("$PYTHON" - "$TOP_SRCDIR/docs/deploy.md" "$APP/public" "$FCGI_SOCK" "$FASTCGI_PARAMS" <<'PY'
import re, sys
doc = open(sys.argv[1], encoding="utf-8").read()
section = doc[doc.index("### Static files"):]
block = re.search(r"```nginx\n(.*?)```", section, re.S).group(1)
assert "try_files" in block, block
block = block.replace("/srv/app/public", sys.argv[2]).replace("unix:/run/jsfpm/jsfpm.sock", "unix:" + sys.argv[3])
print(block.replace("include fastcgi_params;", "include " + sys.argv[4] + ";"))
PY
) || fail "no try_files block in docs/deploy.md"
# Debian's /etc/nginx/nginx.conf includes mime.types in http {}; the test's own config does not.
[ -r /etc/nginx/mime.types ] || skip "/etc/nginx/mime.types missing (install nginx-common)"
NGINX_LOCATIONS="    include /etc/nginx/mime.types;
$NGINX_LOCATIONS"
export NGINX_LOCATIONS
start_nginx_front

say "files from public/ by nginx, the rest from the app"
assert_eq "<h1>home</h1>" "$(curl -sS --max-time 10 "$URL/")" "/ (public/index.html)"
assert_eq "body { margin: 0 }" "$(curl -sS --max-time 10 -D "$T/h" "$URL/css/site.css")" "a stylesheet"
assert_match "$(tr -d '\r' <"$T/h")" "^Content-Type: text/css" "its type"
assert_match "$(tr -d '\r' <"$T/h")" "^ETag: " "an ETag"
assert_eq "ody" "$(curl -sS --max-time 10 -H 'Range: bytes=1-3' "$URL/css/site.css")" "a range"
assert_eq "app /notes/1" "$(curl -sS --max-time 10 "$URL/notes/1")" "a path with no file goes to the app"

say "traversal is refused"
for p in "/../secret.txt" "/css/../../secret.txt" "/%2e%2e/secret.txt"; do
  assert_not_contains "$(curl -sS --max-time 10 --path-as-is "$URL$p")" "top secret" "answer to $p"
done
assert_eq "" "$(nginx_errors | grep -v 'failed (2: No such file' || true)" "nginx errors"
