var Router = require('jsfpm/router');
var db = require('jsfpm/db');
var app = new Router();
app.get('/notes', function () { return Response.json(db.query('SELECT id, body FROM notes ORDER BY id')); });
app.post('/notes', function (req) {
  var r = db.execute('INSERT INTO notes (body) VALUES (?)', [req.json().body]);
  return Response.json({ id: r.lastInsertRowid }, { status: 201 });
});
module.exports = app;
