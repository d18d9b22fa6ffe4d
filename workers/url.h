/* url.h: the WHATWG URL parser (https://url.spec.whatwg.org/), apart from
 * any I/O: the basic URL parser with its state overrides (the URL
 * setters), host parsing (domains through ICU's UTS #46 for IDNA, IPv4,
 * IPv6, opaque hosts) and the serializer.  Input is UTF-8 (a USVString:
 * the caller has replaced lone surrogates); output is ASCII.
 * js/jsfpm/internal/url.js builds URL and URLSearchParams on it. */
#ifndef JSFPM_URL_H
#define JSFPM_URL_H

#include <stdbool.h>
#include <stddef.h>

struct url_str {
  char *p; /* NUL-terminated once anything was appended; NULL while empty */
  size_t len, cap;
};

/* A URL record. */
struct url {
  struct url_str scheme;
  struct url_str username;
  struct url_str password;
  bool has_host;       /* host is null when false */
  struct url_str host; /* serialized: "example.com", "1.2.3.4", "[::1]", "" */
  int port;            /* -1: null */
  bool opaque_path;    /* the path is the string `opaque` rather than the list `segs` */
  struct url_str opaque;
  struct url_str *segs; /* the path's segments */
  size_t nsegs, segs_cap;
  bool has_query;
  struct url_str query;
  bool has_fragment;
  struct url_str fragment;
};

/* The states a setter starts the parser in (the spec's state overrides). */
enum url_state {
  URL_NO_OVERRIDE = 0,
  URL_SCHEME_START,
  URL_AUTHORITY_HOST, /* host setter: the host state */
  URL_HOSTNAME,
  URL_PORT,
  URL_PATH_START,
  URL_QUERY,
  URL_FRAGMENT,
};

void url_init(struct url *u);
void url_free(struct url *u);

/* Parses INPUT (LEN bytes) against BASE (may be NULL) into OUT, which must be
 * fresh (url_init).  Returns 0, or -1 for failure (OUT is then to be freed). */
int url_parse(const char *input, size_t len, const struct url *base, struct url *out);

/* Runs the parser on INPUT with state override STATE over the existing
 * record U (the URL setters; the caller does the setter's own steps, such
 * as emptying the path for pathname).  Returns 0, or -1 when the parser
 * returned failure (U may then be partly changed: pass a copy). */
int url_parse_override(const char *input, size_t len, struct url *u, enum url_state state);

/* The username and password setters (the caller checks that U can have
 * them): S percent-encoded with the userinfo set.  Returns 0 or -1. */
int url_set_userinfo(struct url *u, bool password, const char *s, size_t n);

/* Removes trailing spaces from an opaque path when U has neither query nor
 * fragment (the search and hash setters, given ""). */
void url_strip_opaque_path(struct url *u);

/* Copies SRC into DST (fresh). Returns 0 or -1 (out of memory). */
int url_copy(struct url *dst, const struct url *src);

/* The href of U, malloc'd (NULL when out of memory); *LEN its length. */
char *url_serialize(const struct url *u, bool exclude_fragment, size_t *len);

/* Whether SCHEME (LEN bytes) is a special scheme (http, https, ws, wss,
 * ftp, file), and its default port (-1 for none). */
bool url_scheme_special(const char *scheme, size_t len);
int url_default_port(const char *scheme, size_t len);

/* Appends S (LEN bytes) to OUT, percent-encoding bytes in the
 * application/x-www-form-urlencoded set and writing spaces as "+" (the
 * URLSearchParams serializer).  Returns 0 or -1. */
int url_form_encode(struct url_str *out, const char *s, size_t len);

/* The string operations, exported for url.js's natives. */
int url_str_append(struct url_str *s, const char *p, size_t n);
void url_str_free(struct url_str *s);

#endif
