/* bench/platform.sh's app: one route per web platform operation, each
 * against /hello, so the difference is the operation's cost per request.
 * ES5, as the cheapest app is. */
'use strict';
var Router = require('jsfpm/router');
var password = require('jsfpm/password');
var app = new Router();

var kilobyte = new Uint8Array(1024);
for (var i = 0; i < kilobyte.length; i++) kilobyte[i] = i & 255;
var hmacKey = null; /* imported at the first request, kept (isolation = worker) */

function hex(buf) {
  var b = new Uint8Array(buf), s = '';
  for (var i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return s;
}

app.get('/hello', function () { return new Response('hello\n'); });
app.get('/sha256', function () {
  return crypto.subtle.digest('SHA-256', kilobyte).then(function (d) { return new Response(hex(d) + '\n'); });
});
app.get('/hmac', function () {
  var sign = function (k) {
    hmacKey = k;
    return crypto.subtle.sign('HMAC', k, kilobyte).then(function (mac) { return new Response(hex(mac) + '\n'); });
  };
  if (hmacKey !== null) return sign(hmacKey);
  return crypto.subtle.importKey('raw', new Uint8Array(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']).then(sign);
});
app.get('/password', function () { return new Response(password.hash('correct horse battery staple') + '\n'); });
app.get('/fetch', function (req, ctx) {
  return fetch(ctx.env.FETCH_URL).then(function (r) { return new Response(r.text()); });
});
module.exports = app;
