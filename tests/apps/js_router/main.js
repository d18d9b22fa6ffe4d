// The router test app (tests/integration/js_router.sh).
var Router = require('jsfpm/router');
var app = new Router();

/* Registration-time errors: each shape the router does not take throws,
 * and /shapes reports the messages. */
var shapes = [];
function attempt(what, fn) {
  try { fn(); shapes.push(what + ': accepted'); } catch (e) { shapes.push(what + ': ' + e.name + ': ' + e.message); }
}
var scratch = new Router();
attempt('get without handler', function () { scratch.get('/x'); });
attempt('get with an object', function () { scratch.get('/x', function () {}, { not: 'a function' }); });
attempt('get with a function path', function () { scratch.get(function () {}); });
attempt('use with a string only', function () { scratch.use('/x'); });
attempt('use with a bad path', function () { scratch.use('x', function () {}); });
attempt('onError with a string', function () { scratch.onError('oops'); });
attempt('notFound without fn', function () { scratch.notFound(); });

function tag(name) {
  return function (req, ctx, next) {
    var res = next();
    res.headers.append('X-Chain', name);
    return res;
  };
}
function requireKey(req, ctx, next) {
  if (req.headers.get('x-key') !== 'open') return new Response('no key\n', { status: 401 });
  return next();
}

app.use(tag('global'));
app.use('/admin', tag('admin'), requireKey);
app.get('/shapes', function () { return new Response(shapes.join('\n') + '\n'); });
app.get('/admin/panel', function () { return new Response('panel\n'); });
app.get('/administrator', function () { return new Response('not admin\n'); });
app.get('/items/:id', tag('route1'), tag('route2'), function (req) {
  return new Response('item ' + req.params.id + '\n');
});
app.post('/items', function () { return new Response('created\n', { status: 201 }); });
app.get('/throw', function () { var e = new Error('bad thing'); e.status = 409; throw e; });

var api = new Router();
api.get('/api/ok', function () { return Response.json({ ok: true }); });
api.get('/api/throw', function () { throw new RangeError('out of range'); });
/* A rejected promise (an ES5 app has no Promise: a thenable stands in). */
api.get('/api/reject', function () {
  return { then: function (ok, fail) { return fail(new TypeError('rejected thing')); } };
});
api.onError(function (err) { return Response.json({ error: err.message, kind: err.name }, { status: 422 }); });
api.notFound(function (req) { return Response.json({ error: 'no route for ' + req.path }, { status: 404 }); });

app.onError(function (err) {
  return new Response('handled: ' + err.message + '\n', { status: err.status || 500 });
});

module.exports = {
  fetch: function (req, ctx) {
    return req.path.lastIndexOf('/api/', 0) === 0 ? api.fetch(req, ctx) : app.fetch(req, ctx);
  }
};
