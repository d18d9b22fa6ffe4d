# db_lib.sh: the test app and load client shared by the db_*.sh tests.
# Source after lib.sh.  write_db_app writes $T/app (pass app.root=$T/app to
# start_server); db_load runs the concurrent HTTP writer (db_load.py).

DB_LOAD="$TOP_SRCDIR/tests/integration/db/db_load.py"

write_db_app() {
  mkdir -p "$T/app/migrations"
  cat >"$T/app/migrations/001_items.sql" <<'SQL'
CREATE TABLE items (id INTEGER PRIMARY KEY, k TEXT UNIQUE, v);
SQL
  cat >"$T/app/main.js" <<'JS'
var db = require('jsfpm/db');

function check(cond, what) { if (!cond) throw new Error('check failed: ' + what); }
function bytesEqual(a, b) {
  if (!(a instanceof Uint8Array) || a.length !== b.length) return false;
  for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
function count(where, params) {
  return db.get('SELECT count(*) AS n FROM items' + (where ? ' WHERE ' + where : ''), params).n;
}
function spin(ms) { var end = Date.now() + ms; while (Date.now() < end) {} }

var routes = {
  '/types': function () {
    var r = db.get('SELECT 9223372036854775807 AS max, -9223372036854775808 AS min, 9007199254740993 AS p53,' +
                   ' 9007199254740992 AS e53, 1.5 AS f, NULL AS n, \'a\' || char(0) || \'b\' AS s');
    check(r.max === '9223372036854775807', '2^63-1 as a string: ' + r.max);
    check(r.min === '-9223372036854775808', '-2^63 as a string: ' + r.min);
    check(r.p53 === '9007199254740993', '2^53+1 as a string: ' + r.p53);
    check(r.e53 === 9007199254740992, '2^53 as a number');
    check(r.f === 1.5 && r.n === null && r.s === 'a\u0000b', 'real, null, text with NUL');
    // through storage, big integers sent as strings and cast by SQL
    var blob = new Uint8Array([0, 1, 0, 255, 0]);
    db.execute('INSERT INTO items (k, v) VALUES (?, ?)', ['blob', blob]);
    db.execute('INSERT INTO items (k, v) VALUES (?, CAST(? AS INTEGER))', ['max', '9223372036854775807']);
    db.execute('INSERT INTO items (k, v) VALUES (?, CAST(? AS INTEGER))', ['min', '-9223372036854775808']);
    db.execute('INSERT INTO items (k, v) VALUES (?, ?)', ['bool', true]);
    db.execute('INSERT INTO items (k, v) VALUES (?, ?)', ['text', 'x\u0000y\u00e9']);
    var b = db.get('SELECT v, length(v) AS len, typeof(v) AS t FROM items WHERE k = ?', ['blob']);
    check(bytesEqual(b.v, blob) && b.len === 5 && b.t === 'blob', 'blob with NUL bytes');
    check(db.get('SELECT v FROM items WHERE k = ?', ['max']).v === '9223372036854775807', 'stored 2^63-1');
    check(db.get('SELECT v = -9223372036854775807 - 1 AS ok FROM items WHERE k = ?', ['min']).ok === 1, 'stored -2^63');
    check(db.get('SELECT v FROM items WHERE k = ?', ['bool']).v === 1, 'true is 1');
    var t = db.get('SELECT v, length(CAST(v AS BLOB)) AS len FROM items WHERE k = ?', ['text']);
    check(t.v === 'x\u0000y\u00e9' && t.len === 5, 'text with NUL survives storage');
    var err = null;
    try { db.query('SELECT ?', [{}]); } catch (e) { err = e; }
    check(err instanceof TypeError && /unsupported type/.test(err.message), 'object parameter is a TypeError');
    err = null;
    try { db.execute('INSERT INTO items (k) VALUES (?)', ['max']); } catch (e) { err = e; }
    check(err && err.code === 'SQLITE_CONSTRAINT_UNIQUE' && err.primary === 'SQLITE_CONSTRAINT', 'error code');
    return 'ok';
  },
  '/tx-throw': function () {
    var before = count();
    var err = null;
    try {
      db.transaction(function () {
        db.execute('INSERT INTO items (k) VALUES (?)', ['tx-throw']);
        check(count() === before + 1, 'own write visible inside the transaction');
        throw new Error('boom');
      });
    } catch (e) { err = e; }
    check(err && err.message === 'boom', 'the exception propagates');
    check(count() === before, 'rolled back on throw');
    var v = db.transaction(function () { db.execute('INSERT INTO items (k) VALUES (?)', ['tx-ok']); return 42; });
    check(v === 42 && count() === before + 1, 'committed when fn returns');
    return 'ok';
  },
  '/nested': function () {
    db.transaction(function () {
      db.execute('INSERT INTO items (k) VALUES (?)', ['outer']);
      try {
        db.transaction(function () {
          db.execute('INSERT INTO items (k) VALUES (?)', ['inner-undone']);
          throw new Error('inner');
        });
      } catch (e) { check(e.message === 'inner', 'inner error'); }
      db.transaction(function () { db.execute('INSERT INTO items (k) VALUES (?)', ['inner-kept']); });
    });
    check(count('k IN (\'outer\', \'inner-kept\')') === 2, 'outer and second savepoint kept');
    check(count('k = \'inner-undone\'') === 0, 'failed savepoint undone');
    return 'ok';
  },
  '/batch': function () {
    var before = count();
    var err = null;
    try {
      db.batch([{ sql: 'INSERT INTO items (k) VALUES (?)', params: ['b1'] },
                { sql: 'INSERT INTO items (k) VALUES (?)', params: ['b1'] }], { atomic: true });
    } catch (e) { err = e; }
    check(err && err.code === 'SQLITE_CONSTRAINT_UNIQUE' && err.index === 1, 'atomic batch throws the failing statement');
    check(count() === before, 'atomic batch applied nothing');
    var res = db.batch([{ sql: 'INSERT INTO items (k) VALUES (?)', params: ['b2'] },
                        { sql: 'INSERT INTO items (k) VALUES (?)', params: ['b2'] },
                        { sql: 'SELECT count(*) AS n FROM items WHERE k = ?', params: ['b2'] }]);
    check(res[0].changes === 1 && res[1].code === 'SQLITE_CONSTRAINT_UNIQUE' && res[2][0].n === 1, 'plain batch');
    return 'ok';
  },
  '/rows': function () {
    // A result is an array of plain objects, columns in order as own
    // properties; a repeated name keeps the last value; "__proto__" is a
    // column like any other (the prototype stays Object.prototype).
    var r = db.query('SELECT 1 AS a, 2 AS b, 3 AS a, 4 AS "__proto__", x\'00ff\' AS bin, NULL AS n');
    check(r.length === 1 && Array.isArray(r), 'one row in an array');
    check(Object.keys(r[0]).join() === 'a,b,__proto__,bin,n', 'keys in order: ' + Object.keys(r[0]).join());
    check(r[0].a === 3 && r[0].b === 2 && r[0].n === null, 'a repeated name keeps the last value');
    check(Object.getPrototypeOf(r[0]) === Object.prototype && r[0].__proto__ === 4, '__proto__ is an own column');
    check(bytesEqual(r[0].bin, new Uint8Array([0, 255])), 'blob as Uint8Array');
    check(db.query('SELECT 1 AS x WHERE 0').length === 0, 'no rows');
    var many = db.query('WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3000) ' +
                        'SELECT i, \'row \' || i AS t, i * 0.5 AS h FROM c');
    check(many.length === 3000, '3000 rows');
    for (var i = 0; i < many.length; i++) {
      var w = many[i];
      check(w.i === i + 1 && w.t === 'row ' + (i + 1) && w.h === (i + 1) / 2, 'row ' + i);
    }
    many[5].extra = 1; // rows are ordinary, writable objects
    check(many[5].extra === 1, 'rows can be changed');
    var err = null;
    try { db.query('WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 6000) SELECT i FROM c'); }
    catch (e) { err = e; }
    check(err && err.code === 'JSFPM_RESULT_TOO_LARGE' && /max_result_rows \(5000\)/.test(err.message),
          'max_result_rows: ' + err);
    err = null;
    try { db.query('SELECT 1 AS a, zeroblob(2000000) AS b'); } catch (e) { err = e; }
    check(err && err.code === 'JSFPM_RESULT_TOO_LARGE' && /max_result_size \(1048576 bytes\)/.test(err.message),
          'max_result_size: ' + err);
    check(db.query('SELECT zeroblob(1000000) AS b')[0].b.length === 1000000, 'a blob under max_result_size');
    return 'ok';
  },
  '/json': function () {
    // db.queryJSON is JSON.stringify(db.query()), written by the broker.
    var qs = [
      'SELECT x\'00ff07\' AS b, x\'\' AS eb, 1.0 AS one, -0.0 AS mz, 0.1 AS t, 1e21 AS big, 1e-7 AS small,' +
      ' 123456789012345680000 AS r, 1.0 / 3 AS third, 2.5e-5 AS q, 9007199254740993 AS i, -9007199254740992 AS j,' +
      ' 9223372036854775807 AS imax, -9223372036854775808 AS imin, \'a\' || char(8232) || \'b\' || char(1) ||' +
      ' char(127) || char(9, 10, 13, 8, 12, 31) || char(0) || \'"\\/\' || char(8233) || char(128512) || char(233) AS s,' +
      ' 5e-324 AS tiny, 1.7976931348623157e308 AS maxd, 2.2250738585072014e-308 AS mind, 100.0 AS hundred,' +
      ' 1e20 AS e20, 0.000001 AS e6, -1.5e-9 AS neg, NULL AS n, 1 AS "__proto__", \'\' AS empty, 12345678.9 AS m,' +
      ' 0.30000000000000004 AS p3, 1e16 AS e16, 4.35 AS f, 1e-6 AS em6, 1e-5 AS em5, 123e-20 AS x, -0.5 AS h,' +
      ' 1 AS "a\u00e9\u2028""k\\"',
      'SELECT 1 AS x WHERE 0',
      'SELECT id, k, v FROM items ORDER BY id',
      // reals of every magnitude: the shortest digits JavaScript would write
      'WITH RECURSIVE c(i, s) AS (SELECT 1, 12345 UNION ALL ' +
      'SELECT i + 1, (s * 1103515245 + 12345) % 2147483648 FROM c WHERE i < 1000), ' +
      'r(x) AS (SELECT (s - 1073741824) / 1234567.891 FROM c) ' +
      'SELECT x, 1.0 / x AS y, x * 1e150 AS z, x * 1e-150 AS w, x / 3e307 AS v, round(x, 2) AS p, ' +
      'round(x * 1000) AS q FROM r'
    ];
    for (var i = 0; i < qs.length; i++) {
      var a = JSON.stringify(db.query(qs[i])), b = db.queryJSON(qs[i]);
      if (a !== b) {
        for (var k = 0; k < a.length && a[k] === b[k]; k++) {}
        throw new Error('query ' + i + ' differs at ' + k + ': ' + a.slice(Math.max(0, k - 40), k + 40) + ' / ' + b.slice(Math.max(0, k - 40), k + 40));
      }
    }
    check(JSON.parse(db.queryJSON('SELECT ? AS p', ['x'])).length === 1, 'parameters');
    var err = null;
    try { db.queryJSON('SELEC 1'); } catch (e) { err = e; }
    check(err && err.code === 'SQLITE_ERROR', 'an SQL error is thrown as with db.query');
    err = null;
    try { db.queryJSON('WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 6000) SELECT i FROM c'); }
    catch (e) { err = e; }
    check(err && err.code === 'JSFPM_RESULT_TOO_LARGE', 'max_result_rows');
    err = null;
    try { db.queryJSON('SELECT zeroblob(2000000) AS b'); } catch (e) { err = e; }
    check(err && err.code === 'JSFPM_RESULT_TOO_LARGE' && /max_result_size/.test(err.message), 'max_result_size: ' + err);
    return 'ok';
  },
  '/insert': function (req) {
    return String(db.execute('INSERT INTO items (k) VALUES (?)', [req.query.k]).lastInsertRowid);
  },
  '/count': function (req) { return String(count(req.query.k ? 'k = ?' : '', req.query.k ? [req.query.k] : [])); },
  '/hold': function (req) {
    // Holds the write transaction for ms milliseconds, spinning.
    db.transaction(function () {
      db.execute('INSERT INTO items (k) VALUES (?)', [req.query.k || 'held']);
      spin(Number(req.query.ms));
    });
    return 'committed';
  },
  '/hang': function () {
    db.transaction(function () { db.execute('INSERT INTO items (k) VALUES (?)', ['hang']); for (;;) {} });
  },
  '/stats': function () { return JSON.stringify(db.stats()); }
};
JS
  db_app_serve >>"$T/app/main.js"
}

# db_app_serve: the end of a test app's main.js: serves its `routes`
# (path -> function returning the body; a thrown error is a 500 whose
# body starts "error: CODE: ").
db_app_serve() {
  cat <<'JS'

module.exports = {
  fetch: function (req) {
    var f = routes[req.path];
    if (!f) return new Response('not found', { status: 404 });
    try {
      return new Response(String(f(req)));
    } catch (e) {
      return new Response('error: ' + (e.code ? e.code + ': ' : '') + e.message, { status: 500 });
    }
  }
};
JS
}

# db_get PATH: GET on the HTTP door; prints the body, fails on non-200.
db_get() {
  local body
  body=$(curl -sS --max-time 20 -w '\n%{http_code}' "$HTTP_URL$1") || fail "GET $1: curl failed"
  local code=${body##*$'\n'}
  body=${body%$'\n'*}
  [ "$code" = 200 ] || fail "GET $1: status $code: $body"
  printf '%s' "$body"
}

# db_sql SQL: runs SQL on the database file directly (read-only use).
db_sql() { "$PYTHON" -c 'import sqlite3, sys
c = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
for row in c.execute(sys.argv[2]):
    print("|".join(str(x) for x in row))' "$DB_PATH" "$1"; }
