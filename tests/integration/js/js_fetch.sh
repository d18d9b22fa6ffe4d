#!/bin/bash
# js_fetch.sh: outgoing fetch() (issue 15, item 6) against servers this test
# starts on loopback (tests/integration/js/fetch_server.py): no host allowed by
# default, with an error naming the host and the key; allowed hosts by
# host:port; methods, headers and bodies; redirects (each hop checked
# against the list; "error" and "manual"); gzip decoded; per-call timeout
# (AbortSignal.timeout) and [app] fetch_timeout; the request's deadline
# bounds a fetch (504, not a hang); fetch_max_response_size; TLS verified
# (a self-signed server refused, then trusted through fetch_ca_file);
# several fetches at once; a fetch abandoned by its handler and one
# aborted with an AbortController; the counts on the status page.
. "$(dirname "$0")/js_lib.sh"
. "$(dirname "$0")/../ops_lib.sh"
require_tool openssl openssl

serve() { # serve NAME [--tls CERT KEY]: starts fetch_server.py, sets PORT_<NAME>
  local name=$1
  shift
  spawn_group "$T/$name.out" "$PYTHON" "$TOP_SRCDIR/tests/integration/js/fetch_server.py" "$T/$name.port" "$@"
  wait_until "[ -s '$T/$name.port' ]" 10 || fail "fetch_server.py $name did not start: $(cat "$T/$name.out")"
  printf -v "PORT_$name" '%s' "$(cat "$T/$name.port")"
}
serve plain
serve other
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null || fail "openssl could not make a certificate"
serve tls --tls "$T/cert.pem" "$T/key.pem"
PLAIN=127.0.0.1:$PORT_plain
OTHER=127.0.0.1:$PORT_other
TLS=127.0.0.1:$PORT_tls
mkdir -p "$T/app"
STATUS_ADDR=127.0.0.1:$(free_port)
APP=$TOP_SRCDIR/tests/apps/js_platform

fetch_url() { # fetch_url URL [QUERY...]: GET /fetch?url=URL&QUERY through the app
  local url=$1
  shift
  local q
  q="url=$("$PYTHON" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$url")"
  for a in "$@"; do q="$q&$a"; done
  req "/fetch?$q"
}

say "no host is allowed by default: a clear error naming the host and the key"
start_server server.workers=1 app.root="$APP" server.status_listen="$STATUS_ADDR"
fetch_url "http://$PLAIN/echo"
assert_eq 502 "$STATUS" "status"
assert_eq TypeError "$(jget "$BODY" 'd["error"]')" "error type"
assert_contains "$(jget "$BODY" 'd["message"]')" "host 127.0.0.1:$PORT_plain is not allowed: add it to fetch_allow in [app]" "message"
stop_server

start_server server.workers=1 app.root="$APP" server.status_listen="$STATUS_ADDR" \
  app.fetch_allow="$PLAIN, 127.0.0.1:$PORT_tls" app.fetch_timeout=3s app.fetch_max_response_size=4k app.request_timeout=4s

say "an allowed host: method, headers, body, the response"
fetch_url "http://$PLAIN/echo?x=1"
assert_eq 200 "$STATUS" "status"
assert_eq 200 "$(jget "$BODY" 'd["status"]')" "fetched status"
echo_body=$(jget "$BODY" 'd["body"]')
assert_eq GET "$(jget "$echo_body" 'd["method"]')" "method seen by the server"
assert_eq yes "$(jget "$echo_body" 'd["headers"]["x-test"]')" "header seen by the server"
assert_eq jsfpm "$(jget "$echo_body" 'd["headers"]["user-agent"]')" "User-Agent"
fetch_url "http://$PLAIN/echo" method=POST body=hello%20there
echo_body=$(jget "$BODY" 'd["body"]')
assert_eq POST "$(jget "$echo_body" 'd["method"]')" "POST"
assert_eq 'hello there' "$(jget "$echo_body" 'd["body"]')" "request body"
assert_eq 'text/plain;charset=UTF-8' "$(jget "$echo_body" 'd["headers"]["content-type"]')" "request body type"
fetch_url "http://$PLAIN/gzip"
assert_eq 'compressed body' "$(jget "$BODY" 'd["body"]')" "a gzip body is decoded"
fetch_url "http://$OTHER/echo"
assert_contains "$(jget "$BODY" 'd["message"]')" "host 127.0.0.1:$PORT_other is not allowed" "another port of an allowed address"

say "redirects: followed, each hop checked against fetch_allow; redirect: error / manual"
fetch_url "http://$PLAIN/redirect?to=/echo%3Fafter"
assert_eq 'true 200' "$(jget "$BODY" 'str(d["redirected"]).lower() + " " + str(d["status"])')" "followed"
assert_eq "http://$PLAIN/echo?after" "$(jget "$BODY" 'd["url"]')" "final URL"
fetch_url "http://$PLAIN/redirect?to=http://$OTHER/echo"
assert_contains "$(jget "$BODY" 'd["message"]')" "host 127.0.0.1:$PORT_other is not allowed" "a redirect to a host not allowed"
assert_not_contains "$(cat "$T/other.out")" "GET" "the other server got nothing"
fetch_url "http://$PLAIN/redirect?to=/echo" redirect=error
assert_eq TypeError "$(jget "$BODY" 'd["error"]')" "redirect: error"
fetch_url "http://$PLAIN/redirect?to=/echo&status=303" redirect=manual
assert_eq 303 "$(jget "$BODY" 'd["status"]')" "redirect: manual"
fetch_url "http://$PLAIN/redirect?to=/echo&status=303" method=POST body=x
assert_eq GET "$(jget "$(jget "$BODY" 'd["body"]')" 'd["method"]')" "a 303 after a POST is followed with GET"

say "time limits: AbortSignal.timeout, fetch_timeout, and the request's deadline"
fetch_url "http://$PLAIN/slow?ms=3000" timeout=200
assert_eq TimeoutError "$(jget "$BODY" 'd["error"]')" "AbortSignal.timeout(200)"
fetch_url "http://$PLAIN/slow?ms=5000"
assert_eq TimeoutError "$(jget "$BODY" 'd["error"]')" "fetch_timeout = 3s"
expect_status 200 /fetch-many?url=http://$PLAIN/slow%3Fms%3D300\&url=http://$PLAIN/echo
assert_eq 'slow done' "$(jget "$BODY" 'd[0]')" "two fetches at once: the first"
assert_eq GET "$(jget "$(jget "$BODY" 'd[1]')" 'd["method"]')" "two fetches at once: the second"
stop_server
start_server server.workers=1 app.root="$APP" server.status_listen="$STATUS_ADDR" \
  app.fetch_allow="$PLAIN" app.fetch_timeout=60s app.request_timeout=1500ms
fetch_url "http://$PLAIN/slow?ms=6000"
assert_eq 504 "$STATUS" "a fetch longer than the request's time limit"
wait_until "grep -q 'time limit' '$LOG'" 5 || fail "no time limit logged"
ok "logged: $(grep 'time limit' "$LOG" | tail -n 1 | cut -c1-160)"
expect_status 200 /web
ok "the worker serves on"
stop_server

start_server server.workers=1 app.root="$APP" server.status_listen="$STATUS_ADDR" \
  app.fetch_allow="$PLAIN, $TLS" app.fetch_max_response_size=4k

say "fetch_max_response_size"
fetch_url "http://$PLAIN/big?n=4096"
assert_eq 4096 "$(jget "$BODY" 'len(d["body"])')" "a body of exactly the limit"
fetch_url "http://$PLAIN/big?n=4097"
assert_contains "$(jget "$BODY" 'd["message"]')" "larger than fetch_max_response_size (4096 bytes)" "one byte more"

say "TLS is verified: a self-signed server is refused"
fetch_url "https://$TLS/echo"
assert_eq TypeError "$(jget "$BODY" 'd["error"]')" "error type"
assert_match "$(jget "$BODY" 'd["message"]')" 'certificate|SSL' "message"

say "a fetch the handler leaves behind is aborted when the response is sent; an AbortController aborts"
expect_status 200 "/fetch-abandoned?url=http://$PLAIN/slow%3Fms%3D2000"
assert_eq sent "$BODY" "response"
expect_status 200 "/fetch-abort?url=http://$PLAIN/slow%3Fms%3D2000"
assert_eq AbortError "$BODY" "aborted fetch"

say "the status page counts fetch() calls, errors and time"
status=$(curl -sS --max-time 5 "$(status_url json)")
calls=$(jget "$status" 'd["fetch_calls"]')
errors=$(jget "$status" 'd["fetch_errors"]')
[ "$calls" -ge 4 ] || fail "fetch_calls = $calls"
[ "$errors" -ge 3 ] && [ "$errors" -lt "$calls" ] || fail "fetch_errors = $errors of $calls"
ok "fetch_calls = $calls, fetch_errors = $errors, fetch_ms = $(jget "$status" 'd["fetch_ms"]')"
assert_match "$(curl -sS --max-time 5 "$(status_url prometheus)")" '^jsfpm_fetch_calls_total [0-9]+$' "prometheus"
stop_server

say "fetch_ca_file trusts the test's certificate"
start_server server.workers=1 app.root="$APP" app.fetch_allow="$TLS" app.fetch_ca_file="$T/cert.pem"
fetch_url "https://$TLS/echo"
assert_eq 200 "$(jget "$BODY" 'd["status"]')" "HTTPS through the CA file"
