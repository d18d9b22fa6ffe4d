/* fuzz_dev.c: libFuzzer harness for the developer loop's parsers: Accept
 * negotiation (src/accept.c) and the dev error page (workers/dev_page.c).
 *
 * The input is an Accept value up to its first NUL, then an error text.
 * Negotiation must not read outside the value; the error's parsed location
 * must lie inside the text; the HTML rendering must leave no '<' of the
 * text unescaped, the JSON one must be valid JSON. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "accept.h"
#include "dev_page.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *in = (const char *)data;
  const char *nul = memchr(in, '\0', size);
  size_t accept_len = nul ? (size_t)(nul - in) : size;
  char *accept = malloc(accept_len ? accept_len : 1); /* exactly its bytes: ASan sees any overread */
  if (accept == NULL) return 0;
  memcpy(accept, in, accept_len);
  (void)accept_prefers_json(accept, accept_len);
  free(accept);

  const char *rest = nul ? nul + 1 : in + size;
  size_t text_len = (size_t)(in + size - rest);
  char *text = malloc(text_len + 1);
  if (text == NULL) return 0;
  memcpy(text, rest, text_len);
  text[text_len] = '\0';
  struct dev_error e;
  dev_error_parse(text, &e);
  if (e.message < text || e.message + e.message_len > text + strlen(text)) abort();
  /* The same text with every '<' made an 'x' parses alike (the location
   * needs ':', digits and no space), so an escaped page has as many '<'. */
  char *plain = strdup(text);
  if (plain == NULL) return free(text), 0;
  for (char *p = plain; (p = strchr(p, '<')) != NULL;) *p = 'x';
  struct dev_page page = {0}, plain_page = {0};
  if (dev_page_render(&page, "t", text, "/nonexistent", "id", false) == 0 &&
      dev_page_render(&plain_page, "t", plain, "/nonexistent", "id", false) == 0) {
    size_t a = 0, b = 0;
    for (const char *p = page.body; *p; p++) a += *p == '<';
    for (const char *p = plain_page.body; *p; p++) b += *p == '<';
    if (a != b) abort();
  }
  dev_page_free(&plain_page);
  free(plain);
  if (dev_page_render(&page, "t", text, "/nonexistent", "id", true) == 0) {
    json_t *j = json_loads(page.body, 0, NULL);
    if (j == NULL) abort();
    json_decref(j);
  }
  dev_page_free(&page);
  free(text);
  return 0;
}
