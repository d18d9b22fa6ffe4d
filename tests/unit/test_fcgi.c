/* test_fcgi.c: unit tests for the FastCGI codec (workers/fcgi.c).
 *
 * Input records are built here by hand rather than with the fcgi_write_*
 * helpers, so that a bug shared by encoder and decoder cannot hide itself,
 * and so that padding can be chosen freely (the spec allows any 0..255). */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "fcgi.h"

/* ---- byte builder ------------------------------------------------------- */

struct bytes {
  uint8_t *d;
  size_t len, cap;
};

static void b_add(struct bytes *b, const void *p, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n)
      cap *= 2;
    b->d = realloc(b->d, cap);
    ck_assert_ptr_nonnull(b->d);
    b->cap = cap;
  }
  if (n)
    memcpy(b->d + b->len, p, n);
  b->len += n;
}

static void b_free(struct bytes *b) {
  free(b->d);
  memset(b, 0, sizeof(*b));
}

/* Padding bytes are 0xAA, not zero, to prove the parser ignores them. */
static void rec_ver(struct bytes *b, uint8_t version, uint8_t type, uint16_t id, const void *content,
                    size_t len, uint8_t pad) {
  uint8_t h[8] = {version,       type, (uint8_t)(id >> 8), (uint8_t)id, (uint8_t)(len >> 8),
                  (uint8_t)len, pad,  0};
  uint8_t padding[255];
  ck_assert_uint_le(len, 65535);
  memset(padding, 0xAA, sizeof(padding));
  b_add(b, h, 8);
  b_add(b, content, len);
  b_add(b, padding, pad);
}

static void rec(struct bytes *b, uint8_t type, uint16_t id, const void *content, size_t len,
                uint8_t pad) {
  rec_ver(b, 1, type, id, content, len, pad);
}

static void put_len(struct bytes *b, size_t n, int force4) {
  if (n < 128 && !force4) {
    uint8_t c = (uint8_t)n;
    b_add(b, &c, 1);
  } else {
    uint8_t c[4] = {(uint8_t)((n >> 24) | 0x80), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    b_add(b, c, 4);
  }
}

static void pair_n(struct bytes *b, const char *name, size_t nlen, const char *value, size_t vlen) {
  put_len(b, nlen, 0);
  put_len(b, vlen, 0);
  b_add(b, name, nlen);
  b_add(b, value, vlen);
}

static void pair(struct bytes *b, const char *name, const char *value) {
  pair_n(b, name, strlen(name), value, strlen(value));
}

static void begin(struct bytes *b, uint16_t id, uint16_t role, uint8_t flags, uint8_t pad) {
  uint8_t c[8] = {(uint8_t)(role >> 8), (uint8_t)role, flags, 0, 0, 0, 0, 0};
  rec(b, FCGI_BEGIN_REQUEST, id, c, 8, pad);
}

/* Emits STREAM (PARAMS or STDIN) as records of at most CHUNK bytes, then the
 * empty record that ends it.  PAD < 0 pads to a multiple of 8; otherwise
 * record i gets (PAD + i * 37) % 256 bytes of padding. */
static void stream(struct bytes *b, uint8_t type, uint16_t id, const uint8_t *data, size_t len,
                   size_t chunk, int pad) {
  size_t off = 0;
  unsigned i = 0;
  do {
    size_t n = len - off < chunk ? len - off : chunk;
    uint8_t p = pad < 0 ? (uint8_t)((8 - (n & 7)) & 7) : (uint8_t)((pad + i * 37) % 256);
    rec(b, type, id, data + off, n, p);
    off += n;
    i++;
  } while (off < len);
  if (len > 0)
    rec(b, type, id, NULL, 0, pad < 0 ? 0 : (uint8_t)((pad + i * 37) % 256));
}

/* A typical nginx request: GET with a small body. */
static void std_params(struct bytes *p, size_t body_len) {
  char cl[32];
  snprintf(cl, sizeof(cl), "%zu", body_len);
  pair(p, "REQUEST_METHOD", body_len ? "POST" : "GET");
  pair(p, "REQUEST_URI", "/hello?x=1");
  pair(p, "SCRIPT_NAME", "/hello");
  pair(p, "QUERY_STRING", "x=1");
  pair(p, "CONTENT_LENGTH", body_len ? cl : "");
  pair(p, "HTTP_HOST", "localhost");
}

static void request(struct bytes *b, uint16_t id, const uint8_t *body, size_t body_len,
                    size_t chunk, int pad) {
  struct bytes p = {0};
  std_params(&p, body_len);
  begin(b, id, FCGI_RESPONDER, FCGI_KEEP_CONN, pad < 0 ? 0 : (uint8_t)pad);
  stream(b, FCGI_PARAMS, id, p.d, p.len, chunk, pad);
  stream(b, FCGI_STDIN, id, body, body_len, chunk, pad);
  b_free(&p);
}

/* ---- driver ------------------------------------------------------------- */

#define MAX_EVENTS 16

struct run {
  int nev;
  struct fcgi_event ev[MAX_EVENTS];
  struct evbuffer *out;
  size_t consumed;
};

static const struct fcgi_limits default_limits = {
    .max_params_bytes = 1 << 20, .max_body_bytes = 8 << 20, .max_conns = 7, .max_reqs = 9};

/* Feeds DATA in pieces of CHUNK bytes (as a socket would deliver them),
 * re-feeding the rest of a piece after each event, until the input is gone
 * or an error occurs.  Checks the byte accounting on the way. */
static void run_feed(struct fcgi_conn *c, const uint8_t *data, size_t len, size_t chunk,
                     struct run *r) {
  memset(r, 0, sizeof(*r));
  r->out = evbuffer_new();
  ck_assert_ptr_nonnull(r->out);
  size_t off = 0;
  while (off < len) {
    size_t n = len - off < chunk ? len - off : chunk;
    size_t used = 0;
    while (used < n) {
      struct fcgi_event ev;
      size_t k = fcgi_conn_feed(c, data + off + used, n - used, r->out, &ev);
      ck_assert_uint_le(k, n - used);
      used += k;
      if (ev.type == FCGI_EV_NONE) {
        ck_assert_uint_eq(used, n); /* NONE means "all consumed, need more" */
        continue;
      }
      ck_assert_int_lt(r->nev, MAX_EVENTS);
      r->ev[r->nev++] = ev;
      if (ev.type == FCGI_EV_ERROR) {
        r->consumed = off + used;
        return;
      }
    }
    off += n;
  }
  r->consumed = off;
}

static void run_free(struct run *r) {
  for (int i = 0; i < r->nev; i++)
    if (r->ev[i].type == FCGI_EV_REQUEST)
      fcgi_request_free(r->ev[i].request);
  evbuffer_free(r->out);
}

static void run_all(const uint8_t *data, size_t len, size_t chunk, struct run *r,
                    const struct fcgi_limits *lim) {
  struct fcgi_conn *c = fcgi_conn_new(lim ? lim : &default_limits);
  ck_assert_ptr_nonnull(c);
  run_feed(c, data, len, chunk, r);
  fcgi_conn_free(c);
}

static void assert_param(const struct fcgi_request *req, const char *name, const char *value) {
  size_t len = 12345;
  const char *v = fcgi_request_param(req, name, &len);
  ck_assert_msg(v != NULL, "param %s missing", name);
  ck_assert_uint_eq(len, strlen(value));
  ck_assert_str_eq(v, value);
}

static void assert_same_request(const struct fcgi_request *a, const struct fcgi_request *b) {
  ck_assert_uint_eq(a->id, b->id);
  ck_assert_uint_eq(a->role, b->role);
  ck_assert_int_eq(a->keep_conn, b->keep_conn);
  ck_assert_uint_eq(a->nparams, b->nparams);
  for (size_t i = 0; i < a->nparams; i++) {
    ck_assert_uint_eq(a->params[i].name_len, b->params[i].name_len);
    ck_assert_uint_eq(a->params[i].value_len, b->params[i].value_len);
    ck_assert(memcmp(a->params[i].name, b->params[i].name, a->params[i].name_len) == 0);
    ck_assert(memcmp(a->params[i].value, b->params[i].value, a->params[i].value_len) == 0);
  }
  ck_assert_uint_eq(a->body_len, b->body_len);
  ck_assert(memcmp(a->body, b->body, a->body_len) == 0);
  ck_assert_int_eq(b->body[b->body_len], 0);
}

/* Parses one record off the front of OUT into the caller's buffer. */
struct out_rec {
  uint8_t version, type, pad;
  uint16_t id;
  size_t len;
  uint8_t content[65536 + 256];
};

static int take_record(struct evbuffer *out, struct out_rec *r) {
  uint8_t h[8];
  if (evbuffer_get_length(out) < 8)
    return -1;
  evbuffer_copyout(out, h, 8);
  r->version = h[0];
  r->type = h[1];
  r->id = (uint16_t)(h[2] << 8 | h[3]);
  r->len = (size_t)h[4] << 8 | h[5];
  r->pad = h[6];
  ck_assert_uint_eq(h[7], 0);
  ck_assert_uint_ge(evbuffer_get_length(out), 8 + r->len + r->pad);
  evbuffer_drain(out, 8);
  evbuffer_remove(out, r->content, r->len + r->pad);
  return 0;
}

static void assert_end_request(struct evbuffer *out, uint16_t id, uint8_t protocol_status) {
  static struct out_rec r;
  ck_assert_int_eq(take_record(out, &r), 0);
  ck_assert_uint_eq(r.version, 1);
  ck_assert_uint_eq(r.type, FCGI_END_REQUEST);
  ck_assert_uint_eq(r.id, id);
  ck_assert_uint_eq(r.len, 8);
  ck_assert_uint_eq(r.content[4], protocol_status);
}

static void assert_error(const struct run *r, const char *msg) {
  ck_assert_int_ge(r->nev, 1);
  const struct fcgi_event *ev = &r->ev[r->nev - 1];
  ck_assert_int_eq(ev->type, FCGI_EV_ERROR);
  ck_assert_ptr_nonnull(ev->error);
  if (msg)
    ck_assert_str_eq(ev->error, msg);
}

static uint8_t *pattern(size_t n) {
  uint8_t *p = malloc(n ? n : 1);
  ck_assert_ptr_nonnull(p);
  uint32_t x = 2463534242u;
  for (size_t i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    p[i] = (uint8_t)x;
  }
  return p;
}

/* ---- parser: complete requests ------------------------------------------ */

START_TEST(test_single_request_one_chunk) {
  struct bytes b = {0};
  request(&b, 1, (const uint8_t *)"hello", 5, 65535, -1);
  struct run r;
  run_all(b.d, b.len, b.len, &r, NULL);
  ck_assert_int_eq(r.nev, 1);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_REQUEST);
  ck_assert_uint_eq(r.consumed, b.len);
  const struct fcgi_request *req = r.ev[0].request;
  ck_assert_uint_eq(req->id, 1);
  ck_assert_uint_eq(r.ev[0].request_id, 1);
  ck_assert_uint_eq(req->role, FCGI_RESPONDER);
  ck_assert_int_eq(req->keep_conn, 1);
  ck_assert_uint_eq(req->nparams, 6);
  ck_assert_str_eq(req->params[0].name, "REQUEST_METHOD");
  assert_param(req, "REQUEST_METHOD", "POST");
  assert_param(req, "REQUEST_URI", "/hello?x=1");
  assert_param(req, "CONTENT_LENGTH", "5");
  assert_param(req, "HTTP_HOST", "localhost");
  ck_assert_ptr_null(fcgi_request_param(req, "HTTP_HOS", NULL));
  ck_assert_ptr_null(fcgi_request_param(req, "NOPE", NULL));
  ck_assert_uint_eq(req->body_len, 5);
  ck_assert_str_eq((const char *)req->body, "hello");
  ck_assert_uint_eq(evbuffer_get_length(r.out), 0);
  run_free(&r);
  b_free(&b);
}
END_TEST

START_TEST(test_empty_body_and_no_keep_conn) {
  struct bytes b = {0}, p = {0};
  pair(&p, "REQUEST_METHOD", "GET");
  begin(&b, 3, FCGI_RESPONDER, 0, 0);
  rec(&b, FCGI_PARAMS, 3, p.d, p.len, 0);
  rec(&b, FCGI_PARAMS, 3, NULL, 0, 0);
  rec(&b, FCGI_STDIN, 3, NULL, 0, 0);
  struct run r;
  run_all(b.d, b.len, b.len, &r, NULL);
  ck_assert_int_eq(r.nev, 1);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_REQUEST);
  ck_assert_int_eq(r.ev[0].request->keep_conn, 0);
  ck_assert_uint_eq(r.ev[0].request->id, 3);
  ck_assert_ptr_nonnull(r.ev[0].request->body);
  ck_assert_uint_eq(r.ev[0].request->body_len, 0);
  ck_assert_int_eq(r.ev[0].request->body[0], 0);
  run_free(&r);
  b_free(&b);
  b_free(&p);
}
END_TEST

START_TEST(test_empty_params) {
  struct bytes b = {0};
  begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
  rec(&b, FCGI_PARAMS, 1, NULL, 0, 0);
  rec(&b, FCGI_STDIN, 1, NULL, 0, 0);
  struct run r;
  run_all(b.d, b.len, b.len, &r, NULL);
  ck_assert_int_eq(r.nev, 1);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_REQUEST);
  ck_assert_uint_eq(r.ev[0].request->nparams, 0);
  ck_assert_ptr_null(fcgi_request_param(r.ev[0].request, "X", NULL));
  run_free(&r);
  b_free(&b);
}
END_TEST

START_TEST(test_byte_by_byte) {
  struct bytes b = {0};
  uint8_t *body = pattern(1000);
  request(&b, 1, body, 1000, 100, -1);
  struct run whole, bytewise;
  run_all(b.d, b.len, b.len, &whole, NULL);
  run_all(b.d, b.len, 1, &bytewise, NULL);
  ck_assert_int_eq(whole.nev, 1);
  ck_assert_int_eq(bytewise.nev, 1);
  ck_assert_int_eq(bytewise.ev[0].type, FCGI_EV_REQUEST);
  assert_same_request(whole.ev[0].request, bytewise.ev[0].request);
  ck_assert(memcmp(bytewise.ev[0].request->body, body, 1000) == 0);
  run_free(&whole);
  run_free(&bytewise);
  free(body);
  b_free(&b);
}
END_TEST

/* Every possible split of the input into two reads. */
START_TEST(test_every_split_point) {
  struct bytes b = {0};
  request(&b, 1, (const uint8_t *)"split me", 8, 5, 3);
  struct run ref;
  run_all(b.d, b.len, b.len, &ref, NULL);
  ck_assert_int_eq(ref.nev, 1);
  for (size_t cut = 0; cut <= b.len; cut++) {
    struct fcgi_conn *c = fcgi_conn_new(&default_limits);
    struct run r1, r2;
    run_feed(c, b.d, cut, b.len, &r1);
    run_feed(c, b.d + cut, b.len - cut, b.len, &r2);
    ck_assert_int_eq(r1.nev + r2.nev, 1);
    struct run *got = r1.nev ? &r1 : &r2;
    ck_assert_int_eq(got->ev[0].type, FCGI_EV_REQUEST);
    assert_same_request(ref.ev[0].request, got->ev[0].request);
    run_free(&r1);
    run_free(&r2);
    fcgi_conn_free(c);
  }
  run_free(&ref);
  b_free(&b);
}
END_TEST

START_TEST(test_padding_in_every_record) {
  struct bytes b = {0};
  uint8_t *body = pattern(3000);
  /* Paddings 5, 42, 79, ... wrap through 0..255 including 255. */
  request(&b, 1, body, 3000, 97, 5);
  for (size_t chunk = 1; chunk <= 17; chunk += 8) {
    struct run r;
    run_all(b.d, b.len, chunk == 17 ? b.len : chunk, &r, NULL);
    ck_assert_int_eq(r.nev, 1);
    ck_assert_int_eq(r.ev[0].type, FCGI_EV_REQUEST);
    ck_assert_uint_eq(r.ev[0].request->body_len, 3000);
    ck_assert(memcmp(r.ev[0].request->body, body, 3000) == 0);
    assert_param(r.ev[0].request, "CONTENT_LENGTH", "3000");
    assert_param(r.ev[0].request, "QUERY_STRING", "x=1");
    ck_assert_uint_eq(r.consumed, b.len);
    run_free(&r);
  }
  free(body);
  b_free(&b);
}
END_TEST

static void check_sequential(int n, size_t chunk) {
  struct bytes b = {0};
  char bodies[3][32];
  for (int i = 0; i < n; i++) {
    snprintf(bodies[i], sizeof(bodies[i]), "body number %d", i);
    request(&b, 1, (const uint8_t *)bodies[i], strlen(bodies[i]), 6, i == 1 ? 13 : -1);
  }
  struct run r;
  run_all(b.d, b.len, chunk, &r, NULL);
  ck_assert_int_eq(r.nev, n);
  for (int i = 0; i < n; i++) {
    ck_assert_int_eq(r.ev[i].type, FCGI_EV_REQUEST);
    ck_assert_uint_eq(r.ev[i].request->id, 1);
    ck_assert_str_eq((const char *)r.ev[i].request->body, bodies[i]);
    assert_param(r.ev[i].request, "REQUEST_METHOD", "POST");
  }
  ck_assert_uint_eq(r.consumed, b.len);
  run_free(&r);
  b_free(&b);
}

START_TEST(test_two_requests_keep_conn) {
  check_sequential(2, SIZE_MAX);
  check_sequential(2, 1);
}
END_TEST

START_TEST(test_three_requests_keep_conn) {
  check_sequential(3, SIZE_MAX);
  check_sequential(3, 7);
}
END_TEST

/* The first event must come back before the second request is touched. */
START_TEST(test_feed_stops_at_event) {
  struct bytes b = {0};
  request(&b, 1, (const uint8_t *)"a", 1, 100, -1);
  size_t first = b.len;
  request(&b, 1, (const uint8_t *)"b", 1, 100, -1);
  struct fcgi_conn *c = fcgi_conn_new(&default_limits);
  struct evbuffer *out = evbuffer_new();
  struct fcgi_event ev;
  size_t k = fcgi_conn_feed(c, b.d, b.len, out, &ev);
  ck_assert_uint_eq(k, first);
  ck_assert_int_eq(ev.type, FCGI_EV_REQUEST);
  ck_assert_str_eq((const char *)ev.request->body, "a");
  fcgi_request_free(ev.request);
  k = fcgi_conn_feed(c, b.d + first, b.len - first, out, &ev);
  ck_assert_uint_eq(k, b.len - first);
  ck_assert_int_eq(ev.type, FCGI_EV_REQUEST);
  ck_assert_str_eq((const char *)ev.request->body, "b");
  fcgi_request_free(ev.request);
  k = fcgi_conn_feed(c, NULL, 0, out, &ev);
  ck_assert_uint_eq(k, 0);
  ck_assert_int_eq(ev.type, FCGI_EV_NONE);
  evbuffer_free(out);
  fcgi_conn_free(c);
  b_free(&b);
}
END_TEST

START_TEST(test_large_body) {
  const size_t n = 200 * 1024;
  uint8_t *body = pattern(n);
  size_t chunks[] = {65535, 8192, 1000};
  for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
    struct bytes b = {0};
    request(&b, 1, body, n, chunks[i], -1);
    struct run r;
    run_all(b.d, b.len, i == 2 ? 4096 : b.len, &r, NULL);
    ck_assert_int_eq(r.nev, 1);
    ck_assert_int_eq(r.ev[0].type, FCGI_EV_REQUEST);
    ck_assert_uint_eq(r.ev[0].request->body_len, n);
    ck_assert(memcmp(r.ev[0].request->body, body, n) == 0);
    ck_assert_int_eq(r.ev[0].request->body[n], 0);
    run_free(&r);
    b_free(&b);
  }
  free(body);
}
END_TEST

/* Without CONTENT_LENGTH the body buffer has to grow as records arrive. */
START_TEST(test_large_body_without_content_length) {
  const size_t n = 300000;
  uint8_t *body = pattern(n);
  struct bytes b = {0}, p = {0};
  pair(&p, "REQUEST_METHOD", "PUT");
  begin(&b, 9, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
  stream(&b, FCGI_PARAMS, 9, p.d, p.len, 65535, -1);
  stream(&b, FCGI_STDIN, 9, body, n, 32768, -1);
  struct run r;
  run_all(b.d, b.len, 3000, &r, NULL);
  ck_assert_int_eq(r.nev, 1);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_REQUEST);
  ck_assert_uint_eq(r.ev[0].request->body_len, n);
  ck_assert(memcmp(r.ev[0].request->body, body, n) == 0);
  run_free(&r);
  b_free(&b);
  b_free(&p);
  free(body);
}
END_TEST

START_TEST(test_params_4byte_lengths) {
  struct bytes b = {0}, p = {0};
  char name[200];
  memset(name, 'N', sizeof(name));
  size_t vlen = 70000; /* longer than one record: the stream spans records */
  char *value = malloc(vlen);
  memset(value, 'v', vlen);
  value[10] = '\0'; /* values may hold NULs; value_len is authoritative */
  pair(&p, "SHORT", "x");
  pair_n(&p, name, sizeof(name), value, vlen);
  pair_n(&p, "V", 1, name, 128); /* exactly 128: smallest 4-byte length */
  /* A short length written in the 4-byte form is still valid. */
  put_len(&p, 4, 1);
  put_len(&p, 2, 1);
  b_add(&p, "LONGok", 6);
  begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
  stream(&b, FCGI_PARAMS, 1, p.d, p.len, 65535, -1);
  rec(&b, FCGI_STDIN, 1, NULL, 0, 0);
  for (int bytewise = 0; bytewise < 2; bytewise++) {
    struct run r;
    run_all(b.d, b.len, bytewise ? 1 : b.len, &r, NULL);
    ck_assert_int_eq(r.nev, 1);
    ck_assert_int_eq(r.ev[0].type, FCGI_EV_REQUEST);
    const struct fcgi_request *req = r.ev[0].request;
    ck_assert_uint_eq(req->nparams, 4);
    ck_assert_uint_eq(req->params[1].name_len, sizeof(name));
    ck_assert(memcmp(req->params[1].name, name, sizeof(name)) == 0);
    ck_assert_int_eq(req->params[1].name[sizeof(name)], 0);
    ck_assert_uint_eq(req->params[1].value_len, vlen);
    ck_assert(memcmp(req->params[1].value, value, vlen) == 0);
    ck_assert_int_eq(req->params[1].value[vlen], 0);
    ck_assert_uint_eq(req->params[2].value_len, 128);
    assert_param(req, "LONG", "ok");
    assert_param(req, "SHORT", "x");
    run_free(&r);
  }
  free(value);
  b_free(&b);
  b_free(&p);
}
END_TEST

/* ---- limits ------------------------------------------------------------- */

START_TEST(test_body_at_and_over_limit) {
  struct fcgi_limits lim = default_limits;
  lim.max_body_bytes = 1000;
  uint8_t *body = pattern(1001);
  struct bytes ok = {0}, big = {0};
  request(&ok, 1, body, 1000, 300, -1);
  request(&big, 1, body, 1001, 300, -1);
  struct run r;
  run_all(ok.d, ok.len, ok.len, &r, &lim);
  ck_assert_int_eq(r.nev, 1);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_REQUEST);
  run_free(&r);
  run_all(big.d, big.len, big.len, &r, &lim);
  ck_assert_int_eq(r.nev, 1);
  assert_error(&r, "request body too large");
  run_free(&r);
  free(body);
  b_free(&ok);
  b_free(&big);
}
END_TEST

START_TEST(test_params_over_limit) {
  struct fcgi_limits lim = default_limits;
  struct bytes b = {0}, p = {0};
  std_params(&p, 0);
  lim.max_params_bytes = p.len - 1;
  begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
  stream(&b, FCGI_PARAMS, 1, p.d, p.len, 10, -1);
  rec(&b, FCGI_STDIN, 1, NULL, 0, 0);
  struct run r;
  run_all(b.d, b.len, 1, &r, &lim);
  ck_assert_int_eq(r.nev, 1);
  assert_error(&r, "params too large");
  run_free(&r);
  lim.max_params_bytes = p.len;
  run_all(b.d, b.len, 1, &r, &lim);
  ck_assert_int_eq(r.nev, 1);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_REQUEST);
  run_free(&r);
  b_free(&b);
  b_free(&p);
}
END_TEST

/* ---- protocol errors ---------------------------------------------------- */

START_TEST(test_version_2) {
  struct bytes b = {0};
  uint8_t c[8] = {0, FCGI_RESPONDER, FCGI_KEEP_CONN};
  rec_ver(&b, 2, FCGI_BEGIN_REQUEST, 1, c, 8, 0);
  struct run r;
  run_all(b.d, b.len, b.len, &r, NULL);
  ck_assert_int_eq(r.nev, 1);
  assert_error(&r, NULL);
  ck_assert_uint_le(r.consumed, 8); /* decided from the header alone */
  run_free(&r);
  b_free(&b);
}
END_TEST

START_TEST(test_begin_bad_content_length) {
  uint8_t c[16] = {0, FCGI_RESPONDER, FCGI_KEEP_CONN};
  size_t lens[] = {0, 7, 9, 16};
  for (size_t i = 0; i < 4; i++) {
    struct bytes b = {0};
    rec(&b, FCGI_BEGIN_REQUEST, 1, c, lens[i], 0);
    struct run r;
    run_all(b.d, b.len, b.len, &r, NULL);
    ck_assert_int_eq(r.nev, 1);
    assert_error(&r, NULL);
    run_free(&r);
    b_free(&b);
  }
}
END_TEST

/* Each case: records that must kill the connection with an error. */
START_TEST(test_protocol_errors) {
  struct bytes p = {0};
  pair(&p, "A", "b");
  for (int kase = 0; kase < 11; kase++) {
    struct bytes b = {0};
    switch (kase) {
    case 0: /* records only an application sends */
      rec(&b, FCGI_STDOUT, 1, "x", 1, 7);
      break;
    case 1:
      rec(&b, FCGI_END_REQUEST, 1, "\0\0\0\0\0\0\0\0", 8, 0);
      break;
    case 2:
      rec(&b, FCGI_GET_VALUES_RESULT, 0, NULL, 0, 0);
      break;
    case 3: /* unknown type on a request id */
      rec(&b, 42, 1, NULL, 0, 0);
      break;
    case 4: /* PARAMS without BEGIN_REQUEST */
      rec(&b, FCGI_PARAMS, 1, p.d, p.len, 0);
      break;
    case 5: /* STDIN for a different id than the open one */
      begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
      rec(&b, FCGI_PARAMS, 1, NULL, 0, 0);
      rec(&b, FCGI_STDIN, 2, NULL, 0, 0);
      break;
    case 6: /* malformed params: a pair claims more bytes than exist */
      begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
      rec(&b, FCGI_PARAMS, 1, "\x05\x01" "AB", 4, 4);
      rec(&b, FCGI_PARAMS, 1, NULL, 0, 0);
      break;
    case 7: /* STDIN before the PARAMS stream ended */
      begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
      rec(&b, FCGI_PARAMS, 1, p.d, p.len, 0);
      rec(&b, FCGI_STDIN, 1, "x", 1, 0);
      break;
    case 8: /* PARAMS after the stream ended */
      begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
      rec(&b, FCGI_PARAMS, 1, NULL, 0, 0);
      rec(&b, FCGI_PARAMS, 1, p.d, p.len, 0);
      break;
    case 9: /* DATA is for the filter role only */
      begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
      rec(&b, FCGI_DATA, 1, "x", 1, 0);
      break;
    case 10: /* BEGIN_REQUEST twice for the same id */
      begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
      begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
      break;
    }
    struct run r;
    run_all(b.d, b.len, 1, &r, NULL);
    ck_assert_msg(r.nev == 1 && r.ev[0].type == FCGI_EV_ERROR, "case %d: no error", kase);
    ck_assert_ptr_nonnull(r.ev[0].error);
    ck_assert_uint_eq(evbuffer_get_length(r.out), 0);
    run_free(&r);
    b_free(&b);
  }
  b_free(&p);
}
END_TEST

START_TEST(test_dead_conn_stays_dead) {
  struct bytes b = {0};
  rec_ver(&b, 0, FCGI_BEGIN_REQUEST, 1, "\0\1\1\0\0\0\0\0", 8, 0);
  struct bytes good = {0};
  request(&good, 1, NULL, 0, 100, -1);
  struct fcgi_conn *c = fcgi_conn_new(&default_limits);
  struct evbuffer *out = evbuffer_new();
  struct fcgi_event ev;
  fcgi_conn_feed(c, b.d, b.len, out, &ev);
  ck_assert_int_eq(ev.type, FCGI_EV_ERROR);
  const char *msg = ev.error;
  ck_assert_uint_eq(fcgi_conn_feed(c, good.d, good.len, out, &ev), 0);
  ck_assert_int_eq(ev.type, FCGI_EV_ERROR);
  ck_assert_str_eq(ev.error, msg);
  ck_assert_uint_eq(evbuffer_get_length(out), 0);
  evbuffer_free(out);
  fcgi_conn_free(c);
  b_free(&b);
  b_free(&good);
}
END_TEST

/* An error in the middle of a request frees what was accumulated. */
START_TEST(test_error_mid_request_no_leak) {
  struct bytes b = {0}, p = {0};
  std_params(&p, 10);
  begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
  stream(&b, FCGI_PARAMS, 1, p.d, p.len, 100, -1);
  rec(&b, FCGI_STDIN, 1, "01234", 5, 3);
  rec(&b, FCGI_STDOUT, 1, NULL, 0, 0);
  struct run r;
  run_all(b.d, b.len, b.len, &r, NULL);
  ck_assert_int_eq(r.nev, 1);
  assert_error(&r, NULL);
  run_free(&r);
  b_free(&b);
  b_free(&p);
}
END_TEST

/* ---- replies the parser writes ------------------------------------------ */

START_TEST(test_unknown_role) {
  struct bytes b = {0}, p = {0};
  pair(&p, "A", "b");
  begin(&b, 2, FCGI_AUTHORIZER, FCGI_KEEP_CONN, 0);
  /* The peer pipelines the rest of the refused request: it is dropped. */
  rec(&b, FCGI_PARAMS, 2, p.d, p.len, 1);
  rec(&b, FCGI_PARAMS, 2, NULL, 0, 0);
  rec(&b, FCGI_STDIN, 2, NULL, 0, 0);
  request(&b, 1, (const uint8_t *)"after", 5, 100, -1);
  struct run r;
  run_all(b.d, b.len, b.len, &r, NULL);
  ck_assert_int_eq(r.nev, 2);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_REPLY);
  ck_assert_int_eq(r.ev[1].type, FCGI_EV_REQUEST);
  ck_assert_str_eq((const char *)r.ev[1].request->body, "after");
  assert_end_request(r.out, 2, FCGI_UNKNOWN_ROLE);
  ck_assert_uint_eq(evbuffer_get_length(r.out), 0);
  run_free(&r);
  b_free(&b);
  b_free(&p);
}
END_TEST

START_TEST(test_multiplex_refused) {
  struct bytes b = {0}, p = {0};
  pair(&p, "REQUEST_METHOD", "GET");
  begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
  rec(&b, FCGI_PARAMS, 1, p.d, p.len, 0);
  begin(&b, 2, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
  rec(&b, FCGI_PARAMS, 2, p.d, p.len, 0);
  rec(&b, FCGI_PARAMS, 1, NULL, 0, 0);
  rec(&b, FCGI_PARAMS, 2, NULL, 0, 0);
  rec(&b, FCGI_STDIN, 2, NULL, 0, 0);
  rec(&b, FCGI_STDIN, 1, "one", 3, 5);
  rec(&b, FCGI_STDIN, 1, NULL, 0, 0);
  struct run r;
  run_all(b.d, b.len, 1, &r, NULL);
  ck_assert_int_eq(r.nev, 2);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_REPLY);
  ck_assert_uint_eq(r.ev[0].request_id, 2);
  assert_end_request(r.out, 2, FCGI_CANT_MPX_CONN);
  ck_assert_uint_eq(evbuffer_get_length(r.out), 0);
  ck_assert_int_eq(r.ev[1].type, FCGI_EV_REQUEST);
  ck_assert_uint_eq(r.ev[1].request->id, 1);
  ck_assert_str_eq((const char *)r.ev[1].request->body, "one");
  assert_param(r.ev[1].request, "REQUEST_METHOD", "GET");
  run_free(&r);
  b_free(&b);
  b_free(&p);
}
END_TEST

START_TEST(test_abort_request) {
  struct bytes b = {0}, p = {0};
  pair(&p, "REQUEST_METHOD", "GET");
  begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
  rec(&b, FCGI_PARAMS, 1, p.d, p.len, 2);
  rec(&b, FCGI_ABORT_REQUEST, 1, NULL, 0, 0);
  request(&b, 1, (const uint8_t *)"next", 4, 100, -1);
  struct run r;
  run_all(b.d, b.len, 3, &r, NULL);
  ck_assert_int_eq(r.nev, 2);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_ABORT);
  ck_assert_uint_eq(r.ev[0].request_id, 1);
  ck_assert_int_eq(r.ev[1].type, FCGI_EV_REQUEST);
  ck_assert_str_eq((const char *)r.ev[1].request->body, "next");
  ck_assert_uint_eq(evbuffer_get_length(r.out), 0);
  run_free(&r);
  b_free(&b);

  /* The aborted request is gone: its remaining records are an error. */
  memset(&b, 0, sizeof(b));
  begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
  rec(&b, FCGI_ABORT_REQUEST, 1, NULL, 0, 0);
  rec(&b, FCGI_PARAMS, 1, p.d, p.len, 0);
  run_all(b.d, b.len, b.len, &r, NULL);
  ck_assert_int_eq(r.nev, 2);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_ABORT);
  assert_error(&r, NULL);
  run_free(&r);
  b_free(&b);
  b_free(&p);
}
END_TEST

START_TEST(test_get_values) {
  struct bytes b = {0}, q = {0};
  pair(&q, "FCGI_MPXS_CONNS", "");
  pair(&q, "FCGI_NOT_A_THING", "");
  pair(&q, "FCGI_MAX_CONNS", "");
  pair(&q, "FCGI_MPXS_CONNS", ""); /* asked twice, answered once */
  pair_n(&q, "FCGI_MAX_REQS\0x", 15, "", 0);
  rec(&b, FCGI_GET_VALUES, 0, q.d, q.len, 3);
  struct run r;
  run_all(b.d, b.len, 1, &r, NULL);
  ck_assert_int_eq(r.nev, 1);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_GET_VALUES);
  static struct out_rec o;
  ck_assert_int_eq(take_record(r.out, &o), 0);
  ck_assert_uint_eq(evbuffer_get_length(r.out), 0);
  ck_assert_uint_eq(o.type, FCGI_GET_VALUES_RESULT);
  ck_assert_uint_eq(o.id, 0);
  ck_assert_uint_eq((o.len + o.pad) % 8, 0);
  struct fcgi_param *pp;
  size_t n;
  ck_assert_int_eq(fcgi_params_decode(o.content, o.len, &pp, &n), 0);
  ck_assert_uint_eq(n, 2);
  ck_assert_str_eq(pp[0].name, "FCGI_MPXS_CONNS");
  ck_assert_str_eq(pp[0].value, "0");
  ck_assert_str_eq(pp[1].name, "FCGI_MAX_CONNS");
  ck_assert_str_eq(pp[1].value, "7");
  free(pp);
  run_free(&r);
  b_free(&b);
  b_free(&q);

  /* All three, as --get-values asks. */
  memset(&b, 0, sizeof(b));
  memset(&q, 0, sizeof(q));
  pair(&q, "FCGI_MAX_CONNS", "");
  pair(&q, "FCGI_MAX_REQS", "");
  pair(&q, "FCGI_MPXS_CONNS", "");
  rec(&b, FCGI_GET_VALUES, 0, q.d, q.len, 0);
  run_all(b.d, b.len, b.len, &r, NULL);
  ck_assert_int_eq(r.nev, 1);
  ck_assert_int_eq(take_record(r.out, &o), 0);
  ck_assert_int_eq(fcgi_params_decode(o.content, o.len, &pp, &n), 0);
  ck_assert_uint_eq(n, 3);
  ck_assert_str_eq(pp[1].name, "FCGI_MAX_REQS");
  ck_assert_str_eq(pp[1].value, "9");
  free(pp);
  run_free(&r);
  b_free(&b);
  b_free(&q);
}
END_TEST

/* GET_VALUES may arrive while a request is open; the request survives. */
START_TEST(test_get_values_mid_request) {
  struct bytes b = {0}, q = {0}, p = {0};
  pair(&q, "FCGI_MAX_REQS", "");
  pair(&p, "REQUEST_METHOD", "GET");
  begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
  rec(&b, FCGI_PARAMS, 1, p.d, p.len, 0);
  rec(&b, FCGI_GET_VALUES, 0, q.d, q.len, 0);
  rec(&b, FCGI_GET_VALUES, 0, NULL, 0, 0); /* nothing asked: empty result */
  rec(&b, FCGI_PARAMS, 1, NULL, 0, 0);
  rec(&b, FCGI_STDIN, 1, NULL, 0, 0);
  struct run r;
  run_all(b.d, b.len, b.len, &r, NULL);
  ck_assert_int_eq(r.nev, 3);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_GET_VALUES);
  ck_assert_int_eq(r.ev[1].type, FCGI_EV_GET_VALUES);
  ck_assert_int_eq(r.ev[2].type, FCGI_EV_REQUEST);
  assert_param(r.ev[2].request, "REQUEST_METHOD", "GET");
  static struct out_rec o;
  ck_assert_int_eq(take_record(r.out, &o), 0);
  ck_assert_uint_eq(o.type, FCGI_GET_VALUES_RESULT);
  ck_assert_int_eq(take_record(r.out, &o), 0);
  ck_assert_uint_eq(o.type, FCGI_GET_VALUES_RESULT);
  ck_assert_uint_eq(o.len, 0);
  run_free(&r);
  b_free(&b);
  b_free(&q);
  b_free(&p);
}
END_TEST

START_TEST(test_get_values_malformed) {
  struct bytes b = {0};
  rec(&b, FCGI_GET_VALUES, 0, "\x10\x00" "AB", 4, 0);
  struct run r;
  run_all(b.d, b.len, b.len, &r, NULL);
  ck_assert_int_eq(r.nev, 1);
  assert_error(&r, NULL);
  run_free(&r);
  b_free(&b);
}
END_TEST

START_TEST(test_unknown_management_type) {
  struct bytes b = {0};
  rec(&b, 99, 0, "abc", 3, 5);
  rec(&b, FCGI_BEGIN_REQUEST, 0, "\0\1\0\0\0\0\0\0", 8, 0); /* id 0 is never a request */
  request(&b, 1, NULL, 0, 100, -1);
  struct run r;
  run_all(b.d, b.len, 1, &r, NULL);
  ck_assert_int_eq(r.nev, 3);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_REPLY);
  ck_assert_int_eq(r.ev[1].type, FCGI_EV_REPLY);
  ck_assert_int_eq(r.ev[2].type, FCGI_EV_REQUEST);
  static struct out_rec o;
  ck_assert_int_eq(take_record(r.out, &o), 0);
  ck_assert_uint_eq(o.type, FCGI_UNKNOWN_TYPE);
  ck_assert_uint_eq(o.id, 0);
  ck_assert_uint_eq(o.len, 8);
  ck_assert_uint_eq(o.content[0], 99);
  for (int i = 1; i < 8; i++)
    ck_assert_uint_eq(o.content[i], 0);
  ck_assert_int_eq(take_record(r.out, &o), 0);
  ck_assert_uint_eq(o.type, FCGI_UNKNOWN_TYPE);
  ck_assert_uint_eq(o.content[0], FCGI_BEGIN_REQUEST);
  ck_assert_uint_eq(evbuffer_get_length(r.out), 0);
  run_free(&r);
  b_free(&b);
}
END_TEST

/* ---- fcgi_params_decode ------------------------------------------------- */

START_TEST(test_params_decode_valid) {
  struct bytes p = {0};
  pair(&p, "A", "1");
  pair(&p, "", "");
  pair_n(&p, "BIN", 3, "x\0y", 3);
  struct fcgi_param *pp;
  size_t n;
  ck_assert_int_eq(fcgi_params_decode(p.d, p.len, &pp, &n), 0);
  ck_assert_uint_eq(n, 3);
  ck_assert_str_eq(pp[0].name, "A");
  ck_assert_str_eq(pp[0].value, "1");
  ck_assert_uint_eq(pp[1].name_len, 0);
  ck_assert_str_eq(pp[1].name, "");
  ck_assert_uint_eq(pp[2].value_len, 3);
  ck_assert(memcmp(pp[2].value, "x\0y", 4) == 0);
  free(pp);
  ck_assert_int_eq(fcgi_params_decode(NULL, 0, &pp, &n), 0);
  ck_assert_uint_eq(n, 0);
  free(pp);
  b_free(&p);
}
END_TEST

START_TEST(test_params_decode_malformed) {
  static const struct {
    const char *data;
    size_t len;
  } bad[] = {
      {"\x01", 1},                              /* value length missing */
      {"\x80\x00\x00", 3},                      /* truncated 4-byte name length */
      {"\x01\x80\x00", 3},                      /* truncated 4-byte value length */
      {"\x02\x00" "A", 3},                      /* name runs past the end */
      {"\x01\x02" "AB", 4},                     /* value runs past the end */
      {"\xff\xff\xff\xff\x00" "AB", 7},         /* 2^31-1 name length */
      {"\x01\xff\xff\xff\xff" "AB", 7},         /* 2^31-1 value length */
      {"\xff\xff\xff\xff\xff\xff\xff\xff", 8},  /* both huge: sum must not wrap */
      {"\x01\x01" "AB" "\x05", 5},              /* trailing garbage */
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    struct fcgi_param *pp = (struct fcgi_param *)1;
    size_t n = 77;
    ck_assert_msg(fcgi_params_decode((const uint8_t *)bad[i].data, bad[i].len, &pp, &n) == -1,
                  "case %zu accepted", i);
  }
}
END_TEST

START_TEST(test_params_encode_roundtrip) {
  struct evbuffer *e = evbuffer_new();
  char big[300];
  memset(big, 'z', sizeof(big));
  fcgi_params_encode(e, "SHORT", 5, "v", 1);
  fcgi_params_encode(e, big, 127, big, 128);
  size_t len = evbuffer_get_length(e);
  ck_assert_uint_eq(len, 2 + 5 + 1 + 1 + 4 + 127 + 128);
  uint8_t *d = evbuffer_pullup(e, -1);
  ck_assert_uint_eq(d[8], 127);
  ck_assert_uint_eq(d[9], 0x80);
  ck_assert_uint_eq(d[12], 128);
  struct fcgi_param *pp;
  size_t n;
  ck_assert_int_eq(fcgi_params_decode(d, len, &pp, &n), 0);
  ck_assert_uint_eq(n, 2);
  ck_assert_uint_eq(pp[1].name_len, 127);
  ck_assert_uint_eq(pp[1].value_len, 128);
  free(pp);
  evbuffer_free(e);
}
END_TEST

/* ---- output helpers ----------------------------------------------------- */

START_TEST(test_write_stdout_150000) {
  const size_t n = 150000;
  uint8_t *data = pattern(n);
  struct evbuffer *out = evbuffer_new();
  fcgi_write_stdout(out, 1, data, n);
  size_t expect_total = 0, sizes[] = {65535, 65535, n - 2 * 65535};
  for (int i = 0; i < 3; i++)
    expect_total += 8 + sizes[i] + ((8 - sizes[i] % 8) % 8);
  ck_assert_uint_eq(evbuffer_get_length(out), expect_total);
  static struct out_rec o;
  size_t off = 0;
  for (int i = 0; i < 3; i++) {
    ck_assert_int_eq(take_record(out, &o), 0);
    ck_assert_uint_eq(o.version, 1);
    ck_assert_uint_eq(o.type, FCGI_STDOUT);
    ck_assert_uint_eq(o.id, 1);
    ck_assert_uint_eq(o.len, sizes[i]);
    ck_assert_uint_eq((o.len + o.pad) % 8, 0);
    ck_assert_uint_lt(o.pad, 8);
    for (unsigned k = 0; k < o.pad; k++)
      ck_assert_uint_eq(o.content[o.len + k], 0);
    ck_assert(memcmp(o.content, data + off, o.len) == 0);
    off += o.len;
  }
  ck_assert_uint_eq(off, n);
  ck_assert_uint_eq(evbuffer_get_length(out), 0);
  fcgi_write_stdout(out, 1, data, 0);
  ck_assert_uint_eq(evbuffer_get_length(out), 0);
  evbuffer_free(out);
  free(data);
}
END_TEST

START_TEST(test_write_stderr_and_padding) {
  struct evbuffer *out = evbuffer_new();
  static const uint8_t data[17] = "0123456789abcdef";
  for (size_t len = 1; len <= 17; len++) {
    fcgi_write_stderr(out, 258, data, len);
    static struct out_rec o;
    ck_assert_int_eq(take_record(out, &o), 0);
    ck_assert_uint_eq(o.type, FCGI_STDERR);
    ck_assert_uint_eq(o.id, 258);
    ck_assert_uint_eq(o.len, len);
    ck_assert_uint_eq(o.pad, (8 - len % 8) % 8);
    ck_assert_uint_eq(evbuffer_get_length(out), 0);
  }
  evbuffer_free(out);
}
END_TEST

START_TEST(test_write_end_bytes) {
  struct evbuffer *out = evbuffer_new();
  fcgi_write_end(out, 0x0102, 0xA1B2C3D4u, FCGI_REQUEST_COMPLETE);
  static const uint8_t expect[] = {
      1, FCGI_STDOUT,      1, 2, 0, 0, 0, 0, /* empty STDOUT ends the stream */
      1, FCGI_END_REQUEST, 1, 2, 0, 8, 0, 0, /* END_REQUEST header */
      0xA1, 0xB2, 0xC3, 0xD4, 0, 0, 0, 0,    /* appStatus, protocolStatus, reserved */
  };
  ck_assert_uint_eq(evbuffer_get_length(out), sizeof(expect));
  ck_assert(memcmp(evbuffer_pullup(out, -1), expect, sizeof(expect)) == 0);
  evbuffer_free(out);
}
END_TEST

START_TEST(test_write_record_exact) {
  struct evbuffer *out = evbuffer_new();
  fcgi_write_record(out, FCGI_STDOUT, 1, "abc", 3);
  static const uint8_t expect[] = {1, 6, 0, 1, 0, 3, 5, 0, 'a', 'b', 'c', 0, 0, 0, 0, 0};
  ck_assert_uint_eq(evbuffer_get_length(out), sizeof(expect));
  ck_assert(memcmp(evbuffer_pullup(out, -1), expect, sizeof(expect)) == 0);
  evbuffer_free(out);
}
END_TEST

/* fcgi_encode_reply (for the worker's signal handler) writes exactly what
 * the evbuffer writers append, for content lengths around the padding
 * boundaries; it refuses what does not fit, and empty or oversized content. */
START_TEST(test_encode_reply_matches_writers) {
  static uint8_t data[FCGI_MAX_CONTENT + 1];
  for (size_t i = 0; i < sizeof data; i++) data[i] = (uint8_t)(i * 7);
  static const size_t lens[] = {1, 7, 8, 9, 100, 511, FCGI_MAX_CONTENT};
  static uint8_t mem[FCGI_MAX_CONTENT + 64];
  for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
    struct evbuffer *out = evbuffer_new();
    fcgi_write_stdout(out, 0x0102, data, lens[i]);
    fcgi_write_end(out, 0x0102, 0, FCGI_REQUEST_COMPLETE);
    size_t n = fcgi_encode_reply(mem, sizeof mem, 0x0102, data, lens[i]);
    ck_assert_uint_eq(n, evbuffer_get_length(out));
    ck_assert(memcmp(evbuffer_pullup(out, -1), mem, n) == 0);
    ck_assert_uint_eq(fcgi_encode_reply(mem, n - 1, 0x0102, data, lens[i]), 0);
    evbuffer_free(out);
  }
  ck_assert_uint_eq(fcgi_encode_reply(mem, sizeof mem, 1, data, 0), 0);
  ck_assert_uint_eq(fcgi_encode_reply(mem, sizeof mem, 1, data, FCGI_MAX_CONTENT + 1), 0);
}
END_TEST

/* The server's own reply, fed to a parser, must survive the round trip when
 * its records are rewritten as requests: checks the writer framing against
 * the reader framing. */
START_TEST(test_writer_framing_parses) {
  struct evbuffer *out = evbuffer_new();
  uint8_t *body = pattern(70000);
  struct bytes p = {0};
  std_params(&p, 70000);
  uint8_t bh[8] = {0, FCGI_RESPONDER, FCGI_KEEP_CONN};
  fcgi_write_record(out, FCGI_BEGIN_REQUEST, 1, bh, 8);
  fcgi_write_record(out, FCGI_PARAMS, 1, p.d, p.len);
  fcgi_write_record(out, FCGI_PARAMS, 1, NULL, 0);
  fcgi_write_record(out, FCGI_STDIN, 1, body, 70000);
  fcgi_write_record(out, FCGI_STDIN, 1, NULL, 0);
  size_t len = evbuffer_get_length(out);
  struct run r;
  run_all(evbuffer_pullup(out, -1), len, 1, &r, NULL);
  ck_assert_int_eq(r.nev, 1);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_REQUEST);
  ck_assert_uint_eq(r.ev[0].request->body_len, 70000);
  ck_assert(memcmp(r.ev[0].request->body, body, 70000) == 0);
  run_free(&r);
  evbuffer_free(out);
  free(body);
  b_free(&p);
}
END_TEST

static Suite *fcgi_suite(void) {
  Suite *s = suite_create("fcgi");
  TCase *tc = tcase_create("parser");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_single_request_one_chunk);
  tcase_add_test(tc, test_empty_body_and_no_keep_conn);
  tcase_add_test(tc, test_empty_params);
  tcase_add_test(tc, test_byte_by_byte);
  tcase_add_test(tc, test_every_split_point);
  tcase_add_test(tc, test_padding_in_every_record);
  tcase_add_test(tc, test_two_requests_keep_conn);
  tcase_add_test(tc, test_three_requests_keep_conn);
  tcase_add_test(tc, test_feed_stops_at_event);
  tcase_add_test(tc, test_large_body);
  tcase_add_test(tc, test_large_body_without_content_length);
  tcase_add_test(tc, test_params_4byte_lengths);
  suite_add_tcase(s, tc);

  tc = tcase_create("errors");
  tcase_add_test(tc, test_body_at_and_over_limit);
  tcase_add_test(tc, test_params_over_limit);
  tcase_add_test(tc, test_version_2);
  tcase_add_test(tc, test_begin_bad_content_length);
  tcase_add_test(tc, test_protocol_errors);
  tcase_add_test(tc, test_dead_conn_stays_dead);
  tcase_add_test(tc, test_error_mid_request_no_leak);
  suite_add_tcase(s, tc);

  tc = tcase_create("replies");
  tcase_add_test(tc, test_unknown_role);
  tcase_add_test(tc, test_multiplex_refused);
  tcase_add_test(tc, test_abort_request);
  tcase_add_test(tc, test_get_values);
  tcase_add_test(tc, test_get_values_mid_request);
  tcase_add_test(tc, test_get_values_malformed);
  tcase_add_test(tc, test_unknown_management_type);
  suite_add_tcase(s, tc);

  tc = tcase_create("codec");
  tcase_add_test(tc, test_params_decode_valid);
  tcase_add_test(tc, test_params_decode_malformed);
  tcase_add_test(tc, test_params_encode_roundtrip);
  tcase_add_test(tc, test_write_stdout_150000);
  tcase_add_test(tc, test_write_stderr_and_padding);
  tcase_add_test(tc, test_write_end_bytes);
  tcase_add_test(tc, test_write_record_exact);
  tcase_add_test(tc, test_encode_reply_matches_writers);
  tcase_add_test(tc, test_writer_framing_parses);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(fcgi_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
