/* broker_result.h: a query result as the broker replies it, built value by
 * value from wherever the rows come from: a SQLite statement on one host
 * (broker_db.c), dqlite's ROWS messages in cluster mode
 * (broker_cluster.c).  One builder, so a value leaves the broker the same
 * way from either: a row set (rowset.h) or, for db.queryJSON, JSON text
 * (broker_json.h), under max_result_rows, max_result_size and the frame
 * limit, each breach an error naming the limit.
 *
 * Call order: begin, NCOLS x name, rows_begin, then per row row_begin,
 * NCOLS x put, row_end; then reply.
 */
#ifndef JSFPM_BROKER_RESULT_H
#define JSFPM_BROKER_RESULT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "broker_json.h"
#include "rowset.h"

/* How a statement's result is shaped. */
enum broker_result_shape {
  BROKER_SHAPE_AUTO,    /* rows when the statement has result columns, else changes */
  BROKER_SHAPE_ROWS,    /* "query": a row set */
  BROKER_SHAPE_JSON,    /* "query" with "format": "json": the rows as JSON text */
  BROKER_SHAPE_CHANGES, /* "execute": changes + lastInsertRowid */
};

/* Zero-initialized is empty; broker_result_free releases it.  The buffers
 * are kept from result to result. */
struct broker_result {
  struct rowset_buf rows;  /* the row set, or the JSON text */
  struct broker_json json; /* the JSON writer (BROKER_SHAPE_JSON) */
  enum broker_result_shape shape;
  long max_rows, max_bytes; /* 0: no limit; set by the owner */
  size_t nrows, bytes;      /* rows written; approximate value bytes */
};

void broker_result_free(struct broker_result *r);
/* Starts a result of NCOLS columns shaped SHAPE (ROWS or JSON).  0, or -1
 * when out of memory. */
int broker_result_begin(struct broker_result *r, enum broker_result_shape shape, uint32_t ncols);
/* The next column's name: 0, -1 out of memory, -2 not valid UTF-8. */
int broker_result_name(struct broker_result *r, const char *name, size_t len);
int broker_result_rows_begin(struct broker_result *r);
/* Before a row: NULL, or the error reply to ID when the result would have
 * more than max_result_rows rows. */
json_t *broker_result_row_begin(struct broker_result *r, const json_t *id);
/* Adds V, the value of column COLUMN (named NAME) of the current row.
 * Returns 0, or -1 with *ERRREPLY set to the reply to ID (NULL when out of
 * memory): over max_result_size (checked before the value is written: a
 * 32 MB blob as JSON text would take ten times that), an infinite real or
 * text that is not UTF-8 (JSON cannot carry them). */
int broker_result_put(struct broker_result *r, const struct rowset_value *v, const char *name,
                      const json_t *id, json_t **errreply);
/* After a row: NULL, or the error reply when the result outgrew a frame. */
json_t *broker_result_row_end(struct broker_result *r, const json_t *id);
/* Ends the result: the reply {"id", "ok": true, "$rowset" or "$json"},
 * NULL when out of memory. */
json_t *broker_result_reply(struct broker_result *r, const json_t *id);

/* The reply to an "execute": {"id", "ok": true, "changes",
 * "lastInsertRowid"}; NULL when out of memory. */
json_t *broker_changes_reply(const json_t *id, int64_t changes, int64_t last_insert_rowid);

/* An atomic batch's failure: R (the failing statement's error reply,
 * stolen) with "message" prefixed "batch statement N: ", "index" and the
 * request's ID.  NULL when out of memory. */
json_t *broker_batch_failure(json_t *r, size_t index, const json_t *id);

#endif
