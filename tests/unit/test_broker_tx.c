/* test_broker_tx.c: the broker's transactions through its real client and
 * a real broker process: isolation, nesting, batches, write_wait,
 * tx_timeout, a connection or a broker lost inside a transaction, group
 * commit, the authorizer's safety, statistics, WAL checkpoints, read
 * snapshots, TEMP objects and slow reads. */
#include "autoconfig.h"

#include "test_broker.h"

/* ---- transactions, concurrency, group commit, safety (issue 3) -------- */

/* A raw connection standing for one more worker. */
struct raw {
  int fd;
  struct evbuffer *in;
};

static struct raw raw_open(void) {
  struct raw r = {tb_raw_connect(), evbuffer_new()};
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
  tb_raw_send(r->fd, evbuffer_pullup(out, -1), n);
  evbuffer_free(out);
}

/* True if a reply arrives on R within MS. */
static int raw_ready(struct raw *r, int ms) {
  if (evbuffer_get_length(r->in) > 0) return 1;
  struct pollfd p = {.fd = r->fd, .events = POLLIN};
  return poll(&p, 1, ms) == 1;
}

#define CALL_ON(c, ...) tb_call_on(c, json_pack(__VA_ARGS__))
#define OK_ON(c, ...) tb_expect_ok(CALL_ON(c, __VA_ARGS__))

static void op_ok(struct db_client *c, const char *op) { json_decref(OK_ON(c, "{s:s}", "op", op)); }

/* Begins a transaction on C that holds the writer: the client sends a
 * begin with the transaction's first statement. */
static void begin_held(struct db_client *c) {
  op_ok(c, "begin");
  json_decref(OK_ON(c, "{s:s,s:s}", "op", "execute", "sql", "SELECT 1"));
}

static long long stat_of(const char *name) {
  json_t *r = OK("{s:s}", "op", "stats");
  json_t *v = json_object_get(r, name);
  ck_assert_msg(json_is_integer(v), "stats has no integer %s: %s", name, tb_dump(r));
  long long n = json_integer_value(v);
  json_decref(r);
  return n;
}

START_TEST(test_tx_isolation) {
  tb_start_broker();
  tb_exec_sql("CREATE TABLE t (x)");
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
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 0);
  ck_assert_int_lt(clock_mono_ms() - t0, 1000); /* the reader is not blocked */
  ck_assert_int_eq(stat_of("open_transactions"), 1);

  /* a writer waits (no reply) until A commits, then succeeds */
  struct raw w = raw_open();
  raw_send_json(&w, json_pack("{s:i,s:s,s:s}", "id", 1, "op", "execute", "sql", "INSERT INTO t VALUES (2)"));
  ck_assert_msg(!raw_ready(&w, 300), "the write did not wait for the transaction");
  ck_assert_int_eq(stat_of("queue_depth"), 1);
  op_ok(a, "commit");
  ck_assert_int_eq(db_client_tx_depth(a), 0);
  json_t *wr = tb_raw_recv(w.fd, w.in);
  ck_assert_msg(json_is_true(json_object_get(wr, "ok")), "%s", tb_dump(wr));
  json_decref(wr);
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 2);
  ck_assert_int_eq(stat_of("open_transactions"), 0);
  raw_close(&w);

  /* rollback undoes; ops outside a transaction are errors */
  op_ok(a, "begin");
  json_decref(OK_ON(a, "{s:s,s:s}", "op", "execute", "sql", "DELETE FROM t"));
  op_ok(a, "rollback");
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 2);
  tb_expect_error(CALL_ON(a, "{s:s}", "op", "commit"), "JSFPM_NO_TRANSACTION", "no transaction");
  db_client_free(a);
}
END_TEST

START_TEST(test_tx_nested) {
  tb_start_broker();
  tb_exec_sql("CREATE TABLE t (x)");
  op_ok(cl, "begin");
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (1)"));
  op_ok(cl, "begin"); /* a savepoint */
  ck_assert_int_eq(db_client_tx_depth(cl), 2);
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (2)"));
  op_ok(cl, "savepoint");
  ck_assert_int_eq(db_client_tx_depth(cl), 3);
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (3)"));
  op_ok(cl, "release");  /* keeps 3 */
  op_ok(cl, "rollback"); /* undoes 2 and 3 */
  ck_assert_int_eq(db_client_tx_depth(cl), 1);
  op_ok(cl, "begin");
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (4)"));
  op_ok(cl, "commit"); /* releases the savepoint */
  /* a failing script inside a transaction leaves nothing of itself */
  tb_expect_error(
      CALL("{s:s,s:s}", "op", "exec", "sql", "INSERT INTO t VALUES (6); INSERT INTO nope VALUES (1)"),
      "SQLITE_ERROR", "no such table");
  op_ok(cl, "commit");
  ck_assert_int_eq(db_client_tx_depth(cl), 0);
  json_t *r = OK("{s:s,s:s}", "op", "query", "sql", "SELECT group_concat(x) FROM t");
  ck_assert_str_eq(json_string_value(json_array_get(json_array_get(json_object_get(r, "rows"), 0), 0)),
                   "1,4");
  json_decref(r);
  /* rollback "all" ends every level at once */
  op_ok(cl, "begin");
  op_ok(cl, "begin");
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (5)"));
  json_decref(OK("{s:s,s:b}", "op", "rollback", "all", 1));
  ck_assert_int_eq(db_client_tx_depth(cl), 0);
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 2);
  tb_expect_error(CALL("{s:s}", "op", "savepoint"), "JSFPM_NO_TRANSACTION", "savepoint");
}
END_TEST

START_TEST(test_batch) {
  tb_start_broker();
  tb_exec_sql("CREATE TABLE u (k TEXT UNIQUE)");
  /* atomic: the failing second statement undoes the first */
  json_t *r =
      CALL("{s:s,s:b,s:[{s:s,s:[s]},{s:s,s:[s]},{s:s,s:[s]}]}", "op", "batch", "atomic", 1, "statements",
           "sql", "INSERT INTO u VALUES (?)", "params", "a", "sql", "INSERT INTO u VALUES (?)", "params", "a",
           "sql", "INSERT INTO u VALUES (?)", "params", "b");
  ck_assert_int_eq(json_integer_value(json_object_get(r, "index")), 1);
  tb_expect_error(r, "SQLITE_CONSTRAINT_UNIQUE", "batch statement 2");
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM u"), 0);
  /* not atomic: each statement stands alone, one result each */
  r = OK("{s:s,s:[{s:s,s:[s]},{s:s,s:[s]},{s:s}]}", "op", "batch", "statements", "sql",
         "INSERT INTO u VALUES (?)", "params", "a", "sql", "INSERT INTO u VALUES (?)", "params", "a", "sql",
         "SELECT count(*) AS n FROM u");
  json_t *res = json_object_get(r, "results");
  ck_assert_int_eq(json_array_size(res), 3);
  ck_assert(json_is_true(json_object_get(json_array_get(res, 0), "ok")));
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(res, 1), "code")),
                   "SQLITE_CONSTRAINT_UNIQUE");
  ck_assert_int_eq(json_integer_value(
                       json_array_get(json_array_get(json_object_get(json_array_get(res, 2), "rows"), 0), 0)),
                   1);
  json_decref(r);
  /* a read-only batch runs on the reader, even while another worker's
   * transaction holds the writer */
  struct db_client *a = db_client_new(sock_path);
  op_ok(a, "begin");
  json_decref(OK_ON(a, "{s:s,s:s}", "op", "execute", "sql", "INSERT INTO u VALUES ('z')"));
  r = OK("{s:s,s:b,s:[{s:s},{s:s}]}", "op", "batch", "atomic", 1, "statements", "sql",
         "SELECT count(*) FROM u", "sql", "SELECT 2");
  ck_assert_int_eq(
      json_integer_value(json_array_get(
          json_array_get(json_object_get(json_array_get(json_object_get(r, "results"), 0), "rows"), 0), 0)),
      1);
  json_decref(r);
  /* the owner's atomic batch is a savepoint inside its transaction */
  r = CALL_ON(a, "{s:s,s:b,s:[{s:s},{s:s}]}", "op", "batch", "atomic", 1, "statements", "sql",
              "INSERT INTO u VALUES ('y')", "sql", "INSERT INTO u VALUES ('z')");
  tb_expect_error(r, "SQLITE_CONSTRAINT_UNIQUE", "batch statement 2");
  op_ok(a, "commit");
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM u"), 2); /* a, z */
  db_client_free(a);
}
END_TEST

START_TEST(test_write_wait) {
  cfg.db_write_wait_ms = 300;
  tb_start_broker();
  tb_exec_sql("CREATE TABLE t (x)");
  struct db_client *a = db_client_new(sock_path);
  begin_held(a);
  long long t0 = clock_mono_ms();
  tb_expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (1)"), "JSFPM_BUSY",
                  "write_wait (300 ms)");
  long long waited = clock_mono_ms() - t0;
  ck_assert_msg(waited >= 250 && waited < 3000, "waited %lld ms", waited);
  /* a begin waits with the transaction's first statement, which does not
   * run; the app's level stays open, and what it runs in it fails */
  op_ok(cl, "begin");
  tb_expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (2)"), "JSFPM_BUSY",
                  "write_wait");
  ck_assert_int_eq(db_client_tx_depth(cl), 1);
  char err[256] = "";
  json_t *more = json_pack("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (3)");
  json_t *r = db_client_call(cl, more, CALL_TIMEOUT_MS, err, sizeof err);
  json_decref(more);
  ck_assert_msg(r == NULL && strstr(err, "nothing of it was committed"), "%s", r ? tb_dump(r) : err);
  op_ok(cl, "rollback");
  ck_assert_int_eq(db_client_tx_depth(cl), 0);
  ck_assert_int_eq(stat_of("busy_errors"), 2);
  op_ok(a, "rollback");
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (1)"));
  db_client_free(a);
}
END_TEST

START_TEST(test_tx_timeout) {
  cfg.db_tx_timeout_ms = 300;
  tb_start_broker();
  tb_exec_sql("CREATE TABLE t (x)");
  struct db_client *a = db_client_new(sock_path);
  op_ok(a, "begin");
  json_decref(OK_ON(a, "{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (1)"));
  tb_sleep_ms(700);
  /* others may write again, and A's insert is gone */
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (2)"));
  ck_assert_int_eq(tb_query_int("SELECT sum(x) FROM t"), 2);
  /* A's next call says what happened, once */
  json_t *r = CALL_ON(a, "{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (3)");
  tb_expect_error(r, "JSFPM_TX_TIMEOUT", "tx_timeout (300 ms)");
  /* The app still has its level open: an app that catches the error and
   * goes on must not write outside the transaction it believes it is in. */
  ck_assert_int_eq(db_client_tx_depth(a), 1);
  char err[256] = "";
  json_t *more = json_pack("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (4)");
  r = db_client_call(a, more, CALL_TIMEOUT_MS, err, sizeof err);
  json_decref(more);
  ck_assert_msg(r == NULL, "a statement after the tx_timeout ran: %s", r ? tb_dump(r) : "");
  ck_assert_msg(strstr(err, "rolled back") != NULL, "error: %s", err);
  json_t *commit = json_pack("{s:s}", "op", "commit");
  r = db_client_call(a, commit, CALL_TIMEOUT_MS, err, sizeof err);
  json_decref(commit);
  ck_assert_ptr_null(r); /* commit fails, and ends the level */
  ck_assert_int_eq(db_client_tx_depth(a), 0);
  json_decref(OK_ON(a, "{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (5)"));
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t WHERE x IN (1, 3, 4)"), 0);
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 2);
  ck_assert_int_eq(stat_of("tx_timeouts"), 1);
  db_client_free(a);
}
END_TEST

/* The broker dies while the client holds a transaction: the broker's
 * recovery rolls it back, and the client must not run the rest of that
 * transaction's statements on the next broker in autocommit (half a
 * transaction applied).  Found by tests/faults. */
START_TEST(test_tx_lost_with_broker) {
  tb_start_broker();
  tb_exec_sql("CREATE TABLE t (part)");
  json_decref(OK("{s:s}", "op", "begin"));
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (1)"));
  ck_assert_int_eq(db_client_tx_depth(cl), 1);
  ck_assert_int_eq(tb_stop_broker(SIGKILL), 128 + SIGKILL);
  tb_start_broker();
  char err[256] = "";
  json_t *req = json_pack("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (2)");
  json_t *r = db_client_call(cl, req, 2000, err, sizeof err);
  ck_assert_msg(r == NULL || !json_is_true(json_object_get(r, "ok")),
                "the second half of a lost transaction ran: %s", r ? tb_dump(r) : "");
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
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t WHERE part IN (1, 2)"), 0);
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t WHERE part = 3"), 1);
}
END_TEST

START_TEST(test_tx_conn_closed) {
  tb_start_broker();
  tb_exec_sql("CREATE TABLE t (x)");
  struct raw a = raw_open();
  raw_send_json(&a, json_pack("{s:i,s:s}", "id", 1, "op", "begin"));
  json_decref(tb_raw_recv(a.fd, a.in));
  raw_send_json(&a, json_pack("{s:i,s:s,s:s}", "id", 2, "op", "execute", "sql", "INSERT INTO t VALUES (1)"));
  json_decref(tb_raw_recv(a.fd, a.in));
  /* a write queued behind A's transaction goes through as soon as A dies */
  struct raw w = raw_open();
  raw_send_json(&w, json_pack("{s:i,s:s,s:s}", "id", 1, "op", "execute", "sql", "INSERT INTO t VALUES (2)"));
  ck_assert(!raw_ready(&w, 200));
  long long t0 = clock_mono_ms();
  raw_close(&a); /* as if the worker was killed */
  json_t *r = tb_raw_recv(w.fd, w.in);
  ck_assert_msg(json_is_true(json_object_get(r, "ok")), "%s", tb_dump(r));
  ck_assert_int_lt(clock_mono_ms() - t0, 1000);
  json_decref(r);
  raw_close(&w);
  ck_assert_int_eq(tb_query_int("SELECT sum(x) FROM t"), 2);
}
END_TEST

START_TEST(test_group_commit) {
  tb_start_broker();
  tb_exec_sql("CREATE TABLE u (k TEXT UNIQUE)");
  /* hold the writer so the writes below queue up, then let them go together */
  struct db_client *a = db_client_new(sock_path);
  begin_held(a);
  enum { N = 6 };
  struct raw w[N];
  const char *keys[N] = {"a", "b", "a", "c", "d", "e"}; /* the second "a" must fail alone */
  for (int i = 0; i < N; i++) {
    w[i] = raw_open();
    raw_send_json(&w[i], json_pack("{s:i,s:s,s:s,s:[s]}", "id", 1, "op", "execute", "sql",
                                   "INSERT INTO u VALUES (?)", "params", keys[i]));
  }
  tb_sleep_ms(200);
  ck_assert_int_eq(stat_of("queue_depth"), N);
  long long before = stat_of("group_commits");
  op_ok(a, "commit");
  for (int i = 0; i < N; i++) {
    json_t *r = tb_raw_recv(w[i].fd, w[i].in);
    if (i == 2)
      tb_expect_error(r, "SQLITE_CONSTRAINT_UNIQUE", "UNIQUE");
    else {
      ck_assert_msg(json_is_true(json_object_get(r, "ok")), "%d: %s", i, tb_dump(r));
      json_decref(r);
    }
    raw_close(&w[i]);
  }
  ck_assert_int_eq(stat_of("group_commits") - before, 1);
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM u"), 5);
  db_client_free(a);
}
END_TEST

START_TEST(test_group_commit_off) {
  cfg.db_group_commit = 0;
  tb_start_broker();
  tb_exec_sql("CREATE TABLE u (k)");
  struct db_client *a = db_client_new(sock_path);
  begin_held(a);
  struct raw w[3];
  for (int i = 0; i < 3; i++) {
    w[i] = raw_open();
    raw_send_json(&w[i],
                  json_pack("{s:i,s:s,s:s}", "id", 1, "op", "execute", "sql", "INSERT INTO u VALUES (1)"));
  }
  tb_sleep_ms(200);
  long long before = stat_of("group_commits");
  op_ok(a, "commit");
  for (int i = 0; i < 3; i++) {
    json_decref(tb_expect_ok(tb_raw_recv(w[i].fd, w[i].in)));
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
  tb_start_broker();
  char sql[300];
  snprintf(sql, sizeof sql, "ATTACH '%s/other.db' AS o", tmpdir);
  tb_expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", sql), "SQLITE_AUTH", "ATTACH is not allowed");
  tb_expect_error(CALL("{s:s,s:s}", "op", "exec", "sql", sql), "SQLITE_AUTH", "ATTACH is not allowed");
  ck_assert_int_ne(access(sql + 8, F_OK) == 0, 1); /* nothing created */
  tb_expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", "DETACH main"), "SQLITE_AUTH", "DETACH");
  tb_expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", "PRAGMA writable_schema = ON"), "SQLITE_AUTH",
                  "PRAGMA writable_schema");
  tb_expect_error(CALL("{s:s,s:s}", "op", "exec", "sql", "PRAGMA writable_schema = 1"), "SQLITE_AUTH",
                  "writable_schema");
  tb_expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", "PRAGMA user_version = 7"), "SQLITE_AUTH",
                  "with a value");
  tb_expect_error(CALL("{s:s,s:s}", "op", "query", "sql", "SELECT load_extension('/lib/x.so')"),
                  "SQLITE_AUTH", "load_extension");
  tb_expect_error(CALL("{s:s,s:s}", "op", "exec", "sql", "VACUUM INTO '/tmp/x.db'"), "SQLITE_AUTH", "VACUUM");
  tb_expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", " /* c */ vacuum"), "SQLITE_AUTH", "VACUUM");
  /* read-only PRAGMAs are fine */
  tb_exec_sql("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)");
  json_t *r = OK("{s:s,s:s}", "op", "query", "sql", "PRAGMA table_info(t)");
  ck_assert_int_eq(json_array_size(json_object_get(r, "rows")), 2);
  json_decref(r);
  ck_assert_int_eq(tb_query_int("PRAGMA user_version"), 0);
  /* result limits */
  tb_expect_error(
      CALL("{s:s,s:s}", "op", "query", "sql",
           "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 11) SELECT i FROM c"),
      "JSFPM_RESULT_TOO_LARGE", "max_result_rows (10)");
  ck_assert_int_eq(
      tb_query_int("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 10) "
                   "SELECT count(*) FROM c"),
      10);
  tb_expect_error(CALL("{s:s,s:s}", "op", "query", "sql", "SELECT zeroblob(5000)"), "JSFPM_RESULT_TOO_LARGE",
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
  tb_expect_error(
      CALL("{s:s,s:s,s:s}", "op", "query", "format", "json", "sql",
           "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 11) SELECT i FROM c"),
      "JSFPM_RESULT_TOO_LARGE", "max_result_rows (10)");
  tb_expect_error(CALL("{s:s,s:s,s:s}", "op", "query", "format", "json", "sql", "SELECT zeroblob(5000)"),
                  "JSFPM_RESULT_TOO_LARGE", "max_result_size (4096 bytes)");
  r = OK("{s:s,s:[{s:s},{s:s}]}", "op", "batch", "statements", "sql", "SELECT 1", "sql",
         "SELECT zeroblob(5000)");
  ck_assert(json_is_true(json_object_get(json_array_get(json_object_get(r, "results"), 0), "ok")));
  tb_expect_error(json_incref(json_array_get(json_object_get(r, "results"), 1)), "JSFPM_RESULT_TOO_LARGE",
                  "max_result_size (4096 bytes)");
  json_decref(r);
  /* a runaway query is stopped by the statement time limit, and the
   * broker serves on */
  long long t0 = clock_mono_ms();
  tb_expect_error(
      CALL("{s:s,s:s}", "op", "query", "sql",
           "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c"),
      "JSFPM_STATEMENT_TIMEOUT", "statement_timeout (300 ms)");
  ck_assert_int_lt(clock_mono_ms() - t0, 3000);
  /* sqlite3_limit: no attached databases at all, bounded SQL */
  char *big = malloc(1000100);
  memset(big, ' ', 1000100);
  memcpy(big, "SELECT 1", 8);
  big[1000099] = '\0';
  tb_expect_error(CALL("{s:s,s:s}", "op", "query", "sql", big), "SQLITE_TOOBIG", "SQLITE_LIMIT_SQL_LENGTH");
  free(big);
  ck_assert_int_eq(tb_query_int("SELECT 1"), 1);
  ck_assert_int_ge(stat_of("errors"), 10);
}
END_TEST

START_TEST(test_stats) {
  tb_start_broker();
  tb_exec_sql("CREATE TABLE t (x)");
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (1)"));
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 1);
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 1);
  json_t *r = OK("{s:s}", "op", "stats");
  const char *names[] = {"statements", "errors",       "open_transactions", "queue_depth",
                         "cache_hits", "cache_misses", "group_commits"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    ck_assert_msg(json_is_integer(json_object_get(r, names[i])), "no %s in %s", names[i], tb_dump(r));
  ck_assert_int_ge(json_integer_value(json_object_get(r, "statements")), 4);
  ck_assert_int_ge(json_integer_value(json_object_get(r, "cache_hits")), 1);
  ck_assert_int_ge(json_integer_value(json_object_get(r, "group_commits")), 2);
  json_decref(r);
}
END_TEST

START_TEST(test_wal_checkpoint) {
  /* WAL growth is bounded: a second after the last write the WAL is
   * checkpointed and truncated. */
  tb_start_broker();
  tb_exec_sql("CREATE TABLE t (x)");
  for (int i = 0; i < 50; i++)
    json_decref(OK("{s:s,s:s,s:[i]}", "op", "execute", "sql", "INSERT INTO t VALUES (?)", "params", i));
  char wal[160];
  snprintf(wal, sizeof wal, "%s-wal", db_path);
  struct stat sb;
  ck_assert_int_eq(stat(wal, &sb), 0);
  ck_assert_int_gt(sb.st_size, 0);
  long long t0 = clock_mono_ms();
  while (stat(wal, &sb) == 0 && sb.st_size > 0 && clock_mono_ms() - t0 < 5000) tb_sleep_ms(50);
  ck_assert_msg(sb.st_size == 0, "the WAL still holds %lld bytes after %lld ms", (long long)sb.st_size,
                clock_mono_ms() - t0);
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 50);
}
END_TEST

/* The reader holds one snapshot from read to read until the writer runs:
 * every read still sees the last commit (autocommit write, group commit,
 * explicit transaction, exec), never a transaction in progress, and a
 * snapshot held when the broker goes idle does not keep the checkpoint
 * from truncating the WAL. */
START_TEST(test_reader_snapshot) {
  tb_start_broker();
  tb_exec_sql("CREATE TABLE t (x)");
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 0);
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (1)"));
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 1); /* autocommit write */
  tb_exec_sql("INSERT INTO t VALUES (2); CREATE TABLE u (y)");
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 2); /* exec */
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM u"), 0); /* and its schema change */

  struct db_client *a = db_client_new(sock_path);
  op_ok(a, "begin");
  json_decref(OK_ON(a, "{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (3)"));
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 2); /* not the open transaction */
  json_t *b = OK("{s:s,s:b,s:[{s:s},{s:s}]}", "op", "batch", "atomic", 1, "statements", "sql",
                 "SELECT count(*) FROM t", "sql", "SELECT count(*) FROM u");
  ck_assert_int_eq(json_array_size(json_object_get(b, "results")), 2); /* an atomic read batch */
  json_decref(b);
  op_ok(a, "commit");
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 3); /* explicit transaction */
  db_client_free(a);

  /* Two clients' autocommit writes, each read right after. */
  struct db_client *c2 = db_client_new(sock_path);
  for (int i = 0; i < 20; i++) {
    json_decref(
        OK_ON(c2, "{s:s,s:s,s:[i]}", "op", "execute", "sql", "INSERT INTO t VALUES (?)", "params", i));
    ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 4 + i);
  }
  db_client_free(c2);

  /* Read last, then go idle: the checkpoint still truncates the WAL. */
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 23);
  char wal[160];
  snprintf(wal, sizeof wal, "%s-wal", db_path);
  struct stat sb;
  long long t0 = clock_mono_ms();
  while (stat(wal, &sb) == 0 && sb.st_size > 0 && clock_mono_ms() - t0 < 5000) tb_sleep_ms(50);
  ck_assert_msg(sb.st_size == 0, "the WAL still holds %lld bytes %lld ms after a read", (long long)sb.st_size,
                clock_mono_ms() - t0);
}
END_TEST

/* Issue 12, item 4: nothing a request does may outlive it but committed
 * rows.  A TEMP trigger on the broker's shared writer connection rewrote or
 * refused every later request's writes until the broker restarted; a TEMP
 * table stayed visible to later requests on the same connection. */
static const char *const temp_objects[] = {
    "CREATE TEMP TRIGGER tamper AFTER INSERT ON w BEGIN UPDATE w SET token = 'tampered' WHERE id = new.id; "
    "END",
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
  long long n = tb_query_int("SELECT count(*) FROM sqlite_temp_schema");
  op_ok(cl, "rollback");
  return n;
}

START_TEST(test_temp_objects) {
  /* A migration may use TEMP objects (the operator's file): they end with
   * it, on a connection of its own. */
  tb_write_file(
      mig_dir, "001_w.sql",
      "CREATE TABLE w (id INTEGER PRIMARY KEY, token TEXT);\n"
      "CREATE TEMP TABLE seed AS SELECT 'seeded' AS token;\n"
      "INSERT INTO w (token) SELECT token FROM seed;\n"
      "CREATE TEMP TRIGGER mig_tamper AFTER INSERT ON w BEGIN UPDATE w SET token = 'tampered'; END;\n");
  tb_start_broker();
  ck_assert_int_eq(writer_temp_objects(), 0);
  struct db_client *other = db_client_new(sock_path);
  for (size_t i = 0; i < sizeof temp_objects / sizeof temp_objects[0]; i++) {
    tb_expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", temp_objects[i]), "SQLITE_AUTH", "TEMP");
    tb_expect_error(CALL("{s:s,s:s}", "op", "exec", "sql", temp_objects[i]), "SQLITE_AUTH", "TEMP");
    tb_expect_error(
        CALL("{s:s,s:b,s:[{s:s}]}", "op", "batch", "atomic", 1, "statements", "sql", temp_objects[i]),
        "SQLITE_AUTH", "TEMP");
    /* inside a transaction too (the owner's statements run on the writer) */
    op_ok(cl, "begin");
    tb_expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", temp_objects[i]), "SQLITE_AUTH", "TEMP");
    op_ok(cl, "commit");
    /* another worker's write afterwards is stored as sent */
    json_t *r = OK_ON(other, "{s:s,s:s,s:[i]}", "op", "execute", "sql",
                      "INSERT INTO w (token) VALUES ('t' || ?)", "params", (int)i);
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT token = 't%zu' FROM w WHERE id = %lld", i,
             (long long)json_integer_value(json_object_get(r, "lastInsertRowid")));
    json_decref(r);
    ck_assert_msg(tb_query_int(sql) == 1, "after \"%s\", a later write was altered", temp_objects[i]);
  }
  /* a TEMP table of one request is not there for the next, on either
   * connection */
  ck_assert_int_eq(writer_temp_objects(), 0);
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM sqlite_temp_schema"), 0);
  tb_expect_error(CALL("{s:s,s:s}", "op", "query", "sql", "SELECT * FROM scratch"), "SQLITE_ERROR",
                  "no such table");
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM w WHERE token = 'seeded'"), 1);
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM w WHERE token = 'tampered'"), 0);
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
  tb_exec_sql("CREATE TABLE kept (a); CREATE TRIGGER kept_t AFTER INSERT ON kept BEGIN SELECT 1; END");
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
    if (done) return 1;
    tb_sleep_ms(10);
  } while (clock_mono_ms() - t0 < ms);
  return 0;
}

/* Runs until statement_timeout stops it. */
#define ENDLESS_READ "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c"
/* Runs well past the event loop's slice, well within statement_timeout. */
#define LONG_CTE                                                                                             \
  "(WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 200000) SELECT count(*) FROM "  \
  "c)"

/* Issue 12, item 7: one slow statement stalled every database call (a
 * SELECT count(*) waited 8.5 s behind 4 recursive CTEs, and failed).  Slow
 * reads now run on read threads: while 4 of them run to statement_timeout,
 * another worker's reads and write are answered, and the slow ones are
 * still running when they are. */
START_TEST(test_slow_reads) {
  const int timeout_ms = 3000 * tb_time_scale();
  cfg.db_statement_timeout_ms = timeout_ms;
  tb_start_broker();
  tb_exec_sql("CREATE TABLE t (x)");
  enum { N = 4 };
  struct raw w[N];
  for (int i = 0; i < N; i++) {
    w[i] = raw_open();
    raw_send_json(&w[i], json_pack("{s:i,s:s,s:s}", "id", 1, "op", "query", "sql", ENDLESS_READ));
  }
  /* pipelined behind a slow read: answered after it, in order */
  raw_send_json(&w[0], json_pack("{s:i,s:s,s:s}", "id", 2, "op", "query", "sql", "SELECT 42"));
  /* (Before the fix this call waited for a slow read to end.) */
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 0);
  for (int i = 0; i < N; i++)
    ck_assert_msg(!raw_ready(&w[i], 0), "slow read %d was answered before an unrelated read", i);
  ck_assert_msg(stat_reaches("slow_reads_active", N, timeout_ms - 500),
                "the slow reads did not all move to read threads");
  /* all four are running now */
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 0);
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (1)"));
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 1);
  for (int i = 0; i < N; i++)
    ck_assert_msg(!raw_ready(&w[i], 0), "slow read %d was answered before the quick calls", i);
  ck_assert_int_eq(stat_of("slow_reads_active"), N);

  char expected[64];
  snprintf(expected, sizeof expected, "statement_timeout (%d ms)", timeout_ms);
  for (int i = 0; i < N; i++)
    tb_expect_error(tb_raw_recv(w[i].fd, w[i].in), "JSFPM_STATEMENT_TIMEOUT", expected);
  json_t *r = tb_raw_recv(w[0].fd, w[0].in);
  ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 2);
  ck_assert_int_eq(json_integer_value(json_array_get(json_array_get(json_object_get(r, "rows"), 0), 0)), 42);
  json_decref(r);
  ck_assert_int_eq(stat_of("slow_reads"), N);

  /* A slow read's result on a read thread is the same as anywhere: it
   * sees the last commit; a read-only atomic batch moves whole. */
  ck_assert_int_eq(tb_query_int("SELECT (SELECT count(*) FROM t) * 1000000 + " LONG_CTE), 1200000);
  r = OK("{s:s,s:b,s:[{s:s},{s:s}]}", "op", "batch", "atomic", 1, "statements", "sql",
         "SELECT count(*) FROM t", "sql", "SELECT " LONG_CTE);
  json_t *res = json_object_get(r, "results");
  ck_assert_int_eq(json_integer_value(
                       json_array_get(json_array_get(json_object_get(json_array_get(res, 0), "rows"), 0), 0)),
                   1);
  ck_assert_int_eq(json_integer_value(
                       json_array_get(json_array_get(json_object_get(json_array_get(res, 1), "rows"), 0), 0)),
                   200000);
  json_decref(r);
  ck_assert_int_eq(stat_of("slow_reads"), N + 2);

  /* A worker that goes away mid-read frees its thread at once (the read
   * is interrupted, not run to its timeout). */
  raw_send_json(&w[1], json_pack("{s:i,s:s,s:s}", "id", 3, "op", "query", "sql", ENDLESS_READ));
  ck_assert(stat_reaches("slow_reads_active", 1, 2500 * tb_time_scale()));
  raw_close(&w[1]);
  ck_assert_msg(stat_reaches("slow_reads_active", 0, 2000 * tb_time_scale()),
                "a cancelled read kept its thread");
  /* The broker stops without waiting for a read to time out. */
  raw_send_json(&w[2], json_pack("{s:i,s:s,s:s}", "id", 4, "op", "query", "sql", ENDLESS_READ));
  ck_assert(stat_reaches("slow_reads_active", 1, 2500 * tb_time_scale()));
  long long t0 = clock_mono_ms();
  ck_assert_int_eq(tb_stop_broker(SIGTERM), 0);
  ck_assert_int_lt(clock_mono_ms() - t0, 2000 * tb_time_scale());
  for (int i = 0; i < N; i++)
    if (i != 1) raw_close(&w[i]);
}
END_TEST

/* Adds the transactions' test case to S. */
/* ---- commit chains (issue 20: /mixed) ---------------------------------- */

/* Sends REQ (stolen) on R and returns the reply. */
static json_t *raw_call(struct raw *r, json_t *req) {
  raw_send_json(r, req);
  return tb_raw_recv(r->fd, r->in);
}

#define RAW_OK(r, ...) tb_expect_ok(raw_call(r, json_pack(__VA_ARGS__)))
#define RAW_OP(r, op) json_decref(RAW_OK(r, "{s:i,s:s}", "id", 1, "op", op))

static long long int_of(const json_t *r, const char *name) {
  json_t *v = json_object_get(r, name);
  ck_assert_msg(json_is_integer(v), "no integer %s in %s", name, tb_dump(r));
  return json_integer_value(v);
}

/* A inserts X in a transaction and commits it while B's begin waits for
 * the writer: B's begin is answered at once, A's commit not. */
static void chain_start(struct raw *a, struct raw *b, int x) {
  RAW_OP(a, "begin");
  json_decref(RAW_OK(a, "{s:i,s:s,s:s,s:[i]}", "id", 1, "op", "execute", "sql", "INSERT INTO t VALUES (?)",
                     "params", x));
  raw_send_json(b, json_pack("{s:i,s:s}", "id", 1, "op", "begin"));
  ck_assert(stat_reaches("queue_depth", 1, 5000 * tb_time_scale()));
  raw_send_json(a, json_pack("{s:i,s:s}", "id", 7, "op", "commit"));
  json_t *r = tb_expect_ok(tb_raw_recv(b->fd, b->in));
  ck_assert_int_eq(int_of(r, "tx"), 1);
  json_decref(r);
}

/* A's commit reply, once it comes: ok, outside any transaction. */
static void chain_expect_ok(struct raw *a) {
  json_t *r = tb_expect_ok(tb_raw_recv(a->fd, a->in));
  ck_assert_int_eq(int_of(r, "id"), 7);
  ck_assert_int_eq(int_of(r, "tx"), 0);
  json_decref(r);
}

START_TEST(test_tx_chain) {
  tb_start_broker();
  tb_exec_sql("CREATE TABLE t (x)");
  struct raw a = raw_open(), b = raw_open();
  chain_start(&a, &b, 1);
  /* A's commit waits for B's transaction, which sees A's row; nobody else
   * does before the shared COMMIT */
  ck_assert(!raw_ready(&a, 100));
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 0);
  json_t *r = RAW_OK(&b, "{s:i,s:s,s:s}", "id", 1, "op", "execute", "sql", "UPDATE t SET x = x WHERE 0");
  ck_assert_int_eq(int_of(r, "lastInsertRowid"), 0); /* not A's */
  json_decref(r);
  r = RAW_OK(&b, "{s:i,s:s,s:s}", "id", 1, "op", "execute", "sql", "INSERT INTO t SELECT x + 10 FROM t");
  ck_assert_int_eq(int_of(r, "changes"), 1);
  json_decref(r);
  /* a writer coming now waits for the chain's COMMIT */
  struct raw w = raw_open();
  raw_send_json(&w,
                json_pack("{s:i,s:s,s:s}", "id", 1, "op", "execute", "sql", "INSERT INTO t VALUES (100)"));
  long long before = stat_of("group_commits");
  r = RAW_OK(&b, "{s:i,s:s}", "id", 1, "op", "commit");
  ck_assert_int_eq(int_of(r, "tx"), 0);
  json_decref(r);
  chain_expect_ok(&a);
  json_decref(tb_expect_ok(tb_raw_recv(w.fd, w.in)));
  ck_assert_int_eq(tb_query_int("SELECT sum(x) FROM t"), 1 + 11 + 100);
  ck_assert_int_eq(stat_of("chain_commits"), 1);
  ck_assert_int_eq(stat_of("chained_transactions"), 2);
  ck_assert_int_eq(stat_of("group_commits") - before, 1); /* the writer's, after the chain */
  ck_assert_int_eq(stat_of("open_transactions"), 0);
  raw_close(&a);
  raw_close(&b);
  raw_close(&w);
}
END_TEST

/* What a transaction of a chain undoes is its own part only; a statement
 * that ends the shared transaction fails the commits waiting in it, which
 * were never acknowledged, and keeps nothing of them. */
START_TEST(test_tx_chain_failures) {
  cfg.db_tx_timeout_ms = 300 * tb_time_scale();
  tb_start_broker();
  tb_exec_sql("CREATE TABLE t (x UNIQUE);"
              "CREATE TABLE p (id INTEGER PRIMARY KEY);"
              "CREATE TABLE c (p REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED)");
  struct raw a = raw_open(), b = raw_open();

  /* B rolls back */
  chain_start(&a, &b, 1);
  json_decref(RAW_OK(&b, "{s:i,s:s,s:s}", "id", 1, "op", "execute", "sql", "INSERT INTO t VALUES (2)"));
  json_t *r = RAW_OK(&b, "{s:i,s:s,s:b}", "id", 1, "op", "rollback", "all", 1);
  ck_assert_int_eq(int_of(r, "tx"), 0);
  json_decref(r);
  chain_expect_ok(&a);
  ck_assert_int_eq(tb_query_int("SELECT sum(x) FROM t"), 1);

  /* B's commit fails on a deferred foreign key: B's changes go, A's stay */
  chain_start(&a, &b, 3);
  json_decref(RAW_OK(&b, "{s:i,s:s,s:s}", "id", 1, "op", "execute", "sql", "INSERT INTO t VALUES (4)"));
  json_decref(RAW_OK(&b, "{s:i,s:s,s:s}", "id", 1, "op", "execute", "sql", "INSERT INTO c VALUES (99)"));
  r = raw_call(&b, json_pack("{s:i,s:s}", "id", 1, "op", "commit"));
  ck_assert_int_eq(int_of(r, "tx"), 0);
  tb_expect_error(r, "SQLITE_CONSTRAINT_FOREIGNKEY", "FOREIGN KEY constraint failed");
  chain_expect_ok(&a);
  ck_assert_int_eq(tb_query_int("SELECT sum(x) FROM t"), 1 + 3);
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM c"), 0);

  /* B holds its transaction past tx_timeout: rolled back alone */
  chain_start(&a, &b, 5);
  json_decref(RAW_OK(&b, "{s:i,s:s,s:s}", "id", 1, "op", "execute", "sql", "INSERT INTO t VALUES (6)"));
  chain_expect_ok(&a); /* once B's transaction is rolled back */
  tb_expect_error(raw_call(&b, json_pack("{s:i,s:s}", "id", 1, "op", "commit")), "JSFPM_TX_TIMEOUT",
                  "tx_timeout");
  ck_assert_int_eq(tb_query_int("SELECT sum(x) FROM t"), 1 + 3 + 5);

  /* B's worker dies inside its transaction */
  chain_start(&a, &b, 7);
  json_decref(RAW_OK(&b, "{s:i,s:s,s:s}", "id", 1, "op", "execute", "sql", "INSERT INTO t VALUES (8)"));
  raw_close(&b);
  chain_expect_ok(&a);
  ck_assert_int_eq(tb_query_int("SELECT sum(x) FROM t"), 1 + 3 + 5 + 7);

  /* B's statement ends the shared transaction (ON CONFLICT ROLLBACK): it
   * gets its own error, and A's commit, never acknowledged, fails */
  b = raw_open();
  chain_start(&a, &b, 9);
  r = raw_call(&b, json_pack("{s:i,s:s,s:s}", "id", 1, "op", "execute", "sql",
                             "INSERT OR ROLLBACK INTO t VALUES (1)"));
  ck_assert_int_eq(int_of(r, "tx"), 0);
  tb_expect_error(r, "SQLITE_CONSTRAINT_UNIQUE", "UNIQUE");
  r = tb_raw_recv(a.fd, a.in);
  ck_assert_int_eq(int_of(r, "id"), 7);
  ck_assert_int_eq(int_of(r, "tx"), 0);
  tb_expect_error(r, "JSFPM_TRANSACTION", "rolled back before it was durable");
  ck_assert_int_eq(tb_query_int("SELECT sum(x) FROM t"), 1 + 3 + 5 + 7);
  /* both go on normally */
  RAW_OP(&a, "begin");
  RAW_OP(&a, "commit");
  json_decref(RAW_OK(&b, "{s:i,s:s,s:s}", "id", 1, "op", "execute", "sql", "INSERT INTO t VALUES (10)"));
  ck_assert_int_eq(tb_query_int("SELECT sum(x) FROM t"), 1 + 3 + 5 + 7 + 10);
  /* (every chain above committed A alone: B's part was gone) */
  ck_assert_int_eq(stat_of("chain_commits"), 0);
  ck_assert_int_eq(stat_of("open_transactions"), 0);
  raw_close(&a);
  raw_close(&b);
}
END_TEST

/* A's worker dies while its commit waits in the chain, so the chain has
 * no member left while B's transaction runs inside it.  Whatever B does
 * then (rollback, its worker dying too), the shared transaction must end:
 * A's part is committed (a commit whose reply was lost), and the writer is
 * free again.  (Found by tests/faults: the writer was left inside the
 * orphaned transaction, and every later write failed at once with "cannot
 * start a transaction within a transaction" until the broker restarted.) */
START_TEST(test_tx_chain_member_gone) {
  tb_start_broker();
  tb_exec_sql("CREATE TABLE t (x)");
  struct raw a = raw_open(), b = raw_open(), w = raw_open();

  /* B rolls back after A is gone */
  chain_start(&a, &b, 1);
  raw_close(&a);
  ck_assert(stat_reaches("queue_depth", 0, 5000 * tb_time_scale())); /* the broker saw A go */
  json_decref(RAW_OK(&b, "{s:i,s:s,s:s}", "id", 1, "op", "execute", "sql", "INSERT INTO t VALUES (2)"));
  json_t *r = RAW_OK(&b, "{s:i,s:s,s:b}", "id", 1, "op", "rollback", "all", 1);
  ck_assert_int_eq(int_of(r, "tx"), 0);
  json_decref(r);
  json_decref(RAW_OK(&w, "{s:i,s:s,s:s}", "id", 1, "op", "execute", "sql", "INSERT INTO t VALUES (100)"));
  ck_assert_int_eq(tb_query_int("SELECT sum(x) FROM t"), 1 + 100);

  /* B's worker dies after A's */
  a = raw_open();
  chain_start(&a, &b, 3);
  raw_close(&a);
  ck_assert(stat_reaches("queue_depth", 0, 5000 * tb_time_scale()));
  json_decref(RAW_OK(&b, "{s:i,s:s,s:s}", "id", 1, "op", "execute", "sql", "INSERT INTO t VALUES (4)"));
  raw_close(&b);
  ck_assert(stat_reaches("open_transactions", 0, 5000 * tb_time_scale())); /* the broker saw B go */
  json_decref(RAW_OK(&w, "{s:i,s:s,s:s}", "id", 1, "op", "execute", "sql", "INSERT INTO t VALUES (200)"));
  ck_assert_int_eq(tb_query_int("SELECT sum(x) FROM t"), 1 + 100 + 3 + 200);

  /* B commits after A is gone: both parts are committed */
  a = raw_open();
  b = raw_open();
  chain_start(&a, &b, 5);
  raw_close(&a);
  ck_assert(stat_reaches("queue_depth", 0, 5000 * tb_time_scale()));
  json_decref(RAW_OK(&b, "{s:i,s:s,s:s}", "id", 1, "op", "execute", "sql", "INSERT INTO t VALUES (6)"));
  r = RAW_OK(&b, "{s:i,s:s}", "id", 1, "op", "commit");
  ck_assert_int_eq(int_of(r, "tx"), 0);
  json_decref(r);
  json_decref(RAW_OK(&w, "{s:i,s:s,s:s}", "id", 1, "op", "execute", "sql", "INSERT INTO t VALUES (300)"));
  ck_assert_int_eq(tb_query_int("SELECT sum(x) FROM t"), 1 + 100 + 3 + 200 + 5 + 6 + 300);
  ck_assert_int_eq(stat_of("open_transactions"), 0);
  raw_close(&b);
  raw_close(&w);
}
END_TEST

/* group_commit = no: every transaction has its own COMMIT */
START_TEST(test_tx_chain_off) {
  cfg.db_group_commit = 0;
  tb_start_broker();
  tb_exec_sql("CREATE TABLE t (x)");
  struct raw a = raw_open(), b = raw_open();
  RAW_OP(&a, "begin");
  raw_send_json(&b, json_pack("{s:i,s:s}", "id", 1, "op", "begin"));
  ck_assert(stat_reaches("queue_depth", 1, 5000 * tb_time_scale()));
  RAW_OP(&a, "commit"); /* answered before B's begin */
  json_decref(tb_expect_ok(tb_raw_recv(b.fd, b.in)));
  RAW_OP(&b, "commit");
  ck_assert_int_eq(stat_of("chain_commits"), 0);
  raw_close(&a);
  raw_close(&b);
}
END_TEST

/* ---- a begin sent with the first statement (protocol 3) ---------------- */

/* The broker's side: "begin": true begins, then runs the statement in the
 * new transaction, in one request; a begin that fails runs nothing; a
 * statement that fails leaves the transaction open for its rollback. */
START_TEST(test_begin_with_statement) {
  cfg.db_write_wait_ms = 300;
  tb_start_broker();
  tb_exec_sql("CREATE TABLE t (x UNIQUE)");
  struct raw a = raw_open(), b = raw_open();
  json_t *r = RAW_OK(&a, "{s:i,s:s,s:s,s:b}", "id", 1, "op", "execute", "sql", "INSERT INTO t VALUES (1)",
                     "begin", 1);
  ck_assert_int_eq(int_of(r, "tx"), 1);
  ck_assert_int_eq(int_of(r, "changes"), 1);
  json_decref(r);
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 0); /* not committed */
  ck_assert_int_eq(stat_of("open_transactions"), 1);
  /* B's waits for A's transaction, then fails on write_wait: its
   * statement does not run, and it holds no transaction */
  r = raw_call(&b, json_pack("{s:i,s:s,s:s,s:b}", "id", 1, "op", "execute", "sql", "INSERT INTO t VALUES (2)",
                             "begin", 1));
  ck_assert_int_eq(json_integer_value(json_object_get(r, "tx")), 0);
  tb_expect_error(r, "JSFPM_BUSY", "write_wait");
  /* a failing statement in the middle of A's transaction reports its own
   * error; the transaction stays open, and its rollback undoes it all */
  r = raw_call(&a, json_pack("{s:i,s:s,s:s}", "id", 2, "op", "execute", "sql", "INSERT INTO t VALUES (1)"));
  ck_assert_int_eq(int_of(r, "tx"), 1);
  tb_expect_error(r, "SQLITE_CONSTRAINT_UNIQUE", "UNIQUE");
  RAW_OP(&a, "rollback");
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 0);
  /* a begin that waited runs its statement once it has the writer */
  RAW_OP(&a, "begin");
  raw_send_json(&b, json_pack("{s:i,s:s,s:s,s:b}", "id", 1, "op", "query", "sql", "SELECT count(*) FROM t",
                              "begin", 1));
  ck_assert(stat_reaches("queue_depth", 1, 5000 * tb_time_scale()));
  json_decref(RAW_OK(&a, "{s:i,s:s,s:s}", "id", 1, "op", "execute", "sql", "INSERT INTO t VALUES (5)"));
  /* (A's commit then waits for B's transaction: a commit chain) */
  raw_send_json(&a, json_pack("{s:i,s:s}", "id", 7, "op", "commit"));
  r = tb_expect_ok(tb_raw_recv(b.fd, b.in));
  ck_assert_int_eq(int_of(r, "tx"), 1);
  ck_assert_int_eq(json_integer_value(json_array_get(json_array_get(json_object_get(r, "rows"), 0), 0)), 1);
  json_decref(r);
  RAW_OP(&b, "commit");
  chain_expect_ok(&a);
  /* "begin" goes with statements only, and is a boolean */
  tb_expect_error(raw_call(&a, json_pack("{s:i,s:s,s:b}", "id", 1, "op", "commit", "begin", 1)),
                  "JSFPM_BAD_REQUEST", "\"begin\" must be true or false");
  tb_expect_error(
      raw_call(&a, json_pack("{s:i,s:s,s:s,s:i}", "id", 1, "op", "execute", "sql", "SELECT 1", "begin", 1)),
      "JSFPM_BAD_REQUEST", "\"begin\" must be true or false");
  json_decref(RAW_OK(&a, "{s:i,s:s,s:s,s:b}", "id", 1, "op", "execute", "sql", "SELECT 1", "begin", 0));
  ck_assert_int_eq(stat_of("open_transactions"), 0);
  ck_assert_int_eq(stat_of("transactions"), 3);
  raw_close(&a);
  raw_close(&b);
}
END_TEST

/* The client's side: db_client sends a transaction's begin with its first
 * statement; an empty transaction never reaches the broker; a first
 * statement that ends its transaction (or whose begin failed) leaves the
 * app's level lost, so the rest of it never runs outside a transaction. */
START_TEST(test_begin_deferred) {
  tb_start_broker();
  tb_exec_sql("CREATE TABLE t (x UNIQUE)");
  struct db_client *a = db_client_new(sock_path);
  json_decref(OK_ON(a, "{s:s}", "op", "ping"));
  op_ok(a, "begin");
  ck_assert_int_eq(db_client_tx_depth(a), 1);
  ck_assert_int_eq(stat_of("transactions"), 0); /* not sent yet */
  op_ok(a, "commit");
  ck_assert_int_eq(db_client_tx_depth(a), 0);
  op_ok(a, "begin");
  op_ok(a, "rollback");
  ck_assert_int_eq(stat_of("transactions"), 0);

  op_ok(a, "begin");
  json_t *r = OK_ON(a, "{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (1)");
  ck_assert_int_eq(int_of(r, "tx"), 1);
  json_decref(r);
  ck_assert_int_eq(stat_of("transactions"), 1);
  ck_assert_int_eq(stat_of("open_transactions"), 1);
  op_ok(a, "begin"); /* nested: a savepoint, sent at once */
  ck_assert_int_eq(db_client_tx_depth(a), 2);
  op_ok(a, "rollback");
  op_ok(a, "commit");
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 1);

  /* a savepoint op right after the begin sends the begin first */
  op_ok(a, "begin");
  op_ok(a, "savepoint");
  ck_assert_int_eq(db_client_tx_depth(a), 2);
  op_ok(a, "rollback");
  op_ok(a, "rollback");
  ck_assert_int_eq(stat_of("open_transactions"), 0);

  /* a first statement that ends the transaction it began */
  op_ok(a, "begin");
  tb_expect_error(CALL_ON(a, "{s:s,s:s}", "op", "execute", "sql", "INSERT OR ROLLBACK INTO t VALUES (1)"),
                  "SQLITE_CONSTRAINT_UNIQUE", "UNIQUE");
  ck_assert_int_eq(db_client_tx_depth(a), 1);
  char err[256] = "";
  json_t *req = json_pack("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (2)");
  r = db_client_call(a, req, CALL_TIMEOUT_MS, err, sizeof err);
  json_decref(req);
  ck_assert_msg(r == NULL && strstr(err, "nothing of it was committed"), "%s", r ? tb_dump(r) : err);
  op_ok(a, "rollback");
  ck_assert_int_eq(db_client_tx_depth(a), 0);
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 1);
  json_decref(OK_ON(a, "{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (3)"));
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 2);
  db_client_free(a);
}
END_TEST

void tb_add_tx_tcase(Suite *s) {
  TCase *tx = tcase_create("transactions");
  tcase_add_checked_fixture(tx, tb_setup, tb_teardown);
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
  tcase_add_test(tx, test_tx_chain);
  tcase_add_test(tx, test_tx_chain_failures);
  tcase_add_test(tx, test_tx_chain_member_gone);
  tcase_add_test(tx, test_tx_chain_off);
  tcase_add_test(tx, test_begin_with_statement);
  tcase_add_test(tx, test_begin_deferred);
  suite_add_tcase(s, tx);
}
