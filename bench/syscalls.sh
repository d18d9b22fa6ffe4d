#!/bin/bash
# bench/syscalls.sh [JSFPM_BIN] [REQUESTS]: system calls per request made by
# a jsfpm worker and by the broker, per endpoint, behind nginx (1 worker, 4
# connections).  Unlike requests/s this does not depend on how busy the
# machine is, so it shows what a change to the request path saves even on a
# loaded box.  Needs strace.  Default binary: the one bench/run builds.
# ENDPOINTS="big list" measures others of bench/app.
set -u
BIN=${1:-${BENCH_DIR:-/tmp/jsfpm-bench}/build/jsfpm}
N=${2:-2000}
TOP=$(cd "$(dirname "$0")/.." && pwd)
PEERS=${PEERS:-$TOP/../shared/bench/peers}
W=${BENCH_DIR:-/tmp/jsfpm-bench}/syscalls
PORT=${PORT:-18495}
command -v strace >/dev/null || { echo "missing strace: apt-get install strace"; exit 2; }
. "$TOP/bench/lib.sh"
bench_start_single "$BIN" || exit 2
WK=$WORKERS BR=$BROKER
echo "system calls per request (strace -c; wrk -t1 -c4 -d3s through nginx, 1 worker)"
for ep in ${ENDPOINTS:-hello read write mixed}; do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/proj/$ep" || { echo "no answer on /$ep"; exit 2; }
  strace -c -p "$WK" -o "$W/worker-$ep.txt" 2>/dev/null & S1=$!
  strace -c -p "$BR" -o "$W/broker-$ep.txt" 2>/dev/null & S2=$!
  sleep 0.5
  n=$(wrk -t1 -c4 -d3s "http://127.0.0.1:$PORT/proj/$ep" | awk '/requests in/ { print $1 }')
  kill -INT $S1 $S2 2>/dev/null; wait $S1 $S2 2>/dev/null
  for who in worker broker; do
    awk -v n="$n" -v ep="/$ep" -v who=$who '
      $1 ~ /^[0-9.]+$/ && NF >= 5 && $NF != "total" { calls[$NF] = $4; tot += $4 }
      END {
        line = ""; for (k in calls) if (calls[k] / n >= 0.05) line = line sprintf(" %s %.2f", k, calls[k] / n)
        printf "%-7s %-7s %6.2f  %s   (%d requests)\n", ep, who, tot / n, line, n
      }' "$W/$who-$ep.txt"
  done
done
