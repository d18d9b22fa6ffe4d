#!/bin/bash
# bench/cluster.sh: cluster mode (docs/cluster.md) against one host, in one
# run, on one machine:
#
#   1. one host: jsfpm on its local SQLite file; and a 3-host cluster: the
#      real jsfpm on three network namespaces (tests/integration/db/
#      cluster_lib.sh), each master running its dqlite node.  Every server
#      serves bench/app (plus /write-code and /fill, below) with WORKERS workers;
#      its tables come from a migration, the same on both (the cluster has
#      no file to copy mkdb.sh's database into).
#   2. /write, /read and /mixed with wrk (-t1 -cCONN -dDURs --latency)
#      straight at jsfpm's HTTP door: the one host's, and host 1's of the
#      cluster (wrk runs inside host 1's namespace); then through one nginx
#      (FastCGI): to the one host, and to one upstream over the three
#      hosts' sockets; requests/s, p50, p99, errors and the ratios cluster /
#      one host.
#   3. a leader failover under a write load: CLIENTS curl loops of
#      /write-code through the leader's host, SIGKILL of the leader's node
#      process after a few seconds; the longest gap between acknowledged
#      writes, p50/p99 of the requests during the run, and the outcomes.
#   4. the node processes' RSS (`jsfpm: cluster node`) after /fill has
#      loaded FILL_MB (total MB, ascending) of incompressible rows.
#
# usage: JSFPM=BUILD/jsfpm bench/cluster.sh   (as root: ip netns)
# BUILD must hold tests/cluster/cluster_driver too (configure with cluster
# mode on; `make jsfpm tests/cluster/cluster_driver`).  Environment: DUR
# (seconds per wrk run, default 8), CONN (wrk connections, default 16),
# CLIENTS (failover writers, default 4), FAILOVER_S (length of the
# failover load, default 20), FILL_MB (default "10 50 100"; empty: no fill), WORKERS
# (workers per jsfpm, the one host's and each cluster host's, default 2:
# a host's group commit holds at most this many writes).
# It cleans up after itself (lib.sh's exit trap: processes, namespaces,
# the temporary directory).
set -u
DUR=${DUR:-8} CONN=${CONN:-16} CLIENTS=${CLIENTS:-4} FAILOVER_S=${FAILOVER_S:-20}
FILL_MB=${FILL_MB-10 50 100} WORKERS=${WORKERS:-2}
BENCH=$(cd "$(dirname "$0")" && pwd)
TOP=$(dirname "$BENCH")
. "$TOP/tests/integration/lib.sh"
. "$TOP/tests/integration/db/cluster_lib.sh"
require_tool wrk wrk
require_tool curl curl
set +e # a bench reports what it saw; failures below are reported, not fatal

# ---- the app: bench/app, its tables from a migration, two more routes --------

mkdir -p "$T/app/migrations"
cat >"$T/app/migrations/001_bench.sql" <<'SQL'
-- the schema and rows of ../shared/bench/peers/mkdb.sh, plus fill
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
INSERT INTO users SELECT i, 'user' || i, 'user' || i || '@example.org' FROM n;
CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL);
CREATE TABLE fill (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
SQL
{
  sed '/^module.exports = app;$/d' "$BENCH/app/main.js"
  cat <<'JS'

/* bench/cluster.sh's routes: /write-code is /write answering "acked" or
 * the error's code (the failover load); /fill adds 1 MiB of random,
 * incompressible bytes in 1 KiB rows; /fill-size the bytes in fill. */
app.all('/write-code', function () {
  try {
    writeEvent();
    return new Response('acked');
  } catch (e) {
    return new Response(String(e.code), { status: 503 });
  }
});
app.all('/fill', function () {
  db.execute('WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1024) ' +
             'INSERT INTO fill (data) SELECT randomblob(1024) FROM n');
  return new Response('ok');
});
app.all('/fill-size', function () {
  return new Response(String(db.get('SELECT coalesce(sum(length(data)), 0) AS n FROM fill').n));
});

module.exports = app;
JS
} >"$T/app/main.js"

# ---- the servers ---------------------------------------------------------------

say "one host: jsfpm on a local SQLite file"
ONE_PORT=$(free_port)
mkdir -p "$T/one"
write_config "$T/one.conf" server.listen="$T/one/jsfpm.sock" server.http_listen="127.0.0.1:$ONE_PORT" \
  server.runtime_dir="$T/one/run" server.pid_file="$T/one/jsfpm.pid" server.error_log="$T/one.log" \
  server.listen.mode=0666 app.root="$T/app" app.compile_cache="$T/one/cache" database.path="$T/one/app.db" \
  database.synchronous=full server.workers="$WORKERS"
spawn_group "$T/one.out" "$JSFPM" -c "$T/one.conf"
ONE_PID=$SPAWNED_PID
wait_until "grep -q 'ready:' '$T/one.log'" 30 || fail "the one host did not start: $(tail -n 5 "$T/one.log")"

say "the cluster: jsfpm on three hosts"
cluster_setup 3
for i in 1 2 3; do cluster_start_host "$i" server.listen.mode=0666 database.write_wait=5s server.workers="$WORKERS"; done
cluster_wait_voters 3
for i in 1 2 3; do cluster_wait_ready "$i"; done
[ "$(host_get 1 /read | grep -c '"id"')" = 1 ] || fail "the cluster does not serve /read: $(host_get 1 /read)"

say "nginx: /one/ to the one host, /cluster3/ to one upstream over the three hosts (FastCGI sockets)"
NGINX_PORT=$(free_port)
mkdir -p "$T/nginx"
cat >"$T/nginx.conf" <<CONF
user root;
worker_processes 1;
daemon off;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $T/nginx/body;
  fastcgi_temp_path $T/nginx/fastcgi;
  proxy_temp_path $T/nginx/proxy;
  uwsgi_temp_path $T/nginx/uwsgi;
  scgi_temp_path $T/nginx/scgi;
  upstream one { server unix:$T/one/jsfpm.sock; keepalive 16; }
  upstream cluster3 {
    server unix:$T/host1/jsfpm.sock; server unix:$T/host2/jsfpm.sock; server unix:$T/host3/jsfpm.sock;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location /one/ { include /etc/nginx/fastcgi_params; fastcgi_keep_conn on;
      rewrite ^/one(/.*)\$ \$1 break; fastcgi_pass one; }
    location /cluster3/ { include /etc/nginx/fastcgi_params; fastcgi_keep_conn on;
      rewrite ^/cluster3(/.*)\$ \$1 break; fastcgi_pass cluster3; }
  }
}
CONF
spawn_group "$T/nginx.out" nginx -c "$T/nginx.conf"
NGINX_PID=$SPAWNED_PID
wait_until "curl -fs http://127.0.0.1:$NGINX_PORT/cluster3/hello" 10 || fail "nginx does not answer: $(cat "$T/nginx.out")"

# ---- 2. requests/s ---------------------------------------------------------------

# wrk_figures WRK_OUTPUT: "rps p50_ms p99_ms errors" (the parsing of bench/run).
wrk_figures() {
  awk 'function ms(v) {
      if (v ~ /us$/) return v * 0.001; if (v ~ /ms$/) return v + 0
      if (v ~ /m$/) return v * 60000; if (v ~ /s$/) return v * 1000; return v + 0
    }
    / 50%/ { p50 = ms($2) } / 99%/ { p99 = ms($2) }
    /Requests\/sec/ { rps = $2 }
    /Non-2xx/ { err += $NF }
    /Socket errors/ { gsub(",", ""); err += $4 + $6 + $8 + $10 }
    END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, err }' <<<"$1"
}

date -u '+%Y-%m-%d %H:%M UTC'
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
echo "wrk -t1 -c$CONN -d${DUR}s --latency; $WORKERS workers per host; leader: node $(leader_id)"
echo "one, cluster: jsfpm's HTTP door of the one host, of the cluster's host 1"
echo "one-ngx, cluster3: nginx (FastCGI) to the one host, to one upstream over the three hosts"
printf '%-8s %-10s %9s %9s %9s %7s\n' endpoint server req/s p50_ms p99_ms errors
declare -A RPS
for ep in write read mixed; do
  for srv in one cluster one-ngx cluster3; do
    ns=() # wrk runs where the door is: host 1's namespace for its door
    case $srv in
    one) url=http://127.0.0.1:$ONE_PORT/$ep ;;
    cluster) ns=(in_ns 1) url=http://127.0.0.1:8080/$ep ;;
    one-ngx) url=http://127.0.0.1:$NGINX_PORT/one/$ep ;;
    cluster3) url=http://127.0.0.1:$NGINX_PORT/cluster3/$ep ;;
    esac
    out=$("${ns[@]}" wrk -t1 -c"$CONN" -d"${DUR}s" --timeout 10s --latency "$url" 2>&1)
    echo "$out" >"$T/wrk-$ep-$srv.txt"
    read -r rps p50 p99 err <<<"$(wrk_figures "$out")"
    RPS[$ep.$srv]=$rps
    printf '%-8s %-10s %9s %9s %9s %7s\n' "/$ep" "$srv" "$rps" "$p50" "$p99" "$err"
  done
done
for ep in write read mixed; do
  awk -v e="$ep" -v c="${RPS[$ep.cluster]}" -v o="${RPS[$ep.one]}" -v c3="${RPS[$ep.cluster3]}" \
    -v on="${RPS[$ep.one-ngx]}" 'BEGIN { if (o > 0 && on > 0)
      printf "/%s cluster / one host: %.2fx (doors), %.2fx (nginx)\n", e, c / o, c3 / on }'
done
awk -v c="${RPS[write.cluster]}" -v o="${RPS[write.one]}" -v c3="${RPS[write.cluster3]}" -v on="${RPS[write.one-ngx]}" \
  'BEGIN { if (o > 0 && on > 0) printf "target /write >= 0.5x one host: %s (doors), %s (nginx)\n",
    (c >= 0.5 * o ? "met" : "MISS"), (c3 >= 0.5 * on ? "met" : "MISS") }'
echo "load average after the loads: $(cut -d' ' -f1-3 /proc/loadavg)"
stop_group "$NGINX_PID" TERM 5
stop_group "$ONE_PID" TERM 10

# ---- 3. failover -------------------------------------------------------------------

say "leader failover under a write load"
cluster_wait_voters 3
old=$(leader_id)
# failover_client I: /write-code through the old leader's host until
# $T/stop exists; one line per request: end_ms http_code seconds outcome.
failover_client() {
  local line body
  while [ ! -e "$T/stop" ]; do
    line=$(in_ns "$old" curl -s --max-time 30 -w '|%{http_code} %{time_total}' http://127.0.0.1:8080/write-code 2>&1)
    body=${line%|*}
    body=${body//$'\n'/ }
    echo "$(now_ms) ${line##*|} ${body:-none}"
  done >"$T/fo$1.out"
}
rm -f "$T/stop"
t0=$(now_ms)
clients=()
for c in $(seq 1 "$CLIENTS"); do
  failover_client "$c" &
  clients+=($!)
done
sleep 5
kill_ms=$(now_ms)
host_node_kill "$old"
sleep $((FAILOVER_S - 5))
touch "$T/stop"
wait "${clients[@]}"
sort -n "$T"/fo*.out >"$T/failover.out"
echo "$CLIENTS curl clients for ${FAILOVER_S} s through host $old (the leader's); its node SIGKILLed at 5 s"
awk -v k="$kill_ms" -v t0="$t0" '
  $4 == "acked" { if (last && $1 - last > gap) { gap = $1 - last; at = last }; last = $1; acked++ }
  { n++; out[$4 " (HTTP " $2 ")"]++; lat[n] = $3 * 1000 }
  END {
    printf "requests %d, acknowledged %d\n", n, acked
    for (o in out) printf "  outcome %s: %d\n", o, out[o]
    printf "longest gap between acknowledged writes: %d ms (from %.1f s, the kill at %.1f s)\n",
      gap, (at - t0) / 1000, (k - t0) / 1000
  }' "$T/failover.out"
cut -d' ' -f3 "$T/failover.out" | sort -n | awk '{ v[NR] = $1 * 1000 }
  END { printf "latency over the run: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    v[int(NR * 0.5) + 1], v[int(NR * 0.99) + 1], v[NR] }'
new=$(leader_id)
echo "new leader: node $new"

# ---- 4. the node's memory per MB of data -----------------------------------------

say "the dqlite node's memory as data grows"
cluster_wait_voters 3
rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status"; }
node_rss() {
  local i
  for i in 1 2 3; do printf ' %8s' "$(($(rss_kb "$(node_pid "$i")") / 1024))"; done
}
printf '%-10s %-12s %s\n' fill_MB fill_bytes "RSS MB of nodes 1 2 3 (leader: node $(leader_id))"
printf '%-10s %-12s%s\n' 0 "$(host_get 1 /fill-size)" "$(node_rss)"
done_mb=0
for mb in $FILL_MB; do
  while [ "$done_mb" -lt "$mb" ]; do
    r=$(host_get 1 /fill)
    [ "$r" = ok ] || { echo "fill failed at $done_mb MB: $r"; break 2; }
    done_mb=$((done_mb + 1))
  done
  sleep 2 # a follower applies the last entries after the leader answered
  printf '%-10s %-12s%s\n' "$mb" "$(host_get 1 /fill-size)" "$(node_rss)"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
