#!/bin/bash
# run.sh: builds the libFuzzer harnesses with clang and runs each one.
#
#   tests/fuzz/run.sh [TARGET...]        targets: fcgi http frame config js_json dqlite_proto cluster_sql url multipart dev
#                                        (default: all)
#
# Environment:
#   FUZZ_SECONDS  how long each target runs (default 30); 0 = only replay the
#                 corpus once (a quick regression check)
#   FUZZ_BUILD    build and working directory (default /tmp/jsfpm-fuzz)
#   CC            a clang with libFuzzer (default: clang, clang-14)
#
# Seeds come from tests/fuzz/corpus/<target>/ and are never modified; new
# inputs the fuzzer finds go to $FUZZ_BUILD/corpus/<target>/.  A crash is
# saved as $FUZZ_BUILD/artifacts/<target>-crash-*; reproduce it with
#   $FUZZ_BUILD/fuzz_<target> FILE
# then copy the file into tests/fuzz/corpus/<target>/ as a regression seed.
# Exit status: 0 when every target ran clean, 1 on a crash, 77 when no
# suitable clang is installed.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/../.." && pwd)
SECONDS_EACH=${FUZZ_SECONDS:-30}
B=${FUZZ_BUILD:-/tmp/jsfpm-fuzz}
ALL="fcgi http frame config js_json dqlite_proto cluster_sql url multipart dev"
TARGETS=${*:-$ALL}

if [ -z "${CC:-}" ] || ! "$CC" --version 2>/dev/null | grep -q clang; then
  CC=
  for c in clang clang-14 clang-15 clang-16; do
    if command -v "$c" >/dev/null; then CC=$c; break; fi
  done
fi
if [ -z "$CC" ]; then
  echo "run.sh: no clang found (Debian: apt-get install clang libclang-rt-14-dev)" >&2
  exit 77
fi
if ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n){return 0;}' |
  "$CC" -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then
  echo "run.sh: $CC cannot link -fsanitize=fuzzer (Debian: apt-get install libclang-rt-14-dev)" >&2
  exit 77
fi

mkdir -p "$B/duktape" "$B/artifacts"
B=$(cd "$B" && pwd)
# The sources include "autoconfig.h"; of configure's results they only need
# the GNU extensions (asprintf, memfd_create).
printf '#ifndef _GNU_SOURCE\n#define _GNU_SOURCE 1\n#endif\n' >"$B/autoconfig.h"

DUK_SRC=/usr/share/duktape
CFLAGS_COMMON="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"
INC="-I$B -I$SRC/src -I$SRC/src/master -I$SRC/broker -I$SRC/broker/client -I$SRC/workers -I$SRC/src/duktape \
  -DJSFPM_DUK_SHIPPED_CONFIG=\"$DUK_SRC/duk_config.h\" -DJSFPM_VERSION=\"fuzz\""
PKGS="libevent jansson sqlite3 inih icu-uc"
PKG_CFLAGS=$(pkg-config --cflags $PKGS)
PKG_LIBS=$(pkg-config --libs $PKGS)

# Duktape is big and not ours: build it once, with ASan but without fuzzer
# coverage (the feedback is then about our conversion code) and without
# UBSan (it does NULL + 0 arithmetic on purpose).  It is built as the server
# builds it: with jsfpm's configuration and hooks (src/duktape/).
DUK_DEPS="$DUK_SRC/duktape.c $SRC/src/duktape/duk_amalgamation.c $SRC/src/duktape/duk_config.h"
if [ ! -f "$B/duk.o" ] || [ -n "$(find $DUK_DEPS -newer "$B/duk.o")" ]; then
  cp "$DUK_SRC/duktape.c" "$DUK_SRC/duktape.h" "$B/duktape/"
  echo "== building Duktape for the fuzzers"
  "$CC" -g -O1 -fno-omit-frame-pointer -fsanitize=address -w $INC -c "$SRC/src/duktape/duk_amalgamation.c" -o "$B/duk.o"
fi

# The broker's SQLite side, which the frame and cluster_sql harnesses link.
BROKER_DB_SOURCES="src/frame.c src/rowset.c src/utf8.c broker/broker_db.c broker/broker_db_guard.c broker/broker_db_migrate.c broker/broker_db_open.c broker/broker_db_reply.c broker/broker_db_values.c broker/broker_json.c broker/broker_result.c broker/migrations_list.c src/db_proto.c src/log.c src/safefile.c"

sources() {
  case $1 in
    fcgi) echo "workers/fcgi.c" ;;
    http) echo "workers/http.c" ;;
    frame) echo "$BROKER_DB_SOURCES" ;;
    config) echo "src/config.c src/config_print.c src/access_format.c src/log.c src/safefile.c src/netaddr.c" ;;
    js_json) echo "workers/worker_db.c src/db_proto.c src/frame.c src/rowset.c src/utf8.c src/log.c src/safefile.c" ;;
    dqlite_proto) echo "broker/dqlite_proto.c" ;;
    cluster_sql) echo "broker/cluster_sql.c $BROKER_DB_SOURCES" ;;
    url) echo "workers/url.c workers/url_host.c" ;;
    multipart) echo "workers/multipart.c" ;;
    dev) echo "workers/accept.c workers/dev_page.c" ;;
    *) echo "run.sh: unknown target '$1' (known: $ALL)" >&2; return 1 ;;
  esac
}

build() {
  local t=$1 files f objs=
  files=$(sources "$t")
  for f in tests/fuzz/fuzz_$t.c $files; do objs="$objs $SRC/$f"; done
  [ "$t" = js_json ] && objs="$objs $B/duk.o"
  "$CC" $CFLAGS_COMMON -fsanitize=fuzzer $INC $PKG_CFLAGS -o "$B/fuzz_$t" $objs $PKG_LIBS -lm
}

status=0
summary=
for t in $TARGETS; do
  echo "== fuzz_$t: build"
  build "$t"
  seeds=$SRC/tests/fuzz/corpus/$t
  work=$B/corpus/$t
  mkdir -p "$work" "$seeds"
  log=$B/fuzz_$t.log
  if [ "$SECONDS_EACH" = 0 ]; then
    echo "== fuzz_$t: replaying the corpus"
    args=(-runs=0 "$work" "$seeds")
  else
    echo "== fuzz_$t: ${SECONDS_EACH} s"
    args=(-max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=65536
      -print_final_stats=1 "$work" "$seeds")
    [ -f "$SRC/tests/fuzz/$t.dict" ] && args=(-dict="$SRC/tests/fuzz/$t.dict" "${args[@]}")
  fi
  if (cd "$B" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
    "./fuzz_$t" -artifact_prefix="$B/artifacts/$t-" "${args[@]}") >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    [ -n "$runs" ] || runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 || true)
    summary="$summary
fuzz_$t: ok, ${runs:-?} inputs, ${cov:-cov: ?}, corpus $(ls "$work" | wc -l) files"
  else
    status=1
    tail -n 60 "$log"
    summary="$summary
fuzz_$t: FAILED (log $log; artifacts $(ls "$B/artifacts" | grep "^$t-" | tr '\n' ' '))"
  fi
done
echo "== summary$summary"
exit $status
