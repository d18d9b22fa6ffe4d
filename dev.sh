#!/bin/bash
# dev.sh: the two quick-start commands.
#   ./dev.sh run [APP]  install what is needed, build, start an app (default
#                   js/example; js/examples/login is the sign-up/login example)
#                   (HTTP on 127.0.0.1:8080, FastCGI and SQLite under ./run/)
#   ./dev.sh test   install what is needed, build, run the whole test suite
# Extra: ./dev.sh deps | build | sanitize (the suite under ASan+UBSan)
set -euo pipefail
cd "$(dirname "$0")"
TOP=$(pwd)

# Debian 12 packages: build tools, libraries found by configure, and what the
# tests run for real (nginx, cgi-fcgi, sqlite3, curl, python3, ip for the
# cluster tests' network namespaces).
PACKAGES="build-essential autoconf automake pkg-config libevent-dev libjansson-dev
  libsqlite3-dev libinih-dev check duktape-dev libsystemd-dev libssl-dev libargon2-dev
  libcurl4-openssl-dev libicu-dev libuv1-dev liblz4-dev
  nginx-light libfcgi-bin
  curl sqlite3 python3 procps iproute2 logrotate openssl"

deps() {
  local missing=()
  for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=; [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "dev.sh: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() { # build DIR [configure args...]
  local dir=$1; shift
  [ -x configure ] && [ configure -nt configure.ac ] && [ Makefile.in -nt Makefile.am ] || ./bootstrap
  mkdir -p "$dir"
  (cd "$dir" && { [ -f Makefile ] || "$TOP/configure" "$@"; } && make -j"$(nproc)")
}

run() { # run [APP]
  local app=${1:-js/example}
  [ -f "$app/main.js" ] || { echo "dev.sh: $app/main.js not found" >&2; exit 2; }
  app=$(cd "$app" && pwd)
  local name
  name=$(basename "$app")
  [ "$app" = "$TOP/js/example" ] && name=app # the database the example app always had
  build build
  mkdir -p run
  # A secret for apps that sign cookies ([env] SESSION_SECRET), made once.
  [ -s run/session-secret ] || (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '=+/' >run/session-secret)
  # Run by root (a fresh machine, a container), the workers would refuse to
  # run as root; for this local try-out say it is wanted.  A real deployment
  # sets user/group instead (see docs/deploy.md).
  local allow_root=
  [ "$(id -u)" -eq 0 ] && allow_root="allow_root = yes"
  cat > run/jsfpm.conf <<CONF
; Written by ./dev.sh run: the example app with everything under ./run
[server]
listen = $TOP/run/jsfpm.sock
listen.mode = 0660
http_listen = 127.0.0.1:8080
workers = 2
runtime_dir = $TOP/run/rt
pid_file = $TOP/run/jsfpm.pid
error_log = stderr
log_level = info
$allow_root
[app]
root = $app
main = main.js
dev = yes
compile_cache = $TOP/run/compile-cache
[database]
path = $TOP/run/$name.db
[env]
SESSION_SECRET = $(cat run/session-secret)
CONF
  echo "dev.sh: serving $app on http://127.0.0.1:8080/ (FastCGI: $TOP/run/jsfpm.sock); Ctrl-C stops"
  exec build/jsfpm -c run/jsfpm.conf
}

case "${1:-}" in
  deps) deps ;;
  build) deps; build build ;;
  run) deps; run "${2:-}" ;;
  test) deps; build build; make -C build -j"$(nproc)" check ;;
  sanitize) deps; build build-asan --enable-sanitizers CFLAGS="-O1 -g"; make -C build-asan -j"$(nproc)" check ;;
  *) echo "usage: $0 run [APP]|test|deps|build|sanitize" >&2; exit 2 ;;
esac
