#!/bin/bash
# rel_sandbox.sh: what JavaScript and other local users cannot reach.
#  - JS: no file system, processes, sockets or Duktape internals; no eval or
#    Function in any disguise; no path out of the app through require;
#  - no request sees another's data (isolation = worker and = request);
#  - SQL: parameters are bound (injection impossible); ATTACH, extension
#    loading, VACUUM INTO, writable_schema and multi-statement calls refused;
#  - the broker refuses a connection from another uid (SO_PEERCRED), even
#    with its socket's permissions opened on purpose;
#  - the status page refuses a client address not in status_allow;
#  - the database, its WAL, the runtime directory and the sockets are not
#    world-readable.
# The app is tests/apps/rel_sandbox.
. "$(dirname "$0")/../lib.sh"

APP=$TOP_SRCDIR/tests/apps/rel_sandbox
status_port=$(free_port)
start_server server.workers=1 app.root="$APP" app.isolation=worker \
  server.status_listen="127.0.0.1:$status_port" server.status_allow=127.0.0.2

# json_check JSON: fails on any value starting with "ESCAPED".
json_check() {
  python3 -c '
import json, sys
d = json.loads(sys.argv[1])
bad = {k: v for k, v in d.items() if not str(v).startswith("blocked")}
for k, v in sorted(d.items()):
    print("   %s: %-45s %s" % ("ok" if k not in bad else "ESCAPE", k, v[:100]))
sys.exit(1 if bad else 0)' "$1"
}

body() { curl -sS --max-time 10 "$@"; }

say "JavaScript: file system, processes, sockets, Duktape internals, eval"
out=$(body "$HTTP_URL/probe") || fail "GET /probe failed"
json_check "$out" || fail "an escape from the JavaScript sandbox (above)"

say "raw bytes from the client arrive as strings, never as Duktape Symbols"
out=$(python3 - "$HTTP_ADDR" <<'PY'
import socket, sys
host, port = sys.argv[1].rsplit(":", 1)
s = socket.create_connection((host, int(port)), timeout=10)
s.sendall(b"GET /types?a=%FFq HTTP/1.1\r\nHost: x\r\nX-A: \xffhidden\r\nConnection: close\r\n\r\n")
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
print(data.split(b"\r\n\r\n", 1)[-1].decode(errors="replace"))
PY
)
case $out in
  *'"header":"string"'*) ok "a header value starting with byte 0xFF is a string: $out" ;;
  # Bytes 0x80/0x81/0x82/0xFF first would make a Duktape Symbol; the worker
  # turns invalid UTF-8 into U+FFFD before anything reaches JavaScript.
  *) fail "a header value starting with 0xFF is not a string: $out" ;;
esac

say "SQL: bound parameters, refused statements"
out=$(body -G "$HTTP_URL/user" --data-urlencode "name=' OR '1'='1") || fail "GET /user failed"
assert_contains "$out" '"rows":[]' "injection through a parameter (' OR '1'='1)"
out=$(body -G "$HTTP_URL/user" --data-urlencode "name=x'); DROP TABLE users; --") || fail "GET /user failed"
assert_contains "$out" '"users":2' "after a DROP TABLE through a parameter, the table"
out=$(body "$HTTP_URL/sql") || fail "GET /sql failed"
json_check "$out" || fail "a statement the broker must refuse went through (above)"
[ ! -e /tmp/jsfpm-stolen.db ] && [ ! -e /tmp/jsfpm-attached.db ] || fail "a file was created through SQL"
ok "no file created through ATTACH or VACUUM INTO"

# other_request_data MODE: /stash tries to leave a secret behind, /peek
# (on the same single worker, so the same heap) must not find it.
other_request_data() {
  local mode=$1 out
  out=$(body -X POST -H "X-Secret: s3cret-$mode" "$HTTP_URL/stash") || fail "POST /stash failed"
  # Whether each change took hold within that request (with isolation =
  # request it may: the next request gets fresh globals anyway).
  printf '%s\n' "$out" | sed 's/^/   tried: /'
  out=$(body "$HTTP_URL/peek") || fail "GET /peek failed"
  assert_eq '{"seen":[]}' "$out" "what the next request sees (isolation = $mode)"
}
say "other requests' data, isolation = worker"
other_request_data worker

say "the broker refuses another uid"
broker_sock=$(find "$RUNTIME_DIR" -type s | head -n 1)
[ -n "$broker_sock" ] || fail "no broker socket under $RUNTIME_DIR"
ok "broker socket $broker_sock"
# ping_broker: sends one ping frame, prints the reply or "closed".
ping_broker() {
  python3 - "$broker_sock" "${1:-}" <<'PY'
import json, os, socket, struct, sys
path, uid = sys.argv[1], sys.argv[2]
if uid:
    os.setgroups([])
    os.setgid(int(uid))
    os.setuid(int(uid))
try:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    msg = json.dumps({"id": 1, "op": "ping"}).encode()
    s.sendall(struct.pack(">I", len(msg)) + msg)
    data = s.recv(65536)
    print(data[4:].decode(errors="replace") if data else "closed")
except OSError as e:
    print("refused: %s" % e.strerror)
PY
}
out=$(ping_broker)
assert_contains "$out" '"ok":true' "ping from the broker's own uid (control)"
out=$(ping_broker 65534)
assert_match "$out" '^refused: Permission denied' "connect as nobody (the runtime directory stops it)"
# Open the directories and the socket on purpose: SO_PEERCRED must still
# turn the stranger away.
t_mode=$(stat -c %a "$T")
dir_mode=$(stat -c %a "$(dirname "$broker_sock")")
sock_mode=$(stat -c %a "$broker_sock")
chmod 0711 "$T"
chmod 0755 "$(dirname "$broker_sock")"
chmod 0777 "$broker_sock"
out=$(ping_broker 65534)
chmod "$t_mode" "$T"
chmod "$dir_mode" "$(dirname "$broker_sock")"
chmod "$sock_mode" "$broker_sock"
case $out in
  closed | refused:*) ok "connect as nobody with the socket opened to all: $out (no reply)" ;;
  *) fail "the broker answered a connection from uid 65534: $out" ;;
esac
grep -Eqi 'uid|peer|credential' "$LOG" && ok "the broker logged the refused peer: $(grep -Ei 'uid|peer|credential' "$LOG" | tail -n 1 | cut -c1-160)"

say "the status page refuses a client not in status_allow"
st=$(http_status "http://127.0.0.1:$status_port/status") || true
case $st in
  403 | 404 | 000) ok "status page from 127.0.0.1 (not allowed): $st" ;;
  *) fail "status page from a non-allowed address answered $st" ;;
esac
st=$(http_status --interface 127.0.0.2 "http://127.0.0.1:$status_port/status") || true
assert_eq 200 "$st" "status page from 127.0.0.2 (allowed)"

say "file modes: nothing world-readable"
check_mode() { # PATH WHAT
  local m
  m=$(stat -c %a "$1") || fail "$2: $1 missing"
  [ $((8#$m & 8#007)) = 0 ] || fail "$2 $1 has mode $m: open to every local user"
  ok "$2 mode $m"
}
wait_until "[ -e '$DB_PATH-wal' ]" 5 || true
check_mode "$DB_PATH" "database"
[ -e "$DB_PATH-wal" ] && check_mode "$DB_PATH-wal" "database WAL"
[ -e "$DB_PATH-shm" ] && check_mode "$DB_PATH-shm" "database shared memory"
check_mode "$RUNTIME_DIR" "runtime directory"
check_mode "$broker_sock" "broker socket"
check_mode "$FCGI_SOCK" "FastCGI socket (listen.mode 0660)"

stop_server
say "other requests' data, isolation = request"
start_server server.workers=1 app.root="$APP" app.isolation=request
other_request_data request
