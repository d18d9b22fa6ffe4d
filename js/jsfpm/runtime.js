/*
 * jsfpm/runtime: Headers, Request, Response, console, and the dispatcher the
 * worker calls for each request.  Loaded once per heap; the worker copies
 * Headers, Request, Response and console onto the global object.
 *
 * It also puts the web platform's globals (URL, crypto, fetch, Blob, Intl
 * ... from jsfpm/internal/*) on the global object, loaded on first use.
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
 * the library (an ES5 app has no Promise, queueMicrotask or setTimeout)
 * until it uses crypto.subtle or fetch (platformModule). */
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

/* ---- the web platform modules, loaded when first used ------------------------
 *
 * Their classes and functions become globals through accessors that load
 * the module on first use and then turn into plain properties: an app that
 * never names URL, crypto or fetch never loads their modules (which
 * matters in isolation = request, where each request has fresh globals).
 * In isolation = worker, harden() loads them all before freezing. */
var platform = Object.create(null);

function platformModule(name) {
  var m = platform[name];
  if (m === undefined) {
    m = platform[name] = require('jsfpm/internal/' + name);
    /* crypto.subtle and fetch give promises, which an ES5 app's handler
     * may return: the dispatcher must then run the job queue. */
    if (async === null) async = require('jsfpm/internal/async');
    if (name === 'fetch') m.setup({ Request: Request, Response: Response, Headers: Headers });
  }
  return m;
}

/* The web platform's globals (URL, crypto, fetch, Blob, Intl ...) are
 * accessors the worker defines on each global object
 * (workers/js_platform.c, which lists them): the first read calls
 * platformGlobal, which loads the module, and the accessor becomes a plain
 * property.  C functions, not closures: in isolation = request every
 * request's globals get them, and a JavaScript function costs Duktape a
 * closure and a prototype object each. */
function platformGlobal(mod, name) {
  return platformModule(mod)[name];
}

function defineGlobal(target, name, value) {
  Object.defineProperty(target, name, { value: value, writable: true, configurable: true, enumerable: false });
}

/* The locale-sensitive methods of the built-ins (Number.prototype.
 * toLocaleString ...), C functions js_platform.c puts there, call these. */
function localeMethod(name, self, a, b, c) {
  var intl = platformModule('intl');
  switch (name) {
  case 'number': return intl.numberToLocaleString(Number(self), a, b);      // (locales, options)
  case 'compare': return intl.localeCompare(String(self), String(a), b, c); // (that, locales, options)
  default: return intl.dateToLocale(self, name, a, b);                      // (locales, options)
  }
}

/* Loads what is still behind an accessor (isolation = worker, before freezing). */
function resolvePlatformGlobals(global) {
  Object.getOwnPropertyNames(global).forEach(function (name) {
    var d = Object.getOwnPropertyDescriptor(global, name);
    if (d && d.get) void global[name];
  });
}

function isInstance(mod, name, x) {
  var m = platform[mod];
  return m !== undefined && x instanceof m[name];
}

/* ---- Headers ------------------------------------------------------------------- */

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
    for (var i = 0; i < init.length; i++) this._appendPair(init[i]);
  } else if (typeof init === 'object' && typeof Symbol === 'function' && Symbol.iterator &&
             typeof init[Symbol.iterator] === 'function') {
    var it = init[Symbol.iterator](), step;
    while (!(step = it.next()).done) this._appendPair(step.value);
  } else if (typeof init === 'object') {
    for (var k in init) if (hasOwn.call(init, k)) this.append(k, init[k]);
  } else {
    throw new TypeError("Failed to construct 'Headers': The provided value is not of type '(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'.");
  }
}
Headers.prototype._appendPair = function (pair) {
  var items = Array.isArray(pair) ? pair : pair !== null && typeof pair === 'object' && typeof pair.length === 'number' ? Array.prototype.slice.call(pair) : null;
  if (items === null || items.length !== 2) {
    throw new TypeError("Failed to construct 'Headers': Invalid value: each header must be a [name, value] pair");
  }
  this.append(items[0], items[1]);
};
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

function isHttpSpace(c) {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/* A value loses leading and trailing HTTP whitespace (the Fetch standard's
 * normalization); what is left must not hold CR, LF or NUL. */
function checkHeaderValue(value) {
  value = String(value);
  var n = value.length;
  if (n > 0 && (isHttpSpace(value.charCodeAt(0)) || isHttpSpace(value.charCodeAt(n - 1)))) {
    value = value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
  }
  return checkHeaderPart('value', value);
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
  value = checkHeaderValue(value);
  this._add(name.toLowerCase(), name, value);
};
/* Replaces every value of NAME, keeping its place. */
Headers.prototype.set = function (name, value) {
  name = checkHeaderName(name);
  value = checkHeaderValue(value);
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
/* The Fetch standard's "sort and combine": [name, value] pairs sorted by
 * name, values joined with ", " except Set-Cookie (one pair each). */
Headers.prototype._sorted = function () {
  var keys = Object.keys(this._h).sort(), out = [];
  for (var i = 0; i < keys.length; i++) {
    var k = keys[i], e = this._h[k];
    if (k === 'set-cookie') {
      for (var j = 1; j < e.length; j++) out.push([k, e[j]]);
    } else {
      out.push([k, e.length === 2 ? e[1] : e.slice(1).join(', ')]);
    }
  }
  return out;
};
Headers.prototype.forEach = function (fn, thisArg) {
  var list = this._sorted();
  for (var i = 0; i < list.length; i++) fn.call(thisArg, list[i][1], list[i][0], this);
};
/* Iterators, as the standard has them (for...of, Array.from, next()). */
function PairIterator(list, kind) {
  this._list = list;
  this._i = 0;
  this._kind = kind; // 0 names, 1 values, 2 [name, value]
}
PairIterator.prototype.next = function () {
  if (this._i >= this._list.length) return { value: undefined, done: true };
  var e = this._list[this._i++];
  return { value: this._kind === 2 ? e : e[this._kind], done: false };
};
Headers.prototype.entries = function () { return new PairIterator(this._sorted(), 2); };
Headers.prototype.keys = function () { return new PairIterator(this._sorted(), 0); };
Headers.prototype.values = function () { return new PairIterator(this._sorted(), 1); };
if (typeof Symbol === 'function' && Symbol.iterator) {
  PairIterator.prototype[Symbol.iterator] = function () { return this; };
  Headers.prototype[Symbol.iterator] = Headers.prototype.entries;
}
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
var textEncoder = new TextEncoder();

function httpError(status, message) {
  var e = new Error(message);
  e.status = status;
  e.expose = true; // the message is safe to show to the client
  return e;
}

/* ---- bodies --------------------------------------------------------------------
 *
 * A body is kept as it was given: a string, a Uint8Array or ArrayBuffer,
 * or null.  The other kinds the Fetch standard lists (URLSearchParams,
 * FormData, Blob, typed arrays, DataView) are turned into one of those
 * with the Content-Type they imply.  Bodies are in memory, so the read
 * methods return their value directly (no promise; `await` works all the
 * same) and may be called more than once. */

/* { source, type } for BODY (type null when the kind implies none). */
function extractBody(body) {
  if (body === undefined || body === null) return { source: null, type: null };
  if (typeof body === 'string') return { source: body, type: 'text/plain;charset=UTF-8' };
  if (body instanceof Uint8Array || body instanceof ArrayBuffer) return { source: body, type: null };
  if (typeof body === 'object' && typeof body.byteLength === 'number' && body.buffer) {
    return { source: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), type: null };
  }
  if (isInstance('url', 'URLSearchParams', body)) {
    return { source: body.toString(), type: 'application/x-www-form-urlencoded;charset=UTF-8' };
  }
  if (isInstance('web', 'FormData', body)) {
    var form = platform.web.encodeFormData(body);
    return { source: form.bytes, type: form.type };
  }
  if (isInstance('web', 'Blob', body)) return { source: body._bytes, type: body.type === '' ? null : body.type };
  if (typeof body === 'object' && typeof body.getReader === 'function') {
    throw new TypeError('ReadableStream bodies are not supported by jsfpm: pass a string, bytes, Blob, FormData or URLSearchParams');
  }
  return { source: String(body), type: 'text/plain;charset=UTF-8' };
}

function bodyBytes(source) {
  if (source === null) return null;
  if (typeof source === 'string') return textEncoder.encode(source);
  return source instanceof ArrayBuffer ? new Uint8Array(source) : source;
}

function bodyText(source) {
  return source === null ? '' : typeof source === 'string' ? source : textDecoder.decode(source);
}

/* The read methods of Request and Response; each has _source(). */
var BODY_METHODS = {
  text: function () {
    this._used = true;
    return bodyText(this._source());
  },
  bytes: function () {
    this._used = true;
    var b = bodyBytes(this._source());
    return b === null ? new Uint8Array(0) : b;
  },
  arrayBuffer: function () {
    var b = this.bytes();
    return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b.buffer : platformModule('web').toArrayBuffer(b);
  },
  blob: function () {
    var web = platformModule('web'), type = this.headers.get('content-type');
    return new web.Blob([this.bytes()], { type: type === null ? '' : type });
  },
  json: function () {
    this._used = true;
    var source = this._source(), t = '';
    if (source !== null && typeof source !== 'string') {
      try {
        t = new TextDecoder('utf-8', { fatal: true }).decode(source);
      } catch (e) {
        throw this._bodyError('is not valid JSON: it is not valid UTF-8', SyntaxError);
      }
    } else if (source !== null) {
      t = source;
    }
    try {
      return JSON.parse(t);
    } catch (e) {
      throw this._bodyError('is not valid JSON: ' + e.message, SyntaxError);
    }
  },
  formData: function () {
    this._used = true;
    var type = this.headers.get('content-type') || '', web = platformModule('web'), fd = new web.FormData();
    var mime = type.split(';')[0].trim().toLowerCase(), i;
    if (mime === 'application/x-www-form-urlencoded') {
      var list = platformModule('url').formParse(bodyText(this._source()));
      for (i = 0; i < list.length; i++) fd.append(list[i][0], list[i][1]);
      return fd;
    }
    if (mime === 'multipart/form-data') {
      var parts = native.multipart(this.bytes(), type);
      for (i = 0; i < parts.length; i++) {
        var p = parts[i];
        if (p[1] === null) fd._list.push([p[0], textDecoder.decode(p[3])]);
        else fd._list.push([p[0], web.makeFile(p[3], p[1], p[2] === null ? 'application/octet-stream' : p[2])]);
      }
      return fd;
    }
    throw this._bodyError('is not a form: its Content-Type is ' + (type ? JSON.stringify(type) : 'missing') +
                          ', not application/x-www-form-urlencoded or multipart/form-data', TypeError);
  }
};

function mixBody(proto) {
  for (var name in BODY_METHODS) proto[name] = BODY_METHODS[name];
  Object.defineProperty(proto, 'bodyUsed', { get: function () { return this._used === true || (this._stream ? this._stream._disturbed : false); }, enumerable: true });
}

/* ---- Request ------------------------------------------------------------------- */

/* The raw request the worker passes for each request: a dense array, which
 * Duktape fills far faster than an object with named properties.  Request
 * and ctx read it through getters, so a request pays only for what the
 * handler looks at.  RAW holds its indices, generated at build time from
 * the C list of its fields (workers/js_raw_request.h). */
var RAW = require('jsfpm/internal/raw_request');

function getter(obj, name, fn) {
  Object.defineProperty(obj, name, { get: fn, enumerable: true });
}

var INCOMING = {}; /* the dispatcher's key: new Request(INCOMING, raw) */
var METHODS = { DELETE: 1, GET: 1, HEAD: 1, OPTIONS: 1, POST: 1, PUT: 1 };
var FORBIDDEN_METHODS = { CONNECT: 1, TRACE: 1, TRACK: 1 };
var REQUEST_DEFAULTS = { cache: 'default', credentials: 'same-origin', destination: '', integrity: '',
                         keepalive: false, mode: 'cors', redirect: 'follow', referrer: 'about:client',
                         referrerPolicy: '', duplex: 'half' };

function normalizeMethod(m) {
  m = String(m);
  if (!TOKEN.test(m)) throw new TypeError("Failed to construct 'Request': '" + m + "' is not a valid HTTP method.");
  var upper = m.toUpperCase();
  if (FORBIDDEN_METHODS[upper] === 1) throw new TypeError("Failed to construct 'Request': '" + m + "' HTTP method is unsupported.");
  return METHODS[upper] === 1 ? upper : m;
}

/*
 * new Request(input, init): INPUT is a URL (absolute: there is no document
 * to resolve against) or a Request; INIT as the Fetch standard has it
 * (method, headers, body, signal, redirect; cache, credentials, mode,
 * referrer... are kept and mean nothing on a server).  The requests the
 * handler receives are made by the dispatcher from the raw request.
 */
function Request(input, init) {
  if (input === INCOMING) {
    this._raw = init;
    return;
  }
  if (!(this instanceof Request)) throw new TypeError("Failed to construct 'Request': Please use the 'new' operator.");
  init = init === undefined || init === null ? {} : init;
  var from = input instanceof Request ? input : null, url, k;
  if (from !== null) {
    url = from.url;
  } else {
    var URL = platformModule('url').URL;
    var parsed = URL.parse(String(input));
    if (parsed === null) throw new TypeError("Failed to construct 'Request': Invalid URL: " + String(input) + ' (it must be absolute)');
    if (parsed.username !== '' || parsed.password !== '') {
      throw new TypeError("Failed to construct 'Request': Request cannot be constructed from a URL that includes credentials: " + String(input));
    }
    url = parsed.href;
  }
  this._url = url;
  this._method = init.method !== undefined ? normalizeMethod(init.method) : from !== null ? from.method : 'GET';
  this._headers = new Headers(init.headers !== undefined ? init.headers : from !== null ? from.headers : undefined);
  /* cache, credentials, mode ... (REQUEST_DEFAULTS on the prototype): own
   * properties only where they differ (defined, as the prototype may be frozen). */
  for (k in REQUEST_DEFAULTS) {
    var v = init[k] !== undefined ? init[k] : from !== null ? from[k] : REQUEST_DEFAULTS[k];
    if (v !== REQUEST_DEFAULTS[k]) Object.defineProperty(this, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  if (['follow', 'error', 'manual'].indexOf(this.redirect) < 0) {
    throw new TypeError("Failed to construct 'Request': redirect must be 'follow', 'error' or 'manual'");
  }
  this._signal = init.signal !== undefined && init.signal !== null ? init.signal : from !== null ? from.signal : null;
  var body = init.body !== undefined ? extractBody(init.body) : { source: from !== null ? from._source() : null, type: null };
  if (body.source !== null && (this._method === 'GET' || this._method === 'HEAD')) {
    throw new TypeError("Failed to construct 'Request': Request with GET/HEAD method cannot have body.");
  }
  if (body.type !== null && !this._headers.has('content-type')) this._headers.set('Content-Type', body.type);
  this._body = body.source;
}
mixBody(Request.prototype);
Request.prototype._source = function () {
  if (this._stream && this._stream._disturbed) throw new TypeError('Request body has already been read through request.body');
  if (this._raw === undefined) return this._body;
  var b = this._raw[RAW.BODY];
  return isBodyToken(b) ? native.requestBody(b, 0, b.length) : b;
};
/* The worker keeps an incoming body: the raw request holds a token ({ length })
 * that native.requestBody reads it with, during the request only. */
function isBodyToken(b) {
  return b !== null && typeof b === 'object' && typeof b.byteLength !== 'number';
}
/* request.body: a ReadableStream of Uint8Array pieces (64 KiB), or null. */
function requestStream(req) {
  var b = req._raw !== undefined ? req._raw[RAW.BODY] : bodyBytes(req._body);
  if (b === null) return null;
  var web = platformModule('web');
  if (isBodyToken(b)) return web.bodyStream(function (offset, n) { return native.requestBody(b, offset, n); }, b.length);
  return web.bodyStream(function (offset, n) { return b.subarray(offset, offset + n); }, b.length);
}
Request.prototype._bodyBytes = function () {
  return bodyBytes(this._source());
};
Request.prototype._bodyError = function (what, Ctor) {
  /* The client's body: its fault, a 400 unless the handler catches it. */
  if (this._raw !== undefined) return httpError(400, 'request body ' + what);
  return new Ctor('body ' + what);
};
getter(Request.prototype, 'method', function () {
  return this._raw !== undefined ? this._raw[RAW.METHOD] : this._method;
});
/* The URL as the WHATWG parser writes it (the raw one if it cannot parse). */
getter(Request.prototype, 'url', function () {
  if (this._url === undefined) {
    var raw = this._raw[RAW.URL], r = native.urlParse(raw);
    this._url = r === null ? raw : r[0];
  }
  return this._url;
});
getter(Request.prototype, 'path', function () {
  if (this._raw !== undefined) return this._raw[RAW.PATH];
  var p = new (platformModule('url').URL)(this._url).pathname;
  try { return decodeURIComponent(p); } catch (e) { return p; }
});
getter(Request.prototype, 'queryString', function () {
  if (this._raw !== undefined) return this._raw[RAW.QUERY];
  var q = platformModule('url').parse(this._url)[7];
  return q === null ? '' : q;
});
getter(Request.prototype, 'remoteAddress', function () {
  return this._raw !== undefined ? this._raw[RAW.REMOTE] : null;
});
getter(Request.prototype, 'headers', function () {
  if (this._headers === undefined) {
    var h = new Headers(), flat = this._raw[RAW.HEADERS];
    for (var i = 0; i < flat.length; i += 2) {
      h._add(flat[i], flat[i], flat[i + 1]); // names already lower case, from the front door
    }
    this._headers = h;
  }
  return this._headers;
});
getter(Request.prototype, 'query', function () {
  if (this._query === undefined) this._query = parseQuery(this.queryString);
  return this._query;
});
/* The client going away does not abort a request here: this signal never fires. */
getter(Request.prototype, 'signal', function () {
  if (this._signal === undefined || this._signal === null) this._signal = new (platformModule('web').AbortController)().signal;
  return this._signal;
});
getter(Request.prototype, 'body', function () {
  if (this._stream === undefined) this._stream = requestStream(this);
  return this._stream;
});
for (var requestDefault in REQUEST_DEFAULTS) {
  Object.defineProperty(Request.prototype, requestDefault, { value: REQUEST_DEFAULTS[requestDefault], enumerable: true });
}
Object.defineProperty(Request.prototype, 'params', {
  enumerable: true,
  get: function () { return this._params || (this._params = {}); },
  set: function (v) { this._params = v; }
});
Request.prototype.clone = function () {
  if (this._raw !== undefined) {
    var c = new Request(INCOMING, this._raw);
    if (this._params !== undefined) c._params = this._params;
    if (this._headers !== undefined) c._headers = new Headers(this._headers);
    return c;
  }
  return new Request(this);
};
if (typeof Symbol === 'function' && Symbol.toStringTag) {
  Object.defineProperty(Request.prototype, Symbol.toStringTag, { value: 'Request', configurable: true });
}

/* The per-request context: frozen, so nothing a handler does to it can
 * reach the next request. */
function Context(raw) {
  this._raw = raw;
  Object.freeze(this);
}
getter(Context.prototype, 'requestId', function () { return this._raw[RAW.ID]; });
getter(Context.prototype, 'user', function () { return this._raw[RAW.USER]; });
getter(Context.prototype, 'tenant', function () { return this._raw[RAW.TENANT]; });
getter(Context.prototype, 'locale', function () { return this._raw[RAW.LOCALE]; });
getter(Context.prototype, 'env', function () { return this._raw[RAW.ENV]; });
getter(Context.prototype, 'deadline', function () {
  var left = this._raw[RAW.DEADLINE] - native.now();
  return left > 0 ? Math.floor(left) : 0;
});
Context.prototype.toJSON = function () {
  return { requestId: this.requestId, user: this.user, tenant: this.tenant,
           locale: this.locale, deadline: this.deadline, env: this.env };
};

/* ---- Response ------------------------------------------------------------------ */

var REDIRECT_STATUSES = { 301: 1, 302: 1, 303: 1, 307: 1, 308: 1 };
var NULL_BODY_STATUSES = { 101: 1, 103: 1, 204: 1, 205: 1, 304: 1 };
var REASON_PHRASE = /^[\t !-~\x80-\xff]*$/;

function Response(body, init) {
  init = init || {};
  var status = init.status === undefined ? 200 : init.status;
  if (typeof status !== 'number' || status % 1 !== 0 || status < 200 || status > 599) {
    throw apiError(RangeError, 'Response status must be an integer from 200 to 599, got ' + String(status));
  }
  this.status = status;
  this.statusText = init.statusText === undefined ? '' : String(init.statusText);
  /* A RegExp costs Duktape thousands of instructions: only when there is text to check. */
  if (this.statusText !== '' && !REASON_PHRASE.test(this.statusText)) {
    throw apiError(TypeError, 'Response statusText is not a valid reason phrase');
  }
  var headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
  this.headers = headers;
  var source, type, pull = null;
  if (typeof body === 'string') { /* the common case, without extractBody's object */
    source = body;
    type = 'text/plain;charset=UTF-8';
  } else if (typeof body === 'object' && body !== null && (pull = streamPull(body)) !== null) {
    source = null;
    type = null;
    if (NULL_BODY_STATUSES[status] === 1) {
      throw apiError(TypeError, 'Response with status ' + status + ' cannot have a body');
    }
  } else {
    var b = extractBody(body);
    source = b.source;
    type = b.type;
  }
  /* An empty body is let through for 204/304 ('' is what many apps pass). */
  if (NULL_BODY_STATUSES[status] === 1 && source !== null && (source.length > 0 || source.byteLength > 0)) {
    throw apiError(TypeError, 'Response with status ' + status + ' cannot have a body');
  }
  this._body = source === null ? '' : source;
  if (pull !== null) this._stream = pull;
  if (type !== null && headers._h['content-type'] === undefined) {
    headers._add('content-type', 'Content-Type', type);
  }
}
/* type, url and redirected are read through the prototype: each own
 * property a Response got would cost every response (fetch()'s set them). */
Object.defineProperty(Response.prototype, 'type', { get: function () { return this._type || 'default'; } });
Object.defineProperty(Response.prototype, 'url', { get: function () { return this._url || ''; } });
Object.defineProperty(Response.prototype, 'redirected', { get: function () { return this._redirected === true; } });
mixBody(Response.prototype);
Response.prototype._source = function () {
  if (this._stream !== undefined) { /* read whole (jsfpm/test, a proxy reading its own response) */
    var pull = this._stream, parts = [], total = 0, piece;
    this._stream = undefined;
    while ((piece = pull(false)) !== null) {
      piece = typeof piece === 'string' ? textEncoder.encode(piece) : piece;
      parts.push(piece);
      total += piece.byteLength;
    }
    var all = new Uint8Array(total);
    for (var i = 0, at = 0; i < parts.length; at += parts[i].byteLength, i++) all.set(parts[i], at);
    this._body = total === 0 ? '' : all;
  }
  return this._body === '' ? null : this._body;
};
Response.prototype._bodyError = function (what, Ctor) {
  return new Ctor('response body ' + what);
};
Object.defineProperty(Response.prototype, 'ok', {
  get: function () { return this.status >= 200 && this.status < 300; }
});
/* The body's bytes (not a ReadableStream: bodies are in memory), or null. */
Object.defineProperty(Response.prototype, 'body', {
  get: function () { return bodyBytes(this._source()); }
});
Response.prototype.clone = function () {
  if (this._stream !== undefined) throw new TypeError('a streamed Response cannot be cloned');
  var c = Object.create(Response.prototype);
  c.status = this.status;
  c.statusText = this.statusText;
  c.headers = new Headers(this.headers);
  c._type = this._type;
  c._url = this._url;
  c._redirected = this._redirected;
  c._body = this._body;
  return c;
};
/* ---- streamed bodies ---------------------------------------------------------- */

/* The iterator of BODY when it is a stream of pieces: an async iterable
 * (an async generator) or an iterable other than an array, typed array,
 * URLSearchParams or FormData (a generator, an iterator object); else null. */
function streamIterator(body) {
  if (typeof Symbol !== 'function' || Array.isArray(body) || body instanceof ArrayBuffer ||
      (typeof body.byteLength === 'number' && body.buffer) || isInstance('url', 'URLSearchParams', body) ||
      isInstance('web', 'FormData', body)) {
    return null;
  }
  if (Symbol.asyncIterator && typeof body[Symbol.asyncIterator] === 'function') return body[Symbol.asyncIterator]();
  if (Symbol.iterator && typeof body[Symbol.iterator] === 'function') return body[Symbol.iterator]();
  return null;
}

/* A piece of a streamed body as the worker takes it: a non-empty string or
 * Uint8Array, or null for an empty one (an empty chunk would end a chunked
 * body). */
function streamPiece(v) {
  if (typeof v === 'string') return v.length > 0 ? v : null;
  if (v instanceof Uint8Array) return v.byteLength > 0 ? v : null;
  if (v instanceof ArrayBuffer) return v.byteLength > 0 ? new Uint8Array(v) : null;
  if (v !== null && typeof v === 'object' && typeof v.byteLength === 'number' && v.buffer) {
    return v.byteLength > 0 ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : null;
  }
  throw new TypeError('a streamed response body must give strings or Uint8Arrays, but gave ' + describe(v));
}

/*
 * The pull function of a streamed body, or null when BODY is not one: a
 * ReadableStream (anything with getReader()) or an iterator (above).  The
 * worker calls it (worker_js.c, js_stream_next) for each piece, under the
 * request's deadline: it returns a non-empty string or Uint8Array, or null
 * at the end; promises (an async generator's, a reader's) are settled
 * first.  Called with true when the client has gone or the stream is given
 * up, it stops the source: ReadableStream's cancel, a generator's return
 * (its finally blocks run).
 */
function streamPull(body) {
  var next, stop;
  if (typeof body.getReader === 'function') {
    var reader = body.getReader();
    next = function () { return reader.read(); };
    stop = function () { return reader.cancel(); };
  } else {
    var it = streamIterator(body);
    if (it === null) return null;
    next = function () { return it.next(); };
    stop = function () { return typeof it['return'] === 'function' ? it['return']() : undefined; };
  }
  var done = false;
  return function (cancel) {
    if (done) return null;
    if (cancel) {
      done = true;
      settle(stop());
      return null;
    }
    for (;;) {
      var r = settle(next());
      if (r === null || typeof r !== 'object') {
        throw new TypeError('a streamed response body\'s next() gave ' + describe(r) + ', not a result object');
      }
      if (r.done) {
        done = true;
        return null;
      }
      var piece = streamPiece(r.value);
      if (piece !== null) return piece;
    }
  };
}

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
/*
 * A file nginx sends after the app has authorized it: the response only
 * names it, in X-Accel-Redirect, and nginx's internal location for URI's
 * prefix (/protected/ in the packaged snippet) answers with the file; the
 * HTTP door does the same from [server] http_accel_dir.  URI is the path
 * as it is on disk below that location (each segment is percent-encoded
 * here, nginx decodes it).  OPTIONS: type (Content-Type; else the
 * server's guess from the name), filename (Content-Disposition: the name
 * the browser saves it as), inline (show rather than download), headers.
 */
Response.sendFile = function (uri, options) {
  options = options || {};
  uri = String(uri);
  var segments = uri.split('/');
  if (uri.charAt(0) !== '/' || /[\x00-\x1f\x7f]/.test(uri) ||
      segments.some(function (s) { return s === '.' || s === '..'; })) {
    throw apiError(TypeError, 'Response.sendFile: ' + JSON.stringify(uri) +
      ' is not an absolute path without "." or ".." segments and control characters');
  }
  var headers = new Headers(options.headers);
  headers.set('X-Accel-Redirect', segments.map(encodeURIComponent).join('/'));
  if (options.type !== undefined) headers.set('Content-Type', String(options.type));
  if (options.filename !== undefined || options.inline) {
    headers.set('Content-Disposition', contentDisposition(options.inline ? 'inline' : 'attachment', options.filename));
  }
  return new Response(null, { headers: headers });
};
/* RFC 6266: an ASCII filename for old clients, filename* (RFC 8187) for the rest. */
function contentDisposition(kind, filename) {
  if (filename === undefined) return kind;
  filename = String(filename);
  var ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  var value = kind + '; filename="' + ascii + '"';
  if (ascii !== filename) value += "; filename*=UTF-8''" + encodeURIComponent(filename).replace(/['()*]/g, function (c) {
    return '%' + c.charCodeAt(0).toString(16).toUpperCase();
  });
  return value;
}
/* A network error (what a failed fetch would be in a browser): status 0. */
Response.error = function () {
  var r = Object.create(Response.prototype);
  r.status = 0;
  r.statusText = '';
  r.headers = new Headers();
  r._type = 'error';
  r._body = '';
  return r;
};
/* fetch()'s responses (jsfpm/internal/fetch). */
Response._fromNetwork = function (status, headers, bytes, url, redirected) {
  var r = Object.create(Response.prototype);
  r.status = status;
  r.statusText = '';
  r.headers = headers;
  r._type = 'basic';
  r._url = url;
  r._redirected = redirected;
  r._body = bytes.length === 0 ? '' : bytes;
  return r;
};
if (typeof Symbol === 'function' && Symbol.toStringTag) {
  Object.defineProperty(Response.prototype, Symbol.toStringTag, { value: 'Response', configurable: true });
}

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
  var res = respond(app, raw);
  return [res.status, res.headers._flat(), res._stream !== undefined ? res._stream : res._body];
}

/* The value of V, a promise settled (running the job queue) or not one. */
function settle(v) {
  if (async === null) return v; /* no promises to wait for */
  if (async.isPromise(v)) return async.settle(v);
  if (v !== null && typeof v === 'object' && typeof v.then === 'function') return async.settle(async.Promise.resolve(v));
  if (async.hasWork()) async.settle(undefined);
  return v;
}

function respond(app, raw) {
  var res = settle(app.fetch(new Request(INCOMING, raw), new Context(raw)));
  if (!(res instanceof Response)) {
    throw apiError(TypeError, 'fetch() must return a Response, but returned ' + describe(res));
  }
  return res;
}

/*
 * jsfpm/test: APP.fetch called with REQUEST (a Request a test made) as the
 * worker calls it: an incoming request (path, query, params), a ctx (OPTIONS
 * user, tenant, locale, env), the promise settled.  Returns the Response.
 */
var testRequests = 0;
function callApp(app, request, options) {
  options = options || {};
  var url = platformModule('url').URL.parse(request.url), path = url.pathname, heads = [];
  try { path = decodeURIComponent(path); } catch (e) { /* kept as it is, as the doors keep it */ }
  request.headers.forEach(function (value, name) { heads.push(name, value); });
  var body = request.method === 'GET' || request.method === 'HEAD' ? null : request.bytes();
  var raw = new Array(RAW.COUNT);
  raw[RAW.METHOD] = request.method;
  raw[RAW.URL] = url.href;
  raw[RAW.PATH] = path;
  raw[RAW.QUERY] = url.search.slice(1);
  raw[RAW.REMOTE] = '127.0.0.1';
  raw[RAW.ID] = 'test-' + (++testRequests);
  raw[RAW.USER] = options.user === undefined ? null : options.user;
  raw[RAW.TENANT] = options.tenant === undefined ? null : options.tenant;
  raw[RAW.LOCALE] = options.locale || 'en';
  raw[RAW.DEADLINE] = native.now() + 30000;
  raw[RAW.ENV] = Object.freeze(options.env || {});
  raw[RAW.HEADERS] = heads;
  raw[RAW.BODY] = body !== null && body.length > 0 ? body : null;
  return respond(app, raw);
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
  resolvePlatformGlobals(global);
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
exports.platformGlobal = platformGlobal;
exports.localeMethod = localeMethod;
exports.drain = drain;
exports.Headers = Headers;
exports.Request = Request;
exports.Response = Response;
exports.console = console;
exports.dispatch = dispatch;
exports.settle = settle;
exports.callApp = callApp;
exports.parseQuery = parseQuery;
exports.httpError = httpError;
