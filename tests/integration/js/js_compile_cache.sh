#!/bin/bash
# js_compile_cache.sh: modules lowered to ES5 are kept in [app]
# compile_cache (issue 14, items 4 and "bad input"): a second start lowers
# nothing; a corrupt entry is detected, removed and lowered again, never
# run; a cache directory that is unusable, unsafe, read-only or full costs
# speed, not the start, and is logged once; `jsfpm -t` compiles the app and
# reports the first error with file:line:col; what Duktape cannot run is
# refused at load, naming the construct.
. "$(dirname "$0")/js_lib.sh"

A=$T/app
mkdir -p "$A/lib"
cat >"$A/main.js" <<'JS'
import { greet } from './lib/greet.js';
const names = ['a', 'b'];
export default { fetch: (req) => new Response(`${names.map((n) => greet(n)).join(',')}\n`) };
JS
echo "export const greet = (n) => { let s = 'hi ' + n; return s; };" >"$A/lib/greet.js"
C=$T/compile-cache

# compiled LOG-TEXT: the "app compiled" line's figures, e.g. "2 lowered to ES5 now, 0 from compile_cache".
compiled() { grep -o '[0-9]* lowered to ES5 now, [0-9]* from compile_cache' <<<"$1" | head -n 1; }

say "the first start lowers the modern modules and stores them"
start_server server.workers=1 app.root="$A"
expect_status 200 /
assert_eq "hi a,hi b" "$BODY" "body"
assert_eq "2 lowered to ES5 now, 0 from compile_cache" "$(compiled "$(cat "$LOG")")" "first start"
assert_eq 2 "$(find "$C" -type f | wc -l)" "entries in compile_cache"
stop_server

say "a second start lowers nothing: no compiler heap at all"
start_server server.workers=1 app.root="$A"
expect_status 200 /
assert_eq "hi a,hi b" "$BODY" "body"
assert_eq "0 lowered to ES5 now, 2 from compile_cache" "$(compiled "$(cat "$LOG")")" "second start"
assert_not_contains "$(cat "$LOG")" "compiling modern JavaScript" "log"

say "a reload of unchanged files lowers nothing either; a changed one is lowered"
echo "export const greet = (n) => { let s = 'hello ' + n; return s; };" >"$A/lib/greet.js"
: >"$LOG"
kill -HUP "$SERVER_PID"
wait_log "reload complete"
assert_eq "1 lowered to ES5 now, 1 from compile_cache" "$(compiled "$(cat "$LOG")")" "reload"
expect_status 200 /
assert_eq "hello a,hello b" "$BODY" "body after the reload"
stop_server

say "a corrupt entry is detected by its hash, removed and lowered again"
victim=$(grep -l 'hello' "$C"/* | head -n 1)
[ -n "$victim" ] || fail "no cache entry holds lib/greet.js's code"
# Same length, one byte of the code changed: only the hash can tell.
sed -i 's/hello /HACKED/' "$victim"
start_server server.workers=1 app.root="$A"
expect_status 200 /
assert_eq "hello a,hello b" "$BODY" "body (the tampered code never ran)"
assert_contains "$(cat "$LOG")" "compile_cache $C/$(basename "$victim") is corrupt: removed" "log"
assert_eq "1 lowered to ES5 now, 1 from compile_cache" "$(compiled "$(cat "$LOG")")" "start after the corruption"
assert_not_contains "$(cat "$victim")" "HACKED" "the entry, written again"
stop_server

# starts_in_memory WHAT CACHE-DIR MESSAGE: the app starts and serves with
# CACHE-DIR unusable, logging MESSAGE exactly once for two lowered modules.
starts_in_memory() {
  start_server server.workers=1 app.root="$A" app.compile_cache="$2"
  expect_status 200 /
  assert_eq "hello a,hello b" "$BODY" "body ($1)"
  assert_eq 1 "$(grep -c "$3" "$LOG")" "log lines saying '$3' ($1)"
  assert_eq "2 lowered to ES5 now, 0 from compile_cache" "$(compiled "$(cat "$LOG")")" "start ($1)"
  stop_server
}

say "a cache directory that cannot be created: compiled in memory, logged once"
touch "$T/not-a-dir"
starts_in_memory "cannot be created" "$T/not-a-dir/cache" "compile_cache $T/not-a-dir/cache: Not a directory; modules are compiled in memory"

say "a cache directory others may write is not used (its code would run): logged once"
mkdir -m 0777 "$T/open-cache"
chmod 0777 "$T/open-cache"
starts_in_memory "writable by others" "$T/open-cache" "compile_cache $T/open-cache: writable by other users"
assert_eq 0 "$(find "$T/open-cache" -type f | wc -l)" "entries written to the unsafe directory"

mkdir -p "$T/ro" "$T/full"
if mount -t tmpfs -o ro,mode=0755,size=64k tmpfs "$T/ro" 2>/dev/null; then
  on_exit "umount '$T/ro'"
  say "a read-only cache directory: compiled in memory, logged once"
  starts_in_memory "read-only" "$T/ro" "compile_cache $T/ro is not writable (Read-only file system)"
else
  say "(read-only and full cache directories not checked: cannot mount a tmpfs here)"
fi
if mount -t tmpfs -o mode=0755,size=4k tmpfs "$T/full" 2>/dev/null; then
  on_exit "umount '$T/full'"
  say "a full cache directory: compiled in memory, logged once"
  head -c 4096 /dev/zero >"$T/full/filler" 2>/dev/null || true
  starts_in_memory "full" "$T/full" "compile_cache $T/full is full (No space left on device)"
fi

say "jsfpm -t compiles the app, fills the cache and reports the first error with file:line:col"
rm -rf "$C"
write_config "$T/t.conf" app.root="$A"
"$JSFPM" -t -c "$T/t.conf" 2>"$T/t.err" || fail "jsfpm -t on a good app: $(cat "$T/t.err")"
assert_eq 2 "$(find "$C" -type f | wc -l)" "entries after jsfpm -t"
printf 'export const greet = (n) => {\n  let s = ;\n};\n' >"$A/lib/greet.js"
rc=0
"$JSFPM" -t -c "$T/t.conf" 2>"$T/t.err" || rc=$?
assert_eq 1 "$rc" "exit status of jsfpm -t on a syntax error"
assert_contains "$(cat "$T/t.err")" "jsfpm: cannot load the app: lib/greet.js:2:11: SyntaxError: Expression expected." "stderr"

say "what Duktape cannot run is refused at load, naming file:line:col and the construct"
printf 'export const greet = (n) => n;\n\nconst big = 2n ** 64n;\n' >"$A/lib/greet.js"
rc=0
"$JSFPM" -t -c "$T/t.conf" 2>"$T/t.err" || rc=$?
assert_eq 1 "$rc" "exit status of jsfpm -t on a BigInt literal"
assert_contains "$(cat "$T/t.err")" "lib/greet.js:3:13: BigInt literal is not supported" "stderr"
