#!/bin/bash
# pm = ondemand | dynamic (issue 17): php-fpm's process managers.  ondemand
# starts no worker until a connection waits, starts more while connections
# wait and none is idle (up to workers), and stops workers idle for
# pm.process_idle_timeout; dynamic keeps the idle workers between
# pm.min_spare_servers and pm.max_spare_servers.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops_lib.sh"
require_tool curl curl

nworkers() { worker_pids | wc -l; }

say "ondemand: no worker until a request comes"
start_ops_server server.workers=3 server.pm=ondemand server.pm.process_idle_timeout=1s app.request_timeout=30s
assert_eq 0 "$(nworkers)" "workers after start"
assert_eq 0 "$(status_field total_workers)" "status total_workers"
assert_eq ondemand "$(status_field process_manager)" "status process_manager"
t0=$(now_ms)
assert_eq "v1 /first" "$(curl -sS --max-time 10 "$HTTP_URL/first")" "the first request, served by a worker started for it"
ok "first request answered in $(( $(now_ms) - t0 )) ms"
assert_eq 1 "$(nworkers)" "workers after one request"
wait_log "pm: starting worker 0 (a connection waits)"

say "ondemand: a worker that crashed is started again for the next connection"
crashed=$(worker_pids)
kill -KILL "$crashed"
wait_until '[ "$(nworkers)" = 0 ]' 10 || fail "the killed worker $crashed is still there"
assert_eq "v1 /after-crash" "$(curl -sS --max-time 10 "$HTTP_URL/after-crash")" "a request after the crash"
[ "$(worker_pids)" != "$crashed" ] || fail "the killed worker's pid serves on"
assert_eq 1 "$(status_field crashed_children)" "status crashed_children"

say "ondemand: waiting connections start more workers, up to workers"
# At the FastCGI door, nginx's: a connection a worker took just before its
# request went long waits in the hand-off queue, which the master counts.
for i in 1 2 3 4; do fcgi --uri /busy/2000 >"$T/busy$i" & eval "busy$i=\$!"; done
wait_until '[ "$(status_field active_workers)" = 3 ]' 10 || fail "not 3 busy workers: $(status_field active_workers)"
ok "3 workers busy"
[ "$(nworkers)" -le 3 ] || fail "more than 3 workers: $(nworkers)"
wait "$busy1" "$busy2" "$busy3" "$busy4" || fail "a busy request failed"
assert_eq 4 "$(cat "$T"/busy? | grep -c 'v1 busy done')" "the four requests answered"

say "ondemand: idle workers stop after pm.process_idle_timeout"
wait_until '[ "$(nworkers)" = 0 ]' 10 || fail "workers still running: $(nworkers)"
wait_log "pm: stopping worker"
assert_eq 0 "$(status_field total_workers)" "status total_workers"
assert_eq "v1 /again" "$(curl -sS --max-time 10 "$HTTP_URL/again")" "a request after all stopped"
wait_until '[ "$(nworkers)" = 0 ]' 10 || fail "workers still running: $(nworkers)"
assert_contains "$(fcgi --uri /fcgi)" "v1 /fcgi" "a request at the FastCGI door when no worker runs"

say "ondemand: a worker holding a kept-alive connection stays until it is closed"
python3 - "$HTTP_ADDR" "$T/kept" <<'PY' & kept=$!
import http.client, os, sys, time
host, port = sys.argv[1].rsplit(':', 1)
c = http.client.HTTPConnection(host, int(port), timeout=10)
c.request('GET', '/kept')
r = c.getresponse()
r.read()
open(sys.argv[2], 'w').close()
time.sleep(4)           # idle on the open connection, past pm.process_idle_timeout (and the 2 s below)
c.close()
PY
wait_until "[ -f '$T/kept' ]" 10 || fail "the kept-alive request failed"
wait_until '[ "$(nworkers)" = 1 ]' 10 || fail "not one worker: $(nworkers)"
kept_pid=$(worker_pids)
sleep_until=$(( $(now_ms) + 2000 ))
while [ "$(now_ms)" -lt "$sleep_until" ]; do
  [ "$(worker_pids | tr '\n' ' ')" = "$kept_pid " ] ||
    fail "the worker $kept_pid with a kept-alive connection went: workers now $(worker_pids | tr '\n' ' ')"
  sleep 0.2
done
ok "its worker stayed 2 s past pm.process_idle_timeout"
wait "$kept"
wait_until '[ "$(nworkers)" = 0 ]' 10 || fail "the worker did not stop once the connection closed"
ok "stopped once the connection closed"

say "ondemand: a kept-alive FastCGI connection handed off during a long request starts a worker"
# As nginx does: request k1 on kept-alive connection K (worker 0 starts for
# it), then a long request on another connection; worker 0, busy with it,
# passes the idle K to the hand-off queue, and the master starts a worker
# for it, which serves k2 on K while the long request still runs.
python3 - "$TOP_SRCDIR/tests/integration" "$FCGI_SOCK" "$T/k" <<'PY' & kconn=$!
import argparse, os, sys, time
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
import fcgi_client as fc
flag = sys.argv[3]
def request(conn, uri):
    a = argparse.Namespace(unix=sys.argv[2], tcp=None, timeout=20, split_bytes=False, uri=uri,
                           method='GET', body=None, body_file=None, header=[], param=[])
    conn = conn or fc.Conn(a)
    conn.send(fc.request_bytes(a, b''))
    body = b''
    while True:
        rtype, _, content = conn.read_record()
        if rtype == fc.FCGI_STDOUT:
            body += content
        elif rtype == fc.FCGI_END_REQUEST:
            return conn, body
conn, body = request(None, '/k1')
open(flag + '1', 'wb').write(body)
while not os.path.exists(flag + 'go'):
    time.sleep(0.02)
conn, body = request(conn, '/k2')
open(flag + '2', 'wb').write(body)
conn.sock.close()
PY
wait_until "[ -f '$T/k1' ]" 10 || fail "request k1 failed"
assert_contains "$(cat "$T/k1")" "v1 /k1" "k1 on the kept-alive connection"
k_pid=$(worker_pids)
fcgi --uri /busy/4000 >"$T/long" & long=$!
wait_until '[ "$(status_field active_workers)" = 1 ]' 10 || fail "the long request never showed"
wait_until '[ "$(nworkers)" = 2 ] || ! kill -0 '"$long" 10
kill -0 "$long" 2>/dev/null || fail "no worker started for the handed-off connection while the long request ran"
ok "a second worker started while worker $k_pid ran the long request"
touch "$T/kgo"
wait_until "[ -f '$T/k2' ]" 10 || fail "request k2 failed"
kill -0 "$long" 2>/dev/null || fail "k2 was answered only after the long request"
assert_contains "$(cat "$T/k2")" "v1 /k2" "k2 on the handed-off connection, answered while the long request runs"
wait "$kconn" "$long" || fail "a request failed"
assert_contains "$(cat "$T/long")" "v1 busy done" "the long request"
wait_until '[ "$(nworkers)" = 0 ]' 10 || fail "workers still running: $(nworkers)"

say "ondemand: a reload with no worker to wait for"
kill -HUP "$SERVER_PID"
wait_log "reload complete: generation 2"
assert_eq "v1 /after-reload" "$(curl -sS --max-time 10 "$HTTP_URL/after-reload")" "served after the reload"
stop_server

say "dynamic: start_servers, then between the spare bounds"
start_ops_server server.workers=4 server.pm=dynamic server.pm.start_servers=2 server.pm.min_spare_servers=1 \
  server.pm.max_spare_servers=2 app.request_timeout=30s
assert_eq 2 "$(nworkers)" "workers after start (pm.start_servers)"
curl -sS -o /dev/null --max-time 20 "$HTTP_URL/busy/4000" & b1=$!
wait_until '[ "$(status_field active_workers)" = 1 ]' 8 || fail "the first busy request never showed"
curl -sS -o /dev/null --max-time 20 "$HTTP_URL/busy/4000" & b2=$!
# Both busy, no idle one: fewer than pm.min_spare_servers idle.
wait_until '[ "$(status_field idle_workers)" -ge 1 ] && [ "$(status_field active_workers)" = 2 ]' 10 ||
  fail "no spare worker started: $(status_field idle_workers) idle"
assert_eq 3 "$(nworkers)" "workers with two busy"
wait "$b1" "$b2"
# Three idle, more than pm.max_spare_servers: one stops.
wait_until '[ "$(nworkers)" = 2 ]' 10 || fail "the extra idle worker did not stop: $(nworkers)"
ok "back to 2 workers"
stop_server

say "pm.start_servers outside the spare bounds is refused with file and line"
write_config "$T/bad.conf" server.pm=dynamic server.pm.start_servers=5 server.pm.max_spare_servers=3 server.workers=8
ERR=$("$JSFPM" -t -c "$T/bad.conf" 2>&1) && fail "accepted"
line=$(grep -n '^pm.start_servers' "$T/bad.conf" | cut -d: -f1)
assert_contains "$ERR" "$T/bad.conf:$line: [server] pm.start_servers: must lie between" "error"
