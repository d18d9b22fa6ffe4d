/* worker_db.h: the natives behind jsfpm/db. */
#ifndef JSFPM_WORKER_DB_H
#define JSFPM_WORKER_DB_H

#include "duktape/duktape.h"

struct db_client;

/* native.db(op, sql, params) with the arguments at stack indices 0..2:
 * sends one request to the broker (waiting at most TIMEOUT_MS) and pushes
 * the result (rows as objects for "query", {changes, lastInsertRowid} for
 * "execute", undefined otherwise), or throws a DatabaseError carrying .code
 * (e.g. SQLITE_CONSTRAINT_UNIQUE), .primary and .errcode.  Returns 1. */
duk_ret_t worker_db_call(duk_context *ctx, struct db_client *db, int timeout_ms);

#endif
