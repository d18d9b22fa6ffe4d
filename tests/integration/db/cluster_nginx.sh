#!/bin/bash
# cluster_nginx.sh: the example app, unchanged, on three hosts (network
# namespaces) in cluster mode, behind one nginx upstream over the three
# hosts' FastCGI ports, under a write load that records every acknowledged
# write (tests/integration/db/cluster_load.py).  Faults: SIGKILL of the
# leader's node process, SIGKILL of a whole host's jsfpm (every process of
# it at once, as a crash would) and its restart, and the leader's host cut
# off the network (link down) and back.  After each:
# writes are served again through nginx; at the end every acknowledged
# write is present with its id and body, none twice, and every node's copy
# of the database passes integrity_check with the same rows.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../nginx_lib.sh"
. "$(dirname "$0")/cluster_lib.sh"
require_nginx

FCGI_PORT=9000
cluster_setup 3
# nginx runs in the hub, the namespace of the bridge, with an address on it.
ip -n "$HUB" link set lo up
ip -n "$HUB" addr add 10.77.0.254/24 dev br0

say "the example app on three hosts"
# start_host I: host I's jsfpm, its FastCGI door on its own address.
start_host() {
  cluster_start_master "$1" server.listen="10.77.0.$1:$FCGI_PORT" server.workers=2 database.write_wait=5s
}
for i in 1 2 3; do start_host "$i"; done
cluster_wait_voters 3
for i in 1 2 3; do cluster_wait_ready "$i"; done

# A cut-off host must not hold a request for nginx's default 60 s: one
# second to connect (a host on the private network answers in
# milliseconds), and a reply within 15 s (write_wait is 5 s).
NGINX_LOCATIONS="    location / {
      include $FASTCGI_PARAMS;
      fastcgi_param SCRIPT_NAME \$fastcgi_script_name;
      fastcgi_pass jsfpm;
      fastcgi_keep_conn on;
      fastcgi_connect_timeout 1s;
      fastcgi_read_timeout 15s;
    }"
NGINX_EXEC="ip netns exec $HUB"
NGINX_SERVERS=$(for i in 1 2 3; do printf 'server 10.77.0.%s:%s; ' "$i" "$FCGI_PORT"; done)
start_nginx_front 16
hub_curl() { ip netns exec "$HUB" curl -sS --max-time 30 "$@"; }
assert_contains "$(hub_curl "$URL/")" '"app":"jsfpm example notes"'
for i in 1 2 3; do
  assert_contains "$(hub_curl -X POST -H 'Content-Type: application/json' -d '{"body":"first'"$i"'"}' "$URL/notes")" '"id":'
done
ok "nginx serves the app from the three hosts"

say "a write load through nginx"
: >"$T/acked"
ip netns exec "$HUB" "$PYTHON" "$TOP_SRCDIR/tests/integration/db/cluster_load.py" \
  "127.0.0.1:$NGINX_PORT" 8 "$T/stop" "$T/acked" >"$T/load.out" 2>&1 &
load_pid=$!
acked() { wc -l <"$T/acked"; }

# served_again WHAT [KIND]: waits for 20 writes acknowledged after now and
# checks that the first came within RESUME_LIMIT_MS (cluster_lib.sh); with
# KIND, the time is kept in $T/resume for the summary.
: >"$T/resume"
served_again() {
  local t0 n0 first
  t0=$(now_ms)
  n0=$(acked)
  wait_until "[ \$(acked) -ge $((n0 + 20)) ]" 30 ||
    fail "writes were not served again after $1: $(cat "$T/load.out"; tail -n 3 "$T/acked")"
  first=$(($(sed -n "$((n0 + 1))p" "$T/acked" | cut -d' ' -f3) - t0))
  [ "$first" -le "$RESUME_LIMIT_MS" ] || fail "the first write after $1 was acknowledged after $first ms"
  ok "writes served again after $1: the first acknowledged $first ms after it"
  [ -z "${2:-}" ] || echo "$2 $first" >>"$T/resume"
}
wait_until "[ \$(acked) -ge 50 ]" 30 || fail "the load made no progress: $(cat "$T/load.out")"
ok "$(acked) writes acknowledged before the faults"

# CLUSTER_FAULT_ROUNDS (default 1): rounds of the three faults.  make
# check runs one; the long run by hand (docs/cluster.md) runs 34, 102
# faults.
rounds=${CLUSTER_FAULT_ROUNDS:-1}
for round in $(seq 1 "$rounds"); do
  [ "$rounds" = 1 ] || say "round $round of $rounds"

  say "fault 1: SIGKILL of the leader's node process"
  leader=$(leader_id)
  host_node_kill "$leader"
  served_again "node $leader was killed" kill-node
  cluster_wait_voters 3 60

  say "fault 2: SIGKILL of the whole jsfpm of the leader's host, then its restart"
  leader=$(leader_id)
  stop_group "${MASTER_PID[$leader]}" KILL 2
  served_again "host $leader's jsfpm was killed" kill-host
  start_host "$leader"
  cluster_wait_ready "$leader"
  cluster_wait_voters 3 60
  served_again "host $leader was back"

  say "fault 3: the leader's host cut off the network (link down), then back"
  leader=$(leader_id)
  link_down "$leader"
  served_again "host $leader was cut off" cut-leader
  link_up "$leader"
  cluster_wait_voters 3 60
  served_again "host $leader was back on the network"
done
for kind in kill-node kill-host cut-leader; do
  echo "   first write after $kind, ms: $(grep "^$kind " "$T/resume" | cut -d' ' -f2 | sort -n |
    awk '{ v[NR] = $1 } END { printf "n=%d min=%d median=%d max=%d", NR, v[1], v[int((NR + 1) / 2)], v[NR] }')"
done

touch "$T/stop"
wait "$load_pid" || fail "the load failed: $(cat "$T/load.out")"
ok "load: $(cat "$T/load.out")"

say "every acknowledged write present once, the database intact"
# The test driver prints text values as t:TEXT.
drv 1 query "SELECT body || ' ' || id FROM notes WHERE body LIKE 't%'" | sed 's/^t://' | sort >"$T/present"
cut -d' ' -f1,2 "$T/acked" | sort >"$T/acked.sorted"
missing=$(comm -23 "$T/acked.sorted" "$T/present" | wc -l)
assert_eq 0 "$missing" "acknowledged writes missing (or with another id)"
dups=$(drv 1 query "SELECT body FROM notes GROUP BY body HAVING count(*) > 1" | wc -l)
assert_eq 0 "$dups" "bodies written twice"
ok "$(wc -l <"$T/acked.sorted") acknowledged, $(wc -l <"$T/present") rows of the load"
# dqlite answers SQL on the leader only: leadership goes to each node in
# turn (TRANSFER), and each checks its own copy.
rows=$(wc -l <"$T/present")
for i in 1 2 3; do
  [ "$(leader_id)" = "$i" ] || drv 1 transfer "$i" || fail "leadership could not move to node $i"
  wait_until "[ \"\$(leader_id)\" = $i ]" 20 || fail "node $i did not become the leader"
  assert_eq t:ok "$(drv 1 query "PRAGMA integrity_check")" "integrity_check on node $i"
  assert_eq "i:$((rows + 3))" "$(drv 1 query "SELECT count(*) FROM notes")" "notes on node $i (the load's and 3 first)"
done
echo "   nginx's errors during the faults: $(nginx_errors | sed 's/.*\] [0-9#]*: //; s/,.*//' | sort | uniq -c | tr -s ' ' | paste -sd';')"
