#!/bin/bash
# js_modules.sh: CommonJS modules (issue 4, item 3, and the acceptance
# "require('../outside') and require('/etc/passwd') fail with a clear
# error"), and the compile cache's start-up check (issue 4 items 4 and 9,
# issue 14 item 3): a syntax error in a file reachable from the main module
# stops the start naming file:line:col, with preload = yes and no; one in a
# file nothing requires does not.
. "$(dirname "$0")/js_lib.sh"

A=$T/app
mkdir -p "$A/lib" "$A/util" "$A/pkg" "$A/cyc" "$T/outside_dir"
echo "module.exports = 'outside secret';" >"$T/outside.js"
echo "module.exports = 'outside dir secret';" >"$T/outside_dir/index.js"
echo "module.exports = 'outside secret';" >"$T/outside_dir/x.js"
ln -s "$T/outside.js" "$A/link.js"            # a symlinked file leading out
ln -s "$T/outside_dir" "$A/linkdir"           # a symlinked folder leading out
ln -s "$A/util/b.js" "$A/inner-link.js"       # a symlink that stays inside
cat >"$A/lib/a.js" <<'JS'
var b = require('../util/b');
var c = require('./c.json');
exports.name = 'a';
exports.b = b.name;
exports.c = c.value;
exports.file = __filename;
exports.dir = __dirname;
JS
echo "exports.name = 'b';" >"$A/util/b.js"
echo '{ "value": 42, "list": [1, 2] }' >"$A/lib/c.json"
echo '{ "hello": "json" }' >"$A/data.json"
echo "module.exports = { name: 'pkg index', file: __filename };" >"$A/pkg/index.js"
cat >"$A/cyc/x.js" <<'JS'
exports.early = 'x early';
var y = require('./y');
exports.late = 'x late';
exports.ySawOfX = y.sawOfX;
exports.yName = y.name;
JS
cat >"$A/cyc/y.js" <<'JS'
var x = require('./x');
/* Node semantics: x is still loading, so y sees its partial exports. */
exports.sawOfX = Object.keys(x).join(',');
exports.name = 'y';
JS
cat >"$A/main.js" <<'JS'
var Router = require('jsfpm/router');
var app = new Router();
function tryRequire(id) {
  try {
    var m = require(id);
    return { ok: true, value: typeof m === 'string' ? m : JSON.stringify(m) };
  } catch (e) {
    return { ok: false, name: e.name, message: e.message };
  }
}
app.get('/rel', function () { return Response.json(require('./lib/a')); });
app.get('/index', function () { return Response.json(require('./pkg')); });
app.get('/json', function () { return Response.json(require('./data.json')); });
app.get('/cycle', function () { return Response.json(require('./cyc/x')); });
app.get('/same', function () {
  return Response.json({ same: require('./lib/a') === require('./lib/a.js'),
                         viaDotDot: require('./lib/../util/b') === require('./util/b') });
});
app.get('/filename', function () { return Response.json({ file: __filename, dir: __dirname }); });
app.get('/try', function (req) { return Response.json(tryRequire(req.query.id)); });
app.get('/uncaught', function (req) {
  return new Response(String(require(req.query.id))); // LINE:uncaught
});
module.exports = app;
JS
UNCAUGHT_LINE=$(line_of "$A/main.js" uncaught)

start_server server.workers=1 app.root="$A"

say "relative requires: ./x, ../x, .json, folder/index.js"
expect_status 200 /rel
assert_eq a "$(jget "$BODY" 'd["name"]')" "lib/a.js exports"
assert_eq b "$(jget "$BODY" 'd["b"]')" "require('../util/b') from lib/a.js"
assert_eq 42 "$(jget "$BODY" 'd["c"]')" "require('./c.json') from lib/a.js"
expect_status 200 /index
assert_eq 'pkg index' "$(jget "$BODY" 'd["name"]')" "require('./pkg') -> pkg/index.js"
expect_status 200 /json
assert_eq '{"hello": "json"}' "$(jget "$BODY" 'd')" "require('./data.json')"
expect_status 200 /same
assert_eq true "$(jget "$BODY" 'd["same"]')" "require('./lib/a') === require('./lib/a.js') (one instance)"
assert_eq true "$(jget "$BODY" 'd["viaDotDot"]')" "require('./lib/../util/b') === require('./util/b')"

say "__filename and __dirname are relative to the app root"
expect_status 200 /filename
assert_eq main.js "$(jget "$BODY" 'd["file"]')" "__filename of main.js"
assert_eq '' "$(jget "$BODY" 'd["dir"]')" "__dirname of main.js"
expect_status 200 /rel
assert_eq lib/a.js "$(jget "$BODY" 'd["file"]')" "__filename of lib/a.js"
assert_eq lib "$(jget "$BODY" 'd["dir"]')" "__dirname of lib/a.js"
assert_not_contains "$BODY" "$T" "module paths seen by the app"
expect_status 200 /index
assert_eq pkg/index.js "$(jget "$BODY" 'd["file"]')" "__filename of pkg/index.js"

say "cyclic requires behave like Node's (partial exports)"
expect_status 200 /cycle
assert_eq early "$(jget "$BODY" 'd["ySawOfX"]')" "keys of x seen by y while x loads"
assert_eq y "$(jget "$BODY" 'd["yName"]')" "y finished loading"
assert_eq 'x late' "$(jget "$BODY" 'd["late"]')" "x finished loading"

# try ID: sets the outcome of require(ID) in a handler (caught).
try() { expect_status 200 --get --data-urlencode "id=$1" /try; }
denied() { # ID PATTERN: require(ID) throws an Error whose message matches PATTERN
  try "$1"
  assert_contains "$BODY" '"ok":false,"name":"Error"' "outcome of require('$1')"
  assert_match "$BODY" "\"message\":\"[^\"]*$2" "message of require('$1')"
  assert_not_contains "$BODY" "secret" "outcome of require('$1')"
  assert_not_contains "$BODY" "root:" "outcome of require('$1')"
}

say "requires leaving the app root fail with a clear error"
denied ../outside "leaves the app folder"
denied ../outside.js "leaves the app folder"
denied /etc/passwd "absolute paths are not allowed"
denied ./lib/../../etc/passwd "leaves the app folder"
denied ../../../../../../etc/passwd "leaves the app folder"
denied ./link "link that leaves the app folder"
denied ./link.js "link that leaves the app folder"
denied ./linkdir "link that leaves the app folder"
denied ./linkdir/x "link that leaves the app folder"

say "a symlink that stays inside the app is fine"
try ./inner-link
assert_contains "$BODY" '"ok":true' "outcome of require('./inner-link')"

say "missing modules, packages, Node.js built-ins and unknown jsfpm/ modules: clear errors"
denied ./nope "Cannot find module './nope'"
denied jsfpm/nope "Cannot find module 'jsfpm/nope'.*jsfpm/router"
denied jsfpm/runtime "Cannot find module 'jsfpm/runtime'"
denied jsfpm/internal/lowering "Cannot find module 'jsfpm/internal/lowering'"
denied nopkg "Cannot find module 'nopkg': no node_modules/nopkg from . up to the app folder"
denied fs "Cannot find module 'fs': Node.js's built-in modules are not available in jsfpm"
denied child_process "Node.js's built-in modules are not available"
denied node:net "Node.js's built-in modules are not available"

say "uncaught: require('../outside') -> 500, logged with the reason and main.js:$UNCAUGHT_LINE"
expect_status 500 --get --data-urlencode 'id=../outside' /uncaught
assert_eq 'Internal Server Error' "$BODY" "500 body"
wait_log "[$RID] GET /uncaught?id="
line=$(grep -F "[$RID] GET /uncaught" "$LOG" | head -n 1)
assert_contains "$line" "leaves the app folder" "log line"
assert_contains "$line" "main.js:$UNCAUGHT_LINE" "log line"
expect_status 500 --get --data-urlencode 'id=/etc/passwd' /uncaught
wait_log "[$RID] GET /uncaught?id="
assert_contains "$(grep -F "[$RID] GET /uncaught" "$LOG")" "absolute paths are not allowed" "log line"
stop_server

# ---------------------------------------------------------------- start-up

B=$T/badapp
mkdir -p "$B/lib/deep"
echo "module.exports = { fetch: function () { return new Response('ok'); } };" >"$B/main.js"

say "a syntax error in a required file stops the start, naming file:line:col"
printf 'exports.a = 1;\n\nexports.b = function ( {;\n' >"$B/lib/deep/broken.js"
printf "require('./lib/deep/broken.js');\n" >>"$B/main.js"
for preload in yes no; do
  start_fails "syntax error, preload = $preload" app.root="$B" app.preload=$preload
  assert_contains "$STARTLOG" "lib/deep/broken.js:3:25: SyntaxError: Property destructuring pattern expected." "log (preload = $preload)"
  if [ "$preload" = yes ]; then
    # The master compiles the app before forking anything.
    assert_match "$STARTLOG" 'master\[[0-9]+\]: cannot load the app: lib/deep/broken.js:3:25' "log (preload = yes)"
    assert_not_contains "$STARTLOG" "worker 0 started" "log (preload = yes)"
  else
    assert_match "$STARTLOG" 'worker 0\[[0-9]+\]: cannot load the app: lib/deep/broken.js:3:25' "log (preload = no)"
  fi
done

say "a syntax error in a file nothing requires does not stop the start"
echo "module.exports = { fetch: function () { return new Response('ok'); } };" >"$B/main.js"
start_server server.workers=1 app.root="$B"
expect_status 200 /
assert_eq ok "$BODY" "body of the app beside the broken file"
stop_server
rm "$B/lib/deep/broken.js"

say "invalid JSON in a required file stops the start too"
printf '{ "a": 1,\n  bad }\n' >"$B/lib/broken.json"
printf "require('./lib/broken.json');\n" >>"$B/main.js"
start_fails "invalid JSON" app.root="$B"
assert_contains "$STARTLOG" "lib/broken.json: invalid JSON" "log"
rm "$B/lib/broken.json"

say "const loads and runs"
printf 'const K = 7;\nmodule.exports = { fetch: function () { return new Response(String(K)); } };\n' >"$B/main.js"
start_server server.workers=1 app.root="$B"
expect_status 200 /
assert_eq 7 "$BODY" "body from an app using const"
stop_server

say "a module required by a computed name is compiled when it runs, if it needs no lowering"
mkdir -p "$B/dyn"
echo "exports.v = 'plain';" >"$B/dyn/plain.js"
echo "export const v = 'modern';" >"$B/dyn/modern.js"
cat >"$B/main.js" <<'JS'
module.exports = { fetch: function (req) {
  try {
    return new Response(require('./dyn/' + req.query.m).v);
  } catch (e) {
    return new Response(e.message, { status: 500 });
  }
} };
JS
start_server server.workers=1 app.root="$B"
expect_status 200 '/?m=plain'
assert_eq plain "$BODY" "require of a plain module by a computed name"
expect_status 500 '/?m=modern'
assert_eq "dyn/modern.js needs compiling to ES5 but was not reached from the main module at start (only modules imported or required with a literal name are compiled before serving)" "$BODY" "require of a modern module by a computed name"
