/*
 * harness.js: run before each tests/unit/js/test_*.js in a fresh, bare
 * Duktape heap (tests/unit/test_js_stdlib.c).  Plain asserts, and the
 * globals a worker gives an app.
 */
'use strict';

var runtime = require('jsfpm/runtime');
var Headers = runtime.Headers, Request = runtime.Request, Response = runtime.Response;

function show(v) {
  try { return JSON.stringify(v); } catch (e) { return String(v); }
}

function assert(cond, what) {
  if (!cond) throw new Error('assertion failed: ' + what);
}

/* Equal by value: JSON text for objects and arrays, === for the rest. */
function assertEqual(got, want, what) {
  var same = got !== null && typeof got === 'object' ? show(got) === show(want) : got === want;
  if (!same) throw new Error(what + ': expected ' + show(want) + ', got ' + show(got));
}

/* FN throws an error of class CTOR whose message matches RE. */
function assertThrows(fn, Ctor, re, what) {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof Ctor)) throw new Error(what + ': threw ' + e.name + ' (' + e.message + '), not ' + Ctor.name);
    if (re && !re.test(e.message)) throw new Error(what + ': message ' + show(e.message) + ' does not match ' + re);
    return e;
  }
  throw new Error(what + ': did not throw');
}

/* A raw request as a worker hands it to the dispatcher (the fields of
 * workers/js_raw_request.h, indices from jsfpm/internal/raw_request). */
function rawRequest(method, path, query, headers, body) {
  var RAW = require('jsfpm/internal/raw_request'), raw = [];
  raw[RAW.METHOD] = method;
  raw[RAW.URL] = 'http://localhost' + path + (query ? '?' + query : '');
  raw[RAW.PATH] = path;
  raw[RAW.QUERY] = query || '';
  raw[RAW.REMOTE] = '127.0.0.1';
  raw[RAW.ID] = 'test-1';
  raw[RAW.USER] = null;
  raw[RAW.TENANT] = null;
  raw[RAW.LOCALE] = 'en';
  raw[RAW.DEADLINE] = native.now() + 10000;
  raw[RAW.ENV] = Object.freeze({});
  raw[RAW.HEADERS] = headers || [];
  raw[RAW.BODY] = body === undefined ? null : body;
  assertEqual(raw.length, RAW.COUNT, 'raw request fields');
  return raw;
}

/* What the worker writes for APP's answer to the raw request:
 * {status, headers: {name: value}, body}. */
function serve(app, method, path, query, headers) {
  var out = runtime.dispatch(app, rawRequest(method, path, query, headers));
  var h = {}, flat = out[1];
  for (var i = 0; i < flat.length; i += 2) h[flat[i].toLowerCase()] = flat[i + 1];
  return { status: out[0], headers: h, body: out[2] };
}
