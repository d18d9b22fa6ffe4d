/*
 * The example app: a small JSON notes API.
 *
 *   curl http://127.0.0.1:8080/notes
 *   curl -X POST -d '{"body":"hello"}' http://127.0.0.1:8080/notes
 *   curl http://127.0.0.1:8080/notes/1
 *
 * The schema lives in migrations/001_notes.sql, applied by the broker at start.
 */
var Router = require('jsfpm/router');
var db = require('jsfpm/db');

var app = new Router();

app.get('/', function (req, ctx) {
  return Response.json({
    app: 'jsfpm example notes',
    endpoints: ['GET /notes', 'GET /notes/:id', 'POST /notes {"body": "..."}'],
    requestId: ctx.requestId
  });
});

app.get('/notes', function (req) {
  var limit = Math.min(parseInt(req.query.limit, 10) || 50, 500);
  return Response.json(db.query(
    'SELECT id, body, author, created_at FROM notes ORDER BY id DESC LIMIT ?', [limit]));
});

app.get('/notes/:id', function (req) {
  var note = db.get('SELECT id, body, author, created_at FROM notes WHERE id = ?', [req.params.id]);
  return note ? Response.json(note) : Response.json({ error: 'not found' }, { status: 404 });
});

app.post('/notes', function (req, ctx) {
  var input = req.json();
  if (!input || typeof input.body !== 'string' || input.body === '') {
    return Response.json({ error: 'body (a non-empty string) is required' }, { status: 422 });
  }
  var r = db.execute('INSERT INTO notes (body, author) VALUES (?, ?)', [input.body, ctx.user]);
  return Response.json({ id: r.lastInsertRowid }, {
    status: 201, headers: { Location: '/notes/' + r.lastInsertRowid }
  });
});

module.exports = app;
