/* Query parsing (parseQuery, and request.query from a raw request). */
'use strict';
var parseQuery = runtime.parseQuery;

assertEqual(parseQuery(''), {}, 'empty');
assertEqual(parseQuery('a=1&b=two'), { a: '1', b: 'two' }, 'two keys');
assertEqual(parseQuery('a=1&a=2&a=3'), { a: ['1', '2', '3'] }, 'a repeated key is an array');
assertEqual(parseQuery('flag&x='), { flag: '', x: '' }, 'keys without values');
assertEqual(parseQuery('q=hello+world%21'), { q: 'hello world!' }, '+ and percent-decoding');
assertEqual(parseQuery('bad=%E0%A4%A'), { bad: '%E0%A4%A' }, 'a bad escape is kept as it came');
assertEqual(parseQuery('&&a=1&'), { a: '1' }, 'empty parts are skipped');
assertEqual(parseQuery('k%3Dx=v%26w'), { 'k=x': 'v&w' }, 'escaped separators');
var proto = parseQuery('__proto__=x');
assertEqual(Object.getPrototypeOf(proto), Object.prototype, '__proto__ does not change the prototype');

var got;
serve({ fetch: function (req) { got = [req.method, req.path, req.queryString, req.query]; return new Response(''); } },
  'GET', '/search', 'q=a+b&n=1&n=2');
assertEqual(got, ['GET', '/search', 'q=a+b&n=1&n=2', { q: 'a b', n: ['1', '2'] }], 'request fields from the raw request');

var hdr;
serve({ fetch: function (req) { hdr = [req.headers.get('x-token'), req.headers.get('accept')]; return new Response(''); } },
  'GET', '/', '', ['x-token', 'abc', 'accept', 'text/html']);
assertEqual(hdr, ['abc', 'text/html'], 'request headers from the raw request');
