/* Headers: case-insensitive names, append/set/delete, combined values,
 * validation of names and values, iteration order. */
'use strict';

var h = new Headers({ 'Content-Type': 'text/plain', 'X-One': '1' });
assertEqual(h.get('content-type'), 'text/plain', 'get is case-insensitive');
assert(h.has('X-ONE'), 'has is case-insensitive');
h.append('X-One', '2');
assertEqual(h.get('x-one'), '1, 2', 'appended values are combined');
h.set('x-one', '3');
assertEqual(h.get('X-One'), '3', 'set replaces every value');
h.delete('X-ONE');
assert(!h.has('x-one'), 'delete removes the header');
assertEqual(h.get('nope'), null, 'a missing header is null');

var pairs = [];
new Headers([['B', '2'], ['a', '1']]).forEach(function (v, k) { pairs.push(k + '=' + v); });
assertEqual(pairs, ['a=1', 'b=2'], 'forEach: lower-case names, sorted');

assertEqual(new Headers(new Headers({ K: 'v' })).get('k'), 'v', 'copied from another Headers');

assertThrows(function () { new Headers({ 'Bad Name': 'x' }); }, TypeError, null, 'a space in a name');
assertThrows(function () { new Headers({ 'X-A': 'line\r\nInjected: 1' }); }, TypeError, /CR, LF or NUL|invalid/i,
  'CR LF in a value');
assertThrows(function () { new Headers([['only-one']]); }, TypeError, /pair/, 'a pair of one');
assertEqual(new Headers({ 'X-Pad': '  v  ' }).get('x-pad'), 'v', 'values are trimmed of HTTP spaces');
