#!/bin/bash
# ops_links.sh: the master (root) is not tricked by links the service user
# plants in the directories it owns (issue 12, item 1).
#
# As nobody, who owns the log and database directories: the error log and
# the access log are swapped for symbolic links to root's files and the
# slow log for a FIFO before USR1 (log rotation); later app.db-journal is a
# link to a root file when the server starts.  Root's files must keep their
# owner and content, the master must log a refusal naming the path and why,
# and the server must keep serving (the master too: a FIFO would have
# blocked it in open()).
#
# Regression test: the master opened the logs with O_CREAT and chowned
# them, and chowned the database's siblings, by name, following links.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops_lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root"
id nobody >/dev/null 2>&1 || skip "no user nobody"
require_tool setpriv util-linux
require_tool curl curl

as_nobody() { setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups "$@"; }

chmod 755 "$T"   # mktemp made it 0700: nobody must reach the app and its directories
make_app "$T/app" v1
chmod -R a+rX "$T/app"
install -d -o nobody -g "$(id -gn nobody)" -m 0755 "$T/logs"
# Root's files the links will point at, and copies to compare with.
mkdir -m 0755 "$T/root" "$T/copies"
echo "root's log" >"$T/root/log"
echo "root's access log" >"$T/root/access"
echo "root's secrets" >"$T/root/journal"
chmod 0600 "$T/root/"*
cp -p "$T/root/"* "$T/copies/"
# check_root_files: every one still root's, with its mode and content.
check_root_files() {
  local f
  for f in log access journal; do
    assert_eq "root $(stat -c %a "$T/copies/$f")" "$(stat -c '%U %a' "$T/root/$f")" "$T/root/$f owner and mode"
    cmp -s "$T/copies/$f" "$T/root/$f" || fail "$T/root/$f changed: $(od -c "$T/root/$f" | head -n 3)"
  done
  ok "root's files unchanged"
}

start_ops_server server.user=nobody database.path="$T/db/app.db" server.error_log="$T/logs/error.log" \
  server.access_log="$T/logs/access.log" server.slowlog="$T/logs/slow.log" server.slowlog_timeout=1ms
assert_eq "v1 /a" "$(curl -sS --max-time 5 "$HTTP_URL/a")" "serving"

say "USR1 after nobody swapped the error and access logs for links and the slow log for a FIFO"
as_nobody mv "$T/logs/error.log" "$T/logs/error.log.1"
as_nobody ln -s "$T/root/log" "$T/logs/error.log"
as_nobody mv "$T/logs/access.log" "$T/logs/access.log.1"
as_nobody ln -s "$T/root/access" "$T/logs/access.log"
as_nobody rm "$T/logs/slow.log"
as_nobody mkfifo "$T/logs/slow.log"
kill -USR1 "$SERVER_PID"
# The master logs on to the file it had open, now error.log.1.
LOG=$T/logs/error.log.1
# Until the master refused the access log, or (as it did before) gave it away.
wait_until "grep -qF 'access_log $T/logs/access.log: cannot open' '$LOG' || [ \"\$(stat -c %U '$T/root/access')\" != root ]" 5 ||
  fail "the master did not act on USR1"
check_root_files
wait_log "slowlog $T/logs/slow.log: cannot open: it is a FIFO with no reader, or a socket, not a regular file"
wait_log "error_log $T/logs/error.log: cannot reopen it; logging on to the file open before: it is a symbolic link"
wait_log "access_log $T/logs/access.log: cannot open: it is a symbolic link"
check_root_files
# The status page is served by the master's own loop: it is not stuck.
assert_eq pong "$(curl -sS --max-time 5 "http://$STATUS_ADDR/ping")" "the master answers ping"
assert_eq "v1 /b" "$(curl -sS --max-time 5 "$HTTP_URL/b")" "still serving"
stop_server
check_root_files

say "reload with new [database] settings after nobody planted app.db-journal as a link"
# The master hands the database's files over again before it restarts the
# broker for the new settings.
as_nobody rm -f "$T/logs/error.log" "$T/logs/access.log" "$T/logs/slow.log"
start_ops_server server.user=nobody database.path="$T/db/app.db" server.error_log="$T/logs/error.log"
assert_eq "v1 db 42" "$(curl -sS --max-time 5 "$HTTP_URL/db")" "a query through the broker"
as_nobody ln -s "$T/root/journal" "$T/db/app.db-journal"
sed -i '/^\[database\]/a synchronous = normal' "$CONFIG"
kill -HUP "$SERVER_PID"
wait_until "grep -qF '$T/db/app.db-journal: not handed' '$LOG' || [ \"\$(stat -c %U '$T/root/journal')\" != root ]" 15 ||
  fail "the master did not hand the database's files over again"
check_root_files
wait_log "$T/db/app.db-journal: not handed to user nobody: it is a symbolic link"
assert_eq "v1 /c" "$(curl -sS --max-time 5 "$HTTP_URL/c")" "still serving"
# SQLite itself never opens a journal through a link, so the new broker
# cannot open the database while the link is there (the service user can
# break its own database in many ways); once it is gone, the broker is
# back.
as_nobody rm "$T/db/app.db-journal"
wait_until '[ "$(curl -sS --max-time 5 "$HTTP_URL/db")" = "v1 db 42" ]' 20 || fail "the database did not come back"
ok "the database serves again"
stop_server
check_root_files
