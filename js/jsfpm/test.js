/*
 * jsfpm/test: tests of an app, run by `jsfpm test` (docs/testing.md).
 *
 *   var t = require('jsfpm/test');
 *   var app = require('../main.js');
 *   t.test('lists notes', function () {
 *     var res = t.request(app, '/notes');              // the app's fetch, no sockets
 *     t.assert.equal(res.status, 200);
 *     t.assert.deepEqual(res.json(), []);
 *   });
 *
 * Each test file runs in its own heap against a fresh database with the
 * app's migrations applied (shared by the tests of that file, in order).
 * A test function may return a promise (an async function).
 */
'use strict';

var runtime = require('jsfpm/runtime');

var tests = [];

function test(name, fn) {
  if (typeof name !== 'string' || typeof fn !== 'function') {
    throw new TypeError('test(name, fn): name must be a string and fn a function');
  }
  tests.push({ name: name, fn: fn });
}

function AssertionError(message) {
  var e = new Error(message);
  e.name = 'AssertionError';
  return e;
}

function show(v) {
  if (typeof v === 'string') return JSON.stringify(v);
  try {
    var s = JSON.stringify(v);
    if (s !== undefined) return s;
  } catch (e) { /* a cycle: String() below */ }
  return String(v);
}

function deepEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a !== a && b !== b;
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  var ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (var i = 0; i < ka.length; i++) {
    if (!Object.prototype.hasOwnProperty.call(b, ka[i]) || !deepEqual(a[ka[i]], b[ka[i]])) return false;
  }
  return true;
}

var assert = {
  ok: function (value, message) {
    if (!value) throw AssertionError(message || 'expected a true value, got ' + show(value));
  },
  equal: function (actual, expected, message) {
    if (actual !== expected) throw AssertionError((message ? message + ': ' : '') + 'expected ' + show(expected) + ', got ' + show(actual));
  },
  notEqual: function (actual, unexpected, message) {
    if (actual === unexpected) throw AssertionError((message ? message + ': ' : '') + 'expected anything but ' + show(unexpected));
  },
  deepEqual: function (actual, expected, message) {
    if (!deepEqual(actual, expected)) throw AssertionError((message ? message + ': ' : '') + 'expected ' + show(expected) + ', got ' + show(actual));
  },
  match: function (string, re, message) {
    if (typeof string !== 'string' || !re.test(string)) throw AssertionError((message ? message + ': ' : '') + show(string) + ' does not match ' + String(re));
  },
  throws: function (fn, expected, message) {
    try {
      fn();
    } catch (e) {
      if (expected instanceof RegExp && !expected.test(String(e && e.message))) {
        throw AssertionError((message ? message + ': ' : '') + 'threw ' + show(String(e && e.message)) + ', which does not match ' + String(expected));
      }
      if (typeof expected === 'function' && !(e instanceof expected)) {
        throw AssertionError((message ? message + ': ' : '') + 'threw ' + String(e) + ', not a ' + expected.name);
      }
      return e;
    }
    throw AssertionError(message || 'expected the function to throw');
  },
  fail: function (message) { throw AssertionError(message || 'failed'); }
};

/* request(app, '/path' or a Request, init, options): app.fetch's Response. */
function request(app, input, init, options) {
  if (app && app.__esModule && app['default']) app = app['default'];
  if (!app || typeof app.fetch !== 'function') {
    throw new TypeError('request(app, ...): app must have fetch(request, ctx): pass require(\'../main.js\')');
  }
  var req = input instanceof Request ? input : new Request(new URL(String(input), 'http://localhost/').href, init);
  return runtime.callApp(app, req, options);
}

/* ---- the runner (used by jsfpm test's generated main module) ---------------- */

/* The first place in the test's own files, from an error's stack. */
function where(e) {
  var lines = String(e && e.stack || '').split('\n');
  for (var i = 1; i < lines.length; i++) {
    var m = /\(([^()]*\.test\.m?js:\d+)\)/.exec(lines[i]);
    if (m) return m[1];
  }
  return '';
}

function runOne(t, results, next) {
  var start = Date.now(), r;
  function done(e) {
    results.push({ name: t.name, ok: e === undefined, ms: Date.now() - start,
                   error: e === undefined ? null : String(e && e.name ? e.name + ': ' + e.message : e),
                   where: e === undefined ? '' : where(e) });
    return next();
  }
  try {
    r = t.fn();
  } catch (e) {
    return done(e);
  }
  if (r !== null && typeof r === 'object' && typeof r.then === 'function') {
    return r.then(function () { return done(); }, function (e) { return done(e === undefined ? new Error('rejected') : e); });
  }
  return done();
}

/* Runs every registered test in order; a Response with the results (JSON). */
function run() {
  var results = [], i = 0;
  function next() {
    if (i < tests.length) return runOne(tests[i++], results, next);
    return Response.json(results);
  }
  return next();
}

module.exports = { test: test, assert: assert, request: request, run: run };
