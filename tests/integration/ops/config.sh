#!/bin/bash
# config.sh: `jsfpm -t` accepts a good config and names file, line and key
# for bad ones; the server refuses to start on a config error and leaves
# nothing behind.
. "$(dirname "$0")/../lib.sh"

# check_t FILE: runs `jsfpm -t -c FILE`; sets RC and ERR (stderr).
check_t() {
  RC=0
  ERR=$("$JSFPM" -t -c "$1" 2>&1 >"$T/stdout") || RC=$?
}
# expect_error FILE LINE WORD...: -t fails, stderr has "FILE:LINE:" and each WORD.
expect_error() {
  local file=$1 line=$2 w
  shift 2
  check_t "$file"
  [ "$RC" -ne 0 ] || fail "jsfpm -t accepted $(basename "$file"):
$(cat "$file")"
  ok "exit status $RC"
  assert_contains "$ERR" "$file:$line:" "stderr"
  for w in "$@"; do assert_contains "$ERR" "$w" "stderr"; done
}

say "a valid config passes -t (exit 0)"
write_config "$T/good.conf" server.workers=3 env.GREETING=hello
check_t "$T/good.conf"
assert_eq 0 "$RC" "exit status of -t (stderr: $ERR)"
assert_contains "$ERR" "test is successful" "stderr"

say "-T prints the effective config, defaults included"
out=$("$JSFPM" -T -c "$T/good.conf" 2>/dev/null)
assert_match "$out" '^workers = 3( |$)' "-T output"
assert_match "$out" "^listen = $T/jsfpm.sock( |\$)" "-T output"
assert_match "$out" '^max_body_size = 8388608( |$)' "-T output (a default)"
assert_match "$out" '^GREETING = hello$' "-T output ([env])"

say "an unknown key"
write_config "$T/unknown_key.conf" server.worker_count=4
line=$(grep -n '^worker_count' "$T/unknown_key.conf" | cut -d: -f1)
expect_error "$T/unknown_key.conf" "$line" worker_count

say "a bad value: workers = many"
write_config "$T/bad_value.conf" server.workers=many
line=$(grep -n '^workers' "$T/bad_value.conf" | cut -d: -f1)
expect_error "$T/bad_value.conf" "$line" workers many

say "an out-of-range value: workers = 0"
write_config "$T/range.conf" server.workers=0
line=$(grep -n '^workers' "$T/range.conf" | cut -d: -f1)
expect_error "$T/range.conf" "$line" workers

say "a bad duration: request_timeout = soon"
write_config "$T/duration.conf" app.request_timeout=soon
line=$(grep -n '^request_timeout' "$T/duration.conf" | cut -d: -f1)
expect_error "$T/duration.conf" "$line" request_timeout soon

say "an unknown section"
write_config "$T/section.conf"
printf '[serverz]\nworkers = 2\n' >>"$T/section.conf"
line=$(grep -n '^\[serverz\]' "$T/section.conf" | cut -d: -f1)
check_t "$T/section.conf"
[ "$RC" -ne 0 ] || fail "jsfpm -t accepted an unknown section"
ok "exit status $RC"
# The section header or its first key may be named.
assert_match "$ERR" "$T/section.conf:($line|$((line + 1))):" "stderr"
assert_contains "$ERR" serverz "stderr"

say "a key set twice"
write_config "$T/twice.conf"
sed -i 's/^\(workers = .*\)$/\1\nworkers = 4/' "$T/twice.conf"
line=$(grep -n '^workers = 4' "$T/twice.conf" | cut -d: -f1)
expect_error "$T/twice.conf" "$line" workers

say "a renamed key (php-fpm's emergency_restart_*, now respawn_throttle_*) is read, with a warning"
write_config "$T/renamed.conf" server.emergency_restart_threshold=4 server.emergency_restart_interval=20s
check_t "$T/renamed.conf"
assert_eq 0 "$RC" "exit status of -t (stderr: $ERR)"
for key in threshold interval; do
  line=$(grep -n "^emergency_restart_$key =" "$T/renamed.conf" | cut -d: -f1)
  assert_contains "$ERR" "jsfpm: warning: $T/renamed.conf:$line: [server] emergency_restart_$key: deprecated name, read as respawn_throttle_$key" "stderr"
done
out=$("$JSFPM" -T -c "$T/renamed.conf" 2>/dev/null)
assert_match "$out" '^respawn_throttle_threshold = 4 ; .*\[old name: emergency_restart_threshold\]$' "-T output"
assert_match "$out" '^respawn_throttle_interval = 20000ms ; .*\[old name: emergency_restart_interval\]$' "-T output"
assert_not_contains "$out" "
emergency_restart" "-T output"
write_config "$T/renamed_twice.conf" server.emergency_restart_threshold=4 server.respawn_throttle_threshold=5
line=$(grep -n '^respawn_throttle_threshold' "$T/renamed_twice.conf" | cut -d: -f1)
expect_error "$T/renamed_twice.conf" "$line" "set twice" emergency_restart_threshold

say "a missing file"
check_t "$T/does-not-exist.conf"
[ "$RC" -ne 0 ] || fail "jsfpm -t accepted a missing file"
ok "exit status $RC"
assert_contains "$ERR" "$T/does-not-exist.conf" "stderr"

# run_server_fg CONF: runs the server in the foreground (10 s limit); sets RC.
run_server_fg() {
  RC=0
  timeout 10 "$JSFPM" -c "$1" >"$T/fg.out" 2>&1 || RC=$?
  [ "$RC" -ne 124 ] || fail "the server kept running with $(basename "$1")"
}
# nothing_left CONF: no process runs with this config (by its command line,
# or the title a running master gives itself); no socket/pid file.
nothing_left() {
  local procs
  procs=$(pgrep -f -- "-c $1|jsfpm: master \\($1\\)" || true)
  [ -z "$procs" ] || fail "processes left running: $procs"
  [ ! -e "$T/jsfpm.sock" ] || fail "FastCGI socket left behind"
  [ ! -e "$T/run/broker.sock" ] || fail "broker.sock left behind"
  [ ! -e "$T/jsfpm.pid" ] || fail "pid file left behind"
  ok "nothing left running, no socket or pid file"
}

say "the server refuses to start with an unknown key"
run_server_fg "$T/unknown_key.conf"
[ "$RC" -ne 0 ] || fail "the server exited 0"
ok "exit status $RC"
assert_contains "$(cat "$T/fg.out")" "unknown_key.conf:" "server's stderr"
assert_contains "$(cat "$T/fg.out")" worker_count "server's stderr"
nothing_left "$T/unknown_key.conf"

say "the server refuses to start when the app root does not exist"
write_config "$T/noapp.conf" app.root="$T/no-such-app" server.error_log="$T/noapp.log"
run_server_fg "$T/noapp.conf"
[ "$RC" -ne 0 ] || fail "the server exited 0"
ok "exit status $RC"
assert_contains "$(cat "$T/noapp.log")" "no-such-app" "error log"
nothing_left "$T/noapp.conf"

say "the server refuses to start when its HTTP port is taken"
"$PYTHON" -c 'import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
print(s.getsockname()[1], flush=True)
time.sleep(30)' >"$T/holder.port" &
holder=$!
on_exit "kill $holder 2>/dev/null; wait $holder 2>/dev/null"
wait_until "[ -s '$T/holder.port' ]" 5 || fail "port holder did not start"
port=$(cat "$T/holder.port")
write_config "$T/busy.conf" server.http_listen="127.0.0.1:$port" server.error_log="$T/busy.log"
run_server_fg "$T/busy.conf"
[ "$RC" -ne 0 ] || fail "the server exited 0"
ok "exit status $RC"
assert_contains "$(cat "$T/busy.log")" "$port" "error log"
nothing_left "$T/busy.conf"
