/* test_cluster_sql.c: what the broker decides by itself in cluster mode,
 * where no local SQLite connection can prepare a statement: scripts split
 * into statements, statements refused before they reach a dqlite node
 * (broker/cluster_sql.c), and cluster_db statuses as replies
 * (broker_cluster_status_reply). */
#include "autoconfig.h"

#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "broker_cluster.h"
#include "cluster_db.h"
#include "cluster_sql.h"

/* ---- splitting ------------------------------------------------------------ */

struct pieces {
  char text[8][128];
  int n;
};

static int collect(void *arg, const char *stmt, size_t len) {
  struct pieces *p = arg;
  ck_assert_int_lt(p->n, 8);
  snprintf(p->text[p->n++], sizeof p->text[0], "%.*s", (int)len, stmt);
  return 0;
}

static struct pieces split(const char *sql) {
  struct pieces p = {.n = 0};
  ck_assert_int_eq(cluster_sql_split(sql, strlen(sql), collect, &p), 0);
  return p;
}

START_TEST(test_split_statements) {
  struct pieces p = split("CREATE TABLE a (x); INSERT INTO a VALUES (1);\nSELECT 1");
  ck_assert_int_eq(p.n, 3);
  ck_assert_str_eq(p.text[0], "CREATE TABLE a (x);");
  ck_assert_str_eq(p.text[1], " INSERT INTO a VALUES (1);");
  ck_assert_str_eq(p.text[2], "\nSELECT 1");
}
END_TEST

START_TEST(test_split_quotes_comments_triggers) {
  /* a ';' in a string, a quoted name, comments and a trigger's body does
   * not end a statement */
  struct pieces p = split("INSERT INTO a VALUES ('x;y'); -- c;\n"
                          "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET x = 1; DELETE FROM b; END;"
                          "/* ; */ SELECT \"a;b\" FROM a;");
  ck_assert_int_eq(p.n, 3);
  ck_assert_str_eq(p.text[0], "INSERT INTO a VALUES ('x;y');");
  ck_assert_ptr_nonnull(strstr(p.text[1], "DELETE FROM b; END;"));
  ck_assert_ptr_nonnull(strstr(p.text[2], "SELECT \"a;b\" FROM a;"));
}
END_TEST

START_TEST(test_split_blank) {
  ck_assert_int_eq(split("").n, 0);
  ck_assert_int_eq(split(" ;; -- only a comment\n /* and this */ ;").n, 0);
  ck_assert_int_eq(split("SELECT 1;;  ").n, 1);
}
END_TEST

static int stop_at_second(void *arg, const char *stmt, size_t len) {
  (void)stmt, (void)len;
  return ++*(int *)arg == 2 ? 7 : 0;
}

START_TEST(test_split_stops) {
  int calls = 0;
  const char *sql = "SELECT 1; SELECT 2; SELECT 3";
  ck_assert_int_eq(cluster_sql_split(sql, strlen(sql), stop_at_second, &calls), 7);
  ck_assert_int_eq(calls, 2);
}
END_TEST

/* ---- refusals ---------------------------------------------------------------- */

static const char *refusal(const char *sql) { return cluster_sql_refusal(sql, strlen(sql)); }

START_TEST(test_refused) {
  const char *refused[] = {
      "BEGIN",
      "  commit",
      "/* x */ ROLLBACK TO a",
      "SAVEPOINT a",
      "release a",
      "END TRANSACTION",
      "ATTACH 'x.db' AS x",
      "DETACH x",
      "VACUUM INTO '/tmp/x'",
      "PRAGMA journal_mode = delete",
      "PRAGMA writable_schema",
      "PRAGMA main.synchronous = 0",
      "CREATE TEMP TABLE t (a)",
      "CREATE TEMPORARY VIEW v AS SELECT 1",
      "CREATE TRIGGER temp.t AFTER INSERT ON a BEGIN SELECT 1; END",
      "SELECT load_extension('x')",
      "SELECT LOAD_EXTENSION ('x')",
      "SELECT fts3_tokenizer('simple')",
      "CREATE TABLE t (id INTEGER, at DATETIME)",
      "CREATE TABLE t (flag boolean NOT NULL, x)",
      "CREATE TABLE t (\"d\" DATE)",
      "create table t (a, b TIMESTAMP DEFAULT CURRENT_TIMESTAMP)",
      "ALTER TABLE t ADD COLUMN seen BOOLEAN",
      "ALTER TABLE t ADD seen DATETIME",
  };
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
    ck_assert_msg(refusal(refused[i]) != NULL, "not refused: %s", refused[i]);
  ck_assert_ptr_nonnull(strstr(refusal("CREATE TABLE t (at DATETIME)"), "dqlite"));
  ck_assert_ptr_nonnull(strstr(refusal("BEGIN"), "db.transaction()"));
}
END_TEST

START_TEST(test_allowed) {
  const char *allowed[] = {
      "SELECT 1",
      "INSERT INTO items (k, v) VALUES (?, ?) RETURNING id",
      "PRAGMA table_info(items)",
      "PRAGMA user_version",
      "PRAGMA integrity_check",
      "CREATE TABLE t (id INTEGER PRIMARY KEY, date TEXT, timestamp INTEGER)", /* names, not types */
      "CREATE TABLE date (x)",
      "CREATE TABLE t (a TEXT DEFAULT 'BOOLEAN')",
      "CREATE INDEX i ON items (k)",
      "SELECT date('now'), datetime('now')",
      "UPDATE items SET v = 'begin' WHERE k = 'end'",
      "WITH c AS (SELECT 1) SELECT * FROM c",
      "CREATE TABLE temperatures (temp REAL)",
      "ALTER TABLE t ADD COLUMN created_at INTEGER",
  };
  for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
    ck_assert_msg(refusal(allowed[i]) == NULL, "refused: %s: %s", allowed[i], refusal(allowed[i]));
}
END_TEST

/* ---- plain writes: one EXEC_SQL with their savepoint (cluster_db.c) ---------- */

/* The text cluster_sql_plain_write keeps of SQL with NPARAMS, or "" when
 * it must go through a query. */
static const char *plain(const char *sql, size_t nparams) {
  static char buf[256];
  size_t core = cluster_sql_plain_write(sql, strlen(sql), nparams);
  ck_assert_uint_lt(core, sizeof buf);
  snprintf(buf, sizeof buf, "%.*s", (int)core, sql);
  return buf;
}

START_TEST(test_plain_write_kept) {
  /* the text up to its last token: no ';', blank or comment after it (a
   * "--" comment would swallow the RELEASE that is appended) */
  ck_assert_str_eq(plain("INSERT INTO t (a, b) VALUES (?, ?)", 2), "INSERT INTO t (a, b) VALUES (?, ?)");
  ck_assert_str_eq(plain("insert into t values (1); -- done", 0), "insert into t values (1)");
  ck_assert_str_eq(plain("UPDATE t SET a = ? WHERE b = 'x;y' -- why", 1),
                   "UPDATE t SET a = ? WHERE b = 'x;y'");
  ck_assert_str_eq(plain("DELETE FROM t /* all */ ;\n", 0), "DELETE FROM t");
  ck_assert_str_eq(plain("/* lead */ REPLACE INTO t VALUES ('it''s', \"q\"\"\")", 0),
                   "/* lead */ REPLACE INTO t VALUES ('it''s', \"q\"\"\")");
  ck_assert_str_eq(plain("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);", 0),
                   "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  ck_assert_str_eq(plain("DROP TABLE t", 0), "DROP TABLE t");
  ck_assert_str_eq(plain("ALTER TABLE t ADD COLUMN w", 0), "ALTER TABLE t ADD COLUMN w");
  ck_assert_str_eq(plain("INSERT INTO t VALUES ('?', \"returning\")", 0),
                   "INSERT INTO t VALUES ('?', \"returning\")");
}
END_TEST

START_TEST(test_plain_write_refused) {
  const struct {
    const char *sql;
    size_t nparams;
  } query[] = {
      {"SELECT 1", 0},                                           /* rows */
      {"WITH c AS (SELECT 1) INSERT INTO t SELECT * FROM c", 0}, /* maybe rows: not told apart */
      {"PRAGMA user_version", 0},
      {"VALUES (1)", 0},
      {"EXPLAIN INSERT INTO t VALUES (1)", 0},
      {"INSERT INTO t VALUES (?) RETURNING id", 1},
      {"insert into t values (1) returning *", 0},
      {"INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)", 0}, /* two statements */
      {"CREATE TRIGGER r AFTER INSERT ON t BEGIN DELETE FROM u; END", 0},
      {"CREATE TRIGGER r AFTER INSERT ON t BEGIN END", 0}, /* no ';': ends at "END;" */
      {"INSERT INTO t VALUES ('open", 0},                  /* unterminated: would swallow RELEASE */
      {"INSERT INTO t VALUES (\"open", 0},
      {"INSERT INTO t VALUES ([open", 0},
      {"INSERT INTO t VALUES (1) /* open", 0},
      {"INSERT INTO t VALUES (?, ?)", 1}, /* a wrong count: a query reports it */
      {"INSERT INTO t VALUES (?)", 2},
      {"INSERT INTO t VALUES (?1)", 1}, /* numbered and named parameters */
      {"INSERT INTO t VALUES (:a)", 1},
      {"INSERT INTO t VALUES (@a)", 1},
      {"INSERT INTO t VALUES ($a)", 1},
      {"UPDATE t SET a = $x(') ; DELETE FROM u; SELECT ')", 0}, /* a Tcl variable: one token to SQLite */
      {"", 0},
      {"-- nothing", 0},
  };
  for (size_t i = 0; i < sizeof query / sizeof query[0]; i++)
    ck_assert_msg(cluster_sql_plain_write(query[i].sql, strlen(query[i].sql), query[i].nparams) == 0,
                  "a plain write: %s", query[i].sql);
}
END_TEST

/* ---- statuses as replies ----------------------------------------------------- */

static json_t *status_reply(int status, unsigned long long code, const char *message) {
  json_t *id = json_integer(7);
  json_t *r = broker_cluster_status_reply(id, status, code, message);
  json_decref(id);
  ck_assert_ptr_nonnull(r);
  ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 7);
  return r;
}

static const char *str(const json_t *r, const char *key) {
  return json_string_value(json_object_get(r, key));
}

START_TEST(test_status_replies) {
  json_t *r = status_reply(CLUSTER_DB_OK, 0, "");
  ck_assert(json_is_true(json_object_get(r, "ok")));
  json_decref(r);

  /* SQLite's own error, as on one host: extended and primary code names */
  r = status_reply(CLUSTER_DB_ERROR, 1555, "UNIQUE constraint failed: t.id");
  ck_assert(json_is_false(json_object_get(r, "ok")));
  ck_assert_str_eq(str(r, "code"), "SQLITE_CONSTRAINT_PRIMARYKEY");
  ck_assert_str_eq(str(r, "primary"), "SQLITE_CONSTRAINT");
  ck_assert_int_eq(json_integer_value(json_object_get(r, "errcode")), 1555);
  ck_assert_str_eq(str(r, "message"), "UNIQUE constraint failed: t.id");
  json_decref(r);

  r = status_reply(CLUSTER_DB_UNAVAILABLE, 0, "no cluster leader within write_wait: ...");
  ck_assert_str_eq(str(r, "code"), "JSFPM_NO_QUORUM");
  ck_assert_ptr_nonnull(strstr(str(r, "message"), "no cluster leader within write_wait"));
  json_decref(r);

  r = status_reply(CLUSTER_DB_COMMIT_UNKNOWN, 0, "the leader was lost during COMMIT");
  ck_assert_str_eq(str(r, "code"), "JSFPM_COMMIT_UNKNOWN");
  ck_assert_str_eq(str(r, "message"), "the leader was lost during COMMIT");
  json_decref(r);

  r = status_reply(CLUSTER_DB_BUSY, 0, "node busy");
  ck_assert_str_eq(str(r, "code"), "JSFPM_BUSY");
  ck_assert_ptr_nonnull(strstr(str(r, "message"), "another host's transaction"));
  json_decref(r);

  /* an error the node did not give (code 0: the client refused a value) */
  r = status_reply(CLUSTER_DB_ERROR, 0, "text with a NUL byte");
  ck_assert_str_eq(str(r, "code"), "JSFPM_BAD_REQUEST");
  json_decref(r);
}
END_TEST

static Suite *cluster_sql_suite(void) {
  Suite *s = suite_create("cluster_sql");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_split_statements);
  tcase_add_test(tc, test_split_quotes_comments_triggers);
  tcase_add_test(tc, test_split_blank);
  tcase_add_test(tc, test_split_stops);
  tcase_add_test(tc, test_refused);
  tcase_add_test(tc, test_allowed);
  tcase_add_test(tc, test_plain_write_kept);
  tcase_add_test(tc, test_plain_write_refused);
  tcase_add_test(tc, test_status_replies);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(cluster_sql_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
