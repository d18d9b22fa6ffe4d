#!/bin/bash
# bench/platform.sh --jsfpm BIN [--duration S]
#
# What the web platform APIs cost per request (docs/performance.md, "Web
# platform"), measured in one run: one worker, HTTP door, wrk with one
# connection, so a route's mean latency is its cost; each route against
# /hello, whose latency is the request's own:
#   /sha256    crypto.subtle.digest('SHA-256') of 1 KB
#   /hmac      crypto.subtle.sign('HMAC') (SHA-256) of 1 KB with a kept key
#   /password  one jsfpm/password hash with the default argon2id cost
#   /fetch     fetch() of a 6-byte file from nginx on loopback
# Needs wrk and nginx.  Default: 5 s per route.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
W=${BENCH_DIR:-/tmp/jsfpm-bench}/platform
PORT=${PORT:-18600}
JSFPM= DUR=5
while [ $# -gt 0 ]; do
  case $1 in
  --jsfpm) JSFPM=$2; shift ;;
  --duration) DUR=$2; shift ;;
  -h | --help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) echo "bench/platform.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$JSFPM" ] || { echo "bench/platform.sh: --jsfpm BIN is required" >&2; exit 2; }
for t in wrk nginx; do command -v $t >/dev/null || { echo "bench/platform.sh: $t not found" >&2; exit 2; }; done
rm -rf "$W" && mkdir -p "$W/www" "$W/rt"
printf 'hello\n' >"$W/www/file.txt"
cat >"$W/nginx.conf" <<CONF
daemon off; worker_processes 1; pid $W/nginx.pid; error_log $W/nginx.err;
events { worker_connections 256; }
http { access_log off; server { listen 127.0.0.1:$((PORT + 1)); root $W/www; } }
CONF
nginx -c "$W/nginx.conf" -p "$W" & NGINX=$!
cat >"$W/jsfpm.conf" <<CONF
[server]
listen = $W/jsfpm.sock
http_listen = 127.0.0.1:$PORT
workers = 1
runtime_dir = $W/rt
error_log = $W/jsfpm.log
log_level = warn
$( [ "$(id -u)" = 0 ] && echo "allow_root = yes")
[app]
root = $TOP/bench/apps/platform
compile_cache = $W/cache
fetch_allow = 127.0.0.1:$((PORT + 1))
[database]
path = $W/app.db
[env]
FETCH_URL = http://127.0.0.1:$((PORT + 1))/file.txt
CONF
"$JSFPM" -c "$W/jsfpm.conf" & SERVER=$!
trap 'kill $SERVER $NGINX 2>/dev/null; wait 2>/dev/null' EXIT
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/hello" && break; sleep 0.1; done

# mean latency (µs) and requests/s of one route
measure() {
  curl -sf -o /dev/null "http://127.0.0.1:$PORT$1" || { echo "bench/platform.sh: $1 fails" >&2; exit 1; }
  wrk -t1 -c1 -d"${DUR}s" --latency "http://127.0.0.1:$PORT$1" >"$W/wrk.out"
  awk '/Latency/ && !lat { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
         lat = v * (u == "ms" ? 1000 : u == "s" ? 1000000 : 1) }
       /Requests\/sec/ { rps = $2 } END { printf "%.0f %.0f\n", lat, rps }' "$W/wrk.out"
}

read -r base base_rps < <(measure /hello)
printf '%-10s %12s %12s %14s\n' route 'latency µs' 'requests/s' 'cost µs/req'
printf '%-10s %12s %12s %14s\n' /hello "$base" "$base_rps" '-'
for route in /sha256 /hmac /password /fetch; do
  read -r lat rps < <(measure $route)
  printf '%-10s %12s %12s %14s\n' "$route" "$lat" "$rps" "$((lat - base))"
done
