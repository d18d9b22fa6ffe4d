#!/bin/bash
# bench/neighbour.sh BIN_A BIN_B [ROUNDS] [SECONDS] [SLOW_MS]: how long a
# short request waits behind another request's long one, through nginx's
# kept-alive upstream connections (the recommended config: an upstream
# with keepalive 16, fastcgi_keep_conn on).  Each binary runs 2 workers on
# its own copy of the bench database behind the same nginx.  Per round and
# binary: one client sends /spin?ms=SLOW_MS back to back (so one worker is
# always busy with a long request) while wrk -t1 -c2 sends /hello; prints
# /hello's latency (p50, p99, max) and rate.  The other worker is idle all
# along, so a /hello that takes about SLOW_MS waited behind the long
# request on a connection of the busy worker.  Defaults: 3 rounds of 10 s,
# SLOW_MS 500.
set -u
A=$1 B=$2 ROUNDS=${3:-3} DUR=${4:-10} SLOW_MS=${5:-500}
TOP=$(cd "$(dirname "$0")/.." && pwd)
PEERS=${PEERS:-$TOP/../shared/bench/peers}
W=${BENCH_DIR:-/tmp/jsfpm-bench}/neighbour
PORT=${PORT:-18491}
. "$TOP/bench/lib.sh"
bench_workdir
bench_nginx_conf a b
bench_jsfpm_conf a 2 || exit 2
bench_jsfpm_conf b 2 || exit 2
bench_start_ab "$A" "$B"
for x in a b; do curl -fs -o /dev/null "http://127.0.0.1:$PORT/$x/hello" || { echo "no answer from $x"; exit 2; }; done
echo "nginx keepalive 16; 2 workers; a /spin?ms=$SLOW_MS loop keeps one worker busy; wrk -t1 -c2 /hello for $DUR s"
for r in $(seq "$ROUNDS"); do
  for x in a b; do
    end=$(( $(date +%s) + DUR ))
    ( while [ "$(date +%s)" -lt "$end" ]; do
        curl -fs -o /dev/null --max-time 30 "http://127.0.0.1:$PORT/$x/spin?ms=$SLOW_MS"; done ) &
    spinner=$!
    sleep 0.2
    out=$(wrk -t1 -c2 -d"${DUR}s" --latency "http://127.0.0.1:$PORT/$x/hello")
    wait "$spinner"
    echo "$out" | awk -v x=$x -v r=$r '
      / 50%/ { p50 = $2 } / 99%/ { p99 = $2 } /^ +Latency +[0-9]/ { max = $4 } /Requests\/sec/ { rps = $2 }
      /Non-2xx/ { e += $NF } /Socket errors/ { gsub(",", ""); e += $4 + $6 + $8 + $10 }
      END { printf "round %d %s: /hello p50 %8s  p99 %8s  max %8s  %8.0f req/s  errors %d\n", r, toupper(x), p50, p99, max, rps, e }'
  done
done
