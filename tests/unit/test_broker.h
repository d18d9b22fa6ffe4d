/* test_broker.h: what the broker's unit tests share (test_broker_lib.c:
 * the harness and the fixture; test_broker.c: requests, errors, migrations,
 * the client's failures, protocol versions; test_broker_tx.c: transactions,
 * concurrency, group commit, safety). */
#ifndef JSFPM_TEST_BROKER_H
#define JSFPM_TEST_BROKER_H

#include <check.h>
#include <errno.h>
#include <event2/buffer.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "broker.h"
#include "broker_db.h"
#include "clock.h"
#include "config.h"
#include "db_client.h"
#include "db_proto.h"
#include "frame.h"
#include "log.h"
#include "rowset.h"

#define CALL_TIMEOUT_MS (5000 * tb_time_scale())
/* A request built by json_pack, through the test's client; OK expects ok. */
#define CALL(...) tb_callj(json_pack(__VA_ARGS__))
#define OK(...) tb_expect_ok(CALL(__VA_ARGS__))

/* The current test's directory, paths, configuration, broker and client
 * (test_broker_lib.c; the fixture sets them up). */
extern char tmpdir[64];
extern char sock_path[128], db_path[128], app_root[128], mig_dir[160];
extern struct jsfpm_config cfg;
extern int listen_fd;
extern pid_t broker_pid;
extern struct db_client *cl;

/* test_broker_lib.c */
void tb_sleep_ms(int ms);
/* How many times longer than usual a test's waits on the broker may be:
 * JSFPM_TEST_TIME_SCALE (tests/valgrind.sh sets it: the forked broker runs
 * under valgrind too, tens of times slower), 1 when unset. */
int tb_time_scale(void);
int tb_make_listener(const char *path);
pid_t tb_fork_blocked(void);
pid_t tb_spawn_broker(int lfd, int delay_ms);
void tb_start_broker(void);
int tb_reap(pid_t pid);
int tb_stop_broker(int sig);
void tb_write_file(const char *dir, const char *name, const char *text);
char *tb_dump(const json_t *j);
char *tb_base64(const unsigned char *p, size_t n);
json_t *tb_call_on(struct db_client *c, json_t *req);
json_t *tb_callj(json_t *req);
json_t *tb_expect_ok(json_t *r);
void tb_expect_error(json_t *r, const char *code, const char *in_message);
void tb_exec_sql(const char *sql);
json_t *tb_query_cell(json_t *req);
long long tb_query_int(const char *sql);
int tb_raw_connect(void);
void tb_raw_send(int fd, const void *p, size_t n);
json_t *tb_raw_recv_version(int fd, struct evbuffer *in, int *version);
json_t *tb_raw_recv(int fd, struct evbuffer *in);
int tb_raw_sees_eof(int fd);
void tb_setup(void);
void tb_teardown(void);

/* test_broker_tx.c */
void tb_add_tx_tcase(Suite *s);

#endif
