/* jsfpm/router: matching by method and path, parameters, 404/405, HEAD,
 * middleware order. */
'use strict';
var Router = require('jsfpm/router');

var app = new Router();
var seen = [];
app.use(function (req, ctx, next) {
  seen.push('mw ' + req.path);
  return next();
});
app.get('/notes/:id', function (req) {
  return new Response('note ' + req.params.id);
});
app.get('/notes/:id/tags/:tag', function (req) {
  return new Response(req.params.id + '/' + req.params.tag);
});
app.post('/notes', function () {
  return new Response('created', { status: 201 });
});
app.get('/files/*', function (req) {
  return new Response('tail ' + req.params['*']);
});
app.get('/a.b', function () {
  return new Response('dot');
});

var r = serve(app, 'GET', '/notes/42');
assertEqual(r.status, 200, 'GET /notes/42 status');
assertEqual(r.body, 'note 42', 'a :param');
assertEqual(serve(app, 'GET', '/notes/7/tags/red').body, '7/red', 'two params');
assertEqual(serve(app, 'POST', '/notes').status, 201, 'POST route');
assertEqual(serve(app, 'GET', '/files/a/b/c.txt').body, 'tail a/b/c.txt', 'a * tail');
assertEqual(serve(app, 'GET', '/files').body, 'tail ', 'a * tail may be empty');
assertEqual(serve(app, 'GET', '/a.b').body, 'dot', 'a dot in a pattern is literal');
assertEqual(serve(app, 'GET', '/aXb').status, 404, 'a dot matches only a dot');

r = serve(app, 'DELETE', '/notes/42');
assertEqual(r.status, 405, 'known path, other method');
assertEqual(r.headers.allow, 'GET, HEAD', 'Allow lists the methods of the path');
r = serve(app, 'HEAD', '/notes/1');
assertEqual(r.status, 200, 'HEAD falls back to GET');
assertEqual(serve(app, 'GET', '/nothing').status, 404, 'unknown path');
assertEqual(serve(app, 'GET', '/notes/42/').status, 404, 'a trailing slash is another path');
assert(seen.length > 0 && seen[0] === 'mw /notes/42', 'middleware ran first: ' + seen[0]);

assertThrows(function () { app.get('notes', function () {}); }, TypeError, /must be a string starting with/,
  'a pattern without a leading slash');

/* Route middleware, path-scoped middleware, onError, notFound, Accept. */
var api = new Router(), order = [];
function mark(name) { return function (req, ctx, next) { order.push(name); return next(); }; }
api.use('/admin', mark('admin'));
api.get('/admin/x', mark('route'), function () { order.push('handler'); return new Response('x'); });
api.get('/administrator', function () { return new Response('y'); });
api.get('/boom', function () { throw new RangeError('boom'); });
api.onError(function (err) { return new Response('handled ' + err.name, { status: 418 }); });
api.notFound(function (req) { return new Response('none at ' + req.path, { status: 404 }); });
assertEqual(serve(api, 'GET', '/admin/x').body, 'x', 'route middleware, then the handler');
assertEqual(order.join(' '), 'admin route handler', 'the order: app.use(path), route middleware, handler');
order = [];
serve(api, 'GET', '/administrator');
assertEqual(order.length, 0, 'app.use("/admin") does not run for /administrator');
r = serve(api, 'GET', '/boom');
assertEqual(r.status, 418, 'onError answers a thrown error');
assertEqual(r.body, 'handled RangeError', 'onError gets the error');
assertEqual(serve(api, 'GET', '/nope').body, 'none at /nope', 'notFound');
r = serve(app, 'GET', '/nothing', '', ['accept', 'application/json']);
assertEqual(r.body, '{"error":"not found","status":404}', 'the 404 in JSON when Accept prefers it');
assertThrows(function () { api.get('/x'); }, TypeError, /the handler is missing/, 'a route without a handler');
assertThrows(function () { api.get('/x', function () {}, {}); }, TypeError, /must be a function, not an object/,
  'a handler that is not a function');
assertThrows(function () { api.use('/x'); }, TypeError, /the middleware is missing/, 'use(path) without middleware');
