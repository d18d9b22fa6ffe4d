/* The Fetch-API and Web-API checks of tests/integration/js/js_web.sh: Request,
 * Response, Headers, Blob, File, FormData, atob/btoa, structuredClone,
 * AbortController, DOMException, Intl.  Returns { checked, failures }. */
'use strict';

var checks = require('./check.js').checks;

function run() {
  var check = checks(), expect = check.expect, throws = check.throws;
  function drain(it) {
    var out = [], step;
    while (!(step = it.next()).done) out.push(step.value);
    return out;
  }

  /* Request(url, init) */
  var r = new Request('http://x/a', { method: 'POST' });
  expect('Request method', r.method, 'POST');
  expect('Request url', r.url, 'http://x/a');
  r = new Request('HTTP://Example.COM/p?q=1', { method: 'put', headers: { 'X-A': '1' }, body: 'hello' });
  expect('method normalized', r.method, 'PUT');
  expect('url parsed', r.url, 'http://example.com/p?q=1');
  expect('header', r.headers.get('x-a'), '1');
  expect('string body type', r.headers.get('content-type'), 'text/plain;charset=UTF-8');
  expect('text()', r.text(), 'hello');
  expect('bodyUsed', r.bodyUsed, true);
  expect('path', r.path, '/p');
  expect('query', r.query.q, '1');
  expect('patch kept as given', new Request('http://x/', { method: 'patch' }).method, 'patch');
  expect('default method', new Request('http://x/').method, 'GET');
  expect('redirect default', new Request('http://x/').redirect, 'follow');
  throws('GET with a body', 'TypeError', function () { new Request('http://x/', { body: 'x' }); });
  throws('relative URL', 'TypeError', function () { new Request('/relative'); });
  throws('URL with credentials', 'TypeError', function () { new Request('http://u:p@x/'); });
  throws('method CONNECT', 'TypeError', function () { new Request('http://x/', { method: 'CONNECT' }); });
  throws('method with a space', 'TypeError', function () { new Request('http://x/', { method: 'G T' }); });
  var copy = new Request(r, { headers: { 'X-B': '2' } });
  expect('Request from a Request: method', copy.method, 'PUT');
  expect('Request from a Request: headers replaced', copy.headers.get('x-a') + ',' + copy.headers.get('x-b'), 'null,2');
  var clone = new Request('http://x/', { method: 'POST', body: 'c' }).clone();
  expect('Request clone body', clone.text(), 'c');
  var params = new URLSearchParams({ a: '1', b: 'x y' });
  r = new Request('http://x/', { method: 'POST', body: params });
  expect('URLSearchParams body type', r.headers.get('content-type'), 'application/x-www-form-urlencoded;charset=UTF-8');
  expect('URLSearchParams body', r.text(), 'a=1&b=x+y');
  expect('URLSearchParams body formData()', r.formData().get('b'), 'x y');

  /* Response bodies */
  expect('ArrayBuffer body', new Response(new Uint8Array([104, 105]).buffer).text(), 'hi');
  expect('typed array body', new Response(new Uint16Array([0x6968])).text(), 'hi');
  expect('DataView body', new Response(new DataView(new Uint8Array([111, 107]).buffer)).text(), 'ok');
  var blobRes = new Response(new Blob(['<b>', 'x</b>'], { type: 'text/html' }));
  expect('Blob body', blobRes.text(), '<b>x</b>');
  expect('Blob body type', blobRes.headers.get('content-type'), 'text/html');
  var fd = new FormData();
  fd.append('name', 'Ada');
  fd.append('file', new Blob(['file body'], { type: 'text/plain' }), 'a.txt');
  var fdRes = new Response(fd);
  var ctype = fdRes.headers.get('content-type');
  expect('FormData body type', /^multipart\/form-data; boundary=-+jsfpmFormBoundary[0-9a-f]+$/.test(ctype), true);
  var back = new Request('http://x/', { method: 'POST', body: fd }).formData();
  expect('FormData round trip: field', back.get('name'), 'Ada');
  expect('FormData round trip: file name', back.get('file').name, 'a.txt');
  expect('FormData round trip: file type', back.get('file').type, 'text/plain');
  expect('FormData round trip: file bytes', back.get('file').text(), 'file body');
  expect('json()', new Response('{"a":[1]}').json().a[0], 1);
  throws('json() of bad JSON', 'SyntaxError', function () { new Response('{').json(); });
  expect('arrayBuffer()', new Response('abc').arrayBuffer().byteLength, 3);
  expect('bytes()', new Response('abc').bytes()[2], 99);
  expect('blob()', new Response('abc', { headers: { 'content-type': 'x/y' } }).blob().type, 'x/y');
  throws('204 with a body', 'TypeError', function () { new Response('x', { status: 204 }); });
  expect('null body', new Response(null, { status: 204 }).body, null);
  var res = new Response('orig', { status: 201, statusText: 'Made', headers: { 'X-Y': 'z' } });
  var rc = res.clone();
  rc.headers.set('X-Y', 'changed');
  expect('clone status', rc.status + ' ' + rc.statusText, '201 Made');
  expect('clone has its own headers', res.headers.get('x-y'), 'z');
  expect('clone body', rc.text(), 'orig');
  expect('Response.error', Response.error().type + ' ' + Response.error().status, 'error 0');
  expect('Response.json', Response.json({ k: 1 }, { status: 202 }).status, 202);
  expect('Response.redirect', Response.redirect('http://x/y', 307).headers.get('location'), 'http://x/y');

  /* Headers */
  var h = new Headers([['b', '2'], ['A', '1'], ['set-cookie', 's=1'], ['Set-Cookie', 't=2'], ['a', '3']]);
  expect('entries() is an iterator', JSON.stringify(drain(h.entries())), '[["a","1, 3"],["b","2"],["set-cookie","s=1"],["set-cookie","t=2"]]');
  expect('keys()', drain(h.keys()).join(','), 'a,b,set-cookie,set-cookie');
  expect('values()', drain(h.values()).join('|'), '1, 3|2|s=1|t=2');
  expect('getSetCookie()', JSON.stringify(h.getSetCookie()), '["s=1","t=2"]');
  expect('Symbol.iterator', typeof h[Symbol.iterator], 'function');
  var seen = [];
  h.forEach(function (v, k) { seen.push(k); });
  expect('forEach', seen.join(','), 'a,b,set-cookie,set-cookie');
  expect('value trimmed', new Headers({ x: '  v \t' }).get('x'), 'v');
  throws('pair of three', 'TypeError', function () { new Headers([['a', 'b', 'c']]); });
  expect('from a Headers', new Headers(h).get('b'), '2');

  /* Blob, File */
  var b = new Blob(['héllo', new Uint8Array([33])], { type: 'Text/Plain' });
  expect('Blob size', b.size, 7);
  expect('Blob type lower-cased', b.type, 'text/plain');
  expect('Blob text', b.text(), 'héllo!');
  expect('Blob slice', b.slice(1, -1).text(), 'éllo');
  expect('Blob slice negative', b.slice(-1).text(), '!');
  expect('Blob bytes', b.bytes().length, 7);
  expect('Blob arrayBuffer', b.arrayBuffer().byteLength, 7);
  expect('Blob of a Blob', new Blob([b, b]).size, 14);
  var f = new File(['x'], 'n.txt', { type: 'text/plain', lastModified: 42 });
  expect('File name', f.name, 'n.txt');
  expect('File lastModified', f.lastModified, 42);
  expect('File is a Blob', f instanceof Blob, true);
  throws('File without a name', 'TypeError', function () { new File(['x']); });

  /* FormData */
  var form = new FormData();
  form.append('a', '1');
  form.append('a', '2');
  form.set('b', new Blob(['z']));
  expect('getAll', form.getAll('a').join(','), '1,2');
  expect('Blob becomes a File named blob', form.get('b').name, 'blob');
  form.set('a', '3');
  expect('set replaces', form.getAll('a').join(','), '3');
  form['delete']('a');
  expect('delete', form.has('a'), false);
  expect('entries', drain(form.keys()).join(','), 'b');

  /* atob, btoa */
  expect('btoa', btoa('hello, world'), 'aGVsbG8sIHdvcmxk');
  expect('btoa latin1', btoa('\xff\xfe'), '//4=');
  expect('atob', atob('aGVsbG8sIHdvcmxk'), 'hello, world');
  expect('atob without padding and with spaces', atob(' aGk '), 'hi');
  throws('btoa of a non-Latin1 string', 'InvalidCharacterError', function () { btoa('€'); });
  throws('atob of bad base64', 'InvalidCharacterError', function () { atob('a'); });

  /* structuredClone */
  var src = { d: new Date(5), r: /x/g, a: [1, { b: 2 }], u: new Uint8Array([1, 2]), n: null };
  src.self = src;
  var cl = structuredClone(src);
  expect('structuredClone copies', cl !== src && cl.a[1] !== src.a[1] && cl.a[1].b === 2, true);
  expect('structuredClone Date', cl.d instanceof Date && cl.d.getTime() === 5, true);
  expect('structuredClone RegExp', cl.r.source + cl.r.global, 'xtrue');
  expect('structuredClone typed array', cl.u[1] === 2 && cl.u !== src.u, true);
  expect('structuredClone cycle', cl.self === cl, true);
  throws('structuredClone of a function', 'DataCloneError', function () { structuredClone({ f: function () {} }); });

  /* AbortController, DOMException */
  var ac = new AbortController(), events = 0;
  ac.signal.addEventListener('abort', function () { events++; });
  ac.signal.onabort = function () { events++; };
  ac.abort();
  ac.abort();
  expect('abort fires once per listener', events, 2);
  expect('signal.aborted', ac.signal.aborted, true);
  expect('default reason', ac.signal.reason.name, 'AbortError');
  throws('throwIfAborted', 'AbortError', function () { ac.signal.throwIfAborted(); });
  expect('AbortSignal.abort(reason)', AbortSignal.abort('why').reason, 'why');
  expect('AbortSignal.any', AbortSignal.any([new AbortController().signal, AbortSignal.abort(1)]).reason, 1);
  var de = new DOMException('m', 'NotFoundError');
  expect('DOMException', de.name + ' ' + de.message + ' ' + de.code + ' ' + (de instanceof Error), 'NotFoundError m 8 true');

  /* No partial Node.js Buffer */
  expect('Buffer', typeof Buffer, 'undefined');

  /* Intl and the locale-sensitive methods */
  expect('(1.5).toLocaleString("en-US")', (1.5).toLocaleString('en-US'), '1.5');
  expect('(1234567.891).toLocaleString("en-US")', (1234567.891).toLocaleString('en-US'), '1,234,567.891');
  expect('de-DE number', (1234567.891).toLocaleString('de-DE'), '1.234.567,891');
  expect('fr-FR number', (1234.5).toLocaleString('fr-FR'), '1\u202f234,5');
  expect('bad locale falls back, no throw', typeof (1).toLocaleString('!!bad'), 'string');
  expect('currency', new Intl.NumberFormat('en-US', { style: 'currency', currency: 'EUR' }).format(-1234.5), '-€1,234.50');
  expect('currency de', new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }).format(1234.5), '1.234,50\u00a0€');
  expect('JPY no decimals', new Intl.NumberFormat('en-US', { style: 'currency', currency: 'JPY' }).format(1234.5), '¥1,235');
  expect('percent', new Intl.NumberFormat('en-US', { style: 'percent' }).format(0.256), '26%');
  expect('fraction digits', new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(1.005), '1.01');
  expect('half away from zero', new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }).format(2.5), '3');
  expect('no grouping', new Intl.NumberFormat('en-US', { useGrouping: false }).format(12345), '12345');
  expect('compact', new Intl.NumberFormat('en-US', { notation: 'compact' }).format(1234567), '1.2M');
  expect('significant digits', new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 }).format(123456), '123,000');
  expect('unit', new Intl.NumberFormat('en-US', { style: 'unit', unit: 'kilometer-per-hour' }).format(50), '50 km/h');
  throws('currency style without currency', 'TypeError', function () { new Intl.NumberFormat('en', { style: 'currency' }); });
  throws('invalid locale', 'RangeError', function () { new Intl.NumberFormat('!!'); });
  var day = new Date(Date.UTC(2024, 0, 2, 15, 4, 5));
  expect('toLocaleDateString en-US', day.toLocaleDateString('en-US', { timeZone: 'UTC' }), '1/2/2024');
  expect('toLocaleTimeString en-US', day.toLocaleTimeString('en-US', { timeZone: 'UTC' }), '3:04:05\u202fPM');
  expect('toLocaleString en-US', day.toLocaleString('en-US', { timeZone: 'UTC' }), '1/2/2024, 3:04:05\u202fPM');
  expect('toLocaleDateString de-DE', day.toLocaleDateString('de-DE', { timeZone: 'UTC' }), '2.1.2024');
  expect('long date en-US', new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(day), 'January 2, 2024');
  expect('long date fr-FR', new Intl.DateTimeFormat('fr-FR', { dateStyle: 'full', timeZone: 'UTC' }).format(day), 'mardi 2 janvier 2024');
  expect('fields', new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(day), 'Tue, Jan 2');
  expect('24-hour', new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'UTC' }).format(day), '15:04');
  expect('time zone', new Intl.DateTimeFormat('en-US', { hour: 'numeric', timeZone: 'Asia/Tokyo' }).format(day), '12\u202fAM');
  expect('resolved time zone', new Intl.DateTimeFormat('en', { timeZone: 'utc' }).resolvedOptions().timeZone, 'UTC');
  throws('invalid time zone', 'RangeError', function () { new Intl.DateTimeFormat('en', { timeZone: 'Mars/Base' }); });
  expect('invalid date', new Date(NaN).toLocaleDateString('en-US'), 'Invalid Date');
  expect('resolvedOptions locale', new Intl.NumberFormat('de-CH').resolvedOptions().locale, 'de-CH');
  expect('localeCompare', ['b', 'a', 'ä', 'B'].sort(function (x, y) { return x.localeCompare(y, 'de'); }).join(''), 'aäbB');
  expect('Collator base', new Intl.Collator('en', { sensitivity: 'base' }).compare('a', 'Á'), 0);
  expect('PluralRules', new Intl.PluralRules('en-US').select(1) + new Intl.PluralRules('en-US', { type: 'ordinal' }).select(2), 'onetwo');
  expect('getCanonicalLocales', Intl.getCanonicalLocales('EN-us').join(), 'en-US');
  return check.result();
}

exports.run = run;
