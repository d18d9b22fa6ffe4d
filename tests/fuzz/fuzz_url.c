/* fuzz_url.c: libFuzzer harness for the WHATWG URL parser (workers/url.c).
 *
 * The input is split at its first NUL into a URL and a base (none when
 * there is no NUL).  Whatever parses must serialize to ASCII, reparse to
 * the same href (the serializer and parser agree), and survive every
 * setter (state override) with the input's tail as the value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

static char *href(const struct url *u) {
  size_t len;
  char *s = url_serialize(u, false, &len);
  if (s == NULL) abort();
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
      abort(); /* ASCII; spaces only in opaque paths */
  return s;
}

static void check_reparse(const struct url *u) {
  char *s = href(u);
  struct url again;
  url_init(&again);
  if (url_parse(s, strlen(s), NULL, &again) != 0) abort();
  char *t = href(&again);
  if (strcmp(s, t) != 0) abort();
  free(s);
  free(t);
  url_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *in = (const char *)data;
  const char *nul = memchr(in, '\0', size);
  size_t in_len = nul ? (size_t)(nul - in) : size;
  struct url base, u;
  url_init(&base);
  url_init(&u);
  int have_base = nul != NULL && url_parse(nul + 1, size - in_len - 1, NULL, &base) == 0;
  if (url_parse(in, in_len, have_base ? &base : NULL, &u) == 0) {
    check_reparse(&u);
    static const enum url_state states[] = {URL_SCHEME_START, URL_AUTHORITY_HOST, URL_HOSTNAME, URL_PORT,
                                            URL_PATH_START,   URL_QUERY,          URL_FRAGMENT};
    for (size_t i = 0; i < sizeof states / sizeof *states; i++) {
      struct url c;
      if (url_copy(&c, &u) != 0) abort();
      const char *value = nul ? nul + 1 : in;
      size_t value_len = nul ? size - in_len - 1 : in_len;
      if (url_parse_override(value, value_len, &c, states[i]) == 0) {
        char *s = href(&c);
        free(s);
      }
      url_free(&c);
    }
    struct url_str form = {0};
    if (url_form_encode(&form, in, in_len) != 0) abort();
    url_str_free(&form);
  }
  url_free(&u);
  url_free(&base);
  return 0;
}
