/* broker_result.c: query results as replies (see broker_result.h). */
#include "autoconfig.h"

#include "broker_result.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "broker_db.h"
#include "db_proto.h"
#include "frame.h"

void broker_result_free(struct broker_result *r) {
  rowset_buf_free(&r->rows);
  broker_json_free(&r->json);
}

int broker_result_begin(struct broker_result *r, enum broker_result_shape shape, uint32_t ncols) {
  r->shape = shape;
  r->nrows = r->bytes = 0;
  return shape == BROKER_SHAPE_JSON ? broker_json_begin(&r->json, &r->rows, ncols)
                                    : rowset_begin(&r->rows, ncols);
}

int broker_result_name(struct broker_result *r, const char *name, size_t len) {
  return r->shape == BROKER_SHAPE_JSON ? broker_json_name(&r->json, name, len)
                                       : rowset_put_name(&r->rows, name, len);
}

int broker_result_rows_begin(struct broker_result *r) {
  return r->shape == BROKER_SHAPE_JSON ? 0 : rowset_rows_begin(&r->rows);
}

json_t *broker_result_row_begin(struct broker_result *r, const json_t *id) {
  if (r->max_rows > 0 && r->nrows >= (size_t)r->max_rows)
    return broker_db_error_reply(id, DB_ERR_RESULT_TOO_LARGE,
                                 "the result has more than max_result_rows (%ld) rows; add a "
                                 "LIMIT or page through it",
                                 r->max_rows);
  return NULL;
}

/* Adds VALUE_BYTES to the result's size (approximate, for max_result_size:
 * text and blobs their length plus 2, NULL 4, numbers 8); true when it is
 * then over the limit. */
static int result_over(struct broker_result *r, size_t value_bytes) {
  r->bytes += value_bytes;
  return r->max_bytes > 0 && r->bytes > (size_t)r->max_bytes;
}

static int put_value(struct broker_result *r, const struct rowset_value *v) {
  int json = r->shape == BROKER_SHAPE_JSON;
  switch (v->type) {
  case ROWSET_INT: return json ? broker_json_int(&r->json, v->i) : rowset_put_int(&r->rows, v->i);
  case ROWSET_REAL: return json ? broker_json_real(&r->json, v->d) : rowset_put_real(&r->rows, v->d);
  case ROWSET_TEXT:
    return json ? broker_json_text(&r->json, v->bytes, v->len) : rowset_put_text(&r->rows, v->bytes, v->len);
  case ROWSET_BLOB:
    return json ? broker_json_blob(&r->json, v->bytes, v->len) : rowset_put_blob(&r->rows, v->bytes, v->len);
  case ROWSET_NULL: break;
  }
  return json ? broker_json_null(&r->json) : rowset_put_null(&r->rows);
}

int broker_result_put(struct broker_result *r, const struct rowset_value *v, const char *name,
                      const json_t *id, json_t **errreply) {
  *errreply = NULL;
  size_t size = v->type == ROWSET_TEXT || v->type == ROWSET_BLOB ? v->len + 2
                : v->type == ROWSET_NULL                         ? 4
                                                                 : 8;
  if (result_over(r, size)) {
    *errreply = broker_db_error_reply(id, DB_ERR_RESULT_TOO_LARGE,
                                      "the result exceeds max_result_size (%ld bytes) at row %zu; "
                                      "select less or page through it",
                                      r->max_bytes, r->nrows + 1);
    return -1;
  }
  if (v->type == ROWSET_REAL && !isfinite(v->d)) {
    *errreply = broker_db_error_reply(id, DB_ERR_UNREPRESENTABLE,
                                      "row %zu, column \"%s\": the real value %s cannot be "
                                      "represented in JSON",
                                      r->nrows + 1, name, v->d > 0 ? "Inf" : "-Inf");
    return -1;
  }
  if (v->type == ROWSET_TEXT && v->bytes == NULL) return -1; /* out of memory converting */
  int rc = put_value(r, v);
  if (rc == -2)
    *errreply = broker_db_error_reply(id, DB_ERR_UNREPRESENTABLE,
                                      "row %zu, column \"%s\": the text is not valid UTF-8 "
                                      "(select it as a blob: CAST(x AS BLOB))",
                                      r->nrows + 1, name);
  return rc == 0 ? 0 : -1;
}

json_t *broker_result_row_end(struct broker_result *r, const json_t *id) {
  r->nrows++;
  /* Whatever the limits say, a reply never outgrows a frame. */
  if (r->rows.len > FRAME_DEFAULT_MAX_BYTES)
    return broker_db_error_reply(id, DB_ERR_RESULT_TOO_LARGE,
                                 "the result exceeds the frame limit of %u bytes at row %zu; "
                                 "select less or page through it",
                                 FRAME_DEFAULT_MAX_BYTES, r->nrows);
  return NULL;
}

json_t *broker_result_reply(struct broker_result *r, const json_t *id) {
  if (r->shape == BROKER_SHAPE_JSON) {
    if (broker_json_end(&r->json) != 0) return NULL;
  } else {
    rowset_rows_end(&r->rows, (uint32_t)r->nrows);
  }
  json_t *reply = broker_db_ok_reply(id);
  /* json_object_set_new takes the reference even when it fails. */
  const char *key = r->shape == BROKER_SHAPE_JSON ? FRAME_JSON_BYTES : FRAME_ROWSET_BYTES;
  if (reply == NULL ||
      json_object_set_new(reply, key, json_stringn_nocheck((const char *)r->rows.data, r->rows.len)) != 0) {
    json_decref(reply);
    return NULL;
  }
  return reply;
}

json_t *broker_changes_reply(const json_t *id, int64_t changes, int64_t last_insert_rowid) {
  json_t *r = broker_db_ok_reply(id);
  if (r == NULL) return NULL;
  if (json_object_set_new(r, "changes", json_integer(changes)) != 0 ||
      json_object_set_new(r, "lastInsertRowid", json_integer(last_insert_rowid)) != 0) {
    json_decref(r);
    return NULL;
  }
  return r;
}

json_t *broker_batch_failure(json_t *r, size_t index, const json_t *id) {
  const char *m = json_string_value(json_object_get(r, "message"));
  char *pm = NULL;
  if (asprintf(&pm, "batch statement %zu: %s", index + 1, m ? m : "") < 0 ||
      json_object_set_new(r, "message", json_string(pm)) != 0 ||
      json_object_set_new(r, "index", json_integer((json_int_t)index)) != 0 ||
      json_object_set_new(r, "id",
                          json_is_integer(id) ? json_integer(json_integer_value(id)) : json_null()) != 0) {
    free(pm);
    json_decref(r);
    return NULL;
  }
  free(pm);
  return r;
}
