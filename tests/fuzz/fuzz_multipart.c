/* fuzz_multipart.c: libFuzzer harness for the multipart/form-data parser
 * (workers/multipart.c).
 *
 * The first line of the input is a Content-Type value, the rest the body.
 * Every part handed to the callback must lie inside the body; the parse
 * must end with 0 or -1 and an error message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "multipart.h"

struct span {
  const uint8_t *start, *end;
};

static void inside(const struct span *b, const void *p, size_t n) {
  const uint8_t *q = p;
  if (q < b->start || q + n > b->end) abort();
}

static int check_part(void *udata, const struct multipart_part *p) {
  const struct span *b = udata;
  inside(b, p->name, p->name_len);
  if (p->filename) inside(b, p->filename, p->filename_len);
  if (p->content_type) inside(b, p->content_type, p->content_type_len);
  if (p->data_len) inside(b, p->data, p->data_len);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *nl = memchr(data, '\n', size);
  if (nl == NULL) return 0;
  char boundary[MULTIPART_BOUNDARY_MAX + 1];
  int blen = multipart_boundary((const char *)data, (size_t)(nl - data), boundary);
  const uint8_t *body = nl + 1;
  size_t len = size - (size_t)(body - data);
  if (blen < 0) { /* still run the body parser, with a fixed boundary */
    strcpy(boundary, "XyZ");
    blen = 3;
  }
  struct span b = {body, body + len};
  char err[256] = "";
  int rc = multipart_parse(body, len, boundary, (size_t)blen, check_part, &b, err, sizeof err);
  if (rc != 0 && (rc != -1 || err[0] == '\0')) abort();
  return 0;
}
