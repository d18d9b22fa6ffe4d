#!/bin/bash
# systemd: sd_notify READY=1, STATUS=, RELOADING=1, WATCHDOG=1, STOPPING=1 on a
# NOTIFY_SOCKET; socket activation: requests succeed on a listening socket
# passed through LISTEN_FDS.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops_lib.sh"
"$JSFPM" --help >/dev/null
grep -q '^#define HAVE_LIBSYSTEMD 1' "$(dirname "$JSFPM")/autoconfig.h" 2>/dev/null ||
  skip "built without libsystemd"

say "sd_notify"
python3 - "$T/notify.sock" "$T/notify.out" <<'PY' & listener=$!
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(20)
with open(sys.argv[2], 'w') as out:
    try:
        while True:
            msg = s.recv(4096).decode()
            out.write(msg.replace('\n', '|') + '\n')
            out.flush()
            if 'STOPPING=1' in msg:
                break
    except socket.timeout:
        pass
PY
wait_until "[ -S '$T/notify.sock' ]" 3 || fail "notify listener did not start"
export NOTIFY_SOCKET=$T/notify.sock
export WATCHDOG_USEC=400000   # WatchdogSec=400ms: pings every 200 ms
start_ops_server server.workers=2
unset WATCHDOG_USEC
wait_until "grep -q 'READY=1' '$T/notify.out'" 3 || fail "no READY=1"
ok "READY=1 received"
wait_until "grep -q '^STATUS=.*active.*idle workers' '$T/notify.out'" 3 || fail "no periodic STATUS="
ok "STATUS= received: $(grep '^STATUS=' "$T/notify.out" | tail -n 1)"
wait_until "[ \$(grep -c '^WATCHDOG=1' '$T/notify.out') -ge 3 ]" 3 || fail "no WATCHDOG=1 pings"
ok "WATCHDOG=1 pings received"
kill -HUP "$SERVER_PID"
wait_until "grep -q 'RELOADING=1' '$T/notify.out'" 3 || fail "no RELOADING=1"
wait_log "reload complete"
wait_until "[ \$(grep -c 'READY=1' '$T/notify.out') -ge 2 ]" 3 || fail "no READY=1 after the reload"
ok "RELOADING=1 then READY=1 around the reload"
stop_server
wait "$listener"
assert_contains "$(cat "$T/notify.out")" "STOPPING=1" "notifications"
unset NOTIFY_SOCKET

say "socket activation through LISTEN_FDS"
write_config "$T/act.conf" app.root="$T/app" server.listen="$T/unused.sock" server.http_listen=
cat >"$T/activate.py" <<'PY'
import os, socket, sys
path, jsfpm, conf = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(16)
if s.fileno() != 3:
    os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
env = dict(os.environ, LISTEN_FDS='1', LISTEN_PID=str(os.getpid()))
os.execve(jsfpm, [jsfpm, '-c', conf], env)   # exec keeps our pid
PY
LOG=$T/error.log
: >"$LOG"
spawn_group "$T/act.out" python3 "$T/activate.py" "$T/activated.sock" "$JSFPM" "$T/act.conf"
SERVER_PID=$SPAWNED_PID
wait_until "grep -q 'ready:' '$LOG'" 10 || fail "socket-activated server not ready: $(cat "$T/act.out")"
wait_log "FastCGI socket passed by systemd"
out=$(python3 "$FCGI_CLIENT" --unix "$T/activated.sock" --uri /activated --repeat 3) || fail "FastCGI on the passed socket failed"
assert_eq 3 "$(printf '%s\n' "$out" | grep -c '^v1 /activated')" "responses on the passed socket"
[ ! -e "$T/unused.sock" ] || fail "bound [server] listen although a socket was passed"
ok "[server] listen not bound"
stop_server
