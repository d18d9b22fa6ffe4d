/*
 * jsfpm/router: routes by method and path.
 *
 *   var app = new Router();
 *   app.use(function (req, ctx, next) { ...; return next(); });   // middleware
 *   app.get('/notes/:id', function (req, ctx) { req.params.id ... });
 *   app.get('/files/*', ...)          // req.params['*'] holds the tail
 *   module.exports = app;             // a Router has fetch(request, ctx)
 *
 * Unknown path: 404.  Known path, other method: 405 with an Allow header.
 * HEAD falls back to the GET route.  Routes match in the order added.
 */
'use strict';

var METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\\/]/g, '\\$&');
}

/* Compiles '/a/:id/*' into a RegExp and the list of parameter names. */
function compile(pattern) {
  if (typeof pattern !== 'string' || pattern.charAt(0) !== '/') {
    throw new TypeError('route pattern must be a string starting with "/": ' + pattern);
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
  this._middleware = [];
  var self = this;
  /* fetch is bound so `module.exports = app` works however it is called. */
  this.fetch = function (req, ctx) { return self.handle(req, ctx); };
}

Router.prototype.route = function (method, pattern, handler) {
  if (typeof handler !== 'function') throw new TypeError('route handler must be a function');
  var c = compile(pattern);
  this._routes.push({ method: method, re: c.re, literal: c.literal, names: c.names, handler: handler });
  return this;
};

METHODS.forEach(function (m) {
  Router.prototype[m.toLowerCase()] = function (pattern, handler) {
    return this.route(m, pattern, handler);
  };
});
Router.prototype.all = function (pattern, handler) { return this.route('*', pattern, handler); };

/* Middleware: fn(req, ctx, next) returns a Response, usually next()'s. */
Router.prototype.use = function (fn) {
  if (typeof fn !== 'function') throw new TypeError('middleware must be a function');
  this._middleware.push(fn);
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

/* The matched route's handler, or the 404/405 response. */
function finish(found, req, ctx) {
  if (found.route) {
    var names = found.route.names, params = {};
    for (var j = 0; j < names.length; j++) {
      var v = found.match[j + 1];
      params[names[j]] = v === undefined ? '' : decodeParam(v);
    }
    req.params = params;
    return found.route.handler(req, ctx);
  }
  if (found.allowed.length > 0) {
    if (found.allowed.indexOf('GET') >= 0 && found.allowed.indexOf('HEAD') < 0) found.allowed.push('HEAD');
    return new Response('method not allowed\n', {
      status: 405, headers: { Allow: found.allowed.join(', ') }
    });
  }
  return new Response('not found\n', { status: 404 });
}

/* The middleware chain, then the route.  A function of its own: a function
 * declared inside handle() would be created on every call, used or not,
 * and a closure is a reference cycle (function, scope, prototype) that only
 * mark-and-sweep frees: 1.4 KB of garbage per request. */
function runMiddleware(middleware, found, req, ctx) {
  var i = 0;
  function next() {
    if (i < middleware.length) return middleware[i++](req, ctx, next);
    return finish(found, req, ctx);
  }
  return next();
}

Router.prototype.handle = function (req, ctx) {
  var found = this._match(req);
  if (this._middleware.length === 0) return finish(found, req, ctx);
  return runMiddleware(this._middleware, found, req, ctx);
};

module.exports = Router;
