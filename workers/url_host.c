/* url_host.c: the WHATWG URL standard's host parser: IPv4 (with its
 * legacy number forms), IPv6 and their serializations, domains through
 * ICU's UTS #46 (domain to ASCII), and opaque hosts of non-special URLs. */
#include "autoconfig.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uidna.h>

#include "url_internal.h"

/* ---- hosts -------------------------------------------------------------- */

/* Whether S is valid UTF-8 (no surrogates, nothing above U+10FFFF). */
static bool valid_utf8(const unsigned char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    unsigned char c = s[i];
    size_t k;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF)
      k = 2;
    else if (c >= 0xE0 && c <= 0xEF)
      k = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4)
      k = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else
      return false;
    if (i + k > n || s[i + 1] < lo || s[i + 1] > hi) return false;
    for (size_t j = 2; j < k; j++)
      if ((s[i + j] & 0xC0) != 0x80) return false;
    i += k;
  }
  return true;
}

/* Percent-decodes S into OUT (bytes). */
static int pct_decode(struct url_str *out, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '%' && i + 2 < n && is_hex(s[i + 1]) && is_hex(s[i + 2])) {
      c = (char)(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    }
    if (str_putc(out, c) < 0) return -1;
  }
  return 0;
}

static bool forbidden_host(unsigned char c) { return c == 0 || strchr("\t\n\r #/:<>?@[\\]^|", c) != NULL; }
static bool forbidden_domain(unsigned char c) {
  return forbidden_host(c) || c < 0x20 || c == '%' || c == 0x7F;
}

/* The IPv4 number parser: 0 and *OUT, or -1. */
static int ipv4_number(const char *s, size_t n, uint64_t *out) {
  int radix = 10;
  if (n == 0) return -1;
  if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    radix = 16, s += 2, n -= 2;
  else if (n >= 2 && s[0] == '0')
    radix = 8, s++, n--;
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    int c = (unsigned char)s[i];
    int d = radix == 16 ? (is_hex(c) ? hex_value(c) : -1) : (is_digit(c) ? c - '0' : -1);
    if (d < 0 || d >= radix) return -1;
    if (v < (1ULL << 40)) v = v * (uint64_t)radix + (uint64_t)d; /* past 2^40 it fails anyway */
  }
  *out = v;
  return 0;
}

/* Splits S on '.' into at most MAX parts; returns the count, or MAX + 1. */
static size_t split_dots(const char *s, size_t n, const char **parts, size_t *lens, size_t max) {
  size_t k = 0, start = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i == n || s[i] == '.') {
      if (k == max) return max + 1;
      parts[k] = s + start;
      lens[k++] = i - start;
      start = i + 1;
    }
  }
  return k;
}

static bool ends_in_number(const char *s, size_t n) {
  bool one_part = memchr(s, '.', n) == NULL;
  if (n > 0 && s[n - 1] == '.') { /* a trailing empty label is dropped, unless it is the only one */
    if (one_part) return false;
    n--;
  }
  const char *dot = n ? memrchr(s, '.', n) : NULL;
  const char *last = dot ? dot + 1 : s;
  size_t len = (size_t)(s + n - last);
  bool digits = len > 0;
  for (size_t i = 0; i < len; i++)
    if (!is_digit(last[i])) digits = false;
  uint64_t v;
  return digits || ipv4_number(last, len, &v) == 0;
}

static int ipv4_parse(const char *s, size_t n, uint32_t *out) {
  const char *parts[5];
  size_t lens[5];
  size_t k = split_dots(s, n, parts, lens, 5);
  if (k > 5) return -1;
  if (lens[k - 1] == 0 && k > 1) k--;
  if (k > 4) return -1;
  uint64_t nums[4];
  for (size_t i = 0; i < k; i++)
    if (ipv4_number(parts[i], lens[i], &nums[i]) < 0) return -1;
  for (size_t i = 0; i + 1 < k; i++)
    if (nums[i] > 255) return -1;
  if (nums[k - 1] >= (1ULL << (8 * (5 - k)))) return -1;
  uint64_t v = nums[k - 1];
  for (size_t i = 0; i + 1 < k; i++) v += nums[i] << (8 * (3 - i));
  *out = (uint32_t)v;
  return 0;
}

static int ipv4_serialize(struct url_str *out, uint32_t a) {
  char buf[16];
  snprintf(buf, sizeof buf, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
  return str_puts(out, buf);
}

/* The IPv6 parser (input without the brackets). */
static int ipv6_parse(const char *s, size_t n, uint16_t addr[8]) {
  memset(addr, 0, 8 * sizeof *addr);
  int piece = 0, compress = -1;
  size_t p = 0;
#define C(i) ((i) < n ? (unsigned char)s[i] : 0)
  if (C(p) == ':') {
    if (C(p + 1) != ':') return -1;
    p += 2;
    compress = ++piece;
  }
  while (p < n) {
    if (piece == 8) return -1;
    if (C(p) == ':') {
      if (compress >= 0) return -1;
      p++;
      compress = ++piece;
      continue;
    }
    unsigned value = 0, length = 0;
    while (length < 4 && p < n && is_hex(C(p))) value = value * 16 + (unsigned)hex_value(C(p)), p++, length++;
    if (p < n && C(p) == '.') {
      if (length == 0) return -1;
      p -= length;
      if (piece > 6) return -1;
      int seen = 0;
      while (p < n) {
        int v4 = -1;
        if (seen > 0) {
          if (C(p) == '.' && seen < 4)
            p++;
          else
            return -1;
        }
        if (p >= n || !is_digit(C(p))) return -1;
        while (p < n && is_digit(C(p))) {
          int d = C(p) - '0';
          if (v4 == -1)
            v4 = d;
          else if (v4 == 0)
            return -1;
          else
            v4 = v4 * 10 + d;
          if (v4 > 255) return -1;
          p++;
        }
        addr[piece] = (uint16_t)(addr[piece] * 0x100 + v4);
        seen++;
        if (seen == 2 || seen == 4) piece++;
      }
      if (seen != 4) return -1;
      break;
    } else if (p < n && C(p) == ':') {
      p++;
      if (p >= n) return -1;
    } else if (p < n) {
      return -1;
    }
    addr[piece++] = (uint16_t)value;
  }
  if (compress >= 0) {
    int swaps = piece - compress;
    piece = 7;
    while (piece != 0 && swaps > 0) {
      uint16_t t = addr[piece];
      addr[piece] = addr[compress + swaps - 1];
      addr[compress + swaps - 1] = t;
      piece--, swaps--;
    }
  } else if (piece != 8) {
    return -1;
  }
#undef C
  return 0;
}

static int ipv6_serialize(struct url_str *out, const uint16_t a[8]) {
  int best = -1, best_len = 1;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && a[j] == 0) j++;
    if (j - i > best_len) best = i, best_len = j - i;
    i = j == i ? i + 1 : j;
  }
  if (str_putc(out, '[') < 0) return -1;
  bool ignore0 = false;
  for (int i = 0; i < 8; i++) {
    if (ignore0 && a[i] == 0) continue;
    ignore0 = false;
    if (best == i) {
      if (str_puts(out, i == 0 ? "::" : ":") < 0) return -1;
      ignore0 = true;
      continue;
    }
    char buf[8];
    snprintf(buf, sizeof buf, i == 7 ? "%x" : "%x:", a[i]);
    if (str_puts(out, buf) < 0) return -1;
  }
  return str_putc(out, ']');
}

/* Domain to ASCII (beStrict false) into OUT. */
static int domain_to_ascii(const char *s, size_t n, struct url_str *out) {
  bool ascii = true, punycode = false;
  for (size_t i = 0; i < n; i++) {
    if ((unsigned char)s[i] >= 0x80) ascii = false;
    if ((i == 0 || s[i - 1] == '.') && n - i >= 4 && lower(s[i]) == 'x' && lower(s[i + 1]) == 'n' &&
        s[i + 2] == '-' && s[i + 3] == '-')
      punycode = true;
  }
  if (ascii && !punycode) {
    for (size_t i = 0; i < n; i++)
      if (str_putc(out, (char)lower((unsigned char)s[i])) < 0) return -1;
    return n == 0 ? -1 : 0;
  }
  if (!valid_utf8((const unsigned char *)s, n) || n > INT32_MAX / 4) return -1;
  static UIDNA *idna;
  UErrorCode err = U_ZERO_ERROR;
  if (idna == NULL) {
    idna = uidna_openUTS46(UIDNA_CHECK_BIDI | UIDNA_CHECK_CONTEXTJ | UIDNA_NONTRANSITIONAL_TO_ASCII |
                               UIDNA_NONTRANSITIONAL_TO_UNICODE,
                           &err);
    if (U_FAILURE(err)) return -1;
  }
  int32_t cap = (int32_t)n * 4 + 64;
  char *buf = malloc((size_t)cap);
  if (buf == NULL) return -1;
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  int32_t len = uidna_nameToASCII_UTF8(idna, s, (int32_t)n, buf, cap, &info, &err);
  /* Errors the standard's options turn off: CheckHyphens, VerifyDnsLength. */
  uint32_t ignored = UIDNA_ERROR_EMPTY_LABEL | UIDNA_ERROR_LABEL_TOO_LONG | UIDNA_ERROR_DOMAIN_NAME_TOO_LONG |
                     UIDNA_ERROR_LEADING_HYPHEN | UIDNA_ERROR_TRAILING_HYPHEN | UIDNA_ERROR_HYPHEN_3_4;
  int rc = U_FAILURE(err) || (info.errors & ~ignored) != 0 || len <= 0 ? -1 : str_set(out, buf, (size_t)len);
  free(buf);
  return rc;
}

static int opaque_host(const char *s, size_t n, struct url_str *out) {
  for (size_t i = 0; i < n; i++)
    if (forbidden_host((unsigned char)s[i])) return -1;
  return url_pct_encode(out, s, n, SET_C0);
}

/* The host parser: S into OUT, serialized. */
int url_host_parse(const char *s, size_t n, bool not_special, struct url_str *out) {
  str_clear(out);
  if (n > 0 && s[0] == '[') {
    uint16_t a[8];
    if (s[n - 1] != ']' || ipv6_parse(s + 1, n - 2, a) < 0) return -1;
    return ipv6_serialize(out, a);
  }
  if (not_special) return opaque_host(s, n, out);
  struct url_str domain = {0}, ascii = {0};
  int rc = pct_decode(&domain, s, n) < 0 || domain_to_ascii(str_z(&domain), domain.len, &ascii) < 0 ? -1 : 0;
  for (size_t i = 0; rc == 0 && i < ascii.len; i++)
    if (forbidden_domain((unsigned char)ascii.p[i])) rc = -1;
  if (rc == 0 && ends_in_number(ascii.p, ascii.len)) {
    uint32_t a;
    rc = ipv4_parse(ascii.p, ascii.len, &a) < 0 ? -1 : ipv4_serialize(out, a);
  } else if (rc == 0) {
    rc = str_copy(out, &ascii);
  }
  url_str_free(&domain);
  url_str_free(&ascii);
  return rc;
}
