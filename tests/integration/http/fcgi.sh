#!/bin/bash
# fcgi.sh: the FastCGI door, with the repo's Python client and with cgi-fcgi.
. "$(dirname "$0")/../lib.sh"

start_server server.workers=2 server.http_listen=

say "the FastCGI socket exists with listen.mode 0660"
[ -S "$FCGI_SOCK" ] || fail "$FCGI_SOCK is not a socket"
assert_eq 660 "$(stat -c %a "$FCGI_SOCK")" "socket mode"

say "one POST then one GET, each on its own connection"
out=$(fcgi --method POST --uri /notes --body '{"body":"via fastcgi"}' \
  --header 'Content-Type: application/json') || fail "fcgi_client failed: $out"
assert_match "$out" '^Status: 201' "POST response"
assert_contains "$out" 'end of response 1 (app_status 0, protocol_status 0)' "POST response"
id=$(sed -n 's/.*"id":\([0-9][0-9]*\).*/\1/p' <<<"$out")
[ -n "$id" ] || fail "no id in: $out"
out=$(fcgi --uri "/notes/$id") || fail "fcgi_client failed: $out"
assert_match "$out" '^Status: 200' "GET response"
assert_match "$out" '^X-Request-Id: [^ ]+' "GET response"
assert_contains "$out" '"body":"via fastcgi"' "GET response"

say "--repeat 3: three keep-conn requests on one connection"
out=$(fcgi --uri "/notes/$id" --repeat 3) || fail "fcgi_client --repeat 3 failed: $out"
assert_eq 3 "$(grep -c '^Status: 200' <<<"$out")" "200 responses"
for n in 1 2 3; do
  assert_contains "$out" "end of response $n (app_status 0, protocol_status 0)" "repeat output"
done
assert_eq 3 "$(grep -c '"body":"via fastcgi"' <<<"$out")" "bodies"
assert_eq 3 "$(sed -n 's/^X-Request-Id: //p' <<<"$out" | sort -u | wc -l)" "distinct request ids"

say "--split-bytes: every byte in its own send()"
out=$(fcgi --method POST --uri /notes --body '{"body":"split"}' \
  --header 'Content-Type: application/json' --split-bytes) || fail "split-bytes POST failed: $out"
assert_match "$out" '^Status: 201' "split POST"
id2=$(sed -n 's/.*"id":\([0-9][0-9]*\).*/\1/p' <<<"$out")
out=$(fcgi --uri "/notes/$id2" --split-bytes --repeat 2) || fail "split-bytes GET failed: $out"
assert_eq 2 "$(grep -c '"body":"split"' <<<"$out")" "split GET bodies"

say "--get-values: FCGI_GET_VALUES answered"
out=$(fcgi --get-values) || fail "get-values failed: $out"
assert_match "$out" '^FCGI_MAX_CONNS=[1-9][0-9]*$' "get-values"
assert_match "$out" '^FCGI_MAX_REQS=[1-9][0-9]*$' "get-values"
assert_match "$out" '^FCGI_MPXS_CONNS=0$' "get-values"

say "unknown path over FastCGI -> 404"
out=$(fcgi --uri /no/such) || fail "fcgi_client failed: $out"
assert_match "$out" '^Status: 404' "unknown path"

if command -v cgi-fcgi >/dev/null 2>&1; then
  say "cgi-fcgi -bind -connect (libfcgi's client)"
  out=$(env -i PATH="$PATH" REQUEST_METHOD=GET REQUEST_URI="/notes/$id" \
    SCRIPT_NAME="/notes/$id" QUERY_STRING= SERVER_PROTOCOL=HTTP/1.1 GATEWAY_INTERFACE=CGI/1.1 \
    REMOTE_ADDR=127.0.0.1 SERVER_NAME=localhost SERVER_PORT=80 \
    timeout 10 cgi-fcgi -bind -connect "$FCGI_SOCK") || fail "cgi-fcgi failed: $out"
  assert_match "$out" '^Status: 200' "cgi-fcgi GET"
  assert_contains "$out" '"body":"via fastcgi"' "cgi-fcgi GET"

  body='{"body":"from cgi-fcgi"}'
  out=$(printf '%s' "$body" | env -i PATH="$PATH" REQUEST_METHOD=POST REQUEST_URI=/notes \
    SCRIPT_NAME=/notes QUERY_STRING= SERVER_PROTOCOL=HTTP/1.1 GATEWAY_INTERFACE=CGI/1.1 \
    CONTENT_TYPE=application/json CONTENT_LENGTH=${#body} REMOTE_ADDR=127.0.0.1 \
    timeout 10 cgi-fcgi -bind -connect "$FCGI_SOCK") || fail "cgi-fcgi POST failed: $out"
  assert_match "$out" '^Status: 201' "cgi-fcgi POST"
  id3=$(sed -n 's/.*"id":\([0-9][0-9]*\).*/\1/p' <<<"$out")
  out=$(fcgi --uri "/notes/$id3")
  assert_contains "$out" '"body":"from cgi-fcgi"' "note posted by cgi-fcgi"
else
  echo "note: cgi-fcgi not installed (Debian package libfcgi-bin); that part skipped"
fi

say "the server survived all of it"
out=$(fcgi --uri /) || fail "fcgi_client failed: $out"
assert_match "$out" '^Status: 200' "GET /"
