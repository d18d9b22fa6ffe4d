#!/bin/bash
# HUP under continuous load: zero failed requests and the responses switch
# to the new app code; a reload whose config or app is broken leaves the old
# generation serving.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops_lib.sh"
require_tool curl curl

start_ops_server server.workers=3
assert_eq "v1 /x" "$(curl -sS "$HTTP_URL/x")" "before the reload"
old_workers=$(worker_pids | tr '\n' ' ')
old_broker=$(broker_pid)

# The load runs from before the HUP until 600 responses after the reload
# completed, and 2,000 at least: by count alone, a fast server answered the
# whole load before the new generation took over.  (20,000 is only a cap.)
say "2,000 requests or more across a reload that changes the app, 600 of them after it completed"
http_loop 20000 /x "$T/load.out" 4 & loop=$!
wait_until '[ "$(wc -l <"$T/load.out" 2>/dev/null)" -ge 400 ]' 15 || fail "the load did not start"
make_app "$T/app" v2
kill -HUP "$SERVER_PID"
wait_log "reload complete: generation 2"
at_complete=$(wc -l <"$T/load.out")
want=$((at_complete + 600 > 2000 ? at_complete + 600 : 2000))
wait_until '[ "$(wc -l <"$T/load.out")" -ge $want ]' 30 || {
  touch "$T/load.out.stop"
  fail "fewer than $want responses ($at_complete when the reload completed)"
}
touch "$T/load.out.stop"
wait "$loop" || fail "requests failed during the reload: $(grep -c ERROR "$T/load.out") of $(wc -l <"$T/load.out")"
ok "$(wc -l <"$T/load.out") responses, $at_complete of them when the reload completed"
assert_eq 0 "$(grep -vc '^200 ' "$T/load.out" || true)" "non-200 responses"
assert_eq "200 v1 /x" "$(head -n 1 "$T/load.out")" "first response"
assert_eq "200 v2 /x" "$(tail -n 1 "$T/load.out")" "last response"
# Old and new workers both serve for the few ms until the new generation is
# complete; after that only the new code answers (at most the 4 requests
# under way at that moment can still come from the old workers).
assert_eq 0 "$(tail -n 500 "$T/load.out" | grep -c v1 || true)" "v1 responses among the last 500"
wait_until '[ "$(status_field generation)" = 2 ] && [ "$(worker_pids | wc -l)" = 3 ]' 5 ||
  fail "old workers did not exit"
for p in $old_workers; do pid_alive "$p" && fail "old worker $p still runs"; done
ok "old generation gone, 3 new workers"
# jsfpm.conf(5), RELOAD: the broker is restarted only when [database] changed.
assert_eq "$old_broker" "$(broker_pid)" "broker pid after a reload that left [database] alone"
pid_alive "$old_broker" || fail "the broker $old_broker is gone"

say "a config that fails validation keeps the old generation"
cp "$CONFIG" "$T/good.conf"
sed -i "s/^\[server\]$/[server]\nbogus_key = 1/" "$CONFIG"
before=$(worker_pids | tr '\n' ' ')
kill -HUP "$SERVER_PID"
wait_log "reload failed: $CONFIG"
assert_eq "v2 /x" "$(curl -sS "$HTTP_URL/x")" "still the old code"
assert_eq "$before" "$(worker_pids | tr '\n' ' ')" "workers untouched"

say "an app that fails to load keeps the old generation"
cp "$T/good.conf" "$CONFIG"
echo "this is not javascript" >"$T/app/main.js"
kill -HUP "$SERVER_PID"
# preload = yes (the default): the master compiles the app and refuses it
# before forking anything.
wait_log "reload failed: main.js:1:6: SyntaxError" 60
assert_eq "v2 /x" "$(curl -sS "$HTTP_URL/x")" "still the old code"
wait_until '[ "$(worker_pids | tr "\n" " ")" = "$before" ]' 30 || fail "failed generation's workers linger"
ok "the failed generation is gone, the old workers serve on"

say "without preload, a new worker that cannot load fails the reload"
sed -i "s/^\[app\]$/[app]\npreload = no/" "$CONFIG"
kill -HUP "$SERVER_PID"
# Each new worker creates the compiler heap to report the syntax error.
wait_log "reload failed: a new worker could not load the app" 120
assert_eq "v2 /x" "$(curl -sS "$HTTP_URL/x")" "still the old code"
wait_until '[ "$(worker_pids | tr "\n" " ")" = "$before" ]' 30 || fail "failed generation's workers linger"
ok "the failed generation is gone, the old workers serve on"

say "a reload can move the HTTP door"
make_app "$T/app" v3
new_http=127.0.0.1:$(free_port)
sed -i "s/^http_listen = .*/http_listen = $new_http/" "$CONFIG"
kill -HUP "$SERVER_PID"
wait_log "reload complete: generation 4"
assert_eq "v3 /y" "$(curl -sS "http://$new_http/y")" "new code on the new address"
stop_server QUIT
