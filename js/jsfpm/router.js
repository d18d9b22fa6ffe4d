/*
 * jsfpm/router: routes by method and path.
 *
 *   var app = new Router();
 *   app.use(function (req, ctx, next) { ...; return next(); });   // middleware
 *   app.use('/admin', requireLogin);  // middleware for /admin and below
 *   app.get('/notes/:id', function (req, ctx) { req.params.id ... });
 *   app.post('/notes', parseForm, function (req, ctx) { ... });   // route middleware, then the handler
 *   app.get('/files/*', ...)          // req.params['*'] holds the tail
 *   app.onError(function (err, req, ctx) { return Response.json(...); });
 *   app.notFound(function (req, ctx) { ... });
 *   module.exports = app;             // a Router has fetch(request, ctx)
 *
 * Unknown path: 404.  Known path, other method: 405 with an Allow header;
 * both in JSON when the request's Accept prefers it.  HEAD falls back to
 * the GET route.  Routes match in the order added.  An argument of a shape
 * the router does not take is a TypeError when it is registered, never a
 * handler silently dropped.
 */
'use strict';

var METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\\/]/g, '\\$&');
}

function describe(v) {
  if (v === null) return 'null';
  if (typeof v === 'string') return 'the string ' + JSON.stringify(v);
  if (Array.isArray(v)) return 'an array';
  return /^[aeiou]/.test(typeof v) ? 'an ' + typeof v : 'a ' + typeof v;
}

/* Compiles '/a/:id/*' into a RegExp and the list of parameter names. */
function compile(pattern, call) {
  if (typeof pattern !== 'string' || pattern.charAt(0) !== '/') {
    throw new TypeError(call + ': the path must be a string starting with "/", not ' + describe(pattern));
  }
  var names = [];
  var re = '';
  var parts = pattern.split('/');
  for (var i = 1; i < parts.length; i++) {
    var part = parts[i];
    if (part === '*' && i === parts.length - 1) {
      names.push('*');
      re += '(?:/(.*))?';
    } else if (part.charAt(0) === ':') {
      names.push(part.slice(1));
      re += '/([^/]+)';
    } else {
      re += '/' + escapeRe(part);
    }
  }
  /* A pattern without parameters matches by string comparison (re is
   * null): Duktape's RegExp costs thousands of instructions per exec. */
  if (names.length === 0) return { re: null, names: names, literal: pattern };
  return { re: new RegExp('^' + re + '$'), names: names, literal: null };
}

function decodeParam(s) {
  try { return decodeURIComponent(s); } catch (e) { return s; }
}

function Router() {
  if (!(this instanceof Router)) return new Router();
  this._routes = [];
  this._middleware = [];     // { prefix: '/admin' or null for every path, fn }
  this._onError = null;
  this._notFound = null;
  var self = this;
  /* fetch is bound so `module.exports = app` works however it is called. */
  this.fetch = function (req, ctx) { return self.handle(req, ctx); };
}

/* FNS must be one or more functions; CALL names the registration in the
 * error ("app.get('/x', ...)"). */
function checkFunctions(call, fns, what) {
  if (fns.length === 0) throw new TypeError(call + ': ' + what + ' is missing');
  for (var i = 0; i < fns.length; i++) {
    if (typeof fns[i] !== 'function') {
      throw new TypeError(call + ': ' + (i === fns.length - 1 ? what : 'middleware ' + (i + 1)) +
                          ' must be a function, not ' + describe(fns[i]));
    }
  }
}

/* route(method, pattern, ...middleware, handler) */
Router.prototype.route = function (method, pattern) {
  var fns = Array.prototype.slice.call(arguments, 2);
  var call = 'app.' + (method === '*' ? 'all' : method.toLowerCase()) + '(' +
             (typeof pattern === 'string' ? JSON.stringify(pattern) : 'path') + ', ...middleware, handler)';
  var c = compile(pattern, call);
  checkFunctions(call, fns, 'the handler');
  this._routes.push({ method: method, re: c.re, literal: c.literal, names: c.names,
                      middleware: fns.slice(0, -1), handler: fns[fns.length - 1] });
  return this;
};

METHODS.forEach(function (m) {
  Router.prototype[m.toLowerCase()] = function () {
    return this.route.apply(this, [m].concat(Array.prototype.slice.call(arguments)));
  };
});
Router.prototype.all = function () {
  return this.route.apply(this, ['*'].concat(Array.prototype.slice.call(arguments)));
};

/* Middleware: fn(req, ctx, next) returns a Response, usually next()'s.
 * use(fn, ...) runs for every request; use('/admin', fn, ...) for /admin
 * and the paths below it. */
Router.prototype.use = function (first) {
  var fns = Array.prototype.slice.call(arguments);
  var prefix = null;
  if (typeof first === 'string') {
    prefix = fns.shift();
    if (prefix.charAt(0) !== '/') {
      throw new TypeError('app.use(' + JSON.stringify(prefix) + ', middleware): the path must start with "/"');
    }
    if (prefix.length > 1 && prefix.charAt(prefix.length - 1) === '/') prefix = prefix.slice(0, -1);
    if (prefix === '/') prefix = null;
  }
  checkFunctions('app.use(' + (typeof first === 'string' ? JSON.stringify(first) + ', ' : '') + 'middleware)',
                 fns, 'the middleware');
  for (var i = 0; i < fns.length; i++) this._middleware.push({ prefix: prefix, fn: fns[i] });
  return this;
};

/* fn(err, req, ctx) answers what a handler or middleware threw (or its
 * promise rejected with). */
Router.prototype.onError = function (fn) {
  checkFunctions('app.onError(fn)', Array.prototype.slice.call(arguments), 'fn');
  this._onError = fn;
  return this;
};

/* fn(req, ctx) answers a path no route matches (instead of the 404). */
Router.prototype.notFound = function (fn) {
  checkFunctions('app.notFound(fn)', Array.prototype.slice.call(arguments), 'fn');
  this._notFound = fn;
  return this;
};

var NO_PARAMS = [];

Router.prototype._match = function (req) {
  var allowed = [];
  var fallback = null;
  var path = req.path, method = req.method;
  for (var i = 0; i < this._routes.length; i++) {
    var r = this._routes[i];
    var m;
    if (r.literal !== null) {
      if (path !== r.literal) continue;
      m = NO_PARAMS;
    } else {
      m = r.re.exec(path);
      if (!m) continue;
    }
    if (r.method === method || r.method === '*') return { route: r, match: m };
    if (method === 'HEAD' && r.method === 'GET' && !fallback) fallback = { route: r, match: m };
    if (allowed.indexOf(r.method) < 0) allowed.push(r.method);
  }
  if (fallback) return fallback;
  return { route: null, allowed: allowed };
};

function setParams(found, req) {
  var names = found.route.names, params = {};
  for (var j = 0; j < names.length; j++) {
    var v = found.match[j + 1];
    params[names[j]] = v === undefined ? '' : decodeParam(v);
  }
  req.params = params;
}

/* The router's own answers: JSON when the request's Accept prefers it. */
function routerAnswer(req, status, message, headers) {
  if (native.prefersJson(req.headers.get('accept'))) {
    return Response.json({ error: message, status: status }, { status: status, headers: headers });
  }
  return new Response(message + '\n', { status: status, headers: headers });
}

/* The matched route's handler, or the 404/405 response. */
function finish(router, found, req, ctx) {
  if (found.route) return found.route.handler(req, ctx);
  if (found.allowed.length > 0) {
    if (found.allowed.indexOf('GET') >= 0 && found.allowed.indexOf('HEAD') < 0) found.allowed.push('HEAD');
    return routerAnswer(req, 405, 'method not allowed', { Allow: found.allowed.join(', ') });
  }
  if (router._notFound) return router._notFound(req, ctx);
  return routerAnswer(req, 404, 'not found');
}

function underPrefix(path, prefix) {
  return prefix === null || path === prefix ||
         (path.length > prefix.length && path.charAt(prefix.length) === '/' && path.lastIndexOf(prefix, 0) === 0);
}

/* The middleware chain, the route's own, then the handler.  A function of
 * its own: a function declared inside handle() would be created on every
 * call, used or not, and a closure is a reference cycle (function, scope,
 * prototype) that only mark-and-sweep frees: 1.4 KB of garbage per request. */
function runChain(router, found, req, ctx) {
  var middleware = router._middleware, own = found.route ? found.route.middleware : NO_PARAMS;
  var i = 0, j = 0;
  function next() {
    while (i < middleware.length) {
      var m = middleware[i++];
      if (underPrefix(req.path, m.prefix)) return m.fn(req, ctx, next);
    }
    if (j < own.length) return own[j++](req, ctx, next);
    return finish(router, found, req, ctx);
  }
  return next();
}

function run(router, req, ctx) {
  var found = router._match(req);
  if (found.route) setParams(found, req);
  if (router._middleware.length === 0 && (!found.route || found.route.middleware.length === 0)) {
    return finish(router, found, req, ctx);
  }
  return runChain(router, found, req, ctx);
}

Router.prototype.handle = function (req, ctx) {
  if (this._onError === null) return run(this, req, ctx);
  var onError = this._onError, result;
  try {
    result = run(this, req, ctx);
  } catch (e) {
    return onError(e, req, ctx);
  }
  if (result && typeof result.then === 'function') {
    return result.then(undefined, function (e) { return onError(e, req, ctx); });
  }
  return result;
};

module.exports = Router;
