/* Response building: status and its range, default content type, JSON and
 * redirect helpers, null-body statuses, and what the dispatcher hands the
 * worker. */
'use strict';

var r = new Response('hi');
assertEqual(r.status, 200, 'default status');
assert(r.ok, 'a 200 is ok');
assertEqual(r.headers.get('content-type'), 'text/plain;charset=UTF-8', 'a string body is text');
assertEqual(r.text(), 'hi', 'text()');

r = new Response('x', { status: 418, statusText: 'teapot', headers: { 'Content-Type': 'text/x' } });
assertEqual([r.status, r.statusText, r.headers.get('content-type')], [418, 'teapot', 'text/x'], 'init is kept');
assert(!r.ok, 'a 418 is not ok');

assertThrows(function () { new Response('', { status: 99 }); }, RangeError, /200 to 599/, 'status below range');
assertThrows(function () { new Response('', { status: 600 }); }, RangeError, /200 to 599/, 'status above range');
assertThrows(function () { new Response('', { status: 200.5 }); }, RangeError, null, 'a fractional status');
assertThrows(function () { new Response('body', { status: 204 }); }, TypeError, /cannot have a body/, 'a 204 with a body');
assertEqual(new Response('', { status: 204 }).status, 204, 'a 204 with an empty body is fine');
assertThrows(function () { new Response('', { statusText: 'bad\n' }); }, TypeError, /reason phrase/, 'a bad statusText');

r = Response.json({ a: [1, 2] }, { status: 201 });
assertEqual([r.status, r.headers.get('content-type'), r.text()], [201, 'application/json', '{"a":[1,2]}'], 'Response.json');
assertEqual(r.json(), { a: [1, 2] }, 'json() reads it back');
assertThrows(function () { Response.json(undefined); }, TypeError, /cannot be serialized/, 'JSON of undefined');

r = Response.redirect('/next', 303);
assertEqual([r.status, r.headers.get('location')], [303, '/next'], 'Response.redirect');
assertThrows(function () { Response.redirect('/x', 200); }, RangeError, /301, 302, 303, 307 or 308/, 'a redirect status');

var c = new Response('body', { headers: { 'X-A': '1' } }).clone();
assertEqual([c.text(), c.headers.get('x-a')], ['body', '1'], 'clone');

var out = serve({ fetch: function () { return new Response('made', { status: 202, headers: { 'X-B': '2' } }); } },
  'GET', '/');
assertEqual([out.status, out.headers['x-b'], out.body], [202, '2', 'made'], 'dispatch hands status, headers, body');
assertThrows(function () { serve({ fetch: function () { return 'text'; } }, 'GET', '/'); }, TypeError,
  /must return a Response/, 'a handler that returns no Response');
