/*
 * jsfpm/internal/lowering: what code lowered to ES5 by js/compiler/driver.js
 * calls, made globals by runtime.js: TypeScript's helpers (__awaiter,
 * __generator, __extends, __spreadArray, ...: third_party/tslib) and
 * jsfpm's own.
 */
'use strict';

var tslib = require('jsfpm/internal/tslib');

Object.keys(tslib).forEach(function (name) { exports[name] = tslib[name]; });

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
  Object.setPrototypeOf(made, Object.getPrototypeOf(self));
  return made;
};
