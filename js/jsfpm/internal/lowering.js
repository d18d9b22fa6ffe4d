/*
 * jsfpm/internal/lowering: what code lowered to ES5 by js/compiler/driver.js
 * calls, made globals by runtime.js: TypeScript's helpers (__awaiter,
 * __generator, __extends, __spreadArray, ...: third_party/tslib) and
 * jsfpm's own.
 */
'use strict';

var tslib = require('jsfpm/internal/tslib');
var async = require('jsfpm/internal/async');

Object.keys(tslib).forEach(function (name) { exports[name] = tslib[name]; });

/* tslib's __awaiter and __generator, ported to objects with prototype
 * methods: tslib's closures reference each other, one cycle per call that
 * only Duktape's mark-and-sweep frees (a full collection every few requests
 * of an app with async handlers).  Same protocol, same behaviour. */
exports.__awaiter = async.awaiter;
exports.__jsfpmAsyncReturn = async.asyncReturn;
exports.__jsfpmAsyncThrow = async.asyncThrow;

/* The state object the lowered body receives (tslib's `_`). */
function GeneratorState() {
  this.label = 0;
  this.trys = [];
  this.ops = [];
  this.t = undefined; /* the operation being resumed, for sent() */
}
GeneratorState.prototype.sent = function () {
  var t = this.t;
  if (t[0] & 1) throw t[1];
  return t[1];
};

function LoweredGenerator(thisArg, body) {
  this.thisArg = thisArg;
  this.body = body;
  this.state = new GeneratorState(); /* null once the generator is closed */
  this.fresh = true;                 /* not started */
  this.running = false;
  this.delegate = undefined;         /* the iterator of a yield* in progress */
}

/* tslib's step(), line for line: OP is [kind, value] with kind 0 next,
 * 1 throw, 2 return, 3 break, 4 yield, 5 yield*, 6 catch, 7 endfinally. */
LoweredGenerator.prototype.step = function (op) {
  if (this.running) throw new TypeError('Generator is already executing.');
  var state = this.state, y = this.delegate, t;
  for (;;) {
    if (this.fresh) {
      this.fresh = false;
      if (op[0]) state = this.state = null; /* thrown into or returned before it started */
    }
    if (!state) break;
    try {
      this.running = true;
      if (y && (t = op[0] & 2 ? y['return'] : op[0] ? y['throw'] || ((t = y['return']) && t.call(y), 0) : y.next) &&
          !(t = t.call(y, op[1])).done) return t;
      if (y = 0, t) op = [op[0] & 2, t.value];
      switch (op[0]) {
        case 0: case 1: t = op; break;
        case 4: state.label++; return { value: op[1], done: false };
        case 5: state.label++; y = op[1]; op = [0]; continue;
        case 7: op = state.ops.pop(); state.trys.pop(); continue;
        default:
          if (!(t = state.trys, t = t.length > 0 && t[t.length - 1]) && (op[0] === 6 || op[0] === 2)) {
            state = this.state = null;
            continue;
          }
          if (op[0] === 3 && (!t || (op[1] > t[0] && op[1] < t[3]))) { state.label = op[1]; break; }
          if (op[0] === 6 && state.label < t[1]) { state.label = t[1]; t = op; break; }
          if (t && state.label < t[2]) { state.label = t[2]; state.ops.push(op); break; }
          if (t[2]) state.ops.pop();
          state.trys.pop();
          continue;
      }
      state.t = t;
      op = this.body.call(this.thisArg, state);
    } catch (e) {
      op = [6, e];
      y = 0;
    } finally {
      this.running = false;
      this.delegate = y;
      t = 0;
    }
  }
  if (op[0] & 5) throw op[1];
  return { value: op[0] ? op[1] : void 0, done: true };
};
LoweredGenerator.prototype.next = function (v) { return this.step([0, v]); };
LoweredGenerator.prototype['throw'] = function (v) { return this.step([1, v]); };
LoweredGenerator.prototype['return'] = function (v) { return this.step([2, v]); };
LoweredGenerator.prototype[Symbol.iterator] = function () { return this; };
Object.defineProperty(LoweredGenerator.prototype, Symbol.toStringTag, { value: 'Generator', configurable: true });

exports.__generator = function (thisArg, body) {
  body.prototype = undefined; /* no cycle through it: see async.js awaiter */
  return new LoweredGenerator(thisArg, body);
};

/* A const the module reassigns (the lowering keeps the assignment and
 * calls this after evaluating the value, as ES2015's PutValue throws). */
exports.__jsfpmConstAssign = function (name) {
  throw new TypeError('Assignment to constant variable.');
};

/* The global constructors (Error, Map, Array, Promise, ...), collected on
 * first use, once the runtime library has defined them all. */
var builtins = null;

function isBuiltin(fn) {
  if (builtins === null) {
    builtins = Object.getOwnPropertyNames(globalThis).map(function (name) {
      return Object.getOwnPropertyDescriptor(globalThis, name).value;
    }).filter(function (v) { return typeof v === 'function' && v.prototype !== undefined; });
  }
  return builtins.indexOf(fn) >= 0;
}

/* A lowered class's super(...) call (js/compiler/driver.js): a built-in
 * base is constructed with `new` and the result takes the derived
 * prototype, so `new (class extends Error {})() instanceof` the class is
 * true, as in ES2015; a lowered base is called on `this` as before. */
exports.__jsfpmSuper = function (Super, self, args) {
  if (!isBuiltin(Super)) return Super.apply(self, args);
  var made = new (Function.prototype.bind.apply(Super, [null].concat(Array.prototype.slice.call(args))))();
  if (made instanceof Error) setCause(made, args[1]);
  Object.setPrototypeOf(made, Object.getPrototypeOf(self));
  return made;
};

/* ES2022's error cause: an own, non-enumerable `cause` when the options
 * have one. */
function setCause(error, options) {
  if (options !== null && typeof options === 'object' && 'cause' in options) {
    Object.defineProperty(error, 'cause', { value: options.cause, writable: true, configurable: true });
  }
}

/* `new Error(message, options)` in lowered code (js/compiler/driver.js). */
exports.__jsfpmNewError = function (Ctor, message, options) {
  var error = new Ctor(message);
  setCause(error, options);
  return error;
};

/*
 * Named capture groups.  The compiler numbers them (js/compiler/driver.js)
 * and wraps the literal: __jsfpmNamedGroups(/(\d+)-(\d+)/, {y: 1, m: 2}).
 * Such a regular expression gets an own exec giving results a `groups`
 * object, and String.prototype.match and replace learn the same for it
 * (`.groups`, "$<name>" in a replacement, `groups` as a replacer's last
 * argument); matchAll calls exec.  Every other regular expression and
 * string goes straight to Duktape's natives.
 */
var GROUPS = Symbol('groups');
var nativeExec = RegExp.prototype.exec, nativeMatch = String.prototype.match, nativeReplace = String.prototype.replace;

function addGroups(m, names) {
  if (m === null) return m;
  var groups = Object.create(null);
  for (var name in names) groups[name] = m[names[name]];
  m.groups = groups;
  return m;
}

function execWithGroups(s) {
  return addGroups(nativeExec.call(this, s), this[GROUPS]);
}

exports.__jsfpmNamedGroups = function (re, names) {
  Object.defineProperty(re, GROUPS, { value: names });
  Object.defineProperty(re, 'exec', { value: execWithGroups, writable: true, configurable: true });
  return re;
};

function defineMethod(proto, name, fn) {
  Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: false });
}

defineMethod(String.prototype, 'match', function match(re) {
  var m = nativeMatch.apply(this, arguments);
  return re !== null && typeof re === 'object' && re[GROUPS] && !re.global ? addGroups(m, re[GROUPS]) : m;
});

defineMethod(String.prototype, 'replace', function replace(re, replacement) {
  var names = re !== null && typeof re === 'object' ? re[GROUPS] : undefined;
  if (!names) return nativeReplace.apply(this, arguments);
  if (typeof replacement === 'function') {
    var fn = replacement;
    replacement = function () {
      var args = Array.prototype.slice.call(arguments), groups = Object.create(null);
      for (var name in names) groups[name] = args[names[name]];
      args.push(groups);
      return fn.apply(undefined, args);
    };
  } else {
    replacement = nativeReplace.call(String(replacement), /\$<([^>]*)>/g, function (all, name) {
      return name in names ? '$' + names[name] : '';
    });
  }
  return nativeReplace.call(this, re, replacement);
});

/* matchAll clones its regular expression (core-js's, as the spec says),
 * which loses the names: for named ones, iterate a clone that keeps them. */
var nativeMatchAll = String.prototype.matchAll;
defineMethod(String.prototype, 'matchAll', function matchAll(re) {
  var names = re !== null && typeof re === 'object' ? re[GROUPS] : undefined;
  if (!names) return nativeMatchAll.apply(this, arguments);
  if (!re.global) throw new TypeError('String.prototype.matchAll called with a non-global RegExp argument');
  var clone = exports.__jsfpmNamedGroups(new RegExp(re.source, re.flags), names), s = String(this);
  clone.lastIndex = re.lastIndex;
  var it = {
    next: function () {
      var m = clone.exec(s);
      if (m === null) return { value: undefined, done: true };
      if (m[0] === '') clone.lastIndex++;
      return { value: m, done: false };
    }
  };
  it[Symbol.iterator] = function () { return this; };
  return it;
});
