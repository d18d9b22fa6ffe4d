/* The URL checks of tests/integration/js/js_url.sh: each case of
 * urltestdata.json (the web-platform-tests format: input, base, and either
 * failure or the expected getters), then setters and URLSearchParams.
 * Returns { checked, failures: [...] }. */
'use strict';

var cases = require('./urltestdata.json');
var checks = require('./check.js').checks;
var FIELDS = ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'hash'];

function run() {
  var check = checks(), expect = check.expect;

  cases.forEach(function (c) {
    if (typeof c === 'string') return;
    var what = JSON.stringify(c.input) + (c.base === null ? '' : ' against ' + JSON.stringify(c.base)), u = null, err = null;
    try {
      u = c.base === null ? new URL(c.input) : new URL(c.input, c.base);
    } catch (e) {
      err = e;
    }
    if (c.failure) {
      expect(what + ' fails', err !== null && err instanceof TypeError, true);
      expect(what + ' canParse', URL.canParse(c.input, c.base === null ? undefined : c.base), false);
      return;
    }
    if (err !== null) {
      check.fail(what + ': threw ' + err.message);
      return;
    }
    FIELDS.forEach(function (f) { expect(what + ' ' + f, u[f], c[f]); });
    /* What href says parses to itself (the serializer and parser agree). */
    expect(what + ' reparsed', new URL(u.href).href, u.href);
  });

  /* Setters (the standard's state overrides). */
  function set(href, field, value, want) {
    var u = new URL(href);
    u[field] = value;
    expect(href + ' .' + field + ' = ' + JSON.stringify(value), u.href, want);
  }
  set('http://example.com/path', 'protocol', 'https', 'https://example.com/path');
  set('http://example.com/path', 'protocol', 'https:x', 'https://example.com/path');
  set('http://example.com/path', 'protocol', 'mailto', 'http://example.com/path');
  set('mailto:a@b', 'protocol', 'http', 'mailto:a@b');
  set('https://example.com:8080/', 'protocol', 'http', 'http://example.com:8080/');
  set('https://example.com:80/', 'protocol', 'http', 'http://example.com/');
  set('http://example.com/', 'username', 'us er', 'http://us%20er@example.com/');
  set('http://example.com/', 'password', 'p@ss', 'http://:p%40ss@example.com/');
  set('file:///x', 'username', 'u', 'file:///x');
  set('http://example.com/path', 'host', 'other.org:81', 'http://other.org:81/path');
  set('http://example.com/path', 'host', 'other.org:0x', 'http://other.org:0/path');
  set('http://example.com/path', 'host', '', 'http://example.com/path');
  set('http://example.com/path', 'hostname', 'other.org:81', 'http://example.com/path');
  set('http://example.com/path', 'hostname', 'MÜNCHEN.de', 'http://xn--mnchen-3ya.de/path');
  set('http://example.com/', 'port', '8080stuff', 'http://example.com:8080/');
  set('http://example.com:8080/', 'port', '', 'http://example.com/');
  set('http://example.com/', 'port', '80', 'http://example.com/');
  set('http://example.com/', 'port', '65536', 'http://example.com/');
  set('http://example.com/a/b', 'pathname', '/c d/../e', 'http://example.com/e');
  set('http://example.com/a', 'pathname', 'x', 'http://example.com/x');
  set('mailto:a@b', 'pathname', 'c@d', 'mailto:a@b');
  set('http://example.com/', 'search', '?a b=c', 'http://example.com/?a%20b=c');
  set('http://example.com/?x', 'search', '', 'http://example.com/');
  set('http://example.com/', 'search', '?', 'http://example.com/?');
  set('http://example.com/', 'hash', 'a b', 'http://example.com/#a%20b');
  set('http://example.com/#x', 'hash', '', 'http://example.com/');
  var threw = null;
  try {
    new URL('http://example.com/').href = 'not a url';
  } catch (e) {
    threw = e;
  }
  expect('href = "not a url" throws a TypeError', threw instanceof TypeError, true);

  /* URLSearchParams, and its link with the URL it belongs to. */
  var sp = new URLSearchParams('?a=1&b=%20x+y&a=2&c&=d&e=%zz&f=%C3%A9');
  expect('getAll a', JSON.stringify(sp.getAll('a')), '["1","2"]');
  expect('get b', sp.get('b'), ' x y');
  expect('get c', sp.get('c'), '');
  expect('get ""', sp.get(''), 'd');
  expect('get e', sp.get('e'), '%zz');
  expect('get f', sp.get('f'), 'é');
  expect('get missing', sp.get('z'), null);
  expect('has a=2', sp.has('a', '2'), true);
  expect('size', sp.size, 7);
  expect('toString', sp.toString(), 'a=1&b=+x+y&a=2&c=&=d&e=%25zz&f=%C3%A9');
  sp['delete']('a', '1');
  sp.set('b', 'n');
  sp.append('g', '~!*()\'');
  expect('after delete, set, append', sp.toString(), 'b=n&a=2&c=&=d&e=%25zz&f=%C3%A9&g=%7E%21*%28%29%27');
  var sorted = new URLSearchParams('z=1&a=2&z=0&b=3');
  sorted.sort();
  expect('sort is stable', sorted.toString(), 'a=2&b=3&z=1&z=0');
  expect('from pairs', new URLSearchParams([['x', '1'], ['y', '2']]).toString(), 'x=1&y=2');
  expect('from a record', new URLSearchParams({ x: 'a b', y: '&' }).toString(), 'x=a+b&y=%26');
  var keys = [], it = new URLSearchParams('p=1&q=2').keys(), step;
  while (!(step = it.next()).done) keys.push(step.value);
  expect('keys()', keys.join(','), 'p,q');
  var u = new URL('https://example.com/s?q=a+b&x=1#h');
  expect('searchParams.get', u.searchParams.get('q'), 'a b');
  u.searchParams.append('y', 'é ');
  expect('searchParams updates the URL', u.href, 'https://example.com/s?q=a+b&x=1&y=%C3%A9+#h');
  u.searchParams['delete']('q');
  u.searchParams['delete']('x');
  u.searchParams['delete']('y');
  expect('an empty searchParams drops the query', u.href, 'https://example.com/s#h');
  u.search = '?k=v';
  expect('search updates searchParams', u.searchParams.get('k'), 'v');
  expect('searchParams is one object', u.searchParams === u.searchParams, true);
  expect('toJSON', JSON.stringify({ u: new URL('http://a/b') }), '{"u":"http://a/b"}');
  expect('URL.parse of garbage', URL.parse('nope'), null);
  expect('URL.parse', URL.parse('b', 'http://a/').href, 'http://a/b');
  return check.result();
}

exports.run = run;
