#!/bin/bash
# stream.sh: streamed responses (a Response whose body is a generator, an
# async generator or an iterator), at the HTTP door (chunked; HTTP/1.0:
# until the close) and through real nginx (FastCGI records as produced):
# the body arrives whole; a generator that throws mid-stream aborts the
# response (no last chunk; nginx cuts its answer short) and is logged with
# the request id, one that throws before its first piece gets a 500; a
# client that stops reading holds the stream only until the request's
# deadline, after which the generator is stopped (its finally runs) and
# the worker serves the next request.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../nginx_lib.sh"
require_nginx

mkdir -p "$T/app"
cat >"$T/app/main.js" <<'JS'
let stopped = 0;

function* lines(n, per = 1) {
  for (let i = 1; i <= n; i += per) {
    let piece = '';
    for (let j = i; j < i + per && j <= n; j++) piece += 'line ' + String(j).padStart(6, '0') + '\n';
    yield piece;
  }
}

async function* mixed() {
  yield 'text, ';
  await new Promise((resolve) => setTimeout(resolve, 5));
  yield new TextEncoder().encode('bytes, ');
  yield '';
  yield new Uint8Array([0x65, 0x6e, 0x64, 0x0a]);
}

function* failing(after) {
  yield* lines(after);
  throw new Error('boom after ' + after + ' pieces');
}

function* endless() {
  const piece = new Uint8Array(64 * 1024).fill(0x78);
  try {
    for (;;) yield piece;
  } finally {
    stopped++;
  }
}

export default {
  fetch(req) {
    const n = Number(req.query.n || 10);
    switch (req.path) {
      case '/lines': return new Response(lines(n, Number(req.query.per || 1)), { headers: { 'Content-Type': 'text/plain' } });
      case '/mixed': return new Response(mixed());
      case '/throw': return new Response(failing(n));
      case '/endless':
        /* nobuf: nginx passes the pieces on at the client's pace (no temporary file) */
        return new Response(endless(), { headers: req.query.nobuf ? { 'X-Accel-Buffering': 'no' } : {} });
      case '/stopped': return new Response(stopped + '\n');
      case '/readable': {
        let i = 0;
        return new Response(new ReadableStream({
          start(controller) { controller.enqueue('start\n'); },
          async pull(controller) {
            await null;
            if (++i > 3) controller.close();
            else controller.enqueue(new TextEncoder().encode('piece ' + i + '\n'));
          },
        }));
      }
      case '/readable-from': return new Response(ReadableStream.from(lines(n)));
      case '/readable-error': {
        let pulls = 0;
        return new Response(new ReadableStream({
          pull(controller) {
            if (pulls++ === 0) controller.enqueue('a\n');
            else controller.error(new Error('the source broke'));
          },
        }));
      }
      default: return new Response('hello\n');
    }
  },
};
JS
start_server server.workers=1 app.root="$T/app" app.request_timeout=3s
start_nginx_front
expected_lines() { awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++) printf "line %06d\n", i }'; }

say "HTTP door: a generator's pieces as chunks"
expected_lines 3000 >"$T/lines.expected"
curl -sS --max-time 10 -D "$T/h1" -o "$T/lines.got" "$HTTP_URL/lines?n=3000" || fail "curl failed"
head1=$(tr -d '\r' <"$T/h1")
assert_match "$head1" '^Transfer-Encoding: chunked$' "head"
assert_not_contains "$head1" 'Content-Length' "head"
assert_match "$head1" '^X-Request-Id: ' "head"
cmp -s "$T/lines.expected" "$T/lines.got" || fail "the body differs from the 3000 lines"
ok "3000 lines, byte for byte"
raw=$(curl -sS --max-time 10 --raw "$HTTP_URL/mixed" | od -An -c | tr -s ' \n' ' ')
assert_match "$raw" '^ 6 \\r \\n t e x t , +\\r \\n 7 \\r \\n b y t e s , +\\r \\n 4 \\r \\n e n d \\n \\r \\n 0 \\r \\n \\r \\n $' \
  "async generator: strings and bytes, no empty chunk, the last chunk"

say "ReadableStream bodies (start, async pull, close; ReadableStream.from)"
assert_eq "$(printf 'start\npiece 1\npiece 2\npiece 3')" "$(curl -sS --max-time 10 "$HTTP_URL/readable")" "HTTP door"
assert_eq "$(printf 'start\npiece 1\npiece 2\npiece 3')" "$(curl -sS --max-time 10 "$URL/readable")" "through nginx"
assert_eq "$(expected_lines 5)" "$(curl -sS --max-time 10 "$URL/readable-from?n=5")" "ReadableStream.from(generator)"
rc=0
curl -sS --max-time 10 -o "$T/rs-error.got" "$HTTP_URL/readable-error" 2>/dev/null || rc=$?
assert_eq "18 a" "$rc $(cat "$T/rs-error.got")" "controller.error() mid-stream: cut after the first piece"
wait_log_re "GET /readable-error: streamed response aborted: uncaught .*Error: the source broke"

say "HTTP door: HTTP/1.0 gets the body until the close"
curl -sS -0 --max-time 10 -D "$T/h2" -o "$T/lines10.got" "$HTTP_URL/lines?n=50" || fail "curl -0 failed"
head2=$(tr -d '\r' <"$T/h2")
assert_match "$head2" '^Connection: close$' "HTTP/1.0 head"
assert_not_contains "$head2" 'Transfer-Encoding' "HTTP/1.0 head"
cmp -s <(expected_lines 50) "$T/lines10.got" || fail "HTTP/1.0 body differs"
ok "HTTP/1.0 body whole"
assert_match "$(curl -sS -I --max-time 10 "$HTTP_URL/lines" | tr -d '\r')" '^HTTP/1\.1 200 ' "HEAD"

say "through nginx: the same bodies"
expected_lines 20000 >"$T/big.expected"
curl -sS --max-time 20 -o "$T/big.got" "$URL/lines?n=20000&per=100" || fail "curl through nginx failed"
cmp -s "$T/big.expected" "$T/big.got" || fail "the body through nginx differs from the 20000 lines"
ok "20000 lines (240 KB, in 200 pieces) through nginx, byte for byte"
assert_eq "text, bytes, end" "$(curl -sS --max-time 10 "$URL/mixed")" "async generator through nginx"

say "a generator that throws mid-stream: the response is cut, logged with its id"
rc=0
curl -sS --max-time 10 --raw -D "$T/h3" -o "$T/throw.got" "$HTTP_URL/throw?n=3" 2>/dev/null || rc=$?
assert_eq 18 "$rc" "curl's exit status at the HTTP door (18: transfer closed with data outstanding)"
assert_contains "$(cat "$T/throw.got")" "line 000003" "the pieces before the throw"
assert_not_contains "$(od -An -c "$T/throw.got" | tr -s ' \n' ' ')" '0 \r \n \r \n' "no last chunk"
id=$(tr -d '\r' <"$T/h3" | sed -n 's/^X-Request-Id: //p')
wait_log_re "\[$id\] GET /throw\?n=3: streamed response aborted: uncaught .*Error: boom after 3 pieces"
rc=0
curl -sS --max-time 10 -o "$T/throw2.got" "$URL/throw?n=200" 2>/dev/null || rc=$?
[ "$rc" != 0 ] || fail "curl through nginx took a cut stream for a whole one"
ok "through nginx: curl exit status $rc, the body cut short ($(wc -c <"$T/throw2.got") bytes)"
wait_log_re "GET /throw\?n=200: streamed response aborted: uncaught .*Error: boom after 200 pieces"
wait_until "grep -q 'upstream prematurely closed' '$NGX/logs/error.log'" 5 || fail "nginx did not see the abort"
ok "nginx: upstream prematurely closed"
assert_eq "hello" "$(curl -sS --max-time 10 "$URL/")" "the next request through nginx"
rc=0
status=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$HTTP_URL/throw?n=0") || rc=$?
assert_eq "0 500" "$rc $status" "a throw before the first piece: a 500"

# stalled_client HOST:PORT PATH: a client that asks for PATH and then reads
# nothing for 10 s, in the background ($reader; killed on exit).
stalled_client() {
  "$PYTHON" - "$1" "$2" <<'PY' &
import socket, sys, time
host, port = sys.argv[1].rsplit(':', 1)
s = socket.create_connection((host, int(port)))
s.sendall(b'GET ' + sys.argv[2].encode() + b' HTTP/1.1\r\nHost: t\r\n\r\n')
time.sleep(10)  # reads nothing
PY
  reader=$!
  on_exit "kill $reader 2>/dev/null"
}

say "a client that stops reading: the stream ends at the deadline, the worker serves on"
worker=$(worker_pids)
stalled_client "$HTTP_ADDR" /endless
wait_until "tr '\\0' ' ' </proc/$worker/cmdline | grep -q 'GET /endless'" 10 || fail "the worker never ran /endless"
t0=$(now_ms)
assert_eq "hello" "$(curl -sS --max-time 15 "$HTTP_URL/")" "a second client, served once the stream gave up"
ok "after $(( $(now_ms) - t0 )) ms"
# Where the deadline finds the request: waiting for room (the client's
# socket buffers full), or in the generator when a trickle of room let
# the last piece out just before it.
wait_log_re "streamed response aborted after [0-9]+ bytes: (the request's time limit passed with the client not reading|the app's stream failed)"
grep -qE "\] GET /endless: streamed response aborted: execution time limit|time limit passed with the client" "$LOG" ||
  fail "the stream did not end at the request's deadline"
sent=$(sed -n 's/.*streamed response aborted after \([0-9]*\) bytes.*/\1/p' "$LOG" | tail -1)
[ "$sent" -lt $((64 * 1024 * 1024)) ] || fail "$sent bytes went out to a client that read nothing"
ok "the stream stopped after $sent bytes (back-pressure: the generator never ran ahead of the socket)"
assert_eq "$worker" "$(worker_pids)" "the same worker serves on"
kill "$reader" 2>/dev/null || true

say "through nginx (X-Accel-Buffering: no), a client that stops reading: the same"
aborted_at_deadline() { grep -cE "streamed response aborted after [0-9]+ bytes: (the request's time limit passed|the app's stream failed)" "$LOG" || true; }
before=$(aborted_at_deadline)
stalled_client "127.0.0.1:$NGINX_PORT" "/endless?nobuf=1"
wait_until "tr '\\0' ' ' </proc/$worker/cmdline | grep -q 'GET /endless?nobuf=1'" 10 || fail "the worker never ran /endless?nobuf=1"
assert_eq "hello" "$(curl -sS --max-time 15 "$URL/")" "a second client through nginx, served once the stream gave up"
[ "$(aborted_at_deadline)" -gt "$before" ] || fail "the stream through nginx did not end at the request's deadline"
sent=$(sed -n 's/.*streamed response aborted after \([0-9]*\) bytes.*/\1/p' "$LOG" | tail -1)
[ "$sent" -lt $((64 * 1024 * 1024)) ] || fail "$sent bytes went out through nginx to a client that read nothing"
ok "the stream through nginx stopped at the deadline after $sent bytes"
assert_eq "$worker" "$(worker_pids)" "the same worker serves on"
kill "$reader" 2>/dev/null || true

say "a client that goes away mid-stream: the generator is stopped (its finally runs)"
# (Stopped at the deadline above, it ran no more JavaScript: no finally.)
stopped=$(curl -sS --max-time 10 "$HTTP_URL/stopped")
"$PYTHON" - "$HTTP_ADDR" <<'PY' || fail "the client could not read the start of the stream"
import socket, sys
host, port = sys.argv[1].rsplit(':', 1)
s = socket.create_connection((host, int(port)))
s.sendall(b'GET /endless HTTP/1.1\r\nHost: t\r\n\r\n')
got = 0
while got < 200000:
    data = s.recv(65536)
    if not data:
        sys.exit(1)
    got += len(data)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b'\x01\x00\x00\x00\x00\x00\x00\x00')
s.close()  # a reset: the worker's next write fails
PY
wait_log_re "streamed response aborted after [0-9]+ bytes: (Connection reset by peer|Broken pipe)"
assert_eq "$((stopped + 1))" "$(curl -sS --max-time 10 "$HTTP_URL/stopped")" "the generator's finally ran once more"
