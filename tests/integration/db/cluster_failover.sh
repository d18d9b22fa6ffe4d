#!/bin/bash
# cluster_failover.sh: three real dqlite nodes (cluster_node_main, through
# the test driver) on three hosts that are network namespaces, driven by
# jsfpm's dqlite client: the cluster forms (node 1 bootstraps, 2 and 3
# join), typed values cross exactly, a query stopped early leaves its
# connection usable, and SIGKILL of the leader during a write load loses no
# acknowledged row while the writes move to the new leader.  Then: a new
# node 1 refuses to bootstrap a second cluster, the killed node rejoins as
# a voter, group commits (broker/cluster_db.c) survive another SIGKILL of
# the leader with every acknowledged row kept and no row of a group
# reported not run, and SIGTERM hands leadership over.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

cluster_setup 3

say "a node that has not joined (no cluster yet) stops at once on SIGTERM"
# dqlite_node_handover never returns on such a node: it must not be called.
cluster_start_node 2
wait_until "grep -q 'waiting to join' '$T/node2.log'" 15 || fail "node 2 did not start: $(cat "$T/node2.out")"
t0=$(now_ms)
stop_group "${NODE_PID[2]}" TERM 10 1
grep -q 'stopping on signal 15' "$T/node2.log" || fail "node 2 did not stop on SIGTERM (killed): $(tail -n 3 "$T/node2.log")"
ok "stopped in $(( $(now_ms) - t0 )) ms"

for i in 1 2 3; do cluster_start_node "$i"; done

say "the cluster forms: node 1 bootstraps, nodes 2 and 3 join"
cluster_wait_voters 3
grep -q 'joined the cluster through leader' "$T/node2.log" "$T/node3.log" ||
  fail "no node logged joining: $(cat "$T"/node*.log)"
ok "nodes 2 and 3 joined through the leader"

say "the leader search is not held up by an unreachable node"
# 10.77.0.99 is on the bridge's network but no host has it: its connect
# never ends.  The search asks every node at once, so the others' answers
# find the leader within a search bound of 500 ms (asked one at a time,
# that node took the whole bound).
leader=$(in_ns 2 "$DRIVER" leader "10.77.0.99:$CLUSTER_PORT,$NODES" 500) ||
  fail "no leader found past an unreachable node within 500 ms"
assert_eq "$(drv 2 leader)" "$leader" "the leader found past an unreachable node"

say "typed values cross exactly, both ways"
drv 1 exec "CREATE TABLE typed (i INTEGER, f REAL, t TEXT, b BLOB, z, d DATETIME, flag BOOLEAN)" >/dev/null
drv 2 exec "INSERT INTO typed VALUES (?, ?, ?, ?, ?, ?, ?)" \
  i:-9223372036854775808 f:0.1 't:héllo, wörld' x:00ff10 n d:2024-01-02T03:04:05Z B:1 >/dev/null
drv 3 exec "INSERT INTO typed VALUES (?, ?, ?, ?, ?, ?, ?)" \
  i:9223372036854775807 f:-1e308 t: x: n i:1700000000 B:0 >/dev/null
got=$(drv 1 query "SELECT * FROM typed ORDER BY rowid")
tab=$'\t'
expected="i:-9223372036854775808${tab}f:0.10000000000000001${tab}t:héllo, wörld${tab}x:00ff10${tab}n${tab}d:2024-01-02T03:04:05Z${tab}B:1
i:9223372036854775807${tab}f:-1e+308${tab}t:${tab}x:${tab}n${tab}u:1700000000${tab}B:0"
assert_eq "$expected" "$got" "rows read back (int64 extremes, float, UTF-8, blob, NULL, ISO 8601, unix time, boolean)"
assert_eq "t:text${tab}t:integer" "$(drv 2 query "SELECT typeof(d), typeof(flag) FROM typed WHERE rowid = 1")" \
  "storage classes on the leader"

say "INSERT ... RETURNING through a query (fixed in dqlite 1.18.4): the row, and the node serves on"
drv 1 exec "CREATE TABLE ret (id INTEGER PRIMARY KEY, v TEXT)" >/dev/null
assert_eq "i:1${tab}t:a" "$(drv 1 query "INSERT INTO ret (v) VALUES ('a') RETURNING id, v")" "RETURNING row"
drv 1 exec "INSERT INTO ret (v) VALUES ('b')" >/dev/null
assert_eq "i:2" "$(drv 1 query "SELECT count(*) FROM ret")" "rows after the next write"

say "errors come back with SQLite's code and message"
out=$(drv 1 exec "INSERT INTO missing VALUES (1)" 2>&1) && fail "an insert into a missing table succeeded"
assert_contains "$out" "FAILED code 1: no such table: missing"
drv 1 exec "CREATE TABLE acked (id INTEGER PRIMARY KEY)" >/dev/null
drv 1 exec "INSERT INTO acked (id) VALUES (0)" >/dev/null
out=$(drv 1 exec "INSERT INTO acked (id) VALUES (0)" 2>&1) && fail "a duplicate key was accepted"
assert_contains "$out" "FAILED code 1555: UNIQUE constraint failed: acked.id" "SQLITE_CONSTRAINT_PRIMARYKEY"
drv 1 exec "DELETE FROM acked" >/dev/null

say "a query stopped early (interrupt) leaves its connection in step"
# 3000 rows of 16 bytes are a dozen ROWS messages (dqlite sends 4 KiB a piece).
out=$(drv 1 query-stop 5 "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000) SELECT x FROM c")
assert_eq "i:1 i:2 i:3 i:4 i:5 after: i:42" "$(echo $out)" "first rows, then the next query's answer"
assert_eq "3000" "$(drv 1 query "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000) SELECT x FROM c" | wc -l)" \
  "rows of a many-part result"

say "SIGKILL of the leader under a write load: no acknowledged row lost"
cluster_wait_voters 3
spawn_group "$T/load.out" ip netns exec "$(ns_name 1)" "$DRIVER" load "$NODES" 600 "$T/acks"
load_pid=$SPAWNED_PID
wait_until "[ \$(wc -l < '$T/acks' 2>/dev/null || echo 0) -ge 200 ]" 60 ||
  fail "the load made no progress: $(cat "$T/load.out")"
old=$(leader_id)
kill -KILL "${NODE_PID[$old]}"
wait "${NODE_PID[$old]}" 2>/dev/null || true
ok "killed node $old (the leader) after $(wc -l <"$T/acks") acknowledged inserts"
wait_until "! pid_alive $load_pid" 120 || fail "the load did not finish: $(cat "$T/load.out")"
wait "$load_pid" || fail "the load failed: $(cat "$T/load.out")"
echo "   load: $(cat "$T/load.out")"
new=$(leader_id)
[ "$new" != "$old" ] || fail "node $old still leads after it was killed"
ok "node $new leads now"
drv 2 query "SELECT id FROM acked" | sed 's/^i://' | sort -n >"$T/present"
sort -n "$T/acks" >"$T/acked"
missing=$(comm -23 "$T/acked" "$T/present" | wc -l)
assert_eq 0 "$missing" "acknowledged rows missing after the failover"
unknown=$(sed -n 's/.*unknown=\([0-9]*\).*/\1/p' "$T/load.out")
rows=$(wc -l <"$T/present")
[ "$rows" -ge 600 ] && [ "$rows" -le $((600 + unknown)) ] ||
  fail "$rows rows for 600 acknowledged and $unknown of unknown outcome"
ok "$rows rows: 600 acknowledged, $((rows - 600)) of the $unknown with an unknown outcome had committed"

say "a new node 1 does not bootstrap a second cluster beside the first"
# Node 1's configuration with an empty data_dir, on the killed node's host:
# it asks its peers before it binds, and they are in a cluster.
sed -e "s|^data_dir = .*|data_dir = $T/wiped|" -e "s|^error_log = .*|error_log = $T/wiped.log|" \
  "$T/node1.conf" >"$T/wiped.conf"
rc=0
timeout 30 ip netns exec "$(ns_name "$old")" "$DRIVER" node "$T/wiped.conf" || rc=$?
[ "$rc" = 3 ] || fail "a new node 1 with peers in a cluster exited $rc (3: refused): $(cat "$T/wiped.log")"
assert_contains "$(cat "$T/wiped.log")" "already forms a cluster" "its log"

say "the killed node comes back and is a voter again"
cluster_start_node "$old"
cluster_wait_voters 3
assert_eq "ok" "$(drv 1 query "PRAGMA integrity_check" | sed 's/^t://')" "integrity_check"
assert_eq "i:1${tab}t:a" "$(drv 1 query "SELECT * FROM ret WHERE id = 1")" "the RETURNING row, after the failover"

say "group commits (cluster_db_group) across a SIGKILL of the leader"
# Groups of 8 inserts and two that fail alone: a duplicate key, and one with
# ON CONFLICT ROLLBACK, which ends the whole transaction (the group runs
# again without it).  Not-run ids must be absent, acknowledged ones present.
drv 1 exec "INSERT INTO acked (id) VALUES (0)" >/dev/null
drv 1 exec "DELETE FROM acked WHERE id > 0" >/dev/null
spawn_group "$T/group.out" ip netns exec "$(ns_name 2)" "$DRIVER" group-load "$NODES" 800 8 "$T/gacks"
load_pid=$SPAWNED_PID
wait_until "[ \$(wc -l < '$T/gacks' 2>/dev/null || echo 0) -ge 300 ]" 60 ||
  fail "the group load made no progress: $(cat "$T/group.out")"
old=$(leader_id)
kill -KILL "${NODE_PID[$old]}"
wait "${NODE_PID[$old]}" 2>/dev/null || true
ok "killed node $old (the leader) after $(wc -l <"$T/gacks") acknowledged inserts"
wait_until "! pid_alive $load_pid" 120 || fail "the group load did not finish: $(cat "$T/group.out")"
wait "$load_pid" || fail "the group load failed: $(cat "$T/group.out")"
echo "   group load: $(cat "$T/group.out")"
drv 3 query "SELECT id FROM acked WHERE id > 0" | sed 's/^i://' | sort >"$T/present"
sort "$T/gacks" >"$T/acked"
assert_eq 0 "$(comm -23 "$T/acked" "$T/present" | wc -l)" "acknowledged rows missing"
sort "$T/gacks" "$T/gacks.unknown" 2>/dev/null | sort >"$T/maybe"
assert_eq 0 "$(comm -13 "$T/maybe" "$T/present" | wc -l)" "rows neither acknowledged nor of unknown outcome (not run)"
cluster_start_node "$old"
cluster_wait_voters 3

say "SIGTERM: the leader hands over before it stops"
old=$(leader_id)
stop_group "${NODE_PID[$old]}" TERM 20
grep -q 'stopping on signal 15' "$T/node$old.log" || fail "node $old did not stop on SIGTERM: $(tail "$T/node$old.log")"
new=$(leader_id)
[ -n "$new" ] && [ "$new" != "$old" ] || fail "no new leader after node $old stopped"
ok "node $old stopped, node $new leads"
assert_eq "i:$(( $(wc -l <"$T/present") + 1 ))" "$(drv 1 query "SELECT count(*) FROM acked")" "rows on the new leader"
