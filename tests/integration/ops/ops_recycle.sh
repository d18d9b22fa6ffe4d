#!/bin/bash
# max_requests = 50: every worker serves exactly 50 requests, its
# replacement is started first, and no request fails.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops_lib.sh"

start_ops_server server.workers=2 server.max_requests=50 server.log_level=debug
http_loop 330 /r "$T/load.out" || fail "requests failed: $(grep -c ERROR "$T/load.out")"
assert_eq 0 "$(grep -vc '^200 ' "$T/load.out" || true)" "non-200 responses"
# 330 requests, 50 a worker: at least 5 workers filled up and were replaced.
wait_until '[ "$(grep -c "exiting after" "$LOG")" -ge 5 ]' 5 ||
  fail "expected at least 5 recycled workers, log shows $(grep -c 'exiting after' "$LOG")"
counts=$(sed -n 's/.*exiting after \([0-9]*\) requests.*/\1/p' "$LOG" | sort -u | tr '\n' ' ')
assert_eq "50 " "$counts" "requests served by each recycled worker"
wait_until '[ "$(grep -c "exiting after" "$LOG")" = "$(grep -c "replaced by pid" "$LOG")" ]' 3 ||
  fail "retired workers ($(grep -c 'exiting after' "$LOG")) != ready replacements ($(grep -c 'replaced by pid' "$LOG"))"
ok "every retired worker had a ready replacement first"
recycled=$(status_field recycled_workers)
[ "$recycled" -ge 5 ] || fail "status says recycled_workers = $recycled"
ok "status: recycled_workers = $recycled"
wait_until '[ "$(worker_pids | wc -l)" = 2 ]' 3 || fail "pool is not back to 2 workers"
over=$(curl -sS "$(status_url json)" | python3 -c '
import json, sys
print(sum(1 for w in json.load(sys.stdin)["workers"] if w["requests"] > 50))')
assert_eq 0 "$over" "workers above max_requests"

say "max_age recycles idle workers too"
stop_server
start_ops_server server.workers=1 server.max_age=1s
first=$(worker_pids)
wait_until '[ -n "$(worker_pids)" ] && [ "$(worker_pids)" != "'"$first"'" ]' 5 || fail "worker older than max_age not replaced"
wait_log "reached max_age"
assert_eq "v1 /a" "$(curl -sS "$HTTP_URL/a")" "served by the replacement"
stop_server
