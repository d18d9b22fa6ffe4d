/* test_broker_lib.c: the harness of the broker's unit tests: a real broker
 * process on a Unix socket, the real client, requests and their checks,
 * raw frames, and the fixture (a fresh directory, database and broker per
 * test). */
#include "autoconfig.h"

#include "test_broker.h"

#include <stdlib.h>

char tmpdir[64];
char sock_path[128], db_path[128], app_root[128], mig_dir[160];
struct jsfpm_config cfg;
int listen_fd = -1;
pid_t broker_pid = -1;
struct db_client *cl;

/* ---- helpers ----------------------------------------------------------- */

void tb_sleep_ms(int ms) { ck_assert_int_eq(clock_sleep_ms(ms), 0); }

int tb_time_scale(void) {
  const char *v = getenv("JSFPM_TEST_TIME_SCALE");
  int scale = v ? atoi(v) : 1;
  return scale >= 1 && scale <= 100 ? scale : 1;
}

int tb_make_listener(const char *path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ck_assert_int_ge(fd, 0);
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  ck_assert_uint_lt(strlen(path), sizeof sa.sun_path);
  strcpy(sa.sun_path, path);
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  ck_assert_int_eq(chmod(path, 0600), 0);
  ck_assert_int_eq(listen(fd, 64), 0);
  return fd;
}

/* fork() with SIGTERM/SIGINT/SIGQUIT blocked in the child, as the master
 * should fork the broker: a stop signal sent before broker_main has its
 * handlers in place then stays pending instead of hitting an inherited
 * handler (here Check's, which kills the whole test). */
pid_t tb_fork_blocked(void) {
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGQUIT);
  ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, &old), 0);
  fflush(NULL); /* no stdio buffer may be written twice */
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid > 0) ck_assert_int_eq(sigprocmask(SIG_SETMASK, &old, NULL), 0);
  return pid;
}

/* Forks a broker on LFD after DELAY_MS; returns its pid. */
pid_t tb_spawn_broker(int lfd, int delay_ms) {
  pid_t pid = tb_fork_blocked();
  if (pid == 0) {
    if (delay_ms > 0) tb_sleep_ms(delay_ms);
    exit(broker_main(&cfg, lfd)); /* exit, not _exit: sanitizers check for leaks */
  }
  return pid;
}

void tb_start_broker(void) { broker_pid = tb_spawn_broker(listen_fd, 0); }

/* Waits for PID; returns its exit status, or 128 + signal. */
int tb_reap(pid_t pid) {
  int st;
  pid_t r;
  while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
    ;
  ck_assert_int_eq(r, pid);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int tb_stop_broker(int sig) {
  ck_assert_int_gt(broker_pid, 0);
  ck_assert_int_eq(kill(broker_pid, sig), 0);
  int st = tb_reap(broker_pid);
  broker_pid = -1;
  return st;
}

void tb_write_file(const char *dir, const char *name, const char *text) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  ck_assert_int_ge(fputs(text, f), 0);
  ck_assert_int_eq(fclose(f), 0);
}

char *tb_dump(const json_t *j) {
  static char buf[2048];
  char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17));
  snprintf(buf, sizeof buf, "%s", s ? s : "(null)");
  free(s);
  return buf;
}

char *tb_base64(const unsigned char *p, size_t n) {
  static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char *out = malloc((n + 2) / 3 * 4 + 1), *o = out;
  ck_assert_ptr_nonnull(out);
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v =
        (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
    *o++ = a[v >> 18];
    *o++ = a[(v >> 12) & 63];
    *o++ = i + 1 < n ? a[(v >> 6) & 63] : '=';
    *o++ = i + 2 < n ? a[v & 63] : '=';
  }
  *o = '\0';
  return out;
}

/* The row set P (LEN bytes) as protocol 1's "columns" and "rows" members
 * of R; fails the test if the row set is malformed. */
static void rowset_to_json(json_t *r, const unsigned char *p, size_t len) {
  struct rowset_reader rd;
  json_t *cols = json_array(), *rows = json_array();
  ck_assert_int_eq(rowset_open(&rd, p, len), 0);
  for (uint32_t c = 0; c < rd.ncols; c++) {
    const char *name;
    size_t n;
    ck_assert_int_eq(rowset_next_name(&rd, &name, &n), 0);
    json_array_append_new(cols, json_stringn(name, n));
  }
  ck_assert_int_eq(rowset_rows(&rd), 0);
  for (uint32_t i = 0; i < rd.nrows; i++) {
    json_t *row = json_array();
    for (uint32_t c = 0; c < rd.ncols; c++) {
      struct rowset_value v;
      ck_assert_msg(rowset_next_value(&rd, &v) == 0, "%s", rd.error);
      json_t *x = NULL;
      switch (v.type) {
      case ROWSET_NULL: x = json_null(); break;
      case ROWSET_INT: x = json_integer(v.i); break;
      case ROWSET_REAL: x = json_real(v.d); break;
      case ROWSET_TEXT: x = json_stringn((const char *)v.bytes, v.len); break;
      case ROWSET_BLOB: {
        char *b64 = tb_base64(v.bytes, v.len);
        x = json_pack("{s:s}", "$blob", b64);
        free(b64);
        break;
      }
      }
      ck_assert_ptr_nonnull(x);
      json_array_append_new(row, x);
    }
    json_array_append_new(rows, row);
  }
  ck_assert_msg(rowset_close(&rd) == 0, "%s", rd.error);
  json_object_set_new(r, "columns", cols);
  json_object_set_new(r, "rows", rows);
  json_object_del(r, FRAME_ROWSET_INDEX);
}

/* Expands every row set REPLY names (itself, or its batch results) from
 * SECTIONS; returns REPLY. */
static json_t *expand_rowsets(json_t *reply, const unsigned char *sections, size_t len) {
  json_t *targets[2] = {reply, json_object_get(reply, "results")};
  for (size_t t = 0; t < 2; t++) {
    size_t i, n = json_is_array(targets[t]) ? json_array_size(targets[t]) : 1;
    for (i = 0; i < n; i++) {
      json_t *r = json_is_array(targets[t]) ? json_array_get(targets[t], i) : targets[t];
      json_t *k = json_object_get(r, FRAME_ROWSET_INDEX);
      if (!json_is_integer(k)) continue;
      const unsigned char *p;
      size_t plen;
      ck_assert_int_eq(frame_section(sections, len, json_integer_value(k), &p, &plen), 0);
      rowset_to_json(r, p, plen);
    }
    if (targets[1] == NULL) break;
  }
  return reply;
}

/* Sends REQ (stolen) through the db_client C; fails the test on a
 * transport error.  Row sets come back expanded. */
json_t *tb_call_on(struct db_client *c, json_t *req) {
  ck_assert_ptr_nonnull(req);
  char err[256] = "";
  json_t *r = db_client_call(c, req, CALL_TIMEOUT_MS, err, sizeof err);
  json_decref(req);
  ck_assert_msg(r != NULL, "db_client_call failed: %s", err);
  size_t len;
  const unsigned char *sections = db_client_sections(c, &len);
  return expand_rowsets(r, sections, len);
}
json_t *tb_callj(json_t *req) { return tb_call_on(cl, req); }

json_t *tb_expect_ok(json_t *r) {
  ck_assert_msg(json_is_true(json_object_get(r, "ok")), "expected ok, got %s", tb_dump(r));
  return r;
}

void tb_expect_error(json_t *r, const char *code, const char *in_message) {
  ck_assert_msg(json_is_false(json_object_get(r, "ok")), "expected an error, got %s", tb_dump(r));
  const char *c = json_string_value(json_object_get(r, "code"));
  const char *m = json_string_value(json_object_get(r, "message"));
  ck_assert_msg(c && strcmp(c, code) == 0, "expected code %s, got %s", code, tb_dump(r));
  ck_assert_msg(m && strstr(m, in_message), "expected message with \"%s\", got %s", in_message, tb_dump(r));
  json_decref(r);
}

void tb_exec_sql(const char *sql) { json_decref(OK("{s:s,s:s}", "op", "exec", "sql", sql)); }

/* Runs a one-row, one-column query and returns that cell (new reference). */
json_t *tb_query_cell(json_t *req) {
  json_t *r = tb_expect_ok(tb_callj(req));
  json_t *rows = json_object_get(r, "rows");
  ck_assert_msg(json_array_size(rows) == 1, "expected one row: %s", tb_dump(r));
  json_t *cell = json_incref(json_array_get(json_array_get(rows, 0), 0));
  json_decref(r);
  return cell;
}

long long tb_query_int(const char *sql) {
  json_t *c = tb_query_cell(json_pack("{s:s,s:s}", "op", "query", "sql", sql));
  ck_assert_msg(json_is_integer(c), "not an integer: %s", tb_dump(c));
  long long v = json_integer_value(c);
  json_decref(c);
  return v;
}

/* Raw socket side, for what db_client would never do. */
int tb_raw_connect(void) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ck_assert_int_ge(fd, 0);
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  strcpy(sa.sun_path, sock_path);
  ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  return fd;
}

void tb_raw_send(int fd, const void *p, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    ck_assert_int_gt(w, 0);
    p = (const char *)p + w;
    n -= (size_t)w;
  }
}

/* Reads one frame, failing the test if nothing arrives for 30 s (generous:
 * valgrind is slow); *VERSION (if not NULL) is its protocol version.  Row
 * sets come back expanded. */
json_t *tb_raw_recv_version(int fd, struct evbuffer *in, int *version) {
  for (;;) {
    struct frame_in f;
    size_t flen;
    char err[128];
    int r = frame_decode_mem(evbuffer_pullup(in, -1), evbuffer_get_length(in), FRAME_DEFAULT_MAX_BYTES, &f,
                             &flen, err, sizeof err);
    ck_assert_int_ge(r, 0);
    if (r == 1) {
      expand_rowsets(f.msg, f.sections, f.sections_len);
      evbuffer_drain(in, flen);
      if (version != NULL) *version = f.version;
      return f.msg;
    }
    struct pollfd p = {.fd = fd, .events = POLLIN};
    ck_assert_int_eq(poll(&p, 1, 30000), 1);
    ck_assert_int_gt(evbuffer_read(in, fd, -1), 0);
  }
}

json_t *tb_raw_recv(int fd, struct evbuffer *in) { return tb_raw_recv_version(fd, in, NULL); }

/* True if the peer closes FD within 3 s (reading and discarding data). */
int tb_raw_sees_eof(int fd) {
  char buf[256];
  for (;;) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 3000) != 1) return 0;
    ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0 || (n < 0 && errno == ECONNRESET)) return 1;
    if (n < 0) return 0;
  }
}

static int rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(path);
}

/* ---- fixture ----------------------------------------------------------- */

void tb_setup(void) {
  log_open("stderr", LOG_LVL_WARN);
  strcpy(tmpdir, "/tmp/jsfpm-test-broker-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(tmpdir));
  snprintf(sock_path, sizeof sock_path, "%s/broker.sock", tmpdir);
  snprintf(db_path, sizeof db_path, "%s/test.db", tmpdir);
  snprintf(app_root, sizeof app_root, "%s/app", tmpdir);
  snprintf(mig_dir, sizeof mig_dir, "%s/migrations", app_root);
  ck_assert_int_eq(mkdir(app_root, 0700), 0);
  ck_assert_int_eq(mkdir(mig_dir, 0700), 0);
  memset(&cfg, 0, sizeof cfg);
  cfg.db_path = db_path;
  cfg.db_synchronous = 2;
  cfg.db_busy_timeout_ms = CALL_TIMEOUT_MS;
  cfg.db_write_wait_ms = 5000;
  cfg.db_tx_timeout_ms = 5000;
  cfg.db_statement_timeout_ms = 5000;
  cfg.db_max_result_rows = 100000;
  cfg.db_max_result_bytes = 16L * 1024 * 1024;
  cfg.db_group_commit = 1;
  cfg.db_read_threads = 4;
  cfg.app_root = app_root;
  cfg.runtime_dir = tmpdir;
  listen_fd = tb_make_listener(sock_path);
  cl = db_client_new(sock_path);
  ck_assert_ptr_nonnull(cl);
}

void tb_teardown(void) {
  db_client_free(cl);
  cl = NULL;
  if (broker_pid > 0) {
    int st = tb_stop_broker(SIGTERM);
    ck_assert_msg(st == 0, "broker exit status %d", st);
  }
  if (listen_fd >= 0) close(listen_fd);
  listen_fd = -1;
  nftw(tmpdir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}
