/* js_sourcemap.c: see js_sourcemap.h.  The format is Source Map revision
 * 3: lines separated by ';', segments by ',', each segment base64 VLQ
 * fields (generated column, source index, original line, original column,
 * name index), every field but the generated column relative to the
 * previous segment's, across lines. */
#include "autoconfig.h"

#include "js_sourcemap.h"

#include <string.h>

static int base64_value(char c) {
  const char *table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const char *p = c ? strchr(table, c) : NULL;
  return p ? (int)(p - table) : -1;
}

/* Decodes one VLQ number at *P.  Returns false on malformed input. */
static bool read_vlq(const char **p, long *value) {
  unsigned long result = 0;
  int shift = 0, digit;
  do {
    digit = base64_value(**p);
    if (digit < 0 || shift > 60) return false;
    (*p)++;
    result |= (unsigned long)(digit & 31) << shift;
    shift += 5;
  } while (digit & 32);
  *value = (result & 1) ? -(long)(result >> 1) : (long)(result >> 1);
  return true;
}

bool js_sourcemap_lookup(const char *mappings, int gen_line, int *line, int *column) {
  long fields[5] = {0, 0, 0, 0, 0}; /* running values; [0] resets per line */
  int current = 1;
  bool first_on_line = true, found = false;
  for (const char *p = mappings; *p && current <= gen_line;) {
    if (*p == ';' || *p == ',') {
      if (*p == ';') current++, fields[0] = 0, first_on_line = true;
      p++;
      continue;
    }
    int n = 0;
    long delta;
    while (*p && *p != ',' && *p != ';') {
      if (n >= 5 || !read_vlq(&p, &delta)) return found;
      fields[n++] += delta;
    }
    if (n >= 4 && first_on_line) {
      /* A line without a mapping of its own (helper code) takes the
       * nearest mapped line above it. */
      *line = (int)fields[2] + 1;
      *column = (int)fields[3] + 1;
      found = true;
      first_on_line = false;
    }
  }
  return found;
}
