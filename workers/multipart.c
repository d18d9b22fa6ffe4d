/* multipart.c: the multipart/form-data parser (see multipart.h).
 *
 * The body is  preamble "--B" CRLF part ( CRLF "--B" CRLF part )* CRLF "--B--"
 * epilogue, where a part is its header lines, an empty line and its data.
 * A delimiter line may carry trailing spaces or tabs (RFC 2046 "transport
 * padding").  Every part must have a Content-Disposition of form-data with a
 * name; anything else in the structure is an error, never a guess.
 */
#include "autoconfig.h"

#include "multipart.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool is_space(char c) { return c == ' ' || c == '\t'; }

/* A boundary's characters (RFC 2046 bcharsnospace, plus space inside). */
static bool bchar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c && strchr("'()+_,-./:=? ", c));
}

/* Finds parameter NAME (case-insensitive) in a header value's "; k=v"
 * list: sets *VAL and *VAL_LEN (quotes removed) and returns 0, or -1. */
static int header_param(const char *s, size_t len, const char *name, const char **val, size_t *val_len) {
  size_t name_len = strlen(name), i = 0;
  bool quoted_skip = false;
  while (i < len) {
    /* to the next ';' outside quotes */
    while (i < len && (s[i] != ';' || quoted_skip)) {
      if (s[i] == '"')
        quoted_skip = !quoted_skip;
      else if (s[i] == '\\' && quoted_skip && i + 1 < len)
        i++;
      i++;
    }
    if (i >= len) return -1;
    i++;
    while (i < len && is_space(s[i])) i++;
    size_t k = i;
    while (i < len && s[i] != '=' && s[i] != ';' && !is_space(s[i])) i++;
    bool match = i - k == name_len && strncasecmp(s + k, name, name_len) == 0;
    while (i < len && is_space(s[i])) i++;
    if (i >= len || s[i] != '=') continue;
    i++;
    while (i < len && is_space(s[i])) i++;
    size_t v = i, v_end;
    if (i < len && s[i] == '"') {
      v = ++i;
      while (i < len && s[i] != '"') i += (s[i] == '\\' && i + 1 < len) ? 2 : 1;
      if (i >= len) return -1; /* an unterminated quoted string */
      v_end = i++;
    } else {
      while (i < len && s[i] != ';' && !is_space(s[i])) i++;
      v_end = i;
    }
    if (match) {
      *val = s + v;
      *val_len = v_end - v;
      return 0;
    }
  }
  return -1;
}

int multipart_boundary(const char *content_type, size_t len, char *out) {
  const char *b;
  size_t n;
  if (header_param(content_type, len, "boundary", &b, &n) < 0) return -1;
  if (n == 0 || n > MULTIPART_BOUNDARY_MAX || b[n - 1] == ' ') return -1;
  for (size_t i = 0; i < n; i++)
    if (!bchar(b[i])) return -1;
  memcpy(out, b, n);
  out[n] = '\0';
  return (int)n;
}

struct cursor {
  const uint8_t *body;
  size_t len, pos;
  char *err;
  size_t errlen;
};

static int fail(struct cursor *c, const char *what) {
  snprintf(c->err, c->errlen, "malformed multipart/form-data body: %s (at byte %zu)", what, c->pos);
  return -1;
}

/* After a delimiter: "--" ends the body (returns 1); padding and CRLF
 * start a part (returns 0). */
static int after_delimiter(struct cursor *c) {
  if (c->len - c->pos >= 2 && memcmp(c->body + c->pos, "--", 2) == 0) return 1;
  while (c->pos < c->len && is_space((char)c->body[c->pos])) c->pos++;
  if (c->len - c->pos < 2 || memcmp(c->body + c->pos, "\r\n", 2) != 0)
    return fail(c, "a boundary line does not end with CRLF");
  c->pos += 2;
  return 0;
}

/* Reads one part's header lines into P (name, filename, content type). */
static int read_headers(struct cursor *c, struct multipart_part *p) {
  const char *s = (const char *)c->body;
  bool disposition = false;
  size_t start = c->pos;
  for (;;) {
    const char *eol = memmem(s + c->pos, c->len - c->pos, "\r\n", 2);
    if (eol == NULL) return fail(c, "the part's headers do not end");
    size_t line = c->pos, line_len = (size_t)(eol - (s + c->pos));
    c->pos += line_len + 2;
    if (c->pos - start > MULTIPART_HEADERS_MAX) return fail(c, "a part's headers are too long");
    if (line_len == 0) break;
    const char *colon = memchr(s + line, ':', line_len);
    if (colon == NULL) return fail(c, "a part's header line has no colon");
    size_t name_len = (size_t)(colon - (s + line)), v = name_len + 1;
    while (v < line_len && is_space(s[line + v])) v++;
    const char *value = s + line + v;
    size_t value_len = line_len - v;
    while (value_len > 0 && is_space(value[value_len - 1])) value_len--;
    if (name_len == 19 && strncasecmp(s + line, "Content-Disposition", 19) == 0) {
      if (value_len < 9 || strncasecmp(value, "form-data", 9) != 0 ||
          (value_len > 9 && value[9] != ';' && !is_space(value[9])))
        return fail(c, "a part's Content-Disposition is not form-data");
      if (header_param(value, value_len, "name", &p->name, &p->name_len) < 0)
        return fail(c, "a part's Content-Disposition has no name");
      if (header_param(value, value_len, "filename", &p->filename, &p->filename_len) < 0) p->filename = NULL;
      disposition = true;
    } else if (name_len == 12 && strncasecmp(s + line, "Content-Type", 12) == 0) {
      p->content_type = value;
      p->content_type_len = value_len;
    }
  }
  return disposition ? 0 : fail(c, "a part has no Content-Disposition");
}

int multipart_parse(const uint8_t *body, size_t len, const char *boundary, size_t boundary_len,
                    multipart_part_fn fn, void *udata, char *err, size_t errlen) {
  struct cursor c = {body, len, 0, err, errlen};
  if (boundary_len == 0 || boundary_len > MULTIPART_BOUNDARY_MAX) return fail(&c, "bad boundary");
  char delim[MULTIPART_BOUNDARY_MAX + 4] = "\r\n--";
  memcpy(delim + 4, boundary, boundary_len);
  size_t delim_len = boundary_len + 4;
  /* The first delimiter may open the body (no CRLF before it). */
  if (len >= delim_len - 2 && memcmp(body, delim + 2, delim_len - 2) == 0) {
    c.pos = delim_len - 2;
  } else {
    const uint8_t *d = memmem(body, len, delim, delim_len);
    if (d == NULL) return fail(&c, "no boundary line");
    c.pos = (size_t)(d - body) + delim_len;
  }
  for (;;) {
    int end = after_delimiter(&c);
    if (end != 0) return end < 0 ? -1 : 0;
    struct multipart_part p = {0};
    if (read_headers(&c, &p) < 0) return -1;
    const uint8_t *next = memmem(body + c.pos, len - c.pos, delim, delim_len);
    if (next == NULL) return fail(&c, "the body ends inside a part (no closing boundary)");
    p.data = body + c.pos;
    p.data_len = (size_t)(next - p.data);
    int rc = fn(udata, &p);
    if (rc != 0) return rc;
    c.pos = (size_t)(next - body) + delim_len;
  }
}
