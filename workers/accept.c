/* accept.c: reading the Accept request header (see accept.h). */
#include "autoconfig.h"

#include "accept.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The q-value the Accept header gives TYPE ("application/json"): its own
 * entry, else the range of its major type ("application" slash star), else
 * the range of all types, else 0. */
static double accept_q(const char *accept, size_t len, const char *type) {
  size_t major = strcspn(type, "/");
  double exact = -1, partial = -1, any = -1;
  const char *p = accept, *end = accept + len;
  while (p < end) {
    const char *comma = memchr(p, ',', (size_t)(end - p));
    const char *item_end = comma ? comma : end;
    while (p < item_end && (*p == ' ' || *p == '\t')) p++;
    const char *range_end = p;
    while (range_end < item_end && *range_end != ';') range_end++;
    while (range_end > p && (range_end[-1] == ' ' || range_end[-1] == '\t')) range_end--;
    size_t n = (size_t)(range_end - p);
    double q = 1;
    for (const char *s = range_end; s < item_end; s++) {
      if (*s != ';') continue;
      const char *v = s + 1;
      while (v < item_end && *v == ' ') v++;
      if (item_end - v > 2 && (v[0] == 'q' || v[0] == 'Q') && v[1] == '=') q = strtod(v + 2, NULL);
    }
    if (n == strlen(type) && strncasecmp(p, type, n) == 0)
      exact = q;
    else if (n == major + 2 && strncasecmp(p, type, major + 1) == 0 && p[major + 1] == '*')
      partial = q;
    else if (n == 3 && memcmp(p, "*/*", 3) == 0)
      any = q;
    p = comma ? comma + 1 : end;
  }
  return exact >= 0 ? exact : partial >= 0 ? partial : any >= 0 ? any : 0;
}

bool accept_prefers_json(const char *accept, size_t len) {
  if (accept == NULL) return false;
  return accept_q(accept, len, "application/json") > accept_q(accept, len, "text/html");
}
