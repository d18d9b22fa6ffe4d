/* The app of the web platform tests (tests/integration/js/js_crypto.sh,
 * js_url.sh, js_web.sh, js_fetch.sh).  ES5 on purpose, so crypto.subtle's
 * and fetch()'s promises are shown to work without the runtime library;
 * modern.js has the same through async functions. */
'use strict';

var Router = require('jsfpm/router');
var password = require('jsfpm/password');
var cookies = require('jsfpm/cookies');
var app = new Router();

function summary(result) {
  return Response.json(result, { status: result.failures.length === 0 ? 200 : 500 });
}

app.get('/crypto', function () { return require('./crypto.js').run().then(summary); });
app.get('/url', function () { return summary(require('./url.js').run()); });
app.get('/web', function () { return summary(require('./web.js').run()); });
app.get('/streams', function () { return require('./streams.js').run().then(summary); });

/* request.url is a full URL that new URL() takes. */
app.get('/request-url', function (req) {
  var u = new URL(req.url);
  return Response.json({ url: req.url, protocol: u.protocol, host: u.host, pathname: u.pathname,
                         q: u.searchParams.get('q'), method: req.method, signal: req.signal.aborted });
});

/* formData(): fields as strings, files as File. */
app.post('/form', function (req) {
  var fd = req.formData(), out = [];
  fd.forEach(function (v, k) {
    out.push(typeof v === 'string' ? [k, v]
      : [k, { file: v instanceof File, name: v.name, type: v.type, size: v.size, head: v.text().slice(0, 20) }]);
  });
  return Response.json(out);
});

/* Without a locale argument: the first of [app] locales. */
app.get('/locale-default', function () {
  return Response.json({ number: (1234.5).toLocaleString(), locale: new Intl.NumberFormat().resolvedOptions().locale,
                         date: new Date(Date.UTC(2024, 0, 2)).toLocaleDateString(undefined, { timeZone: 'UTC' }) });
});

app.get('/password', function (req) {
  var pw = req.query.pw, t0 = Date.now(), h = password.hash(pw), ms = Date.now() - t0;
  return Response.json({ hash: h, ms: ms, ok: password.verify(pw, h), wrong: password.verify(pw + 'x', h),
                         garbage: password.verify(pw, 'not a hash'), rehash: password.needsRehash(h),
                         oldRehash: password.needsRehash('$argon2id$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA'),
                         params: password.params() });
});
app.post('/password/verify', function (req) {
  var f = req.formData();
  return Response.json({ ok: password.verify(f.get('pw'), f.get('hash')) });
});

app.get('/cookies/set', function (req, ctx) {
  var res = new Response('set');
  cookies.set(res.headers, 'plain', 'a b;c', { path: '/', maxAge: 60, expires: new Date(Date.UTC(2030, 0, 1)),
                                              domain: 'example.com', secure: true, httpOnly: true,
                                              sameSite: 'Lax', partitioned: true });
  cookies.setSigned(res.headers, 'sid', req.query.v || 'user-1', ctx.env.SESSION_SECRET, { httpOnly: true });
  cookies.remove(res.headers, 'old', { path: '/' });
  return res;
});
app.get('/cookies/get', function (req, ctx) {
  return Response.json({ all: cookies.all(req), plain: cookies.get(req, 'plain'),
                         sid: cookies.getSigned(req, 'sid', ctx.env.SESSION_SECRET),
                         rotated: cookies.getSigned(req, 'sid', ['new-secret', ctx.env.SESSION_SECRET]) });
});

/* fetch(): the test's local servers, named in fetch_allow. */
app.get('/fetch', function (req) {
  var init = { method: req.query.method || 'GET', headers: { 'X-Test': 'yes' } };
  if (req.query.body) init.body = req.query.body;
  if (req.query.timeout) init.signal = AbortSignal.timeout(Number(req.query.timeout));
  if (req.query.redirect) init.redirect = req.query.redirect;
  return fetch(req.query.url, init).then(function (r) {
    return Response.json({ status: r.status, ok: r.ok, url: r.url, redirected: r.redirected,
                           type: r.headers.get('content-type'), body: r.text() });
  }, function (e) {
    return Response.json({ error: e.name, message: e.message }, { status: 502 });
  });
});
/* Several at once: they run side by side while the handler waits. */
app.get('/fetch-many', function (req) {
  var urls = req.query.url;
  urls = Array.isArray(urls) ? urls : [urls];
  var started = urls.map(function (u) {
    return fetch(u).then(function (r) { return r.text(); }, function (e) { return e.name; });
  });
  var all = started[0].then(function (v) { return [v]; });
  started.slice(1).forEach(function (p) {
    all = all.then(function (list) { return p.then(function (v) { return list.concat([v]); }); });
  });
  return all.then(function (list) { return Response.json(list); });
});
/* A fetch the handler does not wait for: aborted when the response is sent. */
app.get('/fetch-abandoned', function (req) {
  fetch(req.query.url).then(function () {}, function () {});
  return new Response('sent');
});
app.get('/fetch-abort', function (req) {
  var ac = new AbortController(), p = fetch(req.query.url, { signal: ac.signal });
  ac.abort();
  return p.then(function () { return new Response('not aborted'); }, function (e) { return new Response(e.name); });
});

module.exports = app;
