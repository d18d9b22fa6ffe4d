#!/bin/bash
# js_sandbox.sh: what an app can reach (issue 4, item 8), in both isolation
# modes: no Duktape object (so no Duktape.act, Duktape.fin finalizers,
# Duktape.dec), no process, file or socket access, buffer tricks cannot forge
# the hidden keys of internal properties; console.log/info/warn/error go to
# the server log with the level and the request id.  (eval and new Function
# are in js_limits.sh.)
. "$(dirname "$0")/js_lib.sh"

mkdir -p "$T/app"
cat >"$T/app/main.js" <<'JS'
var G = (function () { return this; })();
function tryRequire(id) { try { require(id); return 'loaded'; } catch (e) { return e.name; } }

/* Names of Duktape's internals object and its functions, searched for on
 * everything reachable from the global object. */
var DUKTAPE_NAMES = ['Duktape', 'act', 'fin', 'compact', 'gc', 'Thread', 'Pointer'];
var sweep = require('./sweep');
function sweepNames() {
  return sweep(G, function (name, value, path) {
    return DUKTAPE_NAMES.indexOf(name) >= 0 ? path + '.' + name : null;
  });
}

/* Strings that would be Duktape hidden-symbol keys (0xFF or 0x82 first byte)
 * if byte-level conversions let them through; none may reach an internal
 * property (e.g. the app folder stored on require). */
function forgedKeys() {
  var out = [], names = ['dir', 'Target', 'Varmap', 'Callee', 'Finalizer', 'Value', 'Formals', 'Source'];
  for (var i = 0; i < names.length; i++) {
    var bytes = [0xff];
    for (var j = 0; j < names[i].length; j++) bytes.push(names[i].charCodeAt(j));
    var b82 = [0x82].concat(bytes.slice(1));
    [bytes, b82].forEach(function (bs) {
      try { out.push(new Buffer(bs).toString()); } catch (e) {}
      try { out.push(new TextDecoder().decode(new Uint8Array(bs))); } catch (e) {}
      try { out.push(String.fromCharCode.apply(null, bs)); } catch (e) {}
      try {
        var cbor = [0x60 + bs.length].concat(bs); /* CBOR text string */
        out.push(CBOR.decode(new Uint8Array(cbor).buffer));
      } catch (e) {}
    });
  }
  return out;
}

module.exports = {
  fetch: function (req, ctx) {
    if (req.path === '/console') {
      console.log('sandbox-log', { a: 1 });
      console.info('sandbox-info');
      console.warn('sandbox-warn');
      console.error('sandbox-error', new Error('sandbox-err-object'));
      console.debug('sandbox-debug');
      return new Response('logged');
    }
    var r = {};
    r.Duktape = typeof Duktape;
    r.globalDuktape = typeof G.Duktape;
    r.process = typeof process;
    r.setTimeout = typeof setTimeout;
    r.XMLHttpRequest = typeof XMLHttpRequest;
    r.globalFetch = typeof G.fetch;
    r.requires = ['fs', 'child_process', 'net', 'http', 'os', 'path', 'duktape'].map(tryRequire).join(',');
    r.sweep = sweepNames();
    var keys = forgedKeys(), hits = [];
    var targets = [require, module, exports, ctx, req, function () {}];
    for (var i = 0; i < keys.length; i++) {
      for (var t = 0; t < targets.length; t++) {
        var v;
        try { v = targets[t][keys[i]]; } catch (e) { v = undefined; }
        if (v !== undefined) hits.push(t + ':' + JSON.stringify(keys[i]) + '=' + String(v));
      }
    }
    r.forgedKeys = keys.length;
    r.forgedHits = hits;
    r.symbolsOnRequire = Object.getOwnPropertySymbols ? Object.getOwnPropertySymbols(require).length : 0;
    r.requireProps = Object.getOwnPropertyNames(require).join(',');
    /* fetch() is there, but reaches only what [app] fetch_allow lists (nothing here). */
    return G.fetch('http://127.0.0.1:9/').then(function () {
      r.fetchRefused = 'fetched';
      return Response.json(r);
    }, function (e) {
      r.fetchRefused = e.message;
      return Response.json(r);
    });
  }
};
JS
cp "$TOP_SRCDIR/tests/apps/js_isolation/sweep.js" "$T/app/"
APP_REAL=$(cd "$T/app" && pwd -P)

for mode in worker request; do
  say "[$mode] nothing of Duktape's internals, no process, no file or socket modules"
  start_server server.workers=1 app.root="$T/app" app.isolation=$mode server.log_level=info
  expect_status 200 /
  assert_eq undefined "$(jget "$BODY" 'd["Duktape"]')" "[$mode] typeof Duktape"
  assert_eq undefined "$(jget "$BODY" 'd["globalDuktape"]')" "[$mode] typeof globalThis.Duktape"
  assert_eq undefined "$(jget "$BODY" 'd["process"]')" "[$mode] typeof process"
  assert_eq undefined "$(jget "$BODY" 'd["XMLHttpRequest"]')" "[$mode] typeof XMLHttpRequest"
  assert_eq function "$(jget "$BODY" 'd["globalFetch"]')" "[$mode] typeof globalThis.fetch"
  assert_contains "$(jget "$BODY" 'd["fetchRefused"]')" "is not allowed: add it to fetch_allow in [app]" \
    "[$mode] fetch() without fetch_allow"
  assert_eq Error,Error,Error,Error,Error,Error,Error "$(jget "$BODY" 'd["requires"]')" \
    "[$mode] require of fs, child_process, net, http, os, path, duktape"
  assert_eq '[]' "$(jget "$BODY" 'd["sweep"]["found"]')" "[$mode] Duktape/act/fin/compact/gc/Thread/Pointer anywhere reachable"
  nobj=$(jget "$BODY" 'd["sweep"]["objects"]')
  [ "$nobj" -gt 100 ] || fail "[$mode] the sweep visited only $nobj objects"
  ok "[$mode] the sweep visited $nobj objects"

  say "[$mode] buffer tricks do not forge hidden keys"
  nkeys=$(jget "$BODY" 'd["forgedKeys"]')
  [ "$nkeys" -ge 16 ] || fail "[$mode] only $nkeys candidate keys were built"
  ok "[$mode] $nkeys candidate keys built from 0xFF/0x82 bytes"
  assert_eq '[]' "$(jget "$BODY" 'd["forgedHits"]')" "[$mode] internal properties read through forged keys"
  assert_eq 0 "$(jget "$BODY" 'd["symbolsOnRequire"]')" "[$mode] symbols listed on require"
  assert_not_contains "$BODY" "$APP_REAL" "[$mode] response (the app's absolute path)"

  say "[$mode] console.* lines go to the log with level and request id"
  expect_status 200 -H 'X-Request-Id: ignored-without-config' /console
  wait_log "[info] worker 0["
  for l in "[info] .*\\[$RID\\] sandbox-log \\{\"a\":1\\}" "[info] .*\\[$RID\\] sandbox-info" \
    "[warn] .*\\[$RID\\] sandbox-warn" "[error] .*\\[$RID\\] sandbox-error Error: sandbox-err-object"; do
    wait_until "grep -Eq '$(printf '%s' "$l" | sed 's/\[\(info\|warn\|error\)\]/\\[\1\\]/')' '$LOG'" 5 ||
      fail "[$mode] log has no line matching $l"
    ok "[$mode] log matches $l"
  done
  if grep -qF "sandbox-debug" "$LOG"; then fail "[$mode] console.debug logged at log_level = info"; fi
  ok "[$mode] console.debug is below log_level = info"
  stop_server
done
