/*
 * Test app for tests/integration/js/js_isolation.sh: one request tries to leave
 * state behind through globals, built-ins and ctx; the next one reports what
 * it sees.  Module-level state (counter, moduleStore) persists across
 * requests in isolation = worker by design, and not in isolation = request.
 */
var Router = require('jsfpm/router');
var counter = 0;
var moduleStore = {};
var SECRET_PREFIX = 'secret-of-';

var G = (function () { return this; })(); /* sloppy: the global object */
/* /pollute answers with these, since in request mode it replaces the globals. */
var NativeResponse = Response, stringify = JSON.stringify;

function attempt(results, name, fn) {
  try {
    fn();
    results[name] = 'ok';
  } catch (e) {
    results[name] = e.name;
  }
}

/* Each write twice: sloppy (a frozen target ignores it silently) and strict
 * (a frozen target throws a TypeError). */
function pollute(tag) {
  var sloppy = {}, strict = {};
  attempt(sloppy, 'global', function () { G.leakedGlobal = tag; });
  attempt(sloppy, 'implicitGlobal', function () { leakedImplicit = tag; });
  attempt(sloppy, 'arrayMap', function () { Array.prototype.map = function () { return 'hijacked map'; }; });
  attempt(sloppy, 'objectProtoX', function () { Object.prototype.x = tag; });
  attempt(sloppy, 'jsonParse', function () { JSON.parse = function () { return 'hijacked parse'; }; });
  attempt(sloppy, 'mathRandom', function () { Math.random = function () { return 42; }; });
  attempt(sloppy, 'stringTrim', function () { String.prototype.trim = function () { return 'hijacked trim'; }; });
  attempt(sloppy, 'errorProtoName', function () { Error.prototype.name = 'Hijacked'; });
  attempt(sloppy, 'responseJson', function () { Response.json = function () { return 'hijacked json'; }; });
  attempt(sloppy, 'responseGlobal', function () { G.Response = function () {}; });
  attempt(sloppy, 'headersGet', function () { Headers.prototype.get = function () { return 'hijacked get'; }; });
  attempt(sloppy, 'consoleLog', function () { console.log = function () {}; });
  attempt(sloppy, 'routerProto', function () { Router.prototype.handle = function () { return 'hijacked'; }; });
  attempt(sloppy, 'deleteEncodeURI', function () { delete G.encodeURIComponent; });
  attempt(strict, 'global', function () { 'use strict'; G.leakedStrict = tag; });
  attempt(strict, 'implicitGlobal', function () { 'use strict'; undeclaredStrict = tag; });
  attempt(strict, 'arrayMap', function () { 'use strict'; Array.prototype.map = function () { return 'hijacked map'; }; });
  attempt(strict, 'objectProtoX', function () { 'use strict'; Object.prototype.x = tag; });
  attempt(strict, 'defineOnObjectProto', function () { 'use strict'; Object.defineProperty(Object.prototype, 'y', { value: tag }); });
  attempt(strict, 'jsonParse', function () { 'use strict'; JSON.parse = function () { return 'hijacked parse'; }; });
  attempt(strict, 'errorProtoName', function () { 'use strict'; Error.prototype.name = 'Hijacked'; });
  return { sloppy: sloppy, strict: strict };
}

function pollutedCtx(ctx) {
  var r = {};
  attempt(r, 'sloppy', function () { ctx.leak = 'ctx leak'; });
  attempt(r, 'strict', function () { 'use strict'; ctx.leak2 = 'ctx leak'; });
  return r;
}

/* What this request sees of the state a previous one may have left. */
function observe(ctx) {
  var seen = {};
  seen.global = typeof G.leakedGlobal;
  seen.implicitGlobal = typeof G.leakedImplicit;
  seen.strictGlobal = typeof G.leakedStrict;
  seen.undeclaredStrict = typeof G.undeclaredStrict;
  seen.arrayMap = JSON.stringify([1, 2, 3].map(function (v) { return v * 2; }));
  seen.objectProtoX = typeof ({}).x;
  seen.objectProtoY = typeof ({}).y;
  seen.jsonParse = JSON.stringify(JSON.parse('{"a":1}'));
  seen.mathRandom = Math.random() < 1 ? 'native' : 'hijacked';
  seen.stringTrim = '  t  '.trim();
  seen.errorName = String(new Error('m'));
  seen.responseJson = Response.json({ k: 1 }) instanceof Response ? 'native' : 'hijacked';
  seen.headersGet = new Headers({ a: 'b' }).get('a');
  seen.encodeURIComponent = typeof G.encodeURIComponent;
  seen.ctxLeak = typeof ctx.leak + ',' + typeof ctx.leak2;
  return seen;
}

var sweepAll = require('./sweep');

/* Where STR shows up, in a property name or a string value, anywhere
 * reachable from the global object. */
function sweep(str) {
  return sweepAll(G, function (name, value, path) {
    if (name.indexOf(str) >= 0) return path + '[' + name + '] (name)';
    if (typeof value === 'string' && value.indexOf(str) >= 0) return path + '.' + name;
    return null;
  });
}

/* A tenant stores its secret everywhere it can think of (strict code, so a
 * write to a frozen object throws and is not counted). */
function store(secret) {
  'use strict';
  var where = [
    function () { G.tenantSecret = secret; },
    function () { G[secret] = true; },
    function () { Object.prototype.tenantSecret = secret; },
    function () { Array.prototype.tenantSecret = secret; },
    function () { Object.getPrototypeOf(function () {}).tenantSecret = secret; }, // Function.prototype
    function () { String.prototype.tenantSecret = secret; },
    function () { JSON.tenantSecret = secret; },
    function () { Math.tenantSecret = secret; },
    function () { Date.tenantSecret = secret; },
    function () { Response.tenantSecret = secret; },
    function () { Request.prototype.tenantSecret = secret; },
    function () { console.tenantSecret = secret; },
    function () { Router.tenantSecret = secret; },
    function () { Error.prototype.message = secret; },
    function () { Object.defineProperty(Object.prototype, 'hiddenSecret', { value: secret, enumerable: false }); }
  ];
  var written = 0, failed = [];
  for (var i = 0; i < where.length; i++) {
    try { where[i](); written++; } catch (e) { failed.push(i + ': ' + e); }
  }
  moduleStore.secret = secret; /* module state: persists in worker mode, by design */
  return { written: written, failed: failed };
}

function readBack() {
  var got = [];
  function check(name, v) { if (typeof v === 'string' && v.indexOf(SECRET_PREFIX) === 0) got.push(name + '=' + v); }
  check('globalThis.tenantSecret', G.tenantSecret);
  check('({}).tenantSecret', ({}).tenantSecret);
  check('[].tenantSecret', [].tenantSecret);
  check('fn.tenantSecret', (function () {}).tenantSecret);
  check('"".tenantSecret', ''.tenantSecret);
  check('JSON.tenantSecret', JSON.tenantSecret);
  check('Math.tenantSecret', Math.tenantSecret);
  check('Date.tenantSecret', Date.tenantSecret);
  check('Response.tenantSecret', Response.tenantSecret);
  check('Request.prototype.tenantSecret', Request.prototype.tenantSecret);
  check('console.tenantSecret', console.tenantSecret);
  check('Router.tenantSecret', Router.tenantSecret);
  check('new Error().message', new Error().message);
  check('({}).hiddenSecret', ({}).hiddenSecret);
  return got;
}

var app = new Router();
app.get('/pollute', function (req, ctx) {
  var r = pollute('leak');
  r.ctx = pollutedCtx(ctx);
  return new NativeResponse(stringify(r), { headers: { 'Content-Type': 'application/json' } });
});
app.get('/observe', function (req, ctx) { return Response.json(observe(ctx)); });
app.get('/counter', function () { counter++; return Response.json({ counter: counter }); });
app.get('/override', function () {
  /* Overriding inherited built-in properties on one's own objects still works. */
  var e = new Error('m');
  e.name = 'CustomError';
  var o = {};
  o.toString = function () { return 'mine'; };
  return Response.json({ error: String(e), object: String(o) });
});
app.get('/tenant/store', function (req, ctx) {
  var secret = SECRET_PREFIX + ctx.tenant;
  var r = store(secret);
  return Response.json({ tenant: ctx.tenant, written: r.written, failed: r.failed, visibleToSelf: readBack().length,
                        sweepSelf: sweep(secret).found.length });
});
app.get('/tenant/read', function (req, ctx) {
  return Response.json({
    tenant: ctx.tenant, got: readBack(), sweep: sweep(SECRET_PREFIX),
    moduleStore: moduleStore.secret === undefined ? null : moduleStore.secret
  });
});
module.exports = app;
