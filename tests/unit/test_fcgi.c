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
#include "test_fcgi.h"

/* ---- byte builder ------------------------------------------------------- */

static void b_add(struct bytes *b, const void *p, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n) cap *= 2;
    b->d = realloc(b->d, cap);
    ck_assert_ptr_nonnull(b->d);
    b->cap = cap;
  }
  if (n) memcpy(b->d + b->len, p, n);
  b->len += n;
}

void tf_b_free(struct bytes *b) {
  free(b->d);
  memset(b, 0, sizeof(*b));
}

/* Padding bytes are 0xAA, not zero, to prove the parser ignores them. */
static void rec_ver(struct bytes *b, uint8_t version, uint8_t type, uint16_t id, const void *content,
                    size_t len, uint8_t pad) {
  uint8_t h[8] = {version, type, (uint8_t)(id >> 8), (uint8_t)id, (uint8_t)(len >> 8), (uint8_t)len, pad, 0};
  uint8_t padding[255];
  ck_assert_uint_le(len, 65535);
  memset(padding, 0xAA, sizeof(padding));
  b_add(b, h, 8);
  b_add(b, content, len);
  b_add(b, padding, pad);
}

void tf_rec(struct bytes *b, uint8_t type, uint16_t id, const void *content, size_t len, uint8_t pad) {
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

void tf_pair_n(struct bytes *b, const char *name, size_t nlen, const char *value, size_t vlen) {
  put_len(b, nlen, 0);
  put_len(b, vlen, 0);
  b_add(b, name, nlen);
  b_add(b, value, vlen);
}

void tf_pair(struct bytes *b, const char *name, const char *value) {
  tf_pair_n(b, name, strlen(name), value, strlen(value));
}

void tf_begin(struct bytes *b, uint16_t id, uint16_t role, uint8_t flags, uint8_t pad) {
  uint8_t c[8] = {(uint8_t)(role >> 8), (uint8_t)role, flags, 0, 0, 0, 0, 0};
  tf_rec(b, FCGI_BEGIN_REQUEST, id, c, 8, pad);
}

/* Emits STREAM (PARAMS or STDIN) as records of at most CHUNK bytes, then the
 * empty record that ends it.  PAD < 0 pads to a multiple of 8; otherwise
 * record i gets (PAD + i * 37) % 256 bytes of padding. */
void tf_stream(struct bytes *b, uint8_t type, uint16_t id, const uint8_t *data, size_t len, size_t chunk,
               int pad) {
  size_t off = 0;
  unsigned i = 0;
  do {
    size_t n = len - off < chunk ? len - off : chunk;
    uint8_t p = pad < 0 ? (uint8_t)((8 - (n & 7)) & 7) : (uint8_t)((pad + i * 37) % 256);
    tf_rec(b, type, id, data + off, n, p);
    off += n;
    i++;
  } while (off < len);
  if (len > 0) tf_rec(b, type, id, NULL, 0, pad < 0 ? 0 : (uint8_t)((pad + i * 37) % 256));
}

/* A typical nginx request: GET with a small body. */
void tf_std_params(struct bytes *p, size_t body_len) {
  char cl[32];
  snprintf(cl, sizeof(cl), "%zu", body_len);
  tf_pair(p, "REQUEST_METHOD", body_len ? "POST" : "GET");
  tf_pair(p, "REQUEST_URI", "/hello?x=1");
  tf_pair(p, "SCRIPT_NAME", "/hello");
  tf_pair(p, "QUERY_STRING", "x=1");
  tf_pair(p, "CONTENT_LENGTH", body_len ? cl : "");
  tf_pair(p, "HTTP_HOST", "localhost");
}

void tf_request(struct bytes *b, uint16_t id, const uint8_t *body, size_t body_len, size_t chunk, int pad) {
  struct bytes p = {0};
  tf_std_params(&p, body_len);
  tf_begin(b, id, FCGI_RESPONDER, FCGI_KEEP_CONN, pad < 0 ? 0 : (uint8_t)pad);
  tf_stream(b, FCGI_PARAMS, id, p.d, p.len, chunk, pad);
  tf_stream(b, FCGI_STDIN, id, body, body_len, chunk, pad);
  tf_b_free(&p);
}

/* ---- driver ------------------------------------------------------------- */

/* Feeds DATA in pieces of CHUNK bytes (as a socket would deliver them),
 * re-feeding the rest of a piece after each event, until the input is gone
 * or an error occurs.  Checks the byte accounting on the way. */
static void run_feed(struct fcgi_conn *c, const uint8_t *data, size_t len, size_t chunk, struct run *r) {
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

void tf_run_free(struct run *r) {
  for (int i = 0; i < r->nev; i++)
    if (r->ev[i].type == FCGI_EV_REQUEST) fcgi_request_free(r->ev[i].request);
  evbuffer_free(r->out);
}

void tf_run_all(const uint8_t *data, size_t len, size_t chunk, struct run *r, const struct fcgi_limits *lim) {
  struct fcgi_conn *c = fcgi_conn_new(lim ? lim : &default_limits);
  ck_assert_ptr_nonnull(c);
  run_feed(c, data, len, chunk, r);
  fcgi_conn_free(c);
}

void tf_assert_param(const struct fcgi_request *req, const char *name, const char *value) {
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
int tf_take_record(struct evbuffer *out, struct out_rec *r) {
  uint8_t h[8];
  if (evbuffer_get_length(out) < 8) return -1;
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

void tf_assert_end_request(struct evbuffer *out, uint16_t id, uint8_t protocol_status) {
  static struct out_rec r;
  ck_assert_int_eq(tf_take_record(out, &r), 0);
  ck_assert_uint_eq(r.version, 1);
  ck_assert_uint_eq(r.type, FCGI_END_REQUEST);
  ck_assert_uint_eq(r.id, id);
  ck_assert_uint_eq(r.len, 8);
  ck_assert_uint_eq(r.content[4], protocol_status);
}

void tf_assert_error(const struct run *r, const char *msg) {
  ck_assert_int_ge(r->nev, 1);
  const struct fcgi_event *ev = &r->ev[r->nev - 1];
  ck_assert_int_eq(ev->type, FCGI_EV_ERROR);
  ck_assert_ptr_nonnull(ev->error);
  if (msg) ck_assert_str_eq(ev->error, msg);
}

uint8_t *tf_pattern(size_t n) {
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
  tf_request(&b, 1, (const uint8_t *)"hello", 5, 65535, -1);
  struct run r;
  tf_run_all(b.d, b.len, b.len, &r, NULL);
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
  tf_assert_param(req, "REQUEST_METHOD", "POST");
  tf_assert_param(req, "REQUEST_URI", "/hello?x=1");
  tf_assert_param(req, "CONTENT_LENGTH", "5");
  tf_assert_param(req, "HTTP_HOST", "localhost");
  ck_assert_ptr_null(fcgi_request_param(req, "HTTP_HOS", NULL));
  ck_assert_ptr_null(fcgi_request_param(req, "NOPE", NULL));
  ck_assert_uint_eq(req->body_len, 5);
  ck_assert_str_eq((const char *)req->body, "hello");
  ck_assert_uint_eq(evbuffer_get_length(r.out), 0);
  tf_run_free(&r);
  tf_b_free(&b);
}
END_TEST

START_TEST(test_empty_body_and_no_keep_conn) {
  struct bytes b = {0}, p = {0};
  tf_pair(&p, "REQUEST_METHOD", "GET");
  tf_begin(&b, 3, FCGI_RESPONDER, 0, 0);
  tf_rec(&b, FCGI_PARAMS, 3, p.d, p.len, 0);
  tf_rec(&b, FCGI_PARAMS, 3, NULL, 0, 0);
  tf_rec(&b, FCGI_STDIN, 3, NULL, 0, 0);
  struct run r;
  tf_run_all(b.d, b.len, b.len, &r, NULL);
  ck_assert_int_eq(r.nev, 1);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_REQUEST);
  ck_assert_int_eq(r.ev[0].request->keep_conn, 0);
  ck_assert_uint_eq(r.ev[0].request->id, 3);
  ck_assert_ptr_nonnull(r.ev[0].request->body);
  ck_assert_uint_eq(r.ev[0].request->body_len, 0);
  ck_assert_int_eq(r.ev[0].request->body[0], 0);
  tf_run_free(&r);
  tf_b_free(&b);
  tf_b_free(&p);
}
END_TEST

START_TEST(test_empty_params) {
  struct bytes b = {0};
  tf_begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
  tf_rec(&b, FCGI_PARAMS, 1, NULL, 0, 0);
  tf_rec(&b, FCGI_STDIN, 1, NULL, 0, 0);
  struct run r;
  tf_run_all(b.d, b.len, b.len, &r, NULL);
  ck_assert_int_eq(r.nev, 1);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_REQUEST);
  ck_assert_uint_eq(r.ev[0].request->nparams, 0);
  ck_assert_ptr_null(fcgi_request_param(r.ev[0].request, "X", NULL));
  tf_run_free(&r);
  tf_b_free(&b);
}
END_TEST

START_TEST(test_byte_by_byte) {
  struct bytes b = {0};
  uint8_t *body = tf_pattern(1000);
  tf_request(&b, 1, body, 1000, 100, -1);
  struct run whole, bytewise;
  tf_run_all(b.d, b.len, b.len, &whole, NULL);
  tf_run_all(b.d, b.len, 1, &bytewise, NULL);
  ck_assert_int_eq(whole.nev, 1);
  ck_assert_int_eq(bytewise.nev, 1);
  ck_assert_int_eq(bytewise.ev[0].type, FCGI_EV_REQUEST);
  assert_same_request(whole.ev[0].request, bytewise.ev[0].request);
  ck_assert(memcmp(bytewise.ev[0].request->body, body, 1000) == 0);
  tf_run_free(&whole);
  tf_run_free(&bytewise);
  free(body);
  tf_b_free(&b);
}
END_TEST

/* Every possible split of the input into two reads. */
START_TEST(test_every_split_point) {
  struct bytes b = {0};
  tf_request(&b, 1, (const uint8_t *)"split me", 8, 5, 3);
  struct run ref;
  tf_run_all(b.d, b.len, b.len, &ref, NULL);
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
    tf_run_free(&r1);
    tf_run_free(&r2);
    fcgi_conn_free(c);
  }
  tf_run_free(&ref);
  tf_b_free(&b);
}
END_TEST

START_TEST(test_padding_in_every_record) {
  struct bytes b = {0};
  uint8_t *body = tf_pattern(3000);
  /* Paddings 5, 42, 79, ... wrap through 0..255 including 255. */
  tf_request(&b, 1, body, 3000, 97, 5);
  for (size_t chunk = 1; chunk <= 17; chunk += 8) {
    struct run r;
    tf_run_all(b.d, b.len, chunk == 17 ? b.len : chunk, &r, NULL);
    ck_assert_int_eq(r.nev, 1);
    ck_assert_int_eq(r.ev[0].type, FCGI_EV_REQUEST);
    ck_assert_uint_eq(r.ev[0].request->body_len, 3000);
    ck_assert(memcmp(r.ev[0].request->body, body, 3000) == 0);
    tf_assert_param(r.ev[0].request, "CONTENT_LENGTH", "3000");
    tf_assert_param(r.ev[0].request, "QUERY_STRING", "x=1");
    ck_assert_uint_eq(r.consumed, b.len);
    tf_run_free(&r);
  }
  free(body);
  tf_b_free(&b);
}
END_TEST

static void check_sequential(int n, size_t chunk) {
  struct bytes b = {0};
  char bodies[3][32];
  for (int i = 0; i < n; i++) {
    snprintf(bodies[i], sizeof(bodies[i]), "body number %d", i);
    tf_request(&b, 1, (const uint8_t *)bodies[i], strlen(bodies[i]), 6, i == 1 ? 13 : -1);
  }
  struct run r;
  tf_run_all(b.d, b.len, chunk, &r, NULL);
  ck_assert_int_eq(r.nev, n);
  for (int i = 0; i < n; i++) {
    ck_assert_int_eq(r.ev[i].type, FCGI_EV_REQUEST);
    ck_assert_uint_eq(r.ev[i].request->id, 1);
    ck_assert_str_eq((const char *)r.ev[i].request->body, bodies[i]);
    tf_assert_param(r.ev[i].request, "REQUEST_METHOD", "POST");
  }
  ck_assert_uint_eq(r.consumed, b.len);
  tf_run_free(&r);
  tf_b_free(&b);
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
  tf_request(&b, 1, (const uint8_t *)"a", 1, 100, -1);
  size_t first = b.len;
  tf_request(&b, 1, (const uint8_t *)"b", 1, 100, -1);
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
  tf_b_free(&b);
}
END_TEST

START_TEST(test_large_body) {
  const size_t n = 200 * 1024;
  uint8_t *body = tf_pattern(n);
  size_t chunks[] = {65535, 8192, 1000};
  for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
    struct bytes b = {0};
    tf_request(&b, 1, body, n, chunks[i], -1);
    struct run r;
    tf_run_all(b.d, b.len, i == 2 ? 4096 : b.len, &r, NULL);
    ck_assert_int_eq(r.nev, 1);
    ck_assert_int_eq(r.ev[0].type, FCGI_EV_REQUEST);
    ck_assert_uint_eq(r.ev[0].request->body_len, n);
    ck_assert(memcmp(r.ev[0].request->body, body, n) == 0);
    ck_assert_int_eq(r.ev[0].request->body[n], 0);
    tf_run_free(&r);
    tf_b_free(&b);
  }
  free(body);
}
END_TEST

/* Without CONTENT_LENGTH the body buffer has to grow as records arrive. */
START_TEST(test_large_body_without_content_length) {
  const size_t n = 300000;
  uint8_t *body = tf_pattern(n);
  struct bytes b = {0}, p = {0};
  tf_pair(&p, "REQUEST_METHOD", "PUT");
  tf_begin(&b, 9, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
  tf_stream(&b, FCGI_PARAMS, 9, p.d, p.len, 65535, -1);
  tf_stream(&b, FCGI_STDIN, 9, body, n, 32768, -1);
  struct run r;
  tf_run_all(b.d, b.len, 3000, &r, NULL);
  ck_assert_int_eq(r.nev, 1);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_REQUEST);
  ck_assert_uint_eq(r.ev[0].request->body_len, n);
  ck_assert(memcmp(r.ev[0].request->body, body, n) == 0);
  tf_run_free(&r);
  tf_b_free(&b);
  tf_b_free(&p);
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
  tf_pair(&p, "SHORT", "x");
  tf_pair_n(&p, name, sizeof(name), value, vlen);
  tf_pair_n(&p, "V", 1, name, 128); /* exactly 128: smallest 4-byte length */
  /* A short length written in the 4-byte form is still valid. */
  put_len(&p, 4, 1);
  put_len(&p, 2, 1);
  b_add(&p, "LONGok", 6);
  tf_begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
  tf_stream(&b, FCGI_PARAMS, 1, p.d, p.len, 65535, -1);
  tf_rec(&b, FCGI_STDIN, 1, NULL, 0, 0);
  for (int bytewise = 0; bytewise < 2; bytewise++) {
    struct run r;
    tf_run_all(b.d, b.len, bytewise ? 1 : b.len, &r, NULL);
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
    tf_assert_param(req, "LONG", "ok");
    tf_assert_param(req, "SHORT", "x");
    tf_run_free(&r);
  }
  free(value);
  tf_b_free(&b);
  tf_b_free(&p);
}
END_TEST

/* ---- limits ------------------------------------------------------------- */

/* A body over the limit is refused with FCGI_EV_TOO_LARGE (a 413, not a
 * protocol error): at once when CONTENT_LENGTH announces it, before any
 * STDIN; the rest of its records are dropped, and the connection serves
 * the next request. */
START_TEST(test_body_at_and_over_limit) {
  struct fcgi_limits lim = default_limits;
  lim.max_body_bytes = 1000;
  uint8_t *body = tf_pattern(1001);
  struct bytes ok = {0}, big = {0}, head = {0}, p = {0};
  tf_request(&ok, 1, body, 1000, 300, -1);
  tf_request(&big, 1, body, 1001, 300, -1);
  struct run r;
  tf_run_all(ok.d, ok.len, ok.len, &r, &lim);
  ck_assert_int_eq(r.nev, 1);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_REQUEST);
  tf_run_free(&r);
  b_add(&big, ok.d, ok.len);
  tf_run_all(big.d, big.len, big.len, &r, &lim);
  ck_assert_int_eq(r.nev, 2);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_TOO_LARGE);
  ck_assert_uint_eq(r.ev[0].request_id, 1);
  ck_assert_int_eq(r.ev[1].type, FCGI_EV_REQUEST);
  ck_assert_uint_eq(r.ev[1].request->body_len, 1000);
  tf_run_free(&r);
  /* Announced: refused with the PARAMS stream, no STDIN sent yet. */
  tf_std_params(&p, 5000);
  tf_begin(&head, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
  tf_stream(&head, FCGI_PARAMS, 1, p.d, p.len, 65535, -1);
  tf_run_all(head.d, head.len, 1, &r, &lim);
  ck_assert_int_eq(r.nev, 1);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_TOO_LARGE);
  tf_run_free(&r);
  free(body);
  tf_b_free(&ok);
  tf_b_free(&big);
  tf_b_free(&head);
  tf_b_free(&p);
}
END_TEST

/* Not announced (no CONTENT_LENGTH, as for a chunked upload): refused by
 * the record that takes the running total over the limit, before the end
 * of the stream. */
START_TEST(test_body_over_limit_running_total) {
  struct fcgi_limits lim = default_limits;
  lim.max_body_bytes = 1000;
  uint8_t *body = tf_pattern(2000);
  struct bytes b = {0}, p = {0};
  tf_pair(&p, "REQUEST_METHOD", "PUT");
  tf_begin(&b, 3, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
  tf_stream(&b, FCGI_PARAMS, 3, p.d, p.len, 65535, -1);
  size_t before_over = b.len + 2 * (FCGI_HEADER_LEN + 400);
  tf_stream(&b, FCGI_STDIN, 3, body, 2000, 400, -1);
  struct run r;
  /* Only up to the third STDIN record (running total 1200). */
  tf_run_all(b.d, before_over + FCGI_HEADER_LEN + 400, 7, &r, &lim);
  ck_assert_int_eq(r.nev, 1);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_TOO_LARGE);
  ck_assert_uint_eq(r.ev[0].request_id, 3);
  tf_run_free(&r);
  tf_run_all(b.d, b.len, 7, &r, &lim); /* the rest is dropped */
  ck_assert_int_eq(r.nev, 1);
  tf_run_free(&r);
  free(body);
  tf_b_free(&b);
  tf_b_free(&p);
}
END_TEST

START_TEST(test_params_over_limit) {
  struct fcgi_limits lim = default_limits;
  struct bytes b = {0}, p = {0};
  tf_std_params(&p, 0);
  lim.max_params_bytes = p.len - 1;
  tf_begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
  tf_stream(&b, FCGI_PARAMS, 1, p.d, p.len, 10, -1);
  tf_rec(&b, FCGI_STDIN, 1, NULL, 0, 0);
  struct run r;
  tf_run_all(b.d, b.len, 1, &r, &lim);
  ck_assert_int_eq(r.nev, 1);
  tf_assert_error(&r, "params too large");
  tf_run_free(&r);
  lim.max_params_bytes = p.len;
  tf_run_all(b.d, b.len, 1, &r, &lim);
  ck_assert_int_eq(r.nev, 1);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_REQUEST);
  tf_run_free(&r);
  tf_b_free(&b);
  tf_b_free(&p);
}
END_TEST

/* ---- protocol errors ---------------------------------------------------- */

START_TEST(test_version_2) {
  struct bytes b = {0};
  uint8_t c[8] = {0, FCGI_RESPONDER, FCGI_KEEP_CONN};
  rec_ver(&b, 2, FCGI_BEGIN_REQUEST, 1, c, 8, 0);
  struct run r;
  tf_run_all(b.d, b.len, b.len, &r, NULL);
  ck_assert_int_eq(r.nev, 1);
  tf_assert_error(&r, NULL);
  ck_assert_uint_le(r.consumed, 8); /* decided from the header alone */
  tf_run_free(&r);
  tf_b_free(&b);
}
END_TEST

START_TEST(test_begin_bad_content_length) {
  uint8_t c[16] = {0, FCGI_RESPONDER, FCGI_KEEP_CONN};
  size_t lens[] = {0, 7, 9, 16};
  for (size_t i = 0; i < 4; i++) {
    struct bytes b = {0};
    tf_rec(&b, FCGI_BEGIN_REQUEST, 1, c, lens[i], 0);
    struct run r;
    tf_run_all(b.d, b.len, b.len, &r, NULL);
    ck_assert_int_eq(r.nev, 1);
    tf_assert_error(&r, NULL);
    tf_run_free(&r);
    tf_b_free(&b);
  }
}
END_TEST

/* Each case: records that must kill the connection with an error. */
START_TEST(test_protocol_errors) {
  struct bytes p = {0};
  tf_pair(&p, "A", "b");
  for (int kase = 0; kase < 11; kase++) {
    struct bytes b = {0};
    switch (kase) {
    case 0: /* records only an application sends */ tf_rec(&b, FCGI_STDOUT, 1, "x", 1, 7); break;
    case 1: tf_rec(&b, FCGI_END_REQUEST, 1, "\0\0\0\0\0\0\0\0", 8, 0); break;
    case 2: tf_rec(&b, FCGI_GET_VALUES_RESULT, 0, NULL, 0, 0); break;
    case 3: /* unknown type on a request id */ tf_rec(&b, 42, 1, NULL, 0, 0); break;
    case 4: /* PARAMS without BEGIN_REQUEST */ tf_rec(&b, FCGI_PARAMS, 1, p.d, p.len, 0); break;
    case 5: /* STDIN for a different id than the open one */
      tf_begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
      tf_rec(&b, FCGI_PARAMS, 1, NULL, 0, 0);
      tf_rec(&b, FCGI_STDIN, 2, NULL, 0, 0);
      break;
    case 6: /* malformed params: a pair claims more bytes than exist */
      tf_begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
      tf_rec(&b, FCGI_PARAMS, 1,
             "\x05\x01"
             "AB",
             4, 4);
      tf_rec(&b, FCGI_PARAMS, 1, NULL, 0, 0);
      break;
    case 7: /* STDIN before the PARAMS stream ended */
      tf_begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
      tf_rec(&b, FCGI_PARAMS, 1, p.d, p.len, 0);
      tf_rec(&b, FCGI_STDIN, 1, "x", 1, 0);
      break;
    case 8: /* PARAMS after the stream ended */
      tf_begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
      tf_rec(&b, FCGI_PARAMS, 1, NULL, 0, 0);
      tf_rec(&b, FCGI_PARAMS, 1, p.d, p.len, 0);
      break;
    case 9: /* DATA is for the filter role only */
      tf_begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
      tf_rec(&b, FCGI_DATA, 1, "x", 1, 0);
      break;
    case 10: /* BEGIN_REQUEST twice for the same id */
      tf_begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
      tf_begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
      break;
    }
    struct run r;
    tf_run_all(b.d, b.len, 1, &r, NULL);
    ck_assert_msg(r.nev == 1 && r.ev[0].type == FCGI_EV_ERROR, "case %d: no error", kase);
    ck_assert_ptr_nonnull(r.ev[0].error);
    ck_assert_uint_eq(evbuffer_get_length(r.out), 0);
    tf_run_free(&r);
    tf_b_free(&b);
  }
  tf_b_free(&p);
}
END_TEST

START_TEST(test_dead_conn_stays_dead) {
  struct bytes b = {0};
  rec_ver(&b, 0, FCGI_BEGIN_REQUEST, 1, "\0\1\1\0\0\0\0\0", 8, 0);
  struct bytes good = {0};
  tf_request(&good, 1, NULL, 0, 100, -1);
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
  tf_b_free(&b);
  tf_b_free(&good);
}
END_TEST

/* An error in the middle of a request frees what was accumulated. */
START_TEST(test_error_mid_request_no_leak) {
  struct bytes b = {0}, p = {0};
  tf_std_params(&p, 10);
  tf_begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
  tf_stream(&b, FCGI_PARAMS, 1, p.d, p.len, 100, -1);
  tf_rec(&b, FCGI_STDIN, 1, "01234", 5, 3);
  tf_rec(&b, FCGI_STDOUT, 1, NULL, 0, 0);
  struct run r;
  tf_run_all(b.d, b.len, b.len, &r, NULL);
  ck_assert_int_eq(r.nev, 1);
  tf_assert_error(&r, NULL);
  tf_run_free(&r);
  tf_b_free(&b);
  tf_b_free(&p);
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
  tcase_add_test(tc, test_body_over_limit_running_total);
  tcase_add_test(tc, test_params_over_limit);
  tcase_add_test(tc, test_version_2);
  tcase_add_test(tc, test_begin_bad_content_length);
  tcase_add_test(tc, test_protocol_errors);
  tcase_add_test(tc, test_dead_conn_stays_dead);
  tcase_add_test(tc, test_error_mid_request_no_leak);
  suite_add_tcase(s, tc);

  tf_add_codec_tcases(s);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(fcgi_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
