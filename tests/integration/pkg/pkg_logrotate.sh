#!/bin/bash
# pkg_logrotate.sh: the packaged logrotate file (etc/logrotate.d/jsfpm) run
# by logrotate itself rotates the logs of every master: two real masters,
# jsfpm.service's and a jsfpm@app2.service instance's, laid out as the
# package and docs/deploy.md lay them out (/etc/jsfpm/NAME.conf,
# /var/log/jsfpm/NAME.log, /run/jsfpm/NAME.pid), with those directories
# moved into the test directory.  After the rotation both masters and
# their workers write to fresh files, and a stale pid file naming another
# program does not get that program signalled.
. "$(dirname "$0")/../lib.sh"
require_tool logrotate logrotate
require_tool curl curl

etc=$T/etc logs=$T/log run=$T/run
mkdir -p "$etc" "$logs" "$run" "$T/lib/app2"

say "the shipped logrotate file, its paths moved into $T"
shipped=$TOP_SRCDIR/etc/logrotate.d/jsfpm
sed -e "s|/var/log/jsfpm/|$logs/|g" -e "s|/run/jsfpm/|$run/|g" \
  -e "s|^\([[:space:]]*create [0-7]*\) jsfpm adm\$|\1 $(id -un) $(id -gn)|" "$shipped" >"$T/logrotate.conf"
# Only the lines naming those paths or the owner of new files changed.
moved=$(grep -c '/var/log/jsfpm/\|/run/jsfpm/\|^[[:space:]]*create ' "$shipped")
changed=$(diff "$shipped" "$T/logrotate.conf" | grep -c '^>' || true)
assert_eq "$moved" "$changed" "lines adapted (paths and the create owner)"
! grep -q '/var/log/jsfpm/\|/run/jsfpm/\|jsfpm adm' "$T/logrotate.conf" || fail "a path was left unadapted"

say "jsfpm.service's master and jsfpm@app2.service's"
# start_instance CONF ERROR_LOG ACCESS_LOG PID_FILE RUNTIME_DIR SOCKET DB:
# a master as its unit runs it; sets its NAME_PID, NAME_LOG, NAME_URL.
start_instance() {
  local name=$1
  CONFIG=$etc/$name.conf
  start_server server.error_log="$2" server.access_log="$3" \
    server.pid_file="$4" server.runtime_dir="$5" server.listen="$6" database.path="$7"
  printf -v "${name}_PID" %s "$SERVER_PID"
  printf -v "${name}_LOG" %s "$LOG"
  printf -v "${name}_URL" %s "$HTTP_URL"
}
# The packaged jsfpm.conf's paths, and docs/deploy.md's for an instance.
start_instance jsfpm "$logs/error.log" "$logs/access.log" "$run/jsfpm.pid" "$run/private" \
  "$run/jsfpm.sock" "$T/lib/app.db"
start_instance app2 "$logs/app2.log" "$logs/app2-access.log" "$run/app2.pid" "$run/app2" \
  "$run/app2.sock" "$T/lib/app2/app.db"
for name in jsfpm app2; do
  url=${name}_URL
  curl -sS -o /dev/null "${!url}/before" || fail "$name does not serve"
done
wait_until "grep -q ' GET /before ' '$logs/access.log' && grep -q ' GET /before ' '$logs/app2-access.log'" 3 ||
  fail "no access log lines before the rotation"
ok "both serve and log"

# A pid file left by a master that was killed, naming a pid now used by
# another program: USR1 would terminate it.
spawn_group "$T/bystander.out" sleep 300
bystander=$SPAWNED_PID
echo "$bystander" >"$run/killed.pid"

say "logrotate -f"
logrotate -f -s "$T/logrotate.state" "$T/logrotate.conf" >"$T/logrotate.out" 2>&1 ||
  fail "logrotate failed: $(cat "$T/logrotate.out")"
for f in error app2 access app2-access; do
  [ -s "$logs/$f.log.1" ] || fail "$logs/$f.log was not rotated: $(ls "$logs")"
done
ok "the four logs rotated to .1"

for name in jsfpm app2; do
  log=${name}_LOG
  wait_until "grep -q 'log reopened' '${!log}'" 5 ||
    fail "the $name master did not reopen ${!log} (still writing to ${!log}.1?)"
  ok "the $name master writes to a fresh ${!log}"
done
for i in 1 2 3 4; do
  curl -sS -o /dev/null "$jsfpm_URL/after/$i"
  curl -sS -o /dev/null "$app2_URL/after/$i"
done
for f in access app2-access; do
  wait_until "[ \$(grep -c ' GET /after/' '$logs/$f.log') = 4 ]" 3 ||
    fail "the workers' requests are not all in the fresh $f.log: $(grep -c ' GET /after/' "$logs/$f.log" || true)"
  assert_eq 0 "$(grep -c '/after/' "$logs/$f.log.1" || true)" "lines written to $f.log.1 after the rotation"
done
pid_alive "$bystander" || fail "the program named by a stale pid file was signalled"
ok "the program named by a stale pid file was left alone"

for name in jsfpm app2; do
  pid=${name}_PID
  SERVER_PID=${!pid}
  stop_server
done
