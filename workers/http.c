/* http.c: HTTP/1.1 request codec (RFC 9112) and response writing.
 *
 * Parser state invariants (struct http_conn):
 *
 *  - A request goes through HEAD (request line and header section, copied
 *    into `head`), then either no body, BODY (Content-Length: `remaining`
 *    bytes to go) or the chunked states CHUNK_SIZE (the size line collects
 *    in `line`), CHUNK_DATA (`remaining` bytes of data), CHUNK_END (the
 *    CRLF after the data, `remaining` of its 2 bytes to go) and TRAILERS
 *    (the trailer section collects in `line`), and ends in DONE once handed
 *    out.  The next feed resets the buffers for the next request.
 *  - `head` never holds more than max_head_bytes: bytes are only copied
 *    into it once the limit check has passed.  Bytes after the head stay
 *    with the caller (the count returned ends where the head ends).
 *  - `head` is only parsed once complete: every line in it ends in CRLF
 *    (a bare LF is refused as soon as it arrives); parsing then splits
 *    names and values in place (lower-casing names, NUL-terminating both),
 *    and the request's strings point into `head` and `scratch`.
 *  - `body` always has room for one more byte than its length, for the
 *    terminating NUL.  Its size was checked against max_body_bytes before
 *    any byte of it is stored.
 *  - error != NULL (state DEAD) means the connection is dead; nothing
 *    changes after that.
 */
#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

enum http_state {
  HTTP_ST_HEAD,
  HTTP_ST_BODY,
  HTTP_ST_CHUNK_SIZE,
  HTTP_ST_CHUNK_DATA,
  HTTP_ST_CHUNK_END,
  HTTP_ST_TRAILERS,
  HTTP_ST_DONE,
  HTTP_ST_DEAD,
};

#define HTTP_CHUNK_LINE_MAX 1024    /* a chunk-size line, extensions included */
#define HTTP_KEEP_BYTES (16 * 1024) /* a bigger buffer is freed after its request */

struct http_buf {
  char *data;
  size_t len;
  size_t cap;
};

struct http_conn {
  struct http_limits limits;
  enum http_state state;
  int error_status;
  const char *error;

  struct http_buf head; /* the head as received, then split in place */
  size_t scanned;       /* bytes of head already searched for line ends */
  size_t line_start;    /* where the current line of head begins */
  size_t request_start; /* where the request line begins (empty lines before it are skipped) */
  struct http_buf line; /* a chunk-size line, or the trailer section */
  size_t line_scanned;
  struct http_buf body;
  struct http_buf scratch; /* the decoded path; an absolute-form target and its authority */
  size_t remaining;        /* BODY, CHUNK_DATA: bytes to go; CHUNK_END: bytes of the CRLF to go */

  struct http_header *headers;
  size_t nheaders, headers_cap;
  bool expect_continue;
  struct http_request req;
};

/* ---- character classes (RFC 9110 5.6.2, 5.5; RFC 3986 2) ---- */

static bool is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* A byte a field value may hold: VCHAR, obs-text, SP, HTAB. */
static bool is_field_vchar(unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7f); }

static bool is_ows(unsigned char c) { return c == ' ' || c == '\t'; }

static int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static bool is_unreserved_or_sub_delim(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return c != 0 && strchr("-._~!$&'()*+,;=", c) != NULL;
}

/* Whether S (LEN bytes) is `uri-host [ ":" port ]` (RFC 9110 7.2, RFC 3986
 * 3.2.2): a reg-name, IPv4 address or bracketed IP literal, then an
 * optional port of digits.  No userinfo, no path, no whitespace. */
static bool is_authority(const char *s, size_t len) {
  size_t i = 0;
  if (len > 0 && s[0] == '[') {
    for (i = 1; i < len && s[i] != ']'; i++)
      if (!is_unreserved_or_sub_delim((unsigned char)s[i]) && s[i] != ':') return false;
    if (i == len || i == 1) return false;
    i++;
  } else {
    for (; i < len && s[i] != ':'; i++) {
      unsigned char c = (unsigned char)s[i];
      if (c == '%') {
        if (i + 2 >= len || hex_value((unsigned char)s[i + 1]) < 0 || hex_value((unsigned char)s[i + 2]) < 0)
          return false;
        i += 2;
      } else if (!is_unreserved_or_sub_delim(c)) {
        return false;
      }
    }
  }
  if (i < len) { /* ":" port */
    if (s[i] != ':') return false;
    for (i++; i < len; i++)
      if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

/* ---- buffers ---- */

static int buf_reserve(struct http_buf *b, size_t need) {
  if (need <= b->cap) return 0;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < need) cap *= 2;
  char *p = realloc(b->data, cap);
  if (p == NULL) return -1;
  b->data = p;
  b->cap = cap;
  return 0;
}

/* Empties B, and frees its storage if over HTTP_KEEP_BYTES: an idle
 * keep-alive connection keeps no big buffer. */
static void buf_clear(struct http_buf *b) {
  b->len = 0;
  if (b->cap > HTTP_KEEP_BYTES) {
    free(b->data);
    *b = (struct http_buf){0};
  }
}

static int buf_append(struct http_buf *b, const void *data, size_t len) {
  if (buf_reserve(b, b->len + len + 1) < 0) return -1;
  memcpy(b->data + b->len, data, len);
  b->len += len;
  return 0;
}

/* ---- life cycle ---- */

struct http_conn *http_conn_new(const struct http_limits *limits) {
  struct http_conn *c = calloc(1, sizeof *c);
  if (c == NULL) return NULL;
  c->limits = *limits;
  c->state = HTTP_ST_HEAD;
  return c;
}

void http_conn_free(struct http_conn *c) {
  if (c == NULL) return;
  free(c->head.data);
  free(c->line.data);
  free(c->body.data);
  free(c->scratch.data);
  free(c->headers);
  free(c);
}

bool http_conn_idle(const struct http_conn *c) {
  return c->state == HTTP_ST_DONE || (c->state == HTTP_ST_HEAD && c->head.len == 0);
}

/* Makes the connection ready for its next request; the previous request's
 * strings are invalid from here on. */
static void conn_reset(struct http_conn *c) {
  c->state = HTTP_ST_HEAD;
  buf_clear(&c->head);
  buf_clear(&c->line);
  buf_clear(&c->body);
  buf_clear(&c->scratch);
  c->scanned = c->line_start = c->request_start = c->line_scanned = 0;
  c->nheaders = 0;
  if (c->headers_cap * sizeof *c->headers > HTTP_KEEP_BYTES) {
    free(c->headers);
    c->headers = NULL;
    c->headers_cap = 0;
  }
  c->expect_continue = false;
  c->remaining = 0;
  memset(&c->req, 0, sizeof c->req);
}

static void conn_fail(struct http_conn *c, int status, const char *error) {
  c->state = HTTP_ST_DEAD;
  c->error_status = status;
  c->error = error;
}

/* ---- the head ---- */

/* What parse_fields learns from the fields the framing depends on. */
struct http_head_info {
  bool has_length;
  bool length_too_big;
  size_t content_length;
  bool has_transfer_encoding;
  bool chunked;
  bool has_host;
  size_t host_at; /* index of the Host field in c->headers (the array may move while parsing) */
  bool conn_close, conn_keep_alive;
};

/* Content-Length = 1*DIGIT (RFC 9110 8.6): no sign, no list, no space
 * inside.  A value over max_body_bytes only sets length_too_big (a 413
 * rather than a 400). */
static const char *parse_content_length(struct http_conn *c, const struct http_header *h,
                                        struct http_head_info *info) {
  if (info->has_length) return "two Content-Length fields";
  info->has_length = true;
  if (h->value_len == 0) return "an empty Content-Length";
  size_t n = 0;
  for (size_t i = 0; i < h->value_len; i++) {
    unsigned char d = (unsigned char)h->value[i];
    if (d < '0' || d > '9') return "Content-Length is not a plain decimal number";
    if (!info->length_too_big) {
      n = n * 10 + (size_t)(d - '0');
      if (n > c->limits.max_body_bytes) info->length_too_big = true;
    }
  }
  info->content_length = n;
  return NULL;
}

/* Transfer-Encoding (RFC 9112 6.1, 6.3): only a lone "chunked" is served.
 * Returns the error and sets *STATUS: 400 when the body length cannot be
 * known (chunked is not the last coding), 501 for a coding we cannot undo. */
static const char *parse_transfer_encoding(const struct http_header *h, struct http_head_info *info,
                                           int *status) {
  *status = 400;
  if (info->has_transfer_encoding) return "two Transfer-Encoding fields";
  info->has_transfer_encoding = true;
  size_t codings = 0, chunked_at = 0, chunked_count = 0;
  const char *p = h->value, *end = h->value + h->value_len;
  while (p < end) {
    const char *elem = p;
    while (p < end && *p != ',') p++;
    const char *e = p;
    while (elem < e && is_ows((unsigned char)*elem)) elem++;
    while (e > elem && is_ows((unsigned char)e[-1])) e--;
    if (p < end) p++;        /* the comma */
    if (e == elem) continue; /* empty list elements are allowed and ignored */
    codings++;
    if ((size_t)(e - elem) == 7 && strncasecmp(elem, "chunked", 7) == 0) {
      chunked_count++;
      chunked_at = codings;
    }
  }
  if (codings == 0) return "an empty Transfer-Encoding";
  if (chunked_count == 0 || chunked_at != codings)
    return "Transfer-Encoding does not end in chunked: the body length is unknown";
  if (chunked_count > 1) return "chunked applied twice";
  if (codings > 1) {
    *status = 501;
    return "a transfer coding other than chunked";
  }
  info->chunked = true;
  return NULL;
}

/* Adds the tokens of a Connection field to INFO. */
static void parse_connection(const struct http_header *h, struct http_head_info *info) {
  const char *p = h->value, *end = h->value + h->value_len;
  while (p < end) {
    while (p < end && (is_ows((unsigned char)*p) || *p == ',')) p++;
    const char *tok = p;
    while (p < end && *p != ',' && !is_ows((unsigned char)*p)) p++;
    size_t n = (size_t)(p - tok);
    if (n == 5 && strncasecmp(tok, "close", 5) == 0)
      info->conn_close = true;
    else if (n == 10 && strncasecmp(tok, "keep-alive", 10) == 0)
      info->conn_keep_alive = true;
  }
}

/* Splits one field line [S, E) (without its CRLF) in place into *H:
 * `field-name ":" OWS field-value OWS` (RFC 9112 5). */
static const char *split_field(char *s, char *e, struct http_header *h) {
  if (s < e && is_ows((unsigned char)*s))
    return "a line starting with whitespace (obs-fold or a space before a field name)";
  char *p = s;
  while (p < e && is_tchar((unsigned char)*p)) {
    *p = (char)((*p >= 'A' && *p <= 'Z') ? *p + ('a' - 'A') : *p);
    p++;
  }
  if (p == e) return "a field line without a colon";
  if (*p != ':') {
    return is_ows((unsigned char)*p) ? "whitespace between a field name and its colon"
                                     : "a field name with a byte that is not a token character";
  }
  if (p == s) return "an empty field name";
  h->name = s;
  h->name_len = (size_t)(p - s);
  *p++ = '\0';
  while (p < e && is_ows((unsigned char)*p)) p++;
  while (e > p && is_ows((unsigned char)e[-1])) e--;
  for (char *q = p; q < e; q++)
    if (!is_field_vchar((unsigned char)*q)) return "a control byte (NUL, CR, ...) in a field value";
  *e = '\0'; /* over OWS or the CR */
  h->value = p;
  h->value_len = (size_t)(e - p);
  return NULL;
}

static const char *add_header(struct http_conn *c, const struct http_header *h) {
  if (c->nheaders == c->headers_cap) {
    size_t cap = c->headers_cap ? c->headers_cap * 2 : 16;
    struct http_header *grown = realloc(c->headers, cap * sizeof *grown);
    if (grown == NULL) return "out of memory";
    c->headers = grown;
    c->headers_cap = cap;
  }
  c->headers[c->nheaders++] = *h;
  return NULL;
}

/* Parses the header section, the lines of head after the request line
 * starting at FROM.  Sets *STATUS with an error. */
static const char *parse_fields(struct http_conn *c, size_t from, struct http_head_info *info, int *status) {
  *status = 400;
  char *p = c->head.data + from, *end = c->head.data + c->head.len - 2; /* the final empty line */
  while (p < end) {
    char *eol = memchr(p, '\n', (size_t)(end - p)) - 1; /* every line ends in CRLF */
    struct http_header h;
    const char *bad = split_field(p, eol, &h);
    if (bad) return bad;
    if ((bad = add_header(c, &h)) != NULL) {
      *status = 500;
      return bad;
    }
    if (strcmp(h.name, "content-length") == 0)
      bad = parse_content_length(c, &h, info);
    else if (strcmp(h.name, "transfer-encoding") == 0)
      bad = parse_transfer_encoding(&h, info, status);
    else if (strcmp(h.name, "host") == 0) {
      if (info->has_host)
        bad = "two Host fields";
      else if (!is_authority(h.value, h.value_len))
        bad = "a Host that is not host[:port]";
      info->has_host = true;
      info->host_at = c->nheaders - 1;
    } else if (strcmp(h.name, "connection") == 0)
      parse_connection(&h, info);
    else if (strcmp(h.name, "expect") == 0 && h.value_len == 12 &&
             strncasecmp(h.value, "100-continue", 12) == 0)
      c->expect_continue = true;
    if (bad) return bad;
    p = eol + 2;
  }
  return NULL;
}

static bool method_served(const char *m, size_t n) {
  static const char *const served[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"};
  for (size_t i = 0; i < sizeof served / sizeof *served; i++)
    if (strlen(served[i]) == n && memcmp(served[i], m, n) == 0) return true;
  return false;
}

int http_percent_decode(const char *in, size_t len, char *out, size_t *out_len) {
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    int hi, lo;
    if (in[i] == '%' && i + 2 < len && (hi = hex_value((unsigned char)in[i + 1])) >= 0 &&
        (lo = hex_value((unsigned char)in[i + 2])) >= 0) {
      out[o] = (char)(hi * 16 + lo);
      if (out[o] == '\0') return -1;
      o++;
      i += 2;
    } else {
      out[o++] = in[i];
    }
  }
  out[o] = '\0';
  *out_len = o;
  return 0;
}

/* Copies LEN bytes of PATH percent-decoded to the end of scratch (room was
 * reserved).  An escaped NUL is refused, since the path travels on as a C
 * string. */
static const char *decode_path(struct http_conn *c, const char *path, size_t len) {
  char *out = c->scratch.data + c->scratch.len;
  size_t o;
  if (http_percent_decode(path, len, out, &o) < 0) return "the path holds an escaped NUL byte (%00)";
  c->req.path = out;
  c->scratch.len += o + 1;
  return NULL;
}

/* Appends LEN bytes of S and a NUL to scratch (room was reserved). */
static const char *scratch_add(struct http_conn *c, const char *s, size_t len) {
  char *out = c->scratch.data + c->scratch.len;
  memcpy(out, s, len);
  out[len] = '\0';
  c->scratch.len += len + 1;
  return out;
}

/* The request-target (RFC 9112 3.2): origin-form "/path?query", "*" (only
 * for OPTIONS), or absolute-form "http://authority/path?query", reduced to
 * origin-form with its authority kept as *AUTHORITY.  TARGET is
 * NUL-terminated, LEN bytes. */
static const char *parse_target(struct http_conn *c, const char *target, size_t len, const char **authority) {
  *authority = NULL;
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)target[i];
    if (ch <= 0x20 || ch == 0x7f) return "a control byte in the request target";
    if (ch == '#') return "a fragment (#) in the request target";
  }
  if (buf_reserve(&c->scratch, 3 * len + 8) < 0) /* authority, target, decoded path */
    return "out of memory";
  if (len == 1 && target[0] == '*') {
    if (strcmp(c->req.method, "OPTIONS") != 0) return "the target * with a method other than OPTIONS";
    c->req.target = c->req.path = target;
    c->req.query = "";
    return NULL;
  }
  if (len >= 7 && strncasecmp(target, "http://", 7) == 0) {
    const char *a = target + 7, *end = target + len, *rest = a;
    while (rest < end && *rest != '/' && *rest != '?') rest++;
    if (rest == a) return "an absolute-form target with an empty host";
    if (memchr(a, '@', (size_t)(rest - a))) return "userinfo (user@) in the request target";
    if (!is_authority(a, (size_t)(rest - a)))
      return "an absolute-form target whose authority is not host[:port]";
    *authority = scratch_add(c, a, (size_t)(rest - a));
    /* An empty path is "/" (RFC 9112 3.2.1). */
    char *t = c->scratch.data + c->scratch.len;
    size_t tl = 0;
    if (rest == end || *rest == '?') t[tl++] = '/';
    memcpy(t + tl, rest, (size_t)(end - rest));
    tl += (size_t)(end - rest);
    t[tl] = '\0';
    c->scratch.len += tl + 1;
    target = t;
    len = tl;
  } else if (target[0] != '/') {
    return "a request target that is neither a path nor an http:// URI";
  }
  c->req.target = target;
  const char *q = memchr(target, '?', len);
  size_t path_len = q ? (size_t)(q - target) : len;
  c->req.query = q ? q + 1 : "";
  return decode_path(c, target, path_len);
}

/* The request line `method SP request-target SP HTTP-version` (RFC 9112 3),
 * [S, E) without its CRLF. */
static const char *parse_request_line(struct http_conn *c, char *s, char *e, int *status,
                                      const char **authority) {
  *status = 400;
  char *p = s;
  while (p < e && is_tchar((unsigned char)*p)) p++;
  if (p == s || p == e || *p != ' ') return "a malformed request line (method)";
  char *target = p + 1, *t = target;
  while (t < e && *t != ' ') t++;
  if (t == target || t == e) return "a malformed request line (target)";
  char *version = t + 1;
  if (e - version != 8 || memcmp(version, "HTTP/", 5) != 0 || version[5] < '0' || version[5] > '9' ||
      version[6] != '.' || version[7] < '0' || version[7] > '9')
    return "a malformed request line (version)";
  if (version[5] != '1' || (version[7] != '0' && version[7] != '1')) {
    *status = 505;
    return "an HTTP version other than 1.0 and 1.1";
  }
  c->req.version_minor = version[7] - '0';
  if (!method_served(s, (size_t)(p - s))) {
    *status = 501;
    return "a method this server does not serve";
  }
  *p = '\0';
  *t = '\0';
  c->req.method = s;
  const char *bad = parse_target(c, target, (size_t)(t - target), authority);
  if (bad && strcmp(bad, "out of memory") == 0) *status = 500;
  return bad;
}

/* Sets up the body from what the head said (RFC 9112 6.3). */
static const char *begin_body(struct http_conn *c, const struct http_head_info *info, int *status) {
  *status = 400;
  if (info->has_transfer_encoding && c->req.version_minor == 0)
    return "Transfer-Encoding in an HTTP/1.0 request";
  if (info->has_transfer_encoding && info->has_length) return "both Content-Length and Transfer-Encoding";
  if (info->chunked) {
    c->state = HTTP_ST_CHUNK_SIZE;
    return NULL;
  }
  if (info->length_too_big) {
    *status = 413;
    return "a body larger than max_body_size";
  }
  if (info->content_length == 0) return NULL; /* no body */
  if (buf_reserve(&c->body, info->content_length + 1) < 0) {
    *status = 500;
    return "out of memory";
  }
  c->remaining = info->content_length;
  c->state = HTTP_ST_BODY;
  return NULL;
}

/* The head is complete in c->head: parses it and sets up the body. */
static const char *parse_head(struct http_conn *c, int *status) {
  char *s = c->head.data + c->request_start;
  char *eol = memchr(s, '\n', c->head.len - c->request_start) - 1;
  const char *authority;
  const char *bad = parse_request_line(c, s, eol, status, &authority);
  if (bad) return bad;
  struct http_head_info info = {0};
  if ((bad = parse_fields(c, (size_t)(eol + 2 - c->head.data), &info, status)) != NULL) return bad;
  *status = 400;
  if (c->req.version_minor == 1 && !info.has_host) return "no Host field in an HTTP/1.1 request";
  if (authority) { /* RFC 9112 3.2.2: the target's authority wins over Host */
    if (info.has_host) {
      c->headers[info.host_at].value = authority;
      c->headers[info.host_at].value_len = strlen(authority);
    }
    c->req.host = authority;
  } else if (info.has_host && c->headers[info.host_at].value_len > 0) {
    c->req.host = c->headers[info.host_at].value;
  }
  c->req.keep_alive = !info.conn_close && (c->req.version_minor == 1 || info.conn_keep_alive);
  c->req.headers = c->headers;
  c->req.nheaders = c->nheaders;
  return begin_body(c, &info, status);
}

/* Copies head bytes until the empty line that ends the head.  Returns the
 * bytes consumed; sets *COMPLETE once the head is whole. */
static size_t feed_head(struct http_conn *c, const uint8_t *data, size_t len, bool *complete) {
  size_t room = c->limits.max_head_bytes - c->head.len;
  size_t take = len < room ? len : room;
  if (take > 0 && buf_append(&c->head, data, take) < 0) {
    conn_fail(c, 500, "out of memory");
    return 0;
  }
  char *buf = c->head.data;
  while (c->scanned < c->head.len) {
    char *nl = memchr(buf + c->scanned, '\n', c->head.len - c->scanned);
    if (nl == NULL) {
      c->scanned = c->head.len;
      break;
    }
    size_t at = (size_t)(nl - buf);
    c->scanned = at + 1;
    if (at == c->line_start || buf[at - 1] != '\r') {
      conn_fail(c, 400, "a line ending in a bare LF (CRLF is required)");
      return 0;
    }
    if (at - c->line_start == 1) { /* an empty line */
      if (c->line_start == c->request_start) {
        c->request_start = at + 1; /* before the request line: skipped (RFC 9112 2.2) */
      } else {
        size_t extra = c->head.len - (at + 1); /* bytes after the head stay with the caller */
        c->head.len = at + 1;
        *complete = true;
        return take - extra;
      }
    }
    c->line_start = at + 1;
  }
  if (c->head.len == c->limits.max_head_bytes) {
    if (c->line_start == c->request_start)
      conn_fail(c, 414, "a request line longer than max_params_size");
    else
      conn_fail(c, 431, "a request head larger than max_params_size");
    return 0;
  }
  return take;
}

/* ---- the body ---- */

/* Collects one CRLF-terminated line into c->line, up to LIMIT bytes.
 * Returns the bytes consumed; *DONE once the line is whole. */
static size_t feed_line(struct http_conn *c, const uint8_t *data, size_t len, size_t limit, bool *done) {
  const uint8_t *nl = memchr(data, '\n', len);
  size_t n = nl ? (size_t)(nl - data) + 1 : len;
  if (c->line.len + n > limit) {
    conn_fail(c, 400, "a chunk-size line or trailer section that is too long");
    return 0;
  }
  if (buf_append(&c->line, data, n) < 0) {
    conn_fail(c, 500, "out of memory");
    return 0;
  }
  if (nl) {
    size_t at = c->line.len - 1;
    if (at == c->line_scanned || c->line.data[at - 1] != '\r') {
      conn_fail(c, 400, "a line ending in a bare LF (CRLF is required)");
      return 0;
    }
    *done = true;
  }
  return n;
}

/* `chunk-size [ chunk-ext ] CRLF` (RFC 9112 7.1), in c->line. */
static void parse_chunk_size(struct http_conn *c) {
  const char *p = c->line.data, *end = c->line.data + c->line.len - 2;
  size_t size = 0;
  bool too_big = false;
  const char *digits = p;
  int d;
  while (p < end && (d = hex_value((unsigned char)*p)) >= 0) {
    if (size > (c->limits.max_body_bytes >> 4) + 1)
      too_big = true;
    else
      size = size * 16 + (size_t)d;
    p++;
  }
  if (p == digits) return conn_fail(c, 400, "a chunk size that is not a hexadecimal number");
  if (p < end && *p != ';' && !is_ows((unsigned char)*p))
    return conn_fail(c, 400, "a chunk size that is not a hexadecimal number");
  for (; p < end; p++) /* chunk extensions are ignored, but must be field text */
    if (!is_field_vchar((unsigned char)*p)) return conn_fail(c, 400, "a control byte in a chunk extension");
  c->line.len = c->line_scanned = 0;
  if (size == 0) {
    c->state = HTTP_ST_TRAILERS;
    return;
  }
  if (too_big || size > c->limits.max_body_bytes - c->body.len)
    return conn_fail(c, 413, "a body larger than max_body_size");
  if (buf_reserve(&c->body, c->body.len + size + 1) < 0) return conn_fail(c, 500, "out of memory");
  c->remaining = size;
  c->state = HTTP_ST_CHUNK_DATA;
}

/* One complete line of the trailer section is at the end of c->line: the
 * empty line ends the request; any other must be a field line (its
 * content is dropped: trailers never become headers).  Returns true at
 * the end of the section. */
static bool trailer_line(struct http_conn *c) {
  char *s = c->line.data + c->line_scanned, *e = c->line.data + c->line.len - 2;
  if (s == e) return true;
  struct http_header h;
  const char *bad = split_field(s, e, &h);
  if (bad) conn_fail(c, 400, bad);
  c->line_scanned = c->line.len;
  return false;
}

static size_t feed_body(struct http_conn *c, const uint8_t *data, size_t len, bool *finished) {
  size_t n = len < c->remaining ? len : c->remaining;
  bool line_done = false;
  switch (c->state) {
  case HTTP_ST_BODY:
  case HTTP_ST_CHUNK_DATA:
    memcpy(c->body.data + c->body.len, data, n);
    c->body.len += n;
    c->remaining -= n;
    if (c->remaining == 0) {
      if (c->state == HTTP_ST_BODY) *finished = true;
      c->state = c->state == HTTP_ST_BODY ? HTTP_ST_DONE : HTTP_ST_CHUNK_END;
      c->remaining = 2;
    }
    return n;
  case HTTP_ST_CHUNK_END:
    if (data[0] != (c->remaining == 2 ? '\r' : '\n')) {
      conn_fail(c, 400, "chunk data longer than its chunk size");
      return 0;
    }
    if (--c->remaining == 0) c->state = HTTP_ST_CHUNK_SIZE;
    return 1;
  case HTTP_ST_CHUNK_SIZE:
    n = feed_line(c, data, len, HTTP_CHUNK_LINE_MAX, &line_done);
    if (line_done) parse_chunk_size(c);
    return n;
  case HTTP_ST_TRAILERS:
    n = feed_line(c, data, len, c->limits.max_head_bytes, &line_done);
    if (line_done && trailer_line(c)) *finished = true;
    return n;
  default: return 0;
  }
}

/* ---- feeding ---- */

static void finish_request(struct http_conn *c, struct http_event *ev) {
  c->state = HTTP_ST_DONE;
  if (c->body.data) c->body.data[c->body.len] = '\0';
  c->req.body = c->body.data ? (const uint8_t *)c->body.data : (const uint8_t *)"";
  c->req.body_len = c->body.len;
  ev->type = HTTP_EV_REQUEST;
  ev->request = &c->req;
}

size_t http_conn_feed(struct http_conn *c, const uint8_t *data, size_t len, struct evbuffer *out,
                      struct http_event *ev) {
  memset(ev, 0, sizeof *ev);
  if (c->state == HTTP_ST_DONE) conn_reset(c);
  size_t used = 0;
  while (used < len && c->state != HTTP_ST_DEAD) {
    bool finished = false;
    if (c->state == HTTP_ST_HEAD) {
      bool complete = false;
      used += feed_head(c, data + used, len - used, &complete);
      if (!complete) continue;
      int status;
      const char *bad = parse_head(c, &status);
      if (bad) {
        conn_fail(c, status, bad);
        break;
      }
      finished = c->state == HTTP_ST_HEAD; /* no body */
      /* RFC 9110 10.1.1: the client waits for "100 Continue" before
       * sending the body; once body bytes arrive it is moot. */
      if (!finished && c->expect_continue && c->req.version_minor == 1 && used == len && out)
        evbuffer_add(out, "HTTP/1.1 100 Continue\r\n\r\n", 25);
    } else {
      used += feed_body(c, data + used, len - used, &finished);
    }
    if (finished) {
      finish_request(c, ev);
      return used;
    }
  }
  if (c->state == HTTP_ST_DEAD) {
    ev->type = HTTP_EV_ERROR;
    ev->status = c->error_status;
    ev->error = c->error;
  }
  return used;
}

/* ---- responses ---- */

/* Writes N (0..99) as two digits at P. */
static char *put2(char *p, int n) {
  *p++ = (char)('0' + n / 10 % 10);
  *p++ = (char)('0' + n % 10);
  return p;
}

void http_format_date(long long t, char out[HTTP_DATE_LEN + 1]) {
  static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  time_t tt = (time_t)t;
  struct tm tm;
  if (gmtime_r(&tt, &tm) == NULL) memset(&tm, 0, sizeof tm);
  int year = (tm.tm_year + 1900) % 10000;
  char *p = out;
  memcpy(p, days[tm.tm_wday % 7], 3);
  p += 3;
  *p++ = ',';
  *p++ = ' ';
  p = put2(p, tm.tm_mday);
  *p++ = ' ';
  memcpy(p, months[tm.tm_mon % 12], 3);
  p += 3;
  *p++ = ' ';
  p = put2(put2(p, year / 100), year % 100);
  *p++ = ' ';
  p = put2(p, tm.tm_hour);
  *p++ = ':';
  p = put2(p, tm.tm_min);
  *p++ = ':';
  p = put2(p, tm.tm_sec);
  memcpy(p, " GMT", 5);
}

bool http_status_has_body(int status) { return status != 204 && status != 304 && status >= 200; }

/* Appends the pieces as one reservation: far cheaper than an evbuffer_add
 * per piece on the hot path. */
struct http_piece {
  const char *s;
  size_t len;
};
static void add_pieces(struct evbuffer *out, const struct http_piece *pieces, size_t n) {
  size_t total = 0;
  for (size_t i = 0; i < n; i++) total += pieces[i].len;
  struct evbuffer_iovec vec;
  if (evbuffer_reserve_space(out, (ev_ssize_t)total, &vec, 1) != 1 || vec.iov_len < total) {
    for (size_t i = 0; i < n; i++) evbuffer_add(out, pieces[i].s, pieces[i].len);
    return;
  }
  char *p = vec.iov_base;
  for (size_t i = 0; i < n; i++) {
    memcpy(p, pieces[i].s, pieces[i].len);
    p += pieces[i].len;
  }
  vec.iov_len = total;
  evbuffer_commit_space(out, &vec, 1);
}

void http_write_status(struct evbuffer *out, int status, const char *reason) {
  char code[5] = {(char)('0' + status / 100 % 10), (char)('0' + status / 10 % 10), (char)('0' + status % 10),
                  ' ', 0};
  struct http_piece p[] = {{"HTTP/1.1 ", 9}, {code, 4}, {reason, strlen(reason)}, {"\r\n", 2}};
  add_pieces(out, p, 4);
}

void http_write_field(struct evbuffer *out, const char *name, size_t name_len, const char *value,
                      size_t value_len) {
  struct http_piece p[] = {{name, name_len}, {": ", 2}, {value, value_len}, {"\r\n", 2}};
  add_pieces(out, p, 4);
}

void http_write_framing(struct evbuffer *out, int status, const struct http_framing *f) {
  char length[32];
  int n = snprintf(length, sizeof length, "Content-Length: %zu\r\n", f->body_len);
  struct http_piece p[5];
  size_t np = 0;
  if (f->date) {
    p[np++] = (struct http_piece){"Date: ", 6};
    p[np++] = (struct http_piece){f->date, strlen(f->date)};
    p[np++] = (struct http_piece){"\r\n", 2};
  }
  if (!http_status_has_body(status))
    ;
  else if (!f->streamed)
    p[np++] = (struct http_piece){length, (size_t)n};
  else if (f->version_minor > 0)
    p[np++] = (struct http_piece){"Transfer-Encoding: chunked\r\n", 28};
  if (f->close)
    p[np++] = (struct http_piece){"Connection: close\r\n\r\n", 21};
  else if (f->version_minor == 0)
    p[np++] = (struct http_piece){"Connection: keep-alive\r\n\r\n", 26};
  else
    p[np++] = (struct http_piece){"\r\n", 2};
  add_pieces(out, p, np);
}

void http_write_error(struct evbuffer *out, int status, const char *reason, const char *message,
                      const char *date) {
  char body[512];
  int n = snprintf(body, sizeof body, "%s: %s\n", reason, message);
  if (n < 0) n = 0;
  if ((size_t)n >= sizeof body) n = sizeof body - 1;
  http_write_status(out, status, reason);
  static const char ctype[] = "text/plain;charset=UTF-8";
  http_write_field(out, "Content-Type", 12, ctype, sizeof ctype - 1);
  struct http_framing f = {.body_len = (size_t)n, .date = date, .close = true, .version_minor = 1};
  http_write_framing(out, status, &f);
  evbuffer_add(out, body, (size_t)n);
}
