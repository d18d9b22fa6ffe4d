#!/bin/bash
# nginx.sh: real nginx in front of jsfpm (fastcgi_pass unix:..., keep_conn).
. "$(dirname "$0")/lib.sh"
require_tool curl curl
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
[ -x "$NGINX" ] || skip "nginx not found (install the Debian package nginx-light or nginx)"
FASTCGI_PARAMS=/etc/nginx/fastcgi_params
[ -r "$FASTCGI_PARAMS" ] || skip "$FASTCGI_PARAMS missing (install the Debian package nginx-common)"

start_server server.workers=2 server.http_listen=

# nginx: everything inside $T; as root, keep the workers as root (they must
# reach the 0660 root-owned socket and $T); as another user, the directive
# would only draw a warning, so it is left out.
NGX=$T/nginx
mkdir -p "$NGX/logs" "$NGX/tmp"
user_line=
[ "$(id -u)" != 0 ] || user_line="user root root;"

start_nginx() {
  NGINX_PORT=$(free_port)
  cat >"$NGX/nginx.conf" <<CONF
$user_line
daemon off;
master_process on;
worker_processes 1;
pid $NGX/nginx.pid;
error_log $NGX/logs/error.log info;
events { worker_connections 64; }
http {
  access_log $NGX/logs/access.log;
  client_body_temp_path $NGX/tmp/body;
  fastcgi_temp_path $NGX/tmp/fastcgi;
  proxy_temp_path $NGX/tmp/proxy;
  scgi_temp_path $NGX/tmp/scgi;
  uwsgi_temp_path $NGX/tmp/uwsgi;
  upstream jsfpm {
    server unix:$FCGI_SOCK;
    keepalive 4;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    server_name localhost;
    location / {
      include $FASTCGI_PARAMS;
      fastcgi_param SCRIPT_NAME \$fastcgi_script_name;
      fastcgi_pass jsfpm;
      fastcgi_keep_conn on;
    }
  }
}
CONF
  "$NGINX" -t -q -e "$NGX/logs/error.log" -p "$NGX" -c "$NGX/nginx.conf" ||
    { cat "$NGX/logs/error.log" >&2; fail "nginx -t rejected the generated config"; }
  spawn_group "$NGX/nginx.out" "$NGINX" -e "$NGX/logs/error.log" -p "$NGX" -c "$NGX/nginx.conf"
  NGINX_PID=$SPAWNED_PID
  wait_until "curl -s -o /dev/null http://127.0.0.1:$NGINX_PORT/ || ! pid_alive $NGINX_PID" 10 &&
    pid_alive "$NGINX_PID"
}
started=no
for attempt in 1 2 3; do
  if start_nginx; then started=yes; break; fi
  stop_group "$NGINX_PID" KILL 2
  grep -q 'in use' "$NGX/logs/error.log" "$NGX/nginx.out" || break
done
if [ "$started" != yes ]; then
  cat "$NGX/nginx.out" "$NGX/logs/error.log" >&2
  fail "nginx did not start"
fi
ok "nginx $("$NGINX" -v 2>&1 | sed 's/.*\///') on 127.0.0.1:$NGINX_PORT (pid $NGINX_PID)"
on_exit '[ -z "${NGINX_PID:-}" ] || stop_group "$NGINX_PID" QUIT 3'
URL=http://127.0.0.1:$NGINX_PORT

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
if grep -E '\[(error|crit|alert|emerg)\]' "$NGX/logs/error.log" >&2; then
  fail "nginx logged errors (above)"
fi
ok "no errors in nginx's error log"

say "stop nginx"
stop_group "$NGINX_PID" QUIT 5
pid_alive "$NGINX_PID" && fail "nginx still running"
NGINX_PID=
ok "nginx stopped"
