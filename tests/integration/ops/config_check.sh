#!/bin/bash
# jsfpm -t checks what a start would check, each problem as FILE:LINE:
# [section] key: problem (or the app's file:line): the app loads (its
# top-level code runs: a router registration error fails), migrations are
# well named, the user exists, listen addresses are bindable (in use is only
# a note: a reload keeps the running server's), the app root and the
# database folder exist, in cluster mode the node's data_dir is a real
# folder or can be created.
. "$(dirname "$0")/../lib.sh"

APP=$T/app
mkdir -p "$APP/migrations"
cat >"$APP/main.js" <<'JS'
var Router = require('jsfpm/router');
var app = new Router();
app.get('/', function () { return new Response('ok\n'); });
module.exports = app;
JS
echo "CREATE TABLE t (a);" >"$APP/migrations/001_t.sql"

# check_t [section.key=value ...]: writes $T/t.conf, runs jsfpm -t; sets RC, ERR.
check_t() {
  write_config "$T/t.conf" app.root="$APP" "$@"
  RC=0
  ERR=$("$JSFPM" -t -c "$T/t.conf" 2>&1) || RC=$?
}
line_of() { grep -n "^$1 = " "$T/t.conf" | cut -d: -f1; }

say "a good app and config pass"
check_t
assert_eq 0 "$RC" "exit status (stderr: $ERR)"
assert_contains "$ERR" "test is successful"

say "an app that compiles but throws while loading fails, naming its line"
sed -i "s|^app.get('/', .*|app.get('/');|" "$APP/main.js"
check_t
assert_eq 1 "$RC" "exit status"
assert_contains "$ERR" "cannot load the app: main.js:3: TypeError: app.get(\"/\", ...middleware, handler): the handler is missing"
sed -i "s|^app.get('/');|app.get('/', function () { return new Response('ok\\\\n'); });|" "$APP/main.js"
check_t
assert_eq 0 "$RC" "exit status once fixed (stderr: $ERR)"

say "a misnamed migration"
mv "$APP/migrations/001_t.sql" "$APP/migrations/001.sql"
check_t
assert_eq 1 "$RC" "exit status"
assert_contains "$ERR" "$APP/migrations/001.sql: migration files are named NNN_name.sql"
mv "$APP/migrations/001.sql" "$APP/migrations/001_t.sql"

say "a user that does not exist"
check_t server.user=jsfpm-no-such-user
assert_eq 1 "$RC" "exit status"
assert_contains "$ERR" "$T/t.conf:$(line_of user): [server] user: no such user 'jsfpm-no-such-user'"

say "listen addresses: a missing folder, an address not on this host, one in use"
check_t server.listen="$T/missing/jsfpm.sock" server.http_listen=192.0.2.1:8080
assert_eq 1 "$RC" "exit status"
assert_contains "$ERR" "$T/t.conf:$(line_of listen): [server] listen: $T/missing/jsfpm.sock: the folder $T/missing does not exist"
assert_contains "$ERR" "$T/t.conf:$(line_of http_listen): [server] http_listen: 192.0.2.1:8080: bind:"
"$PYTHON" -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(1); print(s.getsockname()[1], flush=True); time.sleep(30)' >"$T/port" &
HOLDER=$!
on_exit "kill $HOLDER 2>/dev/null"
wait_until "[ -s '$T/port' ]" 10 || fail "no port held"
check_t server.http_listen="127.0.0.1:$(cat "$T/port")"
assert_eq 0 "$RC" "exit status with an address in use (stderr: $ERR)"
assert_contains "$ERR" "$T/t.conf:$(line_of http_listen): note: [server] http_listen:"
kill "$HOLDER"

say "the app root and the database folder must exist"
check_t database.path="$T/no-such-dir/app.db"
assert_eq 1 "$RC" "exit status"
assert_contains "$ERR" "$T/t.conf:$(line_of path): [database] path: $T/no-such-dir: No such file or directory"
write_config "$T/t.conf" app.root="$T/no-app"
RC=0
ERR=$("$JSFPM" -t -c "$T/t.conf" 2>&1) || RC=$?
assert_eq 1 "$RC" "exit status"
assert_contains "$ERR" "$T/t.conf:$(line_of root): [app] root: $T/no-app: No such file or directory"

say "cluster mode: the node's data_dir is a real folder, or can be created"
cluster=(cluster.address=127.0.0.1:9001 cluster.node_id=1)
check_t "${cluster[@]}" cluster.data_dir="$T/cluster"
if [[ $ERR == *"built without cluster mode"* ]]; then
  ok "skipped: this jsfpm was built without cluster mode"
else
  assert_eq 0 "$RC" "exit status with a data_dir to create (stderr: $ERR)"
  mkdir "$T/real"
  ln -s "$T/real" "$T/link"
  check_t "${cluster[@]}" cluster.data_dir="$T/link"
  assert_eq 1 "$RC" "exit status"
  assert_contains "$ERR" "$T/t.conf:$(line_of data_dir): [cluster] data_dir: $T/link: a symbolic link, which the node refuses: name the real folder"
  check_t "${cluster[@]}" cluster.data_dir="$T/no-such-dir/cluster"
  assert_eq 1 "$RC" "exit status"
  assert_contains "$ERR" "[cluster] data_dir: $T/no-such-dir: No such file or directory"
  # Another node's data (its identity file, docs/cluster.md "Cluster identity"),
  # once there is Raft state (dqlite's metadata file); without, a new node's.
  printf 'cluster = 0123456789abcdef0123456789abcdef\nnode_id = 2\naddress = 127.0.0.2:9001\n' \
    >"$T/real/jsfpm-cluster-identity"
  check_t "${cluster[@]}" cluster.data_dir="$T/real"
  assert_eq 0 "$RC" "exit status on a data_dir with no Raft state (stderr: $ERR)"
  : >"$T/real/metadata1"
  check_t "${cluster[@]}" cluster.data_dir="$T/real"
  assert_eq 1 "$RC" "exit status on node 2's data_dir"
  assert_contains "$ERR" "$T/t.conf:$(line_of data_dir): [cluster] data_dir: data_dir $T/real holds the data of node 2 at 127.0.0.2:9001, but this is node 1 at 127.0.0.1:9001"
  printf 'cluster = unknown\nnode_id = 1\naddress = 127.0.0.1:9001\n' >"$T/real/jsfpm-cluster-identity"
  check_t "${cluster[@]}" cluster.data_dir="$T/real"
  assert_eq 0 "$RC" "exit status on node 1's own data_dir (stderr: $ERR)"
fi
