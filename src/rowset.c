/* rowset.c: protocol 2's row sets (see rowset.h, docs/protocol.md).
 *
 * Guarantees: the writer only ever produces well-formed row sets with
 * UTF-8 text; the reader accepts exactly the writer's format and, whatever
 * the input, reads nothing outside it.
 */
#include "autoconfig.h"

#include "rowset.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* ---- writing ------------------------------------------------------------ */

void rowset_buf_free(struct rowset_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = b->count_at = 0;
}

int rowset_reserve(struct rowset_buf *b, size_t n) {
  if (b->cap - b->len >= n) return 0;
  if (n > SIZE_MAX / 2 - b->len) return -1;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap - b->len < n) cap *= 2;
  unsigned char *p = realloc(b->data, cap);
  if (p == NULL) return -1;
  b->data = p;
  b->cap = cap;
  return 0;
}

static void put_u32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

static void put_u64(unsigned char *p, uint64_t v) {
  put_u32(p, (uint32_t)(v >> 32));
  put_u32(p + 4, (uint32_t)v);
}

static int put_tagged_bytes(struct rowset_buf *b, enum rowset_type t, const unsigned char *p, size_t len) {
  if (len > UINT32_MAX || rowset_reserve(b, 5 + len) != 0) return -1;
  unsigned char *o = b->data + b->len;
  o[0] = (unsigned char)t;
  put_u32(o + 1, (uint32_t)len);
  if (len > 0) /* P may be NULL for an empty value */
    memcpy(o + 5, p, len);
  b->len += 5 + len;
  return 0;
}

static int put_tagged_u64(struct rowset_buf *b, enum rowset_type t, uint64_t v) {
  if (rowset_reserve(b, 9) != 0) return -1;
  b->data[b->len] = (unsigned char)t;
  put_u64(b->data + b->len + 1, v);
  b->len += 9;
  return 0;
}

int rowset_begin(struct rowset_buf *b, uint32_t ncols) {
  if (b->cap > ROWSET_KEEP_BYTES) rowset_buf_free(b); /* the last result was big: do not keep its memory */
  b->len = 0;
  if (rowset_reserve(b, 4) != 0) return -1;
  put_u32(b->data, ncols);
  b->len = 4;
  return 0;
}

int rowset_put_name(struct rowset_buf *b, const char *name, size_t len) {
  if (!utf8_valid((const unsigned char *)name, len)) return -2;
  if (len > UINT32_MAX || rowset_reserve(b, 4 + len) != 0) return -1;
  put_u32(b->data + b->len, (uint32_t)len);
  memcpy(b->data + b->len + 4, name, len);
  b->len += 4 + len;
  return 0;
}

int rowset_rows_begin(struct rowset_buf *b) {
  if (rowset_reserve(b, 4) != 0) return -1;
  b->count_at = b->len;
  put_u32(b->data + b->len, 0);
  b->len += 4;
  return 0;
}

int rowset_put_null(struct rowset_buf *b) {
  if (rowset_reserve(b, 1) != 0) return -1;
  b->data[b->len++] = ROWSET_NULL;
  return 0;
}

int rowset_put_int(struct rowset_buf *b, int64_t v) { return put_tagged_u64(b, ROWSET_INT, (uint64_t)v); }

int rowset_put_real(struct rowset_buf *b, double v) {
  uint64_t bits;
  memcpy(&bits, &v, sizeof bits);
  return put_tagged_u64(b, ROWSET_REAL, bits);
}

int rowset_put_text(struct rowset_buf *b, const unsigned char *p, size_t len) {
  if (!utf8_valid(p, len)) return -2;
  return put_tagged_bytes(b, ROWSET_TEXT, p, len);
}

int rowset_put_blob(struct rowset_buf *b, const unsigned char *p, size_t len) {
  return put_tagged_bytes(b, ROWSET_BLOB, p, len);
}

void rowset_rows_end(struct rowset_buf *b, uint32_t nrows) { put_u32(b->data + b->count_at, nrows); }

/* ---- reading ------------------------------------------------------------ */

static uint32_t get_u32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_u64(const unsigned char *p) { return (uint64_t)get_u32(p) << 32 | get_u32(p + 4); }

static int fail(struct rowset_reader *r, const char *why) {
  r->error = why;
  r->p = r->end; /* nothing more is read from a broken row set */
  return -1;
}

/* Takes a u32 length and that many bytes. */
static int take_counted(struct rowset_reader *r, const unsigned char **p, size_t *len) {
  if (r->end - r->p < 4) return fail(r, "row set truncated in a length");
  uint32_t n = get_u32(r->p);
  if ((size_t)(r->end - r->p) - 4 < n) return fail(r, "row set truncated in a value");
  *p = r->p + 4;
  *len = n;
  r->p += 4 + (size_t)n;
  return 0;
}

int rowset_open(struct rowset_reader *r, const unsigned char *p, size_t len) {
  r->p = p;
  r->end = p + len;
  r->ncols = r->nrows = 0;
  r->error = NULL;
  if (len < 4) return fail(r, "row set truncated in its column count");
  r->ncols = get_u32(p);
  r->p += 4;
  /* Every name takes at least its 4-byte length. */
  if (r->ncols > (size_t)(r->end - r->p) / 4) return fail(r, "row set column count exceeds its data");
  return 0;
}

int rowset_next_name(struct rowset_reader *r, const char **name, size_t *len) {
  const unsigned char *p;
  if (take_counted(r, &p, len) != 0) return -1;
  *name = (const char *)p;
  return 0;
}

int rowset_rows(struct rowset_reader *r) {
  if (r->end - r->p < 4) return fail(r, "row set truncated in its row count");
  r->nrows = get_u32(r->p);
  r->p += 4;
  /* Every value takes at least its tag byte; a row without columns
   * cannot exist (SQLite results have at least one). */
  size_t left = (size_t)(r->end - r->p);
  if (r->ncols == 0 ? r->nrows != 0 : r->nrows > left / r->ncols)
    return fail(r, "row set row count exceeds its data");
  return 0;
}

int rowset_next_value(struct rowset_reader *r, struct rowset_value *v) {
  if (r->p == r->end) return fail(r, r->error ? r->error : "row set truncated before a value");
  v->type = (enum rowset_type) * r->p++;
  switch (v->type) {
  case ROWSET_NULL: return 0;
  case ROWSET_INT:
  case ROWSET_REAL: {
    if (r->end - r->p < 8) return fail(r, "row set truncated in a number");
    uint64_t bits = get_u64(r->p);
    r->p += 8;
    if (v->type == ROWSET_INT)
      v->i = (int64_t)bits;
    else
      memcpy(&v->d, &bits, sizeof v->d);
    return 0;
  }
  case ROWSET_TEXT:
  case ROWSET_BLOB: return take_counted(r, &v->bytes, &v->len);
  }
  return fail(r, "row set value of an unknown type");
}

int rowset_close(struct rowset_reader *r) {
  if (r->error != NULL) return -1;
  if (r->p != r->end) return fail(r, "row set has bytes after its last value");
  return 0;
}
