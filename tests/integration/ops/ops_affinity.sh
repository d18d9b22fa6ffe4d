#!/bin/bash
# [server] worker_cpu_affinity: with auto each worker runs on one CPU of
# the server's allowed set (worker N on the Nth, round robin), the broker
# and the master stay unpinned, a respawned worker is pinned again, and off
# leaves every worker on the whole set.  A bad value is a config error.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops_lib.sh"

cpus_of() { sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "/proc/$1/status"; }
# The allowed set of this shell, as the kernel lists it (e.g. "0-1").
all=$(cpus_of $$)
ncpu=$(nproc)

say "worker_cpu_affinity = auto"
start_ops_server server.workers=2 server.worker_cpu_affinity=auto
pins=()
for p in $(worker_pids); do
  c=$(cpus_of "$p")
  if [ "$ncpu" -ge 2 ]; then
    [[ "$c" =~ ^[0-9]+$ ]] || fail "worker $p allowed on '$c', not one CPU"
  fi
  pins+=("$c")
done
[ "${#pins[@]}" -eq 2 ] || fail "expected 2 workers, found ${#pins[@]}"
if [ "$ncpu" -ge 2 ]; then
  [ "${pins[0]}" != "${pins[1]}" ] || fail "both workers pinned to CPU ${pins[0]}"
  ok "workers pinned to CPUs ${pins[*]}"
else
  ok "one CPU: workers left on '${pins[*]}'"
fi
assert_eq "$all" "$(cpus_of "$(broker_pid)")" "broker not pinned"
assert_eq "$all" "$(cpus_of "$SERVER_PID")" "master not pinned"
assert_eq 200 "$(http_status "$HTTP_URL/")" "pinned workers serve"

say "a respawned worker is pinned again"
victim=$(worker_pids | head -n 1)
kill -KILL "$victim"
wait_until '[ "$(worker_pids | wc -l)" -eq 2 ] && ! worker_pids | grep -qx "$victim"' 10 ||
  fail "worker not respawned"
for p in $(worker_pids); do
  c=$(cpus_of "$p")
  [ "$ncpu" -lt 2 ] || [[ "$c" =~ ^[0-9]+$ ]] || fail "respawned worker $p allowed on '$c'"
done
ok "respawned worker pinned ($(for p in $(worker_pids); do cpus_of "$p"; done | tr '\n' ' '))"
stop_server

say "worker_cpu_affinity = off (the default)"
start_ops_server server.workers=2
for p in $(worker_pids); do
  assert_eq "$all" "$(cpus_of "$p")" "worker $p on the whole set"
done
stop_server

say "a bad value is refused with file:line"
write_config "$T/bad.conf" server.worker_cpu_affinity=sometimes
out=$("$JSFPM" -t -c "$T/bad.conf" 2>&1) && fail "bad value accepted"
assert_contains "$out" "bad.conf:"
assert_contains "$out" "expected off or auto"
ok "refused: $out"
