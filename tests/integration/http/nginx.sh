#!/bin/bash
# nginx.sh: real nginx in front of jsfpm (fastcgi_pass unix:..., keep_conn).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../nginx_lib.sh"
require_nginx
start_server server.workers=2 server.http_listen=
start_nginx_front

say "GET / through nginx"
body=$(curl -sS -D "$T/h1" --max-time 10 "$URL/") || fail "curl failed"
head1=$(tr -d '\r' <"$T/h1")
assert_match "$head1" '^HTTP/1\.1 200 ' "status line"
assert_match "$head1" '^Server: nginx' "headers (the answer came through nginx)"
assert_match "$head1" '^X-Request-Id: [^ ]+' "headers"
assert_contains "$body" '"app":"jsfpm example notes"' "body"

say "POST /notes then GET /notes/ID through nginx"
body=$(curl -sS -D "$T/h2" --max-time 10 -H 'Content-Type: application/json' \
  --data-binary '{"body":"through nginx ü"}' "$URL/notes") || fail "curl POST failed"
head2=$(tr -d '\r' <"$T/h2")
assert_match "$head2" '^HTTP/1\.1 201 ' "POST status line"
id=$(sed -n 's/.*"id":\([0-9][0-9]*\).*/\1/p' <<<"$body")
[ -n "$id" ] || fail "no id in the POST answer: $body"
assert_match "$head2" "^Location: /notes/$id\$" "POST headers"
body=$(curl -sS -D "$T/h3" --max-time 10 "$URL/notes/$id") || fail "curl GET failed"
assert_match "$(tr -d '\r' <"$T/h3")" '^HTTP/1\.1 200 ' "GET status line"
assert_contains "$body" '"body":"through nginx ü"' "GET /notes/$id body"

say "query string and 404 pass through nginx"
body=$(curl -sS --max-time 10 "$URL/notes?limit=1")
assert_contains "$body" "\"id\":$id" "GET /notes?limit=1"
assert_eq 404 "$(http_status "$URL/notes/999999")" "status of a missing note"
assert_eq 404 "$(http_status "$URL/no/such/path")" "status of an unknown path"

say "many requests over nginx's kept-alive upstream connections"
for i in $(seq 1 20); do
  code=$(http_status "$URL/notes/$id")
  [ "$code" = 200 ] || fail "request $i: status $code"
done
ok "20 x 200"
errors=$(nginx_errors)
[ -z "$errors" ] || fail "nginx logged errors: $errors"
ok "no errors in nginx's error log"

say "stop nginx"
stop_group "$NGINX_PID" QUIT 5
pid_alive "$NGINX_PID" && fail "nginx still running"
NGINX_PID=
ok "nginx stopped"
