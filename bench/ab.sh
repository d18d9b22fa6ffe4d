#!/bin/bash
# bench/ab.sh BIN_A BIN_B [ENDPOINT] [ROUNDS] [SECONDS] [WORKERS]: two jsfpm
# binaries (say, before and after an optimization) behind the same nginx on
# identical copies of the bench database (each its own file, so one
# binary's locking mode or writes cannot touch the other), loaded in alternation (A B A B ...) so machine
# noise hits both alike.  Prints requests/s and the jsfpm tree's CPU time per
# request for each round, then the medians.  Defaults: /hello, 4 rounds of
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
ticks() { # session leader: utime+stime of the session's processes
  local t=0 p a
  for p in $(ps -e -o pid=,sid= | awk -v s="$1" '$2 == s { print $1 }'); do
    a=$(cut -d' ' -f14,15 "/proc/$p/stat" 2>/dev/null) || continue
    set -- $a; t=$((t + $1 + $2))
  done
  echo $t
}
HZ=$(getconf CLK_TCK)
for x in a b; do curl -fs -o /dev/null "$(url $x)" || { echo "no answer from $x"; exit 2; }; done
for r in $(seq "$ROUNDS"); do
  for x in a b; do
    pid=$([ $x = a ] && echo $PA || echo $PB)
    t0=$(ticks $pid)
    out=$(wrk -t1 -c32 -d"${DUR}s" --latency "$(url $x)")
    t1=$(ticks $pid)
    echo "$out" | awk -v x=$x -v r=$r -v dt=$((t1 - t0)) -v hz=$HZ '
      /requests in/ { n = $1 } /Requests\/sec/ { rps = $2 } / 99%/ { p99 = $2 }
      /Non-2xx/ { e += $NF } /Socket errors/ { gsub(",", ""); e += $4 + $6 + $8 + $10 }
      END { printf "%s\t%d\t%.0f\t%.1f\t%s\t%d\n", x, r, rps, dt * 1e6 / hz / n, p99, e }'
    sleep 0.5
  done
done | tee "$W/rounds.tsv" | awk -F'\t' '{ printf "round %s %s: %7s req/s  %6s us CPU/req  p99 %s  errors %s\n", $2, toupper($1), $3, $4, $5, $6 }'
awk -F'\t' '
  function med(arr, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (arr[j] < arr[i]) { t = arr[i]; arr[i] = arr[j]; arr[j] = t }
    return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2 }
  { if ($1 == "a") { ra[++na] = $3; ca[na] = $4 } else { rb[++nb] = $3; cb[nb] = $4 } }
  END { mra = med(ra, na); mrb = med(rb, nb); mca = med(ca, na); mcb = med(cb, nb)
    printf "median A: %d req/s, %.1f us CPU/req\nmedian B: %d req/s, %.1f us CPU/req\nB/A: %.2fx req/s, %.2fx CPU/req\n", mra, mca, mrb, mcb, mrb / mra, mcb / mca }' "$W/rounds.tsv"
