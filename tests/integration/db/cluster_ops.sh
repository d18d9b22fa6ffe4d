#!/bin/bash
# cluster_ops.sh: operations on a cluster of the real jsfpm on four hosts
# (network namespaces): the fourth joins as a stand-by; `jsfpm --backup` in
# cluster mode writes the cluster's database (its leader's DUMP) as a
# standalone SQLite file whose rows match and whose integrity_check is ok;
# `jsfpm --cluster-remove` refuses the leader, a running node and a node
# that is not a member, and removes a voter whose jsfpm was stopped: the
# stand-by is promoted, 3 voters remain, and --cluster-status shows it.
# Before that, host 4 started on the data of its node in another cluster is
# refused (the cluster identity, docs/cluster.md): jsfpm stops with the
# reason, the cluster keeps its members; emptied, the data_dir joins.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

cluster_setup 4

# cstatus I: jsfpm --cluster-status on host I (its exit status kept).
cstatus() { in_ns "$1" "$JSFPM" -c "$T/host$1.conf" --cluster-status; }
# jsfpm_on I ARGS...: the jsfpm command line on host I, with its configuration.
jsfpm_on() { local i=$1; shift; in_ns "$i" "$JSFPM" -c "$T/host$i.conf" "$@"; }
# role_of ID: node ID's role as the leader lists it ("" when not a member).
role_of() { drv 1 members 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'; }
# file_sql FILE SQL: SQL on the SQLite file FILE, read-only.
file_sql() { "$PYTHON" -c 'import sqlite3, sys
c = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
for row in c.execute(sys.argv[2]):
    print("|".join(str(x) for x in row))' "$1" "$2"; }

# identity_of I: the cluster identity in host I's data_dir ("" when none).
identity_of() { sed -n 's/^cluster = \([0-9a-f]\{32\}\)$/\1/p' "$T/data$1/jsfpm-cluster-identity" 2>/dev/null || true; }

say "another cluster: nodes 1 and 4 (the driver's, both voters), then node 1's data removed"
cluster_start_node 1
cluster_start_node 4
wait_until '[ -n "$(identity_of 4)" ] && [ "$(role_of 4)" = voter ]' 30 ||
  fail "node 4 recorded no cluster identity or is no voter: $(drv 1 members 2>&1; tail -n 5 "$T"/node*.log)"
# A row, so that node 4 holds the other cluster's data (a node without Raft
# state is a new node, whatever its identity file says).
drv 1 exec "CREATE TABLE other(v)" >/dev/null
other=$(identity_of 4)
assert_eq "$other" "$(identity_of 1)" "the identity nodes 1 and 4 recorded"
ok "cluster identity $other"
stop_group "${NODE_PID[4]}" TERM 15
stop_group "${NODE_PID[1]}" TERM 15
NODE_PID=()
rm -r "$T/data1"

say "four masters: three voters; the fourth, on the other cluster's data, refused, then a stand-by"
for i in 1 2 3; do cluster_start_master "$i"; done
for i in 1 2 3; do cluster_wait_ready "$i"; done
cluster_wait_voters 3
ours=$(identity_of 1)
[ -n "$ours" ] && [ "$ours" != "$other" ] || fail "host 1's cluster identity: '$ours' (the other: $other)"
assert_eq "$ours $ours" "$(identity_of 2) $(identity_of 3)" "hosts 2 and 3's cluster identity"
cluster_start_master 4
wait_until "! pid_alive ${MASTER_PID[4]}" 30 || fail "jsfpm on host 4 runs on another cluster's data: $(tail -n 5 "$T/host4.log")"
rc=0
wait "${MASTER_PID[4]}" || rc=$?
MASTER_PID[4]=
assert_eq 3 "$rc" "exit status of jsfpm on host 4 (refused)"
assert_contains "$(cat "$T/host4.log")" "cluster node 4 refused: data_dir $T/data4 holds the data of cluster $other, but the cluster of this node's peers is $ours"
assert_contains "$(cat "$T/host4.log")" "empty data_dir (move its files away) and start again as a new node"
assert_contains "$(cat "$T/host4.log")" "cluster node 4 refused to run (the reason above); stopping jsfpm"
assert_not_contains "$(cat "$T/host4.log")" "ready:"
ok "$(grep -o 'cluster node 4 refused: .*' "$T/host4.log" | cut -c1-160)..."
assert_eq 3 "$(drv 1 members | wc -l)" "members after the refusal"
assert_eq "$other" "$(identity_of 4)" "host 4's data_dir, kept"
rm -r "$T/data4"
cluster_start_master 4
cluster_wait_ready 4
wait_until '[ "$(role_of 4)" = standby ]' 30 || fail "node 4 is not a stand-by: $(drv 1 members 2>&1)"
ok "$(drv 1 members | tr '\n' ';')"

say "--backup from the cluster: the leader's rows, a standalone file, integrity ok"
drv 1 exec "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, b BLOB)" >/dev/null
drv 1 exec "INSERT INTO t(v, b) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
  SELECT 'row ' || i || ' ' || hex(randomblob(20)), randomblob(i % 50) FROM n" >/dev/null
drv 1 exec "INSERT INTO t(v) VALUES (?)" "t:héllo wörld" >/dev/null
# A digest of every row; the driver marks each value's type (i:, t:).
digest="SELECT count(*), sum(id), sum(length(v)), sum(length(b)), max(v) FROM t"
want=$(drv 1 query "$digest" | sed 's/\(^\|\t\)[a-z]:/\1/g')
jsfpm_on 2 --backup "$T/backup.db" 2>"$T/backup.err" || fail "backup failed: $(cat "$T/backup.err")"
assert_contains "$(cat "$T/backup.err")" "integrity ok"
ok "$(tr '\n' ' ' <"$T/backup.err")"
assert_eq ok "$(file_sql "$T/backup.db" 'PRAGMA integrity_check')" "the backup's integrity_check"
got=$(file_sql "$T/backup.db" "$digest" | tr '|' '\t')
assert_eq "$want" "$got" "the backup's rows against the cluster's"
assert_eq "héllo wörld" "$(file_sql "$T/backup.db" "SELECT v FROM t WHERE id = 301")" "the last row"
assert_eq "$(drv 1 query 'SELECT count(*) FROM jsfpm_migrations' | sed 's/^i://')" \
  "$(file_sql "$T/backup.db" 'SELECT count(*) FROM jsfpm_migrations')" "the migrations the brokers applied"
assert_eq delete "$(file_sql "$T/backup.db" 'PRAGMA journal_mode')" "the backup's journal mode (one file)"
assert_eq 600 "$(stat -c %a "$T/backup.db")" "the backup's mode"
for f in "$T/backup.db.tmp" "$T/backup.db.tmp-wal" "$T/backup.db.tmp-shm" "$T/backup.db-wal"; do
  [ ! -e "$f" ] || fail "$f was left behind"
done
if jsfpm_on 3 --backup "$T/backup.db" 2>"$T/backup2.err"; then fail "a backup over an existing file succeeded"; fi
assert_contains "$(cat "$T/backup2.err")" "exists; choose a new file name"
ok "an existing DEST is refused"

say "--cluster-remove refuses the leader, a running node, a node that is not a member"
leader=$(leader_id)
[ -n "$leader" ] && [ "$leader" != 4 ] || fail "no leader among the voters: '$leader'"
other=$(jsfpm_on 4 --cluster-remove "$leader" 2>&1) && fail "the leader was removed: $other"
assert_contains "$other" "refused: node $leader at 10.77.0.$leader:$CLUSTER_PORT leads the cluster: stop jsfpm"
ok "$other"
victim=1
[ "$leader" != 1 ] || victim=2
out=$(jsfpm_on 4 --cluster-remove "$victim" 2>&1) && fail "a running node was removed: $out"
assert_contains "$out" "refused: node $victim at 10.77.0.$victim:$CLUSTER_PORT is running: stop jsfpm on that host first"
ok "$out"
out=$(jsfpm_on 4 --cluster-remove 9 2>&1) && fail "node 9 was removed: $out"
assert_contains "$out" "refused: node 9 is not a member of the cluster"
rc=0
out=$(jsfpm_on 4 --cluster-remove 1x 2>&1) || rc=$?
assert_eq 2 "$rc" "exit status of --cluster-remove 1x"
assert_contains "$out" "'1x' is not a node id"
assert_eq 4 "$(drv 1 members | wc -l)" "members after the refusals"

say "stopping voter $victim's jsfpm, then --cluster-remove $victim from another host: 3 voters, the stand-by promoted"
stop_group "${MASTER_PID[$victim]}" TERM 15
MASTER_PID[$victim]=
jsfpm_on 4 --cluster-remove "$victim" 2>"$T/remove.err" || fail "--cluster-remove $victim failed: $(cat "$T/remove.err")"
assert_contains "$(cat "$T/remove.err")" "node $victim removed from the cluster"
ok "$(cat "$T/remove.err")"
wait_until "[ -z \"\$(role_of $victim)\" ] && [ \"\$(role_of 4)\" = voter ]" 30 ||
  fail "node $victim not removed or node 4 not a voter: $(drv 1 members 2>&1)"
cluster_wait_voters 3
status=$(cstatus 4) || fail "--cluster-status on host 4: $status"
assert_contains "$status" "$(printf '%-24s %s' "cluster member:" "4 at 10.77.0.4:$CLUSTER_PORT voter")"
assert_not_contains "$status" "$victim at 10.77.0.$victim:"
assert_contains "$status" "3 voters"
ok "$(echo "$status" | grep 'cluster members:')"
assert_eq 301 "$(drv 1 query 'SELECT count(*) FROM t' | sed 's/^i://')" "rows after the removal"

say "done"
