#!/bin/bash
# http_strict.sh: the HTTP door parses requests as RFC 9112 says, so that no
# request can be read two ways (request smuggling): duplicate or malformed
# Content-Length, unknown or misplaced Transfer-Encoding, both together,
# bad header names, obs-fold, bare LF and CR, two Host headers, and
# absolute-form targets (whose authority becomes the host).  Each refused
# request gets a 400 (501, 505 or 413 where RFC 9110 says so) and the
# connection is closed, so a request hidden behind it is never served; each
# accepted one is answered and the connection serves the next.  The table of
# cases lives in http_strict.py.
. "$(dirname "$0")/../lib.sh"

mkdir -p "$T/app"
cat >"$T/app/main.js" <<'JS'
module.exports = {
  fetch: function (req) {
    if (req.path === '/smuggled') return new Response('smuggled', { status: 299 });
    var body = req.text();
    return Response.json({ method: req.method, url: req.url, path: req.path, query: req.query,
                           host: req.headers.get('host'), len: req.bytes().length, body: body });
  }
};
JS
start_server server.workers=1 app.root="$T/app"

"$PYTHON" "$TOP_SRCDIR/tests/integration/http/http_strict.py" "$HTTP_ADDR" || fail "a case failed (above)"

say "the refusals are in the log, with the reason"
wait_log "HTTP door: 400 for 127.0.0.1: two Host fields"
if grep -Eq 'Sanitizer|runtime error|killed by signal' "$LOG" "$T/server.out"; then
  fail "the log reports a crash"
fi
ok "no crash in the log"
