/*
 * jsfpm/internal/library: the runtime library for modern code
 * (docs/javascript.md): core-js's polyfills of what Duktape lacks, Promise
 * and its job queue, timers, and the helpers code lowered to ES5 calls, as
 * globals.  Loaded once per heap in isolation = worker (then frozen with
 * the other built-ins); in isolation = request, into every request's fresh
 * globals, and only for apps that have lowered modules (it costs
 * milliseconds per request there).
 */
'use strict';

require('jsfpm/internal/core-js');
/* core-js keeps its private store on the global object: take it off, so no
 * request can reach it, and so freezing the globals does not freeze it
 * (core-js still fills it lazily). */
delete globalThis['__core-js_shared__'];
var async = require('jsfpm/internal/async');
var lowering = require('jsfpm/internal/lowering');

/* Non-enumerable, like the built-ins. */
function defineGlobal(name, value) {
  Object.defineProperty(globalThis, name, { value: value, writable: true, configurable: true, enumerable: false });
}
['Promise', 'queueMicrotask', 'setTimeout', 'clearTimeout'].forEach(function (name) {
  defineGlobal(name, async[name]);
});
Object.keys(lowering).forEach(function (name) { defineGlobal(name, lowering[name]); });
