/* test_platform_parsers.c: unit tests for the parsers behind the web
 * platform APIs, apart from any I/O: the WHATWG URL parser (workers/url.c),
 * the multipart/form-data parser (workers/multipart.c) and fetch's host
 * allow-list (workers/js_fetch.c).  The URL parser's full vector run is
 * tests/integration/js/js_url.sh; here are its hosts, its state overrides and
 * its failures, and the multipart corner cases a client can send.
 */
#include "autoconfig.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "js_fetch.h"
#include "multipart.h"
#include "url.h"

/* The href of INPUT against BASE (NULL), or "FAIL"; malloc'd. */
static char *href_of(const char *input, const char *base) {
  struct url b, u;
  url_init(&b);
  url_init(&u);
  int rc = base ? url_parse(base, strlen(base), NULL, &b) : 0;
  if (rc == 0) rc = url_parse(input, strlen(input), base ? &b : NULL, &u);
  size_t len;
  char *out = rc == 0 ? url_serialize(&u, false, &len) : strdup("FAIL");
  url_free(&b);
  url_free(&u);
  return out;
}

static void check_href(const char *input, const char *base, const char *want) {
  char *got = href_of(input, base);
  ck_assert_msg(strcmp(got, want) == 0, "%s (base %s): got %s, want %s", input, base ? base : "none", got,
                want);
  free(got);
}

START_TEST(test_url_hosts) {
  check_href("http://0x7f.1/", NULL, "http://127.0.0.1/");
  check_href("http://4294967295/", NULL, "http://255.255.255.255/");
  check_href("http://4294967296/", NULL, "FAIL");
  check_href("http://1.2.3.4.5/", NULL, "FAIL");
  check_href("http://foo.0x4/", NULL, "FAIL");
  check_href("http://[0:0:0:0:0:0:0:1]/", NULL, "http://[::1]/");
  check_href("http://[1:0:0:2:0:0:0:3]/", NULL, "http://[1:0:0:2::3]/");
  check_href("http://[::ffff:1.2.3.4]/", NULL, "http://[::ffff:102:304]/");
  check_href("http://[1::2::3]/", NULL, "FAIL");
  check_href("http://[::1.2.3.]/", NULL, "FAIL");
  check_href("http://EXAMPLE.com./", NULL, "http://example.com./");
  check_href("http://münchen.DE/", NULL, "http://xn--mnchen-3ya.de/");
  check_href("http://xn--a.com/", NULL, "FAIL");
  check_href("http://a%25b/", NULL, "FAIL");
  check_href("sc://a%25b/", NULL, "sc://a%25b/");
  check_href("sc://a b/", NULL, "FAIL");
}
END_TEST

START_TEST(test_url_paths_and_relative) {
  check_href("  http://a/b/../c/./d?q#f \t", NULL, "http://a/c/d?q#f");
  check_href("http://a/%2e%2E/x", NULL, "http://a/x");
  check_href("../g?y#s", "http://a/b/c/d;p?q", "http://a/b/g?y#s");
  check_href("//h", "https://a/b", "https://h/");
  check_href("#x", "mailto:a@b", "mailto:a@b#x");
  check_href("x", "mailto:a@b", "FAIL");
  check_href("C|/x", "file:///D:/y", "file:///C:/x");
  check_href("file://localhost/etc", NULL, "file:///etc");
  check_href("non-special:/.//p", NULL, "non-special:/.//p");
  check_href("http://a/ä?ä#ä", NULL, "http://a/%C3%A4?%C3%A4#%C3%A4");
  check_href("sc://h/?'", NULL, "sc://h/?'");
  check_href("http://h/?'", NULL, "http://h/?%27");
  check_href("http://u:p@h:80/", NULL, "http://u:p@h/");
  check_href("http://h:65536/", NULL, "FAIL");
  check_href("", NULL, "FAIL");
  check_href("1http://a/", NULL, "FAIL");
}
END_TEST

/* Runs setter STATE with VALUE over HREF; the resulting href or "FAIL". */
static void check_setter(const char *href, enum url_state state, const char *value, const char *want) {
  struct url u;
  url_init(&u);
  ck_assert_int_eq(url_parse(href, strlen(href), NULL, &u), 0);
  if (state == URL_PATH_START) u.nsegs = 0;
  if (state == URL_QUERY) u.has_query = true, u.query.len = 0;
  int rc = url_parse_override(value, strlen(value), &u, state);
  size_t len;
  char *got = rc == 0 ? url_serialize(&u, false, &len) : strdup("FAIL");
  ck_assert_msg(strcmp(got, want) == 0, "%s setter %d %s: got %s, want %s", href, state, value, got, want);
  free(got);
  url_free(&u);
}

START_TEST(test_url_state_overrides) {
  check_setter("http://a/p", URL_SCHEME_START, "https:", "https://a/p");
  check_setter("http://a/p", URL_SCHEME_START, "mailto:", "http://a/p");
  check_setter("https://a:80/", URL_SCHEME_START, "http:", "http://a/");
  check_setter("http://a/p", URL_AUTHORITY_HOST, "b:81", "http://b:81/p");
  check_setter("http://a/p", URL_HOSTNAME, "b:81", "FAIL");
  check_setter("http://a/p", URL_PORT, "8080x", "http://a:8080/p");
  check_setter("http://a/p", URL_PORT, "x", "FAIL");
  check_setter("http://a/p", URL_PATH_START, "x/../y z", "http://a/y%20z");
  check_setter("http://a/p", URL_QUERY, "a b#c", "http://a/p?a%20b%23c");
  char *copy = NULL;
  struct url u, c;
  url_init(&u);
  ck_assert_int_eq(url_parse("http://u@a/x?q", 14, NULL, &u), 0);
  ck_assert_int_eq(url_copy(&c, &u), 0);
  size_t len;
  copy = url_serialize(&c, true, &len);
  ck_assert_str_eq(copy, "http://u@a/x?q");
  free(copy);
  url_free(&c);
  url_free(&u);
}
END_TEST

START_TEST(test_form_encode) {
  struct url_str out = {0};
  ck_assert_int_eq(url_form_encode(&out, "a b&c=d/é~*", strlen("a b&c=d/é~*")), 0);
  ck_assert_str_eq(out.p, "a+b%26c%3Dd%2F%C3%A9%7E*");
  url_str_free(&out);
}
END_TEST

/* ---- multipart ---------------------------------------------------------- */

struct collected {
  int n;
  char names[8][32];
  char files[8][32];
  char types[8][32];
  char data[8][64];
  size_t data_len[8];
};

static int collect(void *udata, const struct multipart_part *p) {
  struct collected *c = udata;
  if (c->n == 8) return 7;
  snprintf(c->names[c->n], 32, "%.*s", (int)p->name_len, p->name);
  snprintf(c->files[c->n], 32, "%.*s", p->filename ? (int)p->filename_len : 4,
           p->filename ? p->filename : "NULL");
  snprintf(c->types[c->n], 32, "%.*s", p->content_type ? (int)p->content_type_len : 4,
           p->content_type ? p->content_type : "NULL");
  memcpy(c->data[c->n], p->data, p->data_len < 64 ? p->data_len : 64);
  c->data_len[c->n] = p->data_len;
  c->n++;
  return 0;
}

static int parse(const char *body, size_t len, struct collected *c, char *err) {
  memset(c, 0, sizeof *c);
  return multipart_parse((const uint8_t *)body, len, "XyZ", 3, collect, c, err, 256);
}

START_TEST(test_multipart_parts) {
  static const char body[] = "preamble\r\n--XyZ\r\n"
                             "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
                             "Hello\r\n--XyZ \t\r\n"
                             "content-disposition: form-data; name=\"doc\"; filename=\"a;b.txt\"\r\n"
                             "Content-Type: text/plain\r\n\r\n"
                             "line\r\n--Xy\r\nZ\0bin\r\n--XyZ\r\n"
                             "Content-Disposition: form-data; name=empty\r\n\r\n"
                             "\r\n--XyZ--\r\nepilogue";
  struct collected c;
  char err[256];
  ck_assert_int_eq(parse(body, sizeof body - 1, &c, err), 0);
  ck_assert_int_eq(c.n, 3);
  ck_assert_str_eq(c.names[0], "title");
  ck_assert_str_eq(c.files[0], "NULL");
  ck_assert_str_eq(c.data[0], "Hello");
  ck_assert_str_eq(c.names[1], "doc");
  ck_assert_str_eq(c.files[1], "a;b.txt");
  ck_assert_str_eq(c.types[1], "text/plain");
  ck_assert_int_eq(c.data_len[1], 17); /* "line\r\n--Xy\r\nZ\0bin": a near-boundary and a NUL stay data */
  ck_assert(memcmp(c.data[1], "line\r\n--Xy\r\nZ\0bin", 17) == 0);
  ck_assert_str_eq(c.names[2], "empty");
  ck_assert_int_eq(c.data_len[2], 0);
}
END_TEST

START_TEST(test_multipart_malformed) {
  static const char *const bad[] = {
      "",                                                                      /* nothing */
      "--XyZ\r\n\r\nno disposition\r\n--XyZ--",                                /* no Content-Disposition */
      "--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--XyZ--",  /* not form-data */
      "--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--",           /* no name */
      "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--XyZ--", /* unterminated quote */
      "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nno end",         /* no closing boundary */
      "--XyZ\r\nContent-Disposition: form-data; name=a",                       /* headers never end */
      "--XyZ\r\nBroken header line\r\n\r\nx\r\n--XyZ--",                       /* no colon */
      "--XyZx\r\n",                                                            /* boundary line not ending */
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    struct collected c;
    char err[256] = "";
    ck_assert_msg(parse(bad[i], strlen(bad[i]), &c, err) == -1, "case %zu parsed", i);
    ck_assert_msg(strstr(err, "malformed multipart/form-data body") != NULL, "case %zu: %s", i, err);
  }
}
END_TEST

START_TEST(test_multipart_boundary) {
  char b[MULTIPART_BOUNDARY_MAX + 1];
  const char *ct = "multipart/form-data; charset=utf-8; boundary=\"a b:c\"";
  ck_assert_int_eq(multipart_boundary(ct, strlen(ct), b), 5);
  ck_assert_str_eq(b, "a b:c");
  ct = "multipart/form-data;BOUNDARY=----x123";
  ck_assert_int_eq(multipart_boundary(ct, strlen(ct), b), 8);
  ct = "multipart/form-data";
  ck_assert_int_eq(multipart_boundary(ct, strlen(ct), b), -1);
  ct = "multipart/form-data; boundary=";
  ck_assert_int_eq(multipart_boundary(ct, strlen(ct), b), -1);
  ct = "multipart/form-data; boundary=a\x01z";
  ck_assert_int_eq(multipart_boundary(ct, strlen(ct), b), -1);
  char lng[128];
  snprintf(lng, sizeof lng, "multipart/form-data; boundary=%071d", 0);
  ck_assert_int_eq(multipart_boundary(lng, strlen(lng), b), -1);
}
END_TEST

/* ---- fetch's allow-list ------------------------------------------------- */

START_TEST(test_fetch_allow) {
  ck_assert(!js_fetch_host_allowed(NULL, "example.com", 443));
  ck_assert(!js_fetch_host_allowed("", "example.com", 443));
  ck_assert(js_fetch_host_allowed("example.com", "example.com", 443));
  ck_assert(js_fetch_host_allowed("a.org, Example.COM", "example.com", 80));
  ck_assert(!js_fetch_host_allowed("example.com", "www.example.com", 443));
  ck_assert(!js_fetch_host_allowed("example.com", "example.com.evil", 443));
  ck_assert(js_fetch_host_allowed("*.example.com", "api.example.com", 443));
  ck_assert(!js_fetch_host_allowed("*.example.com", "example.com", 443));
  ck_assert(!js_fetch_host_allowed("*.example.com", "evilexample.com", 443));
  ck_assert(js_fetch_host_allowed("127.0.0.1:8080", "127.0.0.1", 8080));
  ck_assert(!js_fetch_host_allowed("127.0.0.1:8080", "127.0.0.1", 8081));
  ck_assert(js_fetch_host_allowed("[::1]:8080", "[::1]", 8080));
  ck_assert(!js_fetch_host_allowed("[::1]:8080", "[::1]", 80));
  ck_assert(js_fetch_host_allowed("[::1]", "[::1]", 80));
}
END_TEST

static Suite *parsers_suite(void) {
  Suite *s = suite_create("platform_parsers");
  TCase *tc = tcase_create("url");
  tcase_add_test(tc, test_url_hosts);
  tcase_add_test(tc, test_url_paths_and_relative);
  tcase_add_test(tc, test_url_state_overrides);
  tcase_add_test(tc, test_form_encode);
  suite_add_tcase(s, tc);
  tc = tcase_create("multipart");
  tcase_add_test(tc, test_multipart_parts);
  tcase_add_test(tc, test_multipart_malformed);
  tcase_add_test(tc, test_multipart_boundary);
  suite_add_tcase(s, tc);
  tc = tcase_create("fetch");
  tcase_add_test(tc, test_fetch_allow);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(parsers_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
