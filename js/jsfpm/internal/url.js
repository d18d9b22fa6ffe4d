/*
 * jsfpm/internal/url: URL and URLSearchParams per the WHATWG URL standard,
 * on the parser in workers/url.c (native.urlParse, native.urlSet; see
 * workers/js_url.c for the record they exchange).  Domains go through
 * ICU's UTS #46 (IDNA); docs/javascript.md says what is left out.
 */
'use strict';

var web = require('jsfpm/internal/web');

var HREF = 0, SCHEME = 1, USER = 2, PASS = 3, HOST = 4, PORT = 5, PATH = 6, QUERY = 7, FRAGMENT = 8;
var SPECIAL_ORIGIN = { http: 1, https: 1, ws: 1, wss: 1, ftp: 1 };
var encoder = new TextEncoder();
var decoder = new TextDecoder();

function getter(target, name, get, set) {
  Object.defineProperty(target, name, { get: get, set: set, enumerable: true, configurable: true });
}

function defineMethods(target, methods) {
  for (var name in methods) {
    Object.defineProperty(target, name, { value: methods[name], writable: true, configurable: true, enumerable: false });
  }
}

function iterable(proto, entries, tag) {
  if (typeof Symbol === 'function' && Symbol.iterator) {
    Object.defineProperty(proto, Symbol.iterator, { value: entries, writable: true, configurable: true });
  }
  if (typeof Symbol === 'function' && Symbol.toStringTag) {
    Object.defineProperty(proto, Symbol.toStringTag, { value: tag, configurable: true });
  }
}

/* ---- application/x-www-form-urlencoded ------------------------------------- */

/* Percent-decodes S (with "+" as a space) into a string, bad UTF-8 as U+FFFD. */
function formDecode(s) {
  if (s.indexOf('+') >= 0) s = s.replace(/\+/g, ' ');
  if (s.indexOf('%') < 0) return s;
  var bytes = encoder.encode(s), out = new Uint8Array(bytes.length), o = 0;
  for (var i = 0; i < bytes.length; i++) {
    var c = bytes[i];
    if (c === 37 && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
      out[o++] = hexValue(bytes[i + 1]) * 16 + hexValue(bytes[i + 2]);
      i += 2;
    } else {
      out[o++] = c;
    }
  }
  return decoder.decode(out.subarray(0, o));
}

function isHex(c) {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function hexValue(c) {
  return c <= 57 ? c - 48 : (c | 32) - 87;
}

function formParse(s) {
  var list = [];
  if (s === '') return list;
  var parts = s.split('&');
  for (var i = 0; i < parts.length; i++) {
    var p = parts[i];
    if (p === '') continue;
    var eq = p.indexOf('=');
    list.push(eq < 0 ? [formDecode(p), ''] : [formDecode(p.slice(0, eq)), formDecode(p.slice(eq + 1))]);
  }
  return list;
}

function formSerialize(list) {
  var out = [];
  for (var i = 0; i < list.length; i++) out.push(native.formEncode(list[i][0]) + '=' + native.formEncode(list[i][1]));
  return out.join('&');
}

/* ---- URLSearchParams -------------------------------------------------------- */

function URLSearchParams(init) {
  if (!(this instanceof URLSearchParams)) throw new TypeError("Failed to construct 'URLSearchParams': Please use the 'new' operator.");
  this._url = null;
  this._list = [];
  if (init === undefined || init === null) {
    if (init === null) this._list = formParse('null');
    return;
  }
  if (typeof init === 'object' || typeof init === 'function') {
    if (init instanceof URLSearchParams) {
      this._list = init._list.map(function (e) { return [e[0], e[1]]; });
    } else if (typeof Symbol === 'function' && Symbol.iterator && typeof init[Symbol.iterator] === 'function' || Array.isArray(init)) {
      var list = this._list;
      web.iterateAll(init, function (pair) {
        var items = [];
        web.iterateAll(pair, function (x) { items.push(x); });
        if (items.length !== 2) {
          throw new TypeError("Failed to construct 'URLSearchParams': Sequence initializer must only contain pair elements");
        }
        list.push([String(items[0]), String(items[1])]);
      });
    } else {
      var keys = Object.keys(init);
      for (var i = 0; i < keys.length; i++) this._list.push([keys[i], String(init[keys[i]])]);
    }
    return;
  }
  init = String(init);
  this._list = formParse(init.charAt(0) === '?' ? init.slice(1) : init);
}

/* The URL this object belongs to takes its new query. */
function updateURL(sp) {
  if (sp._url === null) return;
  var r = native.urlSet(sp._url._r, 'search', formSerialize(sp._list));
  if (r !== null) sp._url._r = r;
}

defineMethods(URLSearchParams.prototype, {
  append: function (name, value) {
    this._list.push([String(name), String(value)]);
    updateURL(this);
  },
  'delete': function (name, value) {
    name = String(name);
    var v = value === undefined ? undefined : String(value);
    this._list = this._list.filter(function (e) { return !(e[0] === name && (v === undefined || e[1] === v)); });
    updateURL(this);
  },
  get: function (name) {
    name = String(name);
    for (var i = 0; i < this._list.length; i++) if (this._list[i][0] === name) return this._list[i][1];
    return null;
  },
  getAll: function (name) {
    name = String(name);
    return this._list.filter(function (e) { return e[0] === name; }).map(function (e) { return e[1]; });
  },
  has: function (name, value) {
    name = String(name);
    var v = value === undefined ? undefined : String(value);
    for (var i = 0; i < this._list.length; i++) {
      if (this._list[i][0] === name && (v === undefined || this._list[i][1] === v)) return true;
    }
    return false;
  },
  set: function (name, value) {
    name = String(name);
    value = String(value);
    var list = this._list, found = false;
    for (var i = 0; i < list.length; i++) {
      if (list[i][0] !== name) continue;
      if (!found) {
        list[i][1] = value;
        found = true;
      } else {
        list.splice(i--, 1);
      }
    }
    if (!found) list.push([name, value]);
    updateURL(this);
  },
  /* Stable, by UTF-16 code units of the names. */
  sort: function () {
    var indexed = this._list.map(function (e, i) { return [e, i]; });
    indexed.sort(function (a, b) {
      return a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1];
    });
    this._list = indexed.map(function (x) { return x[0]; });
    updateURL(this);
  },
  forEach: function (fn, thisArg) {
    for (var i = 0; i < this._list.length; i++) fn.call(thisArg, this._list[i][1], this._list[i][0], this);
  },
  entries: function () { return web.listIterator(this._list, 2); },
  keys: function () { return web.listIterator(this._list, 0); },
  values: function () { return web.listIterator(this._list, 1); },
  toString: function () { return formSerialize(this._list); }
});
getter(URLSearchParams.prototype, 'size', function () { return this._list.length; });
iterable(URLSearchParams.prototype, URLSearchParams.prototype.entries, 'URLSearchParams');

/* ---- URL ----------------------------------------------------------------------- */

function invalid(input) {
  var e = new TypeError('Invalid URL: ' + String(input));
  e.code = 'ERR_INVALID_URL';
  e.input = String(input);
  return e;
}

function parse(url, base) {
  return native.urlParse(String(url), base === undefined ? undefined : String(base));
}

function URL(url, base) {
  if (!(this instanceof URL)) throw new TypeError("Failed to construct 'URL': Please use the 'new' operator.");
  if (arguments.length === 0) throw new TypeError("Failed to construct 'URL': 1 argument required, but only 0 present.");
  var r = parse(url, base);
  if (r === null) throw invalid(url);
  Object.defineProperty(this, '_r', { value: r, writable: true });
  Object.defineProperty(this, '_sp', { value: null, writable: true });
}

defineMethods(URL, {
  canParse: function (url, base) { return parse(url, base) !== null; },
  parse: function (url, base) {
    var r = parse(url, base);
    if (r === null) return null;
    var u = Object.create(URL.prototype);
    Object.defineProperty(u, '_r', { value: r, writable: true });
    Object.defineProperty(u, '_sp', { value: null, writable: true });
    return u;
  },
  createObjectURL: function () { throw new TypeError('URL.createObjectURL is not supported on a server'); },
  revokeObjectURL: function () {}
});

/* A setter: the URL changes only when the parser accepts the value. */
function setter(which) {
  return function (value) {
    var r = native.urlSet(this._r, which, String(value));
    if (r === null) return;
    this._r = r;
    if (this._sp !== null && (which === 'search' || which === 'href')) this._sp._list = formParse(r[QUERY] || '');
  };
}

function originOf(r) {
  var scheme = r[SCHEME];
  if (SPECIAL_ORIGIN[scheme] === 1) return scheme + '://' + r[HOST] + (r[PORT] === null ? '' : ':' + r[PORT]);
  if (scheme === 'blob' && typeof r[PATH] === 'string') {
    var inner = native.urlParse(r[PATH]);
    if (inner !== null && (inner[SCHEME] === 'http' || inner[SCHEME] === 'https')) return originOf(inner);
  }
  return 'null';
}

getter(URL.prototype, 'href', function () { return this._r[HREF]; }, function (value) {
  var r = parse(value);
  if (r === null) throw invalid(value);
  this._r = r;
  if (this._sp !== null) this._sp._list = formParse(r[QUERY] || '');
});
getter(URL.prototype, 'origin', function () { return originOf(this._r); });
getter(URL.prototype, 'protocol', function () { return this._r[SCHEME] + ':'; }, setter('protocol'));
getter(URL.prototype, 'username', function () { return this._r[USER]; }, setter('username'));
getter(URL.prototype, 'password', function () { return this._r[PASS]; }, setter('password'));
getter(URL.prototype, 'host', function () {
  var r = this._r;
  return r[HOST] === null ? '' : r[PORT] === null ? r[HOST] : r[HOST] + ':' + r[PORT];
}, setter('host'));
getter(URL.prototype, 'hostname', function () { return this._r[HOST] === null ? '' : this._r[HOST]; }, setter('hostname'));
getter(URL.prototype, 'port', function () { return this._r[PORT] === null ? '' : String(this._r[PORT]); }, setter('port'));
getter(URL.prototype, 'pathname', function () {
  var p = this._r[PATH];
  return typeof p === 'string' ? p : p.length === 0 ? '' : '/' + p.join('/');
}, setter('pathname'));
getter(URL.prototype, 'search', function () {
  var q = this._r[QUERY];
  return q === null || q === '' ? '' : '?' + q;
}, setter('search'));
getter(URL.prototype, 'searchParams', function () {
  if (this._sp === null) {
    var sp = new URLSearchParams(this._r[QUERY] || '');
    sp._url = this;
    this._sp = sp;
  }
  return this._sp;
});
getter(URL.prototype, 'hash', function () {
  var f = this._r[FRAGMENT];
  return f === null || f === '' ? '' : '#' + f;
}, setter('hash'));
defineMethods(URL.prototype, {
  toString: function () { return this._r[HREF]; },
  toJSON: function () { return this._r[HREF]; }
});
if (typeof Symbol === 'function' && Symbol.toStringTag) {
  Object.defineProperty(URL.prototype, Symbol.toStringTag, { value: 'URL', configurable: true });
}

exports.URL = URL;
exports.URLSearchParams = URLSearchParams;
/* For the rest of the standard library: */
exports.formParse = formParse;
exports.formSerialize = formSerialize;
exports.parse = parse;
