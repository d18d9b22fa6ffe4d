/* test_dqlite_proto.c: unit tests for the dqlite wire protocol codec
 * (broker/dqlite_proto.c).
 *
 * Requests are checked byte for byte against messages written out by hand
 * from dqlite's documentation and source (request.h, tuple.c); responses
 * are built here the way dqlite's gateway.c and query.c write them, then
 * decoded, including the ways a peer can get them wrong: truncation, an
 * unexpected or unknown message type, an unknown format version, bytes
 * left over, an unknown value type, impossible counts.
 */
#include "autoconfig.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dqlite_proto.h"

/* ---- building expected bytes ----------------------------------------- */

struct bytes {
  unsigned char p[8192];
  size_t n;
};

static void b_le(struct bytes *b, uint64_t v, size_t width) {
  for (size_t i = 0; i < width; i++) b->p[b->n++] = (unsigned char)(v >> (8 * i));
}
static void b_u64(struct bytes *b, uint64_t v) { b_le(b, v, 8); }
static void b_raw(struct bytes *b, const void *p, size_t n) {
  memcpy(b->p + b->n, p, n);
  b->n += n;
}
static void b_pad(struct bytes *b) {
  while (b->n % 8) b->p[b->n++] = 0;
}
static void b_text(struct bytes *b, const char *s) {
  b_raw(b, s, strlen(s) + 1);
  b_pad(b);
}
/* A message header for a body of WORDS words. */
static void b_header(struct bytes *b, uint32_t words, uint8_t type, uint8_t schema) {
  b_le(b, words, 4);
  b->p[b->n++] = type;
  b->p[b->n++] = schema;
  b_le(b, 0, 2);
}

static void assert_bytes(const struct dqlite_proto_buf *got, const struct bytes *want) {
  ck_assert_uint_eq(got->len, want->n);
  for (size_t i = 0; i < want->n; i++)
    ck_assert_msg(got->data[i] == want->p[i], "byte %zu: got 0x%02x, want 0x%02x", i, got->data[i],
                  want->p[i]);
}

/* Decodes the message in B (header and body). */
static int decode(const struct bytes *b, enum dqlite_proto_response expected,
                  struct dqlite_proto_response_body *out, char *err, size_t errlen) {
  struct dqlite_proto_header h;
  ck_assert_uint_ge(b->n, 8);
  if (dqlite_proto_header_decode(b->p, DQLITE_PROTO_MAX_BODY_BYTES, &h, err, errlen) != 0) return -1;
  ck_assert_uint_eq((size_t)h.words * 8, b->n - 8);
  return dqlite_proto_response_decode(&h, b->p + 8, expected, out, err, errlen);
}

/* ---- requests ---------------------------------------------------------- */

START_TEST(test_handshake_and_simple_requests) {
  struct dqlite_proto_buf out = {0};
  struct bytes want = {.n = 0};
  char err[256];
  ck_assert_int_eq(dqlite_proto_handshake(&out, err, sizeof err), 0);
  b_u64(&want, 1); /* the version word, no header */
  ck_assert_int_eq(dqlite_proto_leader(&out, err, sizeof err), 0);
  b_header(&want, 1, 0, 0);
  b_u64(&want, 0);
  ck_assert_int_eq(dqlite_proto_open(&out, "test", err, sizeof err), 0);
  b_header(&want, 3, 3, 0); /* "test\0" padded: 1 word; flags; "" padded: 1 word */
  b_text(&want, "test");
  b_u64(&want, 0);
  b_text(&want, "");
  ck_assert_int_eq(dqlite_proto_prepare(&out, 0, "SELECT 1", err, sizeof err), 0);
  b_header(&want, 3, 4, 0); /* db id; "SELECT 1\0": 9 bytes, 2 words */
  b_u64(&want, 0);
  b_text(&want, "SELECT 1");
  ck_assert_int_eq(dqlite_proto_finalize(&out, 7, 9, err, sizeof err), 0);
  b_header(&want, 1, 7, 0);
  b_le(&want, 7, 4);
  b_le(&want, 9, 4);
  ck_assert_int_eq(dqlite_proto_interrupt(&out, 0, err, sizeof err), 0);
  b_header(&want, 1, 10, 0);
  b_u64(&want, 0);
  ck_assert_int_eq(dqlite_proto_add(&out, 2, "10.0.0.2:9001", err, sizeof err), 0);
  b_header(&want, 3, 12, 0);
  b_u64(&want, 2);
  b_text(&want, "10.0.0.2:9001");
  ck_assert_int_eq(dqlite_proto_cluster(&out, err, sizeof err), 0);
  b_header(&want, 1, 16, 0);
  b_u64(&want, 1); /* format 1: with roles */
  ck_assert_int_eq(dqlite_proto_remove(&out, 4, err, sizeof err), 0);
  b_header(&want, 1, 14, 0);
  b_u64(&want, 4);
  ck_assert_int_eq(dqlite_proto_transfer(&out, 3, err, sizeof err), 0);
  b_header(&want, 1, 17, 0);
  b_u64(&want, 3);
  ck_assert_int_eq(dqlite_proto_dump(&out, "jsfpm.db", err, sizeof err), 0);
  b_header(&want, 2, 15, 0); /* "jsfpm.db\0": 9 bytes, 2 words */
  b_text(&want, "jsfpm.db");
  assert_bytes(&out, &want);
  dqlite_proto_buf_free(&out);
}
END_TEST

START_TEST(test_params_every_type) {
  struct dqlite_proto_buf out = {0};
  char err[256];
  struct dqlite_proto_value p[] = {
      {.type = DQLITE_PROTO_INTEGER, .integer = INT64_MIN},
      {.type = DQLITE_PROTO_FLOAT, .real = 0.5},
      {.type = DQLITE_PROTO_TEXT, .bytes = "héllo", .len = 6},
      {.type = DQLITE_PROTO_BLOB, .bytes = "\x00\xff\x10", .len = 3},
      {.type = DQLITE_PROTO_NULL},
      {.type = DQLITE_PROTO_ISO8601, .bytes = "2024-01-02", .len = 10},
      {.type = DQLITE_PROTO_BOOLEAN, .integer = 7}, /* any non-zero is true */
      {.type = DQLITE_PROTO_TEXT, .bytes = "", .len = 0},
  };
  ck_assert_int_eq(dqlite_proto_run_sql(&out, 0, 0, "INSERT", p, 8, err, sizeof err), 0);
  struct bytes want = {.n = 0};
  struct bytes body = {.n = 0};
  b_u64(&body, 0);
  b_text(&body, "INSERT");
  /* the tuple: count (1 byte) and 8 type bytes, padded to 2 words */
  unsigned char types[] = {8, 1, 2, 3, 4, 5, 10, 11, 3};
  b_raw(&body, types, sizeof types);
  b_pad(&body);
  b_u64(&body, (uint64_t)INT64_MIN);
  b_u64(&body, UINT64_C(0x3fe0000000000000)); /* 0.5 */
  b_text(&body, "héllo");
  b_u64(&body, 3);
  b_raw(&body, "\x00\xff\x10", 3);
  b_pad(&body);
  b_u64(&body, 0);
  b_text(&body, "2024-01-02");
  b_u64(&body, 1);
  b_text(&body, "");
  b_header(&want, (uint32_t)(body.n / 8), 8, 0);
  b_raw(&want, body.p, body.n);
  assert_bytes(&out, &want);

  /* A prepared statement's QUERY: ids as two 32-bit fields; no parameters
   * is a count of 0 padded to a word. */
  out.len = 0;
  ck_assert_int_eq(dqlite_proto_run_stmt(&out, 1, 3, 4, NULL, 0, err, sizeof err), 0);
  struct bytes q = {.n = 0};
  b_header(&q, 2, 6, 0);
  b_le(&q, 3, 4);
  b_le(&q, 4, 4);
  b_u64(&q, 0);
  assert_bytes(&out, &q);
  dqlite_proto_buf_free(&out);
}
END_TEST

START_TEST(test_params_long_form) {
  /* Past 255 parameters the count takes 4 bytes and the schema is 1. */
  enum { N = 300 };
  struct dqlite_proto_value *p = calloc(N, sizeof *p);
  for (int i = 0; i < N; i++) p[i] = (struct dqlite_proto_value){.type = DQLITE_PROTO_INTEGER, .integer = i};
  struct dqlite_proto_buf out = {0};
  char err[256];
  ck_assert_int_eq(dqlite_proto_run_stmt(&out, 0, 1, 2, p, N, err, sizeof err), 0);
  size_t header_words = (4 + N + 7) / 8;
  ck_assert_uint_eq(out.len, 8 + 8 + header_words * 8 + N * 8);
  ck_assert_uint_eq(out.data[4], 5); /* EXEC */
  ck_assert_uint_eq(out.data[5], 1); /* schema 1 */
  const unsigned char *tuple = out.data + 16;
  ck_assert_uint_eq(tuple[0] | tuple[1] << 8 | tuple[2] << 16 | (unsigned)tuple[3] << 24, N);
  ck_assert_uint_eq(tuple[4], DQLITE_PROTO_INTEGER);
  ck_assert_uint_eq(tuple[4 + N], 0); /* padding */
  const unsigned char *last = out.data + out.len - 8;
  ck_assert_uint_eq(last[0] | last[1] << 8, N - 1);
  free(p);
  dqlite_proto_buf_free(&out);
}
END_TEST

START_TEST(test_encoding_refusals) {
  struct dqlite_proto_buf out = {0};
  char err[256];
  ck_assert_int_eq(dqlite_proto_leader(&out, err, sizeof err), 0);
  size_t before = out.len;
  struct dqlite_proto_value nul = {.type = DQLITE_PROTO_TEXT, .bytes = "a\0b", .len = 3};
  struct dqlite_proto_value ok = {.type = DQLITE_PROTO_INTEGER, .integer = 1};
  struct dqlite_proto_value two[] = {ok, nul};
  ck_assert_int_eq(dqlite_proto_run_sql(&out, 0, 0, "SELECT ?, ?", two, 2, err, sizeof err), -1);
  ck_assert_str_eq(err, "parameter 2 contains a NUL byte, which dqlite's wire protocol cannot carry");
  ck_assert_uint_eq(out.len, before); /* nothing of it left behind */
  struct dqlite_proto_value unixtime = {.type = DQLITE_PROTO_UNIXTIME, .integer = 1};
  ck_assert_int_eq(dqlite_proto_run_stmt(&out, 0, 0, 1, &unixtime, 1, err, sizeof err), -1);
  ck_assert_str_eq(err, "parameter 1: value type 9 cannot be sent to dqlite");
  ck_assert_uint_eq(out.len, before);
  ck_assert_int_eq(
      dqlite_proto_run_sql(&out, 0, 0, "SELECT 1", NULL, DQLITE_PROTO_MAX_PARAMS + 1, err, sizeof err), -1);
  ck_assert_uint_eq(out.len, before);
  /* The buffer still holds the first message, whole. */
  ck_assert_uint_eq(out.len, 16);
  dqlite_proto_buf_free(&out);
}
END_TEST

/* ---- responses --------------------------------------------------------- */

START_TEST(test_fixed_responses) {
  struct dqlite_proto_response_body r;
  char err[256];
  struct bytes b = {.n = 0};
  b_header(&b, 4, 0, 0); /* FAILURE: code, message (3 words) */
  b_u64(&b, 2067);
  b_text(&b, "UNIQUE constraint");
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_RESULT, &r, err, sizeof err), 0);
  ck_assert_int_eq(r.type, DQLITE_PROTO_RESP_FAILURE);
  ck_assert_uint_eq(r.u.failure.code, 2067);
  ck_assert_str_eq(r.u.failure.message, "UNIQUE constraint");

  b.n = 0;
  b_header(&b, 3, 1, 0); /* SERVER */
  b_u64(&b, 3);
  b_text(&b, "10.0.0.3:9001");
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_SERVER, &r, err, sizeof err), 0);
  ck_assert_uint_eq(r.u.server.id, 3);
  ck_assert_str_eq(r.u.server.address, "10.0.0.3:9001");

  b.n = 0;
  b_header(&b, 1, 4, 0); /* DB: id, padding */
  b_le(&b, 5, 4);
  b_le(&b, 0, 4);
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_DB, &r, err, sizeof err), 0);
  ck_assert_uint_eq(r.u.db.id, 5);

  b.n = 0;
  b_header(&b, 2, 5, 0); /* STMT */
  b_le(&b, 5, 4);
  b_le(&b, 6, 4);
  b_u64(&b, 2);
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_STMT, &r, err, sizeof err), 0);
  ck_assert_uint_eq(r.u.stmt.id, 6);
  ck_assert_uint_eq(r.u.stmt.nparams, 2);

  b.n = 0;
  b_header(&b, 2, 6, 0); /* RESULT */
  b_u64(&b, (uint64_t)-5);
  b_u64(&b, 1);
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_RESULT, &r, err, sizeof err), 0);
  ck_assert_int_eq((int64_t)r.u.result.last_insert_id, -5);
  ck_assert_uint_eq(r.u.result.rows_affected, 1);

  b.n = 0;
  b_header(&b, 1, 8, 0); /* EMPTY */
  b_u64(&b, 0);
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_EMPTY, &r, err, sizeof err), 0);
}
END_TEST

START_TEST(test_bad_responses) {
  struct dqlite_proto_response_body r;
  char err[256];
  struct bytes b = {.n = 0};
  b_header(&b, 1, 8, 0); /* EMPTY where RESULT is due */
  b_u64(&b, 0);
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_RESULT, &r, err, sizeof err), -1);
  ck_assert_str_eq(err, "dqlite node answered with EMPTY, expected RESULT");

  b.n = 0;
  b_header(&b, 1, 42, 0); /* a type dqlite does not have */
  b_u64(&b, 0);
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_RESULT, &r, err, sizeof err), -1);
  ck_assert_str_eq(err, "dqlite node answered with unknown message type 42, expected RESULT");

  b.n = 0;
  b_header(&b, 3, 6, 1); /* RESULT in a format version we do not know */
  b_u64(&b, 1);
  b_u64(&b, 1);
  b_u64(&b, 1);
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_RESULT, &r, err, sizeof err), -1);
  ck_assert_str_eq(err, "dqlite RESULT response in unknown format version 1");

  b.n = 0;
  b_header(&b, 3, 6, 0); /* RESULT with a word too many */
  b_u64(&b, 1);
  b_u64(&b, 1);
  b_u64(&b, 1);
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_RESULT, &r, err, sizeof err), -1);
  ck_assert_str_eq(err, "dqlite RESULT response has 8 unexpected bytes at its end");

  b.n = 0;
  b_header(&b, 1, 6, 0); /* RESULT cut short */
  b_u64(&b, 1);
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_RESULT, &r, err, sizeof err), -1);
  ck_assert_str_eq(err, "dqlite RESULT response truncated in rows affected (0 bytes left)");

  b.n = 0;
  b_header(&b, 2, 0, 0); /* FAILURE whose message has no terminating NUL */
  b_u64(&b, 1);
  b_raw(&b, "abcdefgh", 8);
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_RESULT, &r, err, sizeof err), -1);
  ck_assert_str_eq(err, "dqlite FAILURE response: message is not NUL-terminated");

  /* A header announcing more than the limit is refused before any body. */
  struct dqlite_proto_header h;
  b.n = 0;
  b_header(&b, 0xffffffffu, 7, 0);
  ck_assert_int_eq(dqlite_proto_header_decode(b.p, DQLITE_PROTO_MAX_BODY_BYTES, &h, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "exceeds the limit"));
}
END_TEST

/* A ROWS body as dqlite's query.c writes it: column count, names, then
 * per row a 4-bit-per-column type header padded to a word, the values. */
static void rows_body(struct bytes *body, int more) {
  b_u64(body, 3);
  b_text(body, "a");
  b_text(body, "long_column_name");
  b_text(body, "c");
  /* row 1: INTEGER, TEXT, BLOB */
  b_le(body, 1 | 3 << 4 | (uint64_t)4 << 8, 8);
  b_u64(body, 42);
  b_text(body, "x");
  b_u64(body, 2);
  b_raw(body, "\x01\x02", 2);
  b_pad(body);
  /* row 2: FLOAT, NULL, ISO8601 */
  b_le(body, 2 | 5 << 4 | (uint64_t)10 << 8, 8);
  b_u64(body, UINT64_C(0xbff0000000000000)); /* -1.0 */
  b_u64(body, 0);
  b_text(body, "2024-01-02 03:04:05");
  /* row 3: UNIXTIME, BOOLEAN, TEXT "" */
  b_le(body, 9 | 11 << 4 | (uint64_t)3 << 8, 8);
  b_u64(body, 1700000000);
  b_u64(body, 1);
  b_text(body, "");
  b_u64(body, more ? UINT64_C(0xeeeeeeeeeeeeeeee) : UINT64_C(0xffffffffffffffff));
}

static void rows_message(struct bytes *b, const struct bytes *body) {
  b->n = 0;
  b_header(b, (uint32_t)(body->n / 8), 7, 0);
  b_raw(b, body->p, body->n);
}

START_TEST(test_rows) {
  for (int more = 0; more <= 1; more++) {
    struct bytes body = {.n = 0}, b;
    rows_body(&body, more);
    rows_message(&b, &body);
    struct dqlite_proto_response_body r;
    char err[256];
    ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_ROWS, &r, err, sizeof err), 0);
    ck_assert_uint_eq(r.u.rows.ncolumns, 3);
    const char *names[3];
    struct dqlite_proto_value v[3];
    ck_assert_int_eq(dqlite_proto_rows_next(&r.u.rows, v, err, sizeof err), -1); /* names first */
    ck_assert_int_eq(dqlite_proto_rows_names(&r.u.rows, names, err, sizeof err), 0);
    ck_assert_str_eq(names[1], "long_column_name");
    ck_assert_int_eq(dqlite_proto_rows_next(&r.u.rows, v, err, sizeof err), 1);
    ck_assert_int_eq(v[0].type, DQLITE_PROTO_INTEGER);
    ck_assert_int_eq(v[0].integer, 42);
    ck_assert_int_eq(v[1].type, DQLITE_PROTO_TEXT);
    ck_assert_str_eq(v[1].bytes, "x");
    ck_assert_uint_eq(v[1].len, 1);
    ck_assert_int_eq(v[2].type, DQLITE_PROTO_BLOB);
    ck_assert_uint_eq(v[2].len, 2);
    ck_assert(memcmp(v[2].bytes, "\x01\x02", 2) == 0);
    ck_assert_int_eq(dqlite_proto_rows_next(&r.u.rows, v, err, sizeof err), 1);
    ck_assert(v[0].type == DQLITE_PROTO_FLOAT && v[0].real == -1.0);
    ck_assert_int_eq(v[1].type, DQLITE_PROTO_NULL);
    ck_assert(v[2].type == DQLITE_PROTO_ISO8601 && strcmp(v[2].bytes, "2024-01-02 03:04:05") == 0);
    ck_assert_int_eq(dqlite_proto_rows_next(&r.u.rows, v, err, sizeof err), 1);
    ck_assert(v[0].type == DQLITE_PROTO_UNIXTIME && v[0].integer == 1700000000);
    ck_assert(v[1].type == DQLITE_PROTO_BOOLEAN && v[1].integer == 1);
    ck_assert(v[2].type == DQLITE_PROTO_TEXT && v[2].len == 0);
    ck_assert_int_eq(dqlite_proto_rows_next(&r.u.rows, v, err, sizeof err), 0);
    ck_assert_int_eq(r.u.rows.more, more);
    ck_assert_int_eq(dqlite_proto_rows_next(&r.u.rows, v, err, sizeof err), 0); /* stays at the end */
  }
}
END_TEST

/* Decodes B's rows to the end; returns what the last call returned. */
static int read_all_rows(const struct bytes *b, char *err, size_t errlen) {
  struct dqlite_proto_response_body r;
  if (decode(b, DQLITE_PROTO_RESP_ROWS, &r, err, errlen) != 0) return -2;
  const char *names[8];
  struct dqlite_proto_value v[8];
  if (r.u.rows.ncolumns > 8) return -3;
  if (dqlite_proto_rows_names(&r.u.rows, names, err, errlen) != 0) return -1;
  int got;
  while ((got = dqlite_proto_rows_next(&r.u.rows, v, err, errlen)) == 1) continue;
  return got;
}

START_TEST(test_bad_rows) {
  char err[256];
  struct bytes body = {.n = 0}, b;
  rows_body(&body, 0);
  /* An unknown value type in the second row's third column: that row's
   * header is at 48 (count and names) + 40 (the first row); the third
   * column's type is the low half of its second byte. */
  body.p[48 + 40 + 1] = 0x0c;
  rows_message(&b, &body);
  ck_assert_int_eq(read_all_rows(&b, err, sizeof err), -1);
  ck_assert_str_eq(err, "dqlite ROWS response: unknown value type 12 (column 3)");

  /* The end word missing: the body runs out. */
  body.n = 0;
  rows_body(&body, 0);
  body.n -= 8;
  rows_message(&b, &body);
  ck_assert_int_eq(read_all_rows(&b, err, sizeof err), -1);
  ck_assert_str_eq(err, "dqlite ROWS response truncated in rows (0 bytes left)");

  /* Bytes after the end word. */
  body.n = 0;
  rows_body(&body, 0);
  b_u64(&body, 0);
  rows_message(&b, &body);
  ck_assert_int_eq(read_all_rows(&b, err, sizeof err), -1);
  ck_assert_str_eq(err, "dqlite ROWS response has 8 unexpected bytes after its end");

  /* A blob longer than the body. */
  body.n = 0;
  b_u64(&body, 1);
  b_text(&body, "b");
  b_u64(&body, 4);
  b_u64(&body, UINT64_C(0xffffffffffffff00));
  b_u64(&body, UINT64_C(0xffffffffffffffff));
  rows_message(&b, &body);
  ck_assert_int_eq(read_all_rows(&b, err, sizeof err), -1);
  ck_assert_str_eq(err, "dqlite ROWS response truncated in blob value (8 bytes left) (column 1)");

  /* More columns than the body could name. */
  body.n = 0;
  b_u64(&body, 1000);
  b_u64(&body, UINT64_C(0xffffffffffffffff));
  rows_message(&b, &body);
  ck_assert_int_eq(read_all_rows(&b, err, sizeof err), -2);
  ck_assert_str_eq(err, "dqlite ROWS response: 1000 columns cannot fit in 8 bytes");

  /* No columns, yet something else than the end word. */
  body.n = 0;
  b_u64(&body, 0);
  b_u64(&body, 1);
  b_u64(&body, UINT64_C(0xffffffffffffffff));
  rows_message(&b, &body);
  ck_assert_int_eq(read_all_rows(&b, err, sizeof err), -1);
  ck_assert_str_eq(err, "dqlite ROWS response: a row without columns");

  /* No columns and no rows: a statement without result columns. */
  body.n = 0;
  b_u64(&body, 0);
  b_u64(&body, UINT64_C(0xffffffffffffffff));
  rows_message(&b, &body);
  ck_assert_int_eq(read_all_rows(&b, err, sizeof err), 0);
}
END_TEST

/* A query whose statement fails while it is stepped: dqlite 1.18.6 puts
 * the FAILURE's fields behind the column count, names and rows it had
 * already encoded (seen from a real node: an INSERT's UNIQUE failure sent
 * as a query). */
START_TEST(test_query_failure_after_rows) {
  struct dqlite_proto_response_body r;
  char err[256];
  struct bytes body = {.n = 0}, b = {.n = 0};
  b_u64(&body, 0); /* no columns: an INSERT */
  b_u64(&body, 1555);
  b_text(&body, "UNIQUE constraint failed: acked.id");
  b_header(&b, (uint32_t)(body.n / 8), 0, 0);
  b_raw(&b, body.p, body.n);
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_ROWS, &r, err, sizeof err), 0);
  ck_assert_int_eq(r.type, DQLITE_PROTO_RESP_FAILURE);
  ck_assert_uint_eq(r.u.failure.code, 1555);
  ck_assert_str_eq(r.u.failure.message, "UNIQUE constraint failed: acked.id");
  /* The same bytes answering anything but a query are refused. */
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_RESULT, &r, err, sizeof err), -1);
  ck_assert_str_eq(err, "dqlite FAILURE response has 40 unexpected bytes at its end");

  /* Two columns and two rows before it. */
  body.n = 0;
  b_u64(&body, 2);
  b_text(&body, "x");
  b_text(&body, "y");
  for (int row = 0; row < 2; row++) {
    b_le(&body, 1 | 3 << 4, 8);
    b_u64(&body, (uint64_t)row);
    b_text(&body, "some text");
  }
  b_u64(&body, 19);
  b_text(&body, "CHECK constraint failed");
  b.n = 0;
  b_header(&b, (uint32_t)(body.n / 8), 0, 0);
  b_raw(&b, body.p, body.n);
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_ROWS, &r, err, sizeof err), 0);
  ck_assert_uint_eq(r.u.failure.code, 19);
  ck_assert_str_eq(r.u.failure.message, "CHECK constraint failed");

  /* Names, then neither a row (value type 15) nor a failure (no text). */
  body.n = 0;
  b_u64(&body, 1);
  b_text(&body, "x");
  b_u64(&body, 0xf);
  b_raw(&body, "abcdefgh", 8);
  b.n = 0;
  b_header(&b, (uint32_t)(body.n / 8), 0, 0);
  b_raw(&b, body.p, body.n);
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_ROWS, &r, err, sizeof err), -1);
  ck_assert_str_eq(err, "dqlite FAILURE response: neither a failure nor a query's rows and a failure");
}
END_TEST

START_TEST(test_servers) {
  struct bytes b = {.n = 0}, body = {.n = 0};
  b_u64(&body, 2);
  b_u64(&body, 1);
  b_text(&body, "10.0.0.1:9001");
  b_u64(&body, DQLITE_PROTO_VOTER);
  b_u64(&body, 4);
  b_text(&body, "[fd00::4]:9001");
  b_u64(&body, DQLITE_PROTO_SPARE);
  b_header(&b, (uint32_t)(body.n / 8), 3, 0);
  b_raw(&b, body.p, body.n);
  struct dqlite_proto_response_body r;
  char err[256];
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_SERVERS, &r, err, sizeof err), 0);
  ck_assert_uint_eq(r.u.servers.count, 2);
  uint64_t id, role;
  const char *address;
  ck_assert_int_eq(dqlite_proto_servers_next(&r.u.servers, &id, &address, &role, err, sizeof err), 1);
  ck_assert(id == 1 && role == DQLITE_PROTO_VOTER && strcmp(address, "10.0.0.1:9001") == 0);
  ck_assert_int_eq(dqlite_proto_servers_next(&r.u.servers, &id, &address, &role, err, sizeof err), 1);
  ck_assert(id == 4 && role == DQLITE_PROTO_SPARE && strcmp(address, "[fd00::4]:9001") == 0);
  ck_assert_int_eq(dqlite_proto_servers_next(&r.u.servers, &id, &address, &role, err, sizeof err), 0);

  /* An unknown role. */
  b.p[b.n - 8] = 7;
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_SERVERS, &r, err, sizeof err), 0);
  ck_assert_int_eq(dqlite_proto_servers_next(&r.u.servers, &id, &address, &role, err, sizeof err), 1);
  ck_assert_int_eq(dqlite_proto_servers_next(&r.u.servers, &id, &address, &role, err, sizeof err), -1);
  ck_assert_str_eq(err, "dqlite SERVERS response: unknown role 7");

  /* A count the body cannot hold. */
  b.p[8] = 200;
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_SERVERS, &r, err, sizeof err), -1);
  ck_assert_str_eq(err, "dqlite SERVERS response: 200 members cannot fit in 64 bytes");
}
END_TEST

/* FILES, as dqlite 1.18.6's DUMP sends it: a count, then per file its
 * name (text), its length (uint64) and its bytes, unpadded (whole pages). */
START_TEST(test_files) {
  struct bytes b = {.n = 0}, body = {.n = 0};
  b_u64(&body, 2);
  b_text(&body, "jsfpm.db");
  b_u64(&body, 16);
  b_raw(&body, "SQLite format 3\0", 16);
  b_text(&body, "jsfpm.db-wal");
  b_u64(&body, 0);
  b_header(&b, (uint32_t)(body.n / 8), 9, 0);
  b_raw(&b, body.p, body.n);
  struct dqlite_proto_response_body r;
  char err[256];
  const char *name;
  const unsigned char *data;
  size_t len;
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_FILES, &r, err, sizeof err), 0);
  ck_assert_uint_eq(r.u.files.count, 2);
  ck_assert_int_eq(dqlite_proto_files_next(&r.u.files, &name, &data, &len, err, sizeof err), 1);
  ck_assert_str_eq(name, "jsfpm.db");
  ck_assert_uint_eq(len, 16);
  ck_assert(memcmp(data, "SQLite format 3", 16) == 0);
  ck_assert_int_eq(dqlite_proto_files_next(&r.u.files, &name, &data, &len, err, sizeof err), 1);
  ck_assert_str_eq(name, "jsfpm.db-wal");
  ck_assert_uint_eq(len, 0);
  ck_assert_int_eq(dqlite_proto_files_next(&r.u.files, &name, &data, &len, err, sizeof err), 0);

  /* A length past the body. */
  size_t len_at = 8 + 8 + 16; /* header, count, "jsfpm.db\0" padded */
  b.p[len_at] = 48;
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_FILES, &r, err, sizeof err), 0);
  ck_assert_int_eq(dqlite_proto_files_next(&r.u.files, &name, &data, &len, err, sizeof err), -1);
  ck_assert_str_eq(err, "dqlite FILES response truncated in file data (40 bytes left)");
  /* A length that is not whole words. */
  b.p[len_at] = 12;
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_FILES, &r, err, sizeof err), 0);
  ck_assert_int_eq(dqlite_proto_files_next(&r.u.files, &name, &data, &len, err, sizeof err), -1);
  ck_assert_str_eq(err, "dqlite FILES response: jsfpm.db has a length of 12 bytes, not a multiple of 8");
  b.p[len_at] = 16;
  /* Bytes after the last file. */
  b.p[8] = 1;
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_FILES, &r, err, sizeof err), 0);
  ck_assert_int_eq(dqlite_proto_files_next(&r.u.files, &name, &data, &len, err, sizeof err), 1);
  ck_assert_int_eq(dqlite_proto_files_next(&r.u.files, &name, &data, &len, err, sizeof err), -1);
  ck_assert_str_eq(err, "dqlite FILES response has 24 unexpected bytes at its end");
  /* A count the body cannot hold. */
  b.p[8] = 9;
  ck_assert_int_eq(decode(&b, DQLITE_PROTO_RESP_FILES, &r, err, sizeof err), -1);
  ck_assert_str_eq(err, "dqlite FILES response: 9 files cannot fit in 64 bytes");
}
END_TEST

static Suite *dqlite_proto_suite(void) {
  Suite *s = suite_create("dqlite_proto");
  TCase *tc = tcase_create("codec");
  tcase_add_test(tc, test_handshake_and_simple_requests);
  tcase_add_test(tc, test_params_every_type);
  tcase_add_test(tc, test_params_long_form);
  tcase_add_test(tc, test_encoding_refusals);
  tcase_add_test(tc, test_fixed_responses);
  tcase_add_test(tc, test_bad_responses);
  tcase_add_test(tc, test_rows);
  tcase_add_test(tc, test_bad_rows);
  tcase_add_test(tc, test_query_failure_after_rows);
  tcase_add_test(tc, test_servers);
  tcase_add_test(tc, test_files);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(dqlite_proto_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
