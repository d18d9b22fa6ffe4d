/* broker_json.h: a query result as JSON text, written by the broker for
 * db.queryJSON (docs/database.md): what JSON.stringify(db.query(...))
 * gives in a worker, byte for byte, so that rows going straight into a
 * response are neither built as JavaScript objects nor serialized again.
 *
 * An array of objects, the column names as keys in column order; integers
 * beyond 2^53 as strings, reals in JavaScript's shortest form, text with
 * JSON.stringify's escapes (Duktape's: U+2028 and U+2029 escaped too),
 * blobs as Uint8Arrays serialize ({"0":1,"1":255}), NULL as null.  Two
 * differences, both parsing to the same value: a column name given twice
 * is written twice (a JSON parser keeps the last value, which is
 * db.query's value too), and columns are written in their order even when
 * some are named like array indices ("0", "1"), which JSON.stringify
 * writes first.
 *
 * The writer is called as a row set's is (rowset.h) and writes into a
 * rowset_buf; it knows nothing of SQLite.
 */
#ifndef JSFPM_BROKER_JSON_H
#define JSFPM_BROKER_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "rowset.h"

struct broker_json {
  struct rowset_buf *out; /* the JSON text */
  struct rowset_buf keys; /* each column's key, quoted, with its ':' */
  size_t *key_end;        /* where column i's key ends in keys */
  size_t key_cap;         /* entries allocated in key_end */
  uint32_t ncols, col;    /* columns, and the next value's column */
  int rows;               /* a row was written (a ',' goes before the next) */
};

void broker_json_free(struct broker_json *j);
/* Starts the text of a result of NCOLS columns in OUT (emptied first). */
int broker_json_begin(struct broker_json *j, struct rowset_buf *out, uint32_t ncols);
/* The next column's name; -2 when it is not valid UTF-8. */
int broker_json_name(struct broker_json *j, const char *name, size_t len);
/* The next value of the current row.  0, -1 when out of memory, -2 for
 * text that is not valid UTF-8 (nothing is written then). */
int broker_json_null(struct broker_json *j);
int broker_json_int(struct broker_json *j, int64_t v);
int broker_json_real(struct broker_json *j, double v);
int broker_json_text(struct broker_json *j, const unsigned char *p, size_t len);
int broker_json_blob(struct broker_json *j, const unsigned char *p, size_t len);
/* Closes the array. */
int broker_json_end(struct broker_json *j);

/* Writes finite V as JavaScript's Number::toString does (shortest digits
 * that read back as V; 1.0 is "1", 1e21 "1e+21", 1e-7 "1e-7") into BUF
 * (32 bytes); returns the length. */
size_t broker_json_number(double v, char *buf);

#endif
