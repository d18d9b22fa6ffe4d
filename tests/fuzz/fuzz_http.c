/* fuzz_http.c: libFuzzer harness for the HTTP/1.1 request codec (workers/http.c).
 *
 * The input is a byte stream as a client would send it on one connection.
 * The first byte picks small or large limits (so the limit checks are
 * reached often) and a read size.  The stream is parsed twice: whole, and
 * chopped into reads of that size; both must give the same transcript of
 * events, byte for byte (a request boundary that depends on how the bytes
 * arrived is exactly what request smuggling exploits).  Every request is
 * answered with the response writers, as the worker does.  Invariants
 * checked: a feed never consumes more than it was given and "need more"
 * consumes everything; a request holds only what the codec promises (a
 * served method, a target that is a path or "*", lower-case token names,
 * values without CR, LF or NUL, a path without NUL, a NUL-terminated
 * body); after HTTP_EV_ERROR every later feed gives the same error and
 * consumes nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "http.h"

struct transcript {
  uint8_t *d;
  size_t len, cap;
};

static void t_add(struct transcript *t, const void *p, size_t n) {
  if (t->len + n + 1 > t->cap) {
    size_t cap = t->cap ? t->cap : 1024;
    while (cap < t->len + n + 1) cap *= 2;
    t->d = realloc(t->d, cap);
    if (t->d == NULL) abort();
    t->cap = cap;
  }
  memcpy(t->d + t->len, p, n);
  t->len += n;
  t->d[t->len++] = 0; /* a separator, so "ab"+"c" differs from "a"+"bc" */
}

static void t_str(struct transcript *t, const char *s) { t_add(t, s, strlen(s)); }

static bool is_token_lower(const char *s, size_t n) {
  if (n == 0) return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 'A' && c <= 'Z') return false;
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || strchr("!#$%&'*+-.^_`|~", c))) return false;
  }
  return true;
}

static void check_request(const struct http_request *r, struct transcript *t, struct evbuffer *out) {
  static const char *const served[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"};
  bool known = false;
  for (size_t i = 0; i < sizeof served / sizeof *served; i++) known |= strcmp(r->method, served[i]) == 0;
  if (!known) abort();
  if (r->target[0] != '/' && strcmp(r->target, "*") != 0) abort();
  if (r->version_minor != 0 && r->version_minor != 1) abort();
  if (r->query == NULL || r->path == NULL) abort();
  if (r->body[r->body_len] != '\0') abort();
  t_str(t, "request");
  t_str(t, r->method);
  t_str(t, r->target);
  t_str(t, r->path);
  t_str(t, r->query);
  t_str(t, r->host ? r->host : "(none)");
  t_add(t, r->keep_alive ? "k" : "c", 1);
  for (size_t i = 0; i < r->nheaders; i++) {
    const struct http_header *h = &r->headers[i];
    if (!is_token_lower(h->name, h->name_len) || h->name[h->name_len] != '\0') abort();
    if (memchr(h->value, '\r', h->value_len) || memchr(h->value, '\n', h->value_len) ||
        memchr(h->value, '\0', h->value_len) || h->value[h->value_len] != '\0')
      abort();
    t_add(t, h->name, h->name_len);
    t_add(t, h->value, h->value_len);
  }
  t_add(t, r->body, r->body_len);
  /* Answer it, as the worker does. */
  http_write_status(out, 200, "OK");
  for (size_t i = 0; i < r->nheaders; i++)
    http_write_field(out, r->headers[i].name, r->headers[i].name_len, r->headers[i].value,
                     r->headers[i].value_len);
  struct http_framing f = {.body_len = r->body_len,
                           .date = "Sun, 06 Nov 1994 08:49:37 GMT",
                           .close = !r->keep_alive,
                           .version_minor = r->version_minor};
  http_write_framing(out, 200, &f);
  evbuffer_add(out, r->body, r->body_len);
}

/* Parses DATA in reads of CHUNK bytes; the events go to T. */
static void run(const uint8_t *data, size_t size, size_t chunk, const struct http_limits *limits,
                struct transcript *t) {
  struct http_conn *c = http_conn_new(limits);
  struct evbuffer *out = evbuffer_new();
  if (c == NULL || out == NULL) abort();
  size_t off = 0;
  int error_status = 0;
  while (off < size && error_status == 0) {
    size_t n = size - off < chunk ? size - off : chunk;
    const uint8_t *p = data + off;
    off += n;
    while (n > 0) {
      struct http_event ev;
      size_t used = http_conn_feed(c, p, n, out, &ev);
      if (used > n) abort();
      p += used;
      n -= used;
      if (ev.type == HTTP_EV_NONE) {
        if (n != 0) abort(); /* need more consumes everything */
        break;
      }
      if (ev.type == HTTP_EV_ERROR) {
        if (ev.error == NULL || ev.status < 400 || ev.status > 505) abort();
        t_str(t, "error");
        t_add(t, &ev.status, sizeof ev.status);
        t_str(t, ev.error);
        error_status = ev.status;
        break;
      }
      if (used == 0) abort(); /* a request is never made of nothing */
      check_request(ev.request, t, out);
    }
  }
  if (error_status) { /* dead: the same error, nothing consumed */
    struct http_event ev;
    if (http_conn_feed(c, (const uint8_t *)"GET / HTTP/1.1\r\n", 16, out, &ev) != 0 ||
        ev.type != HTTP_EV_ERROR || ev.status != error_status)
      abort();
  }
  /* What was written to OUT may differ with the split ("100 Continue"
   * depends on what has arrived); the requests and errors may not. */
  t_str(t, http_conn_idle(c) ? "idle" : "mid-request");
  http_conn_free(c);
  evbuffer_free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  uint8_t mode = data[0];
  data++;
  size--;
  struct http_limits limits = {
      .max_head_bytes = (mode & 0x80) ? 64 : 8192,
      .max_body_bytes = (mode & 0x40) ? 16 : 1024 * 1024,
  };
  size_t chunk = (mode & 0x3f) == 0 ? 1 : (size_t)(mode & 0x3f);
  struct transcript whole = {0}, split = {0};
  run(data, size, size ? size : 1, &limits, &whole);
  run(data, size, chunk, &limits, &split);
  if (whole.len != split.len || memcmp(whole.d, split.d, whole.len) != 0) abort();
  free(whole.d);
  free(split.d);
  return 0;
}
