/* test_status.c: unit tests for the status page (src/master/status.c) and the
 * scoreboard (src/scoreboard.c).
 *
 * Checks that the listen queue is read from the kernel for unix and TCP
 * listeners (connections nobody accepted yet are counted, not a constant
 * 0), that the JSON rendering parses and carries the report's numbers, that
 * unavailable values are null / left out rather than 0, and that the
 * scoreboard's counters follow requests (including a worker that dies
 * mid-request).
 */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <check.h>
#include <event2/buffer.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "scoreboard.h"
#include "status.h"

static char *render(const struct status_report *r, enum status_format f) {
  struct evbuffer *b = evbuffer_new();
  ck_assert_int_eq(status_render(r, f, b), 0);
  size_t n = evbuffer_get_length(b);
  char *s = malloc(n + 1);
  evbuffer_remove(b, s, n);
  s[n] = '\0';
  evbuffer_free(b);
  return s;
}

static struct status_report sample_report(struct status_worker *w) {
  w[0] = (struct status_worker){.pid = 101,
                                .state = "busy",
                                .generation = 2,
                                .index = 0,
                                .requests = 7,
                                .started_unix_ms = 1700000000000LL,
                                .rss_bytes = 4096,
                                .request_method = "GET",
                                .request_path = "/a \"quoted\"",
                                .request_duration_ms = 1500,
                                .last_request_id = "abc",
                                .last_status = 200,
                                .request_query = "x=1",
                                .content_length = 12,
                                .last_duration_ms = 40,
                                .last_cpu_us = 10000,
                                .last_memory_bytes = 2097152};
  w[1] = (struct status_worker){.pid = 102,
                                .state = "idle",
                                .generation = 2,
                                .index = 1,
                                .requests = 3,
                                .started_unix_ms = 1700000000000LL,
                                .rss_bytes = -1,
                                .request_method = "",
                                .request_path = "",
                                .last_request_id = "",
                                .last_status = 0,
                                .request_query = ""};
  return (struct status_report){.start_unix_ms = 1700000000000LL,
                                .now_unix_ms = 1700000060000LL,
                                .generation = 2,
                                .accepted = 10,
                                .by_class = {0, 8, 0, 2, 0},
                                .slow_requests = 1,
                                .idle = 1,
                                .active = 1,
                                .total = 2,
                                .max_active = 2,
                                .listen_queue = -1,
                                .listen_queue_max = -1,
                                .workers = w,
                                .nworkers = 2};
}

START_TEST(test_json) {
  struct status_worker w[2];
  struct status_report r = sample_report(w);
  char *s = render(&r, STATUS_JSON);
  json_error_t e;
  json_t *j = json_loads(s, 0, &e);
  ck_assert_msg(j != NULL, "status JSON does not parse: %s\n%s", e.text, s);
  ck_assert_int_eq(json_integer_value(json_object_get(j, "accepted_requests")), 10);
  ck_assert_int_eq(json_integer_value(json_object_get(j, "uptime_seconds")), 60);
  ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "requests_by_class"), "4xx")), 2);
  ck_assert(json_is_null(json_object_get(j, "listen_queue"))); /* unavailable is not 0 */
  ck_assert(json_is_null(json_object_get(json_object_get(j, "broker"), "statements")));
  json_t *workers = json_object_get(j, "workers");
  ck_assert_int_eq(json_array_size(workers), 2);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(workers, 0), "request_path")),
                   "/a \"quoted\"");
  ck_assert(json_is_null(json_object_get(json_array_get(workers, 1), "rss_bytes")));
  ck_assert_ptr_null(json_object_get(json_array_get(workers, 0), "request_uri")); /* ?full only */
  json_decref(j);
  free(s);
}
END_TEST

START_TEST(test_full) {
  struct status_worker w[2];
  struct status_report r = sample_report(w);
  r.full = true;
  char *s = render(&r, STATUS_JSON);
  json_t *j = json_loads(s, 0, NULL);
  ck_assert_ptr_nonnull(j);
  json_t *w0 = json_array_get(json_object_get(j, "workers"), 0);
  ck_assert_str_eq(json_string_value(json_object_get(w0, "request_uri")), "/a \"quoted\"?x=1");
  ck_assert_int_eq(json_integer_value(json_object_get(w0, "content_length")), 12);
  ck_assert_int_eq(json_integer_value(json_object_get(w0, "start_since")), 60);
  ck_assert(json_real_value(json_object_get(w0, "last_request_cpu")) == 25.0); /* 10 ms of 40 */
  ck_assert_int_eq(json_integer_value(json_object_get(w0, "last_request_memory")), 2097152);
  ck_assert_str_eq(
      json_string_value(json_object_get(json_array_get(json_object_get(j, "workers"), 1), "request_uri")),
      "");
  json_decref(j);
  free(s);
  s = render(&r, STATUS_TEXT);
  ck_assert_ptr_nonnull(strstr(s, "\n************************\npid:                     101\n"));
  ck_assert_ptr_nonnull(strstr(s, "request URI:             /a \"quoted\"?x=1\n"));
  ck_assert_ptr_nonnull(strstr(s, "last request cpu:        25.00\n"));
  ck_assert_ptr_nonnull(strstr(s, "request URI:             -\n")); /* the idle one, never served */
  free(s);
}
END_TEST

START_TEST(test_prometheus) {
  struct status_worker w[2];
  struct status_report r = sample_report(w);
  char *s = render(&r, STATUS_PROMETHEUS);
  ck_assert_ptr_nonnull(
      strstr(s, "# TYPE jsfpm_accepted_requests_total counter\njsfpm_accepted_requests_total 10\n"));
  ck_assert_ptr_nonnull(strstr(s, "jsfpm_requests_total{class=\"4xx\"} 2\n"));
  ck_assert_ptr_nonnull(strstr(s, "jsfpm_worker_requests_total{slot=\"0\"} 7\n"));
  ck_assert_ptr_nonnull(strstr(s, "jsfpm_worker_pid{slot=\"1\"} 102\n"));
  ck_assert_ptr_nonnull(strstr(s, "\njsfpm_max_listen_queue 0\n"));
  ck_assert_ptr_null(strstr(s, "jsfpm_listen_queue "));           /* unavailable: left out */
  ck_assert_ptr_null(strstr(s, "jsfpm_broker_statements_total")); /* broker did not answer */
  ck_assert_ptr_null(strstr(s, "worker_rss_bytes{slot=\"1\""));   /* unknown RSS left out */
  free(s);
  /* A reload: the old generation's worker 0 retires while the new one
   * serves; the slot's series follow the new one, never both. */
  struct status_worker w3[3];
  memcpy(w3, w, sizeof w);
  w3[2] = w[0];
  w3[2].pid = 201;
  w3[2].generation = 3;
  w3[2].requests = 1;
  w3[0].state = "retiring";
  r.workers = w3;
  r.nworkers = 3;
  s = render(&r, STATUS_PROMETHEUS);
  ck_assert_ptr_nonnull(strstr(s, "jsfpm_worker_pid{slot=\"0\"} 201\n"));
  ck_assert_ptr_null(strstr(s, "jsfpm_worker_pid{slot=\"0\"} 101\n"));
  ck_assert_ptr_nonnull(strstr(s, "jsfpm_worker_requests_total{slot=\"0\"} 1\n"));
  free(s);
  /* A replacement still starting: the serving one keeps the series. */
  w3[0].state = "busy";
  w3[2].state = "starting";
  s = render(&r, STATUS_PROMETHEUS);
  ck_assert_ptr_nonnull(strstr(s, "jsfpm_worker_pid{slot=\"0\"} 101\n"));
  ck_assert_ptr_null(strstr(s, "jsfpm_worker_pid{slot=\"0\"} 201\n"));
  free(s);
  r.workers = w;
  r.nworkers = 2;
  r.listen_queue = 3;
  r.listen_queue_max = 511;
  s = render(&r, STATUS_PROMETHEUS);
  ck_assert_ptr_nonnull(strstr(s, "\njsfpm_listen_queue 3\n"));
  free(s);
}
END_TEST

/* Cluster mode: the section in the three formats.  Off (no cluster), it is
 * null in JSON and absent from text and Prometheus; a node that did not
 * answer shows why, with no leader and no member counts invented. */
static struct status_cluster sample_cluster(struct status_cluster_member *m) {
  m[0] = (struct status_cluster_member){.id = 1, .address = "10.0.0.1:9001", .role = "voter"};
  m[1] = (struct status_cluster_member){.id = 2, .address = "10.0.0.2:9001", .role = "voter"};
  m[2] = (struct status_cluster_member){.id = 4, .address = "10.0.0.4:9001", .role = "spare"};
  return (struct status_cluster){.node_id = 2,
                                 .address = "10.0.0.2:9001",
                                 .supervised = true,
                                 .node_pid = 321,
                                 .node_restarts = 2,
                                 .node_started_unix_ms = 1700000030000LL,
                                 .answered = true,
                                 .leader_id = 1,
                                 .leader_address = "10.0.0.1:9001",
                                 .members = m,
                                 .nmembers = 3};
}

START_TEST(test_cluster) {
  struct status_worker w[2];
  struct status_report r = sample_report(w);
  char *s = render(&r, STATUS_JSON);
  json_t *j = json_loads(s, 0, NULL);
  ck_assert_ptr_nonnull(j);
  ck_assert(json_is_null(json_object_get(j, "cluster")));
  json_decref(j);
  free(s);
  s = render(&r, STATUS_TEXT);
  ck_assert_ptr_null(strstr(s, "cluster"));
  free(s);
  s = render(&r, STATUS_PROMETHEUS);
  ck_assert_ptr_null(strstr(s, "cluster"));
  free(s);

  struct status_cluster_member m[3];
  struct status_cluster c = sample_cluster(m);
  r.cluster = &c;
  s = render(&r, STATUS_TEXT);
  ck_assert_ptr_nonnull(strstr(s, "cluster node:            2 at 10.0.0.2:9001\n"
                                  "cluster node pid:        321\n"
                                  "cluster node restarts:   2\n"
                                  "cluster node started:    2023-11-14T22:13:50Z\n"
                                  "cluster leader:          1 at 10.0.0.1:9001\n"
                                  "cluster node role:       voter\n"
                                  "cluster members:         3 (2 voters, 0 stand-bys, 1 spares)\n"
                                  "cluster member:          1 at 10.0.0.1:9001 voter\n"
                                  "cluster member:          2 at 10.0.0.2:9001 voter\n"
                                  "cluster member:          4 at 10.0.0.4:9001 spare\n"));
  free(s);
  s = render(&r, STATUS_JSON);
  j = json_loads(s, 0, NULL);
  ck_assert_ptr_nonnull(j);
  json_t *jc = json_object_get(j, "cluster");
  ck_assert_int_eq(json_integer_value(json_object_get(jc, "node_pid")), 321);
  ck_assert_int_eq(json_integer_value(json_object_get(jc, "node_restarts")), 2);
  ck_assert_str_eq(json_string_value(json_object_get(jc, "node_started")), "2023-11-14T22:13:50Z");
  ck_assert(json_is_null(json_object_get(jc, "error")));
  ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(jc, "leader"), "id")), 1);
  ck_assert_str_eq(json_string_value(json_object_get(jc, "role")), "voter");
  ck_assert_int_eq(json_array_size(json_object_get(jc, "members")), 3);
  ck_assert_str_eq(
      json_string_value(json_object_get(json_array_get(json_object_get(jc, "members"), 2), "role")), "spare");
  json_decref(j);
  free(s);
  s = render(&r, STATUS_PROMETHEUS);
  ck_assert_ptr_nonnull(strstr(s, "\njsfpm_cluster_node_up 1\n"));
  ck_assert_ptr_nonnull(strstr(s, "\njsfpm_cluster_node_restarts_total 2\n"));
  ck_assert_ptr_nonnull(strstr(s, "\njsfpm_cluster_leader_id 1\n"));
  ck_assert_ptr_nonnull(strstr(s, "\njsfpm_cluster_is_leader 0\n"));
  ck_assert_ptr_nonnull(strstr(s, "jsfpm_cluster_node_role{role=\"voter\"} 1\n"
                                  "jsfpm_cluster_node_role{role=\"standby\"} 0\n"
                                  "jsfpm_cluster_node_role{role=\"spare\"} 0\n"));
  ck_assert_ptr_nonnull(strstr(s, "jsfpm_cluster_members{role=\"voter\"} 2\n"
                                  "jsfpm_cluster_members{role=\"standby\"} 0\n"
                                  "jsfpm_cluster_members{role=\"spare\"} 1\n"));
  free(s);

  /* The node is down: its process is not running and it did not answer. */
  c = (struct status_cluster){
      .node_id = 2, .address = "10.0.0.2:9001", .supervised = true, .node_restarts = 3};
  snprintf(c.error, sizeof c.error, "connect: Connection refused");
  s = render(&r, STATUS_TEXT);
  ck_assert_ptr_nonnull(strstr(s, "cluster node pid:        0\n"));
  ck_assert_ptr_nonnull(strstr(s, "cluster node started:    -\n"));
  ck_assert_ptr_nonnull(strstr(s, "cluster leader:          unavailable: connect: Connection refused\n"));
  ck_assert_ptr_null(strstr(s, "cluster members:"));
  free(s);
  s = render(&r, STATUS_JSON);
  j = json_loads(s, 0, NULL);
  jc = json_object_get(j, "cluster");
  ck_assert(json_is_null(json_object_get(jc, "node_pid")));
  ck_assert(json_is_null(json_object_get(jc, "leader")));
  ck_assert(json_is_null(json_object_get(jc, "members")));
  ck_assert(json_is_null(json_object_get(jc, "role")));
  ck_assert_str_eq(json_string_value(json_object_get(jc, "error")), "connect: Connection refused");
  json_decref(j);
  free(s);
  s = render(&r, STATUS_PROMETHEUS);
  ck_assert_ptr_nonnull(strstr(s, "\njsfpm_cluster_node_up 0\n"));
  ck_assert_ptr_nonnull(strstr(s, "\njsfpm_cluster_node_answered 0\n"));
  ck_assert_ptr_null(strstr(s, "jsfpm_cluster_leader_id"));
  ck_assert_ptr_null(strstr(s, "jsfpm_cluster_node_start_time_seconds"));
  free(s);

  /* --cluster-status's view: no process figures, a node that knows no leader. */
  c = sample_cluster(m);
  c.supervised = false;
  c.leader_id = 0;
  c.node_id = 5; /* not listed yet */
  struct evbuffer *b = evbuffer_new();
  status_render_cluster_text(&c, b);
  size_t n = evbuffer_get_length(b);
  s = calloc(1, n + 1);
  evbuffer_remove(b, s, n);
  evbuffer_free(b);
  ck_assert_ptr_null(strstr(s, "pid"));
  ck_assert_ptr_nonnull(strstr(s, "cluster leader:          none known\n"
                                  "cluster node role:       not a member yet\n"));
  free(s);
}
END_TEST

/* The format QUERY asks for, and whether it asks for full. */
static enum status_format parse_ok(const char *query, bool *full) {
  struct status_query q;
  char why[256];
  ck_assert_int_eq(status_parse_query(query, &q, why, sizeof why), 0);
  if (full) *full = q.full;
  return q.format;
}

START_TEST(test_format_from_query) {
  bool full = true;
  ck_assert_int_eq(parse_ok(NULL, &full), STATUS_TEXT);
  ck_assert(!full);
  ck_assert_int_eq(parse_ok("", NULL), STATUS_TEXT);
  ck_assert_int_eq(parse_ok("json", &full), STATUS_JSON);
  ck_assert(!full);
  ck_assert_int_eq(parse_ok("full&json", &full), STATUS_JSON);
  ck_assert(full);
  ck_assert_int_eq(parse_ok("json&full=1", &full), STATUS_JSON);
  ck_assert(full);
  ck_assert_int_eq(parse_ok("full", &full), STATUS_TEXT);
  ck_assert(full);
  ck_assert_int_eq(parse_ok("prometheus", NULL), STATUS_PROMETHEUS);
  ck_assert_int_eq(parse_ok("openmetrics&_=17", NULL), STATUS_PROMETHEUS);
  ck_assert_int_eq(parse_ok("jsonp", NULL), STATUS_TEXT); /* a word, not a substring */
  /* php-fpm's other forms are refused by name, not answered as text. */
  static const char *const refused[] = {"html", "xml", "full&html", "xml&full"};
  for (size_t i = 0; i < 4; i++) {
    struct status_query q;
    char why[256] = "";
    ck_assert_int_eq(status_parse_query(refused[i], &q, why, sizeof why), -1);
    ck_assert_ptr_nonnull(strstr(why, "has no"));
    ck_assert_ptr_nonnull(strstr(why, strstr(refused[i], "html") ? "html" : "xml"));
  }
}
END_TEST

/* Opens COUNT client connections to the listener ADDR that nobody accepts. */
static void connect_n(const struct sockaddr *addr, socklen_t len, int count, int *fds) {
  for (int i = 0; i < count; i++) {
    fds[i] = socket(addr->sa_family, SOCK_STREAM, 0);
    ck_assert_int_ge(fds[i], 0);
    ck_assert_int_eq(connect(fds[i], addr, len), 0);
  }
}

START_TEST(test_listen_queue_unix) {
  struct sockaddr_un sun = {.sun_family = AF_UNIX};
  snprintf(sun.sun_path, sizeof sun.sun_path, "/tmp/jsfpm-test-status-%ld.sock", (long)getpid());
  unlink(sun.sun_path);
  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  ck_assert_int_eq(bind(l, (struct sockaddr *)&sun, sizeof sun), 0);
  ck_assert_int_eq(listen(l, 17), 0);
  int q = -1, backlog = -1;
  ck_assert_int_eq(status_listen_queue(l, &q, &backlog), 0);
  ck_assert_int_eq(q, 0);
  ck_assert_int_eq(backlog, 17);
  int fds[4];
  connect_n((struct sockaddr *)&sun, sizeof sun, 4, fds);
  ck_assert_int_eq(status_listen_queue(l, &q, &backlog), 0);
  ck_assert_int_eq(q, 4);
  for (int i = 0; i < 4; i++) close(fds[i]);
  close(l);
  unlink(sun.sun_path);
}
END_TEST

START_TEST(test_listen_queue_tcp) {
  struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  int l = socket(AF_INET, SOCK_STREAM, 0);
  socklen_t len = sizeof sin;
  ck_assert_int_eq(bind(l, (struct sockaddr *)&sin, sizeof sin), 0);
  ck_assert_int_eq(getsockname(l, (struct sockaddr *)&sin, &len), 0);
  ck_assert_int_eq(listen(l, 9), 0);
  int fds[3];
  connect_n((struct sockaddr *)&sin, sizeof sin, 3, fds);
  int q = -1, backlog = -1;
  ck_assert_int_eq(status_listen_queue(l, &q, &backlog), 0);
  ck_assert_int_eq(q, 3);
  ck_assert_int_eq(backlog, 9);
  for (int i = 0; i < 3; i++) close(fds[i]);
  close(l);
  ck_assert_int_eq(status_listen_queue(-1, &q, &backlog), -1);
}
END_TEST

START_TEST(test_scoreboard_counters) {
  struct scoreboard *sb = scoreboard_create();
  ck_assert_ptr_nonnull(sb);
  int a = scoreboard_claim(sb, 1, 0), b = scoreboard_claim(sb, 1, 1);
  ck_assert_int_ne(a, b);
  scoreboard_worker_ready(sb, a);
  scoreboard_worker_ready(sb, b);
  struct sb_request_info ra = {.request_id = "id-a", .method = "GET", .path = "/x", .query = "q=1"};
  struct sb_request_info rb = {.request_id = "id-b", .method = "POST", .path = "/y", .content_length = 5};
  scoreboard_request_begin(sb, a, &ra, 2);
  scoreboard_request_begin(sb, b, &rb, 2);
  ck_assert_int_eq(sb->global.active, 2);
  ck_assert_int_eq(sb->global.max_active, 2);
  ck_assert_uint_eq(sb->global.max_children_reached, 1);
  scoreboard_request_end(sb, a, "id1", 404, 12, false);
  struct sb_slot snap;
  scoreboard_read_slot(sb, a, &snap);
  ck_assert_int_eq(snap.state, SB_IDLE);
  ck_assert_uint_eq(snap.requests, 1);
  ck_assert_str_eq(snap.last_request_id, "id1");
  ck_assert_uint_eq(sb->global.by_class[SB_4XX], 1);
  /* B dies mid-request: releasing its slot must not leave it counted active. */
  scoreboard_release(sb, b);
  ck_assert_int_eq(sb->global.active, 0);
  ck_assert_int_eq(scoreboard_claim(sb, 2, 1), b); /* the freed slot is reused */
  scoreboard_destroy(sb);
}
END_TEST

static Suite *status_suite(void) {
  Suite *s = suite_create("status");
  TCase *tc = tcase_create("status");
  tcase_add_test(tc, test_json);
  tcase_add_test(tc, test_prometheus);
  tcase_add_test(tc, test_full);
  tcase_add_test(tc, test_cluster);
  tcase_add_test(tc, test_format_from_query);
  tcase_add_test(tc, test_listen_queue_unix);
  tcase_add_test(tc, test_listen_queue_tcp);
  tcase_add_test(tc, test_scoreboard_counters);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(status_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
