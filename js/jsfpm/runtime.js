/*
 * jsfpm/runtime: Headers, Request, Response, console, and the dispatcher the
 * worker calls for each request.  Loaded once per heap; the worker copies
 * Headers, Request, Response and console onto the global object.
 *
 * `native` is given to standard-library modules only:
 *   native.log(level, text)   write to the server log with the request id
 *   native.now()              monotonic milliseconds
 *   native.library            the runtime library for modern code is loaded
 *   (and what jsfpm/internal/async uses: sleep, deadline, timedOut)
 *
 * The runtime library (Promise, polyfills, the helpers of lowered code:
 * jsfpm/internal/library) is loaded before this module by the worker, for
 * apps with lowered code only (workers/js_compile.h).
 */
'use strict';

/* Promise's job queue, which fetch's result goes through: none without
 * the library (an ES5 app has no Promise, queueMicrotask or setTimeout). */
var async = native.library ? require('jsfpm/internal/async') : null;

var hasOwn = Object.prototype.hasOwnProperty;

/* An error in how the app uses the API (a bad status, a header with CR/LF,
 * fetch() not returning a Response): a 500 whose body names the problem. */
function apiError(Ctor, message) {
  var e = new Ctor(message);
  e.status = 500;
  e.expose = true;
  return e;
}

function checkHeaderPart(what, s) {
  s = String(s);
  // indexOf, not a RegExp: this runs for every header of every response.
  if (s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\0') >= 0) {
    throw apiError(TypeError, 'header ' + what + ' must not contain CR, LF or NUL: ' + JSON.stringify(s));
  }
  return s;
}

/* Headers: case-insensitive names; several values per name (Set-Cookie).
 * _h maps a lower-case name to its entry, [name as first given, value,
 * value...]; _list holds the same entries in insertion order, so the wire
 * form needs no for-in over _h (an enumerator per response). */
function Headers(init) {
  this._h = Object.create(null); // a header named __proto__ is just a header
  this._list = [];
  if (init === undefined || init === null) return;
  if (init instanceof Headers) {
    init.forEach(function (v, k) { this.append(k, v); }, this);
  } else if (Array.isArray(init)) {
    for (var i = 0; i < init.length; i++) this.append(init[i][0], init[i][1]);
  } else if (typeof init === 'object') {
    for (var k in init) if (hasOwn.call(init, k)) this.append(k, init[k]);
  }
}
/* A header name is an HTTP token (RFC 9110): no spaces, colons or controls. */
var TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/* Names already checked: an app sets the same few headers on every
 * response, and Duktape's RegExp costs about 20,000 instructions for a
 * "Content-Type" (a third of a small request's JavaScript).  Module-private
 * and bounded, so requests cannot use it to grow the heap. */
var checkedNames = Object.create(null), checkedCount = 0, CHECKED_MAX = 256;

function checkHeaderName(name) {
  if (typeof name === 'string' && checkedNames[name] === true) return name;
  name = checkHeaderPart('name', name);
  if (!TOKEN.test(name)) {
    throw apiError(TypeError, 'header name must be an HTTP token (letters, digits, !#$%&\'*+-.^_`|~): ' +
                   JSON.stringify(name));
  }
  if (checkedCount < CHECKED_MAX) {
    checkedNames[name] = true;
    checkedCount++;
  }
  return name;
}

/* Adds a checked value under KEY (NAME lower-cased). */
Headers.prototype._add = function (key, name, value) {
  var e = this._h[key];
  if (e !== undefined) {
    e.push(value);
  } else {
    this._h[key] = e = [name, value];
    this._list.push(e);
  }
};
Headers.prototype.append = function (name, value) {
  name = checkHeaderName(name);
  value = checkHeaderPart('value', value);
  this._add(name.toLowerCase(), name, value);
};
/* Replaces every value of NAME, keeping its place. */
Headers.prototype.set = function (name, value) {
  name = checkHeaderName(name);
  value = checkHeaderPart('value', value);
  var key = name.toLowerCase(), e = this._h[key];
  if (e === undefined) {
    this._add(key, name, value);
  } else {
    e.length = 0;
    e.push(name, value);
  }
};
Headers.prototype.get = function (name) {
  var e = this._h[String(name).toLowerCase()];
  return e ? (e.length === 2 ? e[1] : e.slice(1).join(', ')) : null;
};
Headers.prototype.getSetCookie = function () {
  return hasOwn.call(this._h, 'set-cookie') ? this._h['set-cookie'].slice(1) : [];
};
Headers.prototype.has = function (name) {
  return hasOwn.call(this._h, String(name).toLowerCase());
};
Headers.prototype['delete'] = function (name) {
  var key = String(name).toLowerCase(), e = this._h[key];
  if (e === undefined) return;
  delete this._h[key];
  this._list.splice(this._list.indexOf(e), 1);
};
/* Calls fn(value, name) per name, in sorted order, values joined (the
 * Fetch standard's iteration; Set-Cookie is the exception: one call each). */
Headers.prototype.forEach = function (fn, thisArg) {
  var keys = Object.keys(this._h).sort();
  for (var i = 0; i < keys.length; i++) {
    var k = keys[i], e = this._h[k];
    if (k === 'set-cookie') {
      for (var j = 1; j < e.length; j++) fn.call(thisArg, e[j], k, this);
    } else {
      fn.call(thisArg, e.slice(1).join(', '), k, this);
    }
  }
};
Headers.prototype.entries = function () {
  var out = [];
  this.forEach(function (v, k) { out.push([k, v]); });
  return out;
};
Headers.prototype.keys = function () {
  return this.entries().map(function (e) { return e[0]; });
};
Headers.prototype.values = function () {
  return this.entries().map(function (e) { return e[1]; });
};
/* Flat [name, value, name, value...] with the names as given, for the wire. */
Headers.prototype._flat = function () {
  var out = [], list = this._list;
  for (var i = 0; i < list.length; i++) {
    var e = list[i];
    for (var j = 1; j < e.length; j++) out.push(e[0], e[j]);
  }
  return out;
};

function decodeComponent(s) {
  s = s.replace(/\+/g, ' ');
  try { return decodeURIComponent(s); } catch (e) { return s; }
}

/* Parses a query string; a key given more than once maps to an array. */
function parseQuery(qs) {
  var out = {};
  if (!qs) return out;
  var parts = qs.split('&');
  for (var i = 0; i < parts.length; i++) {
    if (parts[i] === '') continue;
    var eq = parts[i].indexOf('=');
    var k = decodeComponent(eq < 0 ? parts[i] : parts[i].slice(0, eq));
    var v = eq < 0 ? '' : decodeComponent(parts[i].slice(eq + 1));
    if (!hasOwn.call(out, k)) out[k] = v;
    else if (Array.isArray(out[k])) out[k].push(v);
    else out[k] = [out[k], v];
  }
  return out;
}

var textDecoder = new TextDecoder();

function httpError(status, message) {
  var e = new Error(message);
  e.status = status;
  e.expose = true; // the message is safe to show to the client
  return e;
}

/* The raw request the worker passes for each request: a dense array, which
 * Duktape fills far faster than an object with named properties.  Request
 * and ctx read it through getters, so a request pays only for what the
 * handler looks at. */
var RAW_METHOD = 0, RAW_URL = 1, RAW_PATH = 2, RAW_QUERY = 3, RAW_REMOTE = 4, RAW_ID = 5,
    RAW_USER = 6, RAW_TENANT = 7, RAW_LOCALE = 8, RAW_DEADLINE = 9, RAW_ENV = 10,
    RAW_HEADERS = 11, RAW_BODY = 12;

function getter(obj, name, fn) {
  Object.defineProperty(obj, name, { get: fn, enumerable: true });
}

function Request(raw) {
  this._raw = raw;
}
getter(Request.prototype, 'method', function () { return this._raw[RAW_METHOD]; });
getter(Request.prototype, 'url', function () { return this._raw[RAW_URL]; });
getter(Request.prototype, 'path', function () { return this._raw[RAW_PATH]; });
getter(Request.prototype, 'queryString', function () { return this._raw[RAW_QUERY]; });
getter(Request.prototype, 'remoteAddress', function () { return this._raw[RAW_REMOTE]; });
getter(Request.prototype, 'headers', function () {
  if (this._headers === undefined) {
    var h = new Headers(), flat = this._raw[RAW_HEADERS];
    for (var i = 0; i < flat.length; i += 2) {
      h._add(flat[i], flat[i], flat[i + 1]); // names already lower case, from the front door
    }
    this._headers = h;
  }
  return this._headers;
});
getter(Request.prototype, 'query', function () {
  if (this._query === undefined) this._query = parseQuery(this._raw[RAW_QUERY]);
  return this._query;
});
Object.defineProperty(Request.prototype, 'params', {
  enumerable: true,
  get: function () { return this._params || (this._params = {}); },
  set: function (v) { this._params = v; }
});
Request.prototype.bytes = function () {
  return this._raw[RAW_BODY] || new Uint8Array(0);
};
Request.prototype.text = function () {
  if (this._text === undefined) {
    var body = this._raw[RAW_BODY];
    this._text = body ? textDecoder.decode(body) : '';
  }
  return this._text;
};
/* Bad JSON from the client is the client's error: a 400 unless caught.
 * JSON text is UTF-8 (RFC 8259 8.1), so bytes that are not are bad JSON
 * too, rather than U+FFFD as text() has them.  A fresh decoder each time:
 * Duktape's fatal decoder keeps its half-read state after it throws. */
Request.prototype.json = function () {
  var body = this._raw[RAW_BODY], t = '';
  if (body) {
    try {
      t = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch (e) {
      throw httpError(400, 'request body is not valid JSON: it is not valid UTF-8');
    }
  }
  try {
    return JSON.parse(t);
  } catch (e) {
    throw httpError(400, 'request body is not valid JSON: ' + e.message);
  }
};

/* The per-request context: frozen, so nothing a handler does to it can
 * reach the next request. */
function Context(raw) {
  this._raw = raw;
  Object.freeze(this);
}
getter(Context.prototype, 'requestId', function () { return this._raw[RAW_ID]; });
getter(Context.prototype, 'user', function () { return this._raw[RAW_USER]; });
getter(Context.prototype, 'tenant', function () { return this._raw[RAW_TENANT]; });
getter(Context.prototype, 'locale', function () { return this._raw[RAW_LOCALE]; });
getter(Context.prototype, 'env', function () { return this._raw[RAW_ENV]; });
getter(Context.prototype, 'deadline', function () {
  var left = this._raw[RAW_DEADLINE] - native.now();
  return left > 0 ? Math.floor(left) : 0;
});
Context.prototype.toJSON = function () {
  return { requestId: this.requestId, user: this.user, tenant: this.tenant,
           locale: this.locale, deadline: this.deadline, env: this.env };
};

var REDIRECT_STATUSES = { 301: 1, 302: 1, 303: 1, 307: 1, 308: 1 };

function Response(body, init) {
  init = init || {};
  var status = init.status === undefined ? 200 : init.status;
  if (typeof status !== 'number' || status % 1 !== 0 || status < 200 || status > 599) {
    throw apiError(RangeError, 'Response status must be an integer from 200 to 599, got ' + String(status));
  }
  this.status = status;
  this.statusText = init.statusText === undefined ? '' : String(init.statusText);
  var headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
  this.headers = headers;
  if (body === undefined || body === null) {
    this.body = '';
  } else if (typeof body === 'string' || body instanceof Uint8Array || body instanceof ArrayBuffer) {
    this.body = body;
  } else if (typeof body === 'object' && typeof body.byteLength === 'number' && body.buffer) {
    this.body = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  } else {
    this.body = String(body);
  }
  if (typeof this.body === 'string' && headers._h['content-type'] === undefined) {
    headers._add('content-type', 'Content-Type', 'text/plain;charset=UTF-8');
  }
}
Object.defineProperty(Response.prototype, 'ok', {
  get: function () { return this.status >= 200 && this.status < 300; }
});
Response.prototype.text = function () {
  return typeof this.body === 'string' ? this.body : textDecoder.decode(this.body);
};
Response.json = function (value, init) {
  init = init || {};
  var headers = new Headers(init.headers);
  if (headers._h['content-type'] === undefined) headers._add('content-type', 'Content-Type', 'application/json');
  var body = JSON.stringify(value);
  if (body === undefined) throw new TypeError('Response.json: value cannot be serialized to JSON');
  return new Response(body, { status: init.status, statusText: init.statusText, headers: headers });
};
Response.redirect = function (url, status) {
  status = status === undefined ? 302 : status;
  if (!REDIRECT_STATUSES[status]) {
    throw apiError(RangeError, 'Response.redirect status must be 301, 302, 303, 307 or 308, got ' + status);
  }
  return new Response('', { status: status, headers: { Location: String(url) } });
};

function formatArgs(args) {
  var parts = [];
  for (var i = 0; i < args.length; i++) {
    var a = args[i];
    if (typeof a === 'string') parts.push(a);
    else if (a instanceof Error) parts.push(a.stack || String(a));
    else {
      var s;
      try { s = JSON.stringify(a); } catch (e) { s = undefined; }
      parts.push(s === undefined ? String(a) : s);
    }
  }
  return parts.join(' ');
}

var console = {
  log: function () { native.log('info', formatArgs(arguments)); },
  info: function () { native.log('info', formatArgs(arguments)); },
  debug: function () { native.log('debug', formatArgs(arguments)); },
  warn: function () { native.log('warn', formatArgs(arguments)); },
  error: function () { native.log('error', formatArgs(arguments)); }
};

/* "a string", "undefined", "a plain object", "an Array" ... for messages. */
function describe(v) {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'string') return 'a string';
  if (typeof v !== 'object' && typeof v !== 'function') return typeof v + ' ' + String(v);
  var c = v.constructor && v.constructor.name;
  if (!c || c === 'Object') return 'a plain object';
  return (/^[AEIOU]/.test(c) ? 'an ' : 'a ') + c;
}

/*
 * Called by the worker for each request with the app's exports and the raw
 * request (see worker_js.c); returns [status, flatHeaders, body].  A
 * promise (an async fetch) is awaited, running the job queue; what a
 * synchronous fetch queued runs before the response too.
 */
function dispatch(app, raw) {
  var req = new Request(raw);
  var res = app.fetch(req, new Context(raw));
  if (async === null) {
    /* no promises to wait for */
  } else if (async.isPromise(res)) {
    res = async.settle(res);
  } else if (res !== null && typeof res === 'object' && typeof res.then === 'function') {
    res = async.settle(async.Promise.resolve(res));
  } else if (async.hasWork()) {
    async.settle(undefined);
  }
  if (!(res instanceof Response)) {
    throw apiError(TypeError, 'fetch() must return a Response, but returned ' + describe(res));
  }
  return [res.status, res.headers._flat(), res.body];
}

/*
 * isolation = worker: freezes everything reachable from ROOTS (the global
 * object and the jsfpm/ modules) through properties and prototypes, so no
 * request can change what the next one sees.
 *
 * Freezing a prototype makes its properties read-only for objects that
 * inherit them too ("the override mistake": err.name = 'X' would fail).  For
 * the properties apps commonly set on their own objects, the data property
 * becomes an accessor whose setter defines an own property on the object.
 */
var OVERRIDABLE = ['constructor', 'toString', 'valueOf', 'toLocaleString', 'toJSON', 'name', 'message'];

function makeOverridable(proto) {
  OVERRIDABLE.forEach(function (name) {
    var d = Object.getOwnPropertyDescriptor(proto, name);
    if (!d || !('value' in d) || !d.writable || !d.configurable) return;
    var value = d.value;
    Object.defineProperty(proto, name, {
      enumerable: d.enumerable,
      configurable: false,
      get: function () { return value; },
      set: function (v) {
        if (this === proto) throw new TypeError('Cannot change frozen built-in property ' + name);
        Object.defineProperty(this, name, { value: v, writable: true, enumerable: true, configurable: true });
      }
    });
  });
}

function harden(roots) {
  /* First the prototypes of the global constructors (Object, Error, ...),
   * before the walk: the accessors this creates are functions too, and must
   * not get the same treatment themselves. */
  var global = roots[0];
  Object.getOwnPropertyNames(global).forEach(function (name) {
    var d = Object.getOwnPropertyDescriptor(global, name);
    var f = d && d.value;
    if (typeof f === 'function' && f.prototype && typeof f.prototype === 'object') makeOverridable(f.prototype);
  });
  var stack = roots.slice();
  var getSymbols = Object.getOwnPropertySymbols;
  while (stack.length > 0) {
    var o = stack.pop();
    if (o === null || (typeof o !== 'object' && typeof o !== 'function')) continue;
    if (Object.isFrozen(o)) continue;
    try {
      Object.freeze(o);
    } catch (e) {
      continue; // typed arrays with elements cannot be frozen; their prototypes are reached elsewhere
    }
    var keys = Object.getOwnPropertyNames(o);
    if (getSymbols) keys = keys.concat(getSymbols(o));
    for (var i = 0; i < keys.length; i++) {
      var d = Object.getOwnPropertyDescriptor(o, keys[i]);
      if ('value' in d) stack.push(d.value);
      else { stack.push(d.get); stack.push(d.set); }
    }
    stack.push(Object.getPrototypeOf(o));
  }
}

/* After the app's modules ran: the jobs their top-level code queued. */
function drain() {
  if (async !== null) async.settle(undefined);
}

exports.harden = harden;
exports.drain = drain;
exports.Headers = Headers;
exports.Request = Request;
exports.Response = Response;
exports.console = console;
exports.dispatch = dispatch;
exports.parseQuery = parseQuery;
exports.httpError = httpError;
