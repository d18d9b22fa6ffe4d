#!/bin/bash
# bench/profile.sh [ENDPOINT] [SECONDS] [JSFPM_BIN]: where a worker's and the
# broker's CPU time goes under load (1 worker behind nginx, wrk -t1 -c8),
# by perf's software cpu-clock sampling (works in VMs without hardware
# counters).  Prints the top symbols of each process, self time.
# Default: /read for 5 s with the binary bench/run builds.
set -u
EP=${1:-read} DUR=${2:-5}
BIN=${3:-${BENCH_DIR:-/tmp/jsfpm-bench}/build/jsfpm}
TOP=$(cd "$(dirname "$0")/.." && pwd)
PEERS=${PEERS:-$TOP/../shared/bench/peers}
W=${BENCH_DIR:-/tmp/jsfpm-bench}/profile
PORT=${PORT:-18497}
command -v perf >/dev/null || { echo "missing perf: apt-get install linux-perf"; exit 2; }
. "$TOP/bench/lib.sh"
bench_start_single "$BIN" || exit 2
curl -fs -o /dev/null "http://127.0.0.1:$PORT/proj/$EP" || { echo "no answer on /$EP"; exit 2; }
perf record -q -e cpu-clock -F 2000 -p "$WORKERS" -o "$W/worker.data" -- sleep "$DUR" 2>/dev/null & P1=$!
perf record -q -e cpu-clock -F 2000 -p "$BROKER" -o "$W/broker.data" -- sleep "$DUR" 2>/dev/null & P2=$!
sleep 0.2
wrk -t1 -c8 -d"$((DUR - 1))s" "http://127.0.0.1:$PORT/proj/$EP" | grep -E "Requests/sec"
wait $P1 $P2
for who in worker broker; do
  echo "== $who, /$EP: self time by symbol"
  perf report -i "$W/$who.data" --no-children --sort symbol --stdio 2>/dev/null |
    grep -E '^ +[0-9.]+%' | head -n "${TOPN:-25}"
done
