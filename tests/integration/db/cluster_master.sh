#!/bin/bash
# cluster_master.sh: the real jsfpm on three hosts (network namespaces)
# with [cluster] configurations: each master starts its host's dqlite node
# process (titled "jsfpm: cluster node I (ADDRESS)"; on host 3 as the
# service user, nobody, in a data_dir the master made for it; root's hosts 1
# and 2 run their children as root) and the three form a
# cluster (`jsfpm --cluster-status` on each: 3 voters, the same leader; the
# status page's cluster section in text, JSON and Prometheus).  A reload
# keeps the node running, also when [cluster] changed (restart-only).
# SIGKILL of a node process is logged, the master starts it again and it
# rejoins.  A node that cannot start fails the start before the broker runs.
# SIGTERM of the leader's master stops its workers, its broker,
# then its node, which hands leadership over: another node leads and every
# process of that host exits.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/cluster_lib.sh"
require_tool curl curl

cluster_setup 3

# cstatus I: jsfpm --cluster-status on host I (its exit status kept).
cstatus() { in_ns "$1" "$JSFPM" -c "$T/host$1.conf" --cluster-status; }
# status_page I [QUERY]: host I's status page.
status_page() { in_ns "$1" curl -sS --max-time 5 "http://127.0.0.1:$CLUSTER_STATUS_PORT/status${2:+?$2}"; }
# leader_of I: the leader's id as host I's node knows it ("" when none).
leader_of() { cstatus "$1" 2>/dev/null | sed -n 's/^cluster leader: *\([0-9][0-9]*\) at .*/\1/p'; }
voters_of() { cstatus "$1" 2>/dev/null | grep -c '^cluster member: .* voter$' || true; }
# line LABEL VALUE: a line of the plain text page (and of --cluster-status).
line() { printf '%-24s %s' "$1" "$2"; }
# all_agree: each host's node lists 3 voters and names the same leader.
all_agree() {
  local i l first=
  for i in 1 2 3; do
    [ "$(voters_of "$i")" = 3 ] || return 1
    l=$(leader_of "$i")
    [ -n "$l" ] || return 1
    [ -z "$first" ] || [ "$l" = "$first" ] || return 1
    first=$l
  done
}

say "--cluster-status without a running node: a clear error, exit status 1"
cluster_master_config 1
out=$(in_ns 1 "$JSFPM" -c "$T/host1.conf" --cluster-status 2>&1) && fail "exit status 0 without a node: $out"
assert_contains "$out" "$(line "cluster leader:" "unavailable:")"
assert_contains "$out" "did not answer: is jsfpm running?"

say "a node that cannot start fails the start, before the broker"
cluster_start_master 1 cluster.address="10.77.0.9:$CLUSTER_PORT" cluster.data_dir="$T/data-bad"
wait_until "! pid_alive ${MASTER_PID[1]}" 30 || fail "the master runs on without its node: $(tail "$T/host1.log")"
rc=0
wait "${MASTER_PID[1]}" || rc=$?
assert_eq 1 "$rc" "the master's exit status"
grep -q 'cluster node failed during start-up; stopping' "$T/host1.log" ||
  fail "no start-up failure logged: $(cat "$T/host1.log")"
grep -q 'cannot listen there' "$T/host1.log" || fail "the node's reason is not logged: $(cat "$T/host1.log")"
! grep -q 'broker started' "$T/host1.log" || fail "the broker started before the node answered"
ok "$(grep -o 'cluster node 1 at 10.77.0.9.*' "$T/host1.log" | head -n 1)"

say "three masters start their nodes, which form a cluster"
# Host 3 runs its children as nobody: the master makes the node's data_dir
# (missing) for that user; the node runs as that user too.
as_user=()
if id nobody >/dev/null 2>&1; then
  chmod 755 "$T" # mktemp made it 0700: nobody must reach its directories
  as_user=(server.user=nobody database.path="$T/host3/db/app.db")
fi
cluster_start_master 1
cluster_start_master 2
cluster_start_master 3 "${as_user[@]+"${as_user[@]}"}"
for i in 1 2 3; do cluster_wait_ready "$i"; done
for i in 1 2 3; do
  pid=$(node_pid "$i")
  [ -n "$pid" ] || fail "host $i's master logged no node start: $(cat "$T/host$i.log")"
  assert_eq "jsfpm: cluster node $i (10.77.0.$i:$CLUSTER_PORT)" "$(tr '\0' ' ' </proc/"$pid"/cmdline | sed 's/ *$//')" \
    "node process title on host $i"
  assert_eq "${MASTER_PID[$i]}" "$(ps -o ppid= -p "$pid" | tr -d ' ')" "the node is host $i's master's child"
done
if [ ${#as_user[@]} -gt 0 ]; then
  assert_eq "nobody" "$(ps -o user= -p "$(node_pid 3)")" "user of host 3's node process"
  assert_eq "nobody 700" "$(stat -c '%U %a' "$T/data3")" "owner and mode of host 3's data_dir"
fi
wait_until all_agree 60 || fail "the three nodes do not agree on 3 voters and a leader:
$(for i in 1 2 3; do cstatus "$i" 2>&1; done)
$(tail -n 5 "$T"/host*.log)"
cstatus 2 >"$T/cs2" || fail "--cluster-status exits non-zero with a leader: $(cat "$T/cs2")"
ok "every node: 3 voters, leader $(leader_of 1); --cluster-status on host 2:
$(sed 's/^/      /' "$T/cs2")"

say "the status page has the cluster section (text, JSON, Prometheus)"
page=$(status_page 2)
assert_contains "$page" "$(line "cluster node:" "2 at 10.77.0.2:$CLUSTER_PORT")"
assert_contains "$page" "$(line "cluster node pid:" "$(node_pid 2)")"
assert_contains "$page" "$(line "cluster node restarts:" 0)"
assert_contains "$page" "$(line "cluster members:" "3 (3 voters, 0 stand-bys, 0 spares)")"
assert_contains "$page" "$(line "cluster node role:" voter)"
leader=$(leader_of 2)
assert_contains "$page" "$(line "cluster leader:" "$leader at 10.77.0.$leader:$CLUSTER_PORT")"
json=$(status_page 2 json)
assert_eq "2 $(node_pid 2) 3 voter True" "$(printf '%s' "$json" | "$PYTHON" -c 'import json, sys
c = json.load(sys.stdin)["cluster"]
print(c["node_id"], c["node_pid"], len(c["members"]), c["members"][0]["role"], c["answered"])')" \
  "JSON cluster: node id, pid, members, a role, answered"
prom=$(status_page 2 prometheus)
assert_contains "$prom" 'jsfpm_cluster_members{role="voter"} 3'
assert_contains "$prom" "jsfpm_cluster_node_up 1"
assert_contains "$prom" 'jsfpm_cluster_node_role{role="voter"} 1'
assert_contains "$prom" "jsfpm_cluster_leader_id $(leader_of 2)"

say "peers that speak garbage or another protocol version: the node survives them"
pid=$(node_pid 1)
# From host 2: random bytes; an unknown protocol version; version 1 and a
# request of an unknown type; version 1 and a header announcing a 32 GiB
# body, then the connection closed.  Each on its own connection.
in_ns 2 "$PYTHON" - "10.77.0.1" "$CLUSTER_PORT" <<'PY'
import os, socket, struct, sys
host, port = sys.argv[1], int(sys.argv[2])
v1 = struct.pack("<Q", 1)
for payload in (os.urandom(4096), struct.pack("<Q", 0xDEADBEEF) + os.urandom(64),
                v1 + struct.pack("<IBBH", 1, 200, 0, 0) + b"\0" * 8,
                v1 + struct.pack("<IBBH", 0xFFFFFFFF, 3, 0, 0) + b"x" * 1000):
    s = socket.create_connection((host, port), timeout=5)
    try:
        s.sendall(payload)
        s.settimeout(2)
        s.recv(4096)  # an answer, the close, or nothing within 2 s
    except OSError:
        pass
    s.close()
PY
sleep 1
pid_alive "$pid" || fail "host 1's node died of a peer's garbage: $(tail -n 5 "$T/host1.log")"
assert_eq "$pid" "$(node_pid 1)" "host 1's node pid after the garbage"
cluster_wait_voters 3
ok "node 1 (pid $pid) still runs and the cluster keeps its 3 voters"

say "a reload keeps the node; a changed [cluster] waits for a restart"
pid=$(node_pid 3)
sed -i '/^\[cluster\]/a network_latency = 150ms' "$T/host3.conf"
kill -HUP "${MASTER_PID[3]}"
wait_until "grep -q 'reload complete' '$T/host3.log'" 30 || fail "host 3 did not reload: $(tail "$T/host3.log")"
grep -q 'reload: \[cluster\] changed; it takes effect only after a restart' "$T/host3.log" ||
  fail "no warning about [cluster] on reload: $(tail "$T/host3.log")"
pid_alive "$pid" || fail "the node process of host 3 did not survive the reload"
assert_eq "$pid" "$(node_pid 3)" "host 3's node pid after the reload"

say "SIGKILL of a node process: logged, started again, it rejoins"
victim=$(leader_of 1)
victim=$(( victim % 3 + 1 )) # a follower
pid=$(node_pid "$victim")
kill -KILL "$pid"
wait_until "grep -q 'cluster node $victim killed by signal 9' '$T/host$victim.log'" 10 ||
  fail "host $victim's master did not log the node's death: $(tail "$T/host$victim.log")"
wait_until "[ -n \"\$(node_pid $victim)\" ] && [ \"\$(node_pid $victim)\" != $pid ]" 10 ||
  fail "host $victim's master did not start the node again: $(tail "$T/host$victim.log")"
ok "host $victim: $(grep -o "cluster node $victim killed by signal 9.*" "$T/host$victim.log" | tail -n 1); new pid $(node_pid "$victim")"
say "killed again at once: restarted after the back-off (respawn_delay, 100 ms)"
pid=$(node_pid "$victim")
kill -KILL "$pid"
wait_until "grep -q 'cluster node $victim: starting it again in 100 ms' '$T/host$victim.log'" 10 ||
  fail "no back-off for the second crash: $(grep 'cluster node' "$T/host$victim.log" | tail -n 5)"
wait_until "[ \"\$(node_pid $victim)\" != $pid ]" 10 || fail "host $victim's master did not start the node again"
ok "second crash: restarted after 100 ms"
# Held for a while: the leader's role management can demote a node that
# came back from a poll taken while it was down (docs/cluster.md, "Roles");
# with one voter short the leader's stop below would leave no quorum.
HOLDS_SINCE_MS=
wait_until "cluster_holds all_agree" 60 || fail "the restarted node did not rejoin:
$(for i in 1 2 3; do cstatus "$i" 2>&1; done)"
assert_contains "$(status_page "$victim")" "$(line "cluster node restarts:" 2)"
ok "node $victim rejoined as a voter; the status page counts 2 restarts"

say "a node that does not answer (stopped): the status page answers anyway, saying so"
pid=$(node_pid "$victim")
kill -STOP "$pid"
page=$(status_page "$victim") || { kill -CONT "$pid"; fail "no status page while the node is stopped"; }
kill -CONT "$pid"
assert_contains "$page" "$(line "cluster leader:" "unavailable:")"
ok "$(echo "$page" | grep '^cluster leader:')"

say "SIGTERM of the leader's master: workers, broker, then the node, which hands over"
old=$(leader_of 1)
others=$(for i in 1 2 3; do [ "$i" = "$old" ] || echo "$i"; done)
t0=$(now_ms)
kill -TERM "${MASTER_PID[$old]}"
wait_until "! group_alive ${MASTER_PID[$old]}" 30 ||
  fail "host $old: processes still alive 30 s after SIGTERM: $(pgrep -a -g "${MASTER_PID[$old]}")"
stop_ms=$(( $(now_ms) - t0 ))
stop_group "${MASTER_PID[$old]}" KILL 1
log=$T/host$old.log
grep -q 'stopping on signal 15' "$log" || fail "host $old's node did not stop on SIGTERM: $(tail "$log")"
grep -q "cluster node $old exited with status 0" "$log" || fail "host $old's node did not exit cleanly: $(tail "$log")"
broker_line=$(grep -n 'broker exited\|broker killed' "$log" | tail -n 1 | cut -d: -f1)
node_line=$(grep -n "cluster node $old exited" "$log" | tail -n 1 | cut -d: -f1)
[ -n "$broker_line" ] && [ "$broker_line" -lt "$node_line" ] ||
  fail "the node did not stop after the broker: $(tail -n 20 "$log")"
ok "host $old stopped in $stop_ms ms, its node after its broker; every process gone"
t0=$(now_ms)
new_leader() {
  local i l
  for i in $others; do
    l=$(leader_of "$i")
    [ -n "$l" ] && [ "$l" != "$old" ] && return 0
  done
  return 1
}
wait_until new_leader 15 || fail "no other node leads after node $old left:
$(for i in $others; do cstatus "$i" 2>&1; done)"
ok "node $(leader_of "$(echo "$others" | head -n 1)") leads, seen $(( $(now_ms) - t0 )) ms after host $old stopped"
