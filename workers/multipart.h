/* multipart.h: a multipart/form-data parser (RFC 7578, with the HTML
 * standard's form encoding), apart from any I/O: it walks a complete body
 * in memory and hands each part to a callback.  Used by request.formData()
 * (workers/js_form.c); unit-tested and fuzzed on its own. */
#ifndef JSFPM_MULTIPART_H
#define JSFPM_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One part; every pointer points into the body and is valid during the
 * callback. */
struct multipart_part {
  const char *name; /* Content-Disposition's name (its quotes removed) */
  size_t name_len;
  const char *filename; /* its filename, or NULL when the part is not a file */
  size_t filename_len;
  const char *content_type; /* the part's Content-Type, or NULL */
  size_t content_type_len;
  const uint8_t *data;
  size_t data_len;
};

/* Returns 0 to go on, anything else to stop with that value. */
typedef int (*multipart_part_fn)(void *udata, const struct multipart_part *part);

#define MULTIPART_BOUNDARY_MAX 70  /* RFC 2046 */
#define MULTIPART_HEADERS_MAX 8192 /* bytes of one part's header block */

/* Finds the boundary parameter of a Content-Type value (quoted or not) and
 * copies it to OUT (MULTIPART_BOUNDARY_MAX + 1 bytes).  Returns its length,
 * or -1 when there is none or it is not a valid boundary. */
int multipart_boundary(const char *content_type, size_t len, char *out);

/* Parses BODY with BOUNDARY, calling FN per part in order.  Returns 0, the
 * callback's non-zero value, or -1 with what is wrong in ERR. */
int multipart_parse(const uint8_t *body, size_t len, const char *boundary, size_t boundary_len,
                    multipart_part_fn fn, void *udata, char *err, size_t errlen);

#endif
