/*
 * The fault-injection app: writes a client-chosen token and reports the
 * row ids, so the load generator knows exactly which writes were
 * acknowledged.
 *
 *   POST /write?token=T&mode=tx    two rows (part 1 and 2) in one transaction
 *   POST /write?token=T&mode=auto  one row, autocommit (group commit path)
 *   GET  /ping                     200 "pong" without touching the database
 *   GET  /count                    rows in the table (a read)
 */
var Router = require('jsfpm/router');
var db = require('jsfpm/db');
var app = new Router();

app.get('/ping', function () {
  return new Response('pong');
});

app.get('/count', function () {
  return Response.json(db.get('SELECT count(*) AS n FROM writes'));
});

app.post('/write', function (req) {
  var token = req.query.token;
  if (typeof token !== 'string' || token === '') {
    return Response.json({ error: 'token required' }, { status: 400 });
  }
  if (req.query.mode === 'auto') {
    var r = db.execute('INSERT INTO writes (token, part) VALUES (?, 1)', [token]);
    return Response.json({ token: token, ids: [r.lastInsertRowid] }, { status: 201 });
  }
  var ids = db.transaction(function () {
    var a = db.execute('INSERT INTO writes (token, part) VALUES (?, 1)', [token]);
    var b = db.execute('INSERT INTO writes (token, part) VALUES (?, 2)', [token]);
    return [a.lastInsertRowid, b.lastInsertRowid];
  });
  return Response.json({ token: token, ids: ids }, { status: 201 });
});

module.exports = app;
