/* test_fcgi_codec.c: the FastCGI codec's replies and helpers: what the
 * parser answers by itself (unknown roles, multiplexing, aborts,
 * FCGI_GET_VALUES, unknown management types), fcgi_params_decode and the
 * record writers. */
#include "autoconfig.h"

#include "test_fcgi.h"

/* ---- replies the parser writes ------------------------------------------ */

START_TEST(test_unknown_role) {
  struct bytes b = {0}, p = {0};
  tf_pair(&p, "A", "b");
  tf_begin(&b, 2, FCGI_AUTHORIZER, FCGI_KEEP_CONN, 0);
  /* The peer pipelines the rest of the refused request: it is dropped. */
  tf_rec(&b, FCGI_PARAMS, 2, p.d, p.len, 1);
  tf_rec(&b, FCGI_PARAMS, 2, NULL, 0, 0);
  tf_rec(&b, FCGI_STDIN, 2, NULL, 0, 0);
  tf_request(&b, 1, (const uint8_t *)"after", 5, 100, -1);
  struct run r;
  tf_run_all(b.d, b.len, b.len, &r, NULL);
  ck_assert_int_eq(r.nev, 2);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_REPLY);
  ck_assert_int_eq(r.ev[1].type, FCGI_EV_REQUEST);
  ck_assert_str_eq((const char *)r.ev[1].request->body, "after");
  tf_assert_end_request(r.out, 2, FCGI_UNKNOWN_ROLE);
  ck_assert_uint_eq(evbuffer_get_length(r.out), 0);
  tf_run_free(&r);
  tf_b_free(&b);
  tf_b_free(&p);
}
END_TEST

START_TEST(test_multiplex_refused) {
  struct bytes b = {0}, p = {0};
  tf_pair(&p, "REQUEST_METHOD", "GET");
  tf_begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
  tf_rec(&b, FCGI_PARAMS, 1, p.d, p.len, 0);
  tf_begin(&b, 2, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
  tf_rec(&b, FCGI_PARAMS, 2, p.d, p.len, 0);
  tf_rec(&b, FCGI_PARAMS, 1, NULL, 0, 0);
  tf_rec(&b, FCGI_PARAMS, 2, NULL, 0, 0);
  tf_rec(&b, FCGI_STDIN, 2, NULL, 0, 0);
  tf_rec(&b, FCGI_STDIN, 1, "one", 3, 5);
  tf_rec(&b, FCGI_STDIN, 1, NULL, 0, 0);
  struct run r;
  tf_run_all(b.d, b.len, 1, &r, NULL);
  ck_assert_int_eq(r.nev, 2);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_REPLY);
  ck_assert_uint_eq(r.ev[0].request_id, 2);
  tf_assert_end_request(r.out, 2, FCGI_CANT_MPX_CONN);
  ck_assert_uint_eq(evbuffer_get_length(r.out), 0);
  ck_assert_int_eq(r.ev[1].type, FCGI_EV_REQUEST);
  ck_assert_uint_eq(r.ev[1].request->id, 1);
  ck_assert_str_eq((const char *)r.ev[1].request->body, "one");
  tf_assert_param(r.ev[1].request, "REQUEST_METHOD", "GET");
  tf_run_free(&r);
  tf_b_free(&b);
  tf_b_free(&p);
}
END_TEST

START_TEST(test_abort_request) {
  struct bytes b = {0}, p = {0};
  tf_pair(&p, "REQUEST_METHOD", "GET");
  tf_begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
  tf_rec(&b, FCGI_PARAMS, 1, p.d, p.len, 2);
  tf_rec(&b, FCGI_ABORT_REQUEST, 1, NULL, 0, 0);
  tf_request(&b, 1, (const uint8_t *)"next", 4, 100, -1);
  struct run r;
  tf_run_all(b.d, b.len, 3, &r, NULL);
  ck_assert_int_eq(r.nev, 2);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_ABORT);
  ck_assert_uint_eq(r.ev[0].request_id, 1);
  ck_assert_int_eq(r.ev[1].type, FCGI_EV_REQUEST);
  ck_assert_str_eq((const char *)r.ev[1].request->body, "next");
  ck_assert_uint_eq(evbuffer_get_length(r.out), 0);
  tf_run_free(&r);
  tf_b_free(&b);

  /* The aborted request is gone: its remaining records are an error. */
  memset(&b, 0, sizeof(b));
  tf_begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
  tf_rec(&b, FCGI_ABORT_REQUEST, 1, NULL, 0, 0);
  tf_rec(&b, FCGI_PARAMS, 1, p.d, p.len, 0);
  tf_run_all(b.d, b.len, b.len, &r, NULL);
  ck_assert_int_eq(r.nev, 2);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_ABORT);
  tf_assert_error(&r, NULL);
  tf_run_free(&r);
  tf_b_free(&b);
  tf_b_free(&p);
}
END_TEST

START_TEST(test_get_values) {
  struct bytes b = {0}, q = {0};
  tf_pair(&q, "FCGI_MPXS_CONNS", "");
  tf_pair(&q, "FCGI_NOT_A_THING", "");
  tf_pair(&q, "FCGI_MAX_CONNS", "");
  tf_pair(&q, "FCGI_MPXS_CONNS", ""); /* asked twice, answered once */
  tf_pair_n(&q, "FCGI_MAX_REQS\0x", 15, "", 0);
  tf_rec(&b, FCGI_GET_VALUES, 0, q.d, q.len, 3);
  struct run r;
  tf_run_all(b.d, b.len, 1, &r, NULL);
  ck_assert_int_eq(r.nev, 1);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_GET_VALUES);
  static struct out_rec o;
  ck_assert_int_eq(tf_take_record(r.out, &o), 0);
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
  tf_run_free(&r);
  tf_b_free(&b);
  tf_b_free(&q);

  /* All three, as --get-values asks. */
  memset(&b, 0, sizeof(b));
  memset(&q, 0, sizeof(q));
  tf_pair(&q, "FCGI_MAX_CONNS", "");
  tf_pair(&q, "FCGI_MAX_REQS", "");
  tf_pair(&q, "FCGI_MPXS_CONNS", "");
  tf_rec(&b, FCGI_GET_VALUES, 0, q.d, q.len, 0);
  tf_run_all(b.d, b.len, b.len, &r, NULL);
  ck_assert_int_eq(r.nev, 1);
  ck_assert_int_eq(tf_take_record(r.out, &o), 0);
  ck_assert_int_eq(fcgi_params_decode(o.content, o.len, &pp, &n), 0);
  ck_assert_uint_eq(n, 3);
  ck_assert_str_eq(pp[1].name, "FCGI_MAX_REQS");
  ck_assert_str_eq(pp[1].value, "9");
  free(pp);
  tf_run_free(&r);
  tf_b_free(&b);
  tf_b_free(&q);
}
END_TEST

/* GET_VALUES may arrive while a request is open; the request survives. */
START_TEST(test_get_values_mid_request) {
  struct bytes b = {0}, q = {0}, p = {0};
  tf_pair(&q, "FCGI_MAX_REQS", "");
  tf_pair(&p, "REQUEST_METHOD", "GET");
  tf_begin(&b, 1, FCGI_RESPONDER, FCGI_KEEP_CONN, 0);
  tf_rec(&b, FCGI_PARAMS, 1, p.d, p.len, 0);
  tf_rec(&b, FCGI_GET_VALUES, 0, q.d, q.len, 0);
  tf_rec(&b, FCGI_GET_VALUES, 0, NULL, 0, 0); /* nothing asked: empty result */
  tf_rec(&b, FCGI_PARAMS, 1, NULL, 0, 0);
  tf_rec(&b, FCGI_STDIN, 1, NULL, 0, 0);
  struct run r;
  tf_run_all(b.d, b.len, b.len, &r, NULL);
  ck_assert_int_eq(r.nev, 3);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_GET_VALUES);
  ck_assert_int_eq(r.ev[1].type, FCGI_EV_GET_VALUES);
  ck_assert_int_eq(r.ev[2].type, FCGI_EV_REQUEST);
  tf_assert_param(r.ev[2].request, "REQUEST_METHOD", "GET");
  static struct out_rec o;
  ck_assert_int_eq(tf_take_record(r.out, &o), 0);
  ck_assert_uint_eq(o.type, FCGI_GET_VALUES_RESULT);
  ck_assert_int_eq(tf_take_record(r.out, &o), 0);
  ck_assert_uint_eq(o.type, FCGI_GET_VALUES_RESULT);
  ck_assert_uint_eq(o.len, 0);
  tf_run_free(&r);
  tf_b_free(&b);
  tf_b_free(&q);
  tf_b_free(&p);
}
END_TEST

START_TEST(test_get_values_malformed) {
  struct bytes b = {0};
  tf_rec(&b, FCGI_GET_VALUES, 0,
         "\x10\x00"
         "AB",
         4, 0);
  struct run r;
  tf_run_all(b.d, b.len, b.len, &r, NULL);
  ck_assert_int_eq(r.nev, 1);
  tf_assert_error(&r, NULL);
  tf_run_free(&r);
  tf_b_free(&b);
}
END_TEST

START_TEST(test_unknown_management_type) {
  struct bytes b = {0};
  tf_rec(&b, 99, 0, "abc", 3, 5);
  tf_rec(&b, FCGI_BEGIN_REQUEST, 0, "\0\1\0\0\0\0\0\0", 8, 0); /* id 0 is never a request */
  tf_request(&b, 1, NULL, 0, 100, -1);
  struct run r;
  tf_run_all(b.d, b.len, 1, &r, NULL);
  ck_assert_int_eq(r.nev, 3);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_REPLY);
  ck_assert_int_eq(r.ev[1].type, FCGI_EV_REPLY);
  ck_assert_int_eq(r.ev[2].type, FCGI_EV_REQUEST);
  static struct out_rec o;
  ck_assert_int_eq(tf_take_record(r.out, &o), 0);
  ck_assert_uint_eq(o.type, FCGI_UNKNOWN_TYPE);
  ck_assert_uint_eq(o.id, 0);
  ck_assert_uint_eq(o.len, 8);
  ck_assert_uint_eq(o.content[0], 99);
  for (int i = 1; i < 8; i++) ck_assert_uint_eq(o.content[i], 0);
  ck_assert_int_eq(tf_take_record(r.out, &o), 0);
  ck_assert_uint_eq(o.type, FCGI_UNKNOWN_TYPE);
  ck_assert_uint_eq(o.content[0], FCGI_BEGIN_REQUEST);
  ck_assert_uint_eq(evbuffer_get_length(r.out), 0);
  tf_run_free(&r);
  tf_b_free(&b);
}
END_TEST

/* ---- fcgi_params_decode ------------------------------------------------- */

START_TEST(test_params_decode_valid) {
  struct bytes p = {0};
  tf_pair(&p, "A", "1");
  tf_pair(&p, "", "");
  tf_pair_n(&p, "BIN", 3, "x\0y", 3);
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
  tf_b_free(&p);
}
END_TEST

START_TEST(test_params_decode_malformed) {
  static const struct {
    const char *data;
    size_t len;
  } bad[] = {
      {"\x01", 1},         /* value length missing */
      {"\x80\x00\x00", 3}, /* truncated 4-byte name length */
      {"\x01\x80\x00", 3}, /* truncated 4-byte value length */
      {"\x02\x00"
       "A",
       3}, /* name runs past the end */
      {"\x01\x02"
       "AB",
       4}, /* value runs past the end */
      {"\xff\xff\xff\xff\x00"
       "AB",
       7}, /* 2^31-1 name length */
      {"\x01\xff\xff\xff\xff"
       "AB",
       7},                                     /* 2^31-1 value length */
      {"\xff\xff\xff\xff\xff\xff\xff\xff", 8}, /* both huge: sum must not wrap */
      {"\x01\x01"
       "AB"
       "\x05",
       5}, /* trailing garbage */
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
  uint8_t *data = tf_pattern(n);
  struct evbuffer *out = evbuffer_new();
  fcgi_write_stdout(out, 1, data, n);
  size_t expect_total = 0, sizes[] = {65535, 65535, n - 2 * 65535};
  for (int i = 0; i < 3; i++) expect_total += 8 + sizes[i] + ((8 - sizes[i] % 8) % 8);
  ck_assert_uint_eq(evbuffer_get_length(out), expect_total);
  static struct out_rec o;
  size_t off = 0;
  for (int i = 0; i < 3; i++) {
    ck_assert_int_eq(tf_take_record(out, &o), 0);
    ck_assert_uint_eq(o.version, 1);
    ck_assert_uint_eq(o.type, FCGI_STDOUT);
    ck_assert_uint_eq(o.id, 1);
    ck_assert_uint_eq(o.len, sizes[i]);
    ck_assert_uint_eq((o.len + o.pad) % 8, 0);
    ck_assert_uint_lt(o.pad, 8);
    for (unsigned k = 0; k < o.pad; k++) ck_assert_uint_eq(o.content[o.len + k], 0);
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
    ck_assert_int_eq(tf_take_record(out, &o), 0);
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
      1,    FCGI_STDOUT,
      1,    2,
      0,    0,
      0,    0, /* empty STDOUT ends the stream */
      1,    FCGI_END_REQUEST,
      1,    2,
      0,    8,
      0,    0, /* END_REQUEST header */
      0xA1, 0xB2,
      0xC3, 0xD4,
      0,    0,
      0,    0, /* appStatus, protocolStatus, reserved */
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

/* fcgi_iov_stdout frames a head and a body as STDOUT records around the
 * caller's bytes: concatenated over its batches, every record is well
 * formed (version, type, id, at most FCGI_IOV_RECORD_CONTENT bytes, padded
 * to 8), their contents are the head then the body, and only the batch's
 * bytes are claimed, at most FCGI_IOV_RECORDS records' worth. */
START_TEST(test_iov_stdout_frames_head_and_body) {
  static const size_t body_lens[] = {0, 1, 65528 - 5, 65528, 200000, (size_t)FCGI_IOV_RECORDS * 65528 + 3};
  const char head[] = "Status: 200 OK\r\n\r\n";
  size_t head_len = sizeof head - 1;
  for (size_t t = 0; t < sizeof body_lens / sizeof body_lens[0]; t++) {
    size_t body_len = body_lens[t];
    uint8_t *body = tf_pattern(body_len + 1);
    struct evbuffer *wire = evbuffer_new();
    struct fcgi_iov f;
    size_t done = 0, batches = 0;
    while (done < head_len + body_len) {
      size_t h = done < head_len ? done : head_len;
      size_t n =
          fcgi_iov_stdout(&f, 0x0304, head + h, head_len - h, body + (done - h), body_len - (done - h));
      ck_assert_uint_gt(n, 0);
      ck_assert_uint_le(n, (size_t)FCGI_IOV_RECORDS * FCGI_IOV_RECORD_CONTENT);
      size_t framed = 0;
      for (int i = 0; i < f.n; i++) {
        evbuffer_add(wire, f.iov[i].iov_base, f.iov[i].iov_len);
        framed += f.iov[i].iov_len;
      }
      ck_assert_uint_ge(framed, n);
      done += n;
      batches++;
    }
    ck_assert_uint_eq(batches, body_len > (size_t)FCGI_IOV_RECORDS * 65528 ? 2 : 1);
    /* Parse the records back. */
    size_t len = evbuffer_get_length(wire), at = 0, content = 0;
    const uint8_t *w = evbuffer_pullup(wire, -1);
    uint8_t *joined = malloc(head_len + body_len + 1);
    while (at < len) {
      ck_assert_uint_le(at + 8, len);
      ck_assert_uint_eq(w[0 + at], FCGI_VERSION_1);
      ck_assert_uint_eq(w[1 + at], FCGI_STDOUT);
      ck_assert_uint_eq((w[2 + at] << 8) | w[3 + at], 0x0304);
      size_t clen = (size_t)w[4 + at] << 8 | w[5 + at], pad = w[6 + at];
      ck_assert_uint_le(clen, FCGI_IOV_RECORD_CONTENT);
      ck_assert_uint_gt(clen, 0);
      ck_assert_uint_eq((clen + pad) % 8, 0);
      ck_assert_uint_lt(pad, 8);
      memcpy(joined + content, w + at + 8, clen);
      content += clen;
      at += 8 + clen + pad;
    }
    ck_assert_uint_eq(at, len);
    ck_assert_uint_eq(content, head_len + body_len);
    ck_assert(memcmp(joined, head, head_len) == 0);
    ck_assert(body_len == 0 || memcmp(joined + head_len, body, body_len) == 0);
    free(joined);
    free(body);
    evbuffer_free(wire);
  }
}
END_TEST

/* The server's own reply, fed to a parser, must survive the round trip when
 * its records are rewritten as requests: checks the writer framing against
 * the reader framing. */
START_TEST(test_writer_framing_parses) {
  struct evbuffer *out = evbuffer_new();
  uint8_t *body = tf_pattern(70000);
  struct bytes p = {0};
  tf_std_params(&p, 70000);
  uint8_t bh[8] = {0, FCGI_RESPONDER, FCGI_KEEP_CONN};
  fcgi_write_record(out, FCGI_BEGIN_REQUEST, 1, bh, 8);
  fcgi_write_record(out, FCGI_PARAMS, 1, p.d, p.len);
  fcgi_write_record(out, FCGI_PARAMS, 1, NULL, 0);
  fcgi_write_record(out, FCGI_STDIN, 1, body, 70000);
  fcgi_write_record(out, FCGI_STDIN, 1, NULL, 0);
  size_t len = evbuffer_get_length(out);
  struct run r;
  tf_run_all(evbuffer_pullup(out, -1), len, 1, &r, NULL);
  ck_assert_int_eq(r.nev, 1);
  ck_assert_int_eq(r.ev[0].type, FCGI_EV_REQUEST);
  ck_assert_uint_eq(r.ev[0].request->body_len, 70000);
  ck_assert(memcmp(r.ev[0].request->body, body, 70000) == 0);
  tf_run_free(&r);
  evbuffer_free(out);
  free(body);
  tf_b_free(&p);
}
END_TEST

/* Adds the test cases of the replies the parser writes and of the codec's
 * other helpers to S. */
void tf_add_codec_tcases(Suite *s) {
  TCase *tc = tcase_create("replies");
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
  tcase_add_test(tc, test_iov_stdout_frames_head_and_body);
  tcase_add_test(tc, test_writer_framing_parses);
  suite_add_tcase(s, tc);
}
