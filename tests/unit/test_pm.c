/* test_pm.c: unit tests for the process manager's decisions (src/master/pm.c). */
#include "autoconfig.h"

#include <check.h>
#include <stdlib.h>

#include "config.h"
#include "pm.h"

static struct jsfpm_config pm_config(int pm) {
  return (struct jsfpm_config){.workers = 4,
                               .pm = pm,
                               .pm_start_servers = 2,
                               .pm_min_spare = 1,
                               .pm_max_spare = 2,
                               .pm_idle_timeout_ms = 10000};
}

static struct pm_decision decide(const struct jsfpm_config *cfg, struct pm_view v) {
  struct pm_decision d;
  pm_decide(cfg, &v, &d);
  return d;
}

START_TEST(test_initial) {
  struct jsfpm_config c = pm_config(PM_STATIC);
  ck_assert_int_eq(pm_initial_workers(&c), 4);
  c.pm = PM_DYNAMIC;
  ck_assert_int_eq(pm_initial_workers(&c), 2);
  c.pm = PM_ONDEMAND;
  ck_assert_int_eq(pm_initial_workers(&c), 0);
}
END_TEST

START_TEST(test_static) {
  /* Positions respawn by themselves: the process manager never acts. */
  struct jsfpm_config c = pm_config(PM_STATIC);
  struct pm_decision d = decide(&c, (struct pm_view){.busy = 1, .queued = 5});
  ck_assert_int_eq(d.spawn, 0);
  ck_assert(!decide(&c, (struct pm_view){.idle = 4, .longest_idle_ms = 99999}).stop_idle);
}
END_TEST

START_TEST(test_ondemand) {
  struct jsfpm_config c = pm_config(PM_ONDEMAND);
  struct pm_decision d = decide(&c, (struct pm_view){.queued = 0});
  ck_assert_int_eq(d.spawn, 0);
  ck_assert(!d.stop_idle);
  /* Three waiting, none idle: three start; one already starting counts. */
  ck_assert_int_eq(decide(&c, (struct pm_view){.queued = 3}).spawn, 3);
  ck_assert_int_eq(decide(&c, (struct pm_view){.starting = 1, .queued = 3}).spawn, 2);
  /* Never beyond workers. */
  ck_assert_int_eq(decide(&c, (struct pm_view){.busy = 3, .queued = 5}).spawn, 1);
  ck_assert_int_eq(decide(&c, (struct pm_view){.busy = 4, .queued = 5}).spawn, 0);
  /* An idle worker takes the queue: nothing starts. */
  ck_assert_int_eq(decide(&c, (struct pm_view){.idle = 1, .queued = 2}).spawn, 0);
  /* Idle past the timeout: stop it; not before. */
  ck_assert(decide(&c, (struct pm_view){.idle = 1, .longest_idle_ms = 10000}).stop_idle);
  ck_assert(!decide(&c, (struct pm_view){.idle = 1, .longest_idle_ms = 9999}).stop_idle);
  /* Unknown queue (-1): nothing starts for an empty pool; one more when
   * every worker is busy. */
  ck_assert_int_eq(decide(&c, (struct pm_view){.queued = -1}).spawn, 0);
  ck_assert_int_eq(decide(&c, (struct pm_view){.busy = 2, .queued = -1}).spawn, 1);
  ck_assert_int_eq(decide(&c, (struct pm_view){.busy = 2, .starting = 1, .queued = -1}).spawn, 0);
  ck_assert_int_eq(decide(&c, (struct pm_view){.busy = 4, .queued = -1}).spawn, 0);
  /* Connections in the hand-off queue: one more worker at a time while
   * none is idle or starting, also with no worker at all. */
  ck_assert_int_eq(decide(&c, (struct pm_view){.busy = 1, .handed_off = 5}).spawn, 1);
  ck_assert_int_eq(decide(&c, (struct pm_view){.handed_off = 2}).spawn, 1);
  ck_assert_int_eq(decide(&c, (struct pm_view){.busy = 1, .queued = 2, .handed_off = 1}).spawn, 3);
  ck_assert_int_eq(decide(&c, (struct pm_view){.busy = 1, .starting = 1, .handed_off = 3}).spawn, 0);
  ck_assert_int_eq(decide(&c, (struct pm_view){.busy = 1, .idle = 1, .handed_off = 3}).spawn, 0);
  ck_assert_int_eq(decide(&c, (struct pm_view){.busy = 4, .handed_off = 3}).spawn, 0);
}
END_TEST

START_TEST(test_dynamic) {
  struct jsfpm_config c = pm_config(PM_DYNAMIC);
  /* Fewer idle than min_spare: start one. */
  ck_assert_int_eq(decide(&c, (struct pm_view){.busy = 2, .queued = 0}).spawn, 1);
  ck_assert_int_eq(decide(&c, (struct pm_view){.busy = 2, .starting = 1, .queued = 0}).spawn, 0);
  /* More idle than max_spare: stop one. */
  struct pm_decision d = decide(&c, (struct pm_view){.idle = 3, .longest_idle_ms = 5});
  ck_assert_int_eq(d.spawn, 0);
  ck_assert(d.stop_idle);
  ck_assert(!decide(&c, (struct pm_view){.idle = 2, .longest_idle_ms = 5}).stop_idle);
  /* Every idle one holds connections (longest_idle_ms 0): none stops. */
  ck_assert(!decide(&c, (struct pm_view){.idle = 3}).stop_idle);
  /* The queue drives spawns past min_spare, up to workers. */
  ck_assert_int_eq(decide(&c, (struct pm_view){.busy = 2, .queued = 5}).spawn, 2);
}
END_TEST

static Suite *pm_suite(void) {
  Suite *s = suite_create("pm");
  TCase *tc = tcase_create("pm");
  tcase_add_test(tc, test_initial);
  tcase_add_test(tc, test_static);
  tcase_add_test(tc, test_ondemand);
  tcase_add_test(tc, test_dynamic);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(pm_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
