#!/bin/bash
# kill_worker.sh: a worker killed with SIGKILL is logged and replaced, and
# requests succeed again within a few seconds.
. "$(dirname "$0")/../lib.sh"

start_server server.workers=2 server.http_listen= server.respawn_delay=100ms

before=$(worker_pids)
assert_eq 2 "$(wc -w <<<"$before")" "number of workers"
broker=$(broker_pid)
[ -n "$broker" ] || fail "no broker pid in the log"
victim=$(head -n 1 <<<"$before")
survivor=$(tail -n 1 <<<"$before")
ok "workers: $(echo $before); broker $broker; killing $victim"

out=$(fcgi --uri /notes) || fail "request before the kill failed: $out"
assert_match "$out" '^Status: 200' "request before the kill"

say "kill -9 worker $victim"
kill -KILL "$victim"
wait_until "! pid_alive $victim" 2 || fail "worker $victim survived SIGKILL?"
wait_log_re "worker [0-9]+ \\(pid $victim[,)].*killed by signal 9" 3

say "a new worker replaces it"
wait_until "[ \$(worker_pids | wc -l) = 2 ] && ! worker_pids | grep -qx $victim" 5 ||
  fail "no replacement worker within 5 s; workers now: $(worker_pids | tr '\n' ' ')"
after=$(worker_pids)
new=$(grep -vxF -e "$victim" -e "$survivor" <<<"$after" || true)
[ -n "$new" ] || fail "no new worker pid among: $(echo $after)"
ok "new worker pid $new"
assert_contains "$after" "$survivor" "workers after the kill (the other one lives on)"
wait_log_re "worker [0-9]+ started, pid $new([^0-9]|\$)" 3
assert_eq "$broker" "$(broker_pid)" "broker pid (untouched)"
pid_alive "$broker" || fail "broker $broker died"

say "requests succeed again (within 5 s)"
wait_until "fcgi --uri /notes | grep -c '^Status: 200'" 5 || fail "no successful request within 5 s"
ok "a request succeeded"
# Enough requests, one connection each, that both workers get some.
fails=0
for i in $(seq 1 10); do
  out=$(fcgi --uri /notes) || true
  grep -q '^Status: 200' <<<"$out" || fails=$((fails + 1))
done
assert_eq 0 "$fails" "failed requests out of 10 after the respawn"
out=$(fcgi --method POST --uri /notes --body '{"body":"after respawn"}' \
  --header 'Content-Type: application/json')
assert_match "$out" '^Status: 201' "a database write after the respawn"

say "the master is still the same process"
pid_alive "$SERVER_PID" || fail "master $SERVER_PID is gone"
assert_eq "$SERVER_PID" "$(cat "$PID_FILE")" "pid file"
