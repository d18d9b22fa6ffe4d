#!/bin/bash
# bench/stream_export.sh [MIB] [PIECE_KIB] [JSFPM_BIN]: a streamed export
# through nginx (issue 21): 1 worker, bench/apps/export's /export, which
# yields MIB MiB (default 1024) from a generator in PIECE_KIB KiB pieces
# (default 64), read by curl as fast as it can.  Prints the time, the
# throughput and the worker's RSS before, at its highest (sampled every
# 100 ms) and after: a streamed body is never held whole, so the RSS stays
# flat whatever the size (target: growth under 5 MB).
# Default binary: the one bench/run builds.
set -u
MIB=${1:-1024} PIECE=${2:-64}
BIN=${3:-${BENCH_DIR:-/tmp/jsfpm-bench}/build/jsfpm}
TOP=$(cd "$(dirname "$0")/.." && pwd)
PEERS=${PEERS:-$TOP/../shared/bench/peers}
W=${BENCH_DIR:-/tmp/jsfpm-bench}/export
PORT=${PORT:-18498}
[ -x "$BIN" ] || { echo "no jsfpm binary at $BIN (run bench/run once, or pass one)"; exit 2; }
. "$TOP/bench/lib.sh"
bench_workdir
bench_nginx_conf proj
BENCH_APP_KEYS="request_timeout = 600s" bench_jsfpm_conf proj 1 "$TOP/bench/apps/export" || exit 2
setsid nginx -c "$W/nginx.conf" &
NGINX_PID=$!
setsid "$BIN" -c "$W/proj.conf" &
JSFPM_PID=$!
trap 'kill -- -$NGINX_PID -$JSFPM_PID 2>/dev/null' EXIT
URL=http://127.0.0.1:$PORT/proj
for _ in $(seq 100); do curl -fs -o /dev/null "$URL/hello" && break; sleep 0.1; done
bench_children "$JSFPM_PID" || { echo "cannot find the worker"; exit 2; }
WORKER=$WORKERS
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$WORKER/status"; }
# Warm up: the generator's code, the first pieces, the buffers.
curl -fs -o /dev/null "$URL/export?mb=8&piece=$PIECE" || { echo "no answer on /export"; exit 2; }
before=$(rss_kb)
( max=$before; while kill -0 "$WORKER" 2>/dev/null && [ ! -f "$W/done" ]; do
    r=$(rss_kb); [ "${r:-0}" -gt "$max" ] && max=$r; echo "$max" >"$W/max"; sleep 0.1; done ) &
SAMPLER=$!
t0=$(date +%s%N)
bytes=$(curl -fsS -o /dev/null -w '%{size_download}' "$URL/export?mb=$MIB&piece=$PIECE") || { echo "curl failed"; exit 1; }
t1=$(date +%s%N)
touch "$W/done"
wait "$SAMPLER"
after=$(rss_kb)
max=$(cat "$W/max")
ms=$(( (t1 - t0) / 1000000 ))
echo "streamed export through nginx: $MIB MiB in $PIECE KiB pieces, 1 worker, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  $bytes bytes in $ms ms: $(awk -v b="$bytes" -v ms="$ms" 'BEGIN { printf "%.0f", b / 1048576 / (ms / 1000) }') MiB/s"
echo "  worker RSS: before $((before / 1024)).$(( (before % 1024) * 10 / 1024 )) MB, highest $((max / 1024)).$(( (max % 1024) * 10 / 1024 )) MB, after $((after / 1024)).$(( (after % 1024) * 10 / 1024 )) MB"
growth=$((max - before))
echo "  growth $((growth / 1024)).$(( (growth % 1024) * 10 / 1024 )) MB: $( [ "$growth" -lt 5120 ] && echo met || echo MISS) (target < 5 MB)"
