/* broker_json.c: a query result as the JSON text JSON.stringify(db.query())
 * gives in a worker (see broker_json.h). */
#include "autoconfig.h"

#include "broker_json.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

#define MAX_SAFE_INT 9007199254740992LL /* 2^53: db.query turns integers beyond it into strings */

static int put(struct rowset_buf *b, const void *p, size_t len) {
  if (rowset_reserve(b, len) != 0) return -1;
  memcpy(b->data + b->len, p, len);
  b->len += len;
  return 0;
}

/* Bytes a JSON string cannot hold as they are: control characters, '"',
 * '\\', and 0xE2, which starts U+2028 and U+2029. */
static const unsigned char special[256] = {
    [0 ... 0x1F] = 1,
    ['"'] = 1,
    ['\\'] = 1,
    [0xE2] = 1,
};

/* Appends UTF-8 text P as a JSON string, escaped as Duktape's JSON.stringify
 * does: \" \\ \b \t \n \f \r, other control characters as \u00xx, and
 * U+2028, U+2029 as \u2028, \u2029 (DUK_USE_NONSTD_JSON_ESC_U2028_U2029). */
static int put_string(struct rowset_buf *b, const unsigned char *p, size_t len) {
  /* At most 6 bytes out per byte in (a control character as \u00xx). */
  if (len > (SIZE_MAX - 2) / 6 || rowset_reserve(b, 6 * len + 2) != 0) return -1;
  unsigned char *o = b->data + b->len;
  *o++ = '"';
  for (size_t i = 0; i < len; i++) {
    size_t run = i;
    while (run < len && !special[p[run]]) run++;
    memcpy(o, p + i, run - i);
    o += run - i;
    if ((i = run) == len) break;
    unsigned char c = p[i];
    static const char short_esc[32] = {[8] = 'b', [9] = 't', [10] = 'n', [12] = 'f', [13] = 'r'};
    if (c == '"' || c == '\\') {
      *o++ = '\\';
      *o++ = c;
    } else if (c < 0x20 && short_esc[c]) {
      *o++ = '\\';
      *o++ = (unsigned char)short_esc[c];
    } else if (c < 0x20) {
      o += sprintf((char *)o, "\\u%04x", c);
    } else if (len - i >= 3 && p[i + 1] == 0x80 && (p[i + 2] == 0xA8 || p[i + 2] == 0xA9)) {
      o += sprintf((char *)o, "\\u%04x", p[i + 2] == 0xA8 ? 0x2028 : 0x2029);
      i += 2;
    } else {
      *o++ = c;
    }
  }
  *o++ = '"';
  b->len = (size_t)(o - b->data);
  return 0;
}

void broker_json_free(struct broker_json *j) {
  rowset_buf_free(&j->keys);
  free(j->key_end);
  j->key_end = NULL;
  j->key_cap = 0;
}

int broker_json_begin(struct broker_json *j, struct rowset_buf *out, uint32_t ncols) {
  if (out->cap > ROWSET_KEEP_BYTES)
    rowset_buf_free(out); /* the last result was big: do not keep its memory */
  out->len = 0;
  j->out = out;
  j->keys.len = 0;
  j->ncols = ncols;
  j->col = 0;
  j->rows = 0;
  if (ncols > j->key_cap) {
    size_t *k = realloc(j->key_end, ncols * sizeof *k);
    if (k == NULL) return -1;
    j->key_end = k;
    j->key_cap = ncols;
  }
  return put(out, "[", 1);
}

int broker_json_name(struct broker_json *j, const char *name, size_t len) {
  if (!utf8_valid((const unsigned char *)name, len)) return -2;
  if (put_string(&j->keys, (const unsigned char *)name, len) != 0 || put(&j->keys, ":", 1) != 0) return -1;
  j->key_end[j->col++] = j->keys.len;
  if (j->col == j->ncols) j->col = 0;
  return 0;
}

/* What goes before the next value: the row's '{' (and the ',' after the
 * last row) or the ',' after the last value, then the value's key. */
static int before_value(struct broker_json *j) {
  size_t start = j->col ? j->key_end[j->col - 1] : 0;
  size_t key_len = j->key_end[j->col] - start;
  if (rowset_reserve(j->out, 2 + key_len) != 0) return -1;
  unsigned char *o = j->out->data + j->out->len;
  if (j->col > 0)
    *o++ = ',';
  else if (j->rows)
    *o++ = ',', *o++ = '{';
  else
    *o++ = '{';
  memcpy(o, j->keys.data + start, key_len);
  j->out->len = (size_t)(o + key_len - j->out->data);
  return 0;
}

/* After a value: the row's '}' after its last one. */
static int after_value(struct broker_json *j) {
  if (++j->col < j->ncols) return 0;
  j->col = 0;
  j->rows = 1;
  return put(j->out, "}", 1);
}

int broker_json_null(struct broker_json *j) {
  if (before_value(j) != 0 || put(j->out, "null", 4) != 0) return -1;
  return after_value(j);
}

int broker_json_int(struct broker_json *j, int64_t v) {
  /* Digits from the end of BUF; beyond 2^53 quoted, as db.query gives a
   * string there. */
  char buf[24], *p = buf + sizeof buf;
  int quoted = v < -MAX_SAFE_INT || v > MAX_SAFE_INT;
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  if (quoted) *--p = '"';
  do *--p = (char)('0' + u % 10);
  while ((u /= 10) != 0);
  if (v < 0) *--p = '-';
  if (quoted) *--p = '"';
  if (before_value(j) != 0 || put(j->out, p, (size_t)(buf + sizeof buf - p)) != 0) return -1;
  return after_value(j);
}

size_t broker_json_number(double v, char *buf) {
  if (v == 0) return (size_t)sprintf(buf, "0"); /* -0 too */
  /* The shortest digits that read back as V: every double is 17 digits at
   * most, and a normal one that reads back from 15 has its shortest form
   * among those 15 with the trailing zeros dropped (its binary precision
   * is finer than 15 digits, so rounding to 15 cannot move past a shorter
   * decimal that reads back).  Subnormals have less precision: all
   * lengths are tried.  Correct rounding makes the digits the closest
   * ones, as ECMAScript asks. */
  char e[40];
  int prec = fabs(v) < DBL_MIN ? 1 : 15;
  for (; prec < 17; prec++) {
    snprintf(e, sizeof e, "%.*e", prec - 1, v);
    if (strtod(e, NULL) == v) break;
  }
  snprintf(e, sizeof e, "%.*e", prec - 1, v);
  /* e: [-]d[.ddd]e[+-]xx: the digits and the decimal exponent. */
  const char *p = e;
  char *o = buf;
  if (*p == '-') *o++ = *p++;
  char digits[20];
  int k = 0;
  for (; *p != 'e'; p++)
    if (*p != '.') digits[k++] = *p;
  while (k > 1 && digits[k - 1] == '0') k--;
  int n = atoi(p + 1) + 1; /* the value is 0.DIGITS x 10^n */
  if (k <= n && n <= 21) { /* an integer: the digits, then zeros */
    memcpy(o, digits, (size_t)k);
    o += k;
    memset(o, '0', (size_t)(n - k));
    o += n - k;
  } else if (0 < n && n <= 21) { /* a decimal point inside the digits */
    memcpy(o, digits, (size_t)n);
    o += n;
    *o++ = '.';
    memcpy(o, digits + n, (size_t)(k - n));
    o += k - n;
  } else if (-6 < n && n <= 0) { /* 0.000ddd */
    *o++ = '0';
    *o++ = '.';
    memset(o, '0', (size_t)-n);
    o += -n;
    memcpy(o, digits, (size_t)k);
    o += k;
  } else { /* d.ddde+xx */
    *o++ = digits[0];
    if (k > 1) {
      *o++ = '.';
      memcpy(o, digits + 1, (size_t)(k - 1));
      o += k - 1;
    }
    o += sprintf(o, "e%c%d", n - 1 < 0 ? '-' : '+', n - 1 < 0 ? 1 - n : n - 1);
  }
  *o = '\0';
  return (size_t)(o - buf);
}

int broker_json_real(struct broker_json *j, double v) {
  char buf[32];
  size_t n = broker_json_number(v, buf);
  if (before_value(j) != 0 || put(j->out, buf, n) != 0) return -1;
  return after_value(j);
}

int broker_json_text(struct broker_json *j, const unsigned char *p, size_t len) {
  if (!utf8_valid(p, len)) return -2;
  if (before_value(j) != 0 || put_string(j->out, p, len) != 0) return -1;
  return after_value(j);
}

int broker_json_blob(struct broker_json *j, const unsigned char *p, size_t len) {
  /* {"0":255,...}: at most 11 bytes per byte, indices up to 32 MiB */
  if (before_value(j) != 0 || len > (SIZE_MAX - 2) / 16 || rowset_reserve(j->out, 16 * len + 2) != 0)
    return -1;
  char *o = (char *)j->out->data + j->out->len;
  *o++ = '{';
  for (size_t i = 0; i < len; i++) o += sprintf(o, i ? ",\"%zu\":%u" : "\"%zu\":%u", i, p[i]);
  *o++ = '}';
  j->out->len = (size_t)((unsigned char *)o - j->out->data);
  return after_value(j);
}

int broker_json_end(struct broker_json *j) { return put(j->out, "]", 1); }
