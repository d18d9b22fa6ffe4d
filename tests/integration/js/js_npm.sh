#!/bin/bash
# js_npm.sh: packages from the npm registry, loaded through node_modules as a
# Node.js project has them (issue 14, items 3 and 7): mustache, dayjs,
# lodash, qs, validator, uuid, marked and handlebars answer what Node.js 20
# printed for the same calls (tests/apps/js_npm/lib/exercise.js; the
# strings below, produced once with Node, which this test does not need),
# over HTTP and FastCGI.  A package whose "exports" map outside the app root
# or to a missing file, or that is a link leading out, stops the start
# naming the package and the path.
. "$(dirname "$0")/js_lib.sh"

A=$TOP_SRCDIR/tests/apps/js_npm

EXPECT_mustache='Hello jsfpm! <a><b> <b> &lt;i&gt;'
EXPECT_dayjs='2025-02-28 12:34:56
2024-02-01T00:00:00.000Z
Donnerstag, 29. Februar 2024
2 months ago
true'
EXPECT_lodash='{"4":[4.2],"6":[6.1,6.3]}
[["a","b"],["c","d"],["e"]]
hello fred!
{"a":[{"b":2,"c":3}]}
foo-bar-baz
[{"n":"c","a":1},{"n":"b","a":2},{"n":"a","a":2}]
true'
EXPECT_qs='{"a":{"b":{"c":"1"}},"list":["x","y"],"e":" sp"}
a%5Bb%5D%5B0%5D=1&a%5Bb%5D%5B1%5D=2&c=d%20e
a[]=x&a[]=y'
EXPECT_validator='true,false,true,true,false,true,true
&lt;a href=&quot;x&quot;&gt;&amp;&lt;&#x2F;a&gt;
foobar@gmail.com'
EXPECT_uuid='97c24e58-7879-5730-ac26-683ddc25653a
ed33d8d6-ac70-39ab-b144-f953f09f3880
true,5,false'
EXPECT_marked='<h1 id="title">Title</h1>
<p>Some <em>emphasis</em>, <strong>strong</strong> and <code>code</code>; café_naïve_word.</p>
<ul>
<li>one</li>
<li>two</li>
</ul>
<p><a href="https://x.example">link</a></p>'
EXPECT_handlebars='ANN is 30; BOB is 4 <b> &lt;b&gt;'

# Lowering the modern packages takes seconds on Duktape: jsfpm -t fills the
# compile cache first (as the packaged unit's ExecStartPre does), so the
# start below is quick.
write_config "$T/t.conf" app.root="$A" app.allow_eval=yes
"$JSFPM" -t -c "$T/t.conf" 2>"$T/t.err" || fail "jsfpm -t: $(cat "$T/t.err")"
ok "jsfpm -t compiled the app: $(grep -o '[0-9]* modules, [0-9]* lowered[^,]*' "$T/t.err")"

# lodash's _.template and Handlebars.compile make functions from strings.
start_server server.workers=1 app.root="$A" app.allow_eval=yes app.dev=yes
assert_contains "$(cat "$LOG")" "0 lowered to ES5 now" "start after jsfpm -t"

for pkg in mustache dayjs lodash qs validator uuid marked handlebars; do
  expected=EXPECT_$pkg
  say "$pkg from node_modules answers what Node.js 20 printed"
  expect_status 200 "/$pkg"
  assert_eq "${!expected}" "$BODY" "HTTP /$pkg"
done
for pkg in qs marked; do
  expected=EXPECT_$pkg
  freq --uri "/$pkg"
  assert_eq "${!expected}" "$BODY" "FastCGI /$pkg"
done

say "uuid v4 (crypto.getRandomValues stood in by the app)"
expect_status 200 /uuid4
assert_match "$BODY" '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' "v4 UUID"

say "an error inside a package names the package's original file:line:col"
expect_status 500 /bad-uuid
assert_contains "$BODY" "node_modules/uuid/dist/parse.js:4:9<" "500 body (the error page's place)"
assert_contains "$BODY" "TypeError: Invalid UUID" "500 body (the error page's message)"
assert_contains "$BODY" "at parse (node_modules/uuid/dist/parse.js:4:9)" "stack in the 500 body"
wait_log "[$RID] GET /bad-uuid"
assert_contains "$(grep -F "[$RID] GET /bad-uuid" "$LOG")" "uncaught node_modules/uuid/dist/parse.js:4:9: TypeError: Invalid UUID" "log line"
stop_server

say "a package whose exports leave the app root, or point to a missing file, or that links out: clear errors"
B=$T/bad
mkdir -p "$B/node_modules/escapes" "$B/node_modules/missing" "$T/elsewhere/linked"
echo 'export const secret = 1;' >"$T/outside.js"
echo '{ "name": "escapes", "exports": "./../../../outside.js" }' >"$B/node_modules/escapes/package.json"
echo '{ "name": "missing", "exports": { ".": { "import": "./dist/gone.mjs" } } }' >"$B/node_modules/missing/package.json"
echo '{ "name": "linked", "main": "index.js" }' >"$T/elsewhere/linked/package.json"
echo 'module.exports = 1;' >"$T/elsewhere/linked/index.js"
ln -s "$T/elsewhere/linked" "$B/node_modules/linked"
for pkg in escapes missing linked; do
  printf "import x from '%s';\nexport default { fetch: () => new Response(String(x)) };\n" "$pkg" >"$B/main.js"
  start_fails "import of $pkg" app.root="$B"
  case $pkg in
    escapes) want="main.js: import 'escapes': Cannot load module 'escapes': package 'escapes' maps '.' to ./../../../outside.js, which is outside the app folder" ;;
    missing) want="main.js: import 'missing': Cannot load module 'missing': package 'missing' maps '.' to ./dist/gone.mjs, which does not exist (node_modules/missing/dist/gone.mjs)" ;;
    linked) want="main.js: import 'linked': require('linked'): node_modules/linked is a link that leaves the app folder" ;;
  esac
  assert_contains "$STARTLOG" "cannot load the app: $want" "log ($pkg)"
  assert_not_contains "$STARTLOG" "secret" "log ($pkg)"
done
