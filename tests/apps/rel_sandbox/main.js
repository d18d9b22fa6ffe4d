/*
 * The sandbox app of tests/integration/rel/rel_sandbox.sh: every endpoint tries
 * to get out of the box and reports what happened.  "blocked: ..." means
 * the attempt failed as it must; anything else is an escape.
 */
var Router = require('jsfpm/router');
var db = require('jsfpm/db');
var app = new Router();
var G = (function () { return this; })() || {};

/* Runs FN; "blocked: <error>" when it throws, else what it returned. */
function attempt(fn) {
  try {
    var r = fn();
    return 'ESCAPED: ' + (typeof r === 'string' ? r : JSON.stringify(r));
  } catch (e) {
    return 'blocked: ' + String(e && e.message || e).slice(0, 120);
  }
}

/* "blocked" when V is undefined or null. */
function absent(v) {
  return v === undefined || v === null ? 'blocked: absent' : 'ESCAPED: present (' + typeof v + ')';
}

app.get('/probe', function () {
  var out = {};
  ['fs', 'child_process', 'net', 'http', 'os', 'process', 'path', 'module', 'vm',
   '/etc/passwd', '../../../../../../etc/passwd', 'jsfpm/../../../../../../etc/passwd',
   './../../../../../../etc/hostname', '/proc/self/environ', 'duktape', 'Duktape'
  ].forEach(function (m) {
    out['require ' + m] = attempt(function () { return typeof require(m); });
  });
  ['Duktape', 'process', 'print', 'alert', 'load', 'read', 'readFile', 'system', 'os',
   'XMLHttpRequest', 'WebSocket', 'setInterval', 'setImmediate', 'importScripts', 'native', 'quit',
   'exit', 'gc', 'debug', 'Thread', 'Pointer'
  ].forEach(function (name) { out['global ' + name] = absent(G[name]); });
  out['eval'] = attempt(function () { return eval('1 + 1'); });
  out['indirect eval'] = attempt(function () { return (0, eval)('1 + 1'); });
  out['new Function'] = attempt(function () { return new Function('return 1')(); });
  out['Function constructor via a function'] = attempt(function () {
    return (function () {}).constructor('return 1')();
  });
  out['Function via Reflect.construct'] = attempt(function () {
    return Reflect.construct(Object.getPrototypeOf(function () {}).constructor, ['return 1'])();
  });
  out['Function via bound function'] = attempt(function () {
    return (function () {}).bind(null).constructor('return 1')();
  });
  out['Function via Error'] = attempt(function () {
    return new Error().constructor.constructor('return 1')();
  });
  out['Function via Proxy'] = attempt(function () {
    return new Proxy(function () {}, {}).constructor('return 1')();
  });
  out['native via jsfpm/db'] = absent(db.native || db._native);
  out['native via jsfpm/runtime'] = attempt(function () {
    var rt = require('jsfpm/runtime');
    var found = Object.getOwnPropertyNames(rt).filter(function (k) {
      var v = rt[k];
      return k === 'native' || (v && typeof v === 'object' && typeof v.db === 'function');
    });
    if (found.length === 0) throw new Error('no native object among the exports');
    return found;
  });
  out['Duktape via the global prototype'] = absent(Object.getPrototypeOf(G).Duktape);
  out['global object names'] = attempt(function () {
    var bad = Object.getOwnPropertyNames(G).filter(function (k) {
      return /^(Duktape|native|print|alert|process|require_native)$/.test(k);
    });
    if (bad.length === 0) throw new Error('none of Duktape, native, print, alert, process');
    return bad;
  });
  /* fetch() exists, but reaches only the hosts [app] fetch_allow lists: none here. */
  return G.fetch('http://127.0.0.1:9/').then(function () {
    out['fetch without fetch_allow'] = 'ESCAPED: fetched';
    return Response.json(out);
  }, function (e) {
    out['fetch without fetch_allow'] = /is not allowed: add it to fetch_allow/.test(e.message)
      ? 'blocked: ' + e.message : 'ESCAPED: ' + e.message;
    return Response.json(out);
  });
});

/* Another request's data.  /stash tries every way to leave X-Secret behind
 * (globals, built-in prototypes, JSON, the Response prototype); /peek looks
 * for it.  Module-level state persists in isolation = worker by design, so
 * it is not among the places tried. */
app.post('/stash', function (req) {
  var s = req.headers.get('x-secret');
  var report = '';
  /* Each line says whether the change took hold inside this very request
   * (in isolation = worker the built-ins are frozen, so it must not).  The
   * report is plain text: JSON.stringify may be the thing replaced. */
  function tried(name, fn) {
    var r;
    try {
      r = fn() ? 'took hold' : 'no effect';
    } catch (e) {
      r = 'threw: ' + String(e && e.message || e).slice(0, 60);
    }
    report += name + ': ' + r + '\n';
  }
  tried('new global', function () { G.leaked = s; return G.leaked === s; });
  tried('Object.prototype', function () { Object.prototype.leaked = s; return ({}).leaked === s; });
  tried('Response.prototype', function () { Response.prototype.leaked = s; return Response.prototype.leaked === s; });
  tried('String.prototype.trim', function () {
    Object.defineProperty(String.prototype, 'trim', { value: function () { return s; } });
    return ' x '.trim() === s;
  });
  tried('Math.random', function () {
    var f = function () { return s; };
    Math.random = f;
    return Math.random === f;
  });
  tried('JSON.stringify', function () {
    var f = function () { return s; };
    JSON.stringify = f;
    return JSON.stringify === f;
  });
  tried('Array.prototype.push', function () {
    var f = function () { return s; };
    Array.prototype.push = f;
    return Array.prototype.push === f;
  });
  return new Response(report);
});

app.get('/peek', function () {
  var seen = [];
  if (G.leaked !== undefined) seen.push('global');
  if (({}).leaked !== undefined) seen.push('Object.prototype');
  var a = [];
  if (a.push(1) !== 1) seen.push('Array.prototype.push');
  if (JSON.stringify({ a: 1 }) !== '{"a":1}') seen.push('JSON.stringify');
  if (Response.prototype.leaked !== undefined) seen.push('Response.prototype');
  if (typeof Math.random() !== 'number') seen.push('Math.random');
  if (' x '.trim() !== 'x') seen.push('String.prototype.trim');
  return Response.json({ seen: seen });
});

/* Untrusted bytes must arrive as strings: in Duktape, a string whose first
 * byte is 0x80, 0x81, 0x82 or 0xFF is an internal Symbol. */
app.get('/types', function (req) {
  return Response.json({ header: typeof req.headers.get('x-a'), query: typeof req.query.a,
                         path: typeof req.path });
});

/* SQL: parameters are bound, never spliced. */
app.get('/user', function (req) {
  var rows = db.query('SELECT name FROM users WHERE name = ?', [req.query.name]);
  return Response.json({ rows: rows, users: db.get('SELECT count(*) AS n FROM users').n });
});

app.get('/sql', function () {
  var out = {};
  function sql(name, fn) { out[name] = attempt(fn); }
  sql('two statements in one call', function () { return db.query('SELECT 1; DROP TABLE users'); });
  sql('ATTACH', function () { return db.exec("ATTACH DATABASE '/tmp/jsfpm-attached.db' AS x"); });
  sql('ATTACH through execute', function () { return db.execute('ATTACH DATABASE ? AS x', ['/tmp/x.db']); });
  sql('load_extension', function () { return db.query("SELECT load_extension('/lib/x86_64-linux-gnu/libc.so.6')"); });
  sql('PRAGMA writable_schema', function () { return db.exec('PRAGMA writable_schema = ON'); });
  sql('PRAGMA journal_mode', function () { return db.query('PRAGMA journal_mode = DELETE'); });
  sql('VACUUM INTO a file', function () { return db.exec("VACUUM INTO '/tmp/jsfpm-stolen.db'"); });
  sql('readfile()', function () { return db.query("SELECT readfile('/etc/passwd')"); });
  sql('fts3_tokenizer pointer', function () { return db.query("SELECT fts3_tokenizer('simple')"); });
  sql('fts3_tokenizer install', function () {
    return db.query("SELECT fts3_tokenizer('evil', x'4141414141414141')");
  });
  sql('sqlite_master write', function () {
    return db.execute("UPDATE sqlite_master SET sql = 'x' WHERE name = 'users'");
  });
  sql('lone surrogate parameter', function () {
    return db.query('SELECT ? AS a, ? AS b', ['\ud800', 'second']);
  });
  sql('lone surrogate, one placeholder', function () {
    return db.query('SELECT ? AS a', ['\ud800', 'shifted']);
  });
  return Response.json(out);
});

module.exports = app;
