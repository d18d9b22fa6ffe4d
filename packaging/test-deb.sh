#!/bin/bash
# test-deb.sh: the Debian package end to end, on this machine.  Needs root
# and changes the system (installs the package, creates the user jsfpm,
# starts nginx on a spare port); everything is undone at the end.  Not part
# of `make check`: .ci/run runs it after building the package.
#
#   packaging/test-deb.sh [DEB]     (default: builds one with build-deb.sh)
#
# 1. the .deb holds the install layout; 2. it installs with apt; 3. the
#    units pass systemd-analyze verify and jsfpm.service rates <= 2.5;
# 4. /usr/sbin/jsfpm starts exactly as the unit's ExecStartPre/ExecStart
#    say (as root; there is no running systemd here, so the test does what
#    RuntimeDirectory=, UMask= and KillSignal= would), its children drop
#    to jsfpm, and nginx with the installed snippet serves the example app:
#    200, and a note written to /var/lib/jsfpm; online backup; HUP
#    reloads, logrotate on /etc/logrotate.d/jsfpm rotates the log and the
#    master reopens it, QUIT stops; then the same through
#    jsfpm.socket's socket (systemd-socket-activate); then in cluster mode
#    (a [cluster] section for node 1 on 127.0.0.1, docs/cluster.md): the
#    node process as jsfpm, its data_dir, a note through nginx,
#    --cluster-status and --backup from the cluster;
# 5. apt-get remove keeps configuration and data; purge removes the
#    configuration and the logs and, by default (debconf jsfpm/purge_database
#    unanswered: no), keeps the database; purged again with the answer
#    preseeded to yes, it removes the database too.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "test-deb.sh: needs root" >&2; exit 77; }
for tool in curl sqlite3 nginx systemd-analyze systemd-socket-activate dpkg-deb logrotate debconf-communicate; do
  command -v "$tool" >/dev/null || { echo "test-deb.sh: $tool missing" >&2; exit 1; }
done

T=$(mktemp -d /tmp/jsfpm-test-deb.XXXXXX)
chmod 755 "$T"
MASTER_PID= NGINX_PID=
say() { printf '== %s\n' "$*"; }
ok() { printf '   ok: %s\n' "$*"; }
fail() {
  printf 'FAIL [test-deb]: %s\n' "$*" >&2
  for log in /var/log/jsfpm/error.log "$T/master.out" "$T/nginx/error.log"; do
    [ -f "$log" ] && { echo "---- $log" >&2; tail -n 30 "$log" >&2; }
  done
  exit 1
}
cleanup() {
  set +e
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null
  if [ -n "$MASTER_PID" ] && kill -0 "$MASTER_PID" 2>/dev/null; then
    kill -TERM "$MASTER_PID"
    for _ in $(seq 50); do kill -0 "$MASTER_PID" 2>/dev/null || break; sleep 0.1; done
  fi
  if dpkg-query -W -f='${Status}' jsfpm 2>/dev/null | grep -q 'install\|config-files'; then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq jsfpm >/dev/null 2>&1
  fi
  [ -n "${CREATED_USER:-}" ] && getent passwd jsfpm >/dev/null && userdel jsfpm 2>/dev/null
  [ -n "${CREATED_USER:-}" ] && getent group jsfpm >/dev/null && groupdel jsfpm 2>/dev/null
  rm -rf /var/lib/jsfpm /var/log/jsfpm /var/cache/jsfpm /run/jsfpm /etc/jsfpm "$T"
}

if dpkg-query -W -f='${Status}' jsfpm 2>/dev/null | grep -q 'install\|config-files' ||
  getent passwd jsfpm >/dev/null || [ -e /var/lib/jsfpm ]; then
  echo "test-deb.sh: jsfpm is already installed or its user or /var/lib/jsfpm exists; not touching it" >&2
  exit 1
fi
CREATED_USER=1
trap cleanup EXIT

deb=${1:-}
if [ -z "$deb" ]; then
  "$top/packaging/build-deb.sh" "$T/deb"
  deb=$(ls "$T"/deb/jsfpm_*.deb)
fi
deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")

say "contents of $(basename "$deb")"
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$T/contents"
for f in /usr/sbin/jsfpm /etc/jsfpm/jsfpm.conf /etc/nginx/snippets/jsfpm.conf /etc/logrotate.d/jsfpm \
  /usr/share/jsfpm/js/jsfpm/runtime.js /usr/share/jsfpm/js/jsfpm/router.js /usr/share/jsfpm/js/jsfpm/db.js \
  /usr/share/jsfpm/example/main.js /usr/share/jsfpm/example/migrations/001_notes.sql \
  /usr/share/man/man8/jsfpm.8.gz /usr/share/man/man5/jsfpm.conf.5.gz \
  /lib/systemd/system/jsfpm.service /lib/systemd/system/jsfpm.socket /lib/systemd/system/jsfpm@.service \
  /usr/lib/sysusers.d/jsfpm.conf /usr/lib/tmpfiles.d/jsfpm.conf /usr/share/doc/jsfpm/deploy.md /usr/share/doc/jsfpm/README.md \
  /usr/share/doc/jsfpm/copyright /usr/share/doc/jsfpm/README.Debian; do
  grep -qx "$f" "$T/contents" || fail "$f not in the package"
done
dpkg-deb -e "$deb" "$T/control"
grep -qx /etc/jsfpm/jsfpm.conf "$T/control/conffiles" || fail "jsfpm.conf is not a conffile"
for f in templates config; do [ -f "$T/control/$f" ] || fail "no debconf $f in the package"; done
ok "$(wc -l <"$T/contents") entries, the layout complete; jsfpm.conf is a conffile; debconf templates and config"

say "apt-get install $(basename "$deb")"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >"$T/install.log" 2>&1 ||
  fail "install: $(tail -20 "$T/install.log")"
getent passwd jsfpm >/dev/null || fail "postinst created no user jsfpm"
[ "$(stat -c '%U:%G %a' /var/lib/jsfpm)" = "jsfpm:jsfpm 750" ] || fail "/var/lib/jsfpm: $(stat -c '%U:%G %a' /var/lib/jsfpm)"
[ "$(stat -c '%U:%G %a' /var/log/jsfpm)" = "root:adm 755" ] || fail "/var/log/jsfpm: $(stat -c '%U:%G %a' /var/log/jsfpm)"
/usr/sbin/jsfpm -t 2>/dev/null || fail "the installed configuration does not pass jsfpm -t"
# debconf_get QUESTION: its value ("0 VALUE" from debconf), fails if it does not exist.
debconf_get() { echo "GET $1" | debconf-communicate jsfpm 2>/dev/null; }
[ "$(debconf_get jsfpm/purge_database)" = "0 false" ] ||
  fail "jsfpm/purge_database not registered at installation: '$(debconf_get jsfpm/purge_database)'"
ok "user jsfpm, /var/lib/jsfpm and /var/log/jsfpm, valid /etc/jsfpm/jsfpm.conf, debconf question registered (false)"

say "installed units (tests/integration/pkg/pkg_units.sh)"
JSFPM=/usr/sbin/jsfpm TOP_SRCDIR=$top JSFPM_UNIT_DIR=/lib/systemd/system \
  bash "$top/tests/integration/pkg/pkg_units.sh" >"$T/units.log" 2>&1 || fail "units: $(cat "$T/units.log")"
sed -n 's/^ *ok: /   ok: /p' "$T/units.log"

say "start /usr/sbin/jsfpm as the unit does"
unit=/lib/systemd/system/jsfpm.service
unit_value() { sed -n "s/^$1=//p" "$unit"; }
# Environment=JSFPM_CONF=... then ${JSFPM_CONF} in the Exec lines.
eval "export $(unit_value Environment)"
expand() { local line=$1; echo "${line//\$\{JSFPM_CONF\}/$JSFPM_CONF}"; }
pre=$(expand "$(unit_value ExecStartPre)")
start=$(expand "$(unit_value ExecStart)")
case $start in /usr/sbin/jsfpm\ *) ;; *) fail "ExecStart is '$start'" ;; esac
# RuntimeDirectory=jsfpm, RuntimeDirectoryMode=0755, UMask=
install -d -m "$(unit_value RuntimeDirectoryMode)" /run/jsfpm
umask "$(unit_value UMask)"
unset JSFPM_ALLOW_ROOT NOTIFY_SOCKET LISTEN_FDS LISTEN_PID
$pre 2>"$T/pre.err" || fail "ExecStartPre $pre: $(cat "$T/pre.err")"
$start >"$T/master.out" 2>&1 &
MASTER_PID=$!
for _ in $(seq 100); do [ -S /run/jsfpm/jsfpm.sock ] && break; sleep 0.1; done
[ -S /run/jsfpm/jsfpm.sock ] || fail "no /run/jsfpm/jsfpm.sock after 10 s"
[ "$(stat -c '%U:%G %a' /run/jsfpm/jsfpm.sock)" = "jsfpm:www-data 660" ] ||
  fail "socket: $(stat -c '%U:%G %a' /run/jsfpm/jsfpm.sock)"
for _ in $(seq 50); do [ "$(pgrep -c -P "$MASTER_PID")" -ge 3 ] && break; sleep 0.1; done
[ "$(ps -o user= -p "$MASTER_PID")" = root ] || fail "master is not root"
children=$(ps -o user= --ppid "$MASTER_PID" | sort | uniq -c | awk '{ print $2 "x" $1 }')
[ "$children" = "jsfpmx3" ] || fail "children (broker and 2 workers) should all run as jsfpm: $children"
ok "$start: master root, broker and workers jsfpm, socket jsfpm:www-data 0660"

say "nginx with /etc/nginx/snippets/jsfpm.conf"
mkdir -p "$T/nginx/tmp"
# The snippet's relative "include fastcgi_params" resolves next to nginx.conf,
# as it does in /etc/nginx.
ln -s /etc/nginx/fastcgi_params "$T/nginx/fastcgi_params"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$T/nginx/nginx.conf" <<CONF
user www-data;
daemon off;
worker_processes 1;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log info;
events { worker_connections 64; }
http {
  access_log $T/nginx/access.log;
  client_body_temp_path $T/nginx/tmp/body;
  fastcgi_temp_path $T/nginx/tmp/fastcgi;
  proxy_temp_path $T/nginx/tmp/proxy;
  server {
    listen 127.0.0.1:$port;
    server_name localhost;
    include /etc/nginx/snippets/jsfpm.conf;
  }
}
CONF
nginx -t -c "$T/nginx/nginx.conf" >"$T/nginx/t.log" 2>&1 || fail "nginx -t: $(cat "$T/nginx/t.log")"
nginx -c "$T/nginx/nginx.conf" &
NGINX_PID=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

http() { # http METHOD PATH [BODY]: prints "STATUS BODY"
  curl -sS -o "$T/body" -w '%{http_code}' -X "$1" ${3:+-d "$3"} "http://127.0.0.1:$port$2"
  printf ' %s\n' "$(cat "$T/body")"
}
# note_roundtrip BODY: POSTs a note through nginx (201) and reads it back
# (200 with BODY); NOTE_ID is its id.
note_roundtrip() {
  local r
  r=$(http POST /notes "{\"body\":\"$1\"}")
  case $r in "201 "*'"id":'*) ;; *) fail "POST /notes: $r" ;; esac
  NOTE_ID=$(printf '%s' "$r" | sed 's/.*"id":\([0-9]*\).*/\1/')
  r=$(http GET "/notes/$NOTE_ID")
  case $r in "200 "*"$1"*) ;; *) fail "GET /notes/$NOTE_ID: $r" ;; esac
}
r=$(http GET /)
case $r in "200 "*'jsfpm example notes'*) ;; *) fail "GET /: $r" ;; esac
ok "GET / -> 200"
marker="from test-deb $$"
note_roundtrip "$marker"
id=$NOTE_ID
ok "POST /notes -> 201 (id $id), GET /notes/$id -> 200"
db=$(sed -n 's/^path = //p' /etc/jsfpm/jsfpm.conf)
case $db in /var/lib/jsfpm/*) ;; *) fail "database path $db" ;; esac
[ "$(sqlite3 "$db" "SELECT body FROM notes WHERE id = $id")" = "$marker" ] || fail "note $id not in $db"
[ "$(stat -c %U "$db")" = jsfpm ] || fail "$db owned by $(stat -c %U "$db")"
ok "the note is in $db (owned by jsfpm)"
r=$(http GET /jsfpm-status)
case $r in "200 "*) ;; *) fail "GET /jsfpm-status: $r" ;; esac
r=$(http GET /jsfpm-ping)
case $r in "200 pong"*) ;; *) fail "GET /jsfpm-ping: $r" ;; esac
ok "status page and ping through nginx (from localhost)"
backup=/var/lib/jsfpm/backup-test.db
runuser -u jsfpm -- /usr/sbin/jsfpm --backup "$backup" 2>"$T/backup.err" || fail "--backup: $(cat "$T/backup.err")"
[ "$(sqlite3 "$backup" "SELECT body FROM notes WHERE id = $id")" = "$marker" ] || fail "note $id not in the backup"
ok "online backup as the service user (docs/deploy.md) holds the note"

say "ExecReload (HUP), logrotate (USR1), KillSignal (QUIT)"
reload=$(unit_value ExecReload)
$(echo "${reload//\$MAINPID/$MASTER_PID}")
sleep 1
kill -0 "$MASTER_PID" || fail "master died on reload"
r=$(http GET "/notes/$id")
case $r in "200 "*"$marker"*) ;; *) fail "after reload GET /notes/$id: $r" ;; esac
ok "reloaded, still serving"
# The installed /etc/logrotate.d/jsfpm, run by logrotate as cron would.
logrotate -f -s "$T/logrotate.state" /etc/logrotate.d/jsfpm >"$T/logrotate.out" 2>&1 ||
  fail "logrotate: $(cat "$T/logrotate.out")"
[ -s /var/log/jsfpm/error.log.1 ] || fail "logrotate did not rotate error.log: $(ls -l /var/log/jsfpm)"
[ "$(stat -c '%U %a' /var/log/jsfpm/error.log)" = "jsfpm 640" ] ||
  fail "the fresh error.log: $(stat -c '%U:%G %a' /var/log/jsfpm/error.log)"
for _ in $(seq 50); do grep -q 'log reopened' /var/log/jsfpm/error.log && break; sleep 0.1; done
grep -q 'log reopened' /var/log/jsfpm/error.log || fail "the master did not reopen /var/log/jsfpm/error.log after logrotate"
ok "logrotate rotated error.log (the fresh one jsfpm's, 0640), USR1 made the master reopen it"
[ "$(unit_value KillSignal)" = SIGQUIT ] || fail "KillSignal is not SIGQUIT"
kill -QUIT "$MASTER_PID"
for _ in $(seq 100); do kill -0 "$MASTER_PID" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$MASTER_PID" 2>/dev/null || fail "master still running 10 s after QUIT"
wait "$MASTER_PID" || fail "master exited with status $? on QUIT"
MASTER_PID=
ok "QUIT: stopped cleanly"

say "socket activation: jsfpm.socket's socket, jsfpm started on the first request"
socket_unit=/lib/systemd/system/jsfpm.socket
listen=$(sed -n 's/^ListenStream=//p' "$socket_unit")
rm -f "$listen"
systemd-socket-activate -l "$listen" $start >"$T/master.out" 2>&1 &
MASTER_PID=$!
for _ in $(seq 50); do [ -S "$listen" ] && break; sleep 0.1; done
[ -S "$listen" ] || fail "systemd-socket-activate did not bind $listen"
# What systemd does with SocketUser=, SocketGroup=, SocketMode=.
chown "$(sed -n 's/^SocketUser=//p' "$socket_unit"):$(sed -n 's/^SocketGroup=//p' "$socket_unit")" "$listen"
chmod "$(sed -n 's/^SocketMode=//p' "$socket_unit")" "$listen"
r=$(http GET "/notes/$id")
case $r in "200 "*"$marker"*) ;; *) fail "socket-activated GET /notes/$id: $r" ;; esac
ok "GET /notes/$id -> 200 through the passed socket"
kill -QUIT "$MASTER_PID"
for _ in $(seq 100); do kill -0 "$MASTER_PID" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$MASTER_PID" 2>/dev/null || fail "socket-activated master still running 10 s after QUIT"
MASTER_PID=
ok "stopped"

say "cluster mode (docs/cluster.md, \"Running a node\"): the package's jsfpm bootstraps a one-node cluster"
node_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cp -p /etc/jsfpm/jsfpm.conf "$T/jsfpm.conf.single"
printf '\n[cluster]\naddress = 127.0.0.1:%s\nnode_id = 1\n' "$node_port" >>/etc/jsfpm/jsfpm.conf
/usr/sbin/jsfpm -t 2>"$T/t.err" || fail "jsfpm -t with [cluster]: $(cat "$T/t.err")"
rm -f /run/jsfpm/jsfpm.sock
$pre 2>"$T/pre.err" || fail "ExecStartPre $pre: $(cat "$T/pre.err")"
$start >"$T/master.out" 2>&1 &
MASTER_PID=$!
for _ in $(seq 300); do [ -S /run/jsfpm/jsfpm.sock ] && break; sleep 0.1; done
[ -S /run/jsfpm/jsfpm.sock ] || fail "cluster mode: no /run/jsfpm/jsfpm.sock after 30 s"
node=$(pgrep -P "$MASTER_PID" -f "^jsfpm: cluster node 1 \(127.0.0.1:$node_port\)") ||
  fail "no node process titled 'jsfpm: cluster node 1 (127.0.0.1:$node_port)': $(ps -o args= --ppid "$MASTER_PID")"
[ "$(ps -o user= -p "$node")" = jsfpm ] || fail "the node runs as $(ps -o user= -p "$node")"
[ "$(stat -c '%U %a' /var/lib/jsfpm/cluster)" = "jsfpm 700" ] ||
  fail "data_dir /var/lib/jsfpm/cluster: $(stat -c '%U %a' /var/lib/jsfpm/cluster)"
ok "node process as jsfpm, data_dir /var/lib/jsfpm/cluster created 0700 for it"
marker_cluster="on the cluster $$"
note_roundtrip "$marker_cluster"
cluster_id=$NOTE_ID
ok "the example app through nginx on the cluster: POST /notes -> 201, GET /notes/$cluster_id -> 200"
status=$(/usr/sbin/jsfpm --cluster-status 2>&1) || fail "--cluster-status: $status"
grep -q "^cluster leader: *1 at 127.0.0.1:$node_port" <<<"$status" || fail "--cluster-status: not led by node 1: $status"
grep -q "^cluster member: .*127.0.0.1:$node_port.* voter$" <<<"$status" || fail "--cluster-status: node 1 is no voter: $status"
ok "jsfpm --cluster-status: node 1 leads, a voter"
backup=/var/lib/jsfpm/cluster-backup.db
runuser -u jsfpm -- /usr/sbin/jsfpm --backup "$backup" 2>"$T/backup.err" || fail "cluster --backup: $(cat "$T/backup.err")"
[ "$(sqlite3 "$backup" "SELECT body FROM notes WHERE id = $cluster_id")" = "$marker_cluster" ] ||
  fail "note $cluster_id not in the cluster's backup"
ok "--backup as the service user writes the cluster's database, with the note"
kill -QUIT "$MASTER_PID"
for _ in $(seq 200); do kill -0 "$MASTER_PID" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$MASTER_PID" 2>/dev/null || fail "cluster-mode master still running 20 s after QUIT"
wait "$MASTER_PID" || fail "cluster-mode master exited with status $? on QUIT"
MASTER_PID=
! kill -0 "$node" 2>/dev/null || fail "the node process outlived the master"
cp -p "$T/jsfpm.conf.single" /etc/jsfpm/jsfpm.conf
ok "QUIT stopped the master and the node; jsfpm.conf back to one host"

say "apt-get remove keeps configuration and data"
DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq jsfpm >"$T/remove.log" 2>&1 || fail "remove: $(tail "$T/remove.log")"
[ ! -e /usr/sbin/jsfpm ] || fail "/usr/sbin/jsfpm still there"
[ -f /etc/jsfpm/jsfpm.conf ] || fail "remove deleted /etc/jsfpm/jsfpm.conf"
[ "$(sqlite3 "$db" "SELECT body FROM notes WHERE id = $id")" = "$marker" ] || fail "remove lost the data"
ok "binary gone; jsfpm.conf and $db kept"

say "apt-get purge removes configuration and logs, keeps the database (debconf default)"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq jsfpm >"$T/purge.log" 2>&1 || fail "purge: $(tail "$T/purge.log")"
for p in /etc/jsfpm /var/log/jsfpm; do [ ! -e "$p" ] || fail "purge left $p"; done
[ "$(sqlite3 "$db" "SELECT body FROM notes WHERE id = $id")" = "$marker" ] || fail "purge lost the database $db"
grep -q "/var/lib/jsfpm (the databases) is kept" "$T/purge.log" || fail "purge did not say the database is kept: $(cat "$T/purge.log")"
ok "/etc/jsfpm, /var/log/jsfpm gone; $db kept with note $id, and purge said so"

say "reinstall finds the database; purge with jsfpm/purge_database preseeded to yes removes it"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >"$T/install2.log" 2>&1 ||
  fail "reinstall: $(tail -20 "$T/install2.log")"
[ "$(sqlite3 "$db" "SELECT body FROM notes WHERE id = $id")" = "$marker" ] || fail "reinstall lost the database $db"
[ "$(stat -c '%U:%G %a' /var/lib/jsfpm)" = "jsfpm:jsfpm 750" ] || fail "/var/lib/jsfpm after reinstall: $(stat -c '%U:%G %a' /var/lib/jsfpm)"
echo "jsfpm jsfpm/purge_database boolean true" | debconf-set-selections
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq jsfpm >"$T/purge2.log" 2>&1 || fail "purge: $(tail "$T/purge2.log")"
for p in /etc/jsfpm /var/lib/jsfpm /var/log/jsfpm; do [ ! -e "$p" ] || fail "purge left $p"; done
debconf_get jsfpm/purge_database >/dev/null && fail "purge left the debconf question behind"
ok "/etc/jsfpm, /var/lib/jsfpm, /var/log/jsfpm and the debconf question gone"
echo "test-deb.sh: PASS"
