#!/bin/bash
# bench/modern.sh --jsfpm BIN [--baseline BIN] [--rounds R] [--duration S]
#                 [--workers N] [--starts K]
#
# What modern JavaScript costs on jsfpm (docs/performance.md, "Modern
# JavaScript"), all in one run on one machine:
#
#  1. requests/s of /hello, /read and /read-await written as a Node.js
#     developer would (bench/apps/modern: ES module, async handlers) against
#     the ES5 /hello and /read of bench/app, both behind the same nginx on
#     identical copies of the bench database, loaded in alternation (ES5,
#     modern, ES5, ...) so machine noise hits both alike; medians and the
#     ratio modern/ES5 (target >= 0.9 for /hello and /read);
#  2. worker RSS of both servers after the load (target <= 10 MB with the
#     runtime library loaded);
#  3. compile time of tests/apps/js_npm (1.8 MB of modules reachable from
#     main, 27 of them lowered to ES5) with an empty compile cache and a warm
#     one (jsfpm -t, K runs each, median);
#  4. start time of the example app (js/example) to "ready:", warm cache,
#     against --baseline (the jsfpm before modern JavaScript; target <= 1.2x).
#
# Needs nginx, wrk, sqlite3, curl and ../shared/bench/peers (mkdb.sh), as
# bench/run does.  Defaults: 3 rounds of 5 s, 2 workers, 5 starts.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
PEERS=${PEERS:-$TOP/../shared/bench/peers}
W=${BENCH_DIR:-/tmp/jsfpm-bench}/modern
PORT=${PORT:-18500}
JSFPM= BASELINE= ROUNDS=3 DUR=5 NW=2 STARTS=5
while [ $# -gt 0 ]; do
  case $1 in
  --jsfpm) JSFPM=$2; shift ;;
  --baseline) BASELINE=$2; shift ;;
  --rounds) ROUNDS=$2; shift ;;
  --duration) DUR=$2; shift ;;
  --workers) NW=$2; shift ;;
  --starts) STARTS=$2; shift ;;
  -h | --help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) echo "bench/modern.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$JSFPM" ] || { echo "bench/modern.sh: --jsfpm BIN is required (a release build, see bench/run)" >&2; exit 2; }
for t in nginx wrk curl sqlite3; do command -v $t >/dev/null || { echo "bench/modern.sh: $t missing" >&2; exit 2; }; done
. "$TOP/bench/lib.sh"

median() { sort -n | awk '{ a[NR] = $1 } END { print NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# ---- 1 and 2: throughput and RSS ------------------------------------------

bench_workdir
bench_nginx_conf es5 modern
"$PEERS/mkdb.sh" "$W/es5.db" >/dev/null || exit 2
cp "$W/es5.db" "$W/modern.db"
BENCH_APP_KEYS="compile_cache = $W/cache" bench_jsfpm_conf es5 "$NW" "$TOP/bench/app" || exit 2
BENCH_APP_KEYS="compile_cache = $W/cache" bench_jsfpm_conf modern "$NW" "$TOP/bench/apps/modern" || exit 2
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -- -$p 2>/dev/null; done' EXIT
setsid nginx -c "$W/nginx.conf" & PIDS+=($!)
setsid "$JSFPM" -c "$W/es5.conf" & PIDS+=($!); P_es5=$!
setsid "$JSFPM" -c "$W/modern.conf" & PIDS+=($!); P_modern=$!
for x in es5 modern; do
  for i in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/$x/hello" && break; sleep 0.1; done
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/$x/read" || { echo "no answer from $x"; exit 2; }
done
: >"$W/rounds.tsv"
for r in $(seq "$ROUNDS"); do
  for ep in hello read read-await; do
    for x in es5 modern; do
      [ $x = es5 ] && [ $ep = read-await ] && continue
      wrk -t1 -c32 -d"${DUR}s" "http://127.0.0.1:$PORT/$x/$ep" |
        awk -v x=$x -v ep=$ep '/Requests\/sec/ { rps = $2 } /Non-2xx/ { e += $NF }
          /Socket errors/ { gsub(",", ""); e += $4 + $6 + $8 + $10 }
          END { printf "%s\t%s\t%.0f\t%d\n", ep, x, rps, e }' >>"$W/rounds.tsv"
      sleep 0.5
    done
  done
done
echo "== requests/s, $NW workers, wrk -t1 -c32, $ROUNDS rounds of ${DUR}s (median; errors summed)"
for ep in hello read read-await; do
  mod=$(awk -F'\t' -v ep=$ep '$1 == ep && $2 == "modern" { print $3 }' "$W/rounds.tsv" | median)
  errs=$(awk -F'\t' -v ep=$ep '$1 == ep { e += $4 } END { print e + 0 }' "$W/rounds.tsv")
  base=$([ $ep = read-await ] && echo read || echo $ep)
  es5=$(awk -F'\t' -v ep=$base '$1 == ep && $2 == "es5" { print $3 }' "$W/rounds.tsv" | median)
  awk -v ep=$ep -v b=$base -v a=$es5 -v m=$mod -v e=$errs \
    'BEGIN { printf "/%-11s ES5 /%-5s %7d   modern %7d   modern/ES5 %.2fx   errors %d\n", ep, b, a, m, m / a, e }'
done
echo "== worker RSS after the load"
for x in es5 modern; do
  pid=P_$x
  bench_children "${!pid}" || { echo "cannot find $x's workers"; exit 2; }
  for w in $WORKERS; do
    awk -v x=$x -v w=$w '/^VmRSS/ { printf "%-6s worker %s: %.1f MB\n", x, w, $2 / 1024 }' "/proc/$w/status"
  done
done
for p in "${PIDS[@]}"; do kill -- -$p 2>/dev/null; done
PIDS=()
sleep 1

# ---- 3: compile time --------------------------------------------------------

tree=$TOP/tests/apps/js_npm
echo "== compiling tests/apps/js_npm (jsfpm -t; $STARTS runs each, median)"
t_conf() { # CACHE: a config for jsfpm -t on the npm app
  printf '[server]\nruntime_dir = %s\nerror_log = stderr\nlog_level = info\n[app]\nroot = %s\ncompile_cache = %s\n[database]\npath = %s\n' \
    "$W/t-rt" "$tree" "$1" "$W/t.db" >"$W/t.conf"
}
elapsed() { grep -o 'app compiled in [0-9]* ms' "$1" | grep -o '[0-9]*'; }
t_conf "$W/tcache"
for mode in cold warm; do
  ms=$(for i in $(seq "$STARTS"); do
    rm -rf "$W/tcache"
    [ $mode = warm ] && { "$JSFPM" -t -c "$W/t.conf" 2>/dev/null || exit 2; }
    "$JSFPM" -t -c "$W/t.conf" 2>"$W/t.err" || { cat "$W/t.err" >&2; exit 2; }
    elapsed "$W/t.err"
  done | median)
  printf '%-4s cache: %6s ms  (%s)\n' $mode "$ms" \
    "$(grep -o '[0-9]* modules, [0-9]* lowered to ES5 now, [0-9]* from compile_cache' "$W/t.err")"
done

# ---- 4: start time ------------------------------------------------------------

start_ms() { # BIN: ms from exec to the "ready:" log line, example app
  local cache_key
  cache_key=$("$1" --list-keys | grep -qx app.compile_cache && echo "compile_cache = $W/scache")
  printf '[server]\nlisten = %s\nworkers = %s\nruntime_dir = %s\nerror_log = %s\nlog_level = notice\nuser = www-data\npid_file = %s\n[app]\nroot = %s\n%s\n[database]\npath = %s\n' \
    "$W/s.sock" "$NW" "$W/s-rt" "$W/s.log" "$W/s.pid" "$TOP/js/example" "$cache_key" "$W/s.db" >"$W/s.conf"
  : >"$W/s.log"
  local t0 t1 pid
  t0=$(date +%s%N)
  setsid "$1" -c "$W/s.conf" & pid=$!
  PIDS=($pid)
  while ! grep -q 'ready:' "$W/s.log" 2>/dev/null; do sleep 0.002; done
  t1=$(date +%s%N)
  kill -- -$pid 2>/dev/null
  wait $pid 2>/dev/null
  PIDS=()
  echo $(( (t1 - t0) / 1000000 ))
}
echo "== start of js/example to \"ready:\" ($NW workers, $STARTS starts each, median)"
start_ms "$JSFPM" >/dev/null # fills the compile cache
now=$(for i in $(seq "$STARTS"); do start_ms "$JSFPM"; done | median)
echo "jsfpm (warm cache):  $now ms"
if [ -n "$BASELINE" ]; then
  base=$(for i in $(seq "$STARTS"); do start_ms "$BASELINE"; done | median)
  echo "baseline:            $base ms"
  awk -v a=$base -v b=$now 'BEGIN { printf "jsfpm/baseline:      %.2fx\n", b / a }'
fi
