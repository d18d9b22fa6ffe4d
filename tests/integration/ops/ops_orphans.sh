#!/bin/bash
# ops_orphans.sh: workers do not outlive their master (issue 12, item 9).
# A worker spins in `while (true) {}` under a long request_timeout; the
# master is killed with SIGKILL: every worker must be gone within 1 s.
# Once with the children running as the master's user, once as root
# dropping to nobody (the uid change clears the parent-death signal, so
# the order of the two matters).
#
# Regression test: the death signal was SIGTERM, which a worker only
# handles between requests, so a worker in a long request ran on, orphaned.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops_lib.sh"
require_tool curl curl

mkdir -p "$T/app"
cat >"$T/app/main.js" <<'JS'
module.exports = {
  fetch: function (req) {
    if (req.path === '/spin') while (true) {}
    return new Response('fine\n');
  }
};
JS
chmod 755 "$T"   # mktemp made it 0700: nobody must reach the app
chmod -R a+rX "$T/app"

# orphan_case [section.key=value ...]
orphan_case() {
  start_ops_server server.workers=2 app.request_timeout=60s "$@"
  local workers broker master=$SERVER_PID
  workers=$(worker_pids | tr '\n' ' ')
  broker=$(broker_pid)
  WORKER_UID=$(awk '/^Uid:/ { print $2 }' "/proc/${workers%% *}/status")
  assert_eq "fine" "$(curl -sS --max-time 5 "$HTTP_URL/x")" "serving"
  curl -sS -o /dev/null --max-time 30 "$HTTP_URL/spin" 2>/dev/null &
  local client=$!
  wait_until '[ "$(status_field active_workers)" = 1 ]' 5 || fail "no worker became busy with /spin"
  ok "one worker spins in while (true) {}"
  kill -KILL "$master"
  wait_until "! pid_alive $master" 2 || fail "the master survived SIGKILL"
  local w
  for w in $workers; do
    wait_until "! pid_alive $w" 1 || fail "worker $w still alive 1 s after its master was killed"
  done
  ok "workers $workers gone within 1 s of the master"
  wait_until "! pid_alive $broker" 5 || fail "broker $broker still alive 5 s after its master was killed"
  ok "broker $broker gone"
  wait "$client" 2>/dev/null || true
  stop_group "$master" KILL 1
}

say "children as the master's user"
orphan_case
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
  say "root master, children dropped to nobody"
  orphan_case server.user=nobody database.path="$T/db/app.db"
  assert_eq "$(id -u nobody)" "$WORKER_UID" "uid the workers ran as"
else
  echo "(not root, or no user nobody: the case with a user change was not run)"
fi
