# bench/lib.sh: what the helper benches (ab.sh, neighbour.sh, syscalls.sh,
# profile.sh) share: an nginx in front of one or more jsfpm servers, each on
# its own copy of the bench database.  Sourced; needs TOP, PEERS, W and PORT
# set.

# bench_fcgi_buffers: the FastCGI buffer directives of the packaged nginx
# snippet (etc/nginx/jsfpm.conf), one per line, for the http block of every
# bench's nginx (bench/run's too): each upstream, jsfpm or a peer, is
# relayed the way production relays jsfpm.  Fails when the snippet has none.
bench_fcgi_buffers() {
  grep -E '^fastcgi_(buffer_size|buffers|busy_buffers_size|max_temp_file_size)[[:space:]]' \
    "$TOP/etc/nginx/jsfpm.conf" ||
    { echo "bench: no fastcgi_buffer* directives in $TOP/etc/nginx/jsfpm.conf" >&2; return 1; }
}

# bench_nginx_conf NAME...: writes $W/nginx.conf, one upstream per NAME
# (unix:$W/NAME.sock, keepalive 16) served under /NAME/.
bench_nginx_conf() {
  local x buffers
  buffers=$(bench_fcgi_buffers) || exit 2
  {
    echo "worker_processes 1;"
    echo "daemon off;"
    echo "pid $W/nginx.pid.nginx;"
    echo "error_log $W/logs/nginx.err warn;"
    echo "events { worker_connections 4096; }"
    echo "http {"
    echo "  access_log off;"
    echo "$buffers" | sed 's/^/  /'
    for x in "$@"; do echo "  upstream $x { server unix:$W/$x.sock; keepalive 16; }"; done
    echo "  server {"
    echo "    listen 127.0.0.1:$PORT;"
    for x in "$@"; do
      echo "    location /$x/ { include /etc/nginx/fastcgi_params; fastcgi_keep_conn on;"
      echo "      rewrite ^/$x(/.*)\$ \$1 break; fastcgi_pass $x; }"
    done
    echo "  }"
    echo "}"
  } >"$W/nginx.conf"
}

# bench_jsfpm_conf NAME WORKERS [APP]: writes $W/NAME.conf for a server on
# $W/NAME.sock with the bench app (or the app folder APP) and the database
# $W/NAME.db (made here); $BENCH_APP_KEYS, if set, are more [app] lines.
# worker_cpu_affinity is $BENCH_AFFINITY_NAME, else $BENCH_AFFINITY, else
# auto (bench/ab.sh compares off and auto with BENCH_AFFINITY_a=off).
bench_jsfpm_conf() {
  local x=$1 nw=$2 app=${3:-$TOP/bench/app} aff_var=BENCH_AFFINITY_$1
  [ -f "$W/$x.db" ] || "$PEERS/mkdb.sh" "$W/$x.db" >/dev/null || return 2
  chmod 666 "$W/$x.db"
  cat >"$W/$x.conf" <<CONF
[server]
listen = $W/$x.sock
listen.mode = 0666
workers = $nw
worker_cpu_affinity = ${!aff_var:-${BENCH_AFFINITY:-auto}}
runtime_dir = $W/$x-rt
error_log = $W/logs/$x.log
log_level = warn
user = www-data
[app]
root = $app
${BENCH_APP_KEYS:-}
[database]
path = $W/$x.db
synchronous = full
CONF
}

# bench_workdir: a fresh $W, writable by www-data (the servers' user).
bench_workdir() {
  rm -rf "$W"
  mkdir -p "$W/logs"
  chmod 777 "$W" "$W/logs"
}

# bench_children PID: the worker and broker pids of the jsfpm master PID,
# as WORKERS (space separated) and BROKER (the one holding the database).
bench_children() {
  local p
  WORKERS= BROKER=
  for p in $(ps -o pid= --ppid "$1"); do
    if ls -l "/proc/$p/fd" 2>/dev/null | grep -q '\.db$'; then BROKER=$p; else WORKERS="$WORKERS $p"; fi
  done
  WORKERS=${WORKERS# }
  [ -n "$WORKERS" ] && [ -n "$BROKER" ]
}

# bench_start_ab BIN_A BIN_B: nginx (bench_nginx_conf a b) and the servers
# $W/a.conf on BIN_A and $W/b.conf on BIN_B, each in its own session (PA
# and PB: the sessions' leaders), with an EXIT trap that stops all three.
bench_start_ab() {
  BENCH_PIDS=()
  setsid nginx -c "$W/nginx.conf" & BENCH_PIDS+=($!)
  setsid "$1" -c "$W/a.conf" & BENCH_PIDS+=($!); PA=$!
  setsid "$2" -c "$W/b.conf" & BENCH_PIDS+=($!); PB=$!
  trap 'for p in "${BENCH_PIDS[@]}"; do kill -- -$p 2>/dev/null; done' EXIT
  sleep 1.5
}

# bench_start_single BIN: nginx in front of one BIN server with 1 worker,
# under /proj/; sets WORKERS and BROKER, and an EXIT trap that stops both.
bench_start_single() {
  bench_workdir
  bench_nginx_conf proj
  bench_jsfpm_conf proj 1 || return 2
  setsid nginx -c "$W/nginx.conf" &
  BENCH_NGINX=$!
  setsid "$1" -c "$W/proj.conf" &
  BENCH_JSFPM=$!
  trap 'kill -- -$BENCH_NGINX -$BENCH_JSFPM 2>/dev/null' EXIT
  sleep 1.5
  bench_children "$BENCH_JSFPM" || { echo "cannot find the worker and the broker"; return 2; }
}
