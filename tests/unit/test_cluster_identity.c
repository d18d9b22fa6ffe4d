/* test_cluster_identity.c: the data_dir's identity file
 * (broker/cluster_identity.c): its parsing, formatting, safe writing and
 * reading, what counts as Raft state, and the node check.  The refusals with real nodes run in
 * tests/integration/db/cluster_ops.sh. */
#include "autoconfig.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cluster_identity.h"

#define ID "0123456789abcdef0123456789abcdef"

static char why[2048];

static int parse(const char *text, struct cluster_identity *id) {
  why[0] = '\0';
  return cluster_identity_parse(text, strlen(text), id, why, sizeof why);
}

START_TEST(test_parse) {
  struct cluster_identity id;
  ck_assert_int_eq(parse("# comment\n\ncluster = " ID "\nnode_id=4\n  address = 10.0.0.4:9001  \n", &id), 0);
  ck_assert_str_eq(id.cluster, ID);
  ck_assert_uint_eq(id.node_id, 4);
  ck_assert_str_eq(id.address, "10.0.0.4:9001");
  ck_assert_int_eq(parse("cluster = unknown\nnode_id = 2\naddress = [fc00::2]:9001\n", &id), 0);
  ck_assert_str_eq(id.cluster, "");
  ck_assert_str_eq(id.address, "[fc00::2]:9001");
}
END_TEST

START_TEST(test_parse_refusals) {
  struct cluster_identity id;
  ck_assert_int_eq(parse("cluster = " ID "\nnode_id = 4\n", &id), -1);
  ck_assert_str_eq(why, "lacks address");
  ck_assert_int_eq(parse("node_id = 4\naddress = a:1\n", &id), -1);
  ck_assert_str_eq(why, "lacks cluster");
  ck_assert_int_eq(parse("cluster = " ID "\naddress = a:1\n", &id), -1);
  ck_assert_str_eq(why, "lacks node_id");
  ck_assert_int_eq(parse("cluster = 0123456789ABCDEF0123456789ABCDEF\nnode_id = 4\naddress = a:1\n", &id),
                   -1);
  ck_assert_str_eq(
      why, "line 1: cluster '0123456789ABCDEF0123456789ABCDEF' is not 32 lowercase hex digits nor 'unknown'");
  ck_assert_int_eq(parse("cluster = " ID "0\nnode_id = 4\naddress = a:1\n", &id), -1);
  ck_assert_int_eq(parse("cluster = " ID "\nnode_id = 0\naddress = a:1\n", &id), -1);
  ck_assert_str_eq(why, "line 2: node_id '0' is not a node id");
  ck_assert_int_eq(parse("cluster = " ID "\nnode_id = 4x\naddress = a:1\n", &id), -1);
  ck_assert_int_eq(parse("cluster = " ID "\nnode_id = 99999999999999999999999\naddress = a:1\n", &id), -1);
  ck_assert_int_eq(parse("cluster = " ID "\nnode_id = 4\naddress =\n", &id), -1);
  ck_assert_str_eq(why, "line 3: address '' is empty or too long");
  ck_assert_int_eq(parse("cluster " ID "\n", &id), -1);
  ck_assert_str_eq(why, "line 1: 'cluster " ID "' is not 'key = value'");
  ck_assert_int_eq(parse("colour = blue\n", &id), -1);
  ck_assert_str_eq(why, "line 1: unknown key 'colour'");
  ck_assert_int_eq(cluster_identity_parse("cluster\0= x", 11, &id, why, sizeof why), -1);
  ck_assert_str_eq(why, "holds a NUL byte");
  char big[CLUSTER_IDENTITY_MAX_BYTES + 2];
  memset(big, '#', sizeof big);
  ck_assert_int_eq(cluster_identity_parse(big, sizeof big, &id, why, sizeof why), -1);
}
END_TEST

START_TEST(test_generate) {
  char a[CLUSTER_IDENTITY_HEX + 1], b[CLUSTER_IDENTITY_HEX + 1];
  ck_assert_int_eq(cluster_identity_generate(a), 0);
  ck_assert_int_eq(cluster_identity_generate(b), 0);
  ck_assert(cluster_identity_valid(a));
  ck_assert(cluster_identity_valid(b));
  ck_assert_str_ne(a, b);
  ck_assert(!cluster_identity_valid(ID "0"));
  ck_assert(!cluster_identity_valid("0123"));
}
END_TEST

/* A fresh directory for the file tests. */
static char *temp_dir(void) {
  static char dir[64];
  snprintf(dir, sizeof dir, "/tmp/test_cluster_identity.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  return dir;
}

static void remove_dir(const char *dir) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, CLUSTER_IDENTITY_FILE);
  unlink(path);
  snprintf(path, sizeof path, "%s/%s.tmp", dir, CLUSTER_IDENTITY_FILE);
  unlink(path);
  ck_assert_int_eq(rmdir(dir), 0);
}

START_TEST(test_write_read) {
  char *dir = temp_dir(), path[256];
  struct cluster_identity id = {.cluster = "", .node_id = 7, .address = "10.0.0.7:9001"}, got;
  ck_assert_int_eq(cluster_identity_read(dir, &got, why, sizeof why), 0); /* none yet */
  ck_assert_int_eq(cluster_identity_read_node(dir, 7, "10.0.0.7:9001", &got, why, sizeof why), 0);
  /* A temporary file left by a crash is replaced. */
  snprintf(path, sizeof path, "%s/%s.tmp", dir, CLUSTER_IDENTITY_FILE);
  int fd = open(path, O_WRONLY | O_CREAT, 0644);
  ck_assert_int_ge(fd, 0);
  close(fd);
  ck_assert_int_eq(cluster_identity_write(dir, &id, why, sizeof why), 0);
  ck_assert_int_eq(access(path, F_OK), -1);
  ck_assert_int_eq(cluster_identity_read(dir, &got, why, sizeof why), 1);
  ck_assert_str_eq(got.cluster, "");
  ck_assert_uint_eq(got.node_id, 7);
  ck_assert_str_eq(got.address, "10.0.0.7:9001");
  memcpy(id.cluster, ID, sizeof id.cluster);
  ck_assert_int_eq(cluster_identity_write(dir, &id, why, sizeof why), 0);
  ck_assert_int_eq(cluster_identity_read(dir, &got, why, sizeof why), 1);
  ck_assert_str_eq(got.cluster, ID);
  /* Read for this node: it must be the one the file names. */
  ck_assert_int_eq(cluster_identity_read_node(dir, 7, "10.0.0.7:9001", &got, why, sizeof why), 1);
  ck_assert_int_eq(cluster_identity_read_node(dir, 8, "10.0.0.7:9001", &got, why, sizeof why), -1);
  ck_assert_ptr_nonnull(strstr(why, "holds the data of node 7 at 10.0.0.7:9001, but this is node 8"));
  snprintf(path, sizeof path, "%s/%s", dir, CLUSTER_IDENTITY_FILE);
  struct stat st;
  ck_assert_int_eq(stat(path, &st), 0);
  ck_assert_int_eq(st.st_mode & 0777, 0600);
  /* Malformed: refused with the path and the line. */
  fd = open(path, O_WRONLY | O_TRUNC);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, "cluster = x\n", 12), 12);
  close(fd);
  ck_assert_int_eq(cluster_identity_read(dir, &got, why, sizeof why), -1);
  ck_assert_ptr_nonnull(strstr(why, "line 1: cluster 'x'"));
  ck_assert_ptr_nonnull(strstr(why, path));
  /* A symbolic link is never followed, for reading or writing. */
  unlink(path);
  ck_assert_int_eq(symlink("/etc/passwd", path), 0);
  ck_assert_int_eq(cluster_identity_read(dir, &got, why, sizeof why), -1);
  ck_assert_ptr_nonnull(strstr(why, "is a symbolic link"));
  char tmp[256];
  snprintf(tmp, sizeof tmp, "%s/%s.tmp", dir, CLUSTER_IDENTITY_FILE);
  ck_assert_int_eq(symlink("/nonexistent/target", tmp), 0);
  ck_assert_int_eq(cluster_identity_write(dir, &id, why, sizeof why), 0); /* replaces both links */
  ck_assert_int_eq(cluster_identity_read(dir, &got, why, sizeof why), 1);
  ck_assert_str_eq(got.cluster, ID);
  ck_assert_int_eq(access("/nonexistent/target", F_OK), -1);
  remove_dir(dir);
}
END_TEST

/* Whether DIR holds no Raft state. */
static int dir_fresh(const char *dir) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  ck_assert_int_ge(fd, 0);
  return cluster_identity_dir_fresh(fd);
}

START_TEST(test_dir_fresh) {
  char *dir = temp_dir(), path[256];
  ck_assert_int_eq(dir_fresh(dir), 1);
  struct cluster_identity id = {.cluster = "", .node_id = 1, .address = "10.0.0.1:9001"};
  ck_assert_int_eq(cluster_identity_write(dir, &id, why, sizeof why), 0);
  snprintf(path, sizeof path, "%s/dqlite-lock", dir);
  int fd = open(path, O_WRONLY | O_CREAT, 0600);
  ck_assert_int_ge(fd, 0);
  close(fd);
  ck_assert_int_eq(dir_fresh(dir), 1); /* the lock and the identity are no Raft state */
  snprintf(path, sizeof path, "%s/metadata1", dir);
  fd = open(path, O_WRONLY | O_CREAT, 0600);
  ck_assert_int_ge(fd, 0);
  close(fd);
  ck_assert_int_eq(dir_fresh(dir), 0);
  ck_assert_int_eq(unlink(path), 0);
  snprintf(path, sizeof path, "%s/dqlite-lock", dir);
  ck_assert_int_eq(unlink(path), 0);
  remove_dir(dir);
}
END_TEST

START_TEST(test_check_node) {
  struct cluster_identity id = {.cluster = ID, .node_id = 4, .address = "10.0.0.4:9001"};
  ck_assert_int_eq(cluster_identity_check_node(&id, "/d", 4, "10.0.0.4:9001", why, sizeof why), 0);
  ck_assert_int_eq(cluster_identity_check_node(&id, "/d", 5, "10.0.0.4:9001", why, sizeof why), -1);
  ck_assert_str_eq(
      why, "data_dir /d holds the data of node 4 at 10.0.0.4:9001, but this is node 5 at 10.0.0.4:9001 "
           "([cluster] node_id, address): a node never runs on another node's data; point data_dir at "
           "this node's own directory, or empty it (move its files away) to join as a new node "
           "(docs/cluster.md, \"Cluster identity\")");
  ck_assert_int_eq(cluster_identity_check_node(&id, "/d", 4, "10.0.0.5:9001", why, sizeof why), -1);
}
END_TEST

int main(void) {
  Suite *s = suite_create("cluster_identity");
  TCase *tc = tcase_create("file");
  tcase_add_test(tc, test_parse);
  tcase_add_test(tc, test_parse_refusals);
  tcase_add_test(tc, test_generate);
  tcase_add_test(tc, test_write_read);
  tcase_add_test(tc, test_dir_fresh);
  tcase_add_test(tc, test_check_node);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
