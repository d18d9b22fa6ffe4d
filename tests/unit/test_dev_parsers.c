/* test_dev_parsers.c: unit tests for the parsers of the developer loop,
 * apart from any I/O: content negotiation on Accept (src/accept.c, the dev
 * error page's HTML or JSON and the router's 404/405) and the error
 * location the dev error page reads from an error's text
 * (workers/dev_page.c). */
#include "autoconfig.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "accept.h"
#include "dev_page.h"

static bool prefers(const char *accept) { return accept_prefers_json(accept, accept ? strlen(accept) : 0); }

START_TEST(test_accept) {
  ck_assert(!prefers(NULL));
  ck_assert(!prefers(""));
  ck_assert(prefers("application/json"));
  ck_assert(!prefers("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")); /* a browser */
  ck_assert(!prefers("*/*")); /* curl: a tie is HTML */
  ck_assert(prefers("text/html;q=0.5, application/json"));
  ck_assert(!prefers("application/json;q=0.2, text/html"));
  ck_assert(prefers("application/*"));
  ck_assert(prefers("APPLICATION/JSON ; q=1"));
  ck_assert(!prefers("application/json;q=0"));
  ck_assert(prefers(
      "text/plain, application/json;q=0.9, text/*;q=0.1")); /* text/html only through the text/ wildcard */
}
END_TEST

START_TEST(test_error_location) {
  struct dev_error e;
  dev_error_parse("lib/a.js:12:5: TypeError: x is not a function\n    at f (lib/a.js:12)", &e);
  ck_assert_str_eq(e.file, "lib/a.js");
  ck_assert_int_eq(e.line, 12);
  ck_assert_int_eq(e.column, 5);
  ck_assert_int_eq((int)e.message_len, (int)strlen("TypeError: x is not a function"));
  ck_assert(strncmp(e.message, "TypeError: x is not a function", e.message_len) == 0);
  ck_assert_str_eq(e.stack, "    at f (lib/a.js:12)");

  dev_error_parse("main.js:3: Error: boom", &e); /* no column */
  ck_assert_str_eq(e.file, "main.js");
  ck_assert_int_eq(e.line, 3);
  ck_assert_int_eq(e.column, 0);
  ck_assert_str_eq(e.stack, "");

  dev_error_parse("Error: no place at all: really", &e); /* a space before the colon: no file */
  ck_assert_str_eq(e.file, "");
  ck_assert_int_eq(e.line, 0);
  ck_assert(strncmp(e.message, "Error: no place", 15) == 0);

  dev_error_parse("app root /x: No such file", &e);
  ck_assert_str_eq(e.file, "");

  dev_error_parse("main.js:x: nope", &e); /* not a number */
  ck_assert_str_eq(e.file, "");
}
END_TEST

START_TEST(test_page_escapes) {
  struct dev_page page = {0};
  ck_assert_int_eq(dev_page_render(&page, "Uncaught exception", "x.js:1:1: Error: <script>alert(1)</script>",
                                   "/nonexistent", "id1", false),
                   0);
  ck_assert_ptr_null(strstr(page.body, "<script>"));
  ck_assert_ptr_nonnull(strstr(page.body, "&lt;script&gt;"));
  ck_assert_int_eq(dev_page_render(&page, "Uncaught exception", "x.js:1:1: Error: \"quoted\"", "/nonexistent",
                                   "id2", true),
                   0);
  ck_assert_ptr_nonnull(strstr(page.body, "\"message\": \"Error: \\\"quoted\\\"\""));
  ck_assert_str_eq(page.content_type, "application/json");
  dev_page_free(&page);
}
END_TEST

int main(void) {
  Suite *s = suite_create("dev_parsers");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_accept);
  tcase_add_test(tc, test_error_location);
  tcase_add_test(tc, test_page_escapes);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
