# js_lib.sh: helpers for the JavaScript runtime tests (js_*.sh), on top of
# lib.sh.  Source it first:  . "$(dirname "$0")/js_lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_tool curl curl

# req [CURL ARGS...] PATH: one HTTP request to the server's HTTP door.
# Sets STATUS, BODY, HEADERS (CR stripped) and RID (X-Request-Id).
req() {
  local path=${*: -1}
  local -a args=("${@:1:$#-1}")
  BODY=$(curl -sS -D "$T/resp.headers" --max-time 10 ${args[@]+"${args[@]}"} "$HTTP_URL$path") ||
    fail "curl $path failed"
  HEADERS=$(tr -d '\r' <"$T/resp.headers")
  STATUS=$(printf '%s\n' "$HEADERS" | sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p')
  RID=$(hdr X-Request-Id)
}

# hdr NAME: the (first) value of response header NAME of the last req.
hdr() {
  printf '%s\n' "$HEADERS" | awk -v n="$(tr 'A-Z' 'a-z' <<<"$1")" '
    { i = index($0, ":"); if (i && tolower(substr($0, 1, i - 1)) == n) {
        v = substr($0, i + 1); sub(/^ +/, "", v); print v; exit } }'
}

# jget JSON EXPR: evaluates the Python expression EXPR with d = the parsed
# JSON; prints strings raw, anything else as JSON.  Plain paths (d["a"]["b"])
# are answered from a table python writes once per JSON text ($T/json.MD5),
# since starting python for each value is slow on a busy machine.
JPATH_RE="^d(\[(\"[^\"]*\"|'[^']*')\])*\$"
jget() {
  if [[ $2 =~ $JPATH_RE ]]; then
    local path=${2#d} sum file k v
    path=${path//\[\"//}
    path=${path//\[\'//}
    path=${path//\"\]/}
    path=${path//\'\]/}
    sum=$(printf '%s' "$1" | md5sum)
    file=$T/json.${sum%% *}
    [ -f "$file" ] || python3 -c 'import json, sys
def walk(path, v):
    sys.stdout.write(path + "\0" + (v if isinstance(v, str) else json.dumps(v, sort_keys=True)) + "\0")
    if isinstance(v, dict):
        for k, x in v.items(): walk(path + "/" + k, x)
try:
    walk("", json.loads(sys.argv[1]))
except ValueError:
    pass' "$1" >"$file"
    while IFS= read -r -d '' k && IFS= read -r -d '' v; do
      if [ "$k" = "$path" ]; then
        printf '%s\n' "$v"
        return 0
      fi
    done <"$file"
  fi
  python3 -c 'import json, sys
d = json.loads(sys.argv[1])
v = eval(sys.argv[2])
print(json.dumps(v, sort_keys=True) if not isinstance(v, str) else v)' "$1" "$2" ||
    fail "cannot evaluate $2 on: $1"
}

# expect_status CODE [CURL ARGS...] PATH: req, then asserts the status.
expect_status() {
  local code=$1
  shift
  req "$@"
  assert_eq "$code" "$STATUS" "status of ${*: -1}"
}

# line_of FILE TAG: the line number of the line with "LINE:TAG" in FILE.
line_of() { grep -n "LINE:$2\$" "$1" | head -n 1 | cut -d: -f1; }

# one_worker: asserts there is exactly one worker and sets WORKER to its pid.
one_worker() {
  WORKER=$(worker_pids)
  [ "$(wc -w <<<"$WORKER")" = 1 ] || fail "expected one worker, found: $WORKER"
  ok "one worker, pid $WORKER"
}

# freq [fcgi_client ARGS...]: one FastCGI request (see fcgi_client.py
# --help).  Sets STATUS, HEADERS (CR stripped), BODY and RID like req.
freq() {
  fcgi "$@" >"$T/fcgi.out" || fail "FastCGI request failed: $*"
  HEADERS=$(tr -d '\r' <"$T/fcgi.out" | sed '/^$/q' | sed '$d')
  BODY=$(tr -d '\r' <"$T/fcgi.out" | sed '1,/^$/d' | sed '$d')
  STATUS=$(printf '%s\n' "$HEADERS" | sed -n 's/^Status: \([0-9]*\).*/\1/p')
  RID=$(hdr X-Request-Id)
}

# start_fails WHAT [section.key=value ...]: the server must exit non-zero
# without becoming ready; sets STARTLOG to its log.
start_fails() {
  local what=$1 rc=0 pid
  shift
  write_config "$T/bad.conf" server.workers=1 server.error_log="$T/bad.log" "$@"
  : >"$T/bad.log"
  spawn_group "$T/bad.out" "$JSFPM" -c "$T/bad.conf"
  pid=$SPAWNED_PID
  wait_until "! pid_alive $pid" 15 || fail "$what: the server still runs after 15 s"
  wait "$pid" || rc=$?
  stop_group "$pid" KILL 1
  STARTLOG=$(cat "$T/bad.log" "$T/bad.out")
  [ "$rc" -ne 0 ] || fail "$what: the server exited with status 0"
  ok "$what: the server exited with status $rc"
  assert_not_contains "$STARTLOG" "ready:" "$what: log"
}
