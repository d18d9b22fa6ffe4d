/* test_cluster_remove.c: --cluster-remove's refusals decided by the member
 * list (src/master/cluster_remove.c, cluster_remove_check).  The removal
 * itself, and the refusal of a running node, run against real nodes in
 * tests/integration/db/cluster_ops.sh. */
#include "autoconfig.h"

#include <check.h>
#include <stdlib.h>

#include "cluster_remove.h"
#include "dqlite_client.h"

#define V DQLITE_PROTO_VOTER
#define S DQLITE_PROTO_STANDBY
#define P DQLITE_PROTO_SPARE

static const char *check_remove(const struct dqlite_client_member *m, size_t n, uint64_t id,
                                uint64_t leader) {
  static char why[512];
  return cluster_remove_check(m, n, id, leader, why, sizeof why);
}

START_TEST(test_not_a_member_and_leader) {
  struct dqlite_client_member m[] = {
      {1, "10.0.0.1:9001", V}, {2, "10.0.0.2:9001", V}, {3, "10.0.0.3:9001", V}};
  ck_assert_str_eq(check_remove(m, 3, 9, 1), "node 9 is not a member of the cluster");
  ck_assert_str_eq(check_remove(m, 3, 1, 1),
                   "node 1 at 10.0.0.1:9001 leads the cluster: stop jsfpm on that host first (on SIGTERM it "
                   "hands leadership over to another voter), then run --cluster-remove again");
}
END_TEST

START_TEST(test_voters) {
  /* Three voters, no stand-by: removing one leaves two. */
  struct dqlite_client_member m[] = {
      {1, "10.0.0.1:9001", V}, {2, "10.0.0.2:9001", V}, {3, "10.0.0.3:9001", V}, {4, "10.0.0.4:9001", P}};
  ck_assert_str_eq(check_remove(m, 4, 2, 1),
                   "node 2 is a voter and no stand-by can take its vote: the cluster would keep 2 voters of "
                   "3; add a host first (a new node_id: it joins as a stand-by), then remove this one");
  /* A spare goes. */
  ck_assert_ptr_null(check_remove(m, 4, 4, 1));
  /* With a stand-by to promote, a voter goes too. */
  m[3].role = S;
  ck_assert_ptr_null(check_remove(m, 4, 2, 1));
  /* A stand-by goes. */
  ck_assert_ptr_null(check_remove(m, 4, 4, 1));
  /* Two voters (a cluster that never had three): removing one leaves one. */
  ck_assert_str_eq(check_remove(m, 2, 2, 1),
                   "node 2 is a voter and no stand-by can take its vote: the cluster would keep 1 voter of "
                   "2; add a host first (a new node_id: it joins as a stand-by), then remove this one");
  /* Four voters (a stand-by promoted before a removal was listed): one goes. */
  m[3].role = V;
  ck_assert_ptr_null(check_remove(m, 4, 3, 1));
}
END_TEST

int main(void) {
  Suite *s = suite_create("cluster_remove");
  TCase *tc = tcase_create("check");
  tcase_add_test(tc, test_not_a_member_and_leader);
  tcase_add_test(tc, test_voters);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
