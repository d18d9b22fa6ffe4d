#!/bin/bash
# js_isolation_stdlib.sh: in isolation = worker the jsfpm/ modules are
# frozen (issue 4, item 5), also when the app requires one for the first
# time inside a request rather than at load.  A request changes
# require('jsfpm/router').prototype and require('jsfpm/db'); the next
# request (another tenant) must not see it.
#
# Regression test: harden() used to run once after the app loaded and freeze
# only the jsfpm/ modules loaded by then; one required later stayed unfrozen
# in the shared registry.
. "$(dirname "$0")/js_lib.sh"

mkdir -p "$T/app"
cat >"$T/app/main.js" <<'JS'
/* No top-level require of jsfpm/router or jsfpm/db: they load on first use. */
module.exports = {
  fetch: function (req, ctx) {
    var Router = require('jsfpm/router'), db = require('jsfpm/db');
    if (req.path === '/write') {
      var r = {};
      try { Router.prototype.get = function () { return 'hijacked'; }; r.proto = 'ok'; } catch (e) { r.proto = e.name; }
      try { Router.leak = 'tenant ' + ctx.tenant; r.ctor = 'ok'; } catch (e) { r.ctor = e.name; }
      try { db.query = function () { return ['hijacked']; }; r.db = 'ok'; } catch (e) { r.db = e.name; }
      return Response.json(r);
    }
    return Response.json({
      routerFrozen: Object.isFrozen(Router), protoFrozen: Object.isFrozen(Router.prototype),
      dbFrozen: Object.isFrozen(db),
      leak: Router.leak === undefined ? null : Router.leak,
      protoGet: String(Router.prototype.get).indexOf('hijacked') >= 0 ? 'hijacked' : 'native',
      dbQuery: String(db.query).indexOf('hijacked') >= 0 ? 'hijacked' : 'native'
    });
  }
};
JS
start_server server.workers=1 app.root="$T/app" app.isolation=worker app.tenant_header=X-Tenant
one_worker

say "tenant alpha writes to lazily required jsfpm/ modules"
expect_status 200 -H 'X-Tenant: alpha' /write
printf '   attempts: %s\n' "$BODY"

say "tenant beta, next request on the same worker, sees none of it"
expect_status 200 -H 'X-Tenant: beta' /read
assert_eq "$WORKER" "$(worker_pids)" "same worker"
assert_eq null "$(jget "$BODY" 'd["leak"]')" "require('jsfpm/router').leak set by alpha"
assert_eq native "$(jget "$BODY" 'd["protoGet"]')" "Router.prototype.get"
assert_eq native "$(jget "$BODY" 'd["dbQuery"]')" "require('jsfpm/db').query"
assert_eq true "$(jget "$BODY" 'd["routerFrozen"]')" "Object.isFrozen(require('jsfpm/router'))"
assert_eq true "$(jget "$BODY" 'd["protoFrozen"]')" "Object.isFrozen(Router.prototype)"
assert_eq true "$(jget "$BODY" 'd["dbFrozen"]')" "Object.isFrozen(require('jsfpm/db'))"
