var t = require('jsfpm/test');
var app = require('../main.js');
t.test('starts empty', function () {
  var res = t.request(app, '/notes');
  t.assert.equal(res.status, 200);
  t.assert.deepEqual(res.json(), []);
});
t.test('creates a note', function () {
  var res = t.request(app, '/notes', { method: 'POST', body: JSON.stringify({ body: 'hi' }), headers: { 'Content-Type': 'application/json' } });
  t.assert.equal(res.status, 201);
  t.assert.deepEqual(t.request(app, '/notes').json(), [{ id: 1, body: 'hi' }]);
});
t.test('fails on purpose', function () {
  t.assert.equal(t.request(app, '/nope').status, 200, 'status of /nope');
});
