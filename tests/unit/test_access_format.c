/* test_access_format.c: unit tests for [server] access.format
 * (src/access_format.c): the default reproduces the line jsfpm always
 * wrote, every placeholder renders its field, request values are escaped,
 * and a wrong placeholder is refused with a message naming it. */
#include "autoconfig.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "access_format.h"

static const char *lookup(const void *arg, char kind, const char *name, size_t *len) {
  (void)arg;
  const char *v = NULL;
  if (kind == 'e' && strcmp(name, "HTTP_USER_AGENT") == 0) v = "curl/7.88";
  if (kind == 'o' && strcasecmp(name, "content-type") == 0) v = "text/plain";
  if (v) *len = strlen(v);
  return v;
}

static struct access_fields fields(void) {
  return (struct access_fields){.request_id = "5e1f00aa00000012",
                                .remote_addr = "127.0.0.1",
                                .remote_user = NULL,
                                .method = "GET",
                                .path = "/report",
                                .query = "month=11",
                                .status = 200,
                                .body_bytes = 6,
                                .request_bytes = 17,
                                .duration_ms = 1500,
                                .cpu_user_us = 600000,
                                .cpu_system_us = 150000,
                                .memory_bytes = 3 * 1048576,
                                .start_unix_ms = 1764556800123LL,
                                .pid = 4242,
                                .lookup = lookup};
}

static void render(const char *format, const struct access_fields *v, char *out, size_t cap) {
  char err[256] = "";
  struct access_format *f = access_format_compile(format, err, sizeof err);
  ck_assert_msg(f != NULL, "%s: %s", format, err);
  access_format_render(f, v, out, cap);
  access_format_free(f);
}

START_TEST(test_default_is_the_old_line) {
  struct access_fields v = fields();
  char line[512];
  render(ACCESS_FORMAT_DEFAULT, &v, line, sizeof line);
  /* "TIME ID CLIENT METHOD PATH STATUS BYTES DURATIONms" */
  const char *after_time = strchr(line, ' ');
  ck_assert_ptr_nonnull(after_time);
  ck_assert_str_eq(after_time, " 5e1f00aa00000012 127.0.0.1 GET /report 200 6 1500ms");
  ck_assert_int_eq(line[4], '-'); /* 2026-... */
  ck_assert_int_eq(line[10], 'T');
  ck_assert_int_eq(line[19], '.');
}
END_TEST

START_TEST(test_placeholders) {
  struct access_fields v = fields();
  char line[512];
  render("%m %r%Q%q %s %d %{milli}d %{kilo}M %{mega}M %M %i %b %l %R %u %p %%", &v, line, sizeof line);
  ck_assert_str_eq(
      line, "GET /report?month=11 200 1.500 1500 3072 3 3145728 5e1f00aa00000012 6 17 127.0.0.1 - 4242 %");
  render("%C %{user}C %{system}C|%{HTTP_USER_AGENT}e|%{HTTP_REFERER}e|%{Content-Type}o", &v, line,
         sizeof line);
  ck_assert_str_eq(line, "50.00 40.00 10.00|curl/7.88|-|text/plain");
  render("%{%Y}t", &v, line, sizeof line);
  ck_assert_str_eq(line, "2025");
  v.query = "";
  render("[%r%Q%q]", &v, line, sizeof line);
  ck_assert_str_eq(line, "[/report]");
}
END_TEST

START_TEST(test_missing_values) {
  struct access_fields v = fields();
  v.status = 0; /* killed before it answered */
  v.body_bytes = -1;
  v.cpu_user_us = v.cpu_system_us = -1;
  v.memory_bytes = -1;
  v.request_id = NULL;
  v.lookup = NULL;
  char line[256];
  render("%s %b %C %M %i %{HTTP_USER_AGENT}e", &v, line, sizeof line);
  ck_assert_str_eq(line, "- - - - - -");
}
END_TEST

START_TEST(test_escaped) {
  struct access_fields v = fields();
  v.path = "/p\n2001-01-01 forged\x1b[2K";
  char line[256];
  render("%r|%m", &v, line, sizeof line);
  ck_assert_str_eq(line, "/p\\n2001-01-01 forged\\x1b[2K|GET");
}
END_TEST

START_TEST(test_cut_to_the_buffer) {
  struct access_fields v = fields();
  char line[8];
  render("%r %r %r", &v, line, sizeof line);
  ck_assert_str_eq(line, "/report");
  ck_assert_uint_eq(strlen(line), sizeof line - 1);
}
END_TEST

START_TEST(test_refused) {
  static const struct {
    const char *format, *message;
  } bad[] = {
      {"%x", "unknown placeholder %x"},
      {"%{bogus}d", "%{bogus}d: unknown argument for %d"},
      {"%e", "%e needs a name: %{NAME}e"},
      {"%{}o", "%o needs a name: %{NAME}o"},
      {"at the end %", "a lone % at the end"},
      {"%{abc", "'%{' without a closing '}'"},
      {"%n", "%n (the pool: jsfpm has one) has no meaning in jsfpm"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char err[256] = "";
    struct access_format *f = access_format_compile(bad[i].format, err, sizeof err);
    ck_assert_msg(f == NULL, "%s was accepted", bad[i].format);
    ck_assert_str_eq(err, bad[i].message);
  }
}
END_TEST

static Suite *access_format_suite(void) {
  Suite *s = suite_create("access_format");
  TCase *tc = tcase_create("access_format");
  tcase_add_test(tc, test_default_is_the_old_line);
  tcase_add_test(tc, test_placeholders);
  tcase_add_test(tc, test_missing_values);
  tcase_add_test(tc, test_escaped);
  tcase_add_test(tc, test_cut_to_the_buffer);
  tcase_add_test(tc, test_refused);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(access_format_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
