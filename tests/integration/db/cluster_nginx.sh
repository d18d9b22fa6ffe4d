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
# CLUSTER_NETWORK_LATENCY (by hand, to measure another election timing):
# [cluster] network_latency on every host.
start_host() {
  cluster_start_master "$1" server.listen="10.77.0.$1:$FCGI_PORT" server.workers=2 database.write_wait=5s \
    ${CLUSTER_NETWORK_LATENCY:+cluster.network_latency=$CLUSTER_NETWORK_LATENCY}
}
for i in 1 2 3; do start_host "$i"; done
cluster_wait_voters 3
for i in 1 2 3; do cluster_wait_ready "$i"; done

# A cut-off host must not hold a request for nginx's default 60 s: one
# second to connect (a host on the private network answers in
# milliseconds), and a reply within 15 s (write_wait is 5 s).
# CLUSTER_NGINX_KEEP_CONN=off (by hand, to measure it): a connection per
# request instead of kept-alive ones.
NGINX_LOCATIONS="    location / {
      include $FASTCGI_PARAMS;
      fastcgi_param SCRIPT_NAME \$fastcgi_script_name;
      fastcgi_pass jsfpm;
      fastcgi_keep_conn ${CLUSTER_NGINX_KEEP_CONN:-on};
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
: >"$T/failed"
ip netns exec "$HUB" "$PYTHON" "$TOP_SRCDIR/tests/integration/db/cluster_load.py" \
  "127.0.0.1:$NGINX_PORT" 8 "$T/stop" "$T/acked" "$T/failed" >"$T/load.out" 2>&1 &
load_pid=$!
acked() { wc -l <"$T/acked"; }

# fault CMD...: a fault, timed from FAULT_MS, taken just before CMD;
# FAULT_DONE_MS after it (a write sent while CMD runs may be served
# before the fault lands), FAULT_ACKED the writes acknowledged before.
fault() {
  FAULT_ACKED=$(acked)
  FAULT_MS=$(now_ms)
  "$@"
  FAULT_DONE_MS=$(now_ms)
}
# since_fault: the acknowledgements of writes sent after the fault.
since_fault() { tail -n +$((FAULT_ACKED + 1)) "$T/acked" | awk -v t="$FAULT_DONE_MS" '$4 >= t'; }

# leader_named_by I: the id of the leader host I's node knows of (0: none).
leader_named_by() { in_ns "$1" "$DRIVER" names "$(node_address "$1")" 2>/dev/null | cut -d' ' -f1; }

# failed_since: the load's failed requests since FAULT_MS, by status.
failed_since() {
  awk -v t0="$FAULT_MS" '$1 >= t0 { n[$2]++ } END { for (s in n) printf "%s:%d ", s, n[s] }' "$T/failed"
}

# brokers_found HOST...: per host, when its broker found the leader again
# after FAULT_MS, from its log (broker/cluster_db.c's "cluster: leader ...
# found N ms after ... was lost (S searches, M ms)"): "hI +FOUND (lost
# +LOST, S searches)", ms after the fault.
brokers_found() {
  local i
  for i in "$@"; do
    awk -v t0="$FAULT_MS" -v h="$i" '/cluster: leader .* found/ {
        split($1, d, "-"); split($2, t, ":");
        ms = mktime(d[1] " " d[2] " " d[3] " " t[1] " " t[2] " " int(t[3])) * 1000 + substr(t[3], 4) + 0;
        if (ms < t0) next;
        for (k = 1; k < NF; k++) { if ($k == "found") after = $(k + 1); if ($(k + 1) ~ /^searches/) n = substr($k, 2) }
        printf "h%s +%d (lost +%d, %s searches) ", h, ms - t0, ms - after - t0, n; exit }' "$T/host$i.log"
  done
}

# served_again WHAT [KIND FAULTED]: waits for 20 writes sent after
# FAULT_MS to be acknowledged and prints when the first was; with KIND (the fault) and
# FAULTED (its host, the leader's), also when the other hosts' nodes first
# named another leader and when their brokers found it, and keeps the
# times in $T/resume for the summary.  A first write later than
# RESUME_LIMIT_MS (cluster_lib.sh) is listed in $T/slow: the test fails
# with the list at the end, after its checks of the data.
: >"$T/resume"
: >"$T/slow"
served_again() {
  local first twentieth old= named=- j l others=
  if [ -n "${2:-}" ]; then
    old=$3
    others=$(seq 1 3 | grep -vx "$3" | paste -sd' ')
  fi
  while [ "$(since_fault | wc -l)" -lt 20 ]; do
    [ $(($(now_ms) - FAULT_MS)) -lt 30000 ] ||
      fail "writes were not served again after $1: $(cat "$T/load.out"; tail -n 3 "$T/acked")"
    if [ "$named" = - ] && [ -n "$old" ]; then
      for j in $others; do
        l=$(leader_named_by "$j")
        if [ -n "$l" ] && [ "$l" != 0 ] && [ "$l" != "$old" ]; then
          named=$(($(now_ms) - FAULT_MS))
          break
        fi
      done
    fi
    sleep 0.05
  done
  # Served again: the first write sent after the fault to be acknowledged
  # (writes in flight at the fault may be acknowledged in its first
  # milliseconds, committed before it).
  # The 20th: while nginx still sends requests to a host cut off on
  # kept-alive connections, each waits there for fastcgi_read_timeout,
  # and soon every client thread may be waiting.
  first=$(($(since_fault | head -n 1 | cut -d' ' -f3) - FAULT_MS))
  twentieth=$(($(since_fault | sed -n 20p | cut -d' ' -f3) - FAULT_MS))
  if [ -n "${2:-}" ]; then
    ok "writes served again after $1: new leader named +$named ms, first write +$first ms, 20th +$twentieth ms;" \
      "brokers: $(brokers_found $others)failed since: $(failed_since)"
    echo "$2 $first $named $twentieth" >>"$T/resume"
  else
    ok "writes served again after $1: the first acknowledged $first ms after it"
  fi
  [ "$first" -le "$RESUME_LIMIT_MS" ] || echo "$1: $first ms" >>"$T/slow"
}
wait_until "[ \$(acked) -ge 50 ]" 30 || fail "the load made no progress: $(cat "$T/load.out")"
ok "$(acked) writes acknowledged before the faults"

# CLUSTER_FAULT_ROUNDS (default 1): rounds of the three faults.  make
# check runs one; the long run by hand (docs/cluster.md) runs 34, 102
# faults.
rounds=${CLUSTER_FAULT_ROUNDS:-1}
for round in $(seq 1 "$rounds"); do
  [ "$rounds" = 1 ] || say "round $round of $rounds (load average $(cut -d' ' -f1-3 /proc/loadavg))"

  say "fault 1: SIGKILL of the leader's node process"
  leader=$(leader_id)
  pid=$(node_pid "$leader")
  fault kill -KILL "$pid"
  served_again "node $leader was killed" kill-node "$leader"
  cluster_wait_voters 3 60

  say "fault 2: SIGKILL of the whole jsfpm of the leader's host, then its restart"
  leader=$(leader_id)
  fault stop_group "${MASTER_PID[$leader]}" KILL 2
  served_again "host $leader's jsfpm was killed" kill-host "$leader"
  start_host "$leader"
  cluster_wait_ready "$leader"
  cluster_wait_voters 3 60
  fault true
  served_again "host $leader was back"

  say "fault 3: the leader's host cut off the network (link down), then back"
  leader=$(leader_id)
  fault link_down "$leader"
  served_again "host $leader was cut off" cut-leader "$leader"
  fault link_up "$leader"
  cluster_wait_voters 3 60
  served_again "host $leader was back on the network"
done
# Per kind of fault, ms from it: the first acknowledged write, the other
# hosts' nodes naming a new leader, the 20th write; how many came after
# 5 s, the issue's bound.
summary() {
  sort -n | awk -v what="$1" '$1 != "-" { v[++n] = $1; if ($1 > 5000) over++ }
    END { printf "%s n=%d min=%d median=%d max=%d over-5s=%d", what, n, v[1], v[int((n + 1) / 2)], v[n], over }'
}
for kind in kill-node kill-host cut-leader; do
  echo "   $kind: $(grep "^$kind " "$T/resume" | cut -d' ' -f2 | summary "first write, ms:");" \
    "$(grep "^$kind " "$T/resume" | cut -d' ' -f3 | summary "leader named, ms:");" \
    "$(grep "^$kind " "$T/resume" | cut -d' ' -f4 | summary "20th write, ms:")"
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
# turn (TRANSFER), and each checks its own copy.  A write the load gave up
# on (nginx's 504 while its host was cut off) may still commit once that
# host is back, within its request_timeout, even between two nodes' counts
# (seen once in CI: 6,139 rows on node 1, then 6,140 on node 2).  So the
# nodes' counts are compared with each other, in rounds until one round
# sees a single count on all three.
rows=$(wc -l <"$T/present")
for pass in 1 2 3 4 5 6 7 8; do
  counts=""
  for i in 1 2 3; do
    # dqlite may answer "leadership transfer failed" (seen once at the end
    # of a 3-round run): asked again.
    wait_until "[ \"\$(leader_id)\" = $i ] || { drv 1 transfer $i; false; }" 20 ||
      fail "node $i did not become the leader: $(drv 1 transfer "$i" 2>&1)"
    assert_eq t:ok "$(drv 1 query "PRAGMA integrity_check")" "integrity_check on node $i"
    counts="$counts $(drv 1 query "SELECT count(*) FROM notes")"
  done
  [ "$(echo $counts | tr ' ' '\n' | sort -u | wc -l)" = 1 ] && break
  echo "   the nodes' counts differ ($counts ): a late write of the load's; counted again"
  sleep 3
done
set -- $counts
assert_eq "$1 $1 $1" "$1 $2 $3" "notes on nodes 1, 2 and 3, in one round"
count=${1#i:}
[ "$count" -ge $((rows + 3)) ] || fail "$count notes on every node, fewer than the $rows of the load and 3 first"
ok "$count notes on every node ($rows of the load and 3 first when they were read, $((count - rows - 3)) written later)"
echo "   nginx's errors during the faults: $(nginx_errors | sed 's/.*\] [0-9#]*: \*[0-9]* //; s/,.*//' | sort | uniq -c | tr -s ' ' | paste -sd';')"
[ ! -s "$T/slow" ] || fail "writes served again later than $RESUME_LIMIT_MS ms after $(wc -l <"$T/slow") faults: $(paste -sd';' "$T/slow")"
