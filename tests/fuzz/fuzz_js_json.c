/* fuzz_js_json.c: libFuzzer harness for the conversions of
 * workers/worker_db.c (the natives behind jsfpm/db), in a real Duktape heap:
 * JS parameters to protocol JSON, and replies (row sets, protocol 2) back
 * to JS values.
 *
 * The broker round trip is replaced by db_client_call below, which answers
 * as the broker does: the values become a row set (src/rowset.c), the reply
 * a version 2 frame (src/frame.c), which is decoded again so that the
 * worker reads the row set where the real client leaves it.  Input layout:
 *   byte 0      flags: bit 0 op (query/execute), bit 1 reply mode, bit 2 the
 *               same as a two-statement db.batch
 *   byte 1      N, the length of the parameter spec
 *   N bytes     parameter spec: JS values built one by one (see push_param)
 *   the rest    JSON text: values for a fuzzed reply
 * Echo mode (bit 1 clear) replies as the broker does to "SELECT ?, ?, ...":
 * one row holding the parameters it received, and checks that every value
 * survives JS -> JSON -> JS unchanged, and that no parameter is dropped or
 * shifted.  Reply mode fills a well-formed query/execute reply with the
 * fuzzed JSON values (any type, any string, big integers, odd blobs).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "db_client.h"
#include "duktape/duktape.h"
#include "frame.h"
#include "rowset.h"
#include "worker_db.h"

int jsfpm_duk_exec_timeout(void *udata) {
  (void)udata;
  return 0;
}

static size_t expect_params; /* parameters the JS side passed */
static json_t *reply_values; /* reply mode: fuzzed values, or NULL for echo */
static int op_query;
static int op_batch;
/* The last reply as the client holds it: the frame's bytes, its sections. */
static unsigned char *frame_buf;
static size_t frame_cap;
static struct frame_in frame_in;

static json_t *reply_for(json_t *params);

/* Strict base64 (what the worker sends for a Uint8Array) to bytes; NULL
 * when S is not strict base64. */
static unsigned char *unbase64(const char *s, size_t n, size_t *len) {
  if (n % 4) return NULL;
  unsigned char *out = malloc(n / 4 * 3 + 1);
  size_t o = 0;
  for (size_t i = 0; i < n; i += 4) {
    uint32_t w = 0;
    int pad = 0;
    for (int k = 0; k < 4; k++) {
      char c = s[i + (size_t)k];
      int v = c >= 'A' && c <= 'Z'               ? c - 'A'
              : c >= 'a' && c <= 'z'             ? c - 'a' + 26
              : c >= '0' && c <= '9'             ? c - '0' + 52
              : c == '+'                         ? 62
              : c == '/'                         ? 63
              : c == '=' && i + 4 == n && k >= 2 ? -2
                                                 : -1;
      if (v == -1 || (pad && v != -2)) {
        free(out);
        return NULL;
      }
      if (v == -2) pad++, v = 0;
      w = w << 6 | (uint32_t)v;
    }
    out[o++] = (unsigned char)(w >> 16);
    if (pad < 2) out[o++] = (unsigned char)(w >> 8);
    if (pad < 1) out[o++] = (unsigned char)w;
  }
  *len = o;
  return out;
}

/* Adds JSON value V to B as the broker would send it. */
static void put_value(struct rowset_buf *b, json_t *v) {
  int rc;
  switch (json_typeof(v)) {
  case JSON_INTEGER: rc = rowset_put_int(b, json_integer_value(v)); break;
  case JSON_REAL: rc = rowset_put_real(b, json_real_value(v)); break;
  case JSON_STRING:
    rc = rowset_put_text(b, (const unsigned char *)json_string_value(v), json_string_length(v));
    break;
  case JSON_TRUE: rc = rowset_put_int(b, 1); break;
  case JSON_FALSE: rc = rowset_put_int(b, 0); break;
  case JSON_OBJECT: {
    json_t *b64 = json_object_get(v, "$blob");
    size_t n;
    unsigned char *bytes =
        json_is_string(b64) ? unbase64(json_string_value(b64), json_string_length(b64), &n) : NULL;
    rc = bytes ? rowset_put_blob(b, bytes, n) : rowset_put_null(b);
    free(bytes);
    break;
  }
  default: rc = rowset_put_null(b); break;
  }
  if (rc != 0) abort(); /* JSON strings are UTF-8: nothing the writer refuses */
}

json_t *db_client_call(struct db_client *c, json_t *req, int timeout_ms, char *err, size_t errlen) {
  (void)c;
  (void)timeout_ms;
  json_t *reply;
  if (!op_batch) {
    reply = reply_for(json_object_get(req, "params"));
    if (reply == NULL) {
      snprintf(err, errlen, "broker down");
      return NULL;
    }
  } else {
    json_t *stmts = json_object_get(req, "statements"), *results = json_array();
    if (json_array_size(stmts) != 2) abort(); /* a statement was dropped */
    size_t i;
    json_t *st;
    json_array_foreach(stmts, i, st) {
      json_t *r = reply_for(json_object_get(st, "params"));
      if (r == NULL) r = json_pack("{s:b, s:s, s:s}", "ok", 0, "code", "SQLITE_ERROR", "message", "x");
      json_array_append_new(results, r);
    }
    reply = json_pack("{s:b, s:o}", "ok", 1, "results", results);
  }
  /* Through the wire format and back, as the client gets it. */
  size_t len, flen;
  char ferr[256];
  json_decref(frame_in.msg);
  if (frame_encode_mem(reply, FRAME_VERSION, &frame_buf, &frame_cap, &len) != 0 ||
      frame_decode_mem(frame_buf, len, FRAME_DEFAULT_MAX_BYTES, &frame_in, &flen, ferr, sizeof ferr) != 1 ||
      flen != len)
    abort();
  json_decref(reply);
  return json_incref(frame_in.msg);
}

const unsigned char *db_client_sections(const struct db_client *c, size_t *len) {
  (void)c;
  *len = frame_in.sections_len;
  return frame_in.sections;
}

/* The broker's reply to one statement with PARAMS: an echo of them as one
 * row (query) or {changes, lastInsertRowid} (execute); NULL = unreachable. */
static json_t *reply_for(json_t *params) {
  if (!json_is_array(params)) abort();
  if (json_array_size(params) != expect_params) {
    fprintf(stderr, "%zu parameters given, %zu sent to the broker\n", expect_params, json_array_size(params));
    abort(); /* a parameter was dropped: the others would bind to the wrong ? */
  }
  json_t *values = reply_values ? reply_values : params;
  if (!op_query) {
    if (json_array_size(values) < 2) return NULL;
    return json_pack("{s:b, s:O, s:O}", "ok", 1, "changes", json_array_get(values, 0), "lastInsertRowid",
                     json_array_get(values, 1));
  }
  struct rowset_buf b = {0};
  size_t i, n = json_array_size(values);
  json_t *v;
  if (rowset_begin(&b, (uint32_t)n) != 0) abort();
  for (i = 0; i < n; i++) {
    json_t *name = reply_values ? json_array_get(reply_values, i) : NULL;
    char c[32];
    if (json_is_string(name)) { /* fuzzed column names: "__proto__", "", ... */
      if (rowset_put_name(&b, json_string_value(name), json_string_length(name)) != 0) abort();
    } else {
      snprintf(c, sizeof c, "c%zu", i);
      if (rowset_put_name(&b, c, strlen(c)) != 0) abort();
    }
  }
  if (rowset_rows_begin(&b) != 0) abort();
  json_array_foreach(values, i, v) put_value(&b, v);
  rowset_rows_end(&b, n > 0 ? 1 : 0); /* one row; none when there are no columns */
  json_t *r =
      json_pack("{s:b, s:o}", "ok", 1, FRAME_ROWSET_BYTES, json_stringn_nocheck((const char *)b.data, b.len));
  rowset_buf_free(&b);
  return r;
}

int db_client_tx_depth(const struct db_client *c) {
  (void)c;
  return 0;
}

static duk_ret_t native_db(duk_context *ctx) { return worker_db_call(ctx, NULL, 1000); }

/* Pushes one JS value built from the spec at *P (advancing it). */
static void push_param(duk_context *ctx, const uint8_t **p, const uint8_t *end) {
  uint8_t tag = *(*p)++;
  size_t avail = (size_t)(end - *p);
  switch (tag % 8) {
  case 0: duk_push_null(ctx); break;
  case 1: duk_push_undefined(ctx); break;
  case 2: duk_push_boolean(ctx, tag & 0x80); break;
  case 3: {
    double d = 0;
    size_t n = avail < sizeof d ? avail : sizeof d;
    memcpy(&d, *p, n);
    *p += n;
    duk_push_number(ctx, d);
    break;
  }
  case 4: { /* a string of raw bytes: may be invalid UTF-8 or CESU-8 */
    size_t n = tag >> 3;
    if (n > avail) n = avail;
    duk_push_lstring(ctx, (const char *)*p, n);
    *p += n;
    break;
  }
  case 5: {
    size_t n = tag >> 3;
    if (n > avail) n = avail;
    void *b = duk_push_fixed_buffer(ctx, n);
    if (n) memcpy(b, *p, n);
    *p += n;
    duk_push_buffer_object(ctx, -1, 0, n, DUK_BUFOBJ_UINT8ARRAY);
    duk_remove(ctx, -2);
    break;
  }
  case 6: duk_push_object(ctx); break;
  default: { /* an integer in the 2^53 neighbourhood */
    int64_t k = (int64_t)(tag >> 3) - 16;
    duk_push_number(ctx, 9007199254740992.0 + (double)k);
    break;
  }
  }
}

/* Echo mode: value IDX (sent) equals value at -1 (received)? */
static void check_roundtrip(duk_context *ctx, duk_idx_t sent, size_t pos) {
  if (duk_is_null_or_undefined(ctx, sent)) {
    if (!duk_is_null(ctx, -1)) goto differ;
    return;
  }
  if (duk_is_buffer_data(ctx, sent)) {
    duk_size_t a, b;
    void *pa = duk_get_buffer_data(ctx, sent, &a), *pb = duk_get_buffer_data(ctx, -1, &b);
    if (pb == NULL && b != 0) goto differ;
    if (!duk_is_buffer_data(ctx, -1) || a != b || (a && memcmp(pa, pb, a) != 0)) goto differ;
    return;
  }
  if (duk_is_number(ctx, sent) && fabs(duk_get_number(ctx, sent)) > 9007199254740992.0) {
    return; /* sent as a JSON real; comes back rounded the same way */
  }
  if (duk_is_boolean(ctx, sent)) { /* SQLite has no booleans: 1 and 0 come back */
    if (!duk_is_number(ctx, -1) || duk_get_number(ctx, -1) != (duk_get_boolean(ctx, sent) ? 1 : 0))
      goto differ;
    return;
  }
  if (!duk_strict_equals(ctx, sent, -1)) goto differ;
  return;
differ:
  fprintf(stderr, "parameter %zu changed on the way: sent %s, ", pos + 1, duk_safe_to_string(ctx, sent));
  fprintf(stderr, "got %s\n", duk_safe_to_string(ctx, -1));
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  static duk_context *ctx;
  if (ctx == NULL) {
    ctx = duk_create_heap_default();
    if (ctx == NULL) abort();
  }
  uint8_t flags = data[0];
  size_t nspec = data[1] < size - 2 ? data[1] : size - 2;
  const uint8_t *p = data + 2, *spec_end = data + 2 + nspec;
  op_query = !(flags & 1);
  op_batch = (flags & 4) != 0;
  reply_values = NULL;
  if (flags & 2) {
    json_t *v = json_loadb((const char *)spec_end, size - 2 - nspec, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (!json_is_array(v)) {
      json_decref(v);
      return 0;
    }
    reply_values = v;
  }

  duk_idx_t base = duk_get_top(ctx);
  duk_push_array(ctx); /* base: the params */
  expect_params = 0;
  int unbindable = 0;
  while (p < spec_end) {
    push_param(ctx, &p, spec_end);
    if (duk_is_object(ctx, -1) && !duk_is_buffer_data(ctx, -1)) unbindable = 1;
    if (duk_is_number(ctx, -1) && !isfinite(duk_get_number(ctx, -1))) unbindable = 1;
    duk_put_prop_index(ctx, base, (duk_uarridx_t)expect_params++);
  }
  duk_push_c_function(ctx, native_db, 3);
  if (op_batch) { /* db.batch([{sql, params}, {sql, params}]) */
    duk_push_string(ctx, "batch");
    duk_push_string(ctx, (flags & 8) ? "atomic" : "");
    duk_push_array(ctx);
    for (duk_uarridx_t i = 0; i < 2; i++) {
      duk_push_object(ctx);
      duk_push_string(ctx, op_query ? "SELECT ?" : "INSERT INTO t VALUES (?)");
      duk_put_prop_string(ctx, -2, "sql");
      duk_dup(ctx, base);
      duk_put_prop_string(ctx, -2, "params");
      duk_put_prop_index(ctx, -2, i);
    }
  } else {
    duk_push_string(ctx, op_query ? "query" : "execute");
    duk_push_string(ctx, "SELECT ?");
    duk_dup(ctx, base);
  }
  int rc = duk_pcall(ctx, 3); /* base+1: the result or the error */
  if (rc == DUK_EXEC_SUCCESS && unbindable) {
    fprintf(stderr, "an unbindable parameter (object, NaN, Infinity) was accepted\n");
    abort();
  }
  if (rc == DUK_EXEC_SUCCESS && op_query && reply_values == NULL && !op_batch && expect_params == 0) {
    if (duk_get_length(ctx, base + 1) != 0) abort(); /* no columns, no rows */
  } else if (rc == DUK_EXEC_SUCCESS && op_query && reply_values == NULL && !op_batch) {
    duk_get_prop_index(ctx, base + 1, 0); /* the row */
    for (size_t i = 0; i < expect_params; i++) {
      char name[32];
      snprintf(name, sizeof name, "c%zu", i);
      duk_get_prop_string(ctx, -1, name);
      duk_get_prop_index(ctx, base, (duk_uarridx_t)i);
      duk_swap_top(ctx, -2);
      check_roundtrip(ctx, duk_get_top(ctx) - 2, i);
      duk_pop_2(ctx);
    }
    duk_pop(ctx);
  } else if (rc == DUK_EXEC_SUCCESS) {
    /* Touch every value the way an app would: JSON.stringify the result. */
    duk_dup(ctx, base + 1);
    (void)duk_safe_to_string(ctx, -1);
    duk_pop(ctx);
  }
  duk_set_top(ctx, base);
  json_decref(reply_values);
  reply_values = NULL;
  duk_gc(ctx, 0);
  return 0;
}
