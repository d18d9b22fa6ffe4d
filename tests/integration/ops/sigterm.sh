#!/bin/bash
# sigterm.sh: SIGTERM to the master stops every process and removes the
# FastCGI socket, broker.sock and the pid file, in under 2 s.
. "$(dirname "$0")/../lib.sh"

start_server server.workers=3

children=$(child_pids)
assert_eq 4 "$(wc -w <<<"$children")" "children of the master (broker + 3 workers)"
BROKER_SOCK=$RUNTIME_DIR/broker.sock
for f in "$FCGI_SOCK" "$BROKER_SOCK"; do
  [ -S "$f" ] || fail "$f is not a socket before the stop"
done
[ -f "$PID_FILE" ] || fail "no pid file before the stop"
assert_eq 600 "$(stat -c %a "$BROKER_SOCK")" "broker.sock mode"
ok "sockets and pid file present; children: $(echo $children)"

# Keep a connection open in a request-free state to make sure an idle
# keep-alive client does not hold the stop up.
exec 3<>"/dev/tcp/${HTTP_ADDR%:*}/${HTTP_ADDR##*:}"

say "SIGTERM to the master ($SERVER_PID)"
t0=$(now_ms)
kill -TERM "$SERVER_PID"
all_gone() {
  local p
  for p in $SERVER_PID $children; do pid_alive "$p" && return 1; done
  [ ! -e "$FCGI_SOCK" ] && [ ! -e "$BROKER_SOCK" ] && [ ! -e "$PID_FILE" ]
}
wait_until all_gone 5 || true
elapsed=$(( $(now_ms) - t0 ))
exec 3<&- 3>&-

for p in $SERVER_PID $children; do
  pid_alive "$p" && fail "pid $p still running $elapsed ms after SIGTERM"
done
ok "master and every child gone"
group_alive "$SERVER_PID" && fail "something is still running in the server's process group: $(pgrep -g "$SERVER_PID" | tr '\n' ' ')"
ok "process group empty"
[ -e "$FCGI_SOCK" ] && fail "FastCGI socket $FCGI_SOCK left behind"
ok "FastCGI socket removed"
[ -e "$BROKER_SOCK" ] && fail "$BROKER_SOCK left behind"
ok "broker.sock removed"
[ -e "$PID_FILE" ] && fail "pid file $PID_FILE left behind"
ok "pid file removed"
[ "$elapsed" -lt 2000 ] || fail "stop took $elapsed ms (limit 2000 ms)"
ok "stopped in $elapsed ms (< 2000)"

wait "$SERVER_PID" && rc=0 || rc=$?
assert_eq 0 "$rc" "master exit status"
grep -q 'stopped' "$LOG" || fail "the master did not log 'stopped'"
ok "master logged 'stopped'"
