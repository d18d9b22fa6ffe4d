/* js_url.c: the natives behind URL and URLSearchParams
 * (js/jsfpm/internal/url.js) on the parser in workers/url.c.
 *
 * A URL record crosses to JavaScript as an array:
 *   [href, scheme, username, password, host|null, port|null,
 *    path (a string when opaque, else an array of segments), query|null,
 *    fragment|null]
 * and comes back the same way for the setters.
 */
#include "autoconfig.h"

#include "js_platform.h"

#include <stdlib.h>
#include <string.h>

#include "url.h"

enum rec_index {
  REC_HREF,
  REC_SCHEME,
  REC_USER,
  REC_PASS,
  REC_HOST,
  REC_PORT,
  REC_PATH,
  REC_QUERY,
  REC_FRAGMENT
};

static void push_str(duk_context *ctx, const struct url_str *s) {
  duk_push_lstring(ctx, s->p ? s->p : "", s->len);
}

/* Pushes U as a record; OOM throws. */
static void push_record(duk_context *ctx, const struct url *u) {
  size_t len;
  char *href = url_serialize(u, false, &len);
  if (href == NULL) (void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
  duk_push_array(ctx);
  duk_push_lstring(ctx, href, len);
  free(href);
  duk_put_prop_index(ctx, -2, REC_HREF);
  push_str(ctx, &u->scheme);
  duk_put_prop_index(ctx, -2, REC_SCHEME);
  push_str(ctx, &u->username);
  duk_put_prop_index(ctx, -2, REC_USER);
  push_str(ctx, &u->password);
  duk_put_prop_index(ctx, -2, REC_PASS);
  if (u->has_host)
    push_str(ctx, &u->host);
  else
    duk_push_null(ctx);
  duk_put_prop_index(ctx, -2, REC_HOST);
  if (u->port >= 0)
    duk_push_int(ctx, u->port);
  else
    duk_push_null(ctx);
  duk_put_prop_index(ctx, -2, REC_PORT);
  if (u->opaque_path) {
    push_str(ctx, &u->opaque);
  } else {
    duk_push_array(ctx);
    for (size_t i = 0; i < u->nsegs; i++) {
      push_str(ctx, &u->segs[i]);
      duk_put_prop_index(ctx, -2, (duk_uarridx_t)i);
    }
  }
  duk_put_prop_index(ctx, -2, REC_PATH);
  if (u->has_query)
    push_str(ctx, &u->query);
  else
    duk_push_null(ctx);
  duk_put_prop_index(ctx, -2, REC_QUERY);
  if (u->has_fragment)
    push_str(ctx, &u->fragment);
  else
    duk_push_null(ctx);
  duk_put_prop_index(ctx, -2, REC_FRAGMENT);
}

static duk_ret_t push_record_safe(duk_context *ctx, void *udata) {
  push_record(ctx, udata);
  return 1;
}

/* Pushes U as a record and frees U, also when pushing fails. */
static duk_ret_t push_record_free(duk_context *ctx, struct url *u) {
  int rc = duk_safe_call(ctx, push_record_safe, u, 0, 1);
  url_free(u);
  return rc == DUK_EXEC_SUCCESS ? 1 : duk_throw(ctx);
}

/* Field I of the record at IDX into S (a string; records hold ASCII only). */
static int read_str(duk_context *ctx, duk_idx_t idx, int i, struct url_str *s, bool *present) {
  duk_get_prop_index(ctx, idx, (duk_uarridx_t)i);
  duk_size_t n = 0;
  const char *p = duk_get_lstring(ctx, -1, &n);
  if (present) *present = p != NULL;
  int rc = url_str_append(s, p ? p : "", p ? n : 0);
  duk_pop(ctx);
  return rc;
}

static int read_record(duk_context *ctx, duk_idx_t idx, struct url *u) {
  int rc = read_str(ctx, idx, REC_SCHEME, &u->scheme, NULL) |
           read_str(ctx, idx, REC_USER, &u->username, NULL) |
           read_str(ctx, idx, REC_PASS, &u->password, NULL) |
           read_str(ctx, idx, REC_HOST, &u->host, &u->has_host) |
           read_str(ctx, idx, REC_QUERY, &u->query, &u->has_query) |
           read_str(ctx, idx, REC_FRAGMENT, &u->fragment, &u->has_fragment);
  duk_get_prop_index(ctx, idx, REC_PORT);
  u->port = duk_is_number(ctx, -1) ? duk_get_int(ctx, -1) : -1;
  duk_pop(ctx);
  duk_get_prop_index(ctx, idx, REC_PATH);
  if (duk_is_string(ctx, -1)) {
    u->opaque_path = true;
    duk_size_t n;
    const char *p = duk_get_lstring(ctx, -1, &n);
    rc |= url_str_append(&u->opaque, p, n);
  } else {
    duk_size_t n = duk_get_length(ctx, -1);
    for (duk_size_t i = 0; i < n && rc == 0; i++) {
      duk_get_prop_index(ctx, -1, (duk_uarridx_t)i);
      duk_size_t len;
      const char *p = duk_get_lstring(ctx, -1, &len);
      if (u->nsegs == u->segs_cap) {
        size_t cap = u->segs_cap ? u->segs_cap * 2 : 8;
        struct url_str *grown = realloc(u->segs, cap * sizeof *grown);
        if (grown == NULL) {
          rc = -1;
        } else {
          memset(grown + u->segs_cap, 0, (cap - u->segs_cap) * sizeof *grown);
          u->segs = grown;
          u->segs_cap = cap;
        }
      }
      if (rc == 0) {
        u->segs[u->nsegs].len = 0;
        rc = url_str_append(&u->segs[u->nsegs++], p ? p : "", p ? len : 0);
      }
      duk_pop(ctx);
    }
  }
  duk_pop(ctx);
  return rc;
}

/* The string at IDX as UTF-8 (a USVString). */
static const char *get_usv(duk_context *ctx, duk_idx_t idx, size_t *len) {
  duk_dup(ctx, idx);
  duk_to_string(ctx, -1);
  duk_size_t n;
  const char *p = (const char *)js_push_utf8(ctx, &n);
  *len = n;
  return p ? p : "";
}

/* native.urlParse(input, base?) -> record, or null for failure. */
static duk_ret_t js_url_parse(duk_context *ctx) {
  struct url base, u;
  url_init(&base);
  url_init(&u);
  size_t len, base_len;
  const char *input = get_usv(ctx, 0, &len);
  bool have_base = !duk_is_undefined(ctx, 1);
  const char *base_input = have_base ? get_usv(ctx, 1, &base_len) : NULL;
  int rc = have_base ? url_parse(base_input, base_len, NULL, &base) : 0;
  if (rc == 0) rc = url_parse(input, len, have_base ? &base : NULL, &u);
  url_free(&base);
  if (rc < 0) {
    url_free(&u);
    duk_push_null(ctx);
    return 1;
  }
  return push_record_free(ctx, &u);
}

static const struct {
  const char *name;
  enum url_state state;
} setters[] = {{"protocol", URL_SCHEME_START}, {"host", URL_AUTHORITY_HOST},
               {"hostname", URL_HOSTNAME},     {"port", URL_PORT},
               {"pathname", URL_PATH_START},   {"search", URL_QUERY},
               {"hash", URL_FRAGMENT}};

static bool can_have_credentials_or_port(const struct url *u) {
  return u->has_host && u->host.len > 0 && !(u->scheme.len == 4 && memcmp(u->scheme.p, "file", 4) == 0);
}

/* The setter's own steps before the parser runs with STATE over U (the
 * standard's URL setters); false when the setter does nothing. */
static bool setter_prepare(struct url *u, enum url_state state) {
  switch (state) {
  case URL_AUTHORITY_HOST:
  case URL_HOSTNAME: return !u->opaque_path;
  case URL_PORT: return can_have_credentials_or_port(u);
  case URL_PATH_START:
    if (u->opaque_path) return false;
    u->nsegs = 0;
    return true;
  case URL_QUERY:
    u->has_query = true;
    u->query.len = 0;
    return true;
  case URL_FRAGMENT:
    u->has_fragment = true;
    u->fragment.len = 0;
    return true;
  default: return true;
  }
}

/* The setters that are no parser state (username, password) and the empty
 * values the standard's setters handle before parsing.  Returns 1 when it
 * handled WHICH (U changed: RC says whether it worked), -1 when the URL
 * stays as it is, 0 when the parser must run. */
static int setter_direct(struct url *u, const char *which, const char *value, size_t len, int *rc) {
  bool password = strcmp(which, "password") == 0;
  if (password || strcmp(which, "username") == 0) {
    if (!can_have_credentials_or_port(u)) return -1;
    *rc = url_set_userinfo(u, password, value, len);
    return 1;
  }
  if (len > 0) return 0;
  if (strcmp(which, "port") == 0) {
    if (!can_have_credentials_or_port(u)) return -1;
    u->port = -1;
    return 1;
  }
  bool search = strcmp(which, "search") == 0;
  if (search || strcmp(which, "hash") == 0) {
    if (search)
      u->has_query = false;
    else
      u->has_fragment = false;
    url_strip_opaque_path(u);
    return 1;
  }
  return 0;
}

/* native.urlSet(record, setter, value) -> the new record, or null when the
 * URL does not change (the setter does nothing, or the parser failed). */
static duk_ret_t js_url_set(duk_context *ctx) {
  const char *which = duk_require_string(ctx, 1);
  size_t len;
  const char *value = get_usv(ctx, 2, &len);
  struct url u;
  url_init(&u);
  int rc = read_record(ctx, 0, &u);
  int direct = rc == 0 ? setter_direct(&u, which, value, len, &rc) : -1;
  if (direct == 1 && rc == 0) return push_record_free(ctx, &u);
  if (direct == 0) {
    enum url_state state = URL_NO_OVERRIDE;
    for (size_t i = 0; i < sizeof setters / sizeof *setters; i++)
      if (strcmp(setters[i].name, which) == 0) state = setters[i].state;
    if (state == URL_NO_OVERRIDE) {
      url_free(&u);
      return duk_error(ctx, DUK_ERR_ERROR, "urlSet: unknown setter %s", which);
    }
    /* search and hash drop one leading "?" or "#"; protocol parses value + ":". */
    if ((state == URL_QUERY && value[0] == '?') || (state == URL_FRAGMENT && value[0] == '#')) value++, len--;
    char *input = setter_prepare(&u, state) ? malloc(len + 2) : NULL;
    if (input) {
      memcpy(input, value, len);
      if (state == URL_SCHEME_START) input[len++] = ':';
      rc = url_parse_override(input, len, &u, state);
      free(input);
      if (rc == 0) return push_record_free(ctx, &u);
    }
  }
  url_free(&u);
  duk_push_null(ctx);
  return 1;
}

/* native.formEncode(string) -> the application/x-www-form-urlencoded form. */
static duk_ret_t js_form_encode(duk_context *ctx) {
  size_t len;
  const char *s = get_usv(ctx, 0, &len);
  struct url_str out = {0};
  if (url_form_encode(&out, s, len) < 0) {
    url_str_free(&out);
    return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
  }
  duk_push_lstring(ctx, out.p ? out.p : "", out.len);
  url_str_free(&out);
  return 1;
}

const duk_function_list_entry js_url_natives[] = {{"urlParse", js_url_parse, 2},
                                                  {"urlSet", js_url_set, 3},
                                                  {"formEncode", js_form_encode, 1},
                                                  {NULL, NULL, 0}};
