#!/bin/bash
# cluster_diskfull.sh: a node whose disk fills up (its data_dir on a 24 MiB
# tmpfs) while 40 MiB of writes go through the cluster: every write is
# acknowledged by the majority, the cluster keeps its leader; once the node
# has room again and is restarted, it catches up: as the leader, its copy
# has every row and passes integrity_check.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

cluster_setup 3
mkdir -p "$T/data3"
mount -t tmpfs -o size=24m,mode=0700 tmpfs "$T/data3" 2>"$T/mount.err" ||
  skip "cannot mount a tmpfs: $(cat "$T/mount.err")"
on_exit 'umount -l "$T/data3" 2>/dev/null || true'
for i in 1 2 3; do cluster_start_master "$i"; done
for i in 1 2 3; do cluster_wait_ready "$i"; done
cluster_wait_voters 3
[ "$(leader_id)" != 3 ] || drv 1 transfer 1 || fail "leadership could not leave node 3"
wait_until '[ "$(leader_id)" != 3 ]' 20 || fail "node 3 still leads"

say "40 MiB of writes while node 3's disk (24 MiB) fills up"
drv 1 exec "CREATE TABLE big(id INTEGER PRIMARY KEY, b BLOB)" >/dev/null
for n in $(seq 1 40); do
  drv 1 exec "INSERT INTO big(b) VALUES (randomblob(1000000))" >"$T/insert.out" 2>&1 ||
    fail "write $n failed: $(cat "$T/insert.out")"
done
used=$(df --output=pcent "$T/data3" | tail -n 1 | tr -d ' %')
[ "$used" -ge 95 ] || fail "node 3's disk is only $used % full: the test did not fill it"
ok "40 writes acknowledged; node 3's disk is $used % full"
assert_eq i:40 "$(drv 1 query "SELECT count(*) FROM big")" "rows on the leader"
assert_eq ok "$(drv 1 exec "INSERT INTO big(b) VALUES (x'00')" >/dev/null && echo ok)" "a write after"

say "node 3 with room again, restarted: it catches up"
mount -o remount,size=256m "$T/data3"
host_node_kill 3
cluster_wait_voters 3 60
drv 1 transfer 3 || fail "leadership could not move to node 3"
wait_until '[ "$(leader_id)" = 3 ]' 20 || fail "node 3 did not become the leader"
assert_eq i:41 "$(drv 1 query "SELECT count(*) FROM big")" "rows on node 3"
assert_eq t:ok "$(drv 1 query "PRAGMA integrity_check")" "node 3's integrity_check"
