#!/bin/bash
# rel_reload_keepalive.sh (issue 12, item 10): POSTs through nginx's
# kept-alive upstream connections (the recommended `keepalive 16`,
# `fastcgi_keep_conn on`) never fail while generations stop: 3 reloads (HUP)
# and continuous recycling (max_requests) under a POST load.  nginx retries
# a GET that fails on a cached connection, never a POST, so a worker that
# closes a kept-alive connection nginx has just written a request into
# shows up here as a 502.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops_lib.sh"
. "$(dirname "$0")/../nginx_lib.sh"
require_nginx

LOAD_S=6
CLIENTS=8

start_ops_server server.workers=2 server.max_requests=100 server.http_listen=
start_nginx_front 16

say "POST load for $LOAD_S s through nginx; 3 reloads meanwhile; workers recycle every 100 requests"
"$PYTHON" "$TOP_SRCDIR/tests/integration/rel/rel_conns.py" post_load "$URL/post" "$LOAD_S" "$CLIENTS" \
  "$T/load.out" &
load_pid=$!
for i in 1 2 3; do
  sleep 1
  kill -HUP "$SERVER_PID"
  wait_until "[ \$(grep -c 'reload complete' '$LOG') -ge $i ]" 20 || fail "reload $i did not complete"
done
ok "3 reloads completed"
wait "$load_pid" || fail "the load client failed"

total=$(wc -l <"$T/load.out")
bad=$(grep -vc '^200$' "$T/load.out" || true)
recycled=$(grep -c 'worker [0-9]* (pid [0-9]*) exited' "$LOG" || true)
say "$total POSTs, $recycled workers stopped (recycled or reloaded)"
[ "$total" -ge 500 ] || fail "only $total requests: the load did not run"
[ "$recycled" -ge 10 ] || fail "only $recycled workers stopped: the test proves little"
if [ "$bad" != 0 ]; then
  sort "$T/load.out" | uniq -c | sort -rn | head >&2
  echo "nginx errors:" >&2
  nginx_errors | tail -n 5 >&2
  fail "$bad of $total POSTs were not answered 200"
fi
ok "all $total POSTs answered 200"
errors=$(nginx_errors)
[ -z "$errors" ] || fail "nginx logged errors: $errors"
ok "no errors in nginx's error log"
stop_server QUIT
