#!/bin/bash
# Big request bodies (issue 21): request.body is a ReadableStream of pieces
# that jsfpm/hash hashes without the whole upload in the heap (3 MiB under
# memory_limit = 4m, where reading it whole fails; through the HTTP door
# and through a real nginx with the packaged snippet), the body
# stays readable whole (text(), bytes()), a Request kept past its request
# cannot read the next one's body, and a body over max_body_size is refused
# with 413 as soon as its declared length or the running total passes the
# limit, sent slowly (and never finished), on both doors and through
# nginx.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../nginx_lib.sh"
require_nginx

APP=$T/app
mkdir -p "$APP"
cat >"$APP/main.js" <<'JS'
import { createHash } from 'jsfpm/hash';

let kept = null;
export default {
  async fetch(req) {
    if (req.path === '/hash') {
      const h = createHash('sha256');
      let bytes = 0, pieces = 0, largest = 0;
      for await (const chunk of req.body) {
        h.update(chunk);
        bytes += chunk.length;
        pieces++;
        largest = Math.max(largest, chunk.length);
      }
      return Response.json({ sha256: h.digest('hex'), bytes, pieces, largest, used: req.bodyUsed });
    }
    if (req.path === '/reader') {
      const reader = req.body.getReader(), h = createHash('sha256');
      for (let r = await reader.read(); !r.done; r = await reader.read()) h.update(r.value);
      return new Response(h.digest('hex') + '\n');
    }
    if (req.path === '/whole') return new Response(String((await req.bytes()).length) + ' ' + (await req.text()).length + '\n');
    if (req.path === '/keep') {
      kept = req;
      return new Response('kept\n');
    }
    if (req.path === '/stale') {
      try {
        await kept.text();
        return new Response('read a finished request\'s body\n');
      } catch (e) {
        return new Response(e.name + ': ' + e.message + '\n');
      }
    }
    return new Response('no body\n');
  }
};
JS
head -c 3145728 /dev/urandom >"$T/upload.bin"
want=$(sha256sum "$T/upload.bin" | cut -d' ' -f1)
head -c 65536 /dev/zero | tr '\0' a >"$T/small.txt"
start_server server.workers=1 server.max_body_size=4m app.root="$APP" app.memory_limit=4m

# check_uploads URL WHAT: big uploads read in pieces.
check_uploads() {
  local url=$1 what=$2 body
  say "$what: a 3 MiB upload hashed in pieces"
  body=$(curl -sS --max-time 20 --data-binary @"$T/upload.bin" "$url/hash")
  assert_contains "$body" "\"sha256\":\"$want\"" "the hash of the pieces"
  assert_contains "$body" '"bytes":3145728,"pieces":48,"largest":65536,"used":true' "48 pieces of 64 KiB"
  assert_eq "$want" "$(curl -sS --max-time 20 --data-binary @"$T/upload.bin" "$url/reader")" "through getReader()"
  body=$(curl -sS --max-time 20 -H 'Transfer-Encoding: chunked' --data-binary @"$T/upload.bin" "$url/hash")
  assert_contains "$body" "\"sha256\":\"$want\"" "a chunked upload"
  assert_eq "65536 65536" "$(curl -sS --max-time 20 --data-binary @"$T/small.txt" "$url/whole")" \
    "bytes() and text() still read a body whole"
  # memory_limit = 4m: 3 MiB in pieces fit in the heap, whole (bytes and text) they do not.
  assert_eq "500 Internal Server Error: memory limit" \
    "$(curl -sS --max-time 20 -w '%{http_code} ' -o "$T/out" --data-binary @"$T/upload.bin" "$url/whole")$(cat "$T/out")" \
    "the same upload read whole, under memory_limit 4m"
  assert_eq "no body" "$(curl -sS --max-time 20 "$url/")" "a GET"

  say "$what: a body over max_body_size (4m)"
  assert_eq 413 "$(head -c 5242880 /dev/zero | curl -sS -o /dev/null -w '%{http_code}' --max-time 20 \
    --data-binary @- "$url/hash")" "declared 5 MiB"
  assert_eq 413 "$(head -c 5242880 /dev/zero | curl -sS -o /dev/null -w '%{http_code}' --max-time 20 \
    -H 'Transfer-Encoding: chunked' --data-binary @- "$url/hash")" "chunked 5 MiB"
}

say "a Request kept past its request"
assert_eq "kept" "$(curl -sS --max-time 10 --data-binary 'first body' "$HTTP_URL/keep")" "kept"
assert_eq "TypeError: the request body can only be read during its request" \
  "$(curl -sS --max-time 10 --data-binary 'second body' "$HTTP_URL/stale")" "its body is gone"

check_uploads "$HTTP_URL" "HTTP door"

# The packaged snippet, with this test's socket and fastcgi_params, and
# nginx's limit at jsfpm's max_body_size of this test.
NGINX_LOCATIONS=$(sed -e "s|unix:/run/jsfpm/jsfpm.sock|unix:$FCGI_SOCK|" \
  -e "s|include fastcgi_params;|include $FASTCGI_PARAMS;|" -e "s|client_max_body_size 8m;|client_max_body_size 4m;|" \
  "$TOP_SRCDIR/etc/nginx/jsfpm.conf")
grep -q "client_max_body_size 4m;" <<<"$NGINX_LOCATIONS" || fail "no client_max_body_size in etc/nginx/jsfpm.conf"
export NGINX_LOCATIONS
start_nginx_front
check_uploads "$URL" "nginx"

say "413 as soon as the declared length or the running total passes the limit, sent slowly"
slow() { "$PYTHON" "$TOP_SRCDIR/tests/integration/http/upload_slow.py" "$@"; }
# Never the whole body: 4.25 MiB at most, in 256 KiB pieces 20 ms apart.
# declared_413 WHAT DOOR WHERE: the head alone gets the 413.
declared_413() {
  assert_eq "413 0" "$(slow "$2" "$3" declared 6291456 0 262144)" "$1: 413 with no body sent"
}
# running_413 WHAT DOOR WHERE MODE: 413 once more than 4 MiB were sent.
running_413() {
  local out
  out=$(slow "$2" "$3" "$4" - 4456448 262144)
  assert_match "$out" '^413 [0-9]+$' "$1: 413 before the end of the body (status, bytes sent)"
  [ "${out#413 }" -gt 4194304 ] || fail "$1: 413 after ${out#413 } bytes, before the limit was passed"
}
declared_413 "HTTP door, Content-Length: 6 MiB" http "$HTTP_ADDR"
running_413 "HTTP door, chunked" http "$HTTP_ADDR" chunked
declared_413 "FastCGI door, CONTENT_LENGTH 6 MiB" fcgi "$FCGI_SOCK"
running_413 "FastCGI door, no CONTENT_LENGTH" fcgi "$FCGI_SOCK" stream
declared_413 "nginx, Content-Length: 6 MiB" http "127.0.0.1:$NGINX_PORT"
running_413 "nginx, chunked" http "127.0.0.1:$NGINX_PORT" chunked
assert_contains "$(cat "$LOG")" "FastCGI door: 413 for request 1: a body larger than max_body_size" "the door logs it"
assert_eq "no body" "$(curl -sS --max-time 10 "$HTTP_URL/")" "the worker still serves"
