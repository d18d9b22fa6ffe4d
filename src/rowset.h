/* rowset.h: a query result in protocol 2's compact form (docs/protocol.md,
 * "Row sets"): the column names once, then every row's values, each a type
 * tag and its bytes.  The broker writes it straight from SQLite, without a
 * JSON tree; the worker reads it straight into JavaScript values.
 *
 *   u32 ncols, ncols x (u32 length, name: UTF-8),
 *   u32 nrows, nrows x ncols values, each a tag byte and then:
 *     ROWSET_NULL  nothing
 *     ROWSET_INT   8 bytes, two's complement
 *     ROWSET_REAL  8 bytes, IEEE 754 binary64
 *     ROWSET_TEXT  u32 length, UTF-8 bytes (NUL bytes allowed)
 *     ROWSET_BLOB  u32 length, bytes
 * Every number big-endian.  The writer and the reader are apart from any
 * I/O, so the reader is unit-tested and fuzzed on its own.
 */
#ifndef JSFPM_ROWSET_H
#define JSFPM_ROWSET_H

#include <stddef.h>
#include <stdint.h>

enum rowset_type { ROWSET_NULL = 0, ROWSET_INT = 1, ROWSET_REAL = 2, ROWSET_TEXT = 3, ROWSET_BLOB = 4 };

/* ---- writing ------------------------------------------------------------ */

/* A row set being written into memory of its own, grown with realloc.
 * Zero-initialized is empty; rowset_buf_free releases it. */
struct rowset_buf {
  unsigned char *data;
  size_t len, cap; /* bytes written, bytes allocated */
  size_t count_at; /* where the row count goes (rowset_rows_begin) */
};

void rowset_buf_free(struct rowset_buf *b);
/* Makes room for N more bytes after B->len.  Returns 0, or -1 when out of
 * memory.  (The broker also writes JSON text into a rowset_buf.) */
int rowset_reserve(struct rowset_buf *b, size_t n);
/* Starts a row set of NCOLS columns in B (what B held is dropped; its
 * memory is kept, up to ROWSET_KEEP_BYTES). */
int rowset_begin(struct rowset_buf *b, uint32_t ncols);
/* After the names: the rows follow. */
int rowset_rows_begin(struct rowset_buf *b);
/* The next column's name (call it NCOLS times, in order), and the next
 * value of the current row.  Each returns 0, or -1 when out of memory;
 * rowset_put_name and rowset_put_text return -2 (nothing written) when the
 * text is not valid UTF-8, which a row set never carries. */
int rowset_put_name(struct rowset_buf *b, const char *name, size_t len);
int rowset_put_null(struct rowset_buf *b);
int rowset_put_int(struct rowset_buf *b, int64_t v);
int rowset_put_real(struct rowset_buf *b, double v);
int rowset_put_text(struct rowset_buf *b, const unsigned char *p, size_t len);
int rowset_put_blob(struct rowset_buf *b, const unsigned char *p, size_t len);
/* Records NROWS, the number of rows written since rowset_rows_begin. */
void rowset_rows_end(struct rowset_buf *b, uint32_t nrows);

/* A buffer that grew beyond this for a big result is freed after use
 * rather than kept (rowset_begin). */
#define ROWSET_KEEP_BYTES (64 * 1024)

/* ---- reading ------------------------------------------------------------ */

/* Reads a row set in order: rowset_open, NCOLS x rowset_next_name,
 * rowset_rows, NROWS x NCOLS x rowset_next_value, rowset_close.  Every call
 * checks the bytes it reads against the end of the row set: on malformed
 * input it returns -1 and sets ERROR (a static string), never reads out of
 * bounds, and leaves the reader failed. */
struct rowset_reader {
  const unsigned char *p, *end; /* what is left to read */
  uint32_t ncols, nrows;        /* nrows: known after rowset_rows */
  const char *error;            /* why the last call failed */
};

/* One value; BYTES points into the row set (TEXT: UTF-8 per the writer's
 * guarantee, which the reader does not check again). */
struct rowset_value {
  enum rowset_type type;
  int64_t i;                  /* ROWSET_INT */
  double d;                   /* ROWSET_REAL */
  const unsigned char *bytes; /* ROWSET_TEXT, ROWSET_BLOB */
  size_t len;
};

int rowset_open(struct rowset_reader *r, const unsigned char *p, size_t len);
int rowset_next_name(struct rowset_reader *r, const char **name, size_t *len);
/* Reads the row count into r->nrows, after checking that the bytes left
 * can hold that many rows (so a caller may size arrays by it). */
int rowset_rows(struct rowset_reader *r);
int rowset_next_value(struct rowset_reader *r, struct rowset_value *v);
/* Checks that nothing follows the last value. */
int rowset_close(struct rowset_reader *r);

#endif
