/* worker_js.c: one Duktape heap per worker.
 *
 * A "global environment" here is the runtime module (Headers, Request,
 * Response, console, the dispatcher) plus the app's modules, loaded from the
 * compile cache (js_compile.h) into one set of globals.  Its module registry,
 * app exports and dispatcher live in the stash of the thread that owns it.
 *
 *   isolation = worker: one environment per heap, loaded at start; then every
 *     intrinsic reachable from the global object, the global object itself
 *     and the jsfpm/ modules are frozen, so a request cannot leave anything
 *     behind through them.  Module-level variables persist, by design.
 *   isolation = request: a new thread with fresh globals and built-ins
 *     (duk_push_thread_new_globalenv) per request, the app instantiated from
 *     bytecode into it; nothing survives the request.
 *
 * Limits: an execution deadline (Duktape's exec-timeout check, 504), a heap
 * byte cap (our allocator; 500 and a fresh heap before the next request),
 * database calls per request, response size.  The response's strings are
 * borrowed from the heap and stay valid until the next js_handle.
 *
 * This file holds the runtime, its allocator and requests; the deadline
 * timer, the module loader and the environments are in the files
 * worker_js_internal.h lists.
 */
#include "autoconfig.h"

#include "worker_js.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "accept.h"
#include "clock.h"
#include "config.h"
#include "db_client.h"
#include "duktape/duktape.h"
#include "js_compile.h"
#include "js_fetch.h"
#include "js_platform.h"
#include "js_raw_request.h"
#include "js_resolve.h"
#include "lazy_timer.h"
#include "log.h"
#include "utf8.h"
#include "worker_db.h"
#include "worker_js_internal.h"

/* ---- clocks and the execution time limit ------------------------------- */

/* Called by Duktape every few hundred thousand bytecode instructions (see
 * src/duktape/duk_config.h).  Returning 1 throws a RangeError; Duktape keeps
 * throwing at each check while we keep returning 1, so a script that catches
 * the error cannot run on. */
int jsfpm_duk_exec_timeout(void *udata);
int jsfpm_duk_exec_timeout(void *udata) {
  struct js_runtime *rt = udata;
  if (rt == NULL || rt->deadline_ms == 0) return 0;
  long long now = clock_coarse_ms();
  if (rt->slow_at_ms != 0 && now >= rt->slow_at_ms) jsrt_take_slow_stack(rt, now);
  if (now < rt->deadline_ms) return 0;
  rt->timed_out = true;
  return 1;
}

/* ---- the allocator: byte accounting for memory_limit ------------------ */

void *jsrt_rt_alloc(void *udata, duk_size_t size) {
  struct js_runtime *rt = udata;
  long limit = rt->cfg->memory_limit_bytes;
  if (limit > 0 && rt->heap_bytes + size > (size_t)limit) {
    rt->over_limit = true; /* Duktape collects garbage and retries before giving up */
    return NULL;
  }
  unsigned char *p = malloc(size + ALLOC_HEADER);
  if (p == NULL) return NULL;
  *(size_t *)p = size;
  rt->heap_bytes += size;
  if (rt->heap_bytes > rt->heap_peak_bytes) rt->heap_peak_bytes = rt->heap_bytes;
  return p + ALLOC_HEADER;
}

void jsrt_rt_free(void *udata, void *ptr) {
  struct js_runtime *rt = udata;
  if (ptr == NULL) return;
  unsigned char *p = (unsigned char *)ptr - ALLOC_HEADER;
  rt->heap_bytes -= *(size_t *)p;
  free(p);
}

void *jsrt_rt_realloc(void *udata, void *ptr, duk_size_t size) {
  struct js_runtime *rt = udata;
  if (ptr == NULL) return jsrt_rt_alloc(udata, size);
  if (size == 0) {
    jsrt_rt_free(udata, ptr);
    return NULL;
  }
  unsigned char *p = (unsigned char *)ptr - ALLOC_HEADER;
  size_t old = *(size_t *)p;
  long limit = rt->cfg->memory_limit_bytes;
  if (limit > 0 && size > old && rt->heap_bytes + (size - old) > (size_t)limit) {
    rt->over_limit = true;
    return NULL;
  }
  unsigned char *q = realloc(p, size + ALLOC_HEADER);
  if (q == NULL) return NULL;
  *(size_t *)q = size;
  rt->heap_bytes = rt->heap_bytes - old + size;
  if (rt->heap_bytes > rt->heap_peak_bytes) rt->heap_peak_bytes = rt->heap_bytes;
  return q + ALLOC_HEADER;
}

struct js_runtime *jsrt_get_rt(duk_context *ctx) {
  duk_memory_functions funcs;
  duk_get_memory_functions(ctx, &funcs);
  return funcs.udata;
}

const struct jsfpm_config *js_runtime_config(duk_context *ctx) { return jsrt_get_rt(ctx)->cfg; }
long long js_runtime_deadline_ms(duk_context *ctx) { return jsrt_get_rt(ctx)->deadline_ms; }

void jsrt_on_fatal(void *udata, const char *msg) {
  (void)udata;
  /* Duktape's state is unusable after a fatal error; the master restarts us. */
  log_error("fatal JavaScript engine error: %s", msg ? msg : "(no message)");
  abort();
}

/* ---- requests ----------------------------------------------------------- */

const char *js_status_reason(int status) {
  switch (status) {
  case 200: return "OK";
  case 201: return "Created";
  case 202: return "Accepted";
  case 204: return "No Content";
  case 206: return "Partial Content";
  case 301: return "Moved Permanently";
  case 302: return "Found";
  case 303: return "See Other";
  case 304: return "Not Modified";
  case 307: return "Temporary Redirect";
  case 308: return "Permanent Redirect";
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 409: return "Conflict";
  case 410: return "Gone";
  case 413: return "Content Too Large";
  case 415: return "Unsupported Media Type";
  case 422: return "Unprocessable Content";
  case 429: return "Too Many Requests";
  case 500: return "Internal Server Error";
  case 501: return "Not Implemented";
  case 502: return "Bad Gateway";
  case 503: return "Service Unavailable";
  case 504: return "Gateway Timeout";
  default:
    return status < 300 ? "OK" : status < 400 ? "Redirect" : status < 500 ? "Client Error" : "Server Error";
  }
}

static const struct js_header *find_header(const struct js_request *req, const char *name) {
  if (name == NULL) return NULL;
  for (size_t i = 0; i < req->nheaders; i++)
    if (strlen(name) == req->headers[i].name_len &&
        strncasecmp(req->headers[i].name, name, req->headers[i].name_len) == 0)
      return &req->headers[i];
  return NULL;
}

/* A request id from a client header is used only if it is short and plain,
 * since it goes into logs and a response header. */
static bool valid_request_id(const char *s, size_t len) {
  if (len == 0 || len > REQUEST_ID_MAX) return false;
  for (size_t i = 0; i < len; i++)
    if (!isalnum((unsigned char)s[i]) && !strchr("-_.:", s[i])) return false;
  return true;
}

/* Best match of an Accept-Language value against the configured locales:
 * highest q first; an exact tag beats its primary language ("de-CH" -> "de"). */
static const char *match_locale(const struct js_runtime *rt, const struct js_header *h) {
  const char *fallback = rt->nlocales ? rt->locales[0] : "en";
  if (h == NULL) return fallback;
  const char *best = NULL;
  double best_q = 0;
  const char *p = h->value, *end = h->value + h->value_len;
  while (p < end) {
    while (p < end && (*p == ' ' || *p == ',')) p++;
    const char *tag = p;
    while (p < end && *p != ',' && *p != ';' && *p != ' ') p++;
    size_t tag_len = (size_t)(p - tag);
    double q = 1.0;
    while (p < end && *p != ',') {
      if (*p == 'q' && p + 1 < end && p[1] == '=') q = strtod(p + 2, NULL);
      p++;
    }
    if (tag_len == 0 || q <= best_q) continue;
    for (int pass = 0; pass < 2; pass++) {
      for (size_t i = 0; i < rt->nlocales; i++) {
        const char *loc = rt->locales[i];
        size_t n = pass == 0 ? tag_len : strcspn(loc, "-_");
        size_t t =
            pass == 0 ? tag_len : (size_t)(strcspn(tag, "-_,;") < tag_len ? strcspn(tag, "-_,;") : tag_len);
        if (pass == 1 && n != t) continue;
        if (strlen(loc) >= n && strncasecmp(loc, tag, n) == 0 && (pass == 1 || strlen(loc) == tag_len)) {
          best = loc;
          best_q = q;
          goto next_tag;
        }
      }
    }
  next_tag:;
  }
  return best ? best : fallback;
}

/* Pushes bytes from the network as a string: valid UTF-8 as it is, each
 * invalid byte as U+FFFD.  Raw bytes must never reach Duktape unchecked: a
 * string whose first byte is 0x80-0x82 or 0xFF is one of its Symbols. */
void js_push_wire_string(duk_context *ctx, const char *value, size_t len) {
  const unsigned char *s = (const unsigned char *)value;
  size_t i = 0;
  while (i < len && s[i] < 0x80) i++; /* the common case: ASCII */
  if (i == len) {
    duk_push_lstring(ctx, value, len);
    return;
  }
  unsigned char *out = duk_push_fixed_buffer(ctx, len * 3);
  memcpy(out, s, i);
  size_t o = i;
  while (i < len) {
    size_t n = utf8_sequence(s + i, len - i);
    if (n == 0) {
      memcpy(out + o, "\xEF\xBF\xBD", 3);
      o += 3;
      i++;
    } else {
      memcpy(out + o, s + i, n);
      o += n;
      i += n;
    }
  }
  duk_push_lstring(ctx, (const char *)out, o);
  duk_remove(ctx, -2);
}

/* Whether S holds a UTF-16 surrogate as a 3-byte sequence (ED A0..BF ..). */
static bool has_surrogate(const unsigned char *s, size_t len) {
  for (const unsigned char *p = s; (p = memchr(p, 0xED, len - (size_t)(p - s))) != NULL; p++)
    if ((size_t)(p - s) + 2 < len && (p[1] & 0xE0) == 0xA0) return true;
  return false;
}

/* The code unit of the surrogate sequence at S (ED A0..BF 80..BF). */
static unsigned surrogate_at(const unsigned char *s) {
  return 0xD000u | (unsigned)(s[1] & 0x3F) << 6 | (unsigned)(s[2] & 0x3F);
}

/* The string on top of CTX's stack as UTF-8 for the wire.  Duktape keeps a
 * character outside the BMP made in JavaScript (a surrogate pair, say from
 * String.fromCodePoint or a string iterator) as two 3-byte sequences
 * (CESU-8), which is not UTF-8: each pair becomes its 4-byte form and a
 * lone surrogate U+FFFD, as Node.js writes them.  A converted copy is
 * pushed (kept until the next request); plain strings cost one memchr. */
const uint8_t *js_push_utf8(duk_context *ctx, duk_size_t *len) {
  const unsigned char *s = (const unsigned char *)duk_get_lstring(ctx, -1, len);
  if (s == NULL || !has_surrogate(s, *len)) return s;
  size_t n = *len, o = 0;
  unsigned char *out = duk_push_fixed_buffer(ctx, n); /* never longer: 6 bytes become 4, 3 stay 3 */
  for (size_t i = 0; i < n;) {
    if (s[i] == 0xED && i + 2 < n && (s[i + 1] & 0xE0) == 0xA0) {
      unsigned hi = surrogate_at(s + i);
      if (hi < 0xDC00 && i + 5 < n && s[i + 3] == 0xED && (s[i + 4] & 0xF0) == 0xB0) {
        unsigned cp = 0x10000 + ((hi - 0xD800) << 10) + (surrogate_at(s + i + 3) - 0xDC00);
        out[o++] = (unsigned char)(0xF0 | cp >> 18);
        out[o++] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        out[o++] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[o++] = (unsigned char)(0x80 | (cp & 0x3F));
        i += 6;
      } else {
        memcpy(out + o, "\xEF\xBF\xBD", 3);
        o += 3;
        i += 3;
      }
    } else {
      out[o++] = s[i++];
    }
  }
  *len = o;
  return out;
}

static void push_raw(duk_context *ctx, const char *value, size_t len) {
  if (value)
    js_push_wire_string(ctx, value, len);
  else
    duk_push_null(ctx);
}

/* Pushes the raw request: a dense array (far cheaper to fill than named
 * properties) that the runtime wraps in a Request and a ctx.  The fields go
 * on the value stack in index order and are packed into arrays of their
 * final size at once. */
static void push_raw_request(struct js_runtime *rt, duk_context *ctx, const struct js_request *req,
                             long long deadline) {
  const struct jsfpm_config *cfg = rt->cfg;
  /* RAW_COUNT fields, then the header strings on top of them. */
  duk_require_stack(ctx, (duk_idx_t)(RAW_COUNT + 2 * req->nheaders + 4));
  duk_idx_t base = duk_get_top(ctx);
  push_raw(ctx, req->method, strlen(req->method));
  char *url = NULL;
  int url_len = asprintf(&url, "%s://%s%s", req->scheme, req->host ? req->host : "localhost", req->uri);
  if (url_len < 0) (void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
  js_push_wire_string(ctx, url, (size_t)url_len);
  free(url);
  if (req->path) {
    push_raw(ctx, req->path, strlen(req->path));
  } else { /* the URI up to "?" */
    const char *q = strchr(req->uri, '?');
    push_raw(ctx, req->uri, q ? (size_t)(q - req->uri) : strlen(req->uri));
  }
  push_raw(ctx, req->query ? req->query : "", req->query ? strlen(req->query) : 0);
  push_raw(ctx, req->remote_addr, strlen(req->remote_addr));
  push_raw(ctx, rt->request_id, strlen(rt->request_id));

  const struct js_header *h = find_header(req, cfg->user_header);
  if (cfg->user_header)
    push_raw(ctx, h ? h->value : NULL, h ? h->value_len : 0);
  else
    push_raw(ctx, req->remote_user, req->remote_user ? strlen(req->remote_user) : 0);
  h = find_header(req, cfg->tenant_header);
  if (h)
    push_raw(ctx, h->value, h->value_len);
  else
    push_raw(ctx, req->tenant, req->tenant ? strlen(req->tenant) : 0);
  const char *locale = match_locale(rt, find_header(req, "accept-language"));
  push_raw(ctx, locale, strlen(locale));
  duk_push_number(ctx, (double)deadline);
  duk_push_heap_stash(ctx);
  duk_get_prop_literal(ctx, -1, "env");
  duk_remove(ctx, -2);

  for (size_t i = 0; i < req->nheaders; i++) {
    js_push_wire_string(ctx, req->headers[i].name, req->headers[i].name_len);
    js_push_wire_string(ctx, req->headers[i].value, req->headers[i].value_len);
  }
  jsfpm_duk_pack(ctx, (duk_idx_t)(2 * req->nheaders));

  if (req->body_len > 0) {
    /* The bytes stay here: JavaScript reads them (all, or in pieces through
     * request.body) with native.requestBody and this request's token, so
     * a large upload is never copied into the heap whole unless the app
     * asks for it whole. */
    rt->body = req->body;
    rt->body_len = req->body_len;
    duk_push_object(ctx);
    duk_push_number(ctx, (double)req->body_len);
    duk_put_prop_literal(ctx, -2, "length");
    duk_push_heap_stash(ctx);
    duk_dup(ctx, -2);
    duk_put_prop_literal(ctx, -2, "bodyToken");
    duk_pop(ctx);
  } else { /* most requests have none */
    duk_push_null(ctx);
  }
  if (duk_get_top(ctx) - base != RAW_COUNT) /* a field added to JS_RAW_FIELDS but not pushed here */
    (void)duk_error(ctx, DUK_ERR_ERROR, "internal: raw request has %d fields, not %d",
                    (int)(duk_get_top(ctx) - base), (int)RAW_COUNT);
  jsfpm_duk_pack(ctx, RAW_COUNT);
}

/* Sets RES to a plain-text response whose body is kept on CTX's stack. */
static void text_response(duk_context *ctx, struct js_response *res, int status, const char *body) {
  static const struct js_header text = {"Content-Type", 12, "text/plain;charset=UTF-8", 24};
  duk_push_string(ctx, body);
  duk_size_t len;
  res->body = (const uint8_t *)duk_get_lstring(ctx, -1, &len);
  res->body_len = len;
  res->status = status;
  res->headers = &text;
  res->nheaders = 1;
}

static bool has_ctl(const char *s, size_t len) {
  return memchr(s, '\r', len) || memchr(s, '\n', len) || memchr(s, '\0', len);
}

/* An HTTP token (RFC 9110 5.6.2): what a header name may be made of. */
static bool is_token(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == 0 || (!isalnum(c) && !strchr("!#$%&'*+-.^_`|~", c))) return false; /* strchr finds the NUL too */
  }
  return len > 0;
}

/* Response fields the server writes itself, whatever the app says: the
 * framing (Content-Length, Transfer-Encoding and the connection-specific
 * fields of RFC 9110 7.6.1), FastCGI's Status line and the X-Request-Id the
 * server adds.  From the app they would contradict the server's own: a
 * second Content-Length (nginx answers 502), a length that is not the
 * body's (a keep-alive client reads the rest as the next response or
 * waits forever), "chunked" on a body that is not.  So they are dropped. */
static bool server_owned_field(const char *name, size_t len) {
  static const char *const owned[] = {"content-length",   "transfer-encoding", "connection", "keep-alive",
                                      "proxy-connection", "upgrade",           "te",         "status",
                                      "x-request-id"};
  for (size_t i = 0; i < sizeof owned / sizeof *owned; i++)
    if (strlen(owned[i]) == len && strncasecmp(owned[i], name, len) == 0) return true;
  return false;
}

/* Reads [status, flatHeaders, body] at the top of CTX's stack into RES.
 * Returns NULL, or what is wrong with it (in WHY). */
static const char *read_result(struct js_runtime *rt, duk_context *ctx, struct js_response *res, char *why,
                               size_t whylen) {
  duk_idx_t top = duk_get_top_index(ctx);
  duk_get_prop_index(ctx, top, 0);
  double status = duk_get_number_default(ctx, -1, 0);
  duk_pop(ctx);
  if (status != floor(status) || status < 200 || status > 599) {
    snprintf(why, whylen, "Response status %g is not an integer from 200 to 599", status);
    return why;
  }
  res->status = (int)status;

  duk_get_prop_index(ctx, top, 1);
  size_t n = duk_get_length(ctx, -1) / 2;
  if (n > rt->headers_cap) {
    struct js_header *grown = realloc(rt->headers, n * sizeof *grown);
    if (grown == NULL) return "out of memory for response headers";
    rt->headers = grown;
    rt->headers_cap = n;
  }
  size_t kept = 0;
  for (size_t i = 0; i < n; i++) {
    struct js_header *h = &rt->headers[kept];
    duk_get_prop_index(ctx, -1, (duk_uarridx_t)(2 * i));
    duk_get_prop_index(ctx, -2, (duk_uarridx_t)(2 * i + 1));
    duk_size_t nl = 0, vl = 0;
    /* The strings stay alive: the result array holds them. */
    h->name = duk_get_lstring(ctx, -2, &nl);
    h->value = duk_get_lstring(ctx, -1, &vl);
    h->name_len = nl;
    h->value_len = vl;
    duk_pop_2(ctx);
    if (h->name == NULL || h->value == NULL || nl == 0) return "a response header is not a string";
    if (!is_token(h->name, nl) || has_ctl(h->value, vl)) {
      snprintf(
          why, whylen,
          "response header %.*s: a name must be an HTTP token and a value must not contain CR, LF or NUL",
          (int)(nl > 64 ? 64 : nl), h->name);
      return why;
    }
    if (server_owned_field(h->name, nl))
      log_warn("[%s] response header %s dropped: the server sets it itself", rt->request_id, h->name);
    else
      kept++;
  }
  duk_pop(ctx);
  res->headers = rt->headers;
  res->nheaders = kept;

  duk_get_prop_index(ctx, top, 2); /* stays on the stack until the next request */
  duk_size_t blen = 0;
  if (duk_is_function(ctx, -1)) { /* the runtime's pull function of a streamed body */
    res->streamed = true;
    res->body = (const uint8_t *)"";
    res->body_len = 0;
    rt->stream_env = ctx;
    rt->stream_fn = duk_get_top_index(ctx);
    return NULL;
  }
  if (duk_is_string(ctx, -1))
    res->body = js_push_utf8(ctx, &blen);
  else if (duk_is_buffer_data(ctx, -1))
    res->body = duk_get_buffer_data(ctx, -1, &blen);
  else
    return "Response body is neither a string nor bytes";
  if (res->body == NULL) res->body = (const uint8_t *)"";
  res->body_len = blen;
  if ((long)blen > rt->cfg->max_response_bytes) {
    snprintf(why, whylen, "response body of %zu bytes exceeds max_response_size (%ld bytes)", (size_t)blen,
             rt->cfg->max_response_bytes);
    return why;
  }
  return NULL;
}

/* dev = yes: the error page for TEXT ("file:line:col: message\nstack"). */
static void dev_error_response(struct js_runtime *rt, const struct js_request *req, struct js_response *res,
                               const char *title, const char *text) {
  const struct js_header *accept = find_header(req, "accept");
  bool json = accept && accept_prefers_json(accept->value, accept->value_len);
  const char *root = rt->root ? rt->root : rt->cfg->app_root;
  res->status = 500;
  res->nheaders = 0;
  res->body = (const uint8_t *)"Internal Server Error: out of memory for the error page\n";
  res->body_len = strlen((const char *)res->body);
  if (dev_page_render(&rt->page, title, text, root, rt->request_id, json) < 0) return;
  rt->page_headers[0] =
      (struct js_header){"Content-Type", 12, rt->page.content_type, strlen(rt->page.content_type)};
  rt->page_headers[1] = (struct js_header){"Cache-Control", 13, "no-store", 8};
  res->headers = rt->page_headers;
  res->nheaders = 2;
  res->body = (const uint8_t *)rt->page.body;
  res->body_len = rt->page.len;
}

/* After a failed call: the 5xx/4xx response for the error on CTX's stack. */
static void error_result(struct js_runtime *rt, duk_context *ctx, const struct js_request *req,
                         struct js_response *res) {
  const char *id = rt->request_id;
  if (rt->timed_out) {
    log_error("[%s] %s %s: execution time limit of %d ms exceeded%s%s", id, req->method, req->uri,
              rt->cfg->request_timeout_ms, rt->timeout_why[0] ? ": " : "", rt->timeout_why);
    text_response(ctx, res, 504, JS_TIMEOUT_BODY);
    return;
  }
  if (rt->over_limit) {
    /* Duktape gave up after collecting garbage: the heap is at the cap. */
    log_error("[%s] %s %s: memory limit of %ld bytes reached; the heap will be rebuilt", id, req->method,
              req->uri, rt->cfg->memory_limit_bytes);
    rt->rebuild = true;
    text_response(ctx, res, 500, "Internal Server Error: memory limit\n");
    return;
  }
  /* Errors that carry an HTTP status and a message meant for the client:
   * 4xx from the client's input (bad JSON), 500 for a broken Response. */
  if (duk_is_object(ctx, -1)) {
    duk_get_prop_literal(ctx, -1, "status");
    duk_get_prop_literal(ctx, -2, "expose");
    int status = duk_get_int_default(ctx, -2, 0);
    bool expose = duk_get_boolean_default(ctx, -1, false);
    duk_pop_2(ctx);
    if (expose && status >= 400 && status <= 599) {
      duk_get_prop_literal(ctx, -1, "message");
      const char *msg = duk_safe_to_string(ctx, -1);
      if (status >= 500) {
        char where[1024];
        duk_dup(ctx, -2);
        js_format_error(ctx, rt->cache, where, sizeof where, false);
        duk_pop(ctx);
        log_error("[%s] %s %s: %s", id, req->method, req->uri, where);
      } else {
        log_info("[%s] %s %s: %d: %s", id, req->method, req->uri, status, msg);
      }
      duk_push_sprintf(ctx, "%s%s%s\n", status >= 500 ? js_status_reason(status) : "",
                       status >= 500 ? ": " : "", msg);
      text_response(ctx, res, status, duk_get_string(ctx, -1));
      return;
    }
  }
  char msg[8192];
  js_format_error(ctx, rt->cache, msg, sizeof msg, true);
  log_error("[%s] %s %s: uncaught %s", id, req->method, req->uri, msg);
  if (rt->cfg->dev) {
    dev_error_response(rt, req, res, "Uncaught exception", msg);
  } else {
    text_response(ctx, res, 500, "Internal Server Error\n");
  }
}

static duk_ret_t call_dispatch(duk_context *ctx, void *udata) {
  (void)udata;
  /* stack: raw */
  duk_push_thread_stash(ctx, ctx);
  duk_get_prop_literal(ctx, -1, "runtime");
  duk_get_prop_literal(ctx, -1, "dispatch");
  duk_get_prop_literal(ctx, -3, "app");
  duk_dup(ctx, 0);
  duk_call(ctx, 2);
  return 1;
}

/* The end of a request's JavaScript: nothing of it runs after this. */
static void request_end(struct js_runtime *rt, duk_context *env) {
  worker_db_request_end(rt->db, rt->request_id); /* roll back a transaction left open */
  js_fetch_request_end();
  jsrt_body_request_end(rt, env);
}

const char *js_begin_request(struct js_runtime *rt, const struct js_request *req) {
  const struct js_header *idh = find_header(req, rt->cfg->request_id_header);
  if (idh && valid_request_id(idh->value, idh->value_len))
    snprintf(rt->request_id, sizeof rt->request_id, "%.*s", (int)idh->value_len, idh->value);
  else
    snprintf(rt->request_id, sizeof rt->request_id, "%08x%08llx", rt->id_prefix, ++rt->id_counter);
  rt->request_id_assigned = true;
  return rt->request_id;
}

void js_handle(struct js_runtime *rt, const struct js_request *req, struct js_response *res) {
  if (rt->load_error) {
    memset(res, 0, sizeof *res);
    if (!rt->request_id_assigned) js_begin_request(rt, req);
    rt->request_id_assigned = false;
    res->request_id = rt->request_id;
    dev_error_response(rt, req, res, "The app does not load", rt->load_error);
    return;
  }
  if (rt->rebuild) {
    char err[1024];
    duk_destroy_heap(rt->ctx);
    rt->ctx = NULL;
    rt->rebuild = false;
    if (jsrt_build_heap(rt, err, sizeof err) < 0) {
      /* The app loaded before; if it cannot now, this process is unfit. */
      log_error("cannot rebuild the JavaScript heap: %s", err);
      exit(1);
    }
    log_notice("JavaScript heap rebuilt");
  }
  duk_context *ctx = rt->ctx;
  duk_set_top(ctx, 0); /* drop the previous request's result (or environment) */
  memset(res, 0, sizeof *res);

  if (!rt->request_id_assigned) js_begin_request(rt, req);
  rt->request_id_assigned = false;
  res->request_id = rt->request_id;

  rt->request_start_ms = clock_coarse_ms();
  rt->heap_peak_bytes = rt->heap_bytes;
  long long deadline = rt->request_start_ms + rt->cfg->request_timeout_ms;
  rt->timed_out = false;
  rt->timeout_why[0] = '\0';
  rt->over_limit = false;
  rt->db_calls = 0;
  long long slow_period = jsrt_slow_period_ms();
  jsrt_deadline_arm(rt, deadline, slow_period > 0 ? rt->request_start_ms + slow_period : 0);

  duk_context *env = ctx;
  int rc = DUK_EXEC_SUCCESS;
  if (rt->cfg->isolation == ISOLATION_REQUEST) {
    duk_push_thread_new_globalenv(ctx);
    env = duk_get_context(ctx, -1);
    rc = duk_safe_call(env, jsrt_setup_environment, NULL, 0, 1);
    if (rc == DUK_EXEC_SUCCESS) duk_pop(env);
  }
  if (rc == DUK_EXEC_SUCCESS) {
    push_raw_request(rt, env, req, deadline);
    rc = duk_safe_call(env, call_dispatch, NULL, 1, 1);
  }
  jsrt_deadline_disarm(rt);

  char why[512];
  if (rc == DUK_EXEC_SUCCESS) {
    const char *bad = read_result(rt, env, res, why, sizeof why);
    if (bad == NULL && res->streamed) { /* the request goes on in js_stream_next */
      rt->stream_deadline_ms = deadline;
      res->deadline_ms = deadline;
      rt->stream_req = req;
      return;
    }
    request_end(rt, env);
    if (bad == NULL) return;
    log_error("[%s] %s %s: bad response: %s", rt->request_id, req->method, req->uri, bad);
    char body[600];
    snprintf(body, sizeof body, "Internal Server Error: %s\n", bad);
    text_response(env, res, 500, body);
    return;
  }
  request_end(rt, env);
  error_result(rt, env, req, res);
}

static duk_ret_t call_stream_pull(duk_context *ctx, void *udata) {
  bool cancel = *(bool *)udata;
  /* stack: pull */
  duk_push_boolean(ctx, cancel);
  duk_call(ctx, 1);
  return 1;
}

/* Calls the pull function of the streamed response under the deadline:
 * with CANCEL false for the next piece (left on the stack), true to stop
 * the app's source.  Returns Duktape's result code. */
static int stream_call(struct js_runtime *rt, bool cancel) {
  duk_context *env = rt->stream_env;
  duk_set_top(env, rt->stream_fn + 1); /* the previous piece goes */
  rt->timed_out = false;
  rt->over_limit = false;
  jsrt_deadline_arm(rt, rt->stream_deadline_ms, 0);
  duk_dup(env, rt->stream_fn);
  int rc = duk_safe_call(env, call_stream_pull, &cancel, 1, 1);
  jsrt_deadline_disarm(rt);
  return rc;
}

/* After a failed pull: logs why, with the request's id (the client got
 * the head already: no error response can follow). */
static void stream_failed(struct js_runtime *rt, const char *what) {
  duk_context *env = rt->stream_env;
  const struct js_request *req = rt->stream_req;
  if (rt->timed_out) {
    log_error("[%s] %s %s: %s: execution time limit of %d ms exceeded", rt->request_id, req->method, req->uri,
              what, rt->cfg->request_timeout_ms);
  } else if (rt->over_limit) {
    log_error("[%s] %s %s: %s: memory limit of %ld bytes reached; the heap will be rebuilt", rt->request_id,
              req->method, req->uri, what, rt->cfg->memory_limit_bytes);
    rt->rebuild = true;
  } else {
    char msg[8192];
    js_format_error(env, rt->cache, msg, sizeof msg, true);
    log_error("[%s] %s %s: %s: uncaught %s", rt->request_id, req->method, req->uri, what, msg);
  }
}

int js_stream_next(struct js_runtime *rt, const uint8_t **data, size_t *len) {
  duk_context *env = rt->stream_env;
  duk_size_t n = 0;
  while (n == 0) { /* an empty piece would end a chunked body: none goes out */
    if (stream_call(rt, false) != DUK_EXEC_SUCCESS) {
      stream_failed(rt, "streamed response aborted");
      return -1;
    }
    if (duk_is_null_or_undefined(env, -1)) return 0;
    if (duk_is_string(env, -1)) {
      *data = js_push_utf8(env, &n);
    } else if (duk_is_buffer_data(env, -1)) {
      *data = duk_get_buffer_data(env, -1, &n);
    } else { /* the runtime's pull function gives nothing else */
      log_error("[%s] streamed response aborted: a piece is neither a string nor bytes", rt->request_id);
      return -1;
    }
  }
  *len = n;
  return 1;
}

void js_stream_end(struct js_runtime *rt, bool cancel) {
  /* Past the deadline no JavaScript of the request runs, not even this. */
  if (cancel && clock_coarse_ms() < rt->stream_deadline_ms && stream_call(rt, true) != DUK_EXEC_SUCCESS)
    stream_failed(rt, "cancelling a streamed response");
  request_end(rt, rt->stream_env);
  rt->stream_env = NULL;
  rt->stream_req = NULL;
}
