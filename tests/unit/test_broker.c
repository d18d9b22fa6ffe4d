/* test_broker.c: the broker (broker/) and the worker's client
 * (broker/client/db_client.c) talking over a real Unix socket.
 *
 * Each test gets a temporary directory holding the listening socket (created
 * here, as the master would), the database and an app_root with a
 * migrations directory.  The broker runs in a forked child via broker_main;
 * the test process plays the worker through db_client, or through a raw
 * socket when it needs to misbehave (pipelining by hand, bad frames, an old
 * protocol).  Row sets in replies are read back with the row set reader and
 * checked in the JSON shape of protocol 1 ("columns", "rows", blobs as
 * {"$blob": base64}), so the values are checked exactly as before.
 */
#include "autoconfig.h"

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
#include "frame.h"
#include "log.h"
#include "rowset.h"

#define CALL_TIMEOUT_MS 5000

static char tmpdir[64];
static char sock_path[128], db_path[128], app_root[128], mig_dir[160];
static struct jsfpm_config cfg;
static int listen_fd = -1;
static pid_t broker_pid = -1;
static struct db_client *cl;

/* ---- helpers ----------------------------------------------------------- */

static void sleep_ms(int ms) { ck_assert_int_eq(clock_sleep_ms(ms), 0); }

static int make_listener(const char *path) {
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
static pid_t fork_blocked(void) {
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGQUIT);
  ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, &old), 0);
  fflush(NULL); /* no stdio buffer may be written twice */
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid > 0)
    ck_assert_int_eq(sigprocmask(SIG_SETMASK, &old, NULL), 0);
  return pid;
}

/* Forks a broker on LFD after DELAY_MS; returns its pid. */
static pid_t spawn_broker(int lfd, int delay_ms) {
  pid_t pid = fork_blocked();
  if (pid == 0) {
    if (delay_ms > 0)
      sleep_ms(delay_ms);
    exit(broker_main(&cfg, lfd)); /* exit, not _exit: sanitizers check for leaks */
  }
  return pid;
}

static void start_broker(void) { broker_pid = spawn_broker(listen_fd, 0); }

/* Waits for PID; returns its exit status, or 128 + signal. */
static int reap(pid_t pid) {
  int st;
  pid_t r;
  while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
    ;
  ck_assert_int_eq(r, pid);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int stop_broker(int sig) {
  ck_assert_int_gt(broker_pid, 0);
  ck_assert_int_eq(kill(broker_pid, sig), 0);
  int st = reap(broker_pid);
  broker_pid = -1;
  return st;
}

static void write_file(const char *dir, const char *name, const char *text) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  ck_assert_int_ge(fputs(text, f), 0);
  ck_assert_int_eq(fclose(f), 0);
}

static char *dump(const json_t *j) {
  static char buf[2048];
  char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17));
  snprintf(buf, sizeof buf, "%s", s ? s : "(null)");
  free(s);
  return buf;
}

static char *base64(const unsigned char *p, size_t n) {
  static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char *out = malloc((n + 2) / 3 * 4 + 1), *o = out;
  ck_assert_ptr_nonnull(out);
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
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
        char *b64 = base64(v.bytes, v.len);
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
      if (!json_is_integer(k))
        continue;
      const unsigned char *p;
      size_t plen;
      ck_assert_int_eq(frame_section(sections, len, json_integer_value(k), &p, &plen), 0);
      rowset_to_json(r, p, plen);
    }
    if (targets[1] == NULL)
      break;
  }
  return reply;
}

/* Sends REQ (stolen) through the db_client C; fails the test on a
 * transport error.  Row sets come back expanded. */
static json_t *call_on(struct db_client *c, json_t *req) {
  ck_assert_ptr_nonnull(req);
  char err[256] = "";
  json_t *r = db_client_call(c, req, CALL_TIMEOUT_MS, err, sizeof err);
  json_decref(req);
  ck_assert_msg(r != NULL, "db_client_call failed: %s", err);
  size_t len;
  const unsigned char *sections = db_client_sections(c, &len);
  return expand_rowsets(r, sections, len);
}
static json_t *callj(json_t *req) { return call_on(cl, req); }
#define CALL(...) callj(json_pack(__VA_ARGS__))

static json_t *expect_ok(json_t *r) {
  ck_assert_msg(json_is_true(json_object_get(r, "ok")), "expected ok, got %s", dump(r));
  return r;
}
#define OK(...) expect_ok(CALL(__VA_ARGS__))

static void expect_error(json_t *r, const char *code, const char *in_message) {
  ck_assert_msg(json_is_false(json_object_get(r, "ok")), "expected an error, got %s", dump(r));
  const char *c = json_string_value(json_object_get(r, "code"));
  const char *m = json_string_value(json_object_get(r, "message"));
  ck_assert_msg(c && strcmp(c, code) == 0, "expected code %s, got %s", code, dump(r));
  ck_assert_msg(m && strstr(m, in_message), "expected message with \"%s\", got %s", in_message, dump(r));
  json_decref(r);
}

static void exec_sql(const char *sql) { json_decref(OK("{s:s,s:s}", "op", "exec", "sql", sql)); }

/* Runs a one-row, one-column query and returns that cell (new reference). */
static json_t *query_cell(json_t *req) {
  json_t *r = expect_ok(callj(req));
  json_t *rows = json_object_get(r, "rows");
  ck_assert_msg(json_array_size(rows) == 1, "expected one row: %s", dump(r));
  json_t *cell = json_incref(json_array_get(json_array_get(rows, 0), 0));
  json_decref(r);
  return cell;
}

static long long query_int(const char *sql) {
  json_t *c = query_cell(json_pack("{s:s,s:s}", "op", "query", "sql", sql));
  ck_assert_msg(json_is_integer(c), "not an integer: %s", dump(c));
  long long v = json_integer_value(c);
  json_decref(c);
  return v;
}

/* Raw socket side, for what db_client would never do. */
static int raw_connect(void) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ck_assert_int_ge(fd, 0);
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  strcpy(sa.sun_path, sock_path);
  ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  return fd;
}

static void raw_send(int fd, const void *p, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR)
      continue;
    ck_assert_int_gt(w, 0);
    p = (const char *)p + w;
    n -= (size_t)w;
  }
}

/* Reads one frame, failing the test if nothing arrives for 30 s (generous:
 * valgrind is slow); *VERSION (if not NULL) is its protocol version.  Row
 * sets come back expanded. */
static json_t *raw_recv_version(int fd, struct evbuffer *in, int *version) {
  for (;;) {
    struct frame_in f;
    size_t flen;
    char err[128];
    int r = frame_decode_mem(evbuffer_pullup(in, -1), evbuffer_get_length(in), FRAME_DEFAULT_MAX_BYTES, &f, &flen,
                             err, sizeof err);
    ck_assert_int_ge(r, 0);
    if (r == 1) {
      expand_rowsets(f.msg, f.sections, f.sections_len);
      evbuffer_drain(in, flen);
      if (version != NULL)
        *version = f.version;
      return f.msg;
    }
    struct pollfd p = {.fd = fd, .events = POLLIN};
    ck_assert_int_eq(poll(&p, 1, 30000), 1);
    ck_assert_int_gt(evbuffer_read(in, fd, -1), 0);
  }
}

static json_t *raw_recv(int fd, struct evbuffer *in) { return raw_recv_version(fd, in, NULL); }

/* True if the peer closes FD within 3 s (reading and discarding data). */
static int raw_sees_eof(int fd) {
  char buf[256];
  for (;;) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 3000) != 1)
      return 0;
    ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0 || (n < 0 && errno == ECONNRESET))
      return 1;
    if (n < 0)
      return 0;
  }
}

static int rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(path);
}

/* ---- fixture ----------------------------------------------------------- */

static void setup(void) {
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
  listen_fd = make_listener(sock_path);
  cl = db_client_new(sock_path);
  ck_assert_ptr_nonnull(cl);
}

static void teardown(void) {
  db_client_free(cl);
  cl = NULL;
  if (broker_pid > 0) {
    int st = stop_broker(SIGTERM);
    ck_assert_msg(st == 0, "broker exit status %d", st);
  }
  if (listen_fd >= 0)
    close(listen_fd);
  listen_fd = -1;
  nftw(tmpdir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- tests ------------------------------------------------------------- */

START_TEST(test_basic) {
  start_broker();
  json_decref(OK("{s:s}", "op", "ping"));
  /* the reader has loaded the schema; a table the writer creates next must
   * still be visible to it (stale schema caches are re-read) */
  ck_assert_int_eq(query_int("SELECT count(*) FROM sqlite_schema WHERE name = 'early'"), 0);
  exec_sql("CREATE TABLE early (a); INSERT INTO early VALUES (1)");
  ck_assert_int_eq(query_int("SELECT count(*) FROM early"), 1);
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO early VALUES (2)"));
  exec_sql("DROP TABLE early");
  exec_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT UNIQUE, body TEXT);"
           "CREATE INDEX notes_body ON notes(body);");
  json_t *r = OK("{s:s,s:s,s:[s,s]}", "op", "execute", "sql", "INSERT INTO notes (title, body) VALUES (?, ?)",
                 "params", "first", "hello");
  ck_assert_int_eq(json_integer_value(json_object_get(r, "changes")), 1);
  ck_assert_int_eq(json_integer_value(json_object_get(r, "lastInsertRowid")), 1);
  json_decref(r);
  r = OK("{s:s,s:s,s:[s,n]}", "op", "execute", "sql", "INSERT INTO notes (title, body) VALUES (?, ?)",
         "params", "second");
  ck_assert_int_eq(json_integer_value(json_object_get(r, "lastInsertRowid")), 2);
  json_decref(r);
  r = OK("{s:s,s:s,s:[]}", "op", "execute", "sql", "UPDATE notes SET body = 'x'", "params");
  ck_assert_int_eq(json_integer_value(json_object_get(r, "changes")), 2);
  json_decref(r);
  /* a statement that changes nothing reports 0, not the previous count */
  r = OK("{s:s,s:s}", "op", "execute", "sql", "SELECT * FROM notes");
  ck_assert_int_eq(json_integer_value(json_object_get(r, "changes")), 0);
  json_decref(r);

  r = OK("{s:s,s:s,s:[i]}", "op", "query", "sql", "SELECT id, title AS t FROM notes WHERE id >= ? ORDER BY id",
         "params", 1);
  json_t *want = json_pack("{s:[s,s],s:[[i,s],[i,s]]}", "columns", "id", "t", "rows", 1, "first", 2, "second");
  ck_assert_msg(json_equal(json_object_get(r, "columns"), json_object_get(want, "columns")), "%s", dump(r));
  ck_assert_msg(json_equal(json_object_get(r, "rows"), json_object_get(want, "rows")), "%s", dump(r));
  json_decref(want);
  json_decref(r);

  /* empty result: columns still named */
  r = OK("{s:s,s:s}", "op", "query", "sql", "SELECT id FROM notes WHERE 0");
  ck_assert_int_eq(json_array_size(json_object_get(r, "rows")), 0);
  ck_assert_int_eq(json_array_size(json_object_get(r, "columns")), 1);
  json_decref(r);

  /* the connection is configured as promised */
  json_t *c = query_cell(json_pack("{s:s,s:s}", "op", "query", "sql", "PRAGMA journal_mode"));
  ck_assert_str_eq(json_string_value(c), "wal");
  json_decref(c);
  ck_assert_int_eq(query_int("PRAGMA foreign_keys"), 1);
  ck_assert_int_eq(query_int("PRAGMA synchronous"), 2);
  /* a trailing semicolon and comments are still one statement */
  ck_assert_int_eq(query_int("SELECT 7; -- seven\n /* done */ ;"), 7);
}
END_TEST

/* Sends V as a parameter of "SELECT ?1, typeof(?1)" and checks the value
 * comes back equal with SQLite type TYPE.  Steals V. */
static void round_trip(json_t *v, const char *type, json_t *expect) {
  json_t *r = expect_ok(CALL("{s:s,s:s,s:[O]}", "op", "query", "sql", "SELECT ?1, typeof(?1)", "params", v));
  json_t *row = json_array_get(json_object_get(r, "rows"), 0);
  json_t *got = json_array_get(row, 0);
  ck_assert_msg(json_equal(got, expect ? expect : v), "sent %s, got %s", dump(v), dump(r));
  ck_assert_msg(json_typeof(got) == json_typeof(expect ? expect : v), "type changed: %s", dump(r));
  ck_assert_str_eq(json_string_value(json_array_get(row, 1)), type);
  json_decref(r);
  json_decref(v);
  json_decref(expect);
}

START_TEST(test_types) {
  start_broker();
  round_trip(json_integer(INT64_MAX), "integer", NULL);
  round_trip(json_integer(INT64_MIN), "integer", NULL);
  round_trip(json_integer(9007199254740993LL), "integer", NULL);
  round_trip(json_integer(0), "integer", NULL);
  round_trip(json_real(1.5), "real", NULL);
  round_trip(json_real(1.0), "real", NULL);
  round_trip(json_real(-0.1), "real", NULL);
  round_trip(json_real(1e300), "real", NULL);
  round_trip(json_stringn("a\0b", 3), "text", NULL);
  round_trip(json_string(""), "text", NULL);
  round_trip(json_string("h\xc3\xa9llo \xe2\x82\xac"), "text", NULL);
  round_trip(json_pack("{s:s}", "$blob", "AAEA/w=="), "blob", NULL); /* 00 01 00 ff */
  round_trip(json_pack("{s:s}", "$blob", "AA=="), "blob", NULL);
  round_trip(json_pack("{s:s}", "$blob", "AAA="), "blob", NULL);
  round_trip(json_pack("{s:s}", "$blob", ""), "blob", NULL);
  round_trip(json_null(), "null", NULL);
  round_trip(json_true(), "integer", json_integer(1));
  round_trip(json_false(), "integer", json_integer(0));

  /* ...and through storage, with the bytes checked on the SQLite side */
  exec_sql("CREATE TABLE v (k INTEGER PRIMARY KEY, x)");
  json_t *r = OK("{s:s,s:s,s:[I,I,f,s%,{s:s}]}", "op", "execute", "sql",
                 "INSERT INTO v (x) VALUES (?), (?), (?), (?), (?)", "params", (json_int_t)INT64_MAX,
                 (json_int_t)INT64_MIN, 1.0, "x\0y", (size_t)3, "$blob", "AAEA/w==");
  ck_assert_int_eq(json_integer_value(json_object_get(r, "changes")), 5);
  json_decref(r);
  ck_assert_int_eq(query_int("SELECT count(*) FROM v WHERE k = 1 AND x = 9223372036854775807"), 1);
  ck_assert_int_eq(query_int("SELECT count(*) FROM v WHERE k = 2 AND x = -9223372036854775807 - 1"), 1);
  ck_assert_int_eq(query_int("SELECT typeof(x) = 'real' AND x = 1.0 FROM v WHERE k = 3"), 1);
  ck_assert_int_eq(query_int("SELECT length(CAST(x AS BLOB)) = 3 AND CAST(x AS BLOB) = x'780079' FROM v WHERE k = 4"), 1);
  ck_assert_int_eq(query_int("SELECT x = x'000100ff' FROM v WHERE k = 5"), 1);
  r = OK("{s:s,s:s}", "op", "query", "sql", "SELECT x FROM v ORDER BY k");
  json_t *want = json_pack("[[I],[I],[f],[s%],[{s:s}]]", (json_int_t)INT64_MAX, (json_int_t)INT64_MIN, 1.0,
                           "x\0y", (size_t)3, "$blob", "AAEA/w==");
  ck_assert_msg(json_equal(json_object_get(r, "rows"), want), "%s", dump(r));
  ck_assert(json_is_real(json_array_get(json_array_get(json_object_get(r, "rows"), 2), 0)));
  json_decref(want);
  json_decref(r);
}
END_TEST

START_TEST(test_errors) {
  start_broker();
  exec_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT UNIQUE NOT NULL);"
           "CREATE TABLE tags (note INTEGER NOT NULL REFERENCES notes(id));"
           "INSERT INTO notes (id, title) VALUES (1, 'a');");
  json_t *r = CALL("{s:s,s:s,s:[s]}", "op", "execute", "sql", "INSERT INTO notes (title) VALUES (?)", "params", "a");
  ck_assert_str_eq(json_string_value(json_object_get(r, "primary")), "SQLITE_CONSTRAINT");
  ck_assert_int_eq(json_integer_value(json_object_get(r, "errcode")), 2067);
  ck_assert(json_is_integer(json_object_get(r, "id")));
  expect_error(r, "SQLITE_CONSTRAINT_UNIQUE", "UNIQUE constraint failed: notes.title");
  expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO notes (id, title) VALUES (1, 'b')"),
               "SQLITE_CONSTRAINT_PRIMARYKEY", "notes.id");
  expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO notes (id) VALUES (5)"),
               "SQLITE_CONSTRAINT_NOTNULL", "notes.title");
  expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO tags VALUES (42)"),
               "SQLITE_CONSTRAINT_FOREIGNKEY", "FOREIGN KEY");
  r = CALL("{s:s,s:s}", "op", "query", "sql", "SELEC 1");
  ck_assert_int_eq(json_integer_value(json_object_get(r, "errcode")), 1);
  expect_error(r, "SQLITE_ERROR", "syntax error");
  expect_error(CALL("{s:s,s:s}", "op", "query", "sql", "SELECT * FROM nope"), "SQLITE_ERROR", "no such table");
  expect_error(CALL("{s:s,s:s}", "op", "query", "sql", "SELECT 1; SELECT 2"), "JSFPM_BAD_REQUEST",
               "more than one statement");
  expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", "DELETE FROM notes; DROP TABLE notes"),
               "JSFPM_BAD_REQUEST", "more than one statement");
  ck_assert_int_eq(query_int("SELECT count(*) FROM notes"), 1); /* nothing ran */
  expect_error(CALL("{s:s,s:s}", "op", "query", "sql", "  -- nothing\n"), "JSFPM_BAD_REQUEST", "no statement");
  expect_error(CALL("{s:s,s:s,s:[i,i]}", "op", "query", "sql", "SELECT ?", "params", 1, 2), "SQLITE_RANGE",
               "takes 1 parameter but 2 were given");
  expect_error(CALL("{s:s,s:s}", "op", "query", "sql", "SELECT ?, ?"), "SQLITE_RANGE", "takes 2 parameters");
  expect_error(CALL("{s:s,s:s,s:[i]}", "op", "query", "sql", "SELECT :name", "params", 1), "JSFPM_BAD_REQUEST",
               "named parameter :name");
  expect_error(CALL("{s:s,s:s,s:[[]]}", "op", "query", "sql", "SELECT ?", "params"), "JSFPM_BAD_REQUEST",
               "parameter 1: unsupported type");
  expect_error(CALL("{s:s,s:s,s:[i,{s:i}]}", "op", "query", "sql", "SELECT ?, ?", "params", 1, "a", 1),
               "JSFPM_BAD_REQUEST", "parameter 2: unsupported type");
  expect_error(CALL("{s:s,s:s,s:[{s:s,s:i}]}", "op", "query", "sql", "SELECT ?", "params", "$blob", "AA==", "x", 1),
               "JSFPM_BAD_REQUEST", "parameter 1: unsupported type");
  const char *bad_b64[] = {"A", "AAA", "A===", "AA=A", "AA*=", "AAAA ", "=AAA"};
  for (size_t i = 0; i < sizeof bad_b64 / sizeof *bad_b64; i++)
    expect_error(CALL("{s:s,s:s,s:[{s:s}]}", "op", "query", "sql", "SELECT ?", "params", "$blob", bad_b64[i]),
                 "JSFPM_BAD_REQUEST", "not valid base64");
  expect_error(CALL("{s:s,s:s,s:i}", "op", "query", "sql", "SELECT ?", "params", 1), "JSFPM_BAD_REQUEST",
               "\"params\" must be an array");
  expect_error(CALL("{s:s}", "op", "frobnicate"), "JSFPM_BAD_REQUEST", "unknown op");
  expect_error(CALL("{s:i}", "op", 1), "JSFPM_BAD_REQUEST", "\"op\"");
  expect_error(CALL("{s:s}", "op", "query"), "JSFPM_BAD_REQUEST", "\"sql\" must be a string");
  expect_error(CALL("{s:s,s:s%}", "op", "query", "sql", "SELECT 1\0; DROP TABLE notes", (size_t)27),
               "JSFPM_BAD_REQUEST", "NUL");
  expect_error(CALL("{s:s,s:s,s:[i]}", "op", "exec", "sql", "SELECT ?", "params", 1), "JSFPM_BAD_REQUEST",
               "takes no");
  expect_error(CALL("{s:s,s:s}", "op", "exec", "sql", "CREATE TABLE x1 (a); CREATE TABLE x1 (a)"),
               "SQLITE_ERROR", "already exists");
  /* values JSON cannot carry are errors, not silent conversions */
  expect_error(CALL("{s:s,s:s}", "op", "query", "sql", "SELECT 1e999 AS big"), "JSFPM_UNREPRESENTABLE", "\"big\"");
  expect_error(CALL("{s:s,s:s}", "op", "query", "sql", "SELECT CAST(x'ff' AS TEXT)"), "JSFPM_UNREPRESENTABLE",
               "UTF-8");
  /* the defensive/extension settings hold */
  expect_error(CALL("{s:s,s:s}", "op", "query", "sql", "SELECT load_extension('/nonexistent')"), "SQLITE_AUTH",
               "load_extension() is not allowed");
  /* transactions are ops, never SQL: a statement cannot leave one open */
  expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", "BEGIN"), "SQLITE_AUTH", "db.transaction()");
  expect_error(CALL("{s:s,s:s}", "op", "exec", "sql", "BEGIN; INSERT INTO notes (title) VALUES ('t')"),
               "SQLITE_AUTH", "db.transaction()");
  expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", "SAVEPOINT x"), "SQLITE_AUTH", "not allowed");
  ck_assert_int_eq(query_int("SELECT count(*) FROM notes"), 1);
  /* the broker still serves after all that */
  ck_assert_int_eq(query_int("SELECT count(*) FROM notes"), 1);
}
END_TEST

START_TEST(test_code_names) {
  ck_assert_str_eq(broker_code_name(SQLITE_OK), "SQLITE_OK");
  ck_assert_str_eq(broker_code_name(SQLITE_DONE), "SQLITE_DONE");
  ck_assert_str_eq(broker_code_name(SQLITE_CONSTRAINT_UNIQUE), "SQLITE_CONSTRAINT_UNIQUE");
  ck_assert_str_eq(broker_code_name(2067), "SQLITE_CONSTRAINT_UNIQUE");
  ck_assert_str_eq(broker_code_name(SQLITE_IOERR_CORRUPTFS), "SQLITE_IOERR_CORRUPTFS");
  ck_assert_str_eq(broker_code_name(SQLITE_BUSY_TIMEOUT), "SQLITE_BUSY_TIMEOUT");
  ck_assert_str_eq(broker_code_name(SQLITE_READONLY_DIRECTORY), "SQLITE_READONLY_DIRECTORY");
  ck_assert_str_eq(broker_code_name(SQLITE_CONSTRAINT_DATATYPE), "SQLITE_CONSTRAINT_DATATYPE");
  ck_assert_str_eq(broker_code_name(SQLITE_WARNING_AUTOINDEX), "SQLITE_WARNING_AUTOINDEX");
  ck_assert_str_eq(broker_code_name(SQLITE_AUTH_USER), "SQLITE_AUTH_USER");
  ck_assert_str_eq(broker_code_name(SQLITE_OK_LOAD_PERMANENTLY), "SQLITE_OK_LOAD_PERMANENTLY");
  ck_assert_str_eq(broker_code_name(SQLITE_OK_SYMLINK), "SQLITE_OK_SYMLINK");
  ck_assert_str_eq(broker_code_name(SQLITE_ABORT_ROLLBACK), "SQLITE_ABORT_ROLLBACK");
  /* an extended code this table does not know falls back to its primary */
  ck_assert_str_eq(broker_code_name(SQLITE_CONSTRAINT | (99 << 8)), "SQLITE_CONSTRAINT");
  ck_assert_str_eq(broker_code_name(SQLITE_IOERR | (200 << 8)), "SQLITE_IOERR");
  ck_assert_str_eq(broker_code_name(250), "SQLITE_UNKNOWN");
}
END_TEST

START_TEST(test_statement_cache) {
  start_broker();
  exec_sql("CREATE TABLE t (a); INSERT INTO t VALUES (1)");
  json_t *r = OK("{s:s,s:s}", "op", "query", "sql", "SELECT * FROM t");
  ck_assert_int_eq(json_array_size(json_object_get(r, "columns")), 1);
  json_decref(r);
  /* a cached statement follows schema changes */
  exec_sql("ALTER TABLE t ADD COLUMN b DEFAULT 2");
  r = OK("{s:s,s:s}", "op", "query", "sql", "SELECT * FROM t");
  ck_assert_int_eq(json_array_size(json_object_get(r, "columns")), 2);
  json_decref(r);
  /* more distinct statements than the cache holds, then the first again */
  for (int i = 0; i < 300; i++) {
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT %d + ?", i);
    json_t *c = query_cell(json_pack("{s:s,s:s,s:[i]}", "op", "query", "sql", sql, "params", i));
    ck_assert_int_eq(json_integer_value(c), 2 * i);
    json_decref(c);
  }
  ck_assert_int_eq(query_int("SELECT b FROM t"), 2);
  /* a statement interrupted by an error is reset: the next use starts over */
  exec_sql("CREATE TABLE u (x INTEGER UNIQUE)");
  for (int i = 0; i < 3; i++) {
    json_t *e = CALL("{s:s,s:s,s:[i]}", "op", "execute", "sql", "INSERT INTO u VALUES (?)", "params", 5);
    if (i == 0)
      json_decref(expect_ok(e));
    else
      expect_error(e, "SQLITE_CONSTRAINT_UNIQUE", "u.x");
  }
}
END_TEST

START_TEST(test_pipelining) {
  start_broker();
  exec_sql("CREATE TABLE p (x)");
  int fd = raw_connect();
  struct evbuffer *out = evbuffer_new(), *in = evbuffer_new();
  json_t *reqs[4] = {
      json_pack("{s:i,s:s,s:s,s:[i]}", "id", 10, "op", "execute", "sql", "INSERT INTO p VALUES (?)", "params", 1),
      json_pack("{s:i,s:s,s:s}", "id", 11, "op", "query", "sql", "SELEC"),
      json_pack("{s:i,s:s,s:s,s:[i]}", "id", 12, "op", "execute", "sql", "INSERT INTO p VALUES (?)", "params", 2),
      json_pack("{s:i,s:s,s:s}", "id", 13, "op", "query", "sql", "SELECT count(*) FROM p"),
  };
  for (int i = 0; i < 4; i++) {
    ck_assert_int_eq(frame_encode(out, reqs[i], FRAME_VERSION), 0);
    json_decref(reqs[i]);
  }
  /* everything sent before anything is read */
  size_t n = evbuffer_get_length(out);
  raw_send(fd, evbuffer_pullup(out, -1), n);
  for (int i = 0; i < 4; i++) {
    json_t *r = raw_recv(fd, in);
    ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 10 + i);
    ck_assert_msg(json_is_true(json_object_get(r, "ok")) == (i != 1), "%s", dump(r));
    if (i == 3)
      ck_assert_int_eq(json_integer_value(json_array_get(json_array_get(json_object_get(r, "rows"), 0), 0)), 2);
    json_decref(r);
  }
  /* a request without an integer id still gets an answer, with id null */
  evbuffer_drain(out, evbuffer_get_length(out));
  json_t *noid = json_pack("{s:s}", "op", "ping");
  ck_assert_int_eq(frame_encode(out, noid, FRAME_VERSION), 0);
  json_decref(noid);
  n = evbuffer_get_length(out);
  raw_send(fd, evbuffer_pullup(out, -1), n);
  json_t *r = raw_recv(fd, in);
  ck_assert(json_is_null(json_object_get(r, "id")));
  expect_error(r, "JSFPM_BAD_REQUEST", "\"id\"");
  evbuffer_free(out);
  evbuffer_free(in);
  close(fd);
}
END_TEST

START_TEST(test_migrations) {
  write_file(mig_dir, "001_notes.sql", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n");
  write_file(mig_dir, "002_seed.sql", "INSERT INTO notes (body) VALUES ('seed');\n");
  write_file(mig_dir, "010_index.sql", "CREATE INDEX notes_body ON notes(body);");
  write_file(mig_dir, "README", "not a migration");
  write_file(mig_dir, "notes.sql", "CREATE TABLE must_not_exist (a);");
  start_broker();
  json_t *r = OK("{s:s,s:s}", "op", "query", "sql", "SELECT version, name FROM jsfpm_migrations ORDER BY version");
  json_t *want = json_pack("[[i,s],[i,s],[i,s]]", 1, "001_notes.sql", 2, "002_seed.sql", 10, "010_index.sql");
  ck_assert_msg(json_equal(json_object_get(r, "rows"), want), "%s", dump(r));
  json_decref(want);
  json_decref(r);
  ck_assert_int_eq(query_int("SELECT count(*) FROM notes"), 1);
  ck_assert_int_eq(query_int("SELECT count(*) FROM jsfpm_migrations WHERE applied_at IS NOT NULL"), 3);
  ck_assert_int_eq(query_int("SELECT count(*) FROM sqlite_schema WHERE name = 'must_not_exist'"), 0);
  ck_assert_int_eq(stop_broker(SIGTERM), 0);

  /* restart with one more: only the new one runs (002 would add a row) */
  write_file(mig_dir, "003_more.sql", "INSERT INTO notes (body) VALUES ('more');");
  start_broker();
  ck_assert_int_eq(query_int("SELECT count(*) FROM notes"), 2);
  ck_assert_int_eq(query_int("SELECT count(*) FROM jsfpm_migrations"), 4);
  ck_assert_int_eq(stop_broker(SIGTERM), 0);
  start_broker();
  ck_assert_int_eq(query_int("SELECT count(*) FROM notes"), 2);
}
END_TEST

START_TEST(test_no_migrations_dir) {
  ck_assert_int_eq(rmdir(mig_dir), 0);
  start_broker();
  ck_assert_int_eq(query_int("SELECT 1"), 1);
}
END_TEST

static void expect_broker_fails(const char *what) {
  fflush(NULL);
  pid_t pid = spawn_broker(listen_fd, 0);
  int st = reap(pid);
  ck_assert_msg(st != 0 && st < 128, "%s: broker exit status %d, expected a non-zero exit", what, st);
}

START_TEST(test_broken_migration) {
  write_file(mig_dir, "001_ok.sql", "CREATE TABLE ok1 (a);");
  write_file(mig_dir, "002_broken.sql", "CREATE TABLE half (a);\nINSERT INTO nope VALUES (1);\n");
  expect_broker_fails("broken migration");

  sqlite3 *db;
  ck_assert_int_eq(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  sqlite3_stmt *st;
  ck_assert_int_eq(sqlite3_prepare_v2(db,
                                      "SELECT (SELECT count(*) FROM sqlite_schema WHERE name = 'half'),"
                                      " (SELECT count(*) FROM sqlite_schema WHERE name = 'ok1'),"
                                      " (SELECT group_concat(version) FROM jsfpm_migrations)",
                                      -1, &st, NULL),
                   SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
  ck_assert_int_eq(sqlite3_column_int(st, 0), 0); /* rolled back */
  ck_assert_int_eq(sqlite3_column_int(st, 1), 1); /* the good one stays */
  ck_assert_str_eq((const char *)sqlite3_column_text(st, 2), "1");
  sqlite3_finalize(st);
  ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);

  /* a migration may not end the transaction it runs in */
  write_file(mig_dir, "002_broken.sql", "CREATE TABLE half (a); COMMIT;");
  expect_broker_fails("migration with COMMIT");
  /* two files for one version */
  write_file(mig_dir, "002_broken.sql", "CREATE TABLE half (a);");
  write_file(mig_dir, "2_again.sql", "CREATE TABLE again (a);");
  expect_broker_fails("duplicate version");
}
END_TEST

START_TEST(test_bad_db) {
  write_file(tmpdir, "test.db", "this is not a database, just some text that is long enough......");
  expect_broker_fails("not a database");
  snprintf(db_path, sizeof db_path, "%s/missing-dir/test.db", tmpdir);
  expect_broker_fails("missing directory");
}
END_TEST

START_TEST(test_sigterm) {
  start_broker();
  exec_sql("CREATE TABLE t (a); INSERT INTO t VALUES (1)");
  char wal[160];
  snprintf(wal, sizeof wal, "%s-wal", db_path);
  ck_assert_int_eq(access(wal, F_OK), 0); /* WAL mode in use */
  ck_assert_int_eq(stop_broker(SIGTERM), 0);
  /* a clean close checkpoints and removes the WAL */
  ck_assert_int_eq(access(wal, F_OK), -1);
  start_broker();
  ck_assert_int_eq(stop_broker(SIGINT), 0);
  start_broker();
  ck_assert_int_eq(stop_broker(SIGQUIT), 0);
}
END_TEST

START_TEST(test_bad_frame) {
  start_broker();
  json_decref(OK("{s:s}", "op", "ping"));
  /* oversized length */
  int fd = raw_connect();
  unsigned char huge[4] = {0xff, 0xff, 0xff, 0xff};
  raw_send(fd, huge, 4);
  ck_assert(raw_sees_eof(fd));
  close(fd);
  /* invalid JSON, after a good frame whose reply must still arrive */
  fd = raw_connect();
  struct evbuffer *out = evbuffer_new(), *in = evbuffer_new();
  json_t *ping = json_pack("{s:i,s:s}", "id", 1, "op", "ping");
  ck_assert_int_eq(frame_encode(out, ping, FRAME_VERSION), 0);
  json_decref(ping);
  ck_assert_int_eq(evbuffer_add(out, "\0\0\0\x05{bad}", 9), 0);
  size_t n = evbuffer_get_length(out);
  raw_send(fd, evbuffer_pullup(out, -1), n);
  json_t *r = raw_recv(fd, in);
  json_decref(expect_ok(r));
  ck_assert(raw_sees_eof(fd));
  close(fd);
  /* a JSON array */
  fd = raw_connect();
  raw_send(fd, "\0\0\0\x02[]", 6);
  ck_assert(raw_sees_eof(fd));
  close(fd);
  evbuffer_free(out);
  evbuffer_free(in);
  /* the well-behaved client is unaffected */
  json_decref(OK("{s:s}", "op", "ping"));
}
END_TEST

/* utime + stime of PID in clock ticks, from /proc/PID/stat. */
static long cpu_ticks(pid_t pid) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
  FILE *f = fopen(path, "r");
  ck_assert_ptr_nonnull(f);
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  char *p = strrchr(buf, ')'); /* the command name may hold spaces */
  ck_assert_ptr_nonnull(p);
  unsigned long utime = 0, stime = 0;
  ck_assert_int_eq(sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime), 2);
  return (long)(utime + stime);
}

/* The scheduler state of PID from /proc/PID/stat: 'R' while it runs or
 * waits for a CPU (polling, even when other processes hold the CPUs), 'S'
 * while it sleeps in the kernel. */
static char proc_state(pid_t pid) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
  FILE *f = fopen(path, "r");
  ck_assert_ptr_nonnull(f);
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  char *p = strrchr(buf, ')'); /* the command name may hold spaces */
  ck_assert_ptr_nonnull(p);
  return p[2];
}

/* busy_poll_us: after serving a request the broker polls (runnable) for
 * the window, then sleeps; requests are served either way, and a stop
 * signal still ends it (teardown).  Judged by the broker's scheduler state,
 * not by CPU time: a polling broker yields the CPU to anything runnable, so
 * on a loaded machine it may get few ticks, but it stays runnable. */
START_TEST(test_busy_poll) {
  cfg.db_busy_poll_us = 100000; /* 100 ms, the largest window */
  start_broker();
  int polling_seen = 0;
  for (int i = 0; i < 10 && !polling_seen; i++) {
    json_decref(OK("{s:s}", "op", "ping"));
    sleep_ms(20); /* well inside the window, well past serving the ping */
    polling_seen = proc_state(broker_pid) == 'R';
    sleep_ms(130); /* past the window: the next ping finds it asleep */
  }
  ck_assert_msg(polling_seen, "the broker was never runnable right after a reply (not polling?)");
  sleep_ms(200);
  int sleeping = 0;
  for (int i = 0; i < 20; i++) {
    sleeping += proc_state(broker_pid) == 'S';
    sleep_ms(10);
  }
  /* Past the window it sleeps: on an idle broker an odd sample may catch
   * a housekeeping timer, never most of them. */
  ck_assert_msg(sleeping >= 15, "broker asleep in only %d of 20 samples 200 ms after its last request", sleeping);
  long t1 = cpu_ticks(broker_pid);
  sleep_ms(500);
  long idle = cpu_ticks(broker_pid) - t1;
  ck_assert_msg(idle <= 3, "broker used %ld ticks in 500 ms without requests (still polling?)", idle);
  json_decref(OK("{s:s}", "op", "ping"));
}
END_TEST

START_TEST(test_backpressure) {
  /* 24 replies of ~1.4 MB sent to a client that reads nothing until all
   * its requests are in: the broker pauses that connection past 16 MB of
   * unsent output and resumes as it drains; every reply arrives, in order.
   * max_result_size off: the frame limit itself is tested below. */
  cfg.db_max_result_bytes = 0;
  start_broker();
  int fd = raw_connect();
  struct evbuffer *out = evbuffer_new(), *in = evbuffer_new();
  for (int i = 0; i < 24; i++) {
    json_t *q = json_pack("{s:i,s:s,s:s,s:[i]}", "id", i, "op", "query", "sql", "SELECT zeroblob(?)", "params",
                          1000000 + i);
    ck_assert_int_eq(frame_encode(out, q, FRAME_VERSION), 0);
    json_decref(q);
  }
  size_t n = evbuffer_get_length(out);
  raw_send(fd, evbuffer_pullup(out, -1), n);
  sleep_ms(100);
  for (int i = 0; i < 24; i++) {
    json_t *r = raw_recv(fd, in);
    ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), i);
    json_t *b = json_object_get(json_array_get(json_array_get(json_object_get(r, "rows"), 0), 0), "$blob");
    ck_assert_uint_eq(json_string_length(b), (1000000 + i + 2) / 3 * 4);
    json_decref(r);
  }
  evbuffer_free(out);
  evbuffer_free(in);
  close(fd);
  /* a result over the frame limit becomes an error for that id (a long
   * timeout: 72 MB of blobs are slow to copy under valgrind) */
  json_t *big = json_pack("{s:s,s:s}", "op", "query", "sql",
                          "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 8) "
                          "SELECT zeroblob(9000000) FROM c");
  char err[256] = "";
  json_t *r = db_client_call(cl, big, 120000, err, sizeof err);
  json_decref(big);
  ck_assert_msg(r != NULL, "%s", err);
  expect_error(r, "JSFPM_RESULT_TOO_LARGE", "frame limit");
  json_decref(OK("{s:s}", "op", "ping"));
}
END_TEST

START_TEST(test_reconnect) {
  start_broker();
  exec_sql("CREATE TABLE t (a)");
  ck_assert_int_eq(stop_broker(SIGKILL), 128 + SIGKILL);
  /* the client's idle connection is dead; a new broker on the same socket */
  start_broker();
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (1)"));
  ck_assert_int_eq(query_int("SELECT count(*) FROM t"), 1);

  /* a call made while no broker runs waits for the next one */
  ck_assert_int_eq(stop_broker(SIGKILL), 128 + SIGKILL);
  broker_pid = spawn_broker(listen_fd, 300);
  long long t0 = clock_mono_ms();
  ck_assert_int_eq(query_int("SELECT count(*) FROM t"), 1);
  ck_assert_int_ge(clock_mono_ms() - t0, 250);
}
END_TEST

START_TEST(test_connect_retry) {
  /* no socket yet: the client retries until it appears */
  char path2[160];
  snprintf(path2, sizeof path2, "%s/late.sock", tmpdir);
  struct db_client *late = db_client_new(path2);
  pid_t pid = fork_blocked();
  if (pid == 0) {
    sleep_ms(200);
    int lfd = make_listener(path2);
    exit(broker_main(&cfg, lfd));
  }
  broker_pid = pid;
  json_t *req = json_pack("{s:s}", "op", "ping");
  char err[256] = "";
  long long t0 = clock_mono_ms();
  json_t *r = db_client_call(late, req, 3000, err, sizeof err);
  ck_assert_msg(r != NULL, "%s", err);
  ck_assert_int_ge(clock_mono_ms() - t0, 150);
  json_decref(expect_ok(r));
  json_decref(req);
  db_client_free(late);
}
END_TEST

START_TEST(test_unavailable) {
  char path2[160];
  snprintf(path2, sizeof path2, "%s/nobody.sock", tmpdir);
  struct db_client *c = db_client_new(path2);
  json_t *req = json_pack("{s:s}", "op", "ping");
  char err[256] = "";
  long long t0 = clock_mono_ms();
  ck_assert_ptr_null(db_client_call(c, req, 200, err, sizeof err));
  long long took = clock_mono_ms() - t0;
  ck_assert_msg(strstr(err, "database broker unavailable") != NULL, "%s", err);
  ck_assert_int_ge(took, 190);
  ck_assert_int_lt(took, 1000);
  /* the caller's object is untouched: no id was added to it */
  ck_assert_ptr_null(json_object_get(req, "id"));
  ck_assert_int_eq(req->refcount, 1);
  json_decref(req);
  db_client_free(c);
}
END_TEST

START_TEST(test_timeout) {
  start_broker();
  json_decref(OK("{s:s}", "op", "ping"));
  ck_assert_int_eq(kill(broker_pid, SIGSTOP), 0);
  json_t *req = json_pack("{s:s}", "op", "ping");
  char err[256] = "";
  long long t0 = clock_mono_ms();
  ck_assert_ptr_null(db_client_call(cl, req, 200, err, sizeof err));
  long long took = clock_mono_ms() - t0;
  json_decref(req);
  ck_assert_msg(strstr(err, "database call timed out after 200 ms") != NULL, "%s", err);
  ck_assert_int_ge(took, 190);
  ck_assert_int_lt(took, 1500);
  /* the broker answers into a closed socket (must survive that), and the
   * next call gets its own answer on a new connection */
  ck_assert_int_eq(kill(broker_pid, SIGCONT), 0);
  json_t *c = query_cell(json_pack("{s:s,s:s}", "op", "query", "sql", "SELECT 'fresh'"));
  ck_assert_str_eq(json_string_value(c), "fresh");
  json_decref(c);
}
END_TEST

START_TEST(test_killed_in_flight) {
  start_broker();
  json_decref(OK("{s:s}", "op", "ping")); /* connection accepted */
  ck_assert_int_eq(kill(broker_pid, SIGSTOP), 0);
  fflush(NULL);
  pid_t killer = fork();
  ck_assert_int_ge(killer, 0);
  if (killer == 0) {
    sleep_ms(200);
    _exit(kill(broker_pid, SIGKILL) == 0 ? 0 : 1);
  }
  json_t *req = json_pack("{s:s,s:s}", "op", "execute", "sql", "CREATE TABLE never (a)");
  char err[256] = "";
  long long t0 = clock_mono_ms();
  ck_assert_ptr_null(db_client_call(cl, req, CALL_TIMEOUT_MS, err, sizeof err));
  long long took = clock_mono_ms() - t0;
  json_decref(req);
  ck_assert_msg(strstr(err, "connection lost during the call") != NULL, "%s", err);
  ck_assert_int_lt(took, 2000);
  ck_assert_int_eq(reap(killer), 0);
  ck_assert_int_eq(reap(broker_pid), 128 + SIGKILL);
  broker_pid = -1;
  /* and the next broker serves the same client */
  start_broker();
  json_decref(OK("{s:s}", "op", "ping"));
}
END_TEST

START_TEST(test_peer_uid) {
  if (geteuid() != 0)
    return; /* needs root to connect as another uid */
  start_broker();
  /* let uid 65534 reach the socket, so only SO_PEERCRED can refuse it */
  ck_assert_int_eq(chmod(tmpdir, 0711), 0);
  ck_assert_int_eq(chmod(sock_path, 0666), 0);
  fflush(NULL);
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
      _exit(2);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    strcpy(sa.sun_path, sock_path);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
      _exit(3);
    if (send(fd, "\0\0\0\x15{\"id\":1,\"op\":\"ping\"}", 25, MSG_NOSIGNAL) != 25)
      _exit(0); /* already closed: refused */
    char b[64];
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 3000) != 1)
      _exit(4);
    ssize_t n = read(fd, b, sizeof b);
    _exit(n <= 0 ? 0 : 5); /* EOF (or reset) without a reply */
  }
  ck_assert_int_eq(reap(pid), 0);
  json_decref(OK("{s:s}", "op", "ping"));
}
END_TEST

/* ---- protocol versions (issue 20) -------------------------------------- */

/* Sends REQ (stolen) on FD as a frame of protocol VERSION. */
static void raw_send_version(int fd, json_t *req, int version) {
  struct evbuffer *out = evbuffer_new();
  ck_assert_int_eq(frame_encode(out, req, version), 0);
  json_decref(req);
  raw_send(fd, evbuffer_pullup(out, -1), evbuffer_get_length(out));
  evbuffer_free(out);
}

/* A client of protocol 1 (a worker of an older jsfpm) meets this broker:
 * its handshake ping is answered in protocol 1 with this broker's version,
 * every other request is refused with JSFPM_PROTOCOL, in protocol 1 and
 * with its id, and nothing it asked for runs. */
START_TEST(test_protocol_old_client) {
  start_broker();
  exec_sql("CREATE TABLE t (a)");
  int fd = raw_connect();
  struct evbuffer *in = evbuffer_new();
  int version = 0;
  raw_send_version(fd, json_pack("{s:i,s:s}", "id", 1, "op", "ping"), 1);
  json_t *r = raw_recv_version(fd, in, &version);
  ck_assert_int_eq(version, 1);
  ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 1);
  ck_assert_int_eq(json_integer_value(json_object_get(r, "protocol")), FRAME_VERSION);
  json_decref(expect_ok(r));
  const char *ops[] = {"execute", "query", "exec", "begin"};
  for (int i = 0; i < 4; i++) {
    raw_send_version(fd, json_pack("{s:i,s:s,s:s}", "id", 10 + i, "op", ops[i], "sql", "INSERT INTO t VALUES (1)"),
                     1);
    r = raw_recv_version(fd, in, &version);
    ck_assert_int_eq(version, 1);
    ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 10 + i);
    expect_error(r, "JSFPM_PROTOCOL", "protocol version 2 and this worker version 1");
  }
  ck_assert_int_eq(query_int("SELECT count(*) FROM t"), 0);
  /* the connection stays usable in protocol 2 */
  raw_send_version(fd, json_pack("{s:i,s:s,s:s}", "id", 20, "op", "query", "sql", "SELECT 42"), FRAME_VERSION);
  r = raw_recv_version(fd, in, &version);
  ck_assert_int_eq(version, 2);
  ck_assert_int_eq(json_integer_value(json_array_get(json_array_get(json_object_get(r, "rows"), 0), 0)), 42);
  json_decref(r);
  evbuffer_free(in);
  close(fd);
}
END_TEST

/* This worker's client meets a broker of protocol 1 (stood in for by a
 * process that answers as one did: a ping with a bare ok, and a frame it
 * cannot parse by closing the connection): the call fails with
 * JSFPM_PROTOCOL and the statement never reaches that broker. */
START_TEST(test_protocol_old_broker) {
  char old_path[160];
  snprintf(old_path, sizeof old_path, "%s/old.sock", tmpdir);
  int lfd = make_listener(old_path), report[2];
  ck_assert_int_eq(pipe(report), 0);
  fflush(NULL);
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    int fd = accept(lfd, NULL, NULL), frames = 0, handshake = 0;
    struct evbuffer *in = evbuffer_new(), *out = evbuffer_new();
    for (;;) {
      json_t *m = NULL;
      char err[128];
      int version, r = frame_decode(in, FRAME_DEFAULT_MAX_BYTES, &m, &version, err, sizeof err);
      if (r < 0 || (r > 0 && version != 1))
        break; /* a protocol 1 broker closes on what it cannot parse */
      if (r > 0) {
        frames++;
        const char *op = json_string_value(json_object_get(m, "op"));
        handshake = op && strcmp(op, "ping") == 0 && json_integer_value(json_object_get(m, "protocol")) == 2;
        json_t *reply = json_pack("{s:O,s:b}", "id", json_object_get(m, "id"), "ok", 1);
        json_decref(m);
        frame_encode(out, reply, 1);
        json_decref(reply);
        if (evbuffer_write(out, fd) < 0)
          break;
        continue;
      }
      if (evbuffer_read(in, fd, -1) <= 0)
        break;
    }
    int result = frames * 10 + handshake;
    if (write(report[1], &result, sizeof result) != sizeof result)
      _exit(3);
    _exit(0);
  }
  close(report[1]);
  struct db_client *c = db_client_new(old_path);
  char err[256] = "";
  json_t *req = json_pack("{s:s,s:s}", "op", "execute", "sql", "DELETE FROM t");
  json_t *r = db_client_call(c, req, CALL_TIMEOUT_MS, err, sizeof err);
  json_decref(req);
  ck_assert_msg(r != NULL, "%s", err);
  expect_error(r, "JSFPM_PROTOCOL", "protocol version 1 and this worker version 2");
  db_client_free(c);
  int result = -1;
  ck_assert_int_eq(read(report[0], &result, sizeof result), sizeof result);
  ck_assert_msg(result == 11, "the old broker saw %d frames (handshake %s)", result / 10, result % 10 ? "yes" : "no");
  ck_assert_int_eq(reap(pid), 0);
  close(report[0]);
  close(lfd);
}
END_TEST

/* A column name that is not UTF-8 (possible only through a migration or a
 * database written by other tools) fails the query with a clear error: a
 * row set carries UTF-8 only. */
START_TEST(test_column_name_not_utf8) {
  write_file(mig_dir, "001_bad.sql", "CREATE TABLE bad (\"x\xff\" INTEGER); INSERT INTO bad VALUES (7);\n");
  start_broker();
  expect_error(CALL("{s:s,s:s}", "op", "query", "sql", "SELECT * FROM bad"), "JSFPM_UNREPRESENTABLE",
               "the name of column 1 is not valid UTF-8");
  ck_assert_int_eq(query_int("SELECT count(*) FROM bad"), 1); /* and the broker serves on */
}
END_TEST

/* ---- transactions, concurrency, group commit, safety (issue 3) -------- */

/* A raw connection standing for one more worker. */
struct raw {
  int fd;
  struct evbuffer *in;
};

static struct raw raw_open(void) {
  struct raw r = {raw_connect(), evbuffer_new()};
  ck_assert_ptr_nonnull(r.in);
  return r;
}

static void raw_close(struct raw *r) {
  close(r->fd);
  evbuffer_free(r->in);
}

/* Sends REQ (stolen) as one frame. */
static void raw_send_json(struct raw *r, json_t *req) {
  ck_assert_ptr_nonnull(req);
  struct evbuffer *out = evbuffer_new();
  ck_assert_int_eq(frame_encode(out, req, FRAME_VERSION), 0);
  json_decref(req);
  size_t n = evbuffer_get_length(out);
  raw_send(r->fd, evbuffer_pullup(out, -1), n);
  evbuffer_free(out);
}

/* True if a reply arrives on R within MS. */
static int raw_ready(struct raw *r, int ms) {
  if (evbuffer_get_length(r->in) > 0)
    return 1;
  struct pollfd p = {.fd = r->fd, .events = POLLIN};
  return poll(&p, 1, ms) == 1;
}

#define CALL_ON(c, ...) call_on(c, json_pack(__VA_ARGS__))
#define OK_ON(c, ...) expect_ok(CALL_ON(c, __VA_ARGS__))

static void op_ok(struct db_client *c, const char *op) { json_decref(OK_ON(c, "{s:s}", "op", op)); }

static long long stat_of(const char *name) {
  json_t *r = OK("{s:s}", "op", "stats");
  json_t *v = json_object_get(r, name);
  ck_assert_msg(json_is_integer(v), "stats has no integer %s: %s", name, dump(r));
  long long n = json_integer_value(v);
  json_decref(r);
  return n;
}

START_TEST(test_tx_isolation) {
  start_broker();
  exec_sql("CREATE TABLE t (x)");
  struct db_client *a = db_client_new(sock_path);
  op_ok(a, "begin");
  ck_assert_int_eq(db_client_tx_depth(a), 1);
  json_decref(OK_ON(a, "{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (1)"));
  /* A sees its own write; the others see the last committed state, at once */
  json_t *r = OK_ON(a, "{s:s,s:s}", "op", "query", "sql", "SELECT count(*) FROM t");
  ck_assert_int_eq(json_integer_value(json_array_get(json_array_get(json_object_get(r, "rows"), 0), 0)), 1);
  ck_assert_int_eq(json_integer_value(json_object_get(r, "tx")), 1);
  json_decref(r);
  long long t0 = clock_mono_ms();
  ck_assert_int_eq(query_int("SELECT count(*) FROM t"), 0);
  ck_assert_int_lt(clock_mono_ms() - t0, 1000); /* the reader is not blocked */
  ck_assert_int_eq(stat_of("open_transactions"), 1);

  /* a writer waits (no reply) until A commits, then succeeds */
  struct raw w = raw_open();
  raw_send_json(&w, json_pack("{s:i,s:s,s:s}", "id", 1, "op", "execute", "sql", "INSERT INTO t VALUES (2)"));
  ck_assert_msg(!raw_ready(&w, 300), "the write did not wait for the transaction");
  ck_assert_int_eq(stat_of("queue_depth"), 1);
  op_ok(a, "commit");
  ck_assert_int_eq(db_client_tx_depth(a), 0);
  json_t *wr = raw_recv(w.fd, w.in);
  ck_assert_msg(json_is_true(json_object_get(wr, "ok")), "%s", dump(wr));
  json_decref(wr);
  ck_assert_int_eq(query_int("SELECT count(*) FROM t"), 2);
  ck_assert_int_eq(stat_of("open_transactions"), 0);
  raw_close(&w);

  /* rollback undoes; ops outside a transaction are errors */
  op_ok(a, "begin");
  json_decref(OK_ON(a, "{s:s,s:s}", "op", "execute", "sql", "DELETE FROM t"));
  op_ok(a, "rollback");
  ck_assert_int_eq(query_int("SELECT count(*) FROM t"), 2);
  expect_error(CALL_ON(a, "{s:s}", "op", "commit"), "JSFPM_NO_TRANSACTION", "no transaction");
  db_client_free(a);
}
END_TEST

START_TEST(test_tx_nested) {
  start_broker();
  exec_sql("CREATE TABLE t (x)");
  op_ok(cl, "begin");
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (1)"));
  op_ok(cl, "begin"); /* a savepoint */
  ck_assert_int_eq(db_client_tx_depth(cl), 2);
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (2)"));
  op_ok(cl, "savepoint");
  ck_assert_int_eq(db_client_tx_depth(cl), 3);
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (3)"));
  op_ok(cl, "release"); /* keeps 3 */
  op_ok(cl, "rollback"); /* undoes 2 and 3 */
  ck_assert_int_eq(db_client_tx_depth(cl), 1);
  op_ok(cl, "begin");
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (4)"));
  op_ok(cl, "commit"); /* releases the savepoint */
  /* a failing script inside a transaction leaves nothing of itself */
  expect_error(CALL("{s:s,s:s}", "op", "exec", "sql", "INSERT INTO t VALUES (6); INSERT INTO nope VALUES (1)"),
               "SQLITE_ERROR", "no such table");
  op_ok(cl, "commit");
  ck_assert_int_eq(db_client_tx_depth(cl), 0);
  json_t *r = OK("{s:s,s:s}", "op", "query", "sql", "SELECT group_concat(x) FROM t");
  ck_assert_str_eq(json_string_value(json_array_get(json_array_get(json_object_get(r, "rows"), 0), 0)), "1,4");
  json_decref(r);
  /* rollback "all" ends every level at once */
  op_ok(cl, "begin");
  op_ok(cl, "begin");
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (5)"));
  json_decref(OK("{s:s,s:b}", "op", "rollback", "all", 1));
  ck_assert_int_eq(db_client_tx_depth(cl), 0);
  ck_assert_int_eq(query_int("SELECT count(*) FROM t"), 2);
  expect_error(CALL("{s:s}", "op", "savepoint"), "JSFPM_NO_TRANSACTION", "savepoint");
}
END_TEST

START_TEST(test_batch) {
  start_broker();
  exec_sql("CREATE TABLE u (k TEXT UNIQUE)");
  /* atomic: the failing second statement undoes the first */
  json_t *r = CALL("{s:s,s:b,s:[{s:s,s:[s]},{s:s,s:[s]},{s:s,s:[s]}]}", "op", "batch", "atomic", 1, "statements",
                   "sql", "INSERT INTO u VALUES (?)", "params", "a", "sql", "INSERT INTO u VALUES (?)", "params", "a",
                   "sql", "INSERT INTO u VALUES (?)", "params", "b");
  ck_assert_int_eq(json_integer_value(json_object_get(r, "index")), 1);
  expect_error(r, "SQLITE_CONSTRAINT_UNIQUE", "batch statement 2");
  ck_assert_int_eq(query_int("SELECT count(*) FROM u"), 0);
  /* not atomic: each statement stands alone, one result each */
  r = OK("{s:s,s:[{s:s,s:[s]},{s:s,s:[s]},{s:s}]}", "op", "batch", "statements", "sql",
         "INSERT INTO u VALUES (?)", "params", "a", "sql", "INSERT INTO u VALUES (?)", "params", "a", "sql",
         "SELECT count(*) AS n FROM u");
  json_t *res = json_object_get(r, "results");
  ck_assert_int_eq(json_array_size(res), 3);
  ck_assert(json_is_true(json_object_get(json_array_get(res, 0), "ok")));
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(res, 1), "code")), "SQLITE_CONSTRAINT_UNIQUE");
  ck_assert_int_eq(json_integer_value(json_array_get(json_array_get(json_object_get(json_array_get(res, 2), "rows"), 0), 0)), 1);
  json_decref(r);
  /* a read-only batch runs on the reader, even while another worker's
   * transaction holds the writer */
  struct db_client *a = db_client_new(sock_path);
  op_ok(a, "begin");
  json_decref(OK_ON(a, "{s:s,s:s}", "op", "execute", "sql", "INSERT INTO u VALUES ('z')"));
  r = OK("{s:s,s:b,s:[{s:s},{s:s}]}", "op", "batch", "atomic", 1, "statements", "sql", "SELECT count(*) FROM u", "sql",
         "SELECT 2");
  ck_assert_int_eq(json_integer_value(json_array_get(json_array_get(json_object_get(json_array_get(json_object_get(r, "results"), 0), "rows"), 0), 0)), 1);
  json_decref(r);
  /* the owner's atomic batch is a savepoint inside its transaction */
  r = CALL_ON(a, "{s:s,s:b,s:[{s:s},{s:s}]}", "op", "batch", "atomic", 1, "statements", "sql",
              "INSERT INTO u VALUES ('y')", "sql", "INSERT INTO u VALUES ('z')");
  expect_error(r, "SQLITE_CONSTRAINT_UNIQUE", "batch statement 2");
  op_ok(a, "commit");
  ck_assert_int_eq(query_int("SELECT count(*) FROM u"), 2); /* a, z */
  db_client_free(a);
}
END_TEST

START_TEST(test_write_wait) {
  cfg.db_write_wait_ms = 300;
  start_broker();
  exec_sql("CREATE TABLE t (x)");
  struct db_client *a = db_client_new(sock_path);
  op_ok(a, "begin");
  long long t0 = clock_mono_ms();
  expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (1)"), "JSFPM_BUSY", "write_wait (300 ms)");
  long long waited = clock_mono_ms() - t0;
  ck_assert_msg(waited >= 250 && waited < 3000, "waited %lld ms", waited);
  expect_error(CALL("{s:s}", "op", "begin"), "JSFPM_BUSY", "write_wait");
  ck_assert_int_eq(stat_of("busy_errors"), 2);
  op_ok(a, "rollback");
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (1)"));
  db_client_free(a);
}
END_TEST

START_TEST(test_tx_timeout) {
  cfg.db_tx_timeout_ms = 300;
  start_broker();
  exec_sql("CREATE TABLE t (x)");
  struct db_client *a = db_client_new(sock_path);
  op_ok(a, "begin");
  json_decref(OK_ON(a, "{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (1)"));
  sleep_ms(700);
  /* others may write again, and A's insert is gone */
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (2)"));
  ck_assert_int_eq(query_int("SELECT sum(x) FROM t"), 2);
  /* A's next call says what happened, once */
  json_t *r = CALL_ON(a, "{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (3)");
  expect_error(r, "JSFPM_TX_TIMEOUT", "tx_timeout (300 ms)");
  /* The app still has its level open: an app that catches the error and
   * goes on must not write outside the transaction it believes it is in. */
  ck_assert_int_eq(db_client_tx_depth(a), 1);
  char err[256] = "";
  json_t *more = json_pack("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (4)");
  r = db_client_call(a, more, CALL_TIMEOUT_MS, err, sizeof err);
  json_decref(more);
  ck_assert_msg(r == NULL, "a statement after the tx_timeout ran: %s", r ? dump(r) : "");
  ck_assert_msg(strstr(err, "rolled back") != NULL, "error: %s", err);
  json_t *commit = json_pack("{s:s}", "op", "commit");
  r = db_client_call(a, commit, CALL_TIMEOUT_MS, err, sizeof err);
  json_decref(commit);
  ck_assert_ptr_null(r); /* commit fails, and ends the level */
  ck_assert_int_eq(db_client_tx_depth(a), 0);
  json_decref(OK_ON(a, "{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (5)"));
  ck_assert_int_eq(query_int("SELECT count(*) FROM t WHERE x IN (1, 3, 4)"), 0);
  ck_assert_int_eq(query_int("SELECT count(*) FROM t"), 2);
  ck_assert_int_eq(stat_of("tx_timeouts"), 1);
  db_client_free(a);
}
END_TEST

/* The broker dies while the client holds a transaction: the broker's
 * recovery rolls it back, and the client must not run the rest of that
 * transaction's statements on the next broker in autocommit (half a
 * transaction applied).  Found by tests/faults. */
START_TEST(test_tx_lost_with_broker) {
  start_broker();
  exec_sql("CREATE TABLE t (part)");
  json_decref(OK("{s:s}", "op", "begin"));
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (1)"));
  ck_assert_int_eq(db_client_tx_depth(cl), 1);
  ck_assert_int_eq(stop_broker(SIGKILL), 128 + SIGKILL);
  start_broker();
  char err[256] = "";
  json_t *req = json_pack("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (2)");
  json_t *r = db_client_call(cl, req, 2000, err, sizeof err);
  ck_assert_msg(r == NULL || !json_is_true(json_object_get(r, "ok")),
                "the second half of a lost transaction ran: %s", r ? dump(r) : "");
  json_decref(r);
  ck_assert_msg(strstr(err, "transaction was rolled back") != NULL, "error: %s", err);
  /* commit fails too; the app's rollback ends the lost level */
  json_t *commit = json_pack("{s:s}", "op", "commit");
  r = db_client_call(cl, commit, 2000, err, sizeof err);
  json_decref(commit);
  ck_assert_ptr_null(r);
  /* (the commit ended the level: a new transaction starts cleanly) */
  json_decref(OK("{s:s}", "op", "begin"));
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (3)"));
  json_decref(OK("{s:s}", "op", "commit"));
  json_decref(req);
  ck_assert_int_eq(query_int("SELECT count(*) FROM t WHERE part IN (1, 2)"), 0);
  ck_assert_int_eq(query_int("SELECT count(*) FROM t WHERE part = 3"), 1);
}
END_TEST

START_TEST(test_tx_conn_closed) {
  start_broker();
  exec_sql("CREATE TABLE t (x)");
  struct raw a = raw_open();
  raw_send_json(&a, json_pack("{s:i,s:s}", "id", 1, "op", "begin"));
  json_decref(raw_recv(a.fd, a.in));
  raw_send_json(&a, json_pack("{s:i,s:s,s:s}", "id", 2, "op", "execute", "sql", "INSERT INTO t VALUES (1)"));
  json_decref(raw_recv(a.fd, a.in));
  /* a write queued behind A's transaction goes through as soon as A dies */
  struct raw w = raw_open();
  raw_send_json(&w, json_pack("{s:i,s:s,s:s}", "id", 1, "op", "execute", "sql", "INSERT INTO t VALUES (2)"));
  ck_assert(!raw_ready(&w, 200));
  long long t0 = clock_mono_ms();
  raw_close(&a); /* as if the worker was killed */
  json_t *r = raw_recv(w.fd, w.in);
  ck_assert_msg(json_is_true(json_object_get(r, "ok")), "%s", dump(r));
  ck_assert_int_lt(clock_mono_ms() - t0, 1000);
  json_decref(r);
  raw_close(&w);
  ck_assert_int_eq(query_int("SELECT sum(x) FROM t"), 2);
}
END_TEST

START_TEST(test_group_commit) {
  start_broker();
  exec_sql("CREATE TABLE u (k TEXT UNIQUE)");
  /* hold the writer so the writes below queue up, then let them go together */
  struct db_client *a = db_client_new(sock_path);
  op_ok(a, "begin");
  enum { N = 6 };
  struct raw w[N];
  const char *keys[N] = {"a", "b", "a", "c", "d", "e"}; /* the second "a" must fail alone */
  for (int i = 0; i < N; i++) {
    w[i] = raw_open();
    raw_send_json(&w[i], json_pack("{s:i,s:s,s:s,s:[s]}", "id", 1, "op", "execute", "sql", "INSERT INTO u VALUES (?)",
                                   "params", keys[i]));
  }
  sleep_ms(200);
  ck_assert_int_eq(stat_of("queue_depth"), N);
  long long before = stat_of("group_commits");
  op_ok(a, "commit");
  for (int i = 0; i < N; i++) {
    json_t *r = raw_recv(w[i].fd, w[i].in);
    if (i == 2)
      expect_error(r, "SQLITE_CONSTRAINT_UNIQUE", "UNIQUE");
    else {
      ck_assert_msg(json_is_true(json_object_get(r, "ok")), "%d: %s", i, dump(r));
      json_decref(r);
    }
    raw_close(&w[i]);
  }
  ck_assert_int_eq(stat_of("group_commits") - before, 1);
  ck_assert_int_eq(query_int("SELECT count(*) FROM u"), 5);
  db_client_free(a);
}
END_TEST

START_TEST(test_group_commit_off) {
  cfg.db_group_commit = 0;
  start_broker();
  exec_sql("CREATE TABLE u (k)");
  struct db_client *a = db_client_new(sock_path);
  op_ok(a, "begin");
  struct raw w[3];
  for (int i = 0; i < 3; i++) {
    w[i] = raw_open();
    raw_send_json(&w[i], json_pack("{s:i,s:s,s:s}", "id", 1, "op", "execute", "sql", "INSERT INTO u VALUES (1)"));
  }
  sleep_ms(200);
  long long before = stat_of("group_commits");
  op_ok(a, "commit");
  for (int i = 0; i < 3; i++) {
    json_decref(expect_ok(raw_recv(w[i].fd, w[i].in)));
    raw_close(&w[i]);
  }
  ck_assert_int_eq(stat_of("group_commits") - before, 3); /* one commit each */
  db_client_free(a);
}
END_TEST

START_TEST(test_safety) {
  cfg.db_max_result_rows = 10;
  cfg.db_max_result_bytes = 4096;
  cfg.db_statement_timeout_ms = 300;
  start_broker();
  char sql[300];
  snprintf(sql, sizeof sql, "ATTACH '%s/other.db' AS o", tmpdir);
  expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", sql), "SQLITE_AUTH", "ATTACH is not allowed");
  expect_error(CALL("{s:s,s:s}", "op", "exec", "sql", sql), "SQLITE_AUTH", "ATTACH is not allowed");
  ck_assert_int_ne(access(sql + 8, F_OK) == 0, 1); /* nothing created */
  expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", "DETACH main"), "SQLITE_AUTH", "DETACH");
  expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", "PRAGMA writable_schema = ON"), "SQLITE_AUTH",
               "PRAGMA writable_schema");
  expect_error(CALL("{s:s,s:s}", "op", "exec", "sql", "PRAGMA writable_schema = 1"), "SQLITE_AUTH", "writable_schema");
  expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", "PRAGMA user_version = 7"), "SQLITE_AUTH", "with a value");
  expect_error(CALL("{s:s,s:s}", "op", "query", "sql", "SELECT load_extension('/lib/x.so')"), "SQLITE_AUTH",
               "load_extension");
  expect_error(CALL("{s:s,s:s}", "op", "exec", "sql", "VACUUM INTO '/tmp/x.db'"), "SQLITE_AUTH", "VACUUM");
  expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", " /* c */ vacuum"), "SQLITE_AUTH", "VACUUM");
  /* read-only PRAGMAs are fine */
  exec_sql("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)");
  json_t *r = OK("{s:s,s:s}", "op", "query", "sql", "PRAGMA table_info(t)");
  ck_assert_int_eq(json_array_size(json_object_get(r, "rows")), 2);
  json_decref(r);
  ck_assert_int_eq(query_int("PRAGMA user_version"), 0);
  /* result limits */
  expect_error(CALL("{s:s,s:s}", "op", "query", "sql",
                    "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 11) SELECT i FROM c"),
               "JSFPM_RESULT_TOO_LARGE", "max_result_rows (10)");
  ck_assert_int_eq(query_int("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 10) "
                             "SELECT count(*) FROM c"),
                   10);
  expect_error(CALL("{s:s,s:s}", "op", "query", "sql", "SELECT zeroblob(5000)"), "JSFPM_RESULT_TOO_LARGE",
               "max_result_size (4096 bytes)");
  /* the limits are the same for a row set at its edge, for the JSON text
   * of db.queryJSON and for a query inside a batch */
  r = OK("{s:s,s:s}", "op", "query", "sql",
         "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 10) SELECT i FROM c");
  ck_assert_int_eq(json_array_size(json_object_get(r, "rows")), 10);
  json_decref(r);
  r = OK("{s:s,s:s}", "op", "query", "sql", "SELECT zeroblob(4000)");
  ck_assert_int_eq(json_array_size(json_object_get(r, "rows")), 1);
  json_decref(r);
  expect_error(CALL("{s:s,s:s,s:s}", "op", "query", "format", "json", "sql",
                    "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 11) SELECT i FROM c"),
               "JSFPM_RESULT_TOO_LARGE", "max_result_rows (10)");
  expect_error(CALL("{s:s,s:s,s:s}", "op", "query", "format", "json", "sql", "SELECT zeroblob(5000)"),
               "JSFPM_RESULT_TOO_LARGE", "max_result_size (4096 bytes)");
  r = OK("{s:s,s:[{s:s},{s:s}]}", "op", "batch", "statements", "sql", "SELECT 1", "sql", "SELECT zeroblob(5000)");
  ck_assert(json_is_true(json_object_get(json_array_get(json_object_get(r, "results"), 0), "ok")));
  expect_error(json_incref(json_array_get(json_object_get(r, "results"), 1)), "JSFPM_RESULT_TOO_LARGE",
               "max_result_size (4096 bytes)");
  json_decref(r);
  /* a runaway query is stopped by the statement time limit, and the
   * broker serves on */
  long long t0 = clock_mono_ms();
  expect_error(CALL("{s:s,s:s}", "op", "query", "sql",
                    "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c"),
               "JSFPM_STATEMENT_TIMEOUT", "statement_timeout (300 ms)");
  ck_assert_int_lt(clock_mono_ms() - t0, 3000);
  /* sqlite3_limit: no attached databases at all, bounded SQL */
  char *big = malloc(1000100);
  memset(big, ' ', 1000100);
  memcpy(big, "SELECT 1", 8);
  big[1000099] = '\0';
  expect_error(CALL("{s:s,s:s}", "op", "query", "sql", big), "SQLITE_TOOBIG", "SQLITE_LIMIT_SQL_LENGTH");
  free(big);
  ck_assert_int_eq(query_int("SELECT 1"), 1);
  ck_assert_int_ge(stat_of("errors"), 10);
}
END_TEST

START_TEST(test_stats) {
  start_broker();
  exec_sql("CREATE TABLE t (x)");
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (1)"));
  ck_assert_int_eq(query_int("SELECT count(*) FROM t"), 1);
  ck_assert_int_eq(query_int("SELECT count(*) FROM t"), 1);
  json_t *r = OK("{s:s}", "op", "stats");
  const char *names[] = {"statements", "errors", "open_transactions", "queue_depth",
                         "cache_hits", "cache_misses", "group_commits"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    ck_assert_msg(json_is_integer(json_object_get(r, names[i])), "no %s in %s", names[i], dump(r));
  ck_assert_int_ge(json_integer_value(json_object_get(r, "statements")), 4);
  ck_assert_int_ge(json_integer_value(json_object_get(r, "cache_hits")), 1);
  ck_assert_int_ge(json_integer_value(json_object_get(r, "group_commits")), 2);
  json_decref(r);
}
END_TEST

START_TEST(test_wal_checkpoint) {
  /* WAL growth is bounded: a second after the last write the WAL is
   * checkpointed and truncated. */
  start_broker();
  exec_sql("CREATE TABLE t (x)");
  for (int i = 0; i < 50; i++)
    json_decref(OK("{s:s,s:s,s:[i]}", "op", "execute", "sql", "INSERT INTO t VALUES (?)", "params", i));
  char wal[160];
  snprintf(wal, sizeof wal, "%s-wal", db_path);
  struct stat sb;
  ck_assert_int_eq(stat(wal, &sb), 0);
  ck_assert_int_gt(sb.st_size, 0);
  long long t0 = clock_mono_ms();
  while (stat(wal, &sb) == 0 && sb.st_size > 0 && clock_mono_ms() - t0 < 5000)
    sleep_ms(50);
  ck_assert_msg(sb.st_size == 0, "the WAL still holds %lld bytes after %lld ms", (long long)sb.st_size, clock_mono_ms() - t0);
  ck_assert_int_eq(query_int("SELECT count(*) FROM t"), 50);
}
END_TEST

/* The reader holds one snapshot from read to read until the writer runs:
 * every read still sees the last commit (autocommit write, group commit,
 * explicit transaction, exec), never a transaction in progress, and a
 * snapshot held when the broker goes idle does not keep the checkpoint
 * from truncating the WAL. */
START_TEST(test_reader_snapshot) {
  start_broker();
  exec_sql("CREATE TABLE t (x)");
  ck_assert_int_eq(query_int("SELECT count(*) FROM t"), 0);
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (1)"));
  ck_assert_int_eq(query_int("SELECT count(*) FROM t"), 1); /* autocommit write */
  exec_sql("INSERT INTO t VALUES (2); CREATE TABLE u (y)");
  ck_assert_int_eq(query_int("SELECT count(*) FROM t"), 2); /* exec */
  ck_assert_int_eq(query_int("SELECT count(*) FROM u"), 0); /* and its schema change */

  struct db_client *a = db_client_new(sock_path);
  op_ok(a, "begin");
  json_decref(OK_ON(a, "{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (3)"));
  ck_assert_int_eq(query_int("SELECT count(*) FROM t"), 2); /* not the open transaction */
  json_t *b = OK("{s:s,s:b,s:[{s:s},{s:s}]}", "op", "batch", "atomic", 1, "statements", "sql",
                 "SELECT count(*) FROM t", "sql", "SELECT count(*) FROM u");
  ck_assert_int_eq(json_array_size(json_object_get(b, "results")), 2); /* an atomic read batch */
  json_decref(b);
  op_ok(a, "commit");
  ck_assert_int_eq(query_int("SELECT count(*) FROM t"), 3); /* explicit transaction */
  db_client_free(a);

  /* Two clients' autocommit writes, each read right after. */
  struct db_client *c2 = db_client_new(sock_path);
  for (int i = 0; i < 20; i++) {
    json_decref(OK_ON(c2, "{s:s,s:s,s:[i]}", "op", "execute", "sql", "INSERT INTO t VALUES (?)", "params", i));
    ck_assert_int_eq(query_int("SELECT count(*) FROM t"), 4 + i);
  }
  db_client_free(c2);

  /* Read last, then go idle: the checkpoint still truncates the WAL. */
  ck_assert_int_eq(query_int("SELECT count(*) FROM t"), 23);
  char wal[160];
  snprintf(wal, sizeof wal, "%s-wal", db_path);
  struct stat sb;
  long long t0 = clock_mono_ms();
  while (stat(wal, &sb) == 0 && sb.st_size > 0 && clock_mono_ms() - t0 < 5000)
    sleep_ms(50);
  ck_assert_msg(sb.st_size == 0, "the WAL still holds %lld bytes %lld ms after a read", (long long)sb.st_size,
                clock_mono_ms() - t0);
}
END_TEST

/* Issue 12, item 4: nothing a request does may outlive it but committed
 * rows.  A TEMP trigger on the broker's shared writer connection rewrote or
 * refused every later request's writes until the broker restarted; a TEMP
 * table stayed visible to later requests on the same connection. */
static const char *const temp_objects[] = {
    "CREATE TEMP TRIGGER tamper AFTER INSERT ON w BEGIN UPDATE w SET token = 'tampered' WHERE id = new.id; END",
    "CREATE TRIGGER temp.refuse BEFORE INSERT ON w BEGIN SELECT RAISE(ABORT, 'no writes'); END",
    "CREATE TEMP TABLE scratch (a)",
    "CREATE TEMPORARY TABLE scratch AS SELECT 1 AS a",
    "CREATE TABLE temp.scratch (a)",
    "CREATE TEMP VIEW v AS SELECT token FROM w",
    "CREATE VIRTUAL TABLE temp.f USING fts5(a)",
};

/* The writer's TEMP schema, seen from inside a transaction (which runs on
 * the writer). */
static long long writer_temp_objects(void) {
  op_ok(cl, "begin");
  long long n = query_int("SELECT count(*) FROM sqlite_temp_schema");
  op_ok(cl, "rollback");
  return n;
}

START_TEST(test_temp_objects) {
  /* A migration may use TEMP objects (the operator's file): they end with
   * it, on a connection of its own. */
  write_file(mig_dir, "001_w.sql",
             "CREATE TABLE w (id INTEGER PRIMARY KEY, token TEXT);\n"
             "CREATE TEMP TABLE seed AS SELECT 'seeded' AS token;\n"
             "INSERT INTO w (token) SELECT token FROM seed;\n"
             "CREATE TEMP TRIGGER mig_tamper AFTER INSERT ON w BEGIN UPDATE w SET token = 'tampered'; END;\n");
  start_broker();
  ck_assert_int_eq(writer_temp_objects(), 0);
  struct db_client *other = db_client_new(sock_path);
  for (size_t i = 0; i < sizeof temp_objects / sizeof temp_objects[0]; i++) {
    expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", temp_objects[i]), "SQLITE_AUTH", "TEMP");
    expect_error(CALL("{s:s,s:s}", "op", "exec", "sql", temp_objects[i]), "SQLITE_AUTH", "TEMP");
    expect_error(CALL("{s:s,s:b,s:[{s:s}]}", "op", "batch", "atomic", 1, "statements", "sql", temp_objects[i]),
                 "SQLITE_AUTH", "TEMP");
    /* inside a transaction too (the owner's statements run on the writer) */
    op_ok(cl, "begin");
    expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", temp_objects[i]), "SQLITE_AUTH", "TEMP");
    op_ok(cl, "commit");
    /* another worker's write afterwards is stored as sent */
    json_t *r = OK_ON(other, "{s:s,s:s,s:[i]}", "op", "execute", "sql", "INSERT INTO w (token) VALUES ('t' || ?)",
                      "params", (int)i);
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT token = 't%zu' FROM w WHERE id = %lld", i,
             (long long)json_integer_value(json_object_get(r, "lastInsertRowid")));
    json_decref(r);
    ck_assert_msg(query_int(sql) == 1, "after \"%s\", a later write was altered", temp_objects[i]);
  }
  /* a TEMP table of one request is not there for the next, on either
   * connection */
  ck_assert_int_eq(writer_temp_objects(), 0);
  ck_assert_int_eq(query_int("SELECT count(*) FROM sqlite_temp_schema"), 0);
  expect_error(CALL("{s:s,s:s}", "op", "query", "sql", "SELECT * FROM scratch"), "SQLITE_ERROR", "no such table");
  ck_assert_int_eq(query_int("SELECT count(*) FROM w WHERE token = 'seeded'"), 1);
  ck_assert_int_eq(query_int("SELECT count(*) FROM w WHERE token = 'tampered'"), 0);
  /* The last insert rowid is per connection too: another worker's insert
   * must not show as this statement's. */
  json_t *r = OK_ON(other, "{s:s,s:s}", "op", "execute", "sql", "UPDATE w SET token = token WHERE id < 0");
  ck_assert_int_eq(json_integer_value(json_object_get(r, "lastInsertRowid")), 0);
  json_decref(r);
  op_ok(other, "begin");
  r = OK_ON(other, "{s:s,s:s}", "op", "execute", "sql", "UPDATE w SET token = token WHERE id < 0");
  ck_assert_int_eq(json_integer_value(json_object_get(r, "lastInsertRowid")), 0);
  json_decref(r);
  op_ok(other, "rollback");
  /* regular (main) triggers and tables stay the app's to create */
  exec_sql("CREATE TABLE kept (a); CREATE TRIGGER kept_t AFTER INSERT ON kept BEGIN SELECT 1; END");
  db_client_free(other);
}
END_TEST

/* Waits up to MS for the stat NAME to equal WANT; false if it never did
 * (a stat missing counts as never). */
static int stat_reaches(const char *name, long long want, int ms) {
  long long t0 = clock_mono_ms();
  do {
    json_t *r = OK("{s:s}", "op", "stats");
    json_t *v = json_object_get(r, name);
    int done = json_is_integer(v) && json_integer_value(v) == want;
    json_decref(r);
    if (done)
      return 1;
    sleep_ms(10);
  } while (clock_mono_ms() - t0 < ms);
  return 0;
}

/* Runs until statement_timeout stops it. */
#define ENDLESS_READ "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c"
/* Runs well past the event loop's slice, well within statement_timeout. */
#define LONG_CTE "(WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 200000) SELECT count(*) FROM c)"

/* Issue 12, item 7: one slow statement stalled every database call (a
 * SELECT count(*) waited 8.5 s behind 4 recursive CTEs, and failed).  Slow
 * reads now run on read threads: while 4 of them run to statement_timeout,
 * another worker's reads and write are answered, and the slow ones are
 * still running when they are. */
START_TEST(test_slow_reads) {
  cfg.db_statement_timeout_ms = 3000;
  start_broker();
  exec_sql("CREATE TABLE t (x)");
  enum { N = 4 };
  struct raw w[N];
  for (int i = 0; i < N; i++) {
    w[i] = raw_open();
    raw_send_json(&w[i], json_pack("{s:i,s:s,s:s}", "id", 1, "op", "query", "sql", ENDLESS_READ));
  }
  /* pipelined behind a slow read: answered after it, in order */
  raw_send_json(&w[0], json_pack("{s:i,s:s,s:s}", "id", 2, "op", "query", "sql", "SELECT 42"));
  /* (Before the fix this call waited for a slow read to end.) */
  ck_assert_int_eq(query_int("SELECT count(*) FROM t"), 0);
  for (int i = 0; i < N; i++)
    ck_assert_msg(!raw_ready(&w[i], 0), "slow read %d was answered before an unrelated read", i);
  ck_assert_msg(stat_reaches("slow_reads_active", N, 2500), "the slow reads did not all move to read threads");
  /* all four are running now */
  ck_assert_int_eq(query_int("SELECT count(*) FROM t"), 0);
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (1)"));
  ck_assert_int_eq(query_int("SELECT count(*) FROM t"), 1);
  for (int i = 0; i < N; i++)
    ck_assert_msg(!raw_ready(&w[i], 0), "slow read %d was answered before the quick calls", i);
  ck_assert_int_eq(stat_of("slow_reads_active"), N);

  for (int i = 0; i < N; i++)
    expect_error(raw_recv(w[i].fd, w[i].in), "JSFPM_STATEMENT_TIMEOUT", "statement_timeout (3000 ms)");
  json_t *r = raw_recv(w[0].fd, w[0].in);
  ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 2);
  ck_assert_int_eq(json_integer_value(json_array_get(json_array_get(json_object_get(r, "rows"), 0), 0)), 42);
  json_decref(r);
  ck_assert_int_eq(stat_of("slow_reads"), N);

  /* A slow read's result on a read thread is the same as anywhere: it
   * sees the last commit; a read-only atomic batch moves whole. */
  ck_assert_int_eq(query_int("SELECT (SELECT count(*) FROM t) * 1000000 + " LONG_CTE), 1200000);
  r = OK("{s:s,s:b,s:[{s:s},{s:s}]}", "op", "batch", "atomic", 1, "statements", "sql",
         "SELECT count(*) FROM t", "sql", "SELECT " LONG_CTE);
  json_t *res = json_object_get(r, "results");
  ck_assert_int_eq(json_integer_value(json_array_get(json_array_get(json_object_get(json_array_get(res, 0), "rows"), 0), 0)), 1);
  ck_assert_int_eq(json_integer_value(json_array_get(json_array_get(json_object_get(json_array_get(res, 1), "rows"), 0), 0)), 200000);
  json_decref(r);
  ck_assert_int_eq(stat_of("slow_reads"), N + 2);

  /* A worker that goes away mid-read frees its thread at once (the read
   * is interrupted, not run to its timeout). */
  raw_send_json(&w[1], json_pack("{s:i,s:s,s:s}", "id", 3, "op", "query", "sql", ENDLESS_READ));
  ck_assert(stat_reaches("slow_reads_active", 1, 2500));
  raw_close(&w[1]);
  ck_assert_msg(stat_reaches("slow_reads_active", 0, 2000), "a cancelled read kept its thread");
  /* The broker stops without waiting for a read to time out. */
  raw_send_json(&w[2], json_pack("{s:i,s:s,s:s}", "id", 4, "op", "query", "sql", ENDLESS_READ));
  ck_assert(stat_reaches("slow_reads_active", 1, 2500));
  long long t0 = clock_mono_ms();
  ck_assert_int_eq(stop_broker(SIGTERM), 0);
  ck_assert_int_lt(clock_mono_ms() - t0, 2000);
  for (int i = 0; i < N; i++)
    if (i != 1)
      raw_close(&w[i]);
}
END_TEST

static Suite *broker_suite(void) {
  Suite *s = suite_create("broker");
  TCase *tc = tcase_create("broker");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 20);
  tcase_add_test(tc, test_basic);
  tcase_add_test(tc, test_types);
  tcase_add_test(tc, test_errors);
  tcase_add_test(tc, test_code_names);
  tcase_add_test(tc, test_statement_cache);
  tcase_add_test(tc, test_pipelining);
  tcase_add_test(tc, test_migrations);
  tcase_add_test(tc, test_no_migrations_dir);
  tcase_add_test(tc, test_broken_migration);
  tcase_add_test(tc, test_bad_db);
  tcase_add_test(tc, test_sigterm);
  tcase_add_test(tc, test_bad_frame);
  tcase_add_test(tc, test_backpressure);
  tcase_add_test(tc, test_busy_poll);
  tcase_add_test(tc, test_reconnect);
  tcase_add_test(tc, test_connect_retry);
  tcase_add_test(tc, test_unavailable);
  tcase_add_test(tc, test_timeout);
  tcase_add_test(tc, test_killed_in_flight);
  tcase_add_test(tc, test_peer_uid);
  tcase_add_test(tc, test_protocol_old_client);
  tcase_add_test(tc, test_protocol_old_broker);
  tcase_add_test(tc, test_column_name_not_utf8);
  suite_add_tcase(s, tc);
  TCase *tx = tcase_create("transactions");
  tcase_add_checked_fixture(tx, setup, teardown);
  tcase_set_timeout(tx, 20);
  tcase_add_test(tx, test_tx_isolation);
  tcase_add_test(tx, test_tx_nested);
  tcase_add_test(tx, test_batch);
  tcase_add_test(tx, test_write_wait);
  tcase_add_test(tx, test_tx_timeout);
  tcase_add_test(tx, test_tx_conn_closed);
  tcase_add_test(tx, test_tx_lost_with_broker);
  tcase_add_test(tx, test_group_commit);
  tcase_add_test(tx, test_group_commit_off);
  tcase_add_test(tx, test_safety);
  tcase_add_test(tx, test_stats);
  tcase_add_test(tx, test_wal_checkpoint);
  tcase_add_test(tx, test_reader_snapshot);
  tcase_add_test(tx, test_temp_objects);
  tcase_add_test(tx, test_slow_reads);
  suite_add_tcase(s, tx);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(broker_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
