/*
 * jsfpm/db: the database, through the broker (docs/database.md).
 *
 *   db.query(sql, params)    -> array of row objects
 *   db.get(sql, params)      -> first row or null
 *   db.queryJSON(sql, params) -> the rows as JSON text: JSON.stringify(db.query(...)),
 *                               made by the broker, for rows that go straight
 *                               into a response (no objects built, nothing
 *                               serialized again in JavaScript)
 *   db.execute(sql, params)  -> { changes, lastInsertRowid }
 *   db.exec(sql)             -> runs one or more statements without parameters
 *   db.batch([{sql, params}, ...], {atomic: true})
 *                            -> one result per statement (rows, or
 *                               {changes, lastInsertRowid}), in one round trip.
 *                               atomic: all or nothing, the first error is
 *                               thrown (with .index); otherwise a failed
 *                               statement's slot holds its DatabaseError.
 *   db.transaction(fn)       -> BEGIN IMMEDIATE; commits when fn returns (its
 *                               value is returned), rolls back and rethrows
 *                               when it throws; nested calls use savepoints.
 *
 * Parameters are bound, never spliced into the SQL: numbers, strings,
 * booleans, null and byte arrays.  Integers beyond 2^53 arrive as strings.
 * Errors are thrown as DatabaseError with .code (e.g. SQLITE_CONSTRAINT_UNIQUE),
 * .primary, .errcode and the SQLite message.
 */
'use strict';

function params(p) {
  if (p === undefined || p === null) return [];
  if (!Array.isArray(p)) throw new TypeError('db: parameters must be an array');
  return p;
}

exports.query = function (sql, p) {
  return native.db('query', String(sql), params(p));
};
exports.queryJSON = function (sql, p) {
  return native.db('queryJSON', String(sql), params(p));
};
exports.get = function (sql, p) {
  var rows = native.db('query', String(sql), params(p));
  return rows.length > 0 ? rows[0] : null;
};
exports.execute = function (sql, p) {
  return native.db('execute', String(sql), params(p));
};
exports.exec = function (sql) {
  native.db('exec', String(sql), []);
};
/* One statement of a batch, checked.  A module-level function, not one
 * created per call: a function made per call is cyclic garbage (it and its
 * prototype point at each other), which only mark-and-sweep frees, and
 * which held a worker's RSS 2-3 MB higher under db.batch load. */
function batchStatement(s, i) {
  if (s === null || typeof s !== 'object') {
    throw new TypeError('db.batch: statement ' + (i + 1) + ' must be an object {sql, params}');
  }
  return { sql: String(s.sql), params: params(s.params) };
}

exports.batch = function (statements, options) {
  if (!Array.isArray(statements)) throw new TypeError('db.batch: expects an array of {sql, params}');
  return native.db('batch', options && options.atomic ? 'atomic' : '', statements.map(batchStatement));
};
exports.transaction = function (fn) {
  if (typeof fn !== 'function') throw new TypeError('db.transaction: expects a function');
  // begin is BEGIN IMMEDIATE at depth 0 and a SAVEPOINT inside a transaction.
  native.db('begin', '', []);
  var result;
  try {
    result = fn();
  } catch (e) {
    try {
      native.db('rollback', '', []);
    } catch (ignored) {
      // The transaction is gone already (tx_timeout, broker restart): the
      // original error is the one that matters.
    }
    throw e;
  }
  native.db('commit', '', []);
  return result;
};
exports.stats = function () {
  return native.db('stats', '', []);
};
