#!/bin/bash
# Started as root with user = nobody: the broker and the workers run as
# nobody (checked in /proc), the master stays root to bind; without a user,
# root children are refused unless allow_root = yes.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops_lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root"
id nobody >/dev/null 2>&1 || skip "no user nobody"
require_tool curl curl

nobody_uid=$(id -u nobody)
chmod 755 "$T"   # mktemp made it 0700: nobody must reach the app
make_app "$T/app" v1
chmod -R a+rX "$T/app"

say "refused as root without user"
write_config "$T/root.conf" app.root="$T/app" server.allow_root=
env -u JSFPM_ALLOW_ROOT "$JSFPM" -c "$T/root.conf" >"$T/root.out" 2>&1 && fail "started with root workers"
assert_contains "$(cat "$T/root.out" "$T/error.log" 2>/dev/null)" "refusing to run the broker and workers as root" "error"

say "user = nobody"
start_ops_server server.user=nobody database.path="$T/db/app.db" server.access_log="$T/access.log"
uid_of() { awk '/^Uid:/ { print $2 "," $3 "," $4 "," $5 }' "/proc/$1/status"; }
assert_eq "0,0,0,0" "$(uid_of "$SERVER_PID")" "master uids (real, effective, saved, fs)"
bp=$(broker_pid)
assert_eq "$nobody_uid,$nobody_uid,$nobody_uid,$nobody_uid" "$(uid_of "$bp")" "broker uids"
for w in $(worker_pids); do
  assert_eq "$nobody_uid,$nobody_uid,$nobody_uid,$nobody_uid" "$(uid_of "$w")" "worker $w uids"
  assert_eq "$(id -g nobody)" "$(awk '/^Gid:/ { print $3 }' "/proc/$w/status")" "worker $w gid"
done
assert_eq "nobody" "$(stat -c %U "$RUNTIME_DIR")" "runtime dir owner"
assert_eq "nobody" "$(stat -c %U "$T/db")" "database dir owner"
assert_eq "nobody" "$(stat -c %U "$T/db/app.db")" "database owner"
assert_eq "v1 /p" "$(curl -sS "$HTTP_URL/p")" "serving"
assert_eq "nobody" "$(stat -c %U "$T/access.log")" "access log owner"
wait_until "grep -q ' GET /p 200 ' '$T/access.log'" 3 || fail "workers (as nobody) did not write the access log"
ok "access log written by the workers"
assert_eq "v1 db 42" "$(curl -sS "$HTTP_URL/db")" "a query through the broker, both as nobody"
"$JSFPM" -T -c "$CONFIG" 2>/dev/null | grep -q '^user = nobody' || fail "-T does not print user = nobody"
ok "-T prints user = nobody"
# Log rotation: the new file is handed to nobody so workers can reopen it.
mv "$LOG" "$LOG.1"
kill -USR1 "$SERVER_PID"
wait_until "[ -f '$LOG' ]" 3 || fail "no new log"
assert_eq "nobody" "$(stat -c %U "$LOG")" "reopened log owner"
stop_server
