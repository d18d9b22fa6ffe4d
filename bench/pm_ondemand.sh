#!/bin/bash
# bench/pm_ondemand.sh [INSTANCES] [WORKERS] [ROUNDS]: what pm = ondemand
# costs and saves, for hosts that run many jsfpm@ instances.
#   memory: INSTANCES servers (the bench app, WORKERS workers each, behind
#     one nginx) idle after one request each, pm = static against pm =
#     ondemand once its workers stopped (pm.process_idle_timeout = 1s): the
#     PSS of all their processes.
#   first request: with ondemand and no worker left (fork and app load on
#     the request's path) against a warm worker; ROUNDS each, median ms.
# Defaults: 4 instances, 2 workers, 9 rounds.  Private: BENCH_DIR, PORT.
set -u
N=${1:-4} NW=${2:-2} ROUNDS=${3:-9}
TOP=$(cd "$(dirname "$0")/.." && pwd)
PEERS=${PEERS:-$TOP/../shared/bench/peers}
W=${BENCH_DIR:-/tmp/jsfpm-bench}/pm
PORT=${PORT:-18520}
JSFPM=${JSFPM:-$TOP/build/jsfpm}
. "$TOP/bench/lib.sh"
bench_workdir
names=()
for i in $(seq "$N"); do names+=("s$i"); done
bench_nginx_conf "${names[@]}"
# nginx keeps idle upstream connections 60 s by default, and an ondemand
# worker holding one does not stop: let them go after 1 s here.
sed -i 's/keepalive 16;/keepalive 16; keepalive_timeout 1s;/' "$W/nginx.conf"
setsid nginx -c "$W/nginx.conf" >>"$W/logs/nginx.out" 2>&1 & NGINX=$!
LEADERS=()
trap 'for p in $NGINX "${LEADERS[@]}"; do kill -- -$p 2>/dev/null; done' EXIT

tree_pids() { ps -e -o pid=,sid= | awk -v s="$1" '$2 == s { print $1 }'; }
pss_kb() { awk '/^Pss:/ { p = $2 } END { print p + 0 }' "/proc/$1/smaps_rollup" 2>/dev/null; }
# children LEADER: the master's children (broker and workers).
children() { ps -o pid= --ppid "$1" | wc -l; }
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ms() { curl -sS -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$PORT/$1/hello" | awk '{ printf "%.1f\n", $1 * 1000 }'; }

run_mode() { # MODE: starts the N servers with pm = MODE; sets PSS_KB, their idle PSS
  local mode=$1 x p total=0
  LEADERS=()
  for x in "${names[@]}"; do
    rm -f "$W/$x.db"
    bench_jsfpm_conf "$x" "$NW" || exit 2
    sed -i "/^\[server\]/a pm = $mode\npm.process_idle_timeout = 1s" "$W/$x.conf"
    setsid "$JSFPM" -c "$W/$x.conf" >>"$W/logs/$x.out" 2>&1 & LEADERS+=($!)
  done
  for x in "${names[@]}"; do
    for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/$x/hello" && break; sleep 0.1; done
  done
  # ondemand: until every server is back to its broker alone.
  if [ "$mode" = ondemand ]; then
    for p in "${LEADERS[@]}"; do
      for _ in $(seq 100); do [ "$(children "$p")" = 1 ] && break; sleep 0.1; done
    done
  fi
  for p in "${LEADERS[@]}"; do
    for x in $(tree_pids "$p"); do total=$((total + $(pss_kb "$x"))); done
  done
  PSS_KB=$total
}

run_mode static
static_kb=$PSS_KB
for p in "${LEADERS[@]}"; do kill -- -"$p" 2>/dev/null; done
for p in "${LEADERS[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 0.1; done; done
run_mode ondemand
ondemand_kb=$PSS_KB
printf 'memory, %d instances idle (%d workers each with static): static %.1f MB, ondemand %.1f MB, saved %.1f MB (%.1f MB per instance)\n' \
  "$N" "$NW" "$(echo "$static_kb/1024" | bc -l)" "$(echo "$ondemand_kb/1024" | bc -l)" \
  "$(echo "($static_kb-$ondemand_kb)/1024" | bc -l)" "$(echo "($static_kb-$ondemand_kb)/1024/$N" | bc -l)"

leader=${LEADERS[0]}
cold=$(for r in $(seq "$ROUNDS"); do
  for _ in $(seq 100); do [ "$(children "$leader")" = 1 ] && break; sleep 0.1; done
  ms s1
done | median)
warm=$(for r in $(seq "$ROUNDS"); do ms s1 >/dev/null; ms s1; done | median)
echo "first request (ondemand, no worker): median $cold ms; with a warm worker: median $warm ms ($ROUNDS rounds)"
