/*
 * The jsfpm bench app: the same endpoints as the php-fpm peer
 * (../shared/bench/peers/php/*.php and bench/php/mixed.php), on the bench
 * database made by mkdb.sh (users 1..10000, events).  bench/run drives it.
 *
 *   /hello   a constant text body
 *   /read    one SELECT by primary key of a random user, as JSON
 *   /write   one durable autocommit INSERT into events
 *   /mixed   5 reads and 1 write in one transaction (db.transaction when
 *            the runtime has it; the reply says which)
 *   /mixed-batch  the same 6 statements as one atomic db.batch: one round
 *            trip to the broker instead of 8 (jsfpm only, for reference)
 *   /spin?ms=N  keeps its worker busy for N ms of CPU (jsfpm only: the long
 *            request of bench/neighbour.sh)
 *   /list    a list page: 100 users in id order after a random id, as a
 *            JSON array; /list?rows=N for N from 1 to 1000 (the rows sweep)
 *   /list-json  the same page with db.queryJSON: the broker writes the JSON
 *            text, no row objects are built (jsfpm only, for reference)
 *   /upload  a POSTed body (bench/run sends 1 MiB) read in pieces from
 *            request.body and hashed (SHA-256); answers the hex digest
 *   /big     a 256 KiB text body, a string built once at module load;
 *            /big?kb=N for N in 4, 64, 256, 1024, 8192 (the size sweep)
 *
 * GET and POST both work, like the PHP scripts (wrk sends GET).
 */
var Router = require('jsfpm/router');
var db = require('jsfpm/db');
var createHash = require('jsfpm/hash').createHash;

var app = new Router();
var PAYLOAD = new Array(65).join('x'); /* 64 bytes, like write.php */
var HAS_TX = typeof db.transaction === 'function';

function randomId() {
  return 1 + Math.floor(Math.random() * 10000);
}

function readUser() {
  return db.get('SELECT id, name, email FROM users WHERE id = ?', [randomId()]);
}

function writeEvent() {
  return db.execute('INSERT INTO events (kind, payload) VALUES (?, ?)', ['hit', PAYLOAD]);
}

app.all('/hello', function () {
  return new Response('Hello, world\n', { headers: { 'Content-Type': 'text/plain' } });
});

app.all('/read', function () {
  return Response.json(readUser());
});

app.all('/write', function () {
  return Response.json({ id: writeEvent().lastInsertRowid });
});

function mixed() {
  var users = [];
  for (var i = 0; i < 5; i++) users.push(readUser());
  return { id: writeEvent().lastInsertRowid, users: users, tx: HAS_TX };
}

app.all('/mixed', function () {
  return Response.json(HAS_TX ? db.transaction(mixed) : mixed());
});

var LIST_SQL = 'SELECT id, name, email FROM users WHERE id > ? ORDER BY id LIMIT ?';

/* rows=N of the query string: 1..1000, 100 when absent. */
function listRows(req) {
  var q = req.queryString;
  if (!q) return 100;
  var n = Number(req.query.rows);
  return n >= 1 && n <= 1000 && n % 1 === 0 ? n : 0;
}

/* [after, n] for a page of n users (always n: ids run from 1 to 10000). */
function listParams(n) {
  return [Math.floor(Math.random() * (10000 - n + 1)), n];
}

var BAD_ROWS = 'rows must be an integer from 1 to 1000\n';

app.all('/list', function (req) {
  var n = listRows(req);
  if (n === 0) return new Response(BAD_ROWS, { status: 400 });
  return Response.json(db.query(LIST_SQL, listParams(n)));
});

/* As php's hash_update over php://input: the upload read in pieces. */
app.post('/upload', function (req) {
  var sha256 = createHash('sha256'), reader = req.body.getReader();
  function piece(r) {
    if (r.done) return new Response(sha256.digest('hex') + '\n', { headers: { 'Content-Type': 'text/plain' } });
    sha256.update(r.value);
    return reader.read().then(piece);
  }
  return reader.read().then(piece);
});

app.all('/list-json', function (req) {
  var n = listRows(req);
  if (n === 0) return new Response(BAD_ROWS, { status: 400 });
  return new Response(db.queryJSON(LIST_SQL, listParams(n)), { headers: { 'Content-Type': 'application/json' } });
});

/* The size sweep's bodies, built once at module load like an app's
 * cached page or export: what is measured is sending them. */
var BIG_KB = [4, 64, 256, 1024, 8192];
var BIG = {};
/* N bytes of 'x' by doubling: Array(n + 1).join took seconds for 8 MiB,
 * past the app's load time limit on a busy machine. */
function filler(n) {
  var s = 'x';
  while (s.length * 2 <= n) s += s;
  return s + s.slice(0, n - s.length);
}
for (var k = 0; k < BIG_KB.length; k++) BIG[BIG_KB[k]] = filler(BIG_KB[k] * 1024);

app.all('/big', function (req) {
  var body = BIG[req.queryString ? req.query.kb : 256];
  if (body === undefined) return new Response('kb must be one of ' + BIG_KB.join(', ') + '\n', { status: 400 });
  return new Response(body, { headers: { 'Content-Type': 'text/plain' } });
});

var HAS_BATCH = typeof db.batch === 'function';

app.all('/mixed-batch', function () {
  if (!HAS_BATCH) return new Response('db.batch is missing', { status: 501 });
  var stmts = [];
  for (var i = 0; i < 5; i++) {
    stmts.push({ sql: 'SELECT id, name, email FROM users WHERE id = ?', params: [randomId()] });
  }
  stmts.push({ sql: 'INSERT INTO events (kind, payload) VALUES (?, ?)', params: ['hit', PAYLOAD] });
  var r = db.batch(stmts, { atomic: true });
  var users = [];
  for (var j = 0; j < 5; j++) users.push(r[j].length > 0 ? r[j][0] : null);
  return Response.json({ id: r[5].lastInsertRowid, users: users, batch: true });
});

app.all('/spin', function (req) {
  var ms = parseInt(req.query.ms || '0', 10);
  var until = Date.now() + ms;
  while (Date.now() < until) {}
  return new Response('spun ' + ms + ' ms\n', { headers: { 'Content-Type': 'text/plain' } });
});

module.exports = app;
