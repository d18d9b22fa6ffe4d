/* test_shared.c: unit tests for the shared layer's primitives: the list
 * (src/list.h), the broker protocol's operation table (src/db_proto.c) and
 * the clock conversions (src/clock.h); and that assert() is compiled into
 * what make check and the sanitizer run test: a broken invariant aborts.
 */
#include "autoconfig.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "db_proto.h"
#include "list.h"

struct item {
  int value;
  struct list link;
};

/* The values of HEAD's items in order, as a string of digits. */
static void values(const struct list *head, char *out, size_t cap) {
  const struct list *l;
  size_t n = 0;
  list_foreach(l, head) {
    ck_assert_uint_lt(n + 1, cap);
    out[n++] = (char)('0' + list_entry(l, struct item, link)->value);
  }
  out[n] = '\0';
}

START_TEST(test_list_order) {
  struct list head;
  list_init(&head);
  ck_assert(list_empty(&head));
  ck_assert_ptr_null(list_first(&head));
  struct item it[4] = {{1, {0}}, {2, {0}}, {3, {0}}, {4, {0}}};
  list_push_back(&head, &it[1].link);
  list_push_back(&head, &it[2].link);
  list_push_front(&head, &it[0].link);
  list_push_back(&head, &it[3].link);
  char got[8];
  values(&head, got, sizeof got);
  ck_assert_str_eq(got, "1234");
  ck_assert_ptr_eq(list_first(&head), &it[0].link);
  ck_assert_ptr_eq(list_last(&head), &it[3].link);
  list_remove(&it[1].link);
  ck_assert(!list_linked(&it[1].link));
  ck_assert(list_linked(&it[2].link));
  values(&head, got, sizeof got);
  ck_assert_str_eq(got, "134");
  /* A removed link goes in again. */
  list_push_back(&head, &it[1].link);
  values(&head, got, sizeof got);
  ck_assert_str_eq(got, "1342");
}
END_TEST

START_TEST(test_list_remove_while_walking) {
  struct list head, *l, *next;
  list_init(&head);
  struct item it[5];
  for (int i = 0; i < 5; i++) {
    it[i] = (struct item){.value = i};
    list_init(&it[i].link);
    list_push_back(&head, &it[i].link);
  }
  list_foreach_safe(l, next, &head) {
    if (list_entry(l, struct item, link)->value % 2 == 0) list_remove(l);
  }
  char got[8];
  values(&head, got, sizeof got);
  ck_assert_str_eq(got, "13");
  list_remove(&it[1].link);
  list_remove(&it[3].link);
  ck_assert(list_empty(&head));
}
END_TEST

START_TEST(test_db_ops) {
  for (int op = DB_OP_UNKNOWN + 1; op < DB_OP_COUNT; op++) {
    const char *name = db_op_name((enum db_op)op);
    ck_assert_uint_gt(strlen(name), 0);
    ck_assert_int_eq(db_op_parse(name), op);
  }
  ck_assert_int_eq(db_op_parse("drop"), DB_OP_UNKNOWN);
  ck_assert_int_eq(db_op_parse(NULL), DB_OP_UNKNOWN);
  ck_assert_int_eq(db_op_parse(""), DB_OP_UNKNOWN);
  ck_assert_str_eq(db_op_name(DB_OP_UNKNOWN), "");
  ck_assert_uint_eq(db_op_flags(DB_OP_UNKNOWN), 0);
  ck_assert_str_eq(db_op_name(DB_OP_QUERY), "query");
  ck_assert(db_op_flags(DB_OP_COMMIT) & DB_OPF_ENDS_LEVEL);
  ck_assert(db_op_flags(DB_OP_ROLLBACK) & DB_OPF_TX);
  ck_assert(!(db_op_flags(DB_OP_BEGIN) & DB_OPF_ENDS_LEVEL));
  ck_assert(db_op_flags(DB_OP_BATCH) & DB_OPF_STATEMENTS);
  ck_assert(db_op_flags(DB_OP_EXEC) & DB_OPF_SQL);
}
END_TEST

START_TEST(test_clock_conversions) {
  struct timeval tv = clock_timeval(1500);
  ck_assert_int_eq(tv.tv_sec, 1);
  ck_assert_int_eq(tv.tv_usec, 500000);
  struct timespec ts = clock_timespec(2001);
  ck_assert_int_eq(ts.tv_sec, 2);
  ck_assert_int_eq(ts.tv_nsec, 1000000);
  long long a = clock_mono_ms(), b = clock_mono_ms();
  ck_assert_int_ge(b, a);
  ck_assert_int_gt(a, 0);
  ck_assert_int_gt(clock_unix_ms(), 1600000000000LL); /* after 2020 */
}
END_TEST

/* Runs FN in a child; returns the signal that ended it, or 0. */
static int signal_of(void (*fn)(void)) {
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    /* The assertion's message would read as a failure in the test log. */
    if (freopen("/dev/null", "w", stderr) == NULL) _exit(3);
    fn();
    _exit(0);
  }
  int status;
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static void insert_twice(void) {
  struct list a, b, x, y;
  list_init(&a);
  list_init(&b);
  list_push_back(&a, &x);
  list_push_back(&b, &x); /* x is still in a, which now leads into b */
  list_push_back(&a, &y);
}

static void name_out_of_range(void) { (void)db_op_name((enum db_op)DB_OP_COUNT); }

static void list_fine(void) {
  struct list a, x;
  list_init(&a);
  list_init(&x);
  list_push_back(&a, &x);
}

START_TEST(test_assertions_are_on) {
  ck_assert_int_eq(signal_of(list_fine), 0);
  ck_assert_int_eq(signal_of(insert_twice), SIGABRT);
  ck_assert_int_eq(signal_of(name_out_of_range), SIGABRT);
}
END_TEST

static Suite *shared_suite(void) {
  Suite *s = suite_create("shared");
  TCase *tc = tcase_create("primitives");
  tcase_add_test(tc, test_list_order);
  tcase_add_test(tc, test_list_remove_while_walking);
  tcase_add_test(tc, test_db_ops);
  tcase_add_test(tc, test_clock_conversions);
  tcase_add_test(tc, test_assertions_are_on);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(shared_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
