/* test_fcgi.h: what the FastCGI codec's unit tests share (test_fcgi.c: the
 * record builder, the driver and the parser's tests; test_fcgi_codec.c: the
 * replies the parser writes, params decoding, the output helpers). */
#ifndef JSFPM_TEST_FCGI_H
#define JSFPM_TEST_FCGI_H

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event2/buffer.h>
#include "fcgi.h"

/* ---- types ------------------------------------------------------------ */

struct bytes {
  uint8_t *d;
  size_t len, cap;
};

#define MAX_EVENTS 16

struct run {
  int nev;
  struct fcgi_event ev[MAX_EVENTS];
  struct evbuffer *out;
  size_t consumed;
};

static const struct fcgi_limits default_limits = {
    .max_params_bytes = 1 << 20, .max_body_bytes = 8 << 20, .max_conns = 7, .max_reqs = 9};

/* One record parsed off the front of an output buffer (take_record). */
struct out_rec {
  uint8_t version, type, pad;
  uint16_t id;
  size_t len;
  uint8_t content[65536 + 256];
};

/* test_fcgi.c */
void tf_b_free(struct bytes *b);
void tf_rec(struct bytes *b, uint8_t type, uint16_t id, const void *content, size_t len, uint8_t pad);
void tf_pair_n(struct bytes *b, const char *name, size_t nlen, const char *value, size_t vlen);
void tf_pair(struct bytes *b, const char *name, const char *value);
void tf_begin(struct bytes *b, uint16_t id, uint16_t role, uint8_t flags, uint8_t pad);
void tf_stream(struct bytes *b, uint8_t type, uint16_t id, const uint8_t *data, size_t len, size_t chunk,
               int pad);
void tf_std_params(struct bytes *p, size_t body_len);
void tf_request(struct bytes *b, uint16_t id, const uint8_t *body, size_t body_len, size_t chunk, int pad);
void tf_run_free(struct run *r);
void tf_run_all(const uint8_t *data, size_t len, size_t chunk, struct run *r, const struct fcgi_limits *lim);
void tf_assert_param(const struct fcgi_request *req, const char *name, const char *value);
int tf_take_record(struct evbuffer *out, struct out_rec *r);
void tf_assert_end_request(struct evbuffer *out, uint16_t id, uint8_t protocol_status);
void tf_assert_error(const struct run *r, const char *msg);
uint8_t *tf_pattern(size_t n);

/* test_fcgi_codec.c */
void tf_add_codec_tcases(Suite *s);

#endif
