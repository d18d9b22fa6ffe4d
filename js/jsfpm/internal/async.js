/*
 * jsfpm/internal/async: Promise, the job queue that runs its reactions,
 * queueMicrotask, setTimeout and clearTimeout.  One queue per global
 * environment; nothing in it runs between requests.
 *
 * The worker drains the queue while a request runs (runtime.js dispatch ->
 * settle): an `async fetch` is awaited, microtasks run as in any engine,
 * and when only timers are left the worker sleeps until the next one is
 * due, as long as that is before the request's deadline (else the request
 * ends with 504 at once).  A rejection nobody handled by the time the queue
 * is empty fails the request (500, its stack logged), as an uncaught
 * exception does.  Once the response is settled, what is still queued or
 * pending is dropped: nothing runs after the response is sent.
 *
 * For code that completes work outside JavaScript (a native fetch,
 * crypto.subtle), from a standard-library module:
 *
 *   var async = require('jsfpm/internal/async');
 *   var d = async.defer();           // { promise, resolve, reject }
 *   async.addSource(poll);           // poll(maxWaitMs) -> true while busy
 *
 * When the queue is empty and the response is still pending, settle calls
 * each source's poll with how long it may block (up to the next timer or
 * the deadline); poll waits for completions (in a native), resolves their
 * deferreds (queueing their reactions) and returns whether it still has
 * work in flight.  Sources are dropped with the rest after each request.
 *
 * `native` (standard-library modules only): native.now() monotonic ms,
 * native.sleep(ms), native.deadline() the current deadline (ms, 0 = none),
 * native.timedOut(message) ends the request with 504 and MESSAGE logged.
 */
'use strict';

var PENDING = 0, FULFILLED = 1, REJECTED = 2;
/* Symbol keys: JSON.stringify and Object.keys skip them, as they skip a
 * native promise's internal slots. */
var STATE = Symbol('state'), VALUE = Symbol('value'), REACTIONS = Symbol('reactions'),
    HANDLED = Symbol('handled');

/* ---- the job queue ------------------------------------------------------ */

/* Jobs are flat (fn, a, b) triples: no closure per job. */
var jobs = [], jobHead = 0;
/* Rejected promises without a handler yet, checked when the queue runs dry. */
var unhandled = [];
/* Timers: [due, seq, fn, args], kept sorted by due time then sequence. */
var timers = [], timerSeq = 0, timerIds = Object.create(null);
var sources = [];

function enqueue(fn, a, b) {
  jobs.push(fn, a, b);
}

function isObject(x) {
  return x !== null && (typeof x === 'object' || typeof x === 'function');
}

/* ---- Promise ------------------------------------------------------------ */

/* REACTIONS and HANDLED are added when needed: each property a fresh
 * object gets costs Duktape about 2,000 instructions, and most promises of
 * a request are settled before anything reacts to them. */
function initPromise(p) {
  p[STATE] = PENDING;
  p[VALUE] = undefined;
  return p;
}

/* A promise made internally (then, defer): no executor, no closures. */
function newPromise() {
  return initPromise(Object.create(Promise.prototype));
}

function settle(p, state, value) {
  if (p[STATE] !== PENDING) return;
  var reactions = p[REACTIONS];
  p[STATE] = state;
  p[VALUE] = value;
  if (reactions !== undefined) {
    p[REACTIONS] = undefined;
    for (var i = 0; i < reactions.length; i++) enqueue(runReaction, reactions[i], p);
  } else if (state === REJECTED && !p[HANDLED]) {
    unhandled.push(p);
  }
}

function rejectPromise(p, reason) {
  settle(p, REJECTED, reason);
}

/* The Promise Resolve Functions' steps: a thenable is followed in a job. */
function resolvePromise(p, x) {
  if (p[STATE] !== PENDING) return;
  if (x === p) {
    rejectPromise(p, new TypeError('Chaining cycle detected for promise #<Promise>'));
    return;
  }
  if (!isObject(x)) {
    settle(p, FULFILLED, x);
    return;
  }
  var then;
  try {
    then = x.then;
  } catch (e) {
    rejectPromise(p, e);
    return;
  }
  if (typeof then !== 'function') settle(p, FULFILLED, x);
  else enqueue(followThenable, p, [x, then]);
}

/* Resolving functions for one promise: the first call wins. */
function resolvingFunctions(p) {
  var done = false;
  return {
    resolve: function (x) { if (!done) { done = true; resolvePromise(p, x); } },
    reject: function (r) { if (!done) { done = true; rejectPromise(p, r); } }
  };
}

function followThenable(p, pair) {
  var f = resolvingFunctions(p);
  try {
    pair[1].call(pair[0], f.resolve, f.reject);
  } catch (e) {
    f.reject(e);
  }
}

/* A reaction: [derived promise, onFulfilled, onRejected], or [AWAIT, run]
 * for an async function waiting on the promise (awaiter below). */
var AWAIT = {};

function runReaction(reaction, source) {
  var rejected = source[STATE] === REJECTED, value = source[VALUE];
  if (reaction[0] === AWAIT) {
    reaction[1].step(rejected ? 'throw' : 'next', value);
    return;
  }
  var handler = rejected ? reaction[2] : reaction[1], derived = reaction[0];
  if (typeof handler !== 'function') {
    if (rejected) rejectPromise(derived, value);
    else resolvePromise(derived, value);
    return;
  }
  var result;
  try {
    result = handler(value);
  } catch (e) {
    rejectPromise(derived, e);
    return;
  }
  resolvePromise(derived, result);
}

function Promise(executor) {
  if (!(this instanceof Promise) || this[STATE] !== undefined) {
    throw new TypeError("Promise constructor cannot be invoked without 'new'");
  }
  if (typeof executor !== 'function') {
    throw new TypeError('Promise resolver ' + String(executor) + ' is not a function');
  }
  initPromise(this);
  var f = resolvingFunctions(this);
  try {
    executor(f.resolve, f.reject);
  } catch (e) {
    f.reject(e);
  }
}

function markHandled(p) {
  if (p[HANDLED]) return;
  p[HANDLED] = true;
  if (p[STATE] === REJECTED) {
    var i = unhandled.indexOf(p);
    if (i >= 0) unhandled.splice(i, 1);
  }
}

function addReaction(p, reaction) {
  markHandled(p);
  if (p[STATE] === PENDING) {
    if (p[REACTIONS] === undefined) p[REACTIONS] = [reaction];
    else p[REACTIONS].push(reaction);
  } else {
    enqueue(runReaction, reaction, p);
  }
}

function thenInternal(p, onFulfilled, onRejected) {
  var derived = newPromise();
  addReaction(p, [derived, onFulfilled, onRejected]);
  return derived;
}

function isPromise(x) {
  return isObject(x) && x[STATE] !== undefined;
}

function requirePromise(p, method) {
  if (!isPromise(p)) throw new TypeError('Method Promise.prototype.' + method + ' called on incompatible receiver ' + String(p));
}

function defineMethods(target, methods) {
  for (var name in methods) {
    Object.defineProperty(target, name, { value: methods[name], writable: true, configurable: true, enumerable: false });
  }
}

defineMethods(Promise.prototype, {
  then: function then(onFulfilled, onRejected) {
    requirePromise(this, 'then');
    return thenInternal(this, onFulfilled, onRejected);
  },
  'catch': function (onRejected) {
    return this.then(undefined, onRejected);
  },
  'finally': function (onFinally) {
    if (typeof onFinally !== 'function') return this.then(onFinally, onFinally);
    return this.then(function (value) {
      return promiseResolve(onFinally()).then(function () { return value; });
    }, function (reason) {
      return promiseResolve(onFinally()).then(function () { throw reason; });
    });
  }
});
Object.defineProperty(Promise.prototype, Symbol.toStringTag, { value: 'Promise', configurable: true });

function promiseResolve(x) {
  if (isPromise(x) && x.constructor === Promise) return x;
  var p = newPromise();
  resolvePromise(p, x);
  return p;
}

function promiseReject(r) {
  var p = newPromise();
  rejectPromise(p, r);
  return p;
}

function iterate(iterable, fn) {
  if (Array.isArray(iterable)) {
    for (var i = 0; i < iterable.length; i++) fn(iterable[i], i);
    return;
  }
  var it = iterable[Symbol.iterator](), n = 0, step;
  while (!(step = it.next()).done) fn(step.value, n++);
}

/* The combinators: ON(value, index, derived, state) reacts to each input,
 * FINISH(state) when none is left pending (or there were none). */
function combine(iterable, onFulfilled, onRejected, finish) {
  var derived = newPromise();
  try {
    var state = { remaining: 1, values: [] };
    iterate(iterable, function (item, index) {
      state.remaining++;
      state.values.push(undefined);
      promiseResolve(item).then(function (v) {
        onFulfilled(v, index, derived, state);
        if (--state.remaining === 0) finish(derived, state);
      }, function (r) {
        onRejected(r, index, derived, state);
        if (--state.remaining === 0) finish(derived, state);
      });
    });
    if (--state.remaining === 0) finish(derived, state);
  } catch (e) {
    rejectPromise(derived, e);
  }
  return derived;
}

defineMethods(Promise, {
  resolve: function resolve(x) { return promiseResolve(x); },
  reject: function reject(r) { return promiseReject(r); },
  all: function all(iterable) {
    return combine(iterable, function (v, i, d, s) { s.values[i] = v; },
                   function (r, i, d) { rejectPromise(d, r); },
                   function (d, s) { resolvePromise(d, s.values); });
  },
  allSettled: function allSettled(iterable) {
    return combine(iterable, function (v, i, d, s) { s.values[i] = { status: 'fulfilled', value: v }; },
                   function (r, i, d, s) { s.values[i] = { status: 'rejected', reason: r }; },
                   function (d, s) { resolvePromise(d, s.values); });
  },
  any: function any(iterable) {
    return combine(iterable, function (v, i, d) { resolvePromise(d, v); },
                   function (r, i, d, s) { s.values[i] = r; },
                   function (d, s) { rejectPromise(d, new AggregateError(s.values, 'All promises were rejected')); });
  },
  race: function race(iterable) {
    var derived = newPromise();
    try {
      iterate(iterable, function (item) {
        promiseResolve(item).then(function (v) { resolvePromise(derived, v); },
                                  function (r) { rejectPromise(derived, r); });
      });
    } catch (e) {
      rejectPromise(derived, e);
    }
    return derived;
  },
  withResolvers: function withResolvers() {
    return defer();
  }
});

function defer() {
  var p = newPromise();
  return {
    promise: p,
    resolve: function (x) { resolvePromise(p, x); },
    reject: function (r) { rejectPromise(p, r); }
  };
}

/* ---- async functions --------------------------------------------------- */

/*
 * __awaiter, the helper an async function lowered by TypeScript calls: it
 * runs GENERATOR (the function's body as a generator, see __generator in
 * lowering.js) and resumes it when each awaited value settles.  tslib's
 * version makes a promise and four closures per call and a derived
 * promise per await; the closures reference each other, a cycle that only
 * Duktape's mark-and-sweep frees, so a request with one async function
 * cost a full collection every few requests.  This one reacts to the
 * awaited promise directly: one promise and one object per call.
 */
function AsyncRun(promise) {
  this.promise = promise;
  this.gen = null;
}

AsyncRun.prototype.step = function (method, arg) {
  var result;
  try {
    result = this.gen[method](arg);
  } catch (e) {
    rejectPromise(this.promise, e);
    return;
  }
  if (result.done) resolvePromise(this.promise, result.value);
  else awaitValue(result.value, this);
};

function resumeWith(run, value) {
  run.step('next', value);
}

/* `await VALUE` (ES2019's one tick for a promise, a job for anything else;
 * a foreign thenable is followed as Promise.resolve would). */
function awaitValue(value, run) {
  if (!isPromise(value)) {
    var then;
    try {
      then = isObject(value) ? value.then : undefined;
    } catch (e) {
      enqueue(function (r, err) { r.step('throw', err); }, run, e);
      return;
    }
    if (typeof then !== 'function') {
      enqueue(resumeWith, run, value);
      return;
    }
    var wrapped = newPromise();
    resolvePromise(wrapped, value);
    value = wrapped;
  }
  addReaction(value, [AWAIT, run]);
}

/* An async function that never awaits, lowered without a state machine
 * (js/compiler/driver.js): what it returns or throws settles a new promise. */
function asyncReturn(value) {
  var p = Object.create(Promise.prototype);
  if (!isObject(value) || typeof value.then !== 'function') {
    p[STATE] = FULFILLED; /* the common case, inlined: no job, nothing to react */
    p[VALUE] = value;
    return p;
  }
  initPromise(p);
  resolvePromise(p, value);
  return p;
}

function asyncThrow(reason) {
  var p = newPromise();
  rejectPromise(p, reason);
  return p;
}

function awaiter(thisArg, args, P, generator) {
  /* An ES5 function's prototype points back at it: a cycle only Duktape's
   * mark-and-sweep frees.  This closure, made per call, is never
   * constructed: dropping its prototype lets reference counting free it. */
  generator.prototype = undefined;
  var run = new AsyncRun(newPromise());
  try {
    run.gen = generator.apply(thisArg, args || []);
  } catch (e) {
    rejectPromise(run.promise, e);
    return run.promise;
  }
  run.step('next', undefined);
  return run.promise;
}

/* ---- queueMicrotask, timers --------------------------------------------- */

function callMicrotask(fn) {
  fn();
}

function queueMicrotask(callback) {
  if (typeof callback !== 'function') {
    throw new TypeError('The "callback" argument must be of type function. Received ' + String(callback));
  }
  enqueue(callMicrotask, callback, undefined);
}

function setTimeout(callback, delay) {
  if (typeof callback !== 'function') {
    throw new TypeError('The "callback" argument must be of type function. Received ' + String(callback));
  }
  delay = Number(delay);
  if (!(delay >= 1 && delay <= 2147483647)) delay = 1; /* Node's rule */
  var args = Array.prototype.slice.call(arguments, 2);
  var id = ++timerSeq, timer = [native.now() + delay, id, callback, args];
  var i = timers.length;
  while (i > 0 && timers[i - 1][0] > timer[0]) i--;
  timers.splice(i, 0, timer);
  timerIds[id] = timer;
  return id;
}

function clearTimeout(id) {
  var timer = timerIds[id];
  if (timer === undefined) return;
  delete timerIds[id];
  timers.splice(timers.indexOf(timer), 1);
}

/* ---- running the queue -------------------------------------------------- */

/* Runs queued jobs until none is left (jobs may queue more), then fails on
 * a rejection that is still unhandled. */
function drain() {
  while (jobHead < jobs.length) {
    var fn = jobs[jobHead], a = jobs[jobHead + 1], b = jobs[jobHead + 2];
    jobs[jobHead] = jobs[jobHead + 1] = jobs[jobHead + 2] = undefined;
    jobHead += 3;
    fn(a, b);
  }
  jobs.length = 0;
  jobHead = 0;
  if (unhandled.length > 0) {
    var reason = unhandled[0][VALUE];
    unhandled.length = 0;
    throw reason;
  }
}

function runNextTimer(deadline) {
  var timer = timers[0];
  var wait = timer[0] - native.now();
  if (deadline > 0 && timer[0] > deadline) {
    native.timedOut('a timer (setTimeout) was due ' + Math.ceil(wait) +
                    ' ms from now, after the request\'s time limit');
  }
  if (wait > 0) native.sleep(wait);
  timers.shift();
  delete timerIds[timer[1]];
  timer[2].apply(undefined, timer[3]);
}

/* Gives each source a chance to complete work, blocking at most MAX_MS
 * (Infinity: until it has news).  Returns whether any is still busy. */
function pollSources(maxMs) {
  var busy = [];
  for (var i = 0; i < sources.length; i++) if (sources[i](maxMs)) busy.push(sources[i]);
  sources = busy;
  return busy.length > 0;
}

/*
 * Runs the queue, timers and sources until PROMISE (if any) is settled or
 * nothing is left to run; returns PROMISE's value, throws its reason.
 * Whatever is left afterwards is dropped.
 */
function settleRequest(promise) {
  /* The common case, an async fetch that awaited nothing still pending:
   * nothing to run, nothing to reset. */
  if (promise !== undefined && promise[STATE] !== PENDING && jobHead === jobs.length && timers.length === 0 &&
      sources.length === 0 && unhandled.length === 0) {
    promise[HANDLED] = true;
    if (promise[STATE] === REJECTED) throw promise[VALUE];
    return promise[VALUE];
  }
  try {
    var deadline = native.deadline();
    if (promise !== undefined) markHandled(promise);
    for (;;) {
      drain();
      if (promise === undefined || promise[STATE] !== PENDING) break;
      if (sources.length > 0) {
        var limit = timers.length > 0 ? timers[0][0] : deadline;
        var busy = pollSources(limit > 0 ? Math.max(0, limit - native.now()) : Infinity);
        if (jobHead < jobs.length) continue; /* completions queued reactions */
        if (busy && !(timers.length > 0 && timers[0][0] <= native.now())) {
          if (deadline > 0 && native.now() >= deadline) {
            native.timedOut('an operation (fetch) was still pending at the request\'s time limit');
          }
          continue;
        }
      }
      if (timers.length === 0) break;
      runNextTimer(deadline);
    }
    if (promise === undefined) return undefined;
    if (promise[STATE] === REJECTED) throw promise[VALUE];
    if (promise[STATE] === PENDING) {
      throw new Error('the promise returned by fetch() never settled: nothing was left to run ' +
                      '(no job, timer or pending operation)');
    }
    return promise[VALUE];
  } finally {
    reset();
  }
}

/* Drops everything queued: between requests nothing may run. */
function reset() {
  jobs.length = 0;
  jobHead = 0;
  unhandled.length = 0;
  if (timers.length > 0) {
    timers.length = 0;
    timerIds = Object.create(null);
  }
  if (sources.length > 0) sources = [];
}

/* Registers POLL (once: a second call with the same function does nothing). */
function addSource(poll) {
  if (sources.indexOf(poll) < 0) sources.push(poll);
}

function hasSource(poll) {
  return sources.indexOf(poll) >= 0;
}

exports.Promise = Promise;
exports.awaiter = awaiter;
exports.asyncReturn = asyncReturn;
exports.asyncThrow = asyncThrow;
exports.queueMicrotask = queueMicrotask;
exports.setTimeout = setTimeout;
exports.clearTimeout = clearTimeout;
exports.isPromise = isPromise;
exports.settle = settleRequest;
exports.hasWork = function () { return jobs.length > jobHead || timers.length > 0 || sources.length > 0; };
exports.defer = defer;
exports.addSource = addSource;
exports.hasSource = hasSource;
exports.reset = reset;
