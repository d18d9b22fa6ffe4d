/*
 * jsfpm/db: the database, through the broker.
 *
 *   db.query(sql, params)    -> array of row objects
 *   db.get(sql, params)      -> first row or null
 *   db.execute(sql, params)  -> { changes, lastInsertRowid }
 *   db.exec(sql)             -> runs one or more statements without parameters
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
