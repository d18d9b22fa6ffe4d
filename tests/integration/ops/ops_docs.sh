#!/bin/bash
# ops_docs.sh: what the docs say about signals and the status page is what
# a running master does.
# - Signals: the set the master catches (SigCgt in /proc/PID/status;
#   SIGCHLD and fault signals aside) is the set named by docs/operations.md's table, jsfpm(8),
#   --help and the README; the processes the table's USR1 row says reopen
#   their logs (master, broker, workers) are exactly those catching USR1.
# - Status: the fields of the JSON status (top level, broker, each worker)
#   are those of docs/operations.md's three field tables, and each worker's
#   with ?full those and the ?full table's.
# The status page is served on a unix socket given as a relative path, as
# documented: absolute against the config's directory, mode 0600, removed
# on stop.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops_lib.sh"
require_tool curl curl
OPS_MD=$TOP_SRCDIR/docs/operations.md

start_ops_server server.workers=2 server.status_listen=./status.sock
status_sock=$T/status.sock

say "status_listen = ./status.sock: a unix socket next to the config"
[ -S "$status_sock" ] || fail "no socket at $status_sock"
assert_eq 600 "$(stat -c %a "$status_sock")" "mode of $status_sock"
assert_eq pong "$(curl -sS --max-time 5 --unix-socket "$status_sock" http://localhost/ping)" "ping"
curl -sS --max-time 5 --unix-socket "$status_sock" 'http://localhost/status?json' >"$T/status.json"
curl -sS --max-time 5 --unix-socket "$status_sock" 'http://localhost/status?json&full' >"$T/status_full.json"

say "signals: docs against what the master catches"
# signals_caught PID: the names of the signals PID catches, one a line, sorted.
signals_caught() {
  local mask i
  mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status")
  for i in $(seq 1 62); do
    (( (16#$mask >> (i - 1)) & 1 )) && kill -l "$i"
  done | sort
}
# same_set WHAT FILE: FILE lists the code's signals ($T/caught), one a line.
same_set() {
  sort -u "$2" >"$2.sorted"
  diff -u "$T/caught" "$2.sorted" >"$T/diff" || fail "signals: the master and $1 disagree (- caught, + documented):
$(cat "$T/diff")"
  ok "$1 names the $(wc -l <"$T/caught") signals the master catches: $(tr '\n' ' ' <"$T/caught")"
}
# Not requests an operator sends: SIGCHLD, and the signals that report a
# fault in the process itself (a sanitizer build catches SEGV, BUS, FPE).
signals_caught "$SERVER_PID" | grep -vx 'CHLD\|SEGV\|BUS\|FPE\|ILL\|TRAP\|ABRT\|SYS' >"$T/caught"
[ -s "$T/caught" ] || fail "the master catches no signal"

sed -n '/^## Signals$/,/^## /p' "$OPS_MD" | sed -n 's/^| \(`[A-Z][A-Z0-9]*`[^|]*\)|.*/\1/p' |
  grep -o '[A-Z][A-Z0-9]*' >"$T/ops_md"
same_set "docs/operations.md's table" "$T/ops_md"
sed -n '/^\.SH SIGNALS$/,/^\.SH /p' "$TOP_SRCDIR/man/jsfpm.8.in" | awk 'prev == ".TP" { sub(/^\.[A-Z]+ /, ""); print } { prev = $0 }' |
  grep -o '\b[A-Z][A-Z0-9]\+\b' >"$T/man8"
same_set "jsfpm(8)" "$T/man8"
"$JSFPM" --help | sed -n '/^Signals to the master:/,/^See /p' | sed '$d' | grep -o '\b[A-Z][A-Z0-9]\+\b' >"$T/help"
same_set "jsfpm --help" "$T/help"
sed -n '/^Signals to the master:/,/^$/p' "$TOP_SRCDIR/README.md" | grep -o '`[A-Z][A-Z0-9]*`' | tr -d '`' >"$T/readme"
same_set "README.md" "$T/readme"

usr1_row=$(grep '^| `USR1` |' "$OPS_MD") || fail "docs/operations.md has no USR1 row"
# catches_usr1 PID: true when PID catches SIGUSR1.
catches_usr1() { signals_caught "$1" | grep -qx USR1; }
for role in master broker worker; do
  case $role in
    master) pids=$SERVER_PID ;;
    broker) pids=$(broker_pid) ;;
    worker) pids=$(worker_pids) ;;
  esac
  [ -n "$pids" ] || fail "no $role process"
  documented=no
  case $usr1_row in *"$role"*) documented=yes ;; esac
  for pid in $pids; do
    caught=no
    catches_usr1 "$pid" && caught=yes
    assert_eq "$documented" "$caught" "the USR1 row names the $role (pid $pid) / it catches USR1"
  done
done

say "status fields: docs/operations.md's tables against the JSON"
python3 - "$OPS_MD" "$T/status.json" "$T/status_full.json" <<'PY' || fail "status fields differ from the docs"
import json, re, sys

doc = open(sys.argv[1]).read()
status = json.load(open(sys.argv[2]))
full = json.load(open(sys.argv[3]))
section = doc.split('\n## Status and ping\n', 1)[1].split('\n## ', 1)[0]

# Each table, keyed by the first line of the paragraph above it; a row's
# names are the backticked words of its first cell.
tables, intro, rows, blank = {}, None, None, True
for line in section.split('\n'):
    if line.startswith('|'):
        if rows is None:
            rows = tables.setdefault(intro, set())
        rows.update(re.findall(r'`([a-z0-9_]+)(?:\[\])?`', line.split('|')[1]))
        continue
    rows = None
    if line.strip() and blank:
        intro = line.strip()
    blank = not line.strip()

def table(prefix):
    found = [names for key, names in tables.items() if key and key.startswith(prefix)]
    if len(found) != 1:
        sys.exit('docs/operations.md: %d tables under a line starting %r' % (len(found), prefix))
    return found[0]

workers = status['workers']
if not workers:
    sys.exit('the status lists no worker')
checks = [('top level', table('Fields (JSON names'), set(status)),
          ('broker', table('`broker` fields'), set(status['broker']))]
checks += [('worker %d' % w['index'], table('`workers[]` fields'), set(w)) for w in workers]
checks += [('worker %d with ?full' % w['index'], table('`workers[]` fields') | table('With `?full`'), set(w))
           for w in full['workers']]
failed = False
for what, documented, actual in checks:
    if documented == actual:
        print('   ok: %s: the %d documented fields' % (what, len(actual)))
        continue
    failed = True
    print('%s: documented but not in the JSON: %s; in the JSON but not documented: %s' % (
        what, sorted(documented - actual) or '-', sorted(actual - documented) or '-'), file=sys.stderr)
sys.exit(1 if failed else 0)
PY

stop_server
[ ! -e "$status_sock" ] || fail "the master left $status_sock behind"
ok "the status socket is removed on stop"
