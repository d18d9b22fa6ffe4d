/* url.c: the WHATWG URL parser and serializer (see url.h).
 *
 * The state machine follows the standard's "basic URL parser" step by step,
 * byte by byte: every character the states test is ASCII, and every byte
 * of a non-ASCII character is in each percent-encode set, so walking UTF-8
 * bytes gives the same result as walking code points.  Validation errors
 * that are not failures are not reported.  Hosts are url_host.c's: domains
 * go through ICU's UTS #46 implementation with the options the standard
 * gives (CheckHyphens off, CheckBidi and CheckJoiners on, nontransitional,
 * no DNS length check).
 */
#include "autoconfig.h"

#include "url.h"

#include "url_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- strings ------------------------------------------------------------ */

int url_str_append(struct url_str *s, const char *p, size_t n) {
  if (s->len + n + 1 > s->cap) {
    size_t cap = s->cap ? s->cap : 16;
    while (cap < s->len + n + 1) cap *= 2;
    char *grown = realloc(s->p, cap);
    if (grown == NULL) return -1;
    s->p = grown;
    s->cap = cap;
  }
  if (n) memcpy(s->p + s->len, p, n);
  s->len += n;
  s->p[s->len] = '\0';
  return 0;
}

void url_str_free(struct url_str *s) {
  free(s->p);
  s->p = NULL;
  s->len = s->cap = 0;
}

/* ---- character classes and percent-encode sets --------------------------- */
static bool in_set(unsigned char c, enum pct_set set) {
  if (c < 0x20 || c > 0x7E) return true;
  switch (set) {
  case SET_C0: return false;
  case SET_FRAGMENT: return strchr(" \"<>`", c) != NULL;
  case SET_QUERY: return strchr(" \"#<>", c) != NULL;
  case SET_SPECIAL_QUERY: return strchr(" \"#<>'", c) != NULL;
  case SET_PATH: return strchr(" \"#<>?^`{}", c) != NULL;
  case SET_USERINFO: return strchr(" \"#<>?^`{}/:;=@[\\]|", c) != NULL;
  case SET_FORM: return !(is_alpha(c) || is_digit(c) || strchr("*-._", c));
  }
  return true;
}

int url_pct_encode(struct url_str *out, const char *s, size_t n, enum pct_set set) {
  static const char hex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    int rc;
    if (c == 0 || in_set(c, set)) {
      char e[3] = {'%', hex[c >> 4], hex[c & 15]};
      rc = url_str_append(out, e, 3);
    } else {
      rc = str_putc(out, (char)c);
    }
    if (rc < 0) return -1;
  }
  return 0;
}

int url_form_encode(struct url_str *out, const char *s, size_t len) {
  for (size_t i = 0; i < len; i++) {
    int rc = s[i] == ' ' ? str_putc(out, '+') : url_pct_encode(out, s + i, 1, SET_FORM);
    if (rc < 0) return -1;
  }
  return 0;
}

/* ---- schemes --------------------------------------------------------------- */

static const struct {
  const char *name;
  int port;
} special_schemes[] = {{"http", 80}, {"https", 443}, {"ws", 80}, {"wss", 443}, {"ftp", 21}, {"file", -1}};

static int special_index(const char *s, size_t n) {
  for (size_t i = 0; i < sizeof special_schemes / sizeof *special_schemes; i++)
    if (strlen(special_schemes[i].name) == n && memcmp(special_schemes[i].name, s, n) == 0) return (int)i;
  return -1;
}

bool url_scheme_special(const char *scheme, size_t len) { return special_index(scheme, len) >= 0; }

int url_default_port(const char *scheme, size_t len) {
  int i = special_index(scheme, len);
  return i < 0 ? -1 : special_schemes[i].port;
}

static bool is_special(const struct url *u) { return url_scheme_special(str_z(&u->scheme), u->scheme.len); }
static bool is_file(const struct url *u) { return str_eq(&u->scheme, "file"); }
static bool has_credentials(const struct url *u) { return u->username.len > 0 || u->password.len > 0; }

/* ---- paths ------------------------------------------------------------- */

static int path_push(struct url *u, const char *s, size_t n) {
  if (u->nsegs == u->segs_cap) {
    size_t cap = u->segs_cap ? u->segs_cap * 2 : 8;
    struct url_str *grown = realloc(u->segs, cap * sizeof *grown);
    if (grown == NULL) return -1;
    memset(grown + u->segs_cap, 0, (cap - u->segs_cap) * sizeof *grown);
    u->segs = grown;
    u->segs_cap = cap;
  }
  return str_set(&u->segs[u->nsegs++], s, n);
}

static void path_clear(struct url *u) { u->nsegs = 0; }

/* "C:" or "C|" (NORMALIZED: "C:" only). */
static bool drive_letter(const char *s, size_t n, bool normalized) {
  return n == 2 && is_alpha((unsigned char)s[0]) && (s[1] == ':' || (!normalized && s[1] == '|'));
}

/* Whether S starts with a Windows drive letter (the standard's definition). */
static bool starts_with_drive(const char *s, size_t n) {
  return n >= 2 && drive_letter(s, 2, false) && (n == 2 || strchr("/\\?#", s[2]));
}

static void path_shorten(struct url *u) {
  if (is_file(u) && u->nsegs == 1 && drive_letter(str_z(&u->segs[0]), u->segs[0].len, true)) return;
  if (u->nsegs > 0) u->nsegs--;
}

static bool single_dot(const struct url_str *b) {
  return str_eq(b, ".") || (b->len == 3 && strncasecmp(b->p, "%2e", 3) == 0);
}

static bool double_dot(const struct url_str *b) {
  const char *p = str_z(b);
  switch (b->len) {
  case 2: return strcmp(p, "..") == 0;
  case 4:
    return (p[0] == '.' && strncasecmp(p + 1, "%2e", 3) == 0) ||
           (strncasecmp(p, "%2e", 3) == 0 && p[3] == '.');
  case 6: return strncasecmp(p, "%2e%2e", 6) == 0;
  default: return false;
  }
}

/* ---- records -------------------------------------------------------------- */

void url_init(struct url *u) {
  memset(u, 0, sizeof *u);
  u->port = -1;
}

void url_free(struct url *u) {
  url_str_free(&u->scheme);
  url_str_free(&u->username);
  url_str_free(&u->password);
  url_str_free(&u->host);
  url_str_free(&u->opaque);
  url_str_free(&u->query);
  url_str_free(&u->fragment);
  for (size_t i = 0; i < u->segs_cap; i++) url_str_free(&u->segs[i]);
  free(u->segs);
  url_init(u);
}

static int copy_path(struct url *dst, const struct url *src) {
  path_clear(dst);
  dst->opaque_path = src->opaque_path;
  if (str_copy(&dst->opaque, &src->opaque) < 0) return -1;
  for (size_t i = 0; i < src->nsegs; i++)
    if (path_push(dst, str_z(&src->segs[i]), src->segs[i].len) < 0) return -1;
  return 0;
}

/* The authority of SRC (username, password, host, port) into DST. */
static int copy_authority(struct url *dst, const struct url *src) {
  dst->has_host = src->has_host;
  dst->port = src->port;
  return str_copy(&dst->username, &src->username) < 0 || str_copy(&dst->password, &src->password) < 0 ||
                 str_copy(&dst->host, &src->host) < 0
             ? -1
             : 0;
}

static int copy_query(struct url *dst, const struct url *src) {
  dst->has_query = src->has_query;
  return str_copy(&dst->query, &src->query);
}

int url_copy(struct url *dst, const struct url *src) {
  url_init(dst);
  if (str_copy(&dst->scheme, &src->scheme) < 0 || copy_authority(dst, src) < 0 || copy_path(dst, src) < 0 ||
      copy_query(dst, src) < 0 || str_copy(&dst->fragment, &src->fragment) < 0)
    return -1;
  dst->has_fragment = src->has_fragment;
  return 0;
}

/* ---- the basic URL parser --------------------------------------------------- */

enum state {
  S_SCHEME_START = URL_SCHEME_START,
  S_HOST = URL_AUTHORITY_HOST,
  S_HOSTNAME = URL_HOSTNAME,
  S_PORT = URL_PORT,
  S_PATH_START = URL_PATH_START,
  S_QUERY = URL_QUERY,
  S_FRAGMENT = URL_FRAGMENT,
  S_SCHEME,
  S_NO_SCHEME,
  S_SPECIAL_RELATIVE_OR_AUTHORITY,
  S_PATH_OR_AUTHORITY,
  S_RELATIVE,
  S_RELATIVE_SLASH,
  S_SPECIAL_AUTHORITY_SLASHES,
  S_SPECIAL_AUTHORITY_IGNORE_SLASHES,
  S_AUTHORITY,
  S_FILE,
  S_FILE_SLASH,
  S_FILE_HOST,
  S_PATH,
  S_OPAQUE_PATH,
};

#define OOM (-2)    /* internal: out of memory, reported as failure */
#define RETURN_OK 1 /* internal: the state override says stop, with success */

struct parser {
  const char *in;
  size_t n;
  size_t p; /* pointer; may go one below 0 through "decrease by one" (wraps, then ++) */
  const struct url *base;
  struct url *u;
  enum url_state override;
  enum state state;
  struct url_str buf;
  bool at_seen, in_brackets, password_seen;
};

static int cur(const struct parser *ps) { return ps->p < ps->n ? (unsigned char)ps->in[ps->p] : -1; }
static const char *rest(const struct parser *ps) { return ps->in + ps->p + 1; }
static size_t rest_len(const struct parser *ps) { return ps->p < ps->n ? ps->n - ps->p - 1 : 0; }
static bool special_slash(const struct parser *ps, int c) {
  return c == '/' || (is_special(ps->u) && c == '\\');
}
static bool end_of_authority(const struct parser *ps, int c) {
  return c == -1 || c == '?' || c == '#' || special_slash(ps, c);
}

static int st_scheme_start(struct parser *ps, int c) {
  if (c != -1 && is_alpha(c)) {
    ps->state = S_SCHEME;
    return str_putc(&ps->buf, (char)lower(c));
  }
  if (ps->override) return -1;
  ps->state = S_NO_SCHEME;
  ps->p--;
  return 0;
}

static int st_scheme(struct parser *ps, int c) {
  struct url *u = ps->u;
  if (c != -1 && (is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.'))
    return str_putc(&ps->buf, (char)lower(c));
  if (c != ':') {
    if (ps->override) return -1;
    str_clear(&ps->buf);
    ps->state = S_NO_SCHEME;
    ps->p = (size_t)-1; /* start over */
    return 0;
  }
  if (ps->override) {
    bool buf_special = url_scheme_special(str_z(&ps->buf), ps->buf.len);
    if (is_special(u) != buf_special) return RETURN_OK;
    if ((has_credentials(u) || u->port >= 0) && str_eq(&ps->buf, "file")) return RETURN_OK;
    if (is_file(u) && u->has_host && u->host.len == 0) return RETURN_OK;
  }
  if (str_copy(&u->scheme, &ps->buf) < 0) return OOM;
  if (ps->override) {
    if (u->port == url_default_port(str_z(&u->scheme), u->scheme.len)) u->port = -1;
    return RETURN_OK;
  }
  str_clear(&ps->buf);
  if (is_file(u)) {
    ps->state = S_FILE;
  } else if (is_special(u) && ps->base && str_eq(&ps->base->scheme, str_z(&u->scheme))) {
    ps->state = S_SPECIAL_RELATIVE_OR_AUTHORITY;
  } else if (is_special(u)) {
    ps->state = S_SPECIAL_AUTHORITY_SLASHES;
  } else if (rest_len(ps) > 0 && rest(ps)[0] == '/') {
    ps->state = S_PATH_OR_AUTHORITY;
    ps->p++;
  } else {
    u->opaque_path = true;
    str_clear(&u->opaque);
    ps->state = S_OPAQUE_PATH;
  }
  return 0;
}

static int st_no_scheme(struct parser *ps, int c) {
  const struct url *b = ps->base;
  struct url *u = ps->u;
  if (b == NULL || (b->opaque_path && c != '#')) return -1;
  if (b->opaque_path) {
    if (str_copy(&u->scheme, &b->scheme) < 0 || copy_path(u, b) < 0 || copy_query(u, b) < 0) return OOM;
    u->has_fragment = true;
    str_clear(&u->fragment);
    ps->state = S_FRAGMENT;
    return 0;
  }
  ps->state = str_eq(&b->scheme, "file") ? S_FILE : S_RELATIVE;
  ps->p--;
  return 0;
}

static int st_relative(struct parser *ps, int c) {
  struct url *u = ps->u;
  if (str_copy(&u->scheme, &ps->base->scheme) < 0) return OOM;
  if (special_slash(ps, c)) {
    ps->state = S_RELATIVE_SLASH;
    return 0;
  }
  if (copy_authority(u, ps->base) < 0 || copy_path(u, ps->base) < 0 || copy_query(u, ps->base) < 0)
    return OOM;
  if (c == '?') {
    u->has_query = true;
    str_clear(&u->query);
    ps->state = S_QUERY;
  } else if (c == '#') {
    u->has_fragment = true;
    str_clear(&u->fragment);
    ps->state = S_FRAGMENT;
  } else if (c != -1) {
    u->has_query = false;
    str_clear(&u->query);
    path_shorten(u);
    ps->state = S_PATH;
    ps->p--;
  }
  return 0;
}

static int st_relative_slash(struct parser *ps, int c) {
  if (is_special(ps->u) && (c == '/' || c == '\\')) {
    ps->state = S_SPECIAL_AUTHORITY_IGNORE_SLASHES;
  } else if (c == '/') {
    ps->state = S_AUTHORITY;
  } else {
    if (copy_authority(ps->u, ps->base) < 0) return OOM;
    ps->state = S_PATH;
    ps->p--;
  }
  return 0;
}

static int st_authority(struct parser *ps, int c) {
  struct url *u = ps->u;
  if (c == '@') {
    if (ps->at_seen) {
      struct url_str t = {0};
      if (str_puts(&t, "%40") < 0 || url_str_append(&t, str_z(&ps->buf), ps->buf.len) < 0) {
        url_str_free(&t);
        return OOM;
      }
      url_str_free(&ps->buf);
      ps->buf = t;
    }
    ps->at_seen = true;
    for (size_t i = 0; i < ps->buf.len; i++) {
      if (ps->buf.p[i] == ':' && !ps->password_seen) {
        ps->password_seen = true;
        continue;
      }
      if (url_pct_encode(ps->password_seen ? &u->password : &u->username, ps->buf.p + i, 1, SET_USERINFO) < 0)
        return OOM;
    }
    str_clear(&ps->buf);
    return 0;
  }
  if (end_of_authority(ps, c)) {
    if (ps->at_seen && ps->buf.len == 0) return -1;
    ps->p -= ps->buf.len + 1;
    str_clear(&ps->buf);
    ps->state = S_HOST;
    return 0;
  }
  return str_putc(&ps->buf, (char)c);
}

static int set_host(struct parser *ps) {
  struct url *u = ps->u;
  struct url_str host = {0};
  if (url_host_parse(str_z(&ps->buf), ps->buf.len, !is_special(u), &host) < 0) {
    url_str_free(&host);
    return -1;
  }
  url_str_free(&u->host);
  u->host = host;
  u->has_host = true;
  str_clear(&ps->buf);
  return 0;
}

static int st_host(struct parser *ps, int c) {
  struct url *u = ps->u;
  if (ps->override && is_file(u)) {
    ps->p--;
    ps->state = S_FILE_HOST;
    return 0;
  }
  if (c == ':' && !ps->in_brackets) {
    if (ps->buf.len == 0) return -1;
    if (ps->override == URL_HOSTNAME) return -1;
    if (set_host(ps) < 0) return -1;
    ps->state = S_PORT;
    return 0;
  }
  if (end_of_authority(ps, c)) {
    ps->p--;
    if (is_special(u) && ps->buf.len == 0) return -1;
    if (ps->override && ps->buf.len == 0 && (has_credentials(u) || u->port >= 0)) return -1;
    if (set_host(ps) < 0) return -1;
    ps->state = S_PATH_START;
    return ps->override ? RETURN_OK : 0;
  }
  if (c == '[') ps->in_brackets = true;
  if (c == ']') ps->in_brackets = false;
  return str_putc(&ps->buf, (char)c);
}

static int st_port(struct parser *ps, int c) {
  struct url *u = ps->u;
  if (c != -1 && is_digit(c)) return str_putc(&ps->buf, (char)c);
  if (!(end_of_authority(ps, c) || ps->override)) return -1;
  if (ps->buf.len > 0) {
    long port = 0;
    for (size_t i = 0; i < ps->buf.len && port <= 65535; i++) port = port * 10 + (ps->buf.p[i] - '0');
    if (port > 65535) return -1;
    u->port = port == url_default_port(str_z(&u->scheme), u->scheme.len) ? -1 : (int)port;
    str_clear(&ps->buf);
    if (ps->override) return RETURN_OK;
  }
  if (ps->override) return -1;
  ps->state = S_PATH_START;
  ps->p--;
  return 0;
}

static int st_file(struct parser *ps, int c) {
  struct url *u = ps->u;
  const struct url *b = ps->base;
  if (str_set(&u->scheme, "file", 4) < 0) return OOM;
  u->has_host = true;
  str_clear(&u->host);
  if (c == '/' || c == '\\') {
    ps->state = S_FILE_SLASH;
    return 0;
  }
  if (b && str_eq(&b->scheme, "file")) {
    if (str_copy(&u->host, &b->host) < 0 || copy_path(u, b) < 0 || copy_query(u, b) < 0) return OOM;
    u->has_host = b->has_host;
    if (c == '?') {
      u->has_query = true;
      str_clear(&u->query);
      ps->state = S_QUERY;
    } else if (c == '#') {
      u->has_fragment = true;
      str_clear(&u->fragment);
      ps->state = S_FRAGMENT;
    } else if (c != -1) {
      u->has_query = false;
      str_clear(&u->query);
      if (!starts_with_drive(ps->in + ps->p, ps->n - ps->p))
        path_shorten(u);
      else
        path_clear(u);
      ps->state = S_PATH;
      ps->p--;
    }
    return 0;
  }
  ps->state = S_PATH;
  ps->p--;
  return 0;
}

static int st_file_slash(struct parser *ps, int c) {
  struct url *u = ps->u;
  const struct url *b = ps->base;
  if (c == '/' || c == '\\') {
    ps->state = S_FILE_HOST;
    return 0;
  }
  if (b && str_eq(&b->scheme, "file")) {
    if (str_copy(&u->host, &b->host) < 0) return OOM;
    u->has_host = b->has_host;
    if (!starts_with_drive(ps->in + ps->p, ps->n - ps->p) && b->nsegs > 0 &&
        drive_letter(str_z(&b->segs[0]), b->segs[0].len, true) &&
        path_push(u, str_z(&b->segs[0]), b->segs[0].len) < 0)
      return OOM;
  }
  ps->state = S_PATH;
  ps->p--;
  return 0;
}

static int st_file_host(struct parser *ps, int c) {
  struct url *u = ps->u;
  if (!(c == -1 || c == '/' || c == '\\' || c == '?' || c == '#')) return str_putc(&ps->buf, (char)c);
  ps->p--;
  if (!ps->override && drive_letter(str_z(&ps->buf), ps->buf.len, false)) {
    ps->state = S_PATH; /* the buffer is kept: the path state uses it */
    return 0;
  }
  if (ps->buf.len == 0) {
    u->has_host = true;
    str_clear(&u->host);
  } else {
    if (set_host(ps) < 0) return -1;
    if (str_eq(&u->host, "localhost")) str_clear(&u->host);
  }
  if (ps->override) return RETURN_OK;
  str_clear(&ps->buf);
  ps->state = S_PATH_START;
  return 0;
}

static int st_path_start(struct parser *ps, int c) {
  struct url *u = ps->u;
  if (is_special(u)) {
    ps->state = S_PATH;
    if (c != '/' && c != '\\') ps->p--;
  } else if (!ps->override && c == '?') {
    u->has_query = true;
    str_clear(&u->query);
    ps->state = S_QUERY;
  } else if (!ps->override && c == '#') {
    u->has_fragment = true;
    str_clear(&u->fragment);
    ps->state = S_FRAGMENT;
  } else if (c != -1) {
    ps->state = S_PATH;
    if (c != '/') ps->p--;
  } else if (ps->override && !u->has_host) {
    return path_push(u, "", 0);
  }
  return 0;
}

static int st_path(struct parser *ps, int c) {
  struct url *u = ps->u;
  if (!(c == -1 || special_slash(ps, c) || (!ps->override && (c == '?' || c == '#'))))
    return url_pct_encode(&ps->buf, (const char *)&ps->in[ps->p], 1, SET_PATH);
  bool slash = special_slash(ps, c);
  if (double_dot(&ps->buf)) {
    path_shorten(u);
    if (!slash && path_push(u, "", 0) < 0) return OOM;
  } else if (single_dot(&ps->buf) && !slash) {
    if (path_push(u, "", 0) < 0) return OOM;
  } else if (!single_dot(&ps->buf)) {
    if (is_file(u) && u->nsegs == 0 && drive_letter(str_z(&ps->buf), ps->buf.len, false)) ps->buf.p[1] = ':';
    if (path_push(u, str_z(&ps->buf), ps->buf.len) < 0) return OOM;
  }
  str_clear(&ps->buf);
  if (c == '?') {
    u->has_query = true;
    str_clear(&u->query);
    ps->state = S_QUERY;
  } else if (c == '#') {
    u->has_fragment = true;
    str_clear(&u->fragment);
    ps->state = S_FRAGMENT;
  }
  return 0;
}

static int st_opaque_path(struct parser *ps, int c) {
  struct url *u = ps->u;
  if (c == '?') {
    u->has_query = true;
    str_clear(&u->query);
    ps->state = S_QUERY;
  } else if (c == '#') {
    u->has_fragment = true;
    str_clear(&u->fragment);
    ps->state = S_FRAGMENT;
  } else if (c != -1) {
    return url_pct_encode(&u->opaque, (const char *)&ps->in[ps->p], 1, SET_C0);
  }
  return 0;
}

static int st_query(struct parser *ps, int c) {
  struct url *u = ps->u;
  if ((!ps->override && c == '#') || c == -1) {
    if (url_pct_encode(&u->query, str_z(&ps->buf), ps->buf.len,
                       is_special(u) ? SET_SPECIAL_QUERY : SET_QUERY) < 0)
      return OOM;
    str_clear(&ps->buf);
    if (c == '#') {
      u->has_fragment = true;
      str_clear(&u->fragment);
      ps->state = S_FRAGMENT;
    }
    return 0;
  }
  return str_putc(&ps->buf, (char)c);
}

static int step(struct parser *ps, int c) {
  switch (ps->state) {
  case S_SCHEME_START: return st_scheme_start(ps, c);
  case S_SCHEME: return st_scheme(ps, c);
  case S_NO_SCHEME: return st_no_scheme(ps, c);
  case S_SPECIAL_RELATIVE_OR_AUTHORITY:
  case S_SPECIAL_AUTHORITY_SLASHES:
    if (c == '/' && rest_len(ps) > 0 && rest(ps)[0] == '/') {
      ps->state = S_SPECIAL_AUTHORITY_IGNORE_SLASHES;
      ps->p++;
    } else {
      ps->state =
          ps->state == S_SPECIAL_RELATIVE_OR_AUTHORITY ? S_RELATIVE : S_SPECIAL_AUTHORITY_IGNORE_SLASHES;
      ps->p--;
    }
    return 0;
  case S_PATH_OR_AUTHORITY:
    if (c == '/') {
      ps->state = S_AUTHORITY;
    } else {
      ps->state = S_PATH;
      ps->p--;
    }
    return 0;
  case S_RELATIVE: return st_relative(ps, c);
  case S_RELATIVE_SLASH: return st_relative_slash(ps, c);
  case S_SPECIAL_AUTHORITY_IGNORE_SLASHES:
    if (c != '/' && c != '\\') {
      ps->state = S_AUTHORITY;
      ps->p--;
    }
    return 0;
  case S_AUTHORITY: return st_authority(ps, c);
  case S_HOST:
  case S_HOSTNAME: return st_host(ps, c);
  case S_PORT: return st_port(ps, c);
  case S_FILE: return st_file(ps, c);
  case S_FILE_SLASH: return st_file_slash(ps, c);
  case S_FILE_HOST: return st_file_host(ps, c);
  case S_PATH_START: return st_path_start(ps, c);
  case S_PATH: return st_path(ps, c);
  case S_OPAQUE_PATH: return st_opaque_path(ps, c);
  case S_QUERY: return st_query(ps, c);
  case S_FRAGMENT:
    if (c != -1 && url_pct_encode(&ps->u->fragment, (const char *)&ps->in[ps->p], 1, SET_FRAGMENT) < 0)
      return OOM;
    return 0;
  }
  return -1;
}

static bool c0_or_space(unsigned char c) { return c <= 0x20; }

/* Runs the state machine over INPUT; the caller trimmed it (or not). */
static int run(const char *input, size_t len, const struct url *base, struct url *u,
               enum url_state override) {
  /* Tabs and newlines are removed wherever they are. */
  char *in = malloc(len + 1);
  if (in == NULL) return -1;
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    if (input[i] != '\t' && input[i] != '\n' && input[i] != '\r') in[n++] = input[i];
  struct parser ps = {.in = in,
                      .n = n,
                      .base = base,
                      .u = u,
                      .override = override,
                      .state = override ? (enum state) override : S_SCHEME_START};
  int rc = 0;
  for (ps.p = 0;; ps.p++) {
    rc = step(&ps, cur(&ps));
    if (rc != 0 || ps.p == n) break;
    if (ps.p == (size_t)-1) continue; /* decreased below 0: the loop increments it back */
    if (ps.p > n) break;
  }
  url_str_free(&ps.buf);
  free(in);
  return rc < 0 ? -1 : 0;
}

int url_parse(const char *input, size_t len, const struct url *base, struct url *out) {
  while (len > 0 && c0_or_space((unsigned char)input[0])) input++, len--;
  while (len > 0 && c0_or_space((unsigned char)input[len - 1])) len--;
  return run(input, len, base, out, URL_NO_OVERRIDE);
}

int url_parse_override(const char *input, size_t len, struct url *u, enum url_state state) {
  return run(input, len, NULL, u, state);
}

int url_set_userinfo(struct url *u, bool password, const char *s, size_t n) {
  struct url_str *field = password ? &u->password : &u->username;
  str_clear(field);
  return url_pct_encode(field, s, n, SET_USERINFO);
}

void url_strip_opaque_path(struct url *u) {
  if (!u->opaque_path || u->has_fragment || u->has_query) return;
  while (u->opaque.len > 0 && u->opaque.p[u->opaque.len - 1] == ' ') u->opaque.p[--u->opaque.len] = '\0';
}

/* ---- the serializer ------------------------------------------------------------ */

char *url_serialize(const struct url *u, bool exclude_fragment, size_t *len) {
  struct url_str s = {0};
  int rc = url_str_append(&s, str_z(&u->scheme), u->scheme.len) | str_putc(&s, ':');
  if (u->has_host) {
    rc |= str_puts(&s, "//");
    if (has_credentials(u)) {
      rc |= url_str_append(&s, str_z(&u->username), u->username.len);
      if (u->password.len) rc |= str_putc(&s, ':') | url_str_append(&s, str_z(&u->password), u->password.len);
      rc |= str_putc(&s, '@');
    }
    rc |= url_str_append(&s, str_z(&u->host), u->host.len);
    if (u->port >= 0) {
      char port[16];
      snprintf(port, sizeof port, ":%d", u->port);
      rc |= str_puts(&s, port);
    }
  }
  if (u->opaque_path) {
    rc |= url_str_append(&s, str_z(&u->opaque), u->opaque.len);
  } else {
    if (!u->has_host && u->nsegs > 1 && u->segs[0].len == 0) rc |= str_puts(&s, "/.");
    for (size_t i = 0; i < u->nsegs; i++)
      rc |= str_putc(&s, '/') | url_str_append(&s, str_z(&u->segs[i]), u->segs[i].len);
  }
  if (u->has_query) rc |= str_putc(&s, '?') | url_str_append(&s, str_z(&u->query), u->query.len);
  if (!exclude_fragment && u->has_fragment)
    rc |= str_putc(&s, '#') | url_str_append(&s, str_z(&u->fragment), u->fragment.len);
  if (rc != 0 || (s.p == NULL && str_puts(&s, "") < 0)) {
    url_str_free(&s);
    return NULL;
  }
  *len = s.len;
  return s.p;
}
