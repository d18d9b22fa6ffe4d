/* worker_db.c: the database as JavaScript sees it (the natives behind
 * jsfpm/db): JS values to protocol JSON, row sets straight into JS arrays
 * of objects (no intermediate tree), one broker round trip per call,
 * SQLite errors thrown as DatabaseError with the code name.
 */
#include "autoconfig.h"

#include "worker_db.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_client.h"
#include "db_proto.h"
#include "frame.h"
#include "log.h"
#include "rowset.h"

#define MAX_SAFE_INT 9007199254740992.0 /* 2^53: beyond it doubles lose integers */

/* JS value at IDX -> JSON for the broker.  Returns NULL with WHY set on
 * what SQLite cannot bind.  It never throws: callers own JSON they must
 * free before throwing, or every failed call would leak it. */
static json_t *param_to_json(duk_context *ctx, duk_idx_t idx, size_t pos, char *why, size_t whylen) {
  switch (duk_get_type(ctx, idx)) {
  case DUK_TYPE_NULL:
  case DUK_TYPE_UNDEFINED: return json_null();
  case DUK_TYPE_BOOLEAN: return json_boolean(duk_get_boolean(ctx, idx));
  case DUK_TYPE_NUMBER: {
    double d = duk_get_number(ctx, idx);
    if (!isfinite(d)) {
      snprintf(why, whylen, "db: parameter %zu is %s, which SQLite cannot store", pos + 1,
               isnan(d) ? "NaN" : "Infinity");
      return NULL;
    }
    if (d == floor(d) && fabs(d) <= MAX_SAFE_INT) return json_integer((json_int_t)d);
    return json_real(d);
  }
  case DUK_TYPE_STRING: {
    duk_size_t len;
    const char *s = duk_get_lstring(ctx, idx, &len);
    json_t *text = json_stringn(s, len);
    /* Duktape strings may hold lone surrogates ("\uD800", stored as
     * CESU-8), which are not UTF-8: say so rather than drop the value. */
    if (text == NULL)
      snprintf(why, whylen,
               "db: parameter %zu is not valid Unicode text (a lone surrogate?); pass bytes as a "
               "Uint8Array",
               pos + 1);
    return text;
  }
  case DUK_TYPE_BUFFER:
  case DUK_TYPE_OBJECT:
    if (duk_is_buffer_data(ctx, idx)) {
      duk_dup(ctx, idx);
      const char *b64 = duk_base64_encode(ctx, -1);
      json_t *blob = json_pack("{s:s}", "$blob", b64);
      duk_pop(ctx);
      return blob;
    }
    /* fall through */
  default:
    snprintf(why, whylen,
             "db: parameter %zu has an unsupported type (use a number, string, boolean, null or "
             "Uint8Array)",
             pos + 1);
    return NULL;
  }
}

/* Pushes an integer from the broker: beyond 2^53 a string, so it is never
 * rounded. */
static void push_db_int(duk_context *ctx, json_int_t n) {
  if (n >= -(json_int_t)MAX_SAFE_INT && n <= (json_int_t)MAX_SAFE_INT)
    duk_push_number(ctx, (double)n);
  else
    duk_push_sprintf(ctx, "%lld", (long long)n);
}

/* Pushes one value of a row set: blobs as Uint8Array. */
static void push_rowset_value(duk_context *ctx, const struct rowset_value *v) {
  switch (v->type) {
  case ROWSET_INT: push_db_int(ctx, v->i); break;
  case ROWSET_REAL: duk_push_number(ctx, v->d); break;
  case ROWSET_TEXT: duk_push_lstring(ctx, (const char *)v->bytes, v->len); break;
  case ROWSET_BLOB: {
    void *buf = duk_push_fixed_buffer(ctx, v->len);
    if (v->len > 0) memcpy(buf, v->bytes, v->len);
    duk_push_buffer_object(ctx, -1, 0, v->len, DUK_BUFOBJ_UINT8ARRAY);
    duk_remove(ctx, -2);
    break;
  }
  default: duk_push_null(ctx); break;
  }
}

/* Pushes the row set P (LEN bytes) as an array of row objects, each with
 * the columns as own properties in column order (defined like JSON.parse
 * does: a column named __proto__ is a property like the others).  The
 * column names are interned once, the array and each object are allocated
 * at their final size.  Returns 0, or -1 with nothing pushed and *WHY set
 * when the row set is malformed. */
static int push_rowset(duk_context *ctx, const unsigned char *p, size_t len, const char **why) {
  struct rowset_reader r;
  duk_idx_t names = duk_get_top(ctx);
  if (rowset_open(&r, p, len) != 0) goto bad;
  duk_require_stack(ctx, (duk_idx_t)r.ncols + 3);
  for (uint32_t c = 0; c < r.ncols; c++) {
    const char *name;
    size_t n;
    if (rowset_next_name(&r, &name, &n) != 0) goto bad;
    duk_push_lstring(ctx, name, n);
  }
  if (rowset_rows(&r) != 0) goto bad;
  /* Interned, equal names are the same string: distinct ones need not be
   * looked for in each row's object before they are added (checked for a
   * usual number of columns; wider rows take the general path). */
  int distinct = r.ncols <= 64;
  for (uint32_t c = 1; c < r.ncols && distinct; c++)
    for (uint32_t d = 0; d < c && distinct; d++)
      distinct = duk_get_heapptr(ctx, names + (duk_idx_t)c) != duk_get_heapptr(ctx, names + (duk_idx_t)d);
  duk_idx_t rows = duk_get_top(ctx);
  jsfpm_duk_push_array_sized(ctx, r.nrows);
  for (uint32_t i = 0; i < r.nrows; i++) {
    jsfpm_duk_push_object_sized(ctx, r.ncols);
    for (uint32_t c = 0; c < r.ncols; c++) {
      struct rowset_value v;
      if (rowset_next_value(&r, &v) != 0) goto bad;
      push_rowset_value(ctx, &v);
      if (distinct)
        jsfpm_duk_def_new_own(ctx, -2, names + (duk_idx_t)c);
      else
        jsfpm_duk_def_own(ctx, -2, names + (duk_idx_t)c);
    }
    duk_put_prop_index(ctx, rows, (duk_uarridx_t)i);
  }
  if (rowset_close(&r) != 0) goto bad;
  duk_replace(ctx, names);
  duk_set_top(ctx, names + 1);
  return 0;
bad:
  duk_set_top(ctx, names);
  *why = r.error;
  return -1;
}

static void push_db_error(duk_context *ctx, const char *code, const char *message) {
  duk_push_error_object(ctx, DUK_ERR_ERROR, "%s: %s", code, message);
  duk_push_string(ctx, "DatabaseError");
  duk_put_prop_literal(ctx, -2, "name");
  duk_push_string(ctx, code);
  duk_put_prop_literal(ctx, -2, "code");
}

/* Pushes a DatabaseError for REPLY (an "ok":false reply) without throwing. */
static void push_reply_error(duk_context *ctx, json_t *reply) {
  const char *code = json_string_value(json_object_get(reply, "code"));
  const char *message = json_string_value(json_object_get(reply, "message"));
  push_db_error(ctx, code ? code : "SQLITE_ERROR", message ? message : "unknown error");
  json_t *primary = json_object_get(reply, "primary");
  if (json_is_string(primary)) {
    duk_push_string(ctx, json_string_value(primary));
    duk_put_prop_literal(ctx, -2, "primary");
  }
  json_t *errcode = json_object_get(reply, "errcode");
  if (json_is_integer(errcode)) {
    duk_push_int(ctx, (duk_int_t)json_integer_value(errcode));
    duk_put_prop_literal(ctx, -2, "errcode");
  }
  json_t *index = json_object_get(reply, "index");
  if (json_is_integer(index)) {
    duk_push_int(ctx, (duk_int_t)json_integer_value(index));
    duk_put_prop_literal(ctx, -2, "index");
  }
}

/* Pushes a successful statement result (REPLY, with the frame's SECTIONS):
 * rows as objects when it names a row set, else {changes,
 * lastInsertRowid}.  Returns 0, or -1 with nothing pushed and *WHY set
 * when the row set is missing or malformed. */
static int push_result(duk_context *ctx, json_t *reply, const unsigned char *sections, size_t len,
                       const char **why) {
  json_t *k = json_object_get(reply, FRAME_ROWSET_INDEX);
  if (k != NULL) {
    const unsigned char *p;
    size_t n;
    *why = "no such section";
    if (!json_is_integer(k) || frame_section(sections, len, json_integer_value(k), &p, &n) != 0) return -1;
    return push_rowset(ctx, p, n, why);
  }
  duk_push_object(ctx);
  push_db_int(ctx, json_integer_value(json_object_get(reply, "changes")));
  duk_put_prop_literal(ctx, -2, "changes");
  push_db_int(ctx, json_integer_value(json_object_get(reply, "lastInsertRowid")));
  duk_put_prop_literal(ctx, -2, "lastInsertRowid");
  return 0;
}

/* The array at IDX as a JSON array of parameters.  Returns NULL with WHY
 * set when one cannot be bound (or out of memory); never throws. */
static json_t *params_to_json(duk_context *ctx, duk_idx_t idx, char *why, size_t whylen) {
  idx = duk_normalize_index(ctx, idx);
  json_t *params = json_array();
  snprintf(why, whylen, "db: out of memory");
  if (params == NULL || duk_is_null_or_undefined(ctx, idx)) return params;
  if (!duk_is_array(ctx, idx)) {
    json_decref(params);
    snprintf(why, whylen, "db: parameters must be an array");
    return NULL;
  }
  duk_size_t n = duk_get_length(ctx, idx);
  for (duk_size_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, idx, (duk_uarridx_t)i);
    json_t *v = param_to_json(ctx, -1, i, why, whylen);
    duk_pop(ctx);
    /* A failed append would shift the following parameters: fail instead. */
    if (v == NULL || json_array_append_new(params, v) != 0) {
      json_decref(params);
      return NULL;
    }
  }
  return params;
}

/* SQL text at IDX as JSON; NULL with WHY set when it is not valid Unicode. */
static json_t *sql_to_json(duk_context *ctx, duk_idx_t idx, char *why, size_t whylen) {
  duk_size_t len;
  const char *sql = duk_require_lstring(ctx, idx, &len);
  json_t *v = json_stringn(sql, len);
  if (v == NULL) snprintf(why, whylen, "db: the SQL text is not valid Unicode (a lone surrogate?)");
  return v;
}

/* statements for op "batch": [{sql, params}, ...] at IDX.  Returns NULL
 * with WHY set on a bad statement; never throws. */
static json_t *batch_to_json(duk_context *ctx, duk_idx_t idx, char *why, size_t whylen) {
  if (!duk_is_array(ctx, idx)) {
    snprintf(why, whylen, "db.batch: expects an array of {sql, params}");
    return NULL;
  }
  json_t *stmts = json_array();
  duk_size_t n = duk_get_length(ctx, idx);
  for (duk_size_t i = 0; stmts != NULL && i < n; i++) {
    duk_get_prop_index(ctx, idx, (duk_uarridx_t)i);
    json_t *sqlv = NULL, *params = NULL;
    if (!duk_is_object(ctx, -1) || !duk_get_prop_literal(ctx, -1, "sql") || !duk_is_string(ctx, -1))
      snprintf(why, whylen, "db.batch: statement %lu must be an object {sql, params}", (unsigned long)i + 1);
    else
      sqlv = sql_to_json(ctx, -1, why, whylen);
    duk_pop(ctx);
    if (sqlv != NULL) {
      duk_get_prop_literal(ctx, -1, "params");
      params = params_to_json(ctx, -1, why, whylen);
      duk_pop(ctx);
    }
    duk_pop(ctx);
    json_t *stmt = sqlv && params ? json_pack("{s:o, s:o}", "sql", sqlv, "params", params) : NULL;
    if (stmt == NULL || json_array_append_new(stmts, stmt) != 0) {
      if (stmt == NULL && sqlv && params) snprintf(why, whylen, "db: out of memory");
      if (stmt == NULL) {
        json_decref(sqlv);
        json_decref(params);
      }
      json_decref(stmts);
      stmts = NULL;
    }
  }
  return stmts;
}

duk_ret_t worker_db_call(duk_context *ctx, struct db_client *db, int timeout_ms) {
  const char *name = duk_require_string(ctx, 0);
  /* "queryJSON" is the bindings' name for a query whose rows the broker
   * writes as JSON text ("format": "json"); the other names are the
   * protocol's operations. */
  int is_json = strcmp(name, "queryJSON") == 0;
  enum db_op op = is_json ? DB_OP_QUERY : db_op_parse(name);
  json_t *req;
  char why[256];
  if (op == DB_OP_BATCH) {
    int atomic = strcmp(duk_require_string(ctx, 1), "atomic") == 0;
    json_t *stmts = batch_to_json(ctx, 2, why, sizeof why);
    if (stmts == NULL) (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "%s", why);
    req = json_pack("{s:s, s:o, s:b}", "op", name, "statements", stmts, "atomic", atomic);
  } else if (db_op_flags(op) & DB_OPF_SQL) {
    (void)duk_require_string(ctx, 1);
    json_t *params = params_to_json(ctx, 2, why, sizeof why);
    json_t *sqlv = params ? sql_to_json(ctx, 1, why, sizeof why) : NULL;
    if (sqlv == NULL) {
      json_decref(params);
      (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "%s", why);
    }
    req = json_pack("{s:s, s:o, s:o}", "op", db_op_name(op), "sql", sqlv, "params", params);
    if (req && is_json && json_object_set_new(req, "format", json_string("json")) != 0) {
      json_decref(req);
      req = NULL;
    }
  } else {
    req = json_pack("{s:s}", "op", name); /* begin, commit, rollback, savepoint, release, stats */
  }
  char err[256];
  json_t *reply = req ? db_client_call(db, req, timeout_ms, err, sizeof err) : NULL;
  json_decref(req);
  if (reply == NULL) {
    push_db_error(ctx, DB_ERR_BROKER_UNAVAILABLE, req ? err : "out of memory");
    return duk_throw(ctx);
  }
  if (!json_is_true(json_object_get(reply, "ok"))) {
    push_reply_error(ctx, reply);
    json_decref(reply);
    return duk_throw(ctx);
  }
  size_t sections_len;
  const unsigned char *sections = db_client_sections(db, &sections_len);
  const char *bad = NULL;
  if (is_json) {
    const unsigned char *p;
    size_t n;
    json_t *k = json_object_get(reply, FRAME_JSON_INDEX);
    bad = "no such section";
    if (!json_is_integer(k) || frame_section(sections, sections_len, json_integer_value(k), &p, &n) != 0)
      goto bad_rowset;
    duk_push_lstring(ctx, (const char *)p, n);
  } else if (op == DB_OP_QUERY || op == DB_OP_EXECUTE) {
    if (push_result(ctx, reply, sections, sections_len, &bad) != 0) goto bad_rowset;
  } else if (op == DB_OP_BATCH) {
    /* Not atomic: a failed statement's slot holds its DatabaseError. */
    json_t *results = json_object_get(reply, "results");
    duk_push_array(ctx);
    size_t i;
    json_t *r;
    json_array_foreach(results, i, r) {
      if (!json_is_true(json_object_get(r, "ok")))
        push_reply_error(ctx, r);
      else if (push_result(ctx, r, sections, sections_len, &bad) != 0)
        goto bad_rowset;
      duk_put_prop_index(ctx, -2, (duk_uarridx_t)i);
    }
  } else if (op == DB_OP_STATS) {
    char *s = json_dumps(reply, JSON_COMPACT);
    duk_push_string(ctx, s ? s : "{}");
    free(s);
    duk_json_decode(ctx, -1);
  } else {
    duk_push_int(ctx, db_client_tx_depth(db)); /* transaction ops: the depth now */
  }
  json_decref(reply);
  return 1;
bad_rowset:
  json_decref(reply);
  snprintf(why, sizeof why, "database broker sent a bad row set: %s", bad);
  push_db_error(ctx, DB_ERR_BROKER_UNAVAILABLE, why);
  return duk_throw(ctx);
}

void worker_db_request_end(struct db_client *db, const char *request_id) {
  if (db == NULL || db_client_tx_depth(db) == 0) return;
  json_t *req = json_pack("{s:s, s:b}", "op", db_op_name(DB_OP_ROLLBACK), "all", 1);
  char err[256] = "";
  json_t *reply = req ? db_client_call(db, req, 5000, err, sizeof err) : NULL;
  json_decref(req);
  if (reply != NULL && json_is_true(json_object_get(reply, "ok")))
    log_warn("[%s] transaction left open at the end of the request: rolled back", request_id);
  else
    /* A failed call closed the connection, which makes the broker roll
     * the transaction back anyway. */
    log_warn("[%s] transaction left open at the end of the request: rolled back (%s)", request_id,
             reply ? json_string_value(json_object_get(reply, "message")) : err);
  json_decref(reply);
}
