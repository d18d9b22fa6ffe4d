#!/bin/bash
# db_tx.sh: one worker's write transaction does not block the others'
# reads; their writes wait and succeed after its commit; a worker killed
# with SIGKILL mid-transaction has it rolled back at once and the others
# continue.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/db_lib.sh"
require_tool curl curl

write_db_app
start_server app.root="$T/app" server.workers=3 app.request_timeout=30s database.write_wait=10s \
  database.tx_timeout=30s server.respawn_delay=100ms
db_get '/insert?k=seed' >/dev/null

say "a reader is not blocked while another worker holds a write transaction"
# The hold lasts 4 s and the wait for it to start up to 20 s: on a loaded
# machine (CI under a sanitizer) a worker can take seconds to take the
# request, and a shorter hold could end between two polls of /stats.
curl -sS --max-time 30 "$HTTP_URL/hold?ms=4000&k=held" >"$T/hold.out" 2>&1 &
holder=$!
wait_until "db_get /stats | grep -q '\"open_transactions\":1'" 20 || fail "the transaction did not start"
t0=$(now_ms)
assert_eq 1 "$(db_get /count)" "rows seen by a reader during the transaction (last committed state)"
read_ms=$(( $(now_ms) - t0 ))
[ "$read_ms" -lt 1000 ] || fail "the read took $read_ms ms: blocked by the transaction"
ok "read answered in $read_ms ms"

say "a writer waits, then succeeds after the commit"
t0=$(now_ms)
id=$(db_get '/insert?k=waiter')
write_ms=$(( $(now_ms) - t0 ))
wait "$holder" || fail "the holding request failed"
assert_eq committed "$(cat "$T/hold.out")" "holding request"
[ "$write_ms" -ge 500 ] || fail "the write took only $write_ms ms: it did not wait for the transaction"
ok "write waited $write_ms ms, got id $id"
assert_eq 3 "$(db_get /count)" "rows after both"

say "a worker killed mid-transaction: rolled back at once, the others continue"
curl -sS --max-time 30 "$HTTP_URL/hold?ms=20000&k=doomed" >/dev/null 2>&1 &
wait_until "db_get /stats | grep -q '\"open_transactions\":1'" 20 || fail "the transaction did not start"
# The holder spins in JavaScript: the worker whose CPU time grows the most
# over half a second (a single look at the run state could catch another
# worker answering a /stats poll on a loaded machine).
cpu_ticks() { # PID: its utime + stime (fields 14 and 15 of /proc/PID/stat)
  local st
  st=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  set -- ${st##*) }
  echo $((${12} + ${13}))
}
declare -A ticks0=()
for p in $(worker_pids); do ticks0[$p]=$(cpu_ticks "$p"); done
sleep 0.5
victim= best=-1
for p in "${!ticks0[@]}"; do
  d=$(( $(cpu_ticks "$p") - ${ticks0[$p]} ))
  [ "$d" -le "$best" ] || { best=$d; victim=$p; }
done
[ -n "$victim" ] && [ "$best" -gt 0 ] || fail "cannot tell which worker holds the transaction"
kill -KILL "$victim"
ok "killed worker $victim"
t0=$(now_ms)
db_get '/insert?k=after-kill' >/dev/null
ms=$(( $(now_ms) - t0 ))
[ "$ms" -lt 3000 ] || fail "a write after the kill took $ms ms"
ok "a write right after the kill took $ms ms"
assert_eq 0 "$(db_get '/count?k=doomed')" "rows of the killed transaction"
assert_eq 4 "$(db_get /count)" "rows"
wait_log "closed inside a transaction: rolled back" 3
