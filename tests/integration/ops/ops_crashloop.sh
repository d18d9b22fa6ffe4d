#!/bin/bash
# A worker that crashes at start in a loop does not spin the master:
# respawns back off, respawn_throttle_threshold logs loudly and slows them,
# and the pool recovers once the app is fixed.  The throttle is set under
# its old names (php-fpm's emergency_restart_*): they still work, and the
# log says, at start and on reload, where they are and what to rename them.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops_lib.sh"

# preload = no: each worker compiles the app itself, so a broken main.js
# makes every respawn fail at start.
start_ops_server server.workers=1 server.respawn_delay=100ms app.preload=no \
  server.emergency_restart_threshold=3 server.emergency_restart_interval=60s
for key in threshold interval; do
  line=$(grep -n "^emergency_restart_$key =" "$CONFIG" | cut -d: -f1)
  wait_log "$CONFIG:$line: [server] emergency_restart_$key: deprecated name, read as respawn_throttle_$key"
done
echo "syntax error (" >"$T/app/main.js"
killed_ms=$(now_ms)
kill -KILL "$(worker_pids)"
# 1 at start + respawns at 100, 200, 400 ms, then the emergency floor of
# 60 s / 3 slows them down (a long window: each failed start compiles the
# app, and the compiler heap takes seconds under the sanitizers on a loaded
# machine).  So wait for the respawns rather than for a fixed time; a
# spinning master would show hundreds of starts, far above the bound.
wait_until '[ "$(grep -c "worker 0 started" "$LOG")" -ge 4 ]' 60 ||
  fail "only $(grep -c 'worker 0 started' "$LOG") worker starts after the kill: not respawned"
elapsed_s=$(( ($(now_ms) - killed_ms) / 1000 ))
[ "$elapsed_s" -ge 4 ] || { sleep $((4 - elapsed_s)); elapsed_s=4; }
starts=$(grep -c 'worker 0 started' "$LOG")
[ "$starts" -le $((4 + elapsed_s / 3 + 3)) ] || fail "$starts worker starts in ${elapsed_s} s: respawns are not slowed"
ok "$starts worker starts in ${elapsed_s} s"
wait_log "EMERGENCY: 3 children crashed within 60000 ms"
wait_log "back-off after repeated crashes"
pid_alive "$SERVER_PID" || fail "master died"
cpu=$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")
[ "$cpu" -lt 100 ] || fail "master used $cpu ticks of CPU"
ok "master used $cpu clock ticks"
assert_eq pong "$(curl -sS "http://$STATUS_ADDR/ping")" "master still answers"
[ "$(status_field crashed_children)" -ge 3 ] || fail "crashes not counted"

say "fixing the app brings the pool back"
make_app "$T/app" fixed
wait_until '[ "$(curl -sS "$HTTP_URL/z" 2>/dev/null)" = "fixed /z" ]' 10 || fail "pool did not recover"
ok "serving again"
kill -HUP "$SERVER_PID"
wait_log "reload complete"
wait_log "reload: $CONFIG:$line: [server] emergency_restart_interval: deprecated name"
stop_server
