#!/bin/bash
# Files through nginx (issue 21): Response.sendFile answers with
# X-Accel-Redirect; a real nginx with the packaged snippet
# (etc/nginx/jsfpm.conf, its internal /protected/ location) sends the file,
# and the HTTP door does the same from http_accel_dir.  Traversal by the
# app's URI ("..", "%2e%2e", a symbolic link out of the folder) is refused,
# and clients cannot ask for /protected/ themselves.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../nginx_lib.sh"
require_nginx

APP=$T/app FILES=$T/files
mkdir -p "$APP" "$FILES/sub"
printf 'id,total\n42,99.50\n' >"$FILES/report one.csv"
printf 'plain text\n' >"$FILES/sub/a.txt"
echo 'top secret' >"$T/secret.txt"
ln -s "$T/secret.txt" "$FILES/link.txt"
cat >"$APP/main.js" <<'JS'
module.exports = { fetch: function (req) {
  if (req.path === '/report') {
    return Response.sendFile('/protected/report one.csv',
      { type: 'text/csv', filename: 'Rapport é.csv', headers: { 'Cache-Control': 'private' } });
  }
  if (req.path === '/plain') return Response.sendFile('/protected/sub/a.txt');
  if (req.path === '/inline') return Response.sendFile('/protected/sub/a.txt', { inline: true });
  if (req.path === '/raw') return new Response(null, { headers: { 'X-Accel-Redirect': req.query.u } });
  if (req.path === '/bad') {
    try { Response.sendFile('/protected/../secret.txt'); } catch (e) { return new Response(e.name + ': ' + e.message); }
  }
  return new Response('app ' + req.path + '\n');
} };
JS
start_server server.workers=1 app.root="$APP" server.http_accel_dir="$FILES"

# check_files URL WHAT: the answers that are the same through both fronts.
check_files() {
  local url=$1 what=$2 h
  say "$what: a download the app authorized"
  assert_eq "$(cat "$FILES/report one.csv")" "$(curl -sS --max-time 10 -D "$T/h" "$url/report")" "the file"
  h=$(tr -d '\r' <"$T/h")
  assert_match "$h" '^HTTP/1\.1 200 ' "status"
  assert_match "$h" '^Content-Type: text/csv$' "the app's type"
  assert_match "$h" "^Content-Disposition: attachment; filename=\"Rapport _.csv\"; filename\\*=UTF-8''Rapport%20%C3%A9\\.csv$" "the name to save it as"
  assert_match "$h" '^Cache-Control: private$' "the app's Cache-Control"
  assert_match "$h" '^Content-Length: 18$' "its length"
  assert_not_contains "$h" "X-Accel-Redirect" "the header does not reach the client"
  assert_eq "id,t" "$(curl -sS --max-time 10 -H 'Range: bytes=0-3' "$url/report")" "a range of it"
  assert_eq "plain text" "$(curl -sS --max-time 10 -D "$T/h" "$url/plain")" "a file in a subfolder"
  assert_match "$(tr -d '\r' <"$T/h")" '^Content-Type: text/plain' "its type from its name"
  curl -sS --max-time 10 -o /dev/null -D "$T/h" "$url/inline"
  assert_match "$(tr -d '\r' <"$T/h")" '^Content-Disposition: inline$' "inline"
  assert_eq 'TypeError: Response.sendFile: "/protected/../secret.txt" is not an absolute path without "." or ".." segments and control characters' \
    "$(curl -sS --max-time 10 "$url/bad")" "sendFile refuses '..'"

  say "$what: what is not there, and traversal"
  assert_eq 404 "$(http_status "$url/raw?u=/protected/nothing.txt")" "a missing file"
  local u body
  for u in "/protected/../secret.txt" "/protected/sub/../../secret.txt" "/protected/%2e%2e/secret.txt"; do
    body=$(curl -sS --max-time 10 -w ' %{http_code}' "$url/raw?u=$(urlencode "$u")")
    assert_not_contains "$body" "top secret" "answer to X-Accel-Redirect $u"
    assert_match "$body" ' 40[34]$' "status for $u"
  done
  assert_not_contains "$(curl -sS --max-time 10 "$url/protected/sub/a.txt")" "plain text" \
    "a client asking for /protected/ itself"
}
urlencode() { "$PYTHON" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

# The packaged snippet, with this test's socket, fastcgi_params and folder.
NGINX_LOCATIONS=$(sed -e "s|unix:/run/jsfpm/jsfpm.sock|unix:$FCGI_SOCK|" \
  -e "s|include fastcgi_params;|include $FASTCGI_PARAMS;|" -e "s|alias /srv/app/files/;|alias $FILES/;|" \
  "$TOP_SRCDIR/etc/nginx/jsfpm.conf")
grep -q "alias $FILES/;" <<<"$NGINX_LOCATIONS" || fail "no internal location in etc/nginx/jsfpm.conf"
[ -r /etc/nginx/mime.types ] || skip "/etc/nginx/mime.types missing (install nginx-common)"
export NGINX_LOCATIONS="    include /etc/nginx/mime.types;
$NGINX_LOCATIONS"
start_nginx_front
check_files "$URL" "nginx"

check_files "$HTTP_URL" "HTTP door"
say "HTTP door: the reasons"
assert_eq "Forbidden: an X-Accel-Redirect path with '..' is refused" \
  "$(curl -sS --max-time 10 "$HTTP_URL/raw?u=/protected/sub/../../secret.txt")" "'..'"
assert_eq "Forbidden: X-Accel-Redirect /protected/link.txt leads out of http_accel_dir" \
  "$(curl -sS --max-time 10 "$HTTP_URL/raw?u=/protected/link.txt")" "a symbolic link out of the folder"
assert_eq "Not Found: X-Accel-Redirect /elsewhere/a.txt is not under http_accel_prefix /protected/" \
  "$(curl -sS --max-time 10 "$HTTP_URL/raw?u=/elsewhere/a.txt")" "outside the prefix"
assert_eq "Not Found: X-Accel-Redirect /protected/nothing.txt: no such file in http_accel_dir" \
  "$(curl -sS --max-time 10 "$HTTP_URL/raw?u=/protected/nothing.txt")" "a missing file"
assert_eq "app /protected/sub/a.txt" "$(curl -sS --max-time 10 "$HTTP_URL/protected/sub/a.txt")" \
  "/protected/ asked for by a client goes to the app"
assert_eq 200 "$(http_status -I "$HTTP_URL/report")" "HEAD"
assert_eq "" "$(nginx_errors | grep -v -e 'failed (2: No such file' -e 'unsafe URI' || true)" "nginx errors"
