/* dqlite_proto.c: the codec of dqlite's client wire protocol (see
 * dqlite_proto.h).
 *
 * Guarantees: an encoder appends one whole message or leaves the buffer as
 * it was; a decoder never reads outside the bytes it was given, whatever
 * they hold (fuzzed), and reports what was wrong and where.
 */
#include "autoconfig.h"

#include "dqlite_proto.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORD_BYTES 8
/* A ROWS body ends with one of these words instead of a next row. */
#define ROWS_DONE UINT64_C(0xffffffffffffffff)
#define ROWS_PART UINT64_C(0xeeeeeeeeeeeeeeee)
/* Schema versions of the parameter tuple (byte 5 of EXEC/QUERY headers):
 * a one-byte or a four-byte parameter count. */
#define PARAMS_SCHEMA_SHORT 0
#define PARAMS_SCHEMA_LONG 1
#define PARAMS_SHORT_MAX 255u
/* CLUSTER request format: ids, addresses and roles. */
#define CLUSTER_FORMAT_ROLES 1
/* Bytes of one member in a SERVERS body at least: id, "" address, role. */
#define SERVER_MIN_BYTES (3 * WORD_BYTES)
/* Bytes of one file in a FILES body at least: "" name, length 0. */
#define FILE_MIN_BYTES (2 * WORD_BYTES)

/* ROWS state */
enum { ROWS_AT_NAMES, ROWS_AT_ROW, ROWS_AT_END };

static size_t pad8(size_t n) { return (n + WORD_BYTES - 1) & ~(size_t)(WORD_BYTES - 1); }

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  return -1;
}

static const char *response_name(unsigned type, char *buf, size_t buflen) {
  static const char *const names[] = {
      [DQLITE_PROTO_RESP_FAILURE] = "FAILURE", [DQLITE_PROTO_RESP_SERVER] = "SERVER",
      [DQLITE_PROTO_RESP_SERVERS] = "SERVERS", [DQLITE_PROTO_RESP_DB] = "DB",
      [DQLITE_PROTO_RESP_STMT] = "STMT",       [DQLITE_PROTO_RESP_RESULT] = "RESULT",
      [DQLITE_PROTO_RESP_ROWS] = "ROWS",       [DQLITE_PROTO_RESP_EMPTY] = "EMPTY",
      [DQLITE_PROTO_RESP_FILES] = "FILES",
  };
  if (type < sizeof names / sizeof names[0] && names[type] != NULL) return names[type];
  snprintf(buf, buflen, "unknown message type %u", type);
  return buf;
}

void dqlite_proto_buf_free(struct dqlite_proto_buf *b) {
  free(b->data);
  *b = (struct dqlite_proto_buf){0};
}

/* ---- encoding ----------------------------------------------------------- */

/* A message being appended to a buffer.  The first failure is kept; the
 * later steps then do nothing, and msg_end takes the message back out. */
struct msg {
  struct dqlite_proto_buf *b;
  size_t start; /* offset of the message's header in b */
  uint8_t type;
  uint8_t schema;
  char *err;
  size_t errlen;
  int failed;
};

/* N zeroed bytes appended to M's buffer, or NULL (M failed). */
static unsigned char *msg_grow(struct msg *m, size_t n) {
  if (m->failed) return NULL;
  struct dqlite_proto_buf *b = m->b;
  if (n > SIZE_MAX / 2 - b->len) {
    m->failed = fail(m->err, m->errlen, "message too large");
    return NULL;
  }
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n) cap *= 2;
    unsigned char *bigger = realloc(b->data, cap);
    if (bigger == NULL) {
      m->failed = fail(m->err, m->errlen, "out of memory encoding a dqlite request");
      return NULL;
    }
    b->data = bigger;
    b->cap = cap;
  }
  unsigned char *p = b->data + b->len;
  memset(p, 0, n);
  b->len += n;
  return p;
}

static void put_le(unsigned char *p, uint64_t v, size_t bytes) {
  for (size_t i = 0; i < bytes; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static void msg_begin(struct msg *m, struct dqlite_proto_buf *b, uint8_t type, char *err, size_t errlen) {
  *m = (struct msg){.b = b, .start = b->len, .type = type, .err = err, .errlen = errlen};
  msg_grow(m, DQLITE_PROTO_HEADER_BYTES); /* filled in by msg_end */
}

static void put_u64(struct msg *m, uint64_t v) {
  unsigned char *p = msg_grow(m, 8);
  if (p) put_le(p, v, 8);
}

static void put_u32(struct msg *m, uint32_t v) {
  unsigned char *p = msg_grow(m, 4);
  if (p) put_le(p, v, 4);
}

/* Text of LEN bytes, NUL-terminated and padded.  WHAT names it in the error
 * when it holds a NUL byte, which the protocol cannot carry. */
static void put_text(struct msg *m, const char *s, size_t len, const char *what) {
  if (m->failed) return;
  if (memchr(s, '\0', len) != NULL) {
    m->failed =
        fail(m->err, m->errlen, "%s contains a NUL byte, which dqlite's wire protocol cannot carry", what);
    return;
  }
  unsigned char *p = msg_grow(m, pad8(len + 1));
  if (p) memcpy(p, s, len);
}

static void put_value(struct msg *m, const struct dqlite_proto_value *v, const char *what) {
  switch (v->type) {
  case DQLITE_PROTO_INTEGER: put_u64(m, (uint64_t)v->integer); break;
  case DQLITE_PROTO_BOOLEAN: put_u64(m, v->integer != 0); break;
  case DQLITE_PROTO_FLOAT: {
    uint64_t bits;
    memcpy(&bits, &v->real, sizeof bits);
    put_u64(m, bits);
    break;
  }
  case DQLITE_PROTO_TEXT:
  case DQLITE_PROTO_ISO8601: put_text(m, v->bytes, v->len, what); break;
  case DQLITE_PROTO_BLOB: {
    put_u64(m, v->len);
    unsigned char *p = msg_grow(m, pad8(v->len));
    if (p && v->len) memcpy(p, v->bytes, v->len);
    break;
  }
  case DQLITE_PROTO_NULL: put_u64(m, 0); break;
  case DQLITE_PROTO_UNIXTIME: /* the server's tuple decoder refuses it */
  default:
    m->failed = fail(m->err, m->errlen, "%s: value type %d cannot be sent to dqlite", what, (int)v->type);
  }
}

/* The parameter tuple: the count (one byte, or four beyond 255, which sets
 * the message's schema), one type byte per value padded to a word boundary
 * (count included), then the values. */
static void put_params(struct msg *m, const struct dqlite_proto_value *params, size_t n) {
  if (n > DQLITE_PROTO_MAX_PARAMS) {
    m->failed =
        fail(m->err, m->errlen, "%zu parameters: more than the %u SQLite allows", n, DQLITE_PROTO_MAX_PARAMS);
    return;
  }
  size_t count_bytes = n <= PARAMS_SHORT_MAX ? 1 : 4;
  m->schema = n <= PARAMS_SHORT_MAX ? PARAMS_SCHEMA_SHORT : PARAMS_SCHEMA_LONG;
  unsigned char *p = msg_grow(m, pad8(count_bytes + n));
  if (p == NULL) return;
  put_le(p, n, count_bytes);
  for (size_t i = 0; i < n; i++) p[count_bytes + i] = (unsigned char)params[i].type;
  for (size_t i = 0; i < n && !m->failed; i++) {
    char what[32];
    snprintf(what, sizeof what, "parameter %zu", i + 1);
    put_value(m, &params[i], what);
  }
}

/* Writes M's header; on failure removes M from the buffer.  Returns 0/-1. */
static int msg_end(struct msg *m) {
  size_t body = m->b->len - m->start - DQLITE_PROTO_HEADER_BYTES;
  if (!m->failed && body / WORD_BYTES > UINT32_MAX)
    m->failed = fail(m->err, m->errlen, "dqlite request of %zu bytes is too large", body);
  if (m->failed) {
    m->b->len = m->start;
    return -1;
  }
  unsigned char *h = m->b->data + m->start;
  put_le(h, body / WORD_BYTES, 4);
  h[4] = m->type;
  h[5] = m->schema;
  return 0;
}

int dqlite_proto_handshake(struct dqlite_proto_buf *b, char *err, size_t errlen) {
  /* Not a message: one bare word. */
  struct msg m = {.b = b, .start = b->len, .err = err, .errlen = errlen};
  unsigned char *p = msg_grow(&m, WORD_BYTES);
  if (p == NULL) return -1;
  put_le(p, DQLITE_PROTO_VERSION, WORD_BYTES);
  return 0;
}

int dqlite_proto_leader(struct dqlite_proto_buf *b, char *err, size_t errlen) {
  struct msg m;
  msg_begin(&m, b, DQLITE_PROTO_REQ_LEADER, err, errlen);
  put_u64(&m, 0); /* unused */
  return msg_end(&m);
}

int dqlite_proto_open(struct dqlite_proto_buf *b, const char *name, char *err, size_t errlen) {
  struct msg m;
  msg_begin(&m, b, DQLITE_PROTO_REQ_OPEN, err, errlen);
  put_text(&m, name, strlen(name), "database name");
  put_u64(&m, 0);                  /* flags: unused by the server */
  put_text(&m, "", 0, "vfs name"); /* the server uses its own VFS */
  return msg_end(&m);
}

int dqlite_proto_prepare(struct dqlite_proto_buf *b, uint32_t db_id, const char *sql, char *err,
                         size_t errlen) {
  struct msg m;
  msg_begin(&m, b, DQLITE_PROTO_REQ_PREPARE, err, errlen);
  put_u64(&m, db_id);
  put_text(&m, sql, strlen(sql), "SQL");
  return msg_end(&m);
}

int dqlite_proto_run_stmt(struct dqlite_proto_buf *b, int query, uint32_t db_id, uint32_t stmt_id,
                          const struct dqlite_proto_value *params, size_t nparams, char *err, size_t errlen) {
  struct msg m;
  msg_begin(&m, b, query ? DQLITE_PROTO_REQ_QUERY : DQLITE_PROTO_REQ_EXEC, err, errlen);
  put_u32(&m, db_id);
  put_u32(&m, stmt_id);
  put_params(&m, params, nparams);
  return msg_end(&m);
}

int dqlite_proto_finalize(struct dqlite_proto_buf *b, uint32_t db_id, uint32_t stmt_id, char *err,
                          size_t errlen) {
  struct msg m;
  msg_begin(&m, b, DQLITE_PROTO_REQ_FINALIZE, err, errlen);
  put_u32(&m, db_id);
  put_u32(&m, stmt_id);
  return msg_end(&m);
}

int dqlite_proto_run_sql(struct dqlite_proto_buf *b, int query, uint32_t db_id, const char *sql,
                         const struct dqlite_proto_value *params, size_t nparams, char *err, size_t errlen) {
  struct msg m;
  msg_begin(&m, b, query ? DQLITE_PROTO_REQ_QUERY_SQL : DQLITE_PROTO_REQ_EXEC_SQL, err, errlen);
  put_u64(&m, db_id);
  put_text(&m, sql, strlen(sql), "SQL");
  put_params(&m, params, nparams);
  return msg_end(&m);
}

int dqlite_proto_interrupt(struct dqlite_proto_buf *b, uint32_t db_id, char *err, size_t errlen) {
  struct msg m;
  msg_begin(&m, b, DQLITE_PROTO_REQ_INTERRUPT, err, errlen);
  put_u64(&m, db_id);
  return msg_end(&m);
}

int dqlite_proto_add(struct dqlite_proto_buf *b, uint64_t node_id, const char *address, char *err,
                     size_t errlen) {
  struct msg m;
  msg_begin(&m, b, DQLITE_PROTO_REQ_ADD, err, errlen);
  put_u64(&m, node_id);
  put_text(&m, address, strlen(address), "node address");
  return msg_end(&m);
}

int dqlite_proto_cluster(struct dqlite_proto_buf *b, char *err, size_t errlen) {
  struct msg m;
  msg_begin(&m, b, DQLITE_PROTO_REQ_CLUSTER, err, errlen);
  put_u64(&m, CLUSTER_FORMAT_ROLES);
  return msg_end(&m);
}

int dqlite_proto_remove(struct dqlite_proto_buf *b, uint64_t node_id, char *err, size_t errlen) {
  struct msg m;
  msg_begin(&m, b, DQLITE_PROTO_REQ_REMOVE, err, errlen);
  put_u64(&m, node_id);
  return msg_end(&m);
}

int dqlite_proto_transfer(struct dqlite_proto_buf *b, uint64_t node_id, char *err, size_t errlen) {
  struct msg m;
  msg_begin(&m, b, DQLITE_PROTO_REQ_TRANSFER, err, errlen);
  put_u64(&m, node_id);
  return msg_end(&m);
}

int dqlite_proto_dump(struct dqlite_proto_buf *b, const char *name, char *err, size_t errlen) {
  struct msg m;
  msg_begin(&m, b, DQLITE_PROTO_REQ_DUMP, err, errlen);
  put_text(&m, name, strlen(name), "database name");
  return msg_end(&m);
}

/* ---- decoding ----------------------------------------------------------- */

/* Unread bytes of a body. */
struct cursor {
  const unsigned char *p;
  size_t left;
  const char *what; /* the message, for errors */
  char *err;
  size_t errlen;
};

static uint64_t get_le(const unsigned char *p, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes; i++) v |= (uint64_t)p[i] << (8 * i);
  return v;
}

static int short_body(struct cursor *c, const char *field) {
  return fail(c->err, c->errlen, "dqlite %s response truncated in %s (%zu bytes left)", c->what, field,
              c->left);
}

static int get_uint(struct cursor *c, size_t bytes, uint64_t *v, const char *field) {
  *v = 0;
  if (c->left < bytes) return short_body(c, field);
  *v = get_le(c->p, bytes);
  c->p += bytes;
  c->left -= bytes;
  return 0;
}

static int get_u64(struct cursor *c, uint64_t *v, const char *field) { return get_uint(c, 8, v, field); }

static int get_u32(struct cursor *c, uint32_t *v, const char *field) {
  uint64_t x;
  if (get_uint(c, 4, &x, field) < 0) return -1;
  *v = (uint32_t)x;
  return 0;
}

static int get_text(struct cursor *c, const char **s, size_t *len, const char *field) {
  const unsigned char *nul = memchr(c->p, '\0', c->left);
  if (nul == NULL)
    return fail(c->err, c->errlen, "dqlite %s response: %s is not NUL-terminated", c->what, field);
  size_t n = (size_t)(nul - c->p), padded = pad8(n + 1);
  if (padded > c->left) return short_body(c, field);
  *s = (const char *)c->p;
  if (len) *len = n;
  c->p += padded;
  c->left -= padded;
  return 0;
}

static int get_blob(struct cursor *c, const char **bytes, size_t *len, const char *field) {
  uint64_t n;
  if (get_u64(c, &n, field) < 0) return -1;
  if (n > c->left || pad8((size_t)n) > c->left) return short_body(c, field);
  *bytes = (const char *)c->p;
  *len = (size_t)n;
  c->p += pad8((size_t)n);
  c->left -= pad8((size_t)n);
  return 0;
}

int dqlite_proto_header_decode(const unsigned char *p, size_t max_body_bytes, struct dqlite_proto_header *h,
                               char *err, size_t errlen) {
  h->words = (uint32_t)get_le(p, 4);
  h->type = p[4];
  h->schema = p[5];
  if ((uint64_t)h->words * WORD_BYTES > max_body_bytes) {
    char name[40];
    return fail(err, errlen, "dqlite %s message of %llu bytes exceeds the limit of %zu bytes",
                response_name(h->type, name, sizeof name), (unsigned long long)h->words * WORD_BYTES,
                max_body_bytes);
  }
  return 0;
}

/* The fields of every fixed-size response; ROWS, SERVERS and FILES only their
 * count (their entries are read by the iterators). */
static int decode_fields(struct cursor *c, struct dqlite_proto_response_body *out) {
  uint64_t n;
  switch (out->type) {
  case DQLITE_PROTO_RESP_FAILURE:
    return get_u64(c, &out->u.failure.code, "code") || get_text(c, &out->u.failure.message, NULL, "message");
  case DQLITE_PROTO_RESP_SERVER:
    return get_u64(c, &out->u.server.id, "id") || get_text(c, &out->u.server.address, NULL, "address");
  case DQLITE_PROTO_RESP_DB: {
    uint32_t pad;
    return get_u32(c, &out->u.db.id, "id") || get_u32(c, &pad, "padding");
  }
  case DQLITE_PROTO_RESP_STMT:
    return get_u32(c, &out->u.stmt.db_id, "database id") || get_u32(c, &out->u.stmt.id, "id") ||
           get_u64(c, &out->u.stmt.nparams, "parameter count");
  case DQLITE_PROTO_RESP_RESULT:
    return get_u64(c, &out->u.result.last_insert_id, "last insert id") ||
           get_u64(c, &out->u.result.rows_affected, "rows affected");
  case DQLITE_PROTO_RESP_EMPTY: return get_u64(c, &n, "body");
  case DQLITE_PROTO_RESP_SERVERS:
    if (get_u64(c, &n, "count") < 0) return -1;
    if (n > c->left / SERVER_MIN_BYTES)
      return fail(c->err, c->errlen, "dqlite SERVERS response: %llu members cannot fit in %zu bytes",
                  (unsigned long long)n, c->left);
    out->u.servers = (struct dqlite_proto_servers){.count = n, .p = c->p, .left = c->left};
    c->left = 0;
    return 0;
  case DQLITE_PROTO_RESP_FILES:
    if (get_u64(c, &n, "count") < 0) return -1;
    if (n > c->left / FILE_MIN_BYTES)
      return fail(c->err, c->errlen, "dqlite FILES response: %llu files cannot fit in %zu bytes",
                  (unsigned long long)n, c->left);
    out->u.files = (struct dqlite_proto_files){.count = n, .p = c->p, .left = c->left};
    c->left = 0;
    return 0;
  case DQLITE_PROTO_RESP_ROWS:
    if (get_u64(c, &n, "column count") < 0) return -1;
    /* Each name takes a word at least. */
    if (n > DQLITE_PROTO_MAX_COLUMNS || n > c->left / WORD_BYTES)
      return fail(c->err, c->errlen, "dqlite ROWS response: %llu columns cannot fit in %zu bytes",
                  (unsigned long long)n, c->left);
    out->u.rows = (struct dqlite_proto_rows){.ncolumns = (unsigned)n, .p = c->p, .left = c->left};
    c->left = 0;
    return 0;
  }
  return -1; /* not reached: the type was checked */
}

/* A FAILURE body that is exactly a code and a message. */
static bool failure_exact(struct cursor c, struct dqlite_proto_response_body *out) {
  char quiet[64];
  c.err = quiet, c.errlen = sizeof quiet;
  return get_u64(&c, &out->u.failure.code, "code") == 0 &&
         get_text(&c, &out->u.failure.message, NULL, "message") == 0 && c.left == 0;
}

static int get_value(struct cursor *c, unsigned type, struct dqlite_proto_value *v);

/* Moves C past one row of NCOLUMNS values. */
static int skip_row(struct cursor *c, uint64_t ncolumns) {
  size_t header = pad8(((size_t)ncolumns + 1) / 2);
  if (header > c->left) return short_body(c, "row header");
  const unsigned char *types = c->p;
  c->p += header, c->left -= header;
  struct dqlite_proto_value v;
  for (uint64_t i = 0; i < ncolumns; i++)
    if (get_value(c, (types[i / 2] >> (i % 2 ? 4 : 0)) & 0xf, &v) < 0) return -1;
  return 0;
}

/* The FAILURE that answers a query.  When the statement fails while it is
 * being stepped, dqlite 1.18.6 writes the failure behind what it had
 * already put of the ROWS body into the message (gateway.c's failure()
 * appends to the buffer query.c filled): the column count and names, and
 * the rows of that batch.  So the code and message follow such a prefix,
 * which is skipped here, row by row, until exactly a code and a message
 * are left.  A failure before any of that has no prefix. */
static int decode_query_failure(struct cursor *c, struct dqlite_proto_response_body *out) {
  if (failure_exact(*c, out)) return 0;
  uint64_t n;
  const char *name;
  if (get_u64(c, &n, "column count") < 0) return -1;
  if (n > DQLITE_PROTO_MAX_COLUMNS || n > c->left / WORD_BYTES)
    return fail(c->err, c->errlen,
                "dqlite FAILURE response: neither a failure nor a query's rows and a failure");
  for (uint64_t i = 0; i < n; i++)
    if (get_text(c, &name, NULL, "column name") < 0) return -1;
  while (!failure_exact(*c, out))
    if (n == 0 || skip_row(c, n) < 0)
      return fail(c->err, c->errlen,
                  "dqlite FAILURE response: neither a failure nor a query's rows and a failure");
  return 0;
}

int dqlite_proto_response_decode(const struct dqlite_proto_header *h, const unsigned char *body,
                                 enum dqlite_proto_response expected, struct dqlite_proto_response_body *out,
                                 char *err, size_t errlen) {
  char got[40], want[40];
  if (h->type != expected && h->type != DQLITE_PROTO_RESP_FAILURE)
    return fail(err, errlen, "dqlite node answered with %s, expected %s",
                response_name(h->type, got, sizeof got), response_name(expected, want, sizeof want));
  if (h->schema != 0)
    return fail(err, errlen, "dqlite %s response in unknown format version %u",
                response_name(h->type, got, sizeof got), h->schema);
  memset(out, 0, sizeof *out);
  out->type = (enum dqlite_proto_response)h->type;
  struct cursor c = {.p = body,
                     .left = (size_t)h->words * WORD_BYTES,
                     .what = response_name(h->type, got, sizeof got),
                     .err = err,
                     .errlen = errlen};
  if (out->type == DQLITE_PROTO_RESP_FAILURE && expected == DQLITE_PROTO_RESP_ROWS)
    return decode_query_failure(&c, out);
  if (decode_fields(&c, out) != 0) return -1;
  if (c.left != 0)
    return fail(err, errlen, "dqlite %s response has %zu unexpected bytes at its end", c.what, c.left);
  return 0;
}

int dqlite_proto_rows_names(struct dqlite_proto_rows *r, const char **names, char *err, size_t errlen) {
  if (r->state != ROWS_AT_NAMES) return fail(err, errlen, "dqlite ROWS: column names read twice");
  struct cursor c = {.p = r->p, .left = r->left, .what = "ROWS", .err = err, .errlen = errlen};
  for (unsigned i = 0; i < r->ncolumns; i++)
    if (get_text(&c, &names[i], NULL, "column name") < 0) return -1;
  r->p = c.p;
  r->left = c.left;
  r->state = ROWS_AT_ROW;
  return 0;
}

static int get_value(struct cursor *c, unsigned type, struct dqlite_proto_value *v) {
  uint64_t x;
  memset(v, 0, sizeof *v);
  v->type = (enum dqlite_proto_type)type;
  switch (type) {
  case DQLITE_PROTO_INTEGER:
  case DQLITE_PROTO_UNIXTIME:
  case DQLITE_PROTO_BOOLEAN:
    if (get_u64(c, &x, "integer value") < 0) return -1;
    v->integer = (int64_t)x;
    return 0;
  case DQLITE_PROTO_FLOAT:
    if (get_u64(c, &x, "float value") < 0) return -1;
    memcpy(&v->real, &x, sizeof v->real);
    return 0;
  case DQLITE_PROTO_TEXT:
  case DQLITE_PROTO_ISO8601: return get_text(c, &v->bytes, &v->len, "text value");
  case DQLITE_PROTO_BLOB: return get_blob(c, &v->bytes, &v->len, "blob value");
  case DQLITE_PROTO_NULL: return get_u64(c, &x, "null value");
  default: return fail(c->err, c->errlen, "dqlite ROWS response: unknown value type %u", type);
  }
}

int dqlite_proto_rows_next(struct dqlite_proto_rows *r, struct dqlite_proto_value *values, char *err,
                           size_t errlen) {
  if (r->state == ROWS_AT_END) return 0;
  if (r->state != ROWS_AT_ROW) return fail(err, errlen, "dqlite ROWS: column names not read yet");
  struct cursor c = {.p = r->p, .left = r->left, .what = "ROWS", .err = err, .errlen = errlen};
  if (c.left < WORD_BYTES) return short_body(&c, "rows");
  /* A row's type header holds codes below 12 in every nibble, so it can
   * never be one of the end words. */
  uint64_t word = get_le(c.p, WORD_BYTES);
  if (word == ROWS_DONE || word == ROWS_PART) {
    if (c.left != WORD_BYTES)
      return fail(err, errlen, "dqlite ROWS response has %zu unexpected bytes after its end",
                  c.left - WORD_BYTES);
    r->more = word == ROWS_PART;
    r->state = ROWS_AT_END;
    r->left = 0;
    return 0;
  }
  if (r->ncolumns == 0) return fail(err, errlen, "dqlite ROWS response: a row without columns");
  /* Four bits per column's type, padded to a word boundary. */
  size_t header = pad8(((size_t)r->ncolumns + 1) / 2);
  if (header > c.left) return short_body(&c, "row header");
  const unsigned char *types = c.p;
  c.p += header;
  c.left -= header;
  for (unsigned i = 0; i < r->ncolumns; i++) {
    unsigned type = (types[i / 2] >> (i % 2 ? 4 : 0)) & 0xf;
    if (get_value(&c, type, &values[i]) < 0) {
      size_t used = strlen(err);
      snprintf(err + used, errlen > used ? errlen - used : 0, " (column %u)", i + 1);
      return -1;
    }
  }
  r->p = c.p;
  r->left = c.left;
  return 1;
}

int dqlite_proto_servers_next(struct dqlite_proto_servers *s, uint64_t *id, const char **address,
                              uint64_t *role, char *err, size_t errlen) {
  struct cursor c = {.p = s->p, .left = s->left, .what = "SERVERS", .err = err, .errlen = errlen};
  if (s->count == 0) {
    if (c.left != 0)
      return fail(err, errlen, "dqlite SERVERS response has %zu unexpected bytes at its end", c.left);
    return 0;
  }
  if (get_u64(&c, id, "id") < 0 || get_text(&c, address, NULL, "address") < 0 ||
      get_u64(&c, role, "role") < 0)
    return -1;
  if (*role > DQLITE_PROTO_SPARE)
    return fail(err, errlen, "dqlite SERVERS response: unknown role %llu", (unsigned long long)*role);
  s->count--;
  s->p = c.p;
  s->left = c.left;
  return 1;
}

int dqlite_proto_files_next(struct dqlite_proto_files *f, const char **name, const unsigned char **data,
                            size_t *len, char *err, size_t errlen) {
  struct cursor c = {.p = f->p, .left = f->left, .what = "FILES", .err = err, .errlen = errlen};
  if (f->count == 0) {
    if (c.left != 0)
      return fail(err, errlen, "dqlite FILES response has %zu unexpected bytes at its end", c.left);
    return 0;
  }
  uint64_t n;
  if (get_text(&c, name, NULL, "file name") < 0 || get_u64(&c, &n, "file length") < 0) return -1;
  /* dqlite sends whole pages, no padding: a length that is not a multiple
   * of 8 would leave the next field misaligned. */
  if (n % WORD_BYTES != 0)
    return fail(err, errlen, "dqlite FILES response: %s has a length of %llu bytes, not a multiple of 8",
                *name, (unsigned long long)n);
  if (n > c.left) return short_body(&c, "file data");
  *data = c.p;
  *len = (size_t)n;
  c.p += n;
  c.left -= (size_t)n;
  f->count--;
  f->p = c.p;
  f->left = c.left;
  return 1;
}
