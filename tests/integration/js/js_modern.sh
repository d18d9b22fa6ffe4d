#!/bin/bash
# js_modern.sh: an app in ES2022 with ES modules, CommonJS and a package in
# node_modules runs unchanged (issue 14, items 1-3, 5-7): over HTTP and
# FastCGI its answers equal what Node.js 20 printed for the same code (the
# strings below; produced once with Node, which this test does not need).
# A reassigned const throws; an error names the original file:line:col in
# the log and a dev = yes response; a reload with a broken module keeps the
# old generation serving; a construct Duktape cannot run stops the start.
. "$(dirname "$0")/js_lib.sh"

A=$T/app
cp -r "$TOP_SRCDIR/tests/apps/js_modern" "$A"
THROWS_LINE=$(line_of "$A/main.js" throws)

# What `node` printed for lib/syntax.js, lib/builtins.mjs, lib/async.js and
# lib/modules.js (tests/apps/js_modern), route by route.
EXPECT_syntax='closures: 1,2,3,0,10,20
block: inner
block after: outer
class: BOX with 4 sides, size 3 area=9 name=BOX count=1 created=square kinds=shape
private in: true,false
error subclass: true,true,HttpError,404,not found,HttpError: not found
error cause: true 404 0
tagged: a[1]b[two]c\n
destructuring: 1 2 {"x":9,"y":8} 10 def 40,50
object: {"key":"dyn","dynamic":true,"spread":1} m
spread: 7 5 1,2
for-of string: a|😀|b
for-of map: one=1&two=2 set: ab
generators: 0,1,1,2,3,5,8,13,21,34 iterable: 1,2,3,4
optional: undefined called undefined fallback
logical assignment: set 5 and
numbers: 1024 1000000 10 15 255
defaults and rest: 6 0
label: 1'
EXPECT_builtins='weak: weak false true
map: 2 b,a {"b":2,"a":1} [object Map]
array: 1,2,3,4 1,10,2,20 7 true 3 0,1,4 7,8
array fill/find: 0,0,0 5 1 1,2,3
string: 005 ab.. a+b+c x | z true true a\nb 128512 😀
object: 1,2 true {"a":1,"b":2} g
number and math: true false true -4 -1 -2 3 5
symbol: symbol symbol desc true
globalThis: object true
iterator protocol: {"value":10,"done":false} {"value":20,"done":false} {"done":true}
entries: 0,x;1,y 1,a
typed arrays: true 2 3,1,2'
EXPECT_async='order: sync, microtask, then 1, after await, then 2, timeout 0, after sleep
all: a,b,c
allSettled: rejected:no,fulfilled:1
any: any wins
race: fast
any rejected: AggregateError 1
for await: 0,1,2
finally: v
caught: TypeError inner'
EXPECT_modules='import: hello esm (import) / HELLO ESM
require from commonjs: hello cjs (require) version 1.2.3
commonjs default and named: commonjs object true
dynamic import: lazy default 42 same namespace true'

# The first start lowers every module (seconds; more under a sanitizer):
# jsfpm -t does it first, without start_server's time limit.
write_config "$T/t.conf" app.root="$A"
"$JSFPM" -t -c "$T/t.conf" 2>"$T/t.err" || fail "jsfpm -t: $(cat "$T/t.err")"
start_server server.workers=1 app.root="$A" app.dev=yes

for route in syntax builtins async modules; do
  expected=EXPECT_$route
  say "/$route answers what Node.js 20 printed, over HTTP and FastCGI"
  expect_status 200 "/$route"
  assert_eq "${!expected}" "$BODY" "HTTP /$route"
  freq --uri "/$route"
  assert_eq 200 "$STATUS" "FastCGI status of /$route"
  assert_eq "${!expected}" "$BODY" "FastCGI /$route"
done

say "a reassigned const throws, as in Node.js (a closure made it, not the declaring scope)"
expect_status 200 /const
assert_eq "TypeError: Assignment to constant variable." "$BODY" "body"

say "an async handler's error names the original file:line:col (log, dev = yes body)"
expect_status 500 /throws
assert_contains "$BODY" "main.js:$THROWS_LINE:3<" "500 body (the error page's place)"
assert_contains "$BODY" "RangeError: thrown from an async handler" "500 body (the error page's message)"
assert_contains "$BODY" "at [anon] (main.js:$THROWS_LINE:3)" "stack in the 500 body"
wait_log "[$RID] GET /throws"
assert_contains "$(grep -F "[$RID] GET /throws" "$LOG")" "uncaught main.js:$THROWS_LINE:3: RangeError: thrown from an async handler" "log line"

say "isolation = request: the runtime library and the app in every request's fresh globals"
stop_server
start_server server.workers=1 app.root="$A" app.isolation=request
for route in async modules; do
  expected=EXPECT_$route
  expect_status 200 "/$route"
  assert_eq "${!expected}" "$BODY" "/$route, isolation = request"
done

say "a reload with a module that does not parse keeps the old generation serving"
before=$(worker_pids)
cp "$A/lib/lazy.js" "$T/lazy.js.good"
printf 'export default "lazy default";\nexport const twice = (n) => { n * 2;\n' >"$A/lib/lazy.js"
kill -HUP "$SERVER_PID"
wait_log "reload failed: lib/lazy.js:3:1: SyntaxError: '}' expected." 30
expect_status 200 /modules
assert_eq "$EXPECT_modules" "$BODY" "/modules from the old generation"
assert_eq "$before" "$(worker_pids)" "workers"
cp "$T/lazy.js.good" "$A/lib/lazy.js"
stop_server

say "what Duktape cannot run stops the start with file:line:col and the construct"
printf 'export const price = (s) => s.match(/(?<=\\$)\\d+/);\n' >"$A/lib/lazy.js"
start_fails "a lookbehind" app.root="$A"
assert_contains "$STARTLOG" "cannot load the app: lib/lazy.js:1:38: lookbehind (?<=...) is not supported" "log"
