/* test_http.c: unit tests for the HTTP/1.1 request codec and the response
 * writers (workers/http.c).
 *
 * Requests are written out byte for byte here, and every valid one is also
 * fed one byte at a time: the parser must give the same request whatever
 * the split.  The refusals are a table: each malformed request must give
 * its status, and the connection must stay dead afterwards. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "http.h"

static const struct http_limits default_limits = {.max_head_bytes = 8192, .max_body_bytes = 65536};

struct fed {
  struct http_conn *c;
  struct evbuffer *out;
  struct http_event ev;
  size_t used;
};

/* Feeds S (LEN bytes) whole, or one byte at a time with BYTEWISE, until an
 * event; F->used says how much was consumed. */
static void feed(struct fed *f, const char *s, size_t len, bool bytewise) {
  f->used = 0;
  memset(&f->ev, 0, sizeof f->ev);
  while (f->used < len) {
    size_t n = bytewise ? 1 : len - f->used;
    size_t used = http_conn_feed(f->c, (const uint8_t *)s + f->used, n, f->out, &f->ev);
    ck_assert_uint_le(used, n);
    f->used += used;
    if (f->ev.type != HTTP_EV_NONE) return;
    ck_assert_uint_eq(used, n); /* "need more" consumes everything */
  }
}

static void fed_open(struct fed *f, const struct http_limits *limits) {
  f->c = http_conn_new(limits ? limits : &default_limits);
  f->out = evbuffer_new();
  ck_assert_ptr_nonnull(f->c);
  ck_assert_ptr_nonnull(f->out);
}

static void fed_close(struct fed *f) {
  http_conn_free(f->c);
  evbuffer_free(f->out);
}

static const char *header(const struct http_request *r, const char *name) {
  for (size_t i = 0; i < r->nheaders; i++)
    if (strcmp(r->headers[i].name, name) == 0) return r->headers[i].value;
  return NULL;
}

/* Parses S as one whole request, both ways; returns it (valid until the
 * next feed on F, which stays open for the caller). */
static const struct http_request *parse_one(struct fed *f, const char *s) {
  for (int bytewise = 1; bytewise >= 0; bytewise--) {
    if (f->c) fed_close(f);
    fed_open(f, NULL);
    feed(f, s, strlen(s), bytewise);
    ck_assert_msg(f->ev.type == HTTP_EV_REQUEST, "no request from %s (bytewise %d): %s", s, bytewise,
                  f->ev.error ? f->ev.error : "need more");
    ck_assert_uint_eq(f->used, strlen(s));
  }
  return f->ev.request;
}

START_TEST(test_simple_get) {
  struct fed f = {0};
  const struct http_request *r =
      parse_one(&f, "GET /a/b?x=1&y=2 HTTP/1.1\r\nHost: example.com:8080\r\nX-Mixed-Case:  v a l \t\r\n"
                    "Accept: */*\r\n\r\n");
  ck_assert_str_eq(r->method, "GET");
  ck_assert_str_eq(r->target, "/a/b?x=1&y=2");
  ck_assert_str_eq(r->path, "/a/b");
  ck_assert_str_eq(r->query, "x=1&y=2");
  ck_assert_str_eq(r->host, "example.com:8080");
  ck_assert_int_eq(r->version_minor, 1);
  ck_assert(r->keep_alive);
  ck_assert_uint_eq(r->nheaders, 3);
  ck_assert_str_eq(r->headers[1].name, "x-mixed-case");
  ck_assert_uint_eq(r->headers[1].name_len, 12);
  ck_assert_str_eq(r->headers[1].value, "v a l");
  ck_assert_uint_eq(r->headers[1].value_len, 5);
  ck_assert_uint_eq(r->body_len, 0);
  ck_assert_str_eq((const char *)r->body, "");
  ck_assert(http_conn_idle(f.c));
  ck_assert_uint_eq(evbuffer_get_length(f.out), 0);
  fed_close(&f);
}
END_TEST

START_TEST(test_keep_alive_rules) {
  struct fed f = {0};
  ck_assert(!parse_one(&f, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")->keep_alive);
  ck_assert(!parse_one(&f, "GET / HTTP/1.1\r\nHost: x\r\nConnection: TE, Close\r\n\r\n")->keep_alive);
  ck_assert(!parse_one(&f, "GET / HTTP/1.0\r\n\r\n")->keep_alive);
  ck_assert(parse_one(&f, "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")->keep_alive);
  ck_assert(!parse_one(&f, "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n")->keep_alive);
  const struct http_request *r = parse_one(&f, "GET / HTTP/1.0\r\n\r\n");
  ck_assert_ptr_null(r->host);
  ck_assert_int_eq(r->version_minor, 0);
  ck_assert_ptr_null(parse_one(&f, "GET / HTTP/1.1\r\nHost:\r\n\r\n")->host); /* empty Host: none */
  fed_close(&f);
}
END_TEST

START_TEST(test_content_length_body) {
  struct fed f = {0};
  const struct http_request *r =
      parse_one(&f, "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 011\r\n\r\nhello world");
  ck_assert_uint_eq(r->body_len, 11);
  ck_assert_str_eq((const char *)r->body, "hello world");
  r = parse_one(&f, "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  ck_assert_uint_eq(r->body_len, 0);
  fed_close(&f);
}
END_TEST

START_TEST(test_chunked_decoding) {
  struct fed f = {0};
  const struct http_request *r =
      parse_one(&f, "POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:  Chunked \r\n\r\n"
                    "5;name=value;x\r\nhello\r\n001 \r\n \r\nA\r\n0123456789\r\n0\r\n"
                    "X-Trailer: t\r\nOther: 2\r\n\r\n");
  ck_assert_uint_eq(r->body_len, 16);
  ck_assert_str_eq((const char *)r->body, "hello 0123456789");
  ck_assert_ptr_null(header(r, "x-trailer")); /* trailers never become headers */
  r = parse_one(&f, "POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  ck_assert_uint_eq(r->body_len, 0);
  ck_assert_str_eq((const char *)r->body, "");
  fed_close(&f);
}
END_TEST

START_TEST(test_pipelined_requests) {
  const char *s = "\r\nGET /one HTTP/1.1\r\nHost: a\r\n\r\n"
                  "POST /two HTTP/1.1\r\nHost: b\r\nContent-Length: 3\r\n\r\nxyz"
                  "POST /three HTTP/1.1\r\nHost: c\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nq\r\n0\r\n\r\n"
                  "GET /four HTTP/1.1\r\nHost: d\r\n\r\n";
  const char *paths[] = {"/one", "/two", "/three", "/four"};
  const char *bodies[] = {"", "xyz", "q", ""};
  for (int bytewise = 0; bytewise < 2; bytewise++) {
    struct fed f = {0};
    fed_open(&f, NULL);
    size_t off = 0, len = strlen(s);
    for (int i = 0; i < 4; i++) {
      feed(&f, s + off, len - off, bytewise);
      ck_assert_int_eq(f.ev.type, HTTP_EV_REQUEST);
      ck_assert_str_eq(f.ev.request->path, paths[i]);
      ck_assert_str_eq((const char *)f.ev.request->body, bodies[i]);
      off += f.used;
    }
    ck_assert_uint_eq(off, len);
    ck_assert(http_conn_idle(f.c));
    fed_close(&f);
  }
}
END_TEST

START_TEST(test_absolute_form) {
  struct fed f = {0};
  const struct http_request *r =
      parse_one(&f, "GET http://evil.example:81/a%20b?q=1 HTTP/1.1\r\nHost: other\r\n\r\n");
  ck_assert_str_eq(r->target, "/a%20b?q=1");
  ck_assert_str_eq(r->path, "/a b");
  ck_assert_str_eq(r->query, "q=1");
  ck_assert_str_eq(r->host, "evil.example:81");
  ck_assert_str_eq(header(r, "host"), "evil.example:81"); /* RFC 9112 3.2.2 */
  r = parse_one(&f, "OPTIONS HTTP://H?x HTTP/1.1\r\nHost: o\r\n\r\n");
  ck_assert_str_eq(r->target, "/?x");
  ck_assert_str_eq(r->path, "/");
  ck_assert_str_eq(r->host, "H");
  r = parse_one(&f, "GET http://[::1]:8080 HTTP/1.1\r\nHost: o\r\n\r\n");
  ck_assert_str_eq(r->target, "/");
  ck_assert_str_eq(r->host, "[::1]:8080");
  r = parse_one(&f, "OPTIONS * HTTP/1.1\r\nHost: o\r\n\r\n");
  ck_assert_str_eq(r->target, "*");
  ck_assert_str_eq(r->path, "*");
  fed_close(&f);
}
END_TEST

START_TEST(test_path_decoding) {
  struct fed f = {0};
  const struct http_request *r = parse_one(&f, "GET /a%2Fb%zz%4/%c3%A4+x%? HTTP/1.1\r\nHost: x\r\n\r\n");
  ck_assert_str_eq(r->path, "/a/b%zz%4/\xc3\xa4+x%");
  ck_assert_str_eq(r->query, "");
  r = parse_one(
      &f, "GET /\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n"); /* obs bytes pass; the worker makes them U+FFFD */
  ck_assert_str_eq(r->path, "/\xff\xfe");
  fed_close(&f);
}
END_TEST

/* ---- refusals ---- */

struct bad_case {
  const char *request;
  int status;
};

static const struct bad_case bad_cases[] = {
    /* Content-Length */
    {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 30\r\n\r\nabc", 400},
    {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400},
    {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3,3\r\n\r\nabc", 400},
    {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc", 400},
    {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\n\r\nabc", 400},
    {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3 3\r\n\r\nabc", 400},
    {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n\r\nabc", 400},
    {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length : 3\r\n\r\nabc", 400},
    {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 65537\r\n\r\n", 413},
    {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999999\r\n\r\n", 413},
    /* Transfer-Encoding */
    {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501},
    {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip-not, chunked\r\n\r\n0\r\n\r\n", 501},
    {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ,\r\n\r\n0\r\n\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
    {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0x1\r\na\r\n0\r\n\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\na\r\n0\r\n\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\na\r\n0\r\n\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;\x01\r\na\r\n0\r\n\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n0\r\n\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\n0\r\n\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10001\r\n", 413},
    {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000001\r\n", 413},
    {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer: 1\r\n\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: 1\n\r\n", 400},
    /* field lines */
    {"GET / HTTP/1.1\r\nHost: x\r\nX Bad: 1\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\nHost: x\r\nX(a): 1\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\nHost: x\r\nX\xc3\xa4: 1\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\nHost: x\r\n: 1\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\n\tHost: x\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x7f\r\n\r\n", 400},
    {"GET / HTTP/1.1\nHost: x\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\nHost: x\r\n\n", 400},
    {"\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", 400},
    /* request line */
    {"GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400},
    {"GET / HTTP/1.1 \r\nHost: x\r\n\r\n", 400},
    {"GET / http/1.1\r\nHost: x\r\n\r\n", 400},
    {"GET /\r\nHost: x\r\n\r\n", 400},
    {"GET / HTTP/1.10\r\nHost: x\r\n\r\n", 400},
    {"GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", 400},
    {"GET /a\x01 HTTP/1.1\r\nHost: x\r\n\r\n", 400},
    {"GET /a#f HTTP/1.1\r\nHost: x\r\n\r\n", 400},
    {"GET a HTTP/1.1\r\nHost: x\r\n\r\n", 400},
    {"GET * HTTP/1.1\r\nHost: x\r\n\r\n", 400},
    {"GET /%00 HTTP/1.1\r\nHost: x\r\n\r\n", 400},
    {"\x01\xff GARBAGE\r\n\r\n", 400},
    {"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505},
    {"GET / HTTP/0.9\r\nHost: x\r\n\r\n", 505},
    {"BREW / HTTP/1.1\r\nHost: x\r\n\r\n", 501},
    {"CONNECT x:443 HTTP/1.1\r\nHost: x\r\n\r\n", 501},
    {"get / HTTP/1.1\r\nHost: x\r\n\r\n", 501},
    /* Host and absolute-form */
    {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\nHost: a:8x\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\nHost: a@b\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\nHost: %zz\r\n\r\n", 400},
    {"GET http://user@evil/ HTTP/1.1\r\nHost: x\r\n\r\n", 400},
    {"GET http:///a HTTP/1.1\r\nHost: x\r\n\r\n", 400},
    {"GET ftp://h/a HTTP/1.1\r\nHost: x\r\n\r\n", 400},
    {"GET http://h/a HTTP/1.1\r\n\r\n", 400},
};

START_TEST(test_refused) {
  const struct bad_case *bc = &bad_cases[_i];
  for (int bytewise = 0; bytewise < 2; bytewise++) {
    struct fed f = {0};
    fed_open(&f, NULL);
    feed(&f, bc->request, strlen(bc->request), bytewise);
    ck_assert_msg(f.ev.type == HTTP_EV_ERROR && f.ev.status == bc->status,
                  "case %d (%s): expected %d, got type %d status %d (%s)", _i, bc->request, bc->status,
                  f.ev.type, f.ev.status, f.ev.error ? f.ev.error : "-");
    ck_assert_ptr_nonnull(f.ev.error);
    /* Dead: the same error again, nothing consumed. */
    struct http_event again;
    ck_assert_uint_eq(http_conn_feed(f.c, (const uint8_t *)"GET / HTTP/1.1\r\n\r\n", 18, f.out, &again), 0);
    ck_assert_int_eq(again.type, HTTP_EV_ERROR);
    ck_assert_int_eq(again.status, bc->status);
    fed_close(&f);
  }
}
END_TEST

START_TEST(test_head_limits) {
  struct http_limits small = {.max_head_bytes = 64, .max_body_bytes = 4};
  char exact[65];
  /* A head of exactly 64 bytes passes; one more byte does not. */
  const char *start = "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ";
  size_t pad = 64 - strlen(start) - 4;
  snprintf(exact, sizeof exact, "%s%.*s\r\n\r\n", start, (int)pad, "pppppppppppppppppppppppppppppppppppppp");
  ck_assert_uint_eq(strlen(exact), 64);
  struct fed f = {0};
  fed_open(&f, &small);
  feed(&f, exact, 64, false);
  ck_assert_int_eq(f.ev.type, HTTP_EV_REQUEST);
  fed_close(&f);
  char over[80];
  snprintf(over, sizeof over, "%s%.*s\r\n\r\n", start, (int)pad + 1,
           "pppppppppppppppppppppppppppppppppppppp");
  fed_open(&f, &small);
  feed(&f, over, strlen(over), false);
  ck_assert_int_eq(f.ev.type, HTTP_EV_ERROR);
  ck_assert_int_eq(f.ev.status, 431);
  fed_close(&f);
  /* The request line alone over the limit: 414, found without the rest. */
  fed_open(&f, &small);
  char line[100];
  memset(line, 'a', sizeof line);
  memcpy(line, "GET /", 5);
  feed(&f, line, sizeof line, false);
  ck_assert_int_eq(f.ev.type, HTTP_EV_ERROR);
  ck_assert_int_eq(f.ev.status, 414);
  fed_close(&f);
  /* Bodies: exactly the limit passes, chunked or not; one more byte does not. */
  fed_open(&f, &small);
  const char *ok4 = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd";
  feed(&f, ok4, strlen(ok4), false);
  ck_assert_int_eq(f.ev.type, HTTP_EV_REQUEST);
  const char *ok4c =
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n";
  feed(&f, ok4c, strlen(ok4c), false);
  ck_assert_int_eq(f.ev.type, HTTP_EV_REQUEST);
  const char *bad5c = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n3\r\n";
  feed(&f, bad5c, strlen(bad5c), false);
  ck_assert_int_eq(f.ev.type, HTTP_EV_ERROR);
  ck_assert_int_eq(f.ev.status, 413);
  fed_close(&f);
}
END_TEST

START_TEST(test_expect_continue) {
  struct fed f = {0};
  fed_open(&f, NULL);
  const char *head = "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n";
  feed(&f, head, strlen(head), false);
  ck_assert_int_eq(f.ev.type, HTTP_EV_NONE);
  ck_assert(!http_conn_idle(f.c));
  size_t n = evbuffer_get_length(f.out);
  char got[64] = "";
  evbuffer_remove(f.out, got, n);
  ck_assert_str_eq(got, "HTTP/1.1 100 Continue\r\n\r\n");
  feed(&f, "hi", 2, false);
  ck_assert_int_eq(f.ev.type, HTTP_EV_REQUEST);
  ck_assert_str_eq((const char *)f.ev.request->body, "hi");
  /* The body came along with the head: no interim response. */
  const char *both = "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi";
  feed(&f, both, strlen(both), false);
  ck_assert_int_eq(f.ev.type, HTTP_EV_REQUEST);
  ck_assert_uint_eq(evbuffer_get_length(f.out), 0);
  /* HTTP/1.0 clients never get one; nor requests without a body. */
  const char *old = "POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n";
  feed(&f, old, strlen(old), false);
  ck_assert_uint_eq(evbuffer_get_length(f.out), 0);
  fed_close(&f);
}
END_TEST

START_TEST(test_idle) {
  struct fed f = {0};
  fed_open(&f, NULL);
  ck_assert(http_conn_idle(f.c));
  feed(&f, "G", 1, false);
  ck_assert(!http_conn_idle(f.c));
  feed(&f, "ET / HTTP/1.1\r\nHost: x\r\n\r\n", 26, false);
  ck_assert_int_eq(f.ev.type, HTTP_EV_REQUEST);
  ck_assert(http_conn_idle(f.c));
  fed_close(&f);
}
END_TEST

/* ---- response writers ---- */

static char *drain(struct evbuffer *out) {
  size_t n = evbuffer_get_length(out);
  char *s = malloc(n + 1);
  ck_assert_ptr_nonnull(s);
  evbuffer_remove(out, s, n);
  s[n] = '\0';
  return s;
}

START_TEST(test_write_response) {
  struct evbuffer *out = evbuffer_new();
  http_write_status(out, 201, "Created");
  http_write_field(out, "X-A", 3, "b", 1);
  struct http_framing f = {.body_len = 12, .date = "Sun, 06 Nov 1994 08:49:37 GMT", .version_minor = 1};
  http_write_framing(out, 201, &f);
  char *s = drain(out);
  ck_assert_str_eq(s, "HTTP/1.1 201 Created\r\nX-A: b\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                      "Content-Length: 12\r\n\r\n");
  free(s);
  /* 204 has no Content-Length; an HTTP/1.0 client that stays is told so. */
  http_write_status(out, 204, "No Content");
  f = (struct http_framing){.body_len = 0, .version_minor = 0};
  http_write_framing(out, 204, &f);
  s = drain(out);
  ck_assert_str_eq(s, "HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n");
  free(s);
  http_write_error(out, 400, "Bad Request", "two Host fields", NULL);
  s = drain(out);
  ck_assert_str_eq(s, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain;charset=UTF-8\r\n"
                      "Content-Length: 29\r\nConnection: close\r\n\r\nBad Request: two Host fields\n");
  free(s);
  evbuffer_free(out);
}
END_TEST

START_TEST(test_format_date) {
  char d[HTTP_DATE_LEN + 1];
  http_format_date(784111777, d);
  ck_assert_str_eq(d, "Sun, 06 Nov 1994 08:49:37 GMT");
  http_format_date(951782400, d); /* a leap day */
  ck_assert_str_eq(d, "Tue, 29 Feb 2000 00:00:00 GMT");
  ck_assert_uint_eq(strlen(d), HTTP_DATE_LEN);
}
END_TEST

static Suite *http_suite(void) {
  Suite *s = suite_create("http");
  TCase *tc = tcase_create("parser");
  tcase_add_test(tc, test_simple_get);
  tcase_add_test(tc, test_keep_alive_rules);
  tcase_add_test(tc, test_content_length_body);
  tcase_add_test(tc, test_chunked_decoding);
  tcase_add_test(tc, test_pipelined_requests);
  tcase_add_test(tc, test_absolute_form);
  tcase_add_test(tc, test_path_decoding);
  tcase_add_loop_test(tc, test_refused, 0, (int)(sizeof bad_cases / sizeof *bad_cases));
  tcase_add_test(tc, test_head_limits);
  tcase_add_test(tc, test_expect_continue);
  tcase_add_test(tc, test_idle);
  suite_add_tcase(s, tc);
  TCase *tw = tcase_create("writer");
  tcase_add_test(tw, test_write_response);
  tcase_add_test(tw, test_format_date);
  suite_add_tcase(s, tw);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(http_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
