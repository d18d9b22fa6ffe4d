/* url_internal.h: what the URL parser's files share (url.c: the state
 * machine, records and serializer; url_host.c: hosts).  Nothing outside
 * workers/url*.c includes it; url.h is the public surface. */
#ifndef JSFPM_URL_INTERNAL_H
#define JSFPM_URL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "url.h"

/* Growable strings (url.h's struct url_str): 0, or -1 out of memory. */
static inline int str_putc(struct url_str *s, char c) { return url_str_append(s, &c, 1); }
static inline int str_puts(struct url_str *s, const char *z) { return url_str_append(s, z, strlen(z)); }
static inline void str_clear(struct url_str *s) {
  s->len = 0;
  if (s->p) s->p[0] = '\0';
}
static inline int str_set(struct url_str *s, const char *p, size_t n) {
  str_clear(s);
  return url_str_append(s, p, n);
}
static inline int str_copy(struct url_str *dst, const struct url_str *src) {
  return str_set(dst, src->p ? src->p : "", src->len);
}
static inline const char *str_z(const struct url_str *s) { return s->p ? s->p : ""; }
static inline bool str_eq(const struct url_str *s, const char *z) {
  return s->len == strlen(z) && memcmp(str_z(s), z, s->len) == 0;
}

/* Character classes: every character the standard tests is ASCII. */
static inline bool is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static inline bool is_digit(int c) { return c >= '0' && c <= '9'; }
static inline bool is_hex(int c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static inline int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static inline int hex_value(int c) { return is_digit(c) ? c - '0' : lower(c) - 'a' + 10; }

enum pct_set { SET_C0, SET_FRAGMENT, SET_QUERY, SET_SPECIAL_QUERY, SET_PATH, SET_USERINFO, SET_FORM };

/* Appends N bytes of S to OUT, percent-encoding the bytes in SET. */
int url_pct_encode(struct url_str *out, const char *s, size_t n, enum pct_set set);
/* The host parser: S (N bytes, percent-encoded as in the URL) into OUT,
 * serialized (a domain in ASCII, [IPv6], dotted IPv4, or an opaque host
 * when NOT_SPECIAL).  0, or -1 when the host is not valid. */
int url_host_parse(const char *s, size_t n, bool not_special, struct url_str *out);

#endif
