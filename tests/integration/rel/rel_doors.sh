#!/bin/bash
# rel_doors.sh: bad input at the front doors (FastCGI and HTTP).  Malformed
# records, wrong versions, huge lengths, unknown types, params and headers
# over the limit, oversized bodies, NUL bytes and invalid UTF-8, garbage,
# truncated input and slow clients each get a clear error or a closed
# connection; after each a normal request succeeds, served by the very same
# worker processes (none crashed and was replaced).  The cases live in
# rel_doors.py.
. "$(dirname "$0")/../lib.sh"

max_params=8192
max_body=65536
start_server server.workers=2 server.max_params_size=$max_params server.max_body_size=$max_body

before=$(worker_pids | tr '\n' ' ')
broker=$(broker_pid)
ok "workers: $before broker: $broker"

python3 "$TOP_SRCDIR/tests/integration/rel/rel_doors.py" "$FCGI_SOCK" "$HTTP_ADDR" $max_params $max_body ||
  fail "a bad-input case failed (above)"

say "the same processes serve: nothing crashed"
assert_eq "$before" "$(worker_pids | tr '\n' ' ')" "worker pids after all cases"
assert_eq "$broker" "$(broker_pid)" "broker pid"
# The sanitizers report on stderr, which start_server keeps in server.out.
if grep -Eq 'killed by signal|exited with status [1-9]|Sanitizer|runtime error' "$LOG" "$T/server.out"; then
  fail "the log reports a crash: $(grep -hE 'killed by signal|exited with|Sanitizer|runtime error' "$LOG" "$T/server.out" | head -3)"
fi
ok "no crash in the log"
