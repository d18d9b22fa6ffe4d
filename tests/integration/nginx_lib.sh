# nginx_lib.sh: a real nginx in front of the server's FastCGI socket, for
# every test that goes through it (nginx.sh, resp_framing.sh,
# rel_reload_keepalive.sh, rel_slow_neighbour.sh).  Source it after lib.sh;
# call require_nginx before start_server, start_nginx_front after.

# require_nginx: skips the test when nginx or its fastcgi_params is missing.
require_nginx() {
  require_tool curl curl
  NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
  [ -x "$NGINX" ] || skip "nginx not found (install the Debian package nginx-light or nginx)"
  FASTCGI_PARAMS=/etc/nginx/fastcgi_params
  [ -r "$FASTCGI_PARAMS" ] || skip "$FASTCGI_PARAMS missing (install the Debian package nginx-common)"
}

# start_nginx_front [KEEPALIVE]: nginx (one worker) on a free port, passing
# everything to $FCGI_SOCK the way the README recommends: fastcgi_keep_conn
# on and an upstream with `keepalive KEEPALIVE` (default 16); NGINX_LOCATIONS,
# when set, replaces that `location /` (the upstream is still "jsfpm");
# NGINX_SERVERS, when set, replaces the upstream's `server unix:$FCGI_SOCK;`
# (several hosts); NGINX_EXEC, when set, is the command nginx and its
# readiness check run under (`ip netns exec NS`: nginx in a namespace).
# Sets NGINX_PID, NGINX_PORT, URL and NGX (its directory: logs in
# $NGX/logs).  Stopped on exit.
start_nginx_front() {
  local attempt started=no
  # Everything inside $T; as root, keep the workers as root (they must
  # reach the 0660 root-owned socket and $T); as another user, the
  # directive would only draw a warning, so it is left out.
  NGX=$T/nginx
  mkdir -p "$NGX/logs" "$NGX/tmp"
  local user_line=
  [ "$(id -u)" != 0 ] || user_line="user root root;"
  for attempt in 1 2 3; do
    if _nginx_try_start "$user_line" "${1:-16}"; then started=yes; break; fi
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
}

# _nginx_try_start USER_LINE KEEPALIVE: one attempt on a fresh port.
_nginx_try_start() {
  NGINX_PORT=$(free_port)
  local locations=${NGINX_LOCATIONS:-"    location / {
      include $FASTCGI_PARAMS;
      fastcgi_param SCRIPT_NAME \$fastcgi_script_name;
      fastcgi_pass jsfpm;
      fastcgi_keep_conn on;
    }"}
  cat >"$NGX/nginx.conf" <<CONF
$1
daemon off;
master_process on;
worker_processes 1;
pid $NGX/nginx.pid;
error_log $NGX/logs/error.log info;
events { worker_connections 256; }
http {
  access_log $NGX/logs/access.log;
  client_body_temp_path $NGX/tmp/body;
  fastcgi_temp_path $NGX/tmp/fastcgi;
  proxy_temp_path $NGX/tmp/proxy;
  scgi_temp_path $NGX/tmp/scgi;
  uwsgi_temp_path $NGX/tmp/uwsgi;
  upstream jsfpm {
    ${NGINX_SERVERS:-server unix:$FCGI_SOCK;}
    keepalive $2;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    server_name localhost;
$locations
  }
}
CONF
  "$NGINX" -t -q -e "$NGX/logs/error.log" -p "$NGX" -c "$NGX/nginx.conf" ||
    { cat "$NGX/logs/error.log" >&2; fail "nginx -t rejected the generated config"; }
  spawn_group "$NGX/nginx.out" ${NGINX_EXEC:-} "$NGINX" -e "$NGX/logs/error.log" -p "$NGX" -c "$NGX/nginx.conf"
  NGINX_PID=$SPAWNED_PID
  wait_until "${NGINX_EXEC:-} curl -s -o /dev/null http://127.0.0.1:$NGINX_PORT/ || ! pid_alive $NGINX_PID" 10 &&
    pid_alive "$NGINX_PID"
}

# nginx_errors: the [error]-or-worse lines of nginx's error log.
nginx_errors() { grep -E '\[(error|crit|alert|emerg)\]' "$NGX/logs/error.log" || true; }
