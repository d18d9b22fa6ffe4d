/* test_frame.c: unit tests for the frame codec (src/frame.c).
 *
 * Checks that frames round-trip, that partial input is left alone until a
 * whole frame is there, that several frames in one buffer come out one at a
 * time, that bad frames are refused, and that values cross exactly (int64
 * extremes, reals staying reals, NUL bytes in strings).
 */
#include "autoconfig.h"

#include <check.h>
#include <event2/buffer.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

static json_t *decode_one(struct evbuffer *b) {
  json_t *m = NULL;
  char err[256] = "";
  int r = frame_decode(b, FRAME_DEFAULT_MAX_BYTES, &m, err, sizeof err);
  ck_assert_msg(r == 1, "decode returned %d: %s", r, err);
  ck_assert_ptr_nonnull(m);
  return m;
}

/* Appends a raw frame: big-endian LEN then PAYLOAD (LEN may lie). */
static void add_raw(struct evbuffer *b, uint32_t len, const char *payload, size_t n) {
  unsigned char h[4] = {len >> 24, len >> 16, len >> 8, len};
  ck_assert_int_eq(evbuffer_add(b, h, 4), 0);
  ck_assert_int_eq(evbuffer_add(b, payload, n), 0);
}

START_TEST(test_round_trip) {
  struct evbuffer *b = evbuffer_new();
  json_t *m = json_pack("{s:i,s:s,s:[i,f,n,b]}", "id", 7, "op", "query", "params", 1, 2.5, 1);
  ck_assert_int_eq(frame_encode(b, m), 0);
  /* header = payload length, big-endian */
  unsigned char h[4];
  ck_assert_int_eq(evbuffer_copyout(b, h, 4), 4);
  size_t len = (size_t)h[0] << 24 | (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3];
  ck_assert_uint_eq(len + 4, evbuffer_get_length(b));
  json_t *d = decode_one(b);
  ck_assert(json_equal(m, d));
  ck_assert_uint_eq(evbuffer_get_length(b), 0);
  json_decref(m);
  json_decref(d);
  evbuffer_free(b);
}
END_TEST

START_TEST(test_byte_by_byte) {
  struct evbuffer *src = evbuffer_new(), *b = evbuffer_new();
  json_t *m = json_pack("{s:i,s:s}", "id", 1, "sql", "SELECT 'hello, world'");
  ck_assert_int_eq(frame_encode(src, m), 0);
  size_t total = evbuffer_get_length(src);
  for (size_t i = 0; i < total; i++) {
    json_t *d = NULL;
    char err[128];
    ck_assert_int_eq(frame_decode(b, FRAME_DEFAULT_MAX_BYTES, &d, err, sizeof err), 0);
    ck_assert_ptr_null(d);
    ck_assert_uint_eq(evbuffer_get_length(b), i); /* nothing consumed */
    ck_assert_int_eq(evbuffer_remove_buffer(src, b, 1), 1);
  }
  json_t *d = decode_one(b);
  ck_assert(json_equal(m, d));
  json_decref(m);
  json_decref(d);
  evbuffer_free(src);
  evbuffer_free(b);
}
END_TEST

START_TEST(test_two_frames) {
  struct evbuffer *b = evbuffer_new();
  json_t *m1 = json_pack("{s:i}", "id", 1), *m2 = json_pack("{s:i}", "id", 2);
  ck_assert_int_eq(frame_encode(b, m1), 0);
  ck_assert_int_eq(frame_encode(b, m2), 0);
  json_t *d1 = decode_one(b), *d2 = decode_one(b);
  ck_assert(json_equal(m1, d1));
  ck_assert(json_equal(m2, d2));
  json_t *d3 = NULL;
  char err[64];
  ck_assert_int_eq(frame_decode(b, FRAME_DEFAULT_MAX_BYTES, &d3, err, sizeof err), 0);
  json_decref(m1);
  json_decref(m2);
  json_decref(d1);
  json_decref(d2);
  evbuffer_free(b);
}
END_TEST

/* A message bigger than the encoder's first guess (4 KiB) takes the second
 * pass: still exactly one frame, appended after what OUT already held. */
START_TEST(test_big_frame) {
  struct evbuffer *b = evbuffer_new();
  json_t *small = json_pack("{s:i}", "id", 1);
  ck_assert_int_eq(frame_encode(b, small), 0);
  size_t before = evbuffer_get_length(b);
  char *text = malloc(100000);
  memset(text, 'x', 99999);
  text[99999] = '\0';
  json_t *big = json_pack("{s:i,s:s}", "id", 2, "body", text);
  ck_assert_int_eq(frame_encode(b, big), 0);
  ck_assert_uint_gt(evbuffer_get_length(b), before + 100000);
  json_t *d1 = decode_one(b), *d2 = decode_one(b);
  ck_assert(json_equal(small, d1));
  ck_assert(json_equal(big, d2));
  ck_assert_uint_eq(evbuffer_get_length(b), 0);
  json_decref(small);
  json_decref(big);
  json_decref(d1);
  json_decref(d2);
  free(text);
  evbuffer_free(b);
}
END_TEST

/* The plain-memory codec (the worker's): the buffer grows for a big frame,
 * a partial frame decodes to 0 and says how big the whole frame is once
 * its header is in, and the bytes are the evbuffer codec's. */
START_TEST(test_mem_codec) {
  unsigned char *buf = NULL;
  size_t cap = 0, len = 0;
  json_t *m = json_pack("{s:i,s:s,s:[i,f,n,b]}", "id", 7, "op", "query", "params", 1, 2.5, 1);
  ck_assert_int_eq(frame_encode_mem(m, &buf, &cap, &len), 0);
  ck_assert_uint_ge(cap, len);
  struct evbuffer *b = evbuffer_new();
  ck_assert_int_eq(frame_encode(b, m), 0);
  ck_assert_uint_eq(evbuffer_get_length(b), len);
  ck_assert_mem_eq(evbuffer_pullup(b, -1), buf, len);
  evbuffer_free(b);
  json_t *d = NULL;
  size_t flen = 99;
  char err[128] = "";
  ck_assert_int_eq(frame_decode_mem(buf, 3, FRAME_DEFAULT_MAX_BYTES, &d, &flen, err, sizeof err), 0);
  ck_assert_uint_eq(flen, 0);
  ck_assert_int_eq(frame_decode_mem(buf, len - 1, FRAME_DEFAULT_MAX_BYTES, &d, &flen, err, sizeof err), 0);
  ck_assert_uint_eq(flen, len);
  ck_assert_ptr_null(d);
  ck_assert_int_eq(frame_decode_mem(buf, len, FRAME_DEFAULT_MAX_BYTES, &d, &flen, err, sizeof err), 1);
  ck_assert_uint_eq(flen, len);
  ck_assert(json_equal(m, d));
  json_decref(d);

  char *text = malloc(50000);
  memset(text, 'y', 49999);
  text[49999] = '\0';
  json_t *big = json_pack("{s:i,s:s}", "id", 8, "body", text);
  ck_assert_int_eq(frame_encode_mem(big, &buf, &cap, &len), 0);
  ck_assert_uint_ge(cap, len);
  ck_assert_uint_gt(len, 50000);
  ck_assert_int_eq(frame_decode_mem(buf, len, FRAME_DEFAULT_MAX_BYTES, &d, &flen, err, sizeof err), 1);
  ck_assert_uint_eq(flen, len);
  ck_assert(json_equal(big, d));
  json_decref(d);

  /* Bad frames: over the limit (refused from the header alone), not JSON. */
  ck_assert_int_eq(frame_decode_mem(buf, 4, 1000, &d, &flen, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "exceeds the limit"));
  buf[4] = '!';
  ck_assert_int_eq(frame_decode_mem(buf, len, FRAME_DEFAULT_MAX_BYTES, &d, &flen, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "invalid JSON"));
  ck_assert_ptr_null(d);
  json_t *number = json_integer(1);
  ck_assert_int_eq(frame_encode_mem(number, &buf, &cap, &len), -1); /* not an object */
  json_decref(number);
  json_decref(m);
  json_decref(big);
  free(text);
  free(buf);
}
END_TEST

START_TEST(test_too_long) {
  struct evbuffer *b = evbuffer_new();
  /* Refused from the header alone, before the payload arrives. */
  add_raw(b, 101, "{", 1);
  json_t *d = NULL;
  char err[128] = "";
  ck_assert_int_eq(frame_decode(b, 100, &d, err, sizeof err), -1);
  ck_assert_ptr_null(d);
  ck_assert_ptr_nonnull(strstr(err, "exceeds"));
  evbuffer_free(b);

  /* Exactly at the limit is fine. */
  b = evbuffer_new();
  add_raw(b, 2, "{}", 2);
  ck_assert_int_eq(frame_decode(b, 2, &d, err, sizeof err), 1);
  json_decref(d);
  evbuffer_free(b);
}
END_TEST

START_TEST(test_invalid_json) {
  const char *bad[] = {"{\"id\":", "{\"a\":1} trailing", "", "nul\x01", "{\"a\":1}{}"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    struct evbuffer *b = evbuffer_new();
    add_raw(b, (uint32_t)strlen(bad[i]), bad[i], strlen(bad[i]));
    json_t *d = NULL;
    char err[256] = "";
    ck_assert_msg(frame_decode(b, FRAME_DEFAULT_MAX_BYTES, &d, err, sizeof err) == -1, "%s", bad[i]);
    ck_assert_ptr_null(d);
    ck_assert(err[0] != '\0');
    evbuffer_free(b);
  }
}
END_TEST

START_TEST(test_not_object) {
  const char *bad[] = {"[1,2]", "42", "\"s\"", "null"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    struct evbuffer *b = evbuffer_new();
    add_raw(b, (uint32_t)strlen(bad[i]), bad[i], strlen(bad[i]));
    json_t *d = NULL;
    char err[256] = "";
    ck_assert_int_eq(frame_decode(b, FRAME_DEFAULT_MAX_BYTES, &d, err, sizeof err), -1);
    ck_assert_ptr_null(d);
    evbuffer_free(b);
  }
  /* encode refuses non-objects too */
  struct evbuffer *b = evbuffer_new();
  json_t *a = json_array();
  ck_assert_int_eq(frame_encode(b, a), -1);
  ck_assert_uint_eq(evbuffer_get_length(b), 0);
  json_decref(a);
  evbuffer_free(b);
}
END_TEST

START_TEST(test_exact_values) {
  struct evbuffer *b = evbuffer_new();
  json_t *m = json_object();
  json_object_set_new(m, "max", json_integer(INT64_MAX));
  json_object_set_new(m, "min", json_integer(INT64_MIN));
  json_object_set_new(m, "big", json_integer(9007199254740993LL)); /* 2^53 + 1 */
  json_object_set_new(m, "one", json_real(1.0));
  json_object_set_new(m, "tenth", json_real(0.1));
  json_object_set_new(m, "nul", json_stringn("a\0b", 3));
  ck_assert_int_eq(frame_encode(b, m), 0);

  /* On the wire: exact digits, and 1.0 keeps its decimal point. */
  size_t n = evbuffer_get_length(b);
  char *wire = malloc(n + 1);
  ck_assert_int_eq(evbuffer_copyout(b, wire, n), (ev_ssize_t)n);
  wire[n] = '\0';
  ck_assert_ptr_nonnull(strstr(wire + 4, "9223372036854775807"));
  ck_assert_ptr_nonnull(strstr(wire + 4, "-9223372036854775808"));
  ck_assert_ptr_nonnull(strstr(wire + 4, "9007199254740993"));
  ck_assert_ptr_nonnull(strstr(wire + 4, "\"one\":1.0"));
  ck_assert_ptr_nonnull(strstr(wire + 4, "a\\u0000b"));
  free(wire);

  json_t *d = decode_one(b);
  ck_assert(json_is_integer(json_object_get(d, "max")));
  ck_assert(json_integer_value(json_object_get(d, "max")) == INT64_MAX);
  ck_assert(json_integer_value(json_object_get(d, "min")) == INT64_MIN);
  ck_assert(json_integer_value(json_object_get(d, "big")) == 9007199254740993LL);
  ck_assert(json_is_real(json_object_get(d, "one")));
  ck_assert(json_real_value(json_object_get(d, "one")) == 1.0);
  ck_assert(json_real_value(json_object_get(d, "tenth")) == 0.1);
  json_t *s = json_object_get(d, "nul");
  ck_assert_uint_eq(json_string_length(s), 3);
  ck_assert(memcmp(json_string_value(s), "a\0b", 3) == 0);
  json_decref(m);
  json_decref(d);
  evbuffer_free(b);
}
END_TEST

static Suite *frame_suite(void) {
  Suite *s = suite_create("frame");
  TCase *tc = tcase_create("codec");
  tcase_add_test(tc, test_round_trip);
  tcase_add_test(tc, test_byte_by_byte);
  tcase_add_test(tc, test_two_frames);
  tcase_add_test(tc, test_big_frame);
  tcase_add_test(tc, test_mem_codec);
  tcase_add_test(tc, test_too_long);
  tcase_add_test(tc, test_invalid_json);
  tcase_add_test(tc, test_not_object);
  tcase_add_test(tc, test_exact_values);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(frame_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
