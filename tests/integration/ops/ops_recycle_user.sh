#!/bin/bash
# ops_recycle_user.sh: recycling (max_requests) with the workers running as
# another user than the master (issue 12, item 12): the worker tells the
# master over its pipe, so no "cannot notify the master" warning, and the
# master replaces it as before.
#
# Regression test: the worker used kill(getppid(), SIGUSR2), which an
# unprivileged worker may not send to a root master (EPERM): one warning per
# recycle.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops_lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root"
id nobody >/dev/null 2>&1 || skip "no user nobody"
require_tool curl curl

chmod 755 "$T"   # mktemp made it 0700: nobody must reach the app
make_app "$T/app" v1
chmod -R a+rX "$T/app"
start_ops_server server.user=nobody server.workers=1 server.max_requests=5 database.path="$T/db/app.db"
first=$(worker_pids)
assert_eq "$(id -u nobody)" "$(awk '/^Uid:/ { print $2 }' "/proc/$first/status")" "worker uid"

say "12 requests, max_requests = 5: two recycles, every request served"
for i in $(seq 12); do
  assert_eq "v1 /r$i" "$(curl -sS --max-time 10 "$HTTP_URL/r$i")" "request $i"
done
wait_until '[ "$(grep -c "replaced by pid" "$LOG")" -ge 2 ]' 5 ||
  fail "expected 2 replacements, log shows $(grep -c 'replaced by pid' "$LOG")"
ok "replaced twice: $(grep -c 'reached max_requests' "$LOG") x 'reached max_requests'"
assert_not_contains "$(cat "$LOG")" "cannot notify the master" "log"
assert_not_contains "$(cat "$LOG")" "Operation not permitted" "log"
stop_server
