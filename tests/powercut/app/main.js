/*
 * The power-cut test's app (tests/powercut/powercut.py): every write names
 * a client-chosen token, so the load generator knows exactly which writes
 * were acknowledged, and every write has a shape the check recognises.
 *
 *   POST /write?token=T&mode=auto  one row (part 1), autocommit: the group
 *                                  commit path when workers write together
 *   POST /write?token=T&mode=tx    one transaction with savepoints: part 1;
 *                                  a nested transaction that commits part 2;
 *                                  a nested one that writes part 3 and
 *                                  throws (rolled back); part 4.  So whole
 *                                  means exactly parts 1, 2 and 4.
 *   POST /write?token=T&mode=m2    one row in notes2, the table migration
 *                                  002 creates (fails until it is applied)
 *   GET  /stats                    the broker's counters (group commits)
 */
var Router = require('jsfpm/router');
var db = require('jsfpm/db');
var app = new Router();

function insertPart(token, part) {
  db.execute('INSERT INTO writes (token, part) VALUES (?, ?)', [token, part]);
}

app.post('/write', function (req) {
  var token = req.query.token;
  var mode = req.query.mode;
  if (typeof token !== 'string' || token === '') {
    return Response.json({ error: 'token required' }, { status: 400 });
  }
  if (mode === 'auto') {
    insertPart(token, 1);
  } else if (mode === 'tx') {
    db.transaction(function () {
      insertPart(token, 1);
      db.transaction(function () {
        insertPart(token, 2);
      });
      try {
        db.transaction(function () {
          insertPart(token, 3);
          throw new Error('undo part 3');
        });
      } catch (e) {
        if (e.message !== 'undo part 3') throw e;
      }
      insertPart(token, 4);
    });
  } else if (mode === 'm2') {
    db.execute('INSERT INTO notes2 (token, body) VALUES (?, ?)', [token, 'after the migration']);
  } else {
    return Response.json({ error: 'mode must be auto, tx or m2' }, { status: 400 });
  }
  return Response.json({ token: token }, { status: 201 });
});

app.get('/stats', function () {
  return Response.json(db.stats());
});

module.exports = app;
