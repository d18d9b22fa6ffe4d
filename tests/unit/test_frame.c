/* test_frame.c: unit tests for the frame codec (src/frame.c).
 *
 * Checks that frames round-trip, that partial input is left alone until a
 * whole frame is there, that several frames in one buffer come out one at a
 * time, that bad frames are refused, and that values cross exactly (int64
 * extremes, reals staying reals, NUL bytes in strings); that row sets
 * travel as sections of version 2 frames, byte for byte, and that malformed
 * sections are refused; that version 1 frames are told apart.
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
  int version = 0;
  int r = frame_decode(b, FRAME_DEFAULT_MAX_BYTES, &m, &version, err, sizeof err);
  ck_assert_msg(r == 1, "decode returned %d: %s", r, err);
  ck_assert_ptr_nonnull(m);
  ck_assert_int_eq(version, FRAME_VERSION);
  return m;
}

static int decode_status(struct evbuffer *b, size_t max, json_t **d, char *err, size_t errlen) {
  int version;
  return frame_decode(b, max, d, &version, err, errlen);
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
  ck_assert_int_eq(frame_encode(b, m, FRAME_VERSION), 0);
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
  ck_assert_int_eq(frame_encode(src, m, FRAME_VERSION), 0);
  size_t total = evbuffer_get_length(src);
  for (size_t i = 0; i < total; i++) {
    json_t *d = NULL;
    char err[128];
    ck_assert_int_eq(decode_status(b, FRAME_DEFAULT_MAX_BYTES, &d, err, sizeof err), 0);
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
  ck_assert_int_eq(frame_encode(b, m1, FRAME_VERSION), 0);
  ck_assert_int_eq(frame_encode(b, m2, FRAME_VERSION), 0);
  json_t *d1 = decode_one(b), *d2 = decode_one(b);
  ck_assert(json_equal(m1, d1));
  ck_assert(json_equal(m2, d2));
  json_t *d3 = NULL;
  char err[64];
  ck_assert_int_eq(decode_status(b, FRAME_DEFAULT_MAX_BYTES, &d3, err, sizeof err), 0);
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
  ck_assert_int_eq(frame_encode(b, small, FRAME_VERSION), 0);
  size_t before = evbuffer_get_length(b);
  char *text = malloc(100000);
  memset(text, 'x', 99999);
  text[99999] = '\0';
  json_t *big = json_pack("{s:i,s:s}", "id", 2, "body", text);
  ck_assert_int_eq(frame_encode(b, big, FRAME_VERSION), 0);
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
  ck_assert_int_eq(frame_encode_mem(m, FRAME_VERSION, &buf, &cap, &len), 0);
  ck_assert_uint_ge(cap, len);
  struct evbuffer *b = evbuffer_new();
  ck_assert_int_eq(frame_encode(b, m, FRAME_VERSION), 0);
  ck_assert_uint_eq(evbuffer_get_length(b), len);
  ck_assert_mem_eq(evbuffer_pullup(b, -1), buf, len);
  evbuffer_free(b);
  struct frame_in f;
  size_t flen = 99;
  char err[128] = "";
  ck_assert_int_eq(frame_decode_mem(buf, 3, FRAME_DEFAULT_MAX_BYTES, &f, &flen, err, sizeof err), 0);
  ck_assert_uint_eq(flen, 0);
  ck_assert_int_eq(frame_decode_mem(buf, len - 1, FRAME_DEFAULT_MAX_BYTES, &f, &flen, err, sizeof err), 0);
  ck_assert_uint_eq(flen, len);
  ck_assert_ptr_null(f.msg);
  ck_assert_int_eq(frame_decode_mem(buf, len, FRAME_DEFAULT_MAX_BYTES, &f, &flen, err, sizeof err), 1);
  ck_assert_uint_eq(flen, len);
  ck_assert_int_eq(f.version, 2);
  ck_assert_uint_eq(f.sections_len, 0);
  ck_assert(json_equal(m, f.msg));
  json_decref(f.msg);

  char *text = malloc(50000);
  memset(text, 'y', 49999);
  text[49999] = '\0';
  json_t *big = json_pack("{s:i,s:s}", "id", 8, "body", text);
  ck_assert_int_eq(frame_encode_mem(big, FRAME_VERSION, &buf, &cap, &len), 0);
  ck_assert_uint_ge(cap, len);
  ck_assert_uint_gt(len, 50000);
  ck_assert_int_eq(frame_decode_mem(buf, len, FRAME_DEFAULT_MAX_BYTES, &f, &flen, err, sizeof err), 1);
  ck_assert_uint_eq(flen, len);
  ck_assert(json_equal(big, f.msg));
  json_decref(f.msg);

  /* Bad frames: over the limit (refused from the header alone), not JSON. */
  ck_assert_int_eq(frame_decode_mem(buf, 4, 1000, &f, &flen, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "exceeds the limit"));
  buf[9] = '!'; /* the JSON part's first byte, after the header, the version and the JSON length */
  ck_assert_int_eq(frame_decode_mem(buf, len, FRAME_DEFAULT_MAX_BYTES, &f, &flen, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "invalid JSON"));
  ck_assert_ptr_null(f.msg);
  json_t *number = json_integer(1);
  ck_assert_int_eq(frame_encode_mem(number, FRAME_VERSION, &buf, &cap, &len), -1); /* not an object */
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
  ck_assert_int_eq(decode_status(b, 100, &d, err, sizeof err), -1);
  ck_assert_ptr_null(d);
  ck_assert_ptr_nonnull(strstr(err, "exceeds"));
  evbuffer_free(b);

  /* Exactly at the limit is fine. */
  b = evbuffer_new();
  add_raw(b, 2, "{}", 2);
  ck_assert_int_eq(decode_status(b, 2, &d, err, sizeof err), 1);
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
    ck_assert_msg(decode_status(b, FRAME_DEFAULT_MAX_BYTES, &d, err, sizeof err) == -1, "%s", bad[i]);
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
    ck_assert_int_eq(decode_status(b, FRAME_DEFAULT_MAX_BYTES, &d, err, sizeof err), -1);
    ck_assert_ptr_null(d);
    evbuffer_free(b);
  }
  /* encode refuses non-objects too */
  struct evbuffer *b = evbuffer_new();
  json_t *a = json_array();
  ck_assert_int_eq(frame_encode(b, a, FRAME_VERSION), -1);
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
  ck_assert_int_eq(frame_encode(b, m, FRAME_VERSION), 0);

  /* On the wire: exact digits, and 1.0 keeps its decimal point. */
  size_t n = evbuffer_get_length(b);
  char *wire = malloc(n + 1);
  ck_assert_int_eq(evbuffer_copyout(b, wire, n), (ev_ssize_t)n);
  wire[n] = '\0';
  /* The JSON part, after the header, the version byte and the JSON's length. */
  ck_assert_int_eq(wire[4], 2);
  ck_assert_ptr_nonnull(strstr(wire + 9, "9223372036854775807"));
  ck_assert_ptr_nonnull(strstr(wire + 9, "-9223372036854775808"));
  ck_assert_ptr_nonnull(strstr(wire + 9, "9007199254740993"));
  ck_assert_ptr_nonnull(strstr(wire + 9, "\"one\":1.0"));
  ck_assert_ptr_nonnull(strstr(wire + 9, "a\\u0000b"));
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

/* Version 1: the payload is the JSON object alone.  It is written (for the
 * handshake and the refusal of old clients) and read back as version 1. */
START_TEST(test_version1) {
  struct evbuffer *b = evbuffer_new();
  json_t *m = json_pack("{s:i,s:s}", "id", 3, "op", "ping");
  ck_assert_int_eq(frame_encode(b, m, 1), 0);
  unsigned char p[5];
  ck_assert_int_eq(evbuffer_copyout(b, p, 5), 5);
  ck_assert_int_eq(p[4], '{');
  json_t *d = NULL;
  int version = 0;
  char err[128] = "";
  ck_assert_int_eq(frame_decode(b, FRAME_DEFAULT_MAX_BYTES, &d, &version, err, sizeof err), 1);
  ck_assert_int_eq(version, 1);
  ck_assert(json_equal(m, d));
  json_decref(d);
  /* A row set cannot travel in version 1, and nothing is appended. */
  json_object_set_new(m, FRAME_ROWSET_BYTES, json_stringn_nocheck("\0\1", 2));
  ck_assert_int_eq(frame_encode(b, m, 1), -1);
  ck_assert_uint_eq(evbuffer_get_length(b), 0);
  ck_assert_int_eq(frame_encode(b, m, 3), -1); /* no such version */
  ck_assert_uint_eq(evbuffer_get_length(b), 0);
  json_decref(m);
  evbuffer_free(b);
}
END_TEST

/* Row sets and JSON results ("$rowset" and "$json" byte strings, at any
 * depth) leave the JSON for sections, referenced by index in the order
 * met; the message itself is left as it was;
 * both codecs write the same bytes; requests (the evbuffer decoder) carry
 * no sections. */
START_TEST(test_sections) {
  static const char one[] = "\0\1\2 row set one \xff", two[] = "two";
  json_t *m = json_pack("{s:i,s:b,s:s%,s:[{s:b,s:s%},{s:b,s:i},{s:b,s:s%}]}", "id", 5, "ok", 1,
                        FRAME_ROWSET_BYTES, "x", (size_t)1, "results", "ok", 1, FRAME_ROWSET_BYTES, "y",
                        (size_t)1, "ok", 1, "changes", 2, "ok", 1, FRAME_ROWSET_BYTES, "z", (size_t)1);
  ck_assert_ptr_nonnull(m);
  json_t *res = json_object_get(m, "results");
  json_object_set_new(m, FRAME_ROWSET_BYTES, json_stringn_nocheck(one, sizeof one - 1));
  json_object_set_new(json_array_get(res, 0), FRAME_ROWSET_BYTES, json_stringn_nocheck(two, 3));
  json_object_set_new(json_array_get(res, 2), FRAME_ROWSET_BYTES, json_stringn_nocheck("", 0));
  json_object_set_new(json_array_get(res, 1), FRAME_JSON_BYTES, json_stringn_nocheck("[{\"a\":1}]", 9));
  json_t *before = json_deep_copy(m);

  unsigned char *buf = NULL;
  size_t cap = 0, len = 0, flen;
  ck_assert_int_eq(frame_encode_mem(m, FRAME_VERSION, &buf, &cap, &len), 0);
  ck_assert(json_equal(m, before));
  struct evbuffer *b = evbuffer_new();
  ck_assert_int_eq(frame_encode(b, m, FRAME_VERSION), 0);
  ck_assert_uint_eq(evbuffer_get_length(b), len);
  ck_assert_mem_eq(evbuffer_pullup(b, -1), buf, len);

  struct frame_in f;
  char err[128] = "";
  ck_assert_int_eq(frame_decode_mem(buf, len, FRAME_DEFAULT_MAX_BYTES, &f, &flen, err, sizeof err), 1);
  ck_assert_uint_eq(flen, len);
  ck_assert_int_eq(f.version, 2);
  ck_assert_ptr_null(json_object_get(f.msg, FRAME_ROWSET_BYTES));
  json_t *fres = json_object_get(f.msg, "results");
  ck_assert_int_eq(json_integer_value(json_object_get(f.msg, FRAME_ROWSET_INDEX)), 0);
  ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(fres, 0), FRAME_ROWSET_INDEX)), 1);
  ck_assert_ptr_null(json_object_get(json_array_get(fres, 1), FRAME_ROWSET_INDEX));
  ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(fres, 1), "changes")), 2);
  ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(fres, 1), FRAME_JSON_INDEX)), 2);
  ck_assert_ptr_null(json_object_get(json_array_get(fres, 1), FRAME_JSON_BYTES));
  ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(fres, 2), FRAME_ROWSET_INDEX)), 3);
  const unsigned char *p;
  size_t n;
  ck_assert_int_eq(frame_section(f.sections, f.sections_len, 0, &p, &n), 0);
  ck_assert_uint_eq(n, sizeof one - 1);
  ck_assert_mem_eq(p, one, n);
  ck_assert_int_eq(frame_section(f.sections, f.sections_len, 1, &p, &n), 0);
  ck_assert_uint_eq(n, 3);
  ck_assert_mem_eq(p, two, 3);
  ck_assert_int_eq(frame_section(f.sections, f.sections_len, 2, &p, &n), 0);
  ck_assert_uint_eq(n, 9);
  ck_assert_mem_eq(p, "[{\"a\":1}]", 9);
  ck_assert_int_eq(frame_section(f.sections, f.sections_len, 3, &p, &n), 0);
  ck_assert_uint_eq(n, 0);
  ck_assert_int_eq(frame_section(f.sections, f.sections_len, 4, &p, &n), -1);
  ck_assert_int_eq(frame_section(f.sections, f.sections_len, -1, &p, &n), -1);
  json_decref(f.msg);

  json_t *d = NULL;
  ck_assert_int_eq(decode_status(b, FRAME_DEFAULT_MAX_BYTES, &d, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "no sections"));
  ck_assert_ptr_null(d);
  ck_assert_uint_eq(evbuffer_get_length(b), 0); /* the stream is closed after a bad frame anyway */

  /* A "$rowset" that is not a byte string cannot be encoded. */
  json_object_set_new(m, FRAME_ROWSET_BYTES, json_integer(1));
  ck_assert_int_eq(frame_encode(b, m, FRAME_VERSION), -1);
  ck_assert_uint_eq(evbuffer_get_length(b), 0);
  json_decref(m);
  json_decref(before);
  evbuffer_free(b);
  free(buf);
}
END_TEST

/* Version 2 frames whose parts do not add up are bad frames. */
START_TEST(test_bad_version2) {
  static const struct {
    const char *payload;
    size_t len;
    const char *why;
  } bad[] = {
      {"\2", 1, "too short"},
      {"\2\0\0\0", 4, "too short"},
      {"\2\0\0\0\3{}", 7, "too short"},              /* JSON length past the end */
      {"\2\0\0\0\2{}\0\0\0\5abcd", 15, "runs past"}, /* section length past the end */
      {"\2\0\0\0\2{}\0\0", 9, "runs past"},          /* half a section length */
      {"\2\0\0\0\2[]", 7, "not a JSON object"},
      {"\2\0\0\0\3{}x", 8, "invalid JSON"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    unsigned char frame[64];
    frame[0] = frame[1] = frame[2] = 0;
    frame[3] = (unsigned char)bad[i].len;
    memcpy(frame + 4, bad[i].payload, bad[i].len);
    struct frame_in f;
    size_t flen;
    char err[128] = "";
    ck_assert_msg(
        frame_decode_mem(frame, 4 + bad[i].len, FRAME_DEFAULT_MAX_BYTES, &f, &flen, err, sizeof err) == -1,
        "payload %zu decoded", i);
    ck_assert_msg(strstr(err, bad[i].why) != NULL, "payload %zu: %s", i, err);
    ck_assert_ptr_null(f.msg);
  }
  /* Sections that end exactly at the frame's end are fine, empty ones too. */
  unsigned char ok[] = {0, 0, 0, 16, 2, 0, 0, 0, 2, '{', '}', 0, 0, 0, 0, 0, 0, 0, 1, 'z'};
  struct frame_in f;
  size_t flen;
  char err[128] = "";
  ck_assert_int_eq(frame_decode_mem(ok, sizeof ok, FRAME_DEFAULT_MAX_BYTES, &f, &flen, err, sizeof err), 1);
  ck_assert_uint_eq(f.sections_len, 9);
  json_decref(f.msg);
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
  tcase_add_test(tc, test_version1);
  tcase_add_test(tc, test_sections);
  tcase_add_test(tc, test_bad_version2);
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
