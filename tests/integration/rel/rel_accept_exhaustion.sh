#!/bin/bash
# rel_accept_exhaustion.sh (issue 12, item 2): a worker out of file
# descriptors pauses accepting instead of spinning on accept() and logging
# every failure.  The server runs under `ulimit -n 48`; 200 connections
# that send nothing (more than the workers can take) are held for 5 s at
# the FastCGI door, then 5 s at the HTTP door.  Meanwhile the log must grow
# by fewer than 100 lines and the workers use little CPU; once the
# connections close, both doors answer again within 1 s.
. "$(dirname "$0")/../lib.sh"

HOLD_S=5
MAX_LOG_LINES=100
# Generous: a paused worker wakes a few times a second; a spinning one
# uses a whole CPU.
MAX_WORKER_CPU_MS=1500

# Only the server gets the low limit (a soft one, raised again for the
# clients this script starts).
ulimit -S -n 48
start_server server.workers=2 server.log_level=info
ulimit -S -n "$(ulimit -H -n)"
workers=$(worker_pids | tr '\n' ' ')
[ -n "$workers" ] || fail "no workers"

# utime + stime of the workers, in ms.
workers_cpu_ms() {
  local p t=0 hz
  hz=$(getconf CLK_TCK)
  for p in $workers; do
    pid_alive "$p" || fail "worker $p died"
    set -- $(cut -d' ' -f14,15 "/proc/$p/stat")
    t=$((t + $1 + $2))
  done
  echo $((t * 1000 / hz))
}

# exhaust DOOR N_FCGI N_HTTP: holds the connections for HOLD_S, checks the
# pause at DOOR ("FastCGI" or "HTTP") and that both doors serve again.
exhaust() {
  local door=$1 lines0 cpu0 cpu lines
  say "hold $2 FastCGI and $3 HTTP connections for $HOLD_S s under ulimit -n 48"
  lines0=$(wc -l <"$LOG")
  cpu0=$(workers_cpu_ms)
  "$PYTHON" "$TOP_SRCDIR/tests/integration/rel/rel_conns.py" hold "$FCGI_SOCK" "$HTTP_ADDR" "$2" "$3" "$HOLD_S" \
    "$T/holding" || fail "the holding client failed"
  cpu=$(( $(workers_cpu_ms) - cpu0 ))
  lines=$(( $(wc -l <"$LOG") - lines0 ))
  tail -n "$lines" "$LOG" | grep -q "Too many open files" ||
    fail "the workers never ran out of descriptors: the test proves nothing"
  ok "the workers ran out of descriptors"
  [ "$lines" -lt "$MAX_LOG_LINES" ] || fail "the log grew by $lines lines in $HOLD_S s (limit $MAX_LOG_LINES)"
  ok "the log grew by $lines lines"
  [ "$cpu" -lt "$MAX_WORKER_CPU_MS" ] || fail "the workers used $cpu ms of CPU in $HOLD_S s (limit $MAX_WORKER_CPU_MS)"
  ok "the workers used $cpu ms of CPU in $HOLD_S s"
  tail -n "$lines" "$LOG" | grep 'Too many open files' | sed 's/^/      /'
  tail -n "$lines" "$LOG" | grep -q "$door door: accept: Too many open files; pausing" ||
    fail "no pause at the $door door"
  ok "paused at the $door door"

  say "both doors serve again once the connections are closed"
  "$PYTHON" "$TOP_SRCDIR/tests/integration/rel/rel_conns.py" served_again "$FCGI_SOCK" "$HTTP_ADDR" 1 ||
    fail "not served again in time"
  assert_eq "$workers" "$(worker_pids | tr '\n' ' ')" "worker pids (none crashed)"
  # Each pause ends with a notice (so the next one starts with a warning).
  local since="tail -n +$((lines0 + 1)) '$LOG'"
  wait_until "[ \$($since | grep -c 'accepting again') -ge \$($since | grep -c 'pausing the') ]" 5 ||
    fail "a worker never logged the end of its pause"
  eval "$since" | grep 'accepting again' | sed 's/^/      /'
  ok "every paused worker accepts again"
}

exhaust FastCGI 200 0
exhaust HTTP 0 200
stop_server
