/* test_rowset.c: unit tests for row sets (src/rowset.c): what the writer
 * writes the reader reads back exactly (int64 extremes, reals bit for bit,
 * text with NUL bytes, empty and binary blobs, NULL); text and names that
 * are not UTF-8 are refused; and the reader fails cleanly, never reading
 * past the end, on every truncation and corruption of a row set.
 */
#include "autoconfig.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rowset.h"

/* Two columns, five rows: every type, the extremes. */
static void write_sample(struct rowset_buf *b) {
  ck_assert_int_eq(rowset_begin(b, 2), 0);
  ck_assert_int_eq(rowset_put_name(b, "a", 1), 0);
  ck_assert_int_eq(rowset_put_name(b, "b\0c", 3), 0);
  ck_assert_int_eq(rowset_rows_begin(b), 0);
  ck_assert_int_eq(rowset_put_int(b, INT64_MAX), 0);
  ck_assert_int_eq(rowset_put_int(b, INT64_MIN), 0);
  ck_assert_int_eq(rowset_put_real(b, 1.0), 0);
  ck_assert_int_eq(rowset_put_real(b, -0.0), 0);
  ck_assert_int_eq(rowset_put_text(b, (const unsigned char *)"x\0y\xc3\xa9", 5), 0);
  ck_assert_int_eq(rowset_put_blob(b, (const unsigned char *)"\0\xff", 2), 0);
  ck_assert_int_eq(rowset_put_null(b), 0);
  ck_assert_int_eq(rowset_put_blob(b, NULL, 0), 0);
  ck_assert_int_eq(rowset_put_text(b, NULL, 0), 0);
  ck_assert_int_eq(rowset_put_real(b, 0.1), 0);
  rowset_rows_end(b, 5);
}

/* Reads the sample back; returns 0, or -1 at the first failing call. */
static int read_sample(const unsigned char *p, size_t len, int check) {
  struct rowset_reader r;
  struct rowset_value v;
  const char *name;
  size_t n;
  if (rowset_open(&r, p, len) != 0) return -1;
  if (check) ck_assert_uint_eq(r.ncols, 2);
  if (rowset_next_name(&r, &name, &n) != 0) return -1;
  if (check) ck_assert(n == 1 && memcmp(name, "a", 1) == 0);
  if (rowset_next_name(&r, &name, &n) != 0) return -1;
  if (check) ck_assert(n == 3 && memcmp(name, "b\0c", 3) == 0);
  if (rowset_rows(&r) != 0) return -1;
  if (check) ck_assert_uint_eq(r.nrows, 5);
  for (int i = 0; i < 6; i++) {
    if (rowset_next_value(&r, &v) != 0) return -1;
    if (!check) continue;
    switch (i) {
    case 0: ck_assert(v.type == ROWSET_INT && v.i == INT64_MAX); break;
    case 1: ck_assert(v.type == ROWSET_INT && v.i == INT64_MIN); break;
    case 2: ck_assert(v.type == ROWSET_REAL && v.d == 1.0); break;
    case 3: ck_assert(v.type == ROWSET_REAL && v.d == 0.0 && signbit(v.d)); break;
    case 4: ck_assert(v.type == ROWSET_TEXT && v.len == 5 && memcmp(v.bytes, "x\0y\xc3\xa9", 5) == 0); break;
    case 5: ck_assert(v.type == ROWSET_BLOB && v.len == 2 && memcmp(v.bytes, "\0\xff", 2) == 0); break;
    }
  }
  if (rowset_next_value(&r, &v) != 0) return -1;
  if (check) ck_assert(v.type == ROWSET_NULL);
  if (rowset_next_value(&r, &v) != 0) return -1;
  if (check) ck_assert(v.type == ROWSET_BLOB && v.len == 0);
  if (rowset_next_value(&r, &v) != 0) return -1;
  if (check) ck_assert(v.type == ROWSET_TEXT && v.len == 0);
  if (rowset_next_value(&r, &v) != 0) return -1;
  if (check) ck_assert(v.type == ROWSET_REAL && v.d == 0.1);
  return rowset_close(&r);
}

START_TEST(test_round_trip) {
  struct rowset_buf b = {0};
  write_sample(&b);
  ck_assert_int_eq(read_sample(b.data, b.len, 1), 0);
  /* The buffer is reused for the next row set. */
  unsigned char *before = b.data;
  ck_assert_int_eq(rowset_begin(&b, 1), 0);
  ck_assert_ptr_eq(b.data, before);
  ck_assert_uint_eq(b.len, 4);
  rowset_buf_free(&b);
}
END_TEST

/* Every proper prefix of a row set is refused with a reason, and so is a
 * row set with a byte too many; the reader never reads outside (ASan and
 * valgrind would see it: each prefix is copied into a buffer of its size). */
START_TEST(test_truncated) {
  struct rowset_buf b = {0};
  write_sample(&b);
  for (size_t len = 0; len < b.len; len++) {
    unsigned char *copy = malloc(len ? len : 1);
    memcpy(copy, b.data, len);
    ck_assert_msg(read_sample(copy, len, 0) == -1, "prefix of %zu bytes accepted", len);
    free(copy);
  }
  unsigned char *longer = malloc(b.len + 1);
  memcpy(longer, b.data, b.len);
  longer[b.len] = 0;
  ck_assert_int_eq(read_sample(longer, b.len + 1, 0), -1);
  free(longer);
  rowset_buf_free(&b);
}
END_TEST

/* Corrupt counts and tags fail with a reason instead of reading on. */
START_TEST(test_corrupt) {
  struct rowset_reader r;
  struct rowset_value v;
  const char *name;
  size_t n;
  /* ncols that the bytes cannot hold */
  static const unsigned char many_cols[] = {0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0};
  ck_assert_int_eq(rowset_open(&r, many_cols, sizeof many_cols), -1);
  ck_assert_ptr_nonnull(strstr(r.error, "column count"));
  /* nrows that the bytes cannot hold, and rows without columns */
  static const unsigned char many_rows[] = {0, 0, 0, 1, 0, 0, 0, 1, 'a', 0x7f, 0xff, 0xff, 0xff, 0};
  ck_assert_int_eq(rowset_open(&r, many_rows, sizeof many_rows), 0);
  ck_assert_int_eq(rowset_next_name(&r, &name, &n), 0);
  ck_assert_int_eq(rowset_rows(&r), -1);
  ck_assert_ptr_nonnull(strstr(r.error, "row count"));
  static const unsigned char no_cols[] = {0, 0, 0, 0, 0, 0, 0, 1, 0};
  ck_assert_int_eq(rowset_open(&r, no_cols, sizeof no_cols), 0);
  ck_assert_int_eq(rowset_rows(&r), -1);
  /* an unknown tag */
  static const unsigned char bad_tag[] = {0, 0, 0, 1, 0, 0, 0, 1, 'a', 0, 0, 0, 1, 9};
  ck_assert_int_eq(rowset_open(&r, bad_tag, sizeof bad_tag), 0);
  ck_assert_int_eq(rowset_next_name(&r, &name, &n), 0);
  ck_assert_int_eq(rowset_rows(&r), 0);
  ck_assert_int_eq(rowset_next_value(&r, &v), -1);
  ck_assert_ptr_nonnull(strstr(r.error, "unknown type"));
  /* a failed reader stays failed */
  ck_assert_int_eq(rowset_next_value(&r, &v), -1);
  ck_assert_int_eq(rowset_close(&r), -1);
  /* a text longer than what is left */
  static const unsigned char long_text[] = {0, 0, 0, 1, 0, 0, 0, 1, 'a', 0, 0, 0, 1, 3, 0, 0, 0, 9, 'x'};
  ck_assert_int_eq(rowset_open(&r, long_text, sizeof long_text), 0);
  ck_assert_int_eq(rowset_next_name(&r, &name, &n), 0);
  ck_assert_int_eq(rowset_rows(&r), 0);
  ck_assert_int_eq(rowset_next_value(&r, &v), -1);
  ck_assert_ptr_nonnull(strstr(r.error, "truncated"));
}
END_TEST

/* A row set carries UTF-8 text only: invalid text or names are refused and
 * nothing is written for them. */
START_TEST(test_utf8_only) {
  static const char *bad[] = {"\xff",
                              "\xc3",
                              "\xed\xa0\x80" /* a surrogate */,
                              "\xc0\x80" /* overlong NUL */,
                              "abcdefgh\x80",
                              "\xf4\x90\x80\x80" /* above U+10FFFF */};
  struct rowset_buf b = {0};
  ck_assert_int_eq(rowset_begin(&b, 1), 0);
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    size_t len = b.len;
    ck_assert_int_eq(rowset_put_name(&b, bad[i], strlen(bad[i])), -2);
    ck_assert_int_eq(rowset_put_text(&b, (const unsigned char *)bad[i], strlen(bad[i])), -2);
    ck_assert_uint_eq(b.len, len);
  }
  ck_assert_int_eq(rowset_put_text(&b, (const unsigned char *)"\xf0\x9f\x98\x80 ok \xe2\x82\xac", 11), 0);
  /* bytes are anything */
  ck_assert_int_eq(rowset_put_blob(&b, (const unsigned char *)"\xff\xc3", 2), 0);
  rowset_buf_free(&b);
}
END_TEST

/* A buffer that grew for a big row set is not kept for the next one. */
START_TEST(test_big_not_kept) {
  struct rowset_buf b = {0};
  ck_assert_int_eq(rowset_begin(&b, 1), 0);
  unsigned char *blob = calloc(1, 2 * ROWSET_KEEP_BYTES);
  ck_assert_int_eq(rowset_put_blob(&b, blob, 2 * ROWSET_KEEP_BYTES), 0);
  ck_assert_uint_gt(b.cap, ROWSET_KEEP_BYTES);
  ck_assert_int_eq(rowset_begin(&b, 1), 0);
  ck_assert_uint_le(b.cap, ROWSET_KEEP_BYTES);
  free(blob);
  rowset_buf_free(&b);
}
END_TEST

static Suite *rowset_suite(void) {
  Suite *s = suite_create("rowset");
  TCase *tc = tcase_create("codec");
  tcase_add_test(tc, test_round_trip);
  tcase_add_test(tc, test_truncated);
  tcase_add_test(tc, test_corrupt);
  tcase_add_test(tc, test_utf8_only);
  tcase_add_test(tc, test_big_not_kept);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(rowset_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
