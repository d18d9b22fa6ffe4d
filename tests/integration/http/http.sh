#!/bin/bash
# http.sh: the plain HTTP door (http_listen) serving the example app.
. "$(dirname "$0")/../lib.sh"
require_tool curl curl

# runtime_dir nested in directories that do not exist yet (the default,
# /run/jsfpm/private, is): the master creates the parents, and the private
# directory itself with mode 0700.
start_server server.workers=2 server.runtime_dir="$T/rt/nested/private"
assert_eq 700 "$(stat -c %a "$T/rt/nested/private")" "mode of the nested runtime_dir"
[ -S "$T/rt/nested/private/broker.sock" ] || fail "no broker.sock in the nested runtime_dir"
[ -n "$HTTP_URL" ] || fail "no http_listen in the config"

say "GET / -> 200 JSON carrying the request id"
body=$(curl -sS -D "$T/h1" --max-time 10 "$HTTP_URL/")
head1=$(tr -d '\r' <"$T/h1")
assert_match "$head1" '^HTTP/1\.[01] 200 ' "status line"
assert_match "$head1" '^[Cc]ontent-[Tt]ype: application/json' "headers"
rid=$(sed -n 's/^[Xx]-[Rr]equest-[Ii]d: *//p' <<<"$head1")
[ -n "$rid" ] || fail "no X-Request-Id header in:
$head1"
ok "X-Request-Id: $rid"
json_rid=$("$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["requestId"])' <<<"$body") ||
  fail "GET / did not return JSON with requestId: $body"
assert_eq "$rid" "$json_rid" "requestId in the body equals the X-Request-Id header"
assert_contains "$body" '"app":"jsfpm example notes"' "body"

say "request ids differ between requests"
rid2=$(curl -sS -D - -o /dev/null --max-time 10 "$HTTP_URL/" | tr -d '\r' |
  sed -n 's/^[Xx]-[Rr]equest-[Ii]d: *//p')
[ -n "$rid2" ] && [ "$rid2" != "$rid" ] || fail "second request id '$rid2' (first '$rid')"
ok "second request id $rid2"

say "unknown path -> 404, still with X-Request-Id"
curl -sS -D "$T/h2" -o "$T/b2" --max-time 10 "$HTTP_URL/no/such/path" >/dev/null
head2=$(tr -d '\r' <"$T/h2")
assert_match "$head2" '^HTTP/1\.[01] 404 ' "status line"
assert_match "$head2" '^[Xx]-[Rr]equest-[Ii]d: [^ ]+' "headers"

say "wrong method on a known path -> 405 with Allow"
curl -sS -X DELETE -D "$T/h3" -o "$T/b3" --max-time 10 "$HTTP_URL/" >/dev/null
head3=$(tr -d '\r' <"$T/h3")
assert_match "$head3" '^HTTP/1\.[01] 405 ' "status line"
allow=$(sed -n 's/^[Aa]llow: *//p' <<<"$head3")
assert_contains "$allow" GET "Allow header"
assert_not_contains "$allow" DELETE "Allow header"

curl -sS -X PUT -D "$T/h4" -o /dev/null --max-time 10 "$HTTP_URL/notes" >/dev/null
head4=$(tr -d '\r' <"$T/h4")
assert_match "$head4" '^HTTP/1\.[01] 405 ' "PUT /notes status line"
allow=$(sed -n 's/^[Aa]llow: *//p' <<<"$head4")
assert_contains "$allow" GET "Allow header of /notes"
assert_contains "$allow" POST "Allow header of /notes"

say "the server still answers afterwards"
assert_eq 200 "$(http_status "$HTTP_URL/notes")" "GET /notes status"
