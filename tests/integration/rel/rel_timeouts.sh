#!/bin/bash
# rel_timeouts.sh: client_timeout at both doors.  With client_timeout = 1s, a
# FastCGI or HTTP connection that sends nothing, or stops half-way through a
# request, or sits idle after a keep-conn reply, is closed after about 1 s;
# one that keeps sending (a byte every 1/3 s) is served.  The worker
# processes are the same afterwards.  The cases live in rel_doors.py.
. "$(dirname "$0")/../lib.sh"

start_server server.workers=1 server.client_timeout=1s
before=$(worker_pids | tr '\n' ' ')

python3 "$TOP_SRCDIR/tests/integration/rel/rel_doors.py" "$FCGI_SOCK" "$HTTP_ADDR" 65536 8388608 timeouts=1 ||
  fail "a timeout case failed (above)"

assert_eq "$before" "$(worker_pids | tr '\n' ' ')" "worker pids after the timeout cases"
grep -q "request stalled for client_timeout" "$LOG" || fail "no log line for the stalled FastCGI request"
ok "the stalled request is in the log"
