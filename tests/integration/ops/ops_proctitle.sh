#!/bin/bash
# Process titles (issue 17): ps shows the master with its configuration,
# the broker with its database, each worker with its position, generation
# and the request it runs, or idle.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops_lib.sh"
require_tool curl curl
require_tool ps procps

# title PID: the process's command line as ps shows it.
title() { ps -o args= -p "$1" | sed 's/ *$//'; }
# worker_titles: the workers' titles, sorted.
worker_titles() {
  local p
  for p in $(worker_pids); do title "$p"; done | sort
}

start_ops_server server.workers=2
say "master, broker and idle workers"
assert_eq "jsfpm: master ($CONFIG)" "$(title "$SERVER_PID")" "master title"
# /proc/PID/cmdline itself, not only ps's rendering of it.
assert_eq "jsfpm: master ($CONFIG)" "$(tr -d '\0' <"/proc/$SERVER_PID/cmdline")" "master cmdline"
assert_eq "jsfpm: broker ($DB_PATH)" "$(title "$(broker_pid)")" "broker title"
wait_until '[ "$(worker_titles | tr "\n" "|")" = "jsfpm: worker 0 gen 1 idle|jsfpm: worker 1 gen 1 idle|" ]' 5 ||
  fail "worker titles: $(worker_titles | tr '\n' '|')"
ok "workers: $(worker_titles | tr '\n' '|')"
# The short name stays, so pgrep/pidof/top find every process by it.
for p in "$SERVER_PID" $(child_pids); do assert_eq jsfpm "$(cat "/proc/$p/comm")" "comm of $p"; done

say "a busy worker shows its request, then idle again"
curl -sS --max-time 20 -o "$T/busy.out" "$HTTP_URL/busy/1500?who=ps" & client=$!
wait_until 'worker_titles | grep -qE "^jsfpm: worker [01] gen 1 GET /busy/1500\?who=ps$"' 10 ||
  fail "no worker shows the request: $(worker_titles | tr '\n' '|')"
ok "$(worker_titles | grep busy)"
wait "$client" || fail "the busy request failed"
assert_eq "v1 busy done" "$(cat "$T/busy.out")" "busy response"
wait_until '[ "$(worker_titles | grep -c " idle$")" = 2 ]' 5 ||
  fail "workers not idle again: $(worker_titles | tr '\n' '|')"
ok "both idle again"

say "after a reload the workers show the new generation"
kill -HUP "$SERVER_PID"
wait_log "reload complete: generation 2"
wait_until '[ "$(worker_titles | tr "\n" "|")" = "jsfpm: worker 0 gen 2 idle|jsfpm: worker 1 gen 2 idle|" ]' 10 ||
  fail "worker titles after the reload: $(worker_titles | tr '\n' '|')"
ok "workers: $(worker_titles | tr '\n' '|')"
assert_eq "jsfpm: master ($CONFIG)" "$(title "$SERVER_PID")" "master title after the reload"
stop_server
