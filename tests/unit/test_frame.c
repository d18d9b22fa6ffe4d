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
