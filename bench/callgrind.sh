#!/bin/bash
# bench/callgrind.sh ENDPOINT [N1 N2] [BIN]: instructions per request of a
# jsfpm worker and of the broker for ENDPOINT (query string allowed:
# 'list?rows=100'), behind nginx, 1 worker, requests one at a time.  The
# whole server runs under callgrind twice, for N1 and N2 requests (default
# 20 and 220); the difference of each process's total divided by N2 - N1 is
# its cost per request, start-up excluded: exact and independent of how
# busy the machine is.  TOPN=K also lists the K functions that cost the
# worker and the broker most per request (self cost).
set -u
EP=${1:?usage: bench/callgrind.sh ENDPOINT [N1 N2] [BIN]}
N1=${2:-20} N2=${3:-220}
BIN=${4:-${BENCH_DIR:-/tmp/jsfpm-bench}/build/jsfpm}
TOP=$(cd "$(dirname "$0")/.." && pwd)
PEERS=${PEERS:-$TOP/../shared/bench/peers}
BASE_W=${BENCH_DIR:-/tmp/jsfpm-bench}/callgrind
PORT=${PORT:-18498}
command -v valgrind >/dev/null || { echo "missing valgrind: apt-get install valgrind"; exit 2; }
[ "$N2" -gt "$N1" ] || { echo "N2 must be greater than N1"; exit 2; }
. "$TOP/bench/lib.sh"

# run N: serves N requests under callgrind; leaves $W/cg.PID per process
# and sets MASTER (the master's pid, whose file is not counted).
run() {
  W=$BASE_W/$1
  bench_workdir
  bench_nginx_conf proj
  bench_jsfpm_conf proj 1 || exit 2
  setsid nginx -c "$W/nginx.conf" &
  local ng=$!
  setsid valgrind --tool=callgrind --callgrind-out-file="$W/cg.%p" "$BIN" -c "$W/proj.conf" >"$W/logs/valgrind.out" 2>&1 &
  MASTER=$!
  local i ok=
  for i in $(seq 300); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/proj/$EP" && { ok=1; break; }; sleep 0.2; done
  [ -n "$ok" ] || { kill -- -"$ng" -"$MASTER"; echo "no answer on /$EP"; exit 2; }
  for i in $(seq "$1"); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/proj/$EP" || echo "request $i failed"; done
  kill -TERM -- -"$MASTER"
  wait "$MASTER" 2>/dev/null
  kill -- -"$ng" 2>/dev/null
  wait "$ng" 2>/dev/null
}

total() { callgrind_annotate --auto=no "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'; }
# The broker is the process that entered broker_main (an endpoint without
# SQL, /hello, runs no SQLite in it); the other one not the master a worker.
role() { grep -qE '^c?fn=\([0-9]+\) broker_main$' "$1" && echo broker || echo worker; }
files() { # dir master: "role file" lines
  local f
  for f in "$1"/cg.*; do [ "$f" = "$1/cg.$2" ] || echo "$(role "$f") $f"; done
}

run "$N1"; F1=$(files "$W" "$MASTER")
run "$N2"; F2=$(files "$W" "$MASTER")
echo "instructions per request, /$EP (callgrind, $N1 and $N2 requests, 1 worker)"
for who in worker broker; do
  a=$(awk -v w=$who '$1 == w { print $2 }' <<<"$F1") b=$(awk -v w=$who '$1 == w { print $2 }' <<<"$F2")
  printf "  %-7s %10d\n" "$who" $(( ($(total "$b") - $(total "$a")) / (N2 - N1) ))
  [ -n "${TOPN:-}" ] || continue
  # self cost per function, the difference of the two runs
  for f in "$a" "$b"; do
    callgrind_annotate --auto=no --threshold=100 "$f" 2>/dev/null |
      awk '/file:function/ { s = 1; next } s && $1 ~ /^[0-9,]+$/ { v = $1; gsub(",", "", v); $1 = $2 = ""; print v "\t" $0 }'
    echo "--"
  done | awk -F'\t' -v n=$((N2 - N1)) '
    /^--$/ { run++; next }
    { k = $2; sub(/^ +/, "", k); sub(/ \[.*\]$/, "", k); sub(/.*:/, "", k); c[k] += (run ? 1 : -1) * $1 }
    END { for (k in c) if (c[k] / n >= 1) printf "%12.0f  %s\n", c[k] / n, k }' | sort -rn | head -n "$TOPN"
done
