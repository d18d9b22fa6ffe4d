# lib.sh: helpers shared by the integration tests (bash).  Source it first:
#
#   . "$(dirname "$0")/../lib.sh"     (from a test in an area folder: http/, db/, js/, ops/, pkg/, rel/)
#
# Needs JSFPM (absolute path of the built binary) and TOP_SRCDIR (the source
# tree); `make check` exports both.  By hand:
#
#   JSFPM=$PWD/jsfpm TOP_SRCDIR=/path/to/src bash /path/to/src/tests/integration/http/http.sh
#
# On exit (success, failure or signal) every process group started with
# spawn_group/start_server is stopped and the temporary directory $T removed
# (kept when KEEP_TMP=1).  Exit codes follow automake: 0 pass, 1 fail,
# 77 skip, 99 hard error.

set -eu

if [ -z "${TOP_SRCDIR:-}" ]; then
  TOP_SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fi
if [ -z "${JSFPM:-}" ]; then
  echo "ERROR: set JSFPM to the absolute path of the built jsfpm binary" >&2
  exit 99
fi
if [ ! -x "$JSFPM" ]; then
  echo "ERROR: JSFPM=$JSFPM is not an executable file" >&2
  exit 99
fi
export JSFPM TOP_SRCDIR
FCGI_CLIENT="$TOP_SRCDIR/tests/integration/fcgi_client.py"
TEST_NAME=$(basename "$0" .sh)

# ---------------------------------------------------------------- messages

say() { printf '== %s\n' "$*"; }
ok() { printf '   ok: %s\n' "$*"; }

# Prints the end of the server log (if any) to help whoever reads the failure.
dump_log() {
  if [ -n "${LOG:-}" ] && [ -f "$LOG" ]; then
    echo "---- last lines of $LOG ----" >&2
    tail -n "${1:-40}" "$LOG" >&2 || true
    echo "----" >&2
  fi
}

fail() {
  printf 'FAIL [%s]: %s\n' "$TEST_NAME" "$*" >&2
  dump_log
  exit 1
}

skip() {
  printf 'SKIP [%s]: %s\n' "$TEST_NAME" "$*" >&2
  exit 77
}

# require_tool COMMAND DEBIAN_PACKAGE: skip the test when COMMAND is missing.
require_tool() {
  command -v "$1" >/dev/null 2>&1 || skip "'$1' not found (install the Debian package $2)"
}

# assert_eq EXPECTED ACTUAL [WHAT]
assert_eq() {
  [ "$1" = "$2" ] || fail "${3:-values differ}: expected '$1', got '$2'"
  ok "${3:-value} = '$1'"
}

# assert_contains HAYSTACK NEEDLE [WHAT]  (fixed string)
assert_contains() {
  case "$1" in
    *"$2"*) ok "${3:-output} contains '$2'" ;;
    *) fail "${3:-output} does not contain '$2'; it was:
$1" ;;
  esac
}

# assert_not_contains HAYSTACK NEEDLE [WHAT]
assert_not_contains() {
  case "$1" in
    *"$2"*) fail "${3:-output} unexpectedly contains '$2'; it was:
$1" ;;
    *) ok "${3:-output} does not contain '$2'" ;;
  esac
}

# assert_match HAYSTACK ERE [WHAT]  (extended regular expression, any line)
assert_match() {
  printf '%s\n' "$1" | grep -Eq -- "$2" || fail "${3:-output} does not match /$2/; it was:
$1"
  ok "${3:-output} matches /$2/"
}

# ---------------------------------------------------------------- time

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# wait_until 'SHELL COMMAND' TIMEOUT_SECONDS: true once the command succeeds,
# false (status 1) if it still fails after the timeout (may be fractional).
wait_until() {
  local cmd=$1 deadline
  deadline=$(( $(now_ms) + $(awk -v t="$2" 'BEGIN { printf "%d", t * 1000 }') ))
  while :; do
    if eval "$cmd" >/dev/null 2>&1; then return 0; fi
    [ "$(now_ms)" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

# ---------------------------------------------------------------- processes

# pid_alive PID: true when PID runs (a zombie counts as gone).
pid_alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ] && [ "${stat%% *}" != X ]
}

# group_alive PGID: true while any live (non-zombie) process is in the group.
group_alive() {
  local p
  for p in $(pgrep -g "$1" 2>/dev/null); do
    pid_alive "$p" && return 0
  done
  return 1
}

SPAWNED_GROUPS=()
EXIT_HOOKS=()

# spawn_group OUTFILE COMMAND...: runs COMMAND in the background in a new
# session (so in its own process group, which cleanup kills as a whole) and
# sets SPAWNED_PID.  setsid execs in place here (a background child of a
# non-interactive shell is never a group leader), so SPAWNED_PID is the
# command's own pid.
spawn_group() {
  local out=$1
  shift
  setsid "$@" >"$out" 2>&1 </dev/null &
  SPAWNED_PID=$!
  SPAWNED_GROUPS+=("$SPAWNED_PID")
}

# stop_group PGID [SIGNAL [GRACE_S [LEADER_ONLY]]]: sends SIGNAL (default
# TERM) to the whole group (or, with LEADER_ONLY=1, to its leader only),
# waits GRACE_S (default 5) seconds for every process of the group to go,
# then KILLs the group; finally reaps the leader.
stop_group() {
  local pgid=$1 sig=${2:-TERM} grace=${3:-5} target=-$1
  [ "${4:-0}" = 1 ] && target=$1
  kill "-$sig" -- "$target" 2>/dev/null || true
  if ! wait_until "! group_alive $pgid" "$grace"; then
    echo "warning: process group $pgid still alive ${grace}s after SIG$sig; killing it" >&2
    kill -KILL -- "-$pgid" 2>/dev/null || true
    wait_until "! group_alive $pgid" 2 || true
  fi
  wait "$pgid" 2>/dev/null || true
  # Forget it, so cleanup never signals a group id the kernel reused.
  local g keep=()
  for g in "${SPAWNED_GROUPS[@]+"${SPAWNED_GROUPS[@]}"}"; do
    [ "$g" = "$pgid" ] || keep+=("$g")
  done
  SPAWNED_GROUPS=("${keep[@]+"${keep[@]}"}")
}

# on_exit 'COMMAND': run COMMAND during cleanup (before the groups are killed).
on_exit() { EXIT_HOOKS+=("$1"); }

cleanup() {
  local rc=$? g h
  set +e
  trap - EXIT INT TERM HUP
  for h in "${EXIT_HOOKS[@]+"${EXIT_HOOKS[@]}"}"; do eval "$h"; done
  for g in "${SPAWNED_GROUPS[@]+"${SPAWNED_GROUPS[@]}"}"; do
    if group_alive "$g"; then stop_group "$g" TERM 3; fi
    wait "$g" 2>/dev/null
  done
  if [ -n "${T:-}" ] && [ -d "$T" ]; then
    if [ "${KEEP_TMP:-0}" = 1 ]; then echo "kept $T" >&2; else rm -rf "$T"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ---------------------------------------------------------------- temp dir

# Unix socket paths must fit in sun_path (108 bytes): fall back to /tmp when
# TMPDIR is deep.
tmp_base=${TMPDIR:-/tmp}
[ "${#tmp_base}" -le 60 ] || tmp_base=/tmp
T=$(mktemp -d "$tmp_base/jsfpm-$TEST_NAME.XXXXXX")

# ---------------------------------------------------------------- ports

require_tool python3 python3
# The interpreter itself, not a wrapper such as a pyenv shim (which can cost
# a few hundred ms per start).
PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) || PYTHON=python3
[ -n "$PYTHON" ] || PYTHON=python3

# free_port: a TCP port on 127.0.0.1 that nobody listens on right now.
free_port() {
  "$PYTHON" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# ---------------------------------------------------------------- config

# write_config FILE [section.key=value ...]: writes a complete config whose
# paths all lie in $T; each argument overrides (or adds) one key, and
# `section.key=` (empty value) removes it.  The HTTP port is a fresh free one.
write_config() {
  local file=$1 kv section key val s k
  shift
  local -a order=(
    server.listen server.listen.mode server.http_listen server.workers
    server.runtime_dir server.pid_file server.error_log server.log_level
    app.root app.main app.request_timeout app.dev app.compile_cache database.path)
  local -A v=(
    [server.listen]="$T/jsfpm.sock"
    [server.listen.mode]=0660
    [server.http_listen]="127.0.0.1:$(free_port)"
    [server.workers]=2
    [server.runtime_dir]="$T/run"
    [server.pid_file]="$T/jsfpm.pid"
    [server.error_log]="$T/error.log"
    [server.log_level]=info
    [app.root]="$TOP_SRCDIR/js/example"
    [app.main]=main.js
    [app.request_timeout]=10s
    [app.dev]=no
    [app.compile_cache]="$T/compile-cache"
    [database.path]="$T/app.db")
  # The server refuses to run its children as root unless told to; tests
  # run as whoever runs them.
  if [ "$(id -u)" = 0 ] && "$JSFPM" --list-keys 2>/dev/null | grep -qx server.allow_root; then
    order+=(server.allow_root)
    v[server.allow_root]=yes
  fi
  for kv in "$@"; do
    key=${kv%%=*}
    val=${kv#*=}
    [ -n "${v[$key]+set}" ] || order+=("$key")
    v[$key]=$val
  done
  {
    echo "; written by tests/integration/lib.sh for $TEST_NAME"
    for s in server app database cluster env; do
      echo "[$s]"
      for k in "${order[@]}"; do
        [ "${k%%.*}" = "$s" ] || continue
        [ -n "${v[$k]}" ] || continue
        echo "${k#*.} = ${v[$k]}"
      done
    done
  } >"$file"
}

# Reads "key = value" of [server] from the config file CONFIG.
config_value() {
  sed -n "s/^$1 = //p" "$CONFIG" | head -n 1
}

# ---------------------------------------------------------------- the server

# start_server [section.key=value ...]: writes $CONFIG (default
# $T/jsfpm.conf; see write_config), starts the master in its own process
# group and waits (15 s) until it logs "ready:".  Sets CONFIG, LOG, SERVER_PID, FCGI_SOCK,
# PID_FILE, RUNTIME_DIR, DB_PATH, HTTP_ADDR, HTTP_URL (empty when
# http_listen is off).  Retries with new ports if one was taken meanwhile.
start_server() {
  local attempt
  CONFIG=${CONFIG:-$T/jsfpm.conf}
  for attempt in 1 2 3; do
    write_config "$CONFIG" "$@"
    LOG=$(config_value error_log)
    FCGI_SOCK=$(config_value listen)
    PID_FILE=$(config_value pid_file)
    RUNTIME_DIR=$(config_value runtime_dir)
    DB_PATH=$(sed -n '/^\[database\]/,/^\[/s/^path = //p' "$CONFIG")
    HTTP_ADDR=$(config_value http_listen)
    HTTP_URL=${HTTP_ADDR:+http://$HTTP_ADDR}
    : >"$LOG"
    spawn_group "$T/server.out" "$JSFPM" -c "$CONFIG"
    SERVER_PID=$SPAWNED_PID
    if wait_until "grep -q 'ready:' '$LOG' || ! pid_alive $SERVER_PID" 15 &&
      grep -q 'ready:' "$LOG"; then
      [ ! -s "$T/server.out" ] || cat "$T/server.out" >&2
      if [ -n "$PID_FILE" ]; then
        assert_eq "$SERVER_PID" "$(cat "$PID_FILE")" "pid file content"
      fi
      ok "server ready (master pid $SERVER_PID)"
      return 0
    fi
    stop_group "$SERVER_PID" KILL
    if grep -q 'in use' "$LOG" "$T/server.out" && [ "$attempt" -lt 3 ]; then
      echo "port taken meanwhile; retrying with new ports" >&2
      continue
    fi
    cat "$T/server.out" >&2
    fail "server did not become ready within 15 s"
  done
}

# stop_server [SIGNAL]: sends SIGNAL (default TERM) to the master only, waits
# until every process of its group is gone (KILLing them after 5 s); sets
# STOP_MS to how long that took.
stop_server() {
  local t0
  t0=$(now_ms)
  stop_group "$SERVER_PID" "${1:-TERM}" 5 1
  STOP_MS=$(( $(now_ms) - t0 ))
}

# child_pids: live children of the master (broker and workers), one a line.
child_pids() {
  local p
  for p in $(pgrep -P "$SERVER_PID" 2>/dev/null); do
    pid_alive "$p" && echo "$p"
  done
  return 0
}

# broker_pid: pid of the current broker, from the master's log.
broker_pid() {
  sed -n 's/.*broker started, pid \([0-9][0-9]*\).*/\1/p' "$LOG" | tail -n 1
}

# worker_pids: live worker pids (children of the master but the broker), sorted.
worker_pids() {
  local b
  b=$(broker_pid)
  child_pids | grep -vx "${b:-none}" | sort -n
  return 0
}

# wait_log 'FIXED STRING' [TIMEOUT]: waits until the server log contains it
# (default 20 s: a start or reload that lowers modern JavaScript loads the
# compiler, which takes seconds under the sanitizers on a loaded machine).
wait_log() {
  wait_until "grep -qF -- $(printf '%q' "$1") '$LOG'" "${2:-20}" ||
    fail "log has no line containing '$1'"
  ok "log contains '$1'"
}

# wait_log_re 'ERE' [TIMEOUT]: waits until a line of the server log matches.
wait_log_re() {
  wait_until "grep -qE -- $(printf '%q' "$1") '$LOG'" "${2:-20}" ||
    fail "no log line matches /$1/"
  ok "log matches /$1/"
}

# fcgi ARGS...: the FastCGI test client on the server's socket.
fcgi() { "$PYTHON" "$FCGI_CLIENT" --unix "$FCGI_SOCK" "$@"; }

# http_status [CURL ARGS...] URL: prints only the status code.
http_status() { curl -sS -o /dev/null -w '%{http_code}' --max-time 10 "$@"; }
