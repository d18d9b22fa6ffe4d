#!/bin/bash
# js_api.sh: the handler API through real requests (issue 4, item 1 and the
# jsfpm/router part of item 2): Request fields, Response bodies, statuses and
# headers, Response.json/redirect, the clear 500s for a broken Response, the
# 400 for bad JSON, X-Request-Id, and the router (params, * tail, 404, 405
# with Allow, HEAD -> GET, middleware).  Errors: generic 500 + file:line in
# the log; the stack in the body with dev = yes.
. "$(dirname "$0")/js_lib.sh"

mkdir -p "$T/app"
cat >"$T/app/main.js" <<'JS'
var Router = require('jsfpm/router');
var app = new Router();

/* Middleware: short-circuits /blocked, decorates every other response. */
app.use(function (req, ctx, next) {
  if (req.path === '/blocked') return new Response('blocked by middleware', { status: 403 });
  var res = next();
  if (res instanceof Response) res.headers.set('X-Middleware', 'seen ' + req.method);
  return res;
});

app.get('/req', function (req, ctx) {
  var names = [];
  req.headers.forEach(function (v, k) { names.push(k); });
  return Response.json({
    method: req.method, url: req.url, path: req.path, query: req.query,
    queryString: req.queryString,
    upper: req.headers.get('X-TEST-HEADER'), lower: req.headers.get('x-test-header'),
    has: req.headers.has('X-Test-Header'), hasNot: req.headers.has('x-absent'),
    absent: req.headers.get('x-absent'), names: names,
    entries: (function () { // entries() is an iterator
      var out = [], it = req.headers.entries(), step;
      while (!(step = it.next()).done) if (step.value[0] === 'x-test-header') out.push(step.value);
      return out;
    })(),
    remoteAddress: req.remoteAddress, params: req.params
  });
});
app.post('/echo', function (req) {
  var b = req.bytes();
  return Response.json({ text: req.text(), len: b.length, first: b[0], ctype: req.headers.get('content-type') });
});
app.post('/json', function (req) { return Response.json({ got: req.json() }); });
app.post('/json-caught', function (req) {
  try { req.json(); } catch (e) { return new Response('caught: ' + e.message, { status: 422 }); }
  return new Response('parsed');
});
app.get('/users/:id/posts/:post', function (req) { return Response.json(req.params); });
app.get('/files/*', function (req) { return Response.json(req.params); });
app.put('/thing', function (req) { return new Response('put'); });
app.patch('/thing', function (req) { return new Response('patch'); });
app['delete']('/thing', function (req) { return new Response('delete'); });
app.options('/thing', function (req) { return new Response('options'); });
app.all('/any', function (req) { return new Response('any ' + req.method); });
app.get('/only-get', function () { return new Response('GET body', { headers: { 'X-Get': '1' } }); });
app.post('/multi', function () { return new Response('post'); });
app.put('/multi', function () { return new Response('put'); });
app.get('/cookies', function () {
  var h = new Headers();
  h.append('Set-Cookie', 'a=1; Path=/');
  h.append('Set-Cookie', 'b=2; HttpOnly');
  return new Response('cookies', { headers: h });
});
app.get('/bytes', function () {
  return new Response(new Uint8Array([0, 1, 2, 255, 10]), { headers: { 'Content-Type': 'application/octet-stream' } });
});
app.get('/arraybuffer', function () {
  var u = new Uint8Array([65, 66, 67]);
  return new Response(u.buffer, { headers: { 'Content-Type': 'application/octet-stream' } });
});
app.get('/text', function () { return new Response('hello', { status: 418, headers: { 'X-Custom': 'v1' } }); });
app.get('/json-resp', function () {
  return Response.json({ a: 1, list: [1, 'two'] }, { status: 201, headers: { 'X-A': 'b' } });
});
app.get('/redirect', function () { return Response.redirect('https://example.org/there', 301); });
app.get('/redirect-default', function () { return Response.redirect('/here'); });
app.get('/not-response', function () { return { status: 200, body: 'plain object' }; });
app.get('/status-99', function () { return new Response('x', { status: 99 }); });
app.get('/status-1000', function () { return new Response('x', { status: 1000 }); });
app.get('/status-mutated', function () { var r = new Response('x'); r.status = 1000; return r; });
app.get('/crlf-value', function () { return new Response('x', { headers: { 'X-Evil': 'a\r\nInjected: 1' } }); });
app.get('/crlf-name', function () { var h = new Headers(); h.set('X-Evil\nName', 'v'); return new Response('x', { headers: h }); });
app.get('/colon-name', function () { return new Response('x', { headers: { 'X-A: injected': 'v' } }); });
app.get('/space-name', function () { var h = new Headers(); h.append('Bad Name', 'v'); return new Response('x', { headers: h }); });
app.get('/boom', function () {
  throw new Error('boom with a secret'); // LINE:boom
});
module.exports = app;
JS
BOOM_LINE=$(line_of "$T/app/main.js" boom)

start_server server.workers=1 app.root="$T/app" app.dev=no
one_worker

say "Request: method, url, path, query (repeated keys -> arrays), headers (case-insensitive), remoteAddress"
expect_status 200 -H 'X-Test-Header: Hello' '/req?a=1&b=x%20y&a=2&c=&d=%C3%A9'
assert_eq GET "$(jget "$BODY" 'd["method"]')" "req.method"
assert_eq "http://$HTTP_ADDR/req?a=1&b=x%20y&a=2&c=&d=%C3%A9" "$(jget "$BODY" 'd["url"]')" "req.url"
assert_eq /req "$(jget "$BODY" 'd["path"]')" "req.path"
assert_eq '{"a": ["1", "2"], "b": "x y", "c": "", "d": "\u00e9"}' "$(jget "$BODY" 'd["query"]')" "req.query"
assert_eq 'a=1&b=x%20y&a=2&c=&d=%C3%A9' "$(jget "$BODY" 'd["queryString"]')" "req.queryString"
assert_eq Hello "$(jget "$BODY" 'd["upper"]')" "req.headers.get('X-TEST-HEADER')"
assert_eq Hello "$(jget "$BODY" 'd["lower"]')" "req.headers.get('x-test-header')"
assert_eq true "$(jget "$BODY" 'd["has"]')" "req.headers.has('X-Test-Header')"
assert_eq false "$(jget "$BODY" 'd["hasNot"]')" "req.headers.has('x-absent')"
assert_eq null "$(jget "$BODY" 'd["absent"]')" "req.headers.get('x-absent')"
assert_eq true "$(jget "$BODY" '"x-test-header" in d["names"] and "host" in d["names"]')" "headers.forEach names"
assert_eq '[["x-test-header", "Hello"]]' "$(jget "$BODY" 'd["entries"]')" "headers.entries()"
assert_eq 127.0.0.1 "$(jget "$BODY" 'd["remoteAddress"]')" "req.remoteAddress"
assert_eq '{}' "$(jget "$BODY" 'd["params"]')" "req.params without route params"
assert_eq 'seen GET' "$(hdr X-Middleware)" "header added by middleware after next()"

say "Request over FastCGI: url from HTTPS/Host, path, query, remoteAddress from REMOTE_ADDR"
out=$(fcgi --uri '/req?x=1&x=2&y=z' --header 'Host: app.example' --header 'X-Test-Header: via-fcgi' \
  --param HTTPS=on --param REMOTE_ADDR=192.0.2.7) || fail "fcgi request failed"
assert_contains "$out" 'Status: 200' "FastCGI response"
fbody=$(printf '%s\n' "$out" | sed -n '/^\r\?$/,/^--- end/p' | sed '1d;$d')
assert_eq 'https://app.example/req?x=1&x=2&y=z' "$(jget "$fbody" 'd["url"]')" "req.url over FastCGI"
assert_eq '{"x": ["1", "2"], "y": "z"}' "$(jget "$fbody" 'd["query"]')" "req.query over FastCGI"
assert_eq via-fcgi "$(jget "$fbody" 'd["upper"]')" "req.headers.get over FastCGI"
assert_eq 192.0.2.7 "$(jget "$fbody" 'd["remoteAddress"]')" "req.remoteAddress over FastCGI"

say "Request body: text(), bytes(), json(); bad JSON -> 400 with a clear message unless caught"
expect_status 200 -H 'Content-Type: text/plain' --data-binary 'héllo' /echo
assert_eq 'héllo' "$(jget "$BODY" 'd["text"]')" "req.text()"
assert_eq 6 "$(jget "$BODY" 'd["len"]')" "req.bytes().length (UTF-8 bytes)"
assert_eq 104 "$(jget "$BODY" 'd["first"]')" "req.bytes()[0]"
assert_eq text/plain "$(jget "$BODY" 'd["ctype"]')" "content-type request header"
expect_status 200 -H 'Content-Type: application/json' --data-binary '{"n":[1,2],"s":"x"}' /json
assert_eq '{"n": [1, 2], "s": "x"}' "$(jget "$BODY" 'd["got"]')" "req.json()"
expect_status 400 -H 'Content-Type: application/json' --data-binary '{not json' /json
assert_contains "$BODY" "request body is not valid JSON" "400 body"
[ -n "$RID" ] || fail "no X-Request-Id on the 400"
ok "the 400 has X-Request-Id $RID"
expect_status 422 --data-binary '{not json' /json-caught
assert_contains "$BODY" "caught: request body is not valid JSON" "body when the handler catches the error"

say "A JSON body that is not UTF-8 -> 400 like bad JSON, at both doors; text() still replaces the bytes"
printf '{"s":"\xff\xfe"}' >"$T/bad-utf8.json"
printf '{"s":"\xed\xa0\x80"}' >"$T/surrogate.json" # a UTF-16 surrogate encoded as UTF-8 (CESU-8)
printf '\xef\xbb\xbf{"s":"\xc3\xa4"}' >"$T/bom.json" # a byte order mark, then valid UTF-8
for f in bad-utf8 surrogate; do
  expect_status 400 -H 'Content-Type: application/json' --data-binary @"$T/$f.json" /json
  assert_contains "$BODY" "request body is not valid JSON: it is not valid UTF-8" "$f over HTTP: 400 body"
  freq --method POST --uri /json --header 'Content-Type: application/json' --body-file "$T/$f.json"
  assert_eq 400 "$STATUS" "$f over FastCGI: status"
  assert_contains "$BODY" "request body is not valid JSON: it is not valid UTF-8" "$f over FastCGI: 400 body"
done
expect_status 422 --data-binary @"$T/bad-utf8.json" /json-caught
assert_contains "$BODY" "caught: request body is not valid JSON: it is not valid UTF-8" "the error can be caught"
expect_status 200 -H 'Content-Type: application/json' --data-binary @"$T/bom.json" /json
assert_eq 'ä' "$(jget "$BODY" 'd["got"]["s"]')" "req.json() of a body with a byte order mark"
expect_status 200 --data-binary @"$T/bad-utf8.json" /echo
assert_eq '{"s":"��"}' "$(jget "$BODY" 'd["text"]')" "req.text() of the same body: U+FFFD for each bad byte"
expect_status 200 -H 'Content-Type: application/json' --data-binary '{"n":1}' /json
assert_eq '{"n": 1}' "$(jget "$BODY" 'd["got"]')" "req.json() after the refused bodies (no decoder state left over)"

say "Response: string body with status and headers; bytes; ArrayBuffer"
expect_status 418 /text
assert_eq hello "$BODY" "body"
assert_eq v1 "$(hdr X-Custom)" "X-Custom header"
assert_match "$(hdr Content-Type)" '^text/plain' "default Content-Type of a string body"
curl -sS --max-time 10 -D "$T/resp.headers" -o "$T/bytes.out" "$HTTP_URL/bytes" || fail "curl /bytes"
HEADERS=$(tr -d '\r' <"$T/resp.headers")
assert_match "$HEADERS" '^HTTP/1.1 200' "status line of /bytes"
assert_eq "00 01 02 ff 0a" "$(od -An -tx1 "$T/bytes.out" | xargs)" "bytes body (Uint8Array)"
assert_eq application/octet-stream "$(hdr Content-Type)" "Content-Type of /bytes"
expect_status 200 /arraybuffer
assert_eq ABC "$BODY" "ArrayBuffer body"

say "Response: several Set-Cookie headers"
expect_status 200 /cookies
cookies=$(printf '%s\n' "$HEADERS" | grep -ci '^set-cookie:')
assert_eq 2 "$cookies" "number of Set-Cookie headers"
assert_contains "$HEADERS" "a=1; Path=/" "headers"
assert_contains "$HEADERS" "b=2; HttpOnly" "headers"

say "Response.json(value, init) and Response.redirect(url, status)"
expect_status 201 /json-resp
assert_eq application/json "$(hdr Content-Type)" "Content-Type of Response.json"
assert_eq b "$(hdr X-A)" "header from init"
assert_eq '{"a": 1, "list": [1, "two"]}' "$(jget "$BODY" 'd')" "Response.json body"
expect_status 301 /redirect
assert_eq https://example.org/there "$(hdr Location)" "Location of Response.redirect(url, 301)"
expect_status 302 /redirect-default
assert_eq /here "$(hdr Location)" "Location of Response.redirect(url)"

say "a broken Response is a 500 whose body names the problem"
expect_status 500 /not-response
assert_contains "$BODY" "fetch() must return a Response" "body of /not-response"
assert_not_contains "$BODY" "at " "body of /not-response (no stack)"
expect_status 500 /status-99
assert_contains "$BODY" "status" "body of /status-99"
assert_contains "$BODY" "99" "body of /status-99"
expect_status 500 /status-1000
assert_contains "$BODY" "1000" "body of /status-1000"
assert_contains "$BODY" "status" "body of /status-1000"
expect_status 500 /status-mutated
assert_contains "$BODY" "status 1000" "body of /status-mutated (status changed after construction)"
expect_status 500 /crlf-value
assert_contains "$BODY" "CR, LF" "body of /crlf-value"
assert_not_contains "$HEADERS" "Injected" "response headers of /crlf-value"
expect_status 500 /crlf-name
assert_contains "$BODY" "CR, LF" "body of /crlf-name"
expect_status 500 /colon-name
assert_contains "$BODY" "HTTP token" "body of /colon-name (a header name with ': ')"
expect_status 500 /space-name
assert_contains "$BODY" "HTTP token" "body of /space-name (a header name with a space)"

say "router: :params, * tail, other methods, 404, 405 with Allow, HEAD -> GET, middleware"
expect_status 200 /users/42/posts/hello%20world
assert_eq '{"id": "42", "post": "hello world"}' "$(jget "$BODY" 'd')" "params of /users/:id/posts/:post"
expect_status 200 /files/a/b/c.txt
assert_eq 'a/b/c.txt' "$(jget "$BODY" 'd["*"]')" "params['*'] of /files/*"
expect_status 200 /files
assert_eq '' "$(jget "$BODY" 'd["*"]')" "params['*'] of /files (empty tail)"
for m in PUT PATCH DELETE OPTIONS; do
  expect_status 200 -X "$m" /thing
  assert_eq "$(tr 'A-Z' 'a-z' <<<"$m")" "$BODY" "body of $m /thing"
done
for m in GET POST DELETE; do
  expect_status 200 -X "$m" /any
  assert_eq "any $m" "$BODY" "body of $m /any (all)"
done
expect_status 404 /no/such/route
[ -n "$RID" ] || fail "no X-Request-Id on the 404"
ok "the 404 has X-Request-Id"
expect_status 405 -X POST /only-get
assert_eq 'GET, HEAD' "$(hdr Allow)" "Allow of POST /only-get"
expect_status 405 /multi
assert_eq 'POST, PUT' "$(hdr Allow)" "Allow of GET /multi"
req -I /only-get
assert_eq 200 "$STATUS" "status of HEAD /only-get (falls back to GET)"
assert_eq 1 "$(hdr X-Get)" "header of HEAD /only-get"
assert_not_contains "$BODY" "GET body" "output of HEAD /only-get (headers only, no body)"
expect_status 403 /blocked
assert_eq 'blocked by middleware' "$BODY" "body of /blocked"

say "uncaught exception: generic 500 body, logged with main.js:$BOOM_LINE"
expect_status 500 /boom
assert_eq 'Internal Server Error' "$BODY" "body of /boom with dev = no"
assert_not_contains "$BODY" "secret" "body of /boom"
[ -n "$RID" ] || fail "no X-Request-Id on the 500"
wait_log "[$RID] GET /boom: uncaught"
line=$(grep -F "[$RID] GET /boom: uncaught" "$LOG" | head -n 1)
assert_contains "$line" "main.js:$BOOM_LINE" "log line"
assert_contains "$line" "boom with a secret" "log line"

say "every response carried X-Request-Id, each different"
ids=$(for p in /req /no/such /boom /not-response; do req "$p"; echo "$RID"; done)
assert_eq 4 "$(sort -u <<<"$ids" | grep -c .)" "distinct non-empty request ids"

say "the worker survived all of the above"
assert_eq "$WORKER" "$(worker_pids)" "worker pid"

say "dev = yes: the 500 body has the stack"
stop_server
start_server server.workers=1 app.root="$T/app" app.dev=yes
expect_status 500 /boom
assert_contains "$BODY" "Error: boom with a secret" "body of /boom with dev = yes"
assert_contains "$BODY" "main.js:$BOOM_LINE" "body of /boom with dev = yes (stack)"
