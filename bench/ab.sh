#!/bin/bash
# bench/ab.sh BIN_A BIN_B [ENDPOINT] [ROUNDS] [SECONDS] [WORKERS]: two jsfpm
# binaries (say, before and after an optimization) behind the same nginx on
# identical copies of the bench database (each its own file, so one
# binary's locking mode or writes cannot touch the other), loaded in alternation (A B A B ...) so machine
# noise hits both alike.  Prints requests/s and the jsfpm tree's CPU time per
# request (and the broker's part of it) for each round, then the medians.
# ENDPOINT may carry a query string (list?rows=100).  Defaults: /hello, 4 rounds of
# 5 s, 2 workers, wrk -t1 -c32.  AB_DOOR=http loads each server's own HTTP
# door instead of nginx (A on PORT+1, B on PORT+2).
set -u
A=$1 B=$2 EP=${3:-hello} ROUNDS=${4:-4} DUR=${5:-5} NW=${6:-2}
TOP=$(cd "$(dirname "$0")/.." && pwd)
PEERS=${PEERS:-$TOP/../shared/bench/peers}
W=${BENCH_DIR:-/tmp/jsfpm-bench}/ab
PORT=${PORT:-18490}
. "$TOP/bench/lib.sh"
bench_workdir
bench_nginx_conf a b
"$PEERS/mkdb.sh" "$W/a.db" >/dev/null || exit 2
cp "$W/a.db" "$W/b.db" # identical starting points
bench_jsfpm_conf a "$NW" || exit 2
bench_jsfpm_conf b "$NW" || exit 2
DOOR=${AB_DOOR:-fastcgi}
url() { # url SERVER: where the load for server a or b goes
  if [ "$DOOR" = http ]; then echo "http://127.0.0.1:$((PORT + $([ "$1" = a ] && echo 1 || echo 2)))/$EP"
  else echo "http://127.0.0.1:$PORT/$1/$EP"; fi
}
if [ "$DOOR" = http ]; then
  sed -i "/^\[server\]/a http_listen = 127.0.0.1:$((PORT + 1))" "$W/a.conf"
  sed -i "/^\[server\]/a http_listen = 127.0.0.1:$((PORT + 2))" "$W/b.conf"
fi
bench_start_ab "$A" "$B"
ticks() { # pid...: utime+stime of these processes
  local t=0 p a
  for p in "$@"; do
    a=$(cut -d' ' -f14,15 "/proc/$p/stat" 2>/dev/null) || continue
    set -- $a; t=$((t + $1 + $2))
  done
  echo $t
}
session() { ps -e -o pid=,sid= | awk -v s="$1" '$2 == s { print $1 }'; } # leader: its session's pids
HZ=$(getconf CLK_TCK)
for x in a b; do curl -fs -o /dev/null "$(url $x)" || { echo "no answer from $x"; exit 2; }; done
bench_children $PA || exit 2; BA=$BROKER
bench_children $PB || exit 2; BB=$BROKER
for r in $(seq "$ROUNDS"); do
  for x in a b; do
    pid=$([ $x = a ] && echo $PA || echo $PB) br=$([ $x = a ] && echo $BA || echo $BB)
    t0=$(ticks $(session $pid)) b0=$(ticks $br)
    out=$(wrk -t1 -c32 -d"${DUR}s" --latency "$(url $x)")
    t1=$(ticks $(session $pid)) b1=$(ticks $br)
    echo "$out" | awk -v x=$x -v r=$r -v dt=$((t1 - t0)) -v db=$((b1 - b0)) -v hz=$HZ '
      /requests in/ { n = $1 } /Requests\/sec/ { rps = $2 } / 99%/ { p99 = $2 }
      /Non-2xx/ { e += $NF } /Socket errors/ { gsub(",", ""); e += $4 + $6 + $8 + $10 }
      END { printf "%s\t%d\t%.0f\t%.1f\t%s\t%d\t%.1f\n", x, r, rps, dt * 1e6 / hz / n, p99, e, db * 1e6 / hz / n }'
    sleep 0.5
  done
done | tee "$W/rounds.tsv" | awk -F'\t' '{ printf "round %s %s: %7s req/s  %6s us CPU/req (broker %s)  p99 %s  errors %s\n", $2, toupper($1), $3, $4, $7, $5, $6 }'
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
awk -F'\t' '
  function med(arr, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (arr[j] < arr[i]) { t = arr[i]; arr[i] = arr[j]; arr[j] = t }
    return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2 }
  { if ($1 == "a") { ra[++na] = $3; ca[na] = $4; ba[na] = $7 } else { rb[++nb] = $3; cb[nb] = $4; bb[nb] = $7 } }
  END { mra = med(ra, na); mrb = med(rb, nb); mca = med(ca, na); mcb = med(cb, nb); mba = med(ba, na); mbb = med(bb, nb)
    printf "median A: %d req/s, %.1f us CPU/req (broker %.1f)\nmedian B: %d req/s, %.1f us CPU/req (broker %.1f)\n", mra, mca, mba, mrb, mcb, mbb
    printf "B/A: %.2fx req/s, %.2fx CPU/req\n", mrb / mra, mcb / mca }' "$W/rounds.tsv"
