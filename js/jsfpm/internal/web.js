/*
 * jsfpm/internal/web: the small Web APIs every server runtime has
 * (docs/javascript.md, "Web platform"): DOMException, Event and
 * EventTarget, AbortController and AbortSignal, atob and btoa,
 * structuredClone, Blob, File, FormData and ReadableStream (for reading
 * request bodies in pieces).  The worker puts them on the
 * global object (runtime.js, lazily: an app that never names them never
 * loads this module).
 *
 * Blob bodies are in memory, so text(), arrayBuffer() and bytes() return
 * their value directly rather than a promise (`await` works on them all
 * the same), like the body methods of Request and Response.
 */
'use strict';

var async = require('jsfpm/internal/async');

var hasOwn = Object.prototype.hasOwnProperty;
var encoder = new TextEncoder();
var decoder = new TextDecoder();

function defineMethods(target, methods) {
  for (var name in methods) {
    if (hasOwn.call(methods, name)) {
      Object.defineProperty(target, name, { value: methods[name], writable: true, configurable: true, enumerable: false });
    }
  }
}

function getter(target, name, fn) {
  Object.defineProperty(target, name, { get: fn, configurable: true, enumerable: true });
}

function toStringTag(Ctor, tag) {
  if (typeof Symbol === 'function' && Symbol.toStringTag) {
    Object.defineProperty(Ctor.prototype, Symbol.toStringTag, { value: tag, configurable: true });
  }
}

/* ---- DOMException -------------------------------------------------------- */

var DOM_CODES = {
  IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
  NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11,
  SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15,
  TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21,
  QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25
};

function DOMException(message, name) {
  if (!(this instanceof DOMException)) throw new TypeError("Class constructor DOMException cannot be invoked without 'new'");
  var options = name !== null && typeof name === 'object' ? name : null;
  Object.defineProperty(this, 'message', { value: message === undefined ? '' : String(message), writable: true, configurable: true });
  Object.defineProperty(this, 'name', {
    value: options ? (options.name === undefined ? 'Error' : String(options.name)) : (name === undefined ? 'Error' : String(name)),
    writable: true, configurable: true
  });
  if (options && 'cause' in options) Object.defineProperty(this, 'cause', { value: options.cause, writable: true, configurable: true });
  var stack = new Error(this.message).stack;
  if (typeof stack === 'string') {
    Object.defineProperty(this, 'stack', { value: this.name + stack.slice(5), writable: true, configurable: true });
  }
}
DOMException.prototype = Object.create(Error.prototype);
defineMethods(DOMException.prototype, { constructor: DOMException });
getter(DOMException.prototype, 'code', function () { return DOM_CODES[this.name] || 0; });
Object.keys(DOM_CODES).forEach(function (name) {
  var constant = name.replace(/Error$/, '').replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() + '_ERR';
  if (name === 'InvalidCharacterError') constant = 'INVALID_CHARACTER_ERR';
  Object.defineProperty(DOMException, constant, { value: DOM_CODES[name], enumerable: true });
  Object.defineProperty(DOMException.prototype, constant, { value: DOM_CODES[name], enumerable: true });
});

/* ---- Event, EventTarget ------------------------------------------------- */

function Event(type, init) {
  if (arguments.length === 0) throw new TypeError("Failed to construct 'Event': 1 argument required, but only 0 present.");
  init = init || {};
  this.type = String(type);
  this.bubbles = !!init.bubbles;
  this.cancelable = !!init.cancelable;
  this.composed = !!init.composed;
  this.defaultPrevented = false;
  this.target = null;
  this.currentTarget = null;
  this.timeStamp = native.now();
  this.isTrusted = false;
  this._stop = false;
}
defineMethods(Event.prototype, {
  preventDefault: function () { if (this.cancelable) this.defaultPrevented = true; },
  stopImmediatePropagation: function () { this._stop = true; },
  stopPropagation: function () {}
});
toStringTag(Event, 'Event');

function EventTarget() {
  this._listeners = Object.create(null);
}
defineMethods(EventTarget.prototype, {
  addEventListener: function (type, listener, options) {
    if (listener === null || listener === undefined) return;
    var once = options !== null && typeof options === 'object' && !!options.once;
    var signal = options !== null && typeof options === 'object' ? options.signal : undefined;
    if (signal && signal.aborted) return;
    var list = this._listeners[type] || (this._listeners[type] = []);
    for (var i = 0; i < list.length; i++) if (list[i].fn === listener) return;
    var entry = { fn: listener, once: once };
    list.push(entry);
    if (signal) {
      var self = this;
      signal.addEventListener('abort', function () { self.removeEventListener(type, listener); });
    }
  },
  removeEventListener: function (type, listener) {
    var list = this._listeners[type];
    if (!list) return;
    for (var i = 0; i < list.length; i++) {
      if (list[i].fn === listener) {
        list.splice(i, 1);
        return;
      }
    }
  },
  dispatchEvent: function (event) {
    if (!(event instanceof Event)) throw new TypeError("Failed to execute 'dispatchEvent': parameter 1 is not of type 'Event'.");
    event.target = event.currentTarget = this;
    var handler = this['on' + event.type];
    var list = (this._listeners[event.type] || []).slice();
    if (typeof handler === 'function') handler.call(this, event);
    for (var i = 0; i < list.length && !event._stop; i++) {
      if (list[i].once) this.removeEventListener(event.type, list[i].fn);
      var fn = list[i].fn;
      if (typeof fn === 'function') fn.call(this, event);
      else if (fn && typeof fn.handleEvent === 'function') fn.handleEvent(event);
    }
    event.currentTarget = null;
    return !event.defaultPrevented;
  }
});
toStringTag(EventTarget, 'EventTarget');

/* ---- AbortController, AbortSignal --------------------------------------- */

var INTERNAL = {};

function AbortSignal(key) {
  if (key !== INTERNAL) throw new TypeError('Illegal constructor');
  EventTarget.call(this);
  this.aborted = false;
  this.reason = undefined;
  this.onabort = null;
}
AbortSignal.prototype = Object.create(EventTarget.prototype);
defineMethods(AbortSignal.prototype, {
  constructor: AbortSignal,
  throwIfAborted: function () {
    if (this.aborted) throw this.reason;
  }
});
toStringTag(AbortSignal, 'AbortSignal');

function signalAbort(signal, reason) {
  if (signal.aborted) return;
  signal.aborted = true;
  signal.reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
  signal.dispatchEvent(new Event('abort'));
}

defineMethods(AbortSignal, {
  abort: function (reason) {
    var s = new AbortSignal(INTERNAL);
    signalAbort(s, reason);
    return s;
  },
  /* A signal that aborts with a TimeoutError after MS milliseconds (a timer
   * of the request: it can fire only while the request runs). */
  timeout: function (ms) {
    ms = Number(ms);
    if (!(ms >= 0)) throw new TypeError("Failed to execute 'timeout' on 'AbortSignal': Value is not a non-negative number.");
    var s = new AbortSignal(INTERNAL);
    async.setTimeout(function () {
      signalAbort(s, new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    }, ms);
    s._timeoutMs = ms;
    return s;
  },
  any: function (signals) {
    var s = new AbortSignal(INTERNAL), list = [];
    iterateAll(signals, function (x) { list.push(x); });
    for (var i = 0; i < list.length; i++) {
      if (list[i].aborted) {
        signalAbort(s, list[i].reason);
        return s;
      }
    }
    list.forEach(function (x) {
      x.addEventListener('abort', function () { signalAbort(s, x.reason); });
    });
    return s;
  }
});

function AbortController() {
  this.signal = new AbortSignal(INTERNAL);
}
defineMethods(AbortController.prototype, {
  abort: function (reason) { signalAbort(this.signal, reason); }
});
toStringTag(AbortController, 'AbortController');

/* Calls FN on each item of an array or an iterable. */
function iterateAll(iterable, fn) {
  if (Array.isArray(iterable)) {
    iterable.forEach(function (x) { fn(x); });
    return;
  }
  if (iterable === null || iterable === undefined || typeof iterable[Symbol.iterator] !== 'function') {
    throw new TypeError('object is not iterable');
  }
  var it = iterable[Symbol.iterator](), step;
  while (!(step = it.next()).done) fn(step.value);
}

/* ---- atob, btoa ----------------------------------------------------------- */

var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
var B64_INDEX = Object.create(null);
for (var b64i = 0; b64i < 64; b64i++) B64_INDEX[B64.charAt(b64i)] = b64i;

function base64Encode(bytes) {
  var out = [], n = bytes.length, i;
  for (i = 0; i + 2 < n; i += 3) {
    var v = bytes[i] << 16 | bytes[i + 1] << 8 | bytes[i + 2];
    out.push(B64.charAt(v >> 18) + B64.charAt(v >> 12 & 63) + B64.charAt(v >> 6 & 63) + B64.charAt(v & 63));
  }
  if (n - i === 1) {
    out.push(B64.charAt(bytes[i] >> 2) + B64.charAt((bytes[i] & 3) << 4) + '==');
  } else if (n - i === 2) {
    var w = bytes[i] << 8 | bytes[i + 1];
    out.push(B64.charAt(w >> 10) + B64.charAt(w >> 4 & 63) + B64.charAt((w & 15) << 2) + '=');
  }
  return out.join('');
}

/* The forgiving-base64 decode of the HTML standard: bytes, or null. */
function base64Decode(s) {
  s = String(s).replace(/[\t\n\f\r ]/g, '');
  if (s.length % 4 === 0) s = s.replace(/==?$/, '');
  if (s.length % 4 === 1 || /[^A-Za-z0-9+\/]/.test(s)) return null;
  var out = new Uint8Array(Math.floor(s.length * 3 / 4)), o = 0, acc = 0, bits = 0;
  for (var i = 0; i < s.length; i++) {
    acc = acc << 6 | B64_INDEX[s.charAt(i)];
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = acc >> bits & 255;
    }
  }
  return out;
}

function btoa(data) {
  if (arguments.length === 0) throw new TypeError("Failed to execute 'btoa': 1 argument required, but only 0 present.");
  data = String(data);
  var bytes = new Uint8Array(data.length);
  for (var i = 0; i < data.length; i++) {
    var c = data.charCodeAt(i);
    if (c > 255) throw new DOMException('The string to be encoded contains characters outside of the Latin1 range.', 'InvalidCharacterError');
    bytes[i] = c;
  }
  return base64Encode(bytes);
}

function atob(data) {
  if (arguments.length === 0) throw new TypeError("Failed to execute 'atob': 1 argument required, but only 0 present.");
  var bytes = base64Decode(data);
  if (bytes === null) throw new DOMException('The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
  var parts = [];
  for (var i = 0; i < bytes.length; i += 4096) {
    parts.push(String.fromCharCode.apply(null, Array.prototype.slice.call(bytes.subarray(i, i + 4096))));
  }
  return parts.join('');
}

/* ---- bytes ---------------------------------------------------------------- */

/* A copy of the bytes of an ArrayBuffer or a view on one. */
function copyBytes(x) {
  var view = x instanceof ArrayBuffer ? new Uint8Array(x) : new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  var out = new Uint8Array(view.length);
  out.set(view);
  return out;
}

function isBufferSource(x) {
  return x instanceof ArrayBuffer || (x !== null && typeof x === 'object' && ArrayBuffer.isView(x));
}

function concatBytes(list) {
  var n = 0, i;
  for (i = 0; i < list.length; i++) n += list[i].length;
  var out = new Uint8Array(n), o = 0;
  for (i = 0; i < list.length; i++) {
    out.set(list[i], o);
    o += list[i].length;
  }
  return out;
}

function toArrayBuffer(bytes) {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : copyBytes(bytes).buffer;
}

/* ---- Blob, File ------------------------------------------------------------ */

/* A Blob's type: lower case, or "" when it has a character outside U+0020-U+007E. */
function normalizeType(t) {
  t = t === undefined ? '' : String(t);
  return /[^\x20-\x7e]/.test(t) ? '' : t.toLowerCase();
}

function Blob(parts, options) {
  if (!(this instanceof Blob)) throw new TypeError("Failed to construct 'Blob': Please use the 'new' operator.");
  options = options || {};
  var list = [];
  if (parts !== undefined) {
    if (parts === null || typeof parts !== 'object') {
      throw new TypeError("Failed to construct 'Blob': The provided value cannot be converted to a sequence.");
    }
    var nativeEndings = options.endings === 'native';
    iterateAll(parts, function (p) {
      if (p instanceof Blob) list.push(p._bytes);
      else if (isBufferSource(p)) list.push(copyBytes(p));
      else list.push(encoder.encode(nativeEndings ? String(p).replace(/\r\n|\r/g, '\n') : String(p)));
    });
  }
  this._bytes = list.length === 1 && parts[0] instanceof Blob ? list[0] : concatBytes(list);
  this._type = normalizeType(options.type);
}
getter(Blob.prototype, 'size', function () { return this._bytes.length; });
getter(Blob.prototype, 'type', function () { return this._type; });
defineMethods(Blob.prototype, {
  slice: function (start, end, contentType) {
    var n = this._bytes.length;
    start = relativeIndex(start, 0, n);
    end = relativeIndex(end, n, n);
    var b = Object.create(Blob.prototype);
    b._bytes = this._bytes.subarray(start, Math.max(start, end));
    b._type = normalizeType(contentType);
    return b;
  },
  text: function () { return decoder.decode(this._bytes); },
  bytes: function () { return copyBytes(this._bytes); },
  arrayBuffer: function () { return copyBytes(this._bytes).buffer; }
});
toStringTag(Blob, 'Blob');

function relativeIndex(v, dflt, n) {
  if (v === undefined) return dflt;
  v = Math.trunc(Number(v)) || 0;
  return v < 0 ? Math.max(n + v, 0) : Math.min(v, n);
}

function File(bits, name, options) {
  if (!(this instanceof File)) throw new TypeError("Failed to construct 'File': Please use the 'new' operator.");
  if (arguments.length < 2) throw new TypeError("Failed to construct 'File': 2 arguments required, but only " + arguments.length + ' present.');
  Blob.call(this, bits, options);
  this._name = String(name);
  this._lastModified = options && options.lastModified !== undefined ? Number(options.lastModified) : Date.now();
}
File.prototype = Object.create(Blob.prototype);
defineMethods(File.prototype, { constructor: File });
getter(File.prototype, 'name', function () { return this._name; });
getter(File.prototype, 'lastModified', function () { return this._lastModified; });
getter(File.prototype, 'webkitRelativePath', function () { return ''; });
toStringTag(File, 'File');

/* A File from bytes the runtime already owns (no copy). */
function makeFile(bytes, name, type) {
  var f = Object.create(File.prototype);
  f._bytes = bytes;
  f._type = normalizeType(type);
  f._name = name;
  f._lastModified = Date.now();
  return f;
}

/* ---- FormData --------------------------------------------------------------- */

/* An entry's value: a string, or a File (a Blob becomes one named "blob"). */
function entryValue(value, filename, nargs) {
  if (value instanceof Blob) {
    if (!(value instanceof File) || nargs > 2) {
      var f = makeFile(value._bytes, nargs > 2 ? String(filename) : (value instanceof File ? value.name : 'blob'), value.type);
      if (value instanceof File) f._lastModified = value.lastModified;
      return f;
    }
    return value;
  }
  return String(value);
}

function FormData(form) {
  if (!(this instanceof FormData)) throw new TypeError("Failed to construct 'FormData': Please use the 'new' operator.");
  if (form !== undefined) throw new TypeError("Failed to construct 'FormData': there are no HTML forms on a server.");
  this._list = [];
}
defineMethods(FormData.prototype, {
  append: function (name, value, filename) {
    this._list.push([String(name), entryValue(value, filename, arguments.length)]);
  },
  set: function (name, value, filename) {
    name = String(name);
    var entry = [name, entryValue(value, filename, arguments.length)], list = this._list, at = -1;
    for (var i = list.length - 1; i >= 0; i--) {
      if (list[i][0] === name) {
        list.splice(i, 1);
        at = i;
      }
    }
    if (at < 0) list.push(entry);
    else list.splice(at, 0, entry);
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
  has: function (name) {
    return this.get(name) !== null;
  },
  'delete': function (name) {
    name = String(name);
    this._list = this._list.filter(function (e) { return e[0] !== name; });
  },
  forEach: function (fn, thisArg) {
    var list = this._list.slice();
    for (var i = 0; i < list.length; i++) fn.call(thisArg, list[i][1], list[i][0], this);
  },
  entries: function () { return listIterator(this._list, 2); },
  keys: function () { return listIterator(this._list, 0); },
  values: function () { return listIterator(this._list, 1); }
});
if (typeof Symbol === 'function' && Symbol.iterator) {
  Object.defineProperty(FormData.prototype, Symbol.iterator, { value: FormData.prototype.entries, writable: true, configurable: true });
}
toStringTag(FormData, 'FormData');

/* An iterator over LIST's entries: keys (0), values (1) or [key, value] pairs (2). */
function ListIterator(list, kind) {
  this._list = list;
  this._i = 0;
  this._kind = kind;
}
defineMethods(ListIterator.prototype, {
  next: function () {
    if (this._i >= this._list.length) return { value: undefined, done: true };
    var e = this._list[this._i++];
    return { value: this._kind === 2 ? [e[0], e[1]] : e[this._kind], done: false };
  }
});
if (typeof Symbol === 'function' && Symbol.iterator) {
  Object.defineProperty(ListIterator.prototype, Symbol.iterator, { value: function () { return this; }, writable: true, configurable: true });
}

function listIterator(list, kind) {
  return new ListIterator(list, kind);
}

/* A name or filename in a multipart header, as browsers write them. */
function escapeName(s) {
  return s.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');
}

function randomHex(bytes) {
  var b = new Uint8Array(bytes), s = '';
  native.randomFill(b);
  for (var i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return s;
}

/* FormData as a multipart/form-data body: { bytes, type }. */
function encodeFormData(fd) {
  var boundary = '----jsfpmFormBoundary' + randomHex(12), parts = [];
  fd._list.forEach(function (e) {
    var head = '--' + boundary + '\r\nContent-Disposition: form-data; name="' +
      escapeName(e[0].replace(/\r\n|\r|\n/g, '\r\n')) + '"';
    if (typeof e[1] === 'string') {
      parts.push(encoder.encode(head + '\r\n\r\n' + e[1].replace(/\r\n|\r|\n/g, '\r\n') + '\r\n'));
    } else {
      head += '; filename="' + escapeName(e[1].name) + '"\r\nContent-Type: ' +
        (e[1].type || 'application/octet-stream') + '\r\n\r\n';
      parts.push(encoder.encode(head), e[1]._bytes, encoder.encode('\r\n'));
    }
  });
  parts.push(encoder.encode('--' + boundary + '--\r\n'));
  return { bytes: concatBytes(parts), type: 'multipart/form-data; boundary=' + boundary };
}

/* ---- structuredClone ------------------------------------------------------- */

function dataCloneError(what) {
  return new DOMException(what + ' could not be cloned.', 'DataCloneError');
}

function cloneValue(v, seen) {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) {
    if (typeof v === 'symbol') throw dataCloneError(String(v));
    return v;
  }
  if (typeof v === 'function') throw dataCloneError(String(v).split('{')[0].trim() || 'function');
  for (var i = 0; i < seen.length; i += 2) if (seen[i] === v) return seen[i + 1];
  var tag = Object.prototype.toString.call(v).slice(8, -1), out;
  var keep = function (o) { seen.push(v, o); return o; };
  if (v instanceof Boolean) return keep(new Boolean(v.valueOf()));
  if (v instanceof Number) return keep(new Number(v.valueOf()));
  if (v instanceof String) return keep(new String(v.valueOf()));
  if (v instanceof Date) return keep(new Date(v.getTime()));
  if (v instanceof RegExp) return keep(new RegExp(v.source, v.flags !== undefined ? v.flags : String(v).slice(String(v).lastIndexOf('/') + 1)));
  if (v instanceof ArrayBuffer) return keep(copyBytes(v).buffer);
  if (ArrayBuffer.isView(v)) {
    var buf = cloneValue(v.buffer, seen);
    return keep(v instanceof DataView ? new DataView(buf, v.byteOffset, v.byteLength)
      : new v.constructor(buf, v.byteOffset, v.length));
  }
  if (v instanceof Blob) {
    out = v instanceof File ? makeFile(v._bytes, v.name, v.type) : Object.create(Blob.prototype);
    out._bytes = v._bytes;
    out._type = v._type;
    if (v instanceof File) out._lastModified = v.lastModified;
    return keep(out);
  }
  if (v instanceof Error || v instanceof DOMException) {
    var Ctor = { EvalError: EvalError, RangeError: RangeError, ReferenceError: ReferenceError, SyntaxError: SyntaxError,
      TypeError: TypeError, URIError: URIError }[v.name] || Error;
    out = keep(new Ctor(v.message));
    if (v instanceof DOMException) out = seen[seen.length - 1] = new DOMException(v.message, v.name);
    if (typeof v.stack === 'string') out.stack = v.stack;
    if ('cause' in v) out.cause = cloneValue(v.cause, seen);
    return out;
  }
  if (typeof Map === 'function' && v instanceof Map) {
    out = keep(new Map());
    v.forEach(function (val, key) { out.set(cloneValue(key, seen), cloneValue(val, seen)); });
    return out;
  }
  if (typeof Set === 'function' && v instanceof Set) {
    out = keep(new Set());
    v.forEach(function (val) { out.add(cloneValue(val, seen)); });
    return out;
  }
  if (Array.isArray(v)) {
    out = keep(new Array(v.length));
  } else if (tag === 'Object' || tag === 'Arguments' || Object.getPrototypeOf(v) === null ||
             typeof v.constructor === 'function') {
    if (v instanceof Promise || tag === 'WeakMap' || tag === 'WeakSet' || tag === 'Promise' ||
        v instanceof EventTarget || v instanceof FormData) {
      throw dataCloneError(tag === 'Object' ? 'the object' : '#<' + tag + '>');
    }
    out = keep({});
  } else {
    throw dataCloneError('#<' + tag + '>');
  }
  Object.keys(v).forEach(function (k) { out[k] = cloneValue(v[k], seen); });
  return out;
}

var Promise = async.Promise;

function structuredClone(value, options) {
  if (arguments.length === 0) throw new TypeError("Failed to execute 'structuredClone': 1 argument required, but only 0 present.");
  if (options && options.transfer && options.transfer.length) {
    throw new DOMException('structuredClone: transfer is not supported', 'DataCloneError');
  }
  return cloneValue(value, []);
}

/* ---- ReadableStream -------------------------------------------------------
 *
 * The Fetch standard's body stream, as far as reading a body needs it: a
 * stream from an underlying source ({ start, pull, cancel }, given a
 * controller with enqueue, close, error and desiredSize), read through
 * getReader() (read, releaseLock, cancel) or `for await (const chunk of
 * stream)` (values(), Symbol.asyncIterator).  The source is pulled when a
 * read finds the queue empty (a high-water mark of one chunk), so a body
 * is read one piece at a time.  No tee, pipeTo, BYOB readers or queuing
 * strategies.
 */
function ReadableStream(source) {
  if (!(this instanceof ReadableStream)) throw new TypeError("Class constructor ReadableStream cannot be invoked without 'new'");
  if (source !== undefined && (source === null || typeof source !== 'object')) {
    throw new TypeError("Failed to construct 'ReadableStream': the underlying source must be an object");
  }
  this._source = source || {};
  this._queue = [];
  this._reads = [];        /* pending read requests: { resolve, reject } */
  this._state = 'readable'; /* 'readable', 'closed' or 'errored' */
  this._closeRequested = false;
  this._storedError = undefined;
  this._reader = null;
  this._disturbed = false;
  this._started = false;
  this._pulling = false;
  this._pullAgain = false;
  var controller = new ReadableStreamDefaultController(SECRET, this);
  this._controller = controller;
  /* The well-known symbol comes with the library lowered code loads (per
   * global environment), so it is looked up now rather than at load. */
  if (typeof Symbol === 'function' && typeof Symbol.asyncIterator === 'symbol') {
    Object.defineProperty(this, Symbol.asyncIterator, { value: streamValues, configurable: true, writable: true });
  }
  var stream = this;
  var started = typeof this._source.start === 'function' ? this._source.start(controller) : undefined;
  if (!isThenable(started)) {
    this._started = true;
    return;
  }
  async.Promise.resolve(started).then(function () {
    stream._started = true;
    streamPullIfNeeded(stream);
  }, function (e) { streamError(stream, e); });
}

function isThenable(x) {
  return x !== null && (typeof x === 'object' || typeof x === 'function') && typeof x.then === 'function';
}

var SECRET = {};

function ReadableStreamDefaultController(token, stream) {
  if (token !== SECRET) throw new TypeError('Illegal constructor');
  this._stream = stream;
}
defineMethods(ReadableStreamDefaultController.prototype, {
  enqueue: function (chunk) {
    var s = this._stream;
    if (s._closeRequested || s._state !== 'readable') throw new TypeError('Cannot enqueue a chunk into a closed ReadableStream');
    if (s._reads.length > 0) s._reads.shift().resolve({ value: chunk, done: false });
    else s._queue.push(chunk);
  },
  close: function () {
    var s = this._stream;
    if (s._closeRequested || s._state !== 'readable') throw new TypeError('Cannot close a closed ReadableStream');
    s._closeRequested = true;
    if (s._queue.length === 0) streamClose(s);
  },
  error: function (e) {
    if (this._stream._state === 'readable') streamError(this._stream, e);
  }
});
getter(ReadableStreamDefaultController.prototype, 'desiredSize', function () {
  var s = this._stream;
  return s._state === 'errored' ? null : s._state === 'closed' ? 0 : 1 - s._queue.length;
});

function streamClose(s) {
  s._state = 'closed';
  var reads = s._reads;
  s._reads = [];
  for (var i = 0; i < reads.length; i++) reads[i].resolve({ value: undefined, done: true });
}

function streamError(s, e) {
  if (s._state !== 'readable') return;
  s._state = 'errored';
  s._storedError = e;
  s._queue = [];
  var reads = s._reads;
  s._reads = [];
  for (var i = 0; i < reads.length; i++) reads[i].reject(e);
}

/* Pulls from the source while a read waits and the queue is empty; one
 * pull at a time (the standard's ReadableStreamDefaultControllerCallPullIfNeeded).
 * A pull that returns no promise (a request body's) is done at once: no
 * promise reactions or closures per piece, whose reference cycles would
 * keep each piece in the heap until Duktape's next mark-and-sweep. */
function streamPullIfNeeded(s) {
  if (!s._started || s._state !== 'readable' || s._closeRequested) return;
  if (s._reads.length === 0 && s._queue.length > 0) return;
  if (typeof s._source.pull !== 'function') return;
  if (s._pulling) {
    s._pullAgain = true;
    return;
  }
  s._pulling = true;
  var pulled;
  try {
    pulled = s._source.pull(s._controller);
  } catch (e) {
    s._pulling = false;
    streamError(s, e);
    return;
  }
  if (!isThenable(pulled)) {
    s._pulling = false;
    if (s._pullAgain) {
      s._pullAgain = false;
      streamPullIfNeeded(s);
    }
    return;
  }
  async.Promise.resolve(pulled).then(function () {
    s._pulling = false;
    if (s._pullAgain || s._reads.length > 0) {
      s._pullAgain = false;
      streamPullIfNeeded(s);
    }
  }, function (e) {
    s._pulling = false;
    streamError(s, e);
  });
}

function streamRead(s) {
  s._disturbed = true;
  /* A source that enqueues at once fills the queue here, and the read is
   * answered with no pending promise. */
  if (s._queue.length === 0) streamPullIfNeeded(s);
  if (s._queue.length > 0) {
    var chunk = s._queue.shift();
    if (s._closeRequested && s._queue.length === 0) streamClose(s);
    else streamPullIfNeeded(s);
    return async.Promise.resolve({ value: chunk, done: false });
  }
  if (s._state === 'closed') return async.Promise.resolve({ value: undefined, done: true });
  if (s._state === 'errored') return async.Promise.reject(s._storedError);
  return new async.Promise(function (resolve, reject) {
    s._reads.push({ resolve: resolve, reject: reject });
    streamPullIfNeeded(s);
  });
}

function streamCancel(s, reason) {
  s._disturbed = true;
  if (s._state === 'closed') return async.Promise.resolve(undefined);
  if (s._state === 'errored') return async.Promise.reject(s._storedError);
  s._queue = [];
  streamClose(s);
  var cancel = s._source.cancel;
  try {
    return async.Promise.resolve(typeof cancel === 'function' ? cancel.call(s._source, reason) : undefined).then(function () {});
  } catch (e) {
    return async.Promise.reject(e);
  }
}

defineMethods(ReadableStream.prototype, {
  getReader: function (options) {
    if (options && options.mode !== undefined) throw new TypeError("getReader: only the default reader is supported (mode 'byob' is not)");
    return new ReadableStreamDefaultReader(this);
  },
  cancel: function (reason) {
    if (this._reader !== null) return async.Promise.reject(new TypeError('Cannot cancel a locked ReadableStream'));
    return streamCancel(this, reason);
  },
  values: function (options) {
    var reader = this.getReader(), preventCancel = !!(options && options.preventCancel);
    return {
      next: function () {
        return reader._stream === null ? async.Promise.resolve({ value: undefined, done: true }) : reader.read().then(function (r) {
          if (r.done) reader.releaseLock();
          return r;
        });
      },
      'return': function (value) {
        if (reader._stream === null) return async.Promise.resolve({ value: value, done: true });
        var s = reader._stream;
        reader.releaseLock();
        var done = preventCancel ? async.Promise.resolve() : streamCancel(s, value);
        return done.then(function () { return { value: value, done: true }; });
      }
    };
  }
});
getter(ReadableStream.prototype, 'locked', function () { return this._reader !== null; });
function streamValues() { return this.values(); }
toStringTag(ReadableStream, 'ReadableStream');

/* ReadableStream.from(iterable): a stream of the values of an iterable or
 * an async iterable (a generator's, say); cancelling it returns the
 * iterator. */
ReadableStream.from = function (iterable) {
  var it = null;
  if (iterable !== null && iterable !== undefined && typeof Symbol === 'function') {
    if (Symbol.asyncIterator && typeof iterable[Symbol.asyncIterator] === 'function') it = iterable[Symbol.asyncIterator]();
    else if (Symbol.iterator && typeof iterable[Symbol.iterator] === 'function') it = iterable[Symbol.iterator]();
  }
  if (it === null) throw new TypeError('ReadableStream.from: the argument is not iterable');
  return new ReadableStream({
    pull: function (controller) {
      return async.Promise.resolve(it.next()).then(function (r) {
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      });
    },
    cancel: function (reason) {
      if (typeof it['return'] === 'function') return it['return'](reason);
    }
  });
};

function ReadableStreamDefaultReader(stream) {
  if (!(stream instanceof ReadableStream)) throw new TypeError('ReadableStreamDefaultReader needs a ReadableStream');
  if (stream._reader !== null) throw new TypeError('ReadableStream is locked to a reader already');
  stream._reader = this;
  this._stream = stream;
}
defineMethods(ReadableStreamDefaultReader.prototype, {
  read: function () {
    if (this._stream === null) return async.Promise.reject(new TypeError('This reader has been released'));
    return streamRead(this._stream);
  },
  releaseLock: function () {
    if (this._stream === null) return;
    var s = this._stream, reads = s._reads;
    s._reads = [];
    for (var i = 0; i < reads.length; i++) reads[i].reject(new TypeError('The reader was released'));
    s._reader = null;
    this._stream = null;
  },
  cancel: function (reason) {
    if (this._stream === null) return async.Promise.reject(new TypeError('This reader has been released'));
    return streamCancel(this._stream, reason);
  }
});
toStringTag(ReadableStreamDefaultReader, 'ReadableStreamDefaultReader');

/* Bytes read in pieces of BODY_CHUNK_BYTES: READ(offset, length) returns a
 * Uint8Array of LENGTH bytes from OFFSET of a body of LENGTH bytes in all. */
var BODY_CHUNK_BYTES = 65536;
function bodyStream(read, length) {
  var offset = 0;
  return new ReadableStream({
    pull: function (controller) {
      if (offset >= length) {
        controller.close();
        return;
      }
      var n = Math.min(BODY_CHUNK_BYTES, length - offset);
      controller.enqueue(read(offset, n));
      offset += n;
      if (offset >= length) controller.close();
    }
  });
}

exports.DOMException = DOMException;
exports.Event = Event;
exports.EventTarget = EventTarget;
exports.AbortController = AbortController;
exports.AbortSignal = AbortSignal;
exports.atob = atob;
exports.btoa = btoa;
exports.structuredClone = structuredClone;
exports.Blob = Blob;
exports.File = File;
exports.FormData = FormData;
exports.ReadableStream = ReadableStream;
exports.ReadableStreamDefaultReader = ReadableStreamDefaultReader;
exports.ReadableStreamDefaultController = ReadableStreamDefaultController;
exports.bodyStream = bodyStream;
/* For the rest of the standard library: */
exports.makeFile = makeFile;
exports.encodeFormData = encodeFormData;
exports.copyBytes = copyBytes;
exports.isBufferSource = isBufferSource;
exports.concatBytes = concatBytes;
exports.toArrayBuffer = toArrayBuffer;
exports.listIterator = listIterator;
exports.iterateAll = iterateAll;
exports.base64Encode = base64Encode;
exports.base64Decode = base64Decode;
exports.randomHex = randomHex;
exports.signalAbort = signalAbort;
