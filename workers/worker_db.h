/* worker_db.h: the natives behind jsfpm/db. */
#ifndef JSFPM_WORKER_DB_H
#define JSFPM_WORKER_DB_H

#include "duktape/duktape.h"

struct db_client;

/* native.db(op, sql, params) with the arguments at stack indices 0..2:
 * sends one request to the broker (waiting at most TIMEOUT_MS) and pushes
 * the result, or throws a DatabaseError carrying .code (e.g.
 * SQLITE_CONSTRAINT_UNIQUE), .primary and .errcode.  Returns 1.
 *   query, execute, exec: sql, params -> rows as objects / {changes,
 *     lastInsertRowid} / undefined
 *   queryJSON: sql, params -> the rows as JSON text, made by the broker
 *     (what JSON.stringify of query's rows gives)
 *   batch: "atomic" or "", [{sql, params}, ...] -> array of results (a
 *     failed statement's slot holds its DatabaseError when not atomic)
 *   begin, commit, rollback, savepoint, release -> transaction depth now
 *   stats -> the broker's counters */
duk_ret_t worker_db_call(duk_context *ctx, struct db_client *db, int timeout_ms);

/* Called by the worker after every request: a transaction the request's
 * JavaScript left open is rolled back and logged with REQUEST_ID. */
void worker_db_request_end(struct db_client *db, const char *request_id);

#endif
