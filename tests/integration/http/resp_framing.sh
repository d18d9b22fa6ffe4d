#!/bin/bash
# resp_framing.sh: the server alone frames responses.  An app that sets
# Content-Length (wrong or right), Transfer-Encoding, Connection,
# Keep-Alive, Upgrade, Proxy-Connection, TE, Status or X-Request-Id gets a
# warning with the request id in the log, and the field is dropped: at the
# HTTP door two requests on one keep-alive connection both come back framed
# right (resp_framing.py); at the FastCGI door the reply holds each of
# Status, Content-Length and X-Request-Id once; through real nginx every
# request is answered 200 "abc", with no 502 and no duplicate field.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../nginx_lib.sh"
require_nginx

mkdir -p "$T/app"
cat >"$T/app/main.js" <<'JS'
module.exports = {
  fetch: function (req) {
    var h = new Headers();
    if (req.query.h) h.append(req.query.h, req.query.v);
    return new Response('abc', { headers: h });
  }
};
JS
start_server server.workers=1 app.root="$T/app"

say "HTTP door: two requests per keep-alive connection"
"$PYTHON" "$TOP_SRCDIR/tests/integration/http/resp_framing.py" "$HTTP_ADDR" "$LOG" || fail "a case failed (above)"

# The fields as in resp_framing.py, URL-encoded.
FIELDS="Content-Length=0 Content-Length=100 Transfer-Encoding=chunked Connection=close Keep-Alive=timeout%3D1
  Upgrade=websocket Proxy-Connection=close TE=trailers Status=404 X-Request-Id=evil"

say "FastCGI door: each field the server owns appears once"
for f in $FIELDS; do
  fcgi --uri "/?h=${f%%=*}&v=${f#*=}" >"$T/fcgi.out" || fail "FastCGI request for $f failed"
  head=$(tr -d '\r' <"$T/fcgi.out" | sed '/^$/q')
  for n in Status Content-Length X-Request-Id; do
    count=$(grep -ci "^$n:" <<<"$head" || true)
    [ "$count" = 1 ] || fail "$f: $count '$n' fields in the FastCGI reply:
$head"
  done
  for n in Transfer-Encoding Connection Keep-Alive Upgrade Proxy-Connection TE; do
    ! grep -qi "^$n:" <<<"$head" || fail "$f: the app's $n reached the FastCGI reply:
$head"
  done
  grep -q '^Status: 200' <<<"$head" || fail "$f: not Status 200:
$head"
  grep -qi '^X-Request-Id: evil' <<<"$head" && fail "$f: the app's X-Request-Id in the reply"
  [ "$(tr -d '\r' <"$T/fcgi.out" | sed '1,/^$/d' | head -c 3)" = abc ] || fail "$f: body is not abc"
done
ok "Status, Content-Length and X-Request-Id once each, the others absent, body abc"

say "through nginx (upstream keepalive): 200 abc each time, no 502, no duplicate field"
start_nginx_front
for round in 1 2; do
  for f in $FIELDS; do
    code=$(curl -sS -D "$T/h" -o "$T/b" -w '%{http_code}' --max-time 10 "$URL/?h=${f%%=*}&v=${f#*=}") ||
      fail "curl $f through nginx failed"
    [ "$code" = 200 ] || fail "$f through nginx: status $code; nginx said: $(tail -n 3 "$NGX/logs/error.log")"
    [ "$(cat "$T/b")" = abc ] || fail "$f through nginx: body '$(head -c 200 "$T/b")'"
    dups=$(tr -d '\r' <"$T/h" | sed -n 's/^\([^:]*\):.*/\1/p' | tr 'A-Z' 'a-z' | sort | uniq -d)
    [ -z "$dups" ] || fail "$f through nginx: duplicate fields: $dups"
  done
done
ok "$(( 2 * $(wc -w <<<"$FIELDS") )) requests: 200 abc, no duplicate field"
if grep -E 'upstream sent|\[(error|crit|alert|emerg)\]' "$NGX/logs/error.log" >&2; then
  fail "nginx logged errors (above)"
fi
ok "no errors in nginx's error log"
