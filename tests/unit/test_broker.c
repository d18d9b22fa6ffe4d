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
#include "test_broker.h"

/* ---- tests ------------------------------------------------------------- */

START_TEST(test_basic) {
  tb_start_broker();
  json_decref(OK("{s:s}", "op", "ping"));
  /* the reader has loaded the schema; a table the writer creates next must
   * still be visible to it (stale schema caches are re-read) */
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM sqlite_schema WHERE name = 'early'"), 0);
  tb_exec_sql("CREATE TABLE early (a); INSERT INTO early VALUES (1)");
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM early"), 1);
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO early VALUES (2)"));
  tb_exec_sql("DROP TABLE early");
  tb_exec_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT UNIQUE, body TEXT);"
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

  r = OK("{s:s,s:s,s:[i]}", "op", "query", "sql",
         "SELECT id, title AS t FROM notes WHERE id >= ? ORDER BY id", "params", 1);
  json_t *want =
      json_pack("{s:[s,s],s:[[i,s],[i,s]]}", "columns", "id", "t", "rows", 1, "first", 2, "second");
  ck_assert_msg(json_equal(json_object_get(r, "columns"), json_object_get(want, "columns")), "%s",
                tb_dump(r));
  ck_assert_msg(json_equal(json_object_get(r, "rows"), json_object_get(want, "rows")), "%s", tb_dump(r));
  json_decref(want);
  json_decref(r);

  /* empty result: columns still named */
  r = OK("{s:s,s:s}", "op", "query", "sql", "SELECT id FROM notes WHERE 0");
  ck_assert_int_eq(json_array_size(json_object_get(r, "rows")), 0);
  ck_assert_int_eq(json_array_size(json_object_get(r, "columns")), 1);
  json_decref(r);

  /* the connection is configured as promised */
  json_t *c = tb_query_cell(json_pack("{s:s,s:s}", "op", "query", "sql", "PRAGMA journal_mode"));
  ck_assert_str_eq(json_string_value(c), "wal");
  json_decref(c);
  ck_assert_int_eq(tb_query_int("PRAGMA foreign_keys"), 1);
  ck_assert_int_eq(tb_query_int("PRAGMA synchronous"), 2);
  /* a trailing semicolon and comments are still one statement */
  ck_assert_int_eq(tb_query_int("SELECT 7; -- seven\n /* done */ ;"), 7);
}
END_TEST

/* Sends V as a parameter of "SELECT ?1, typeof(?1)" and checks the value
 * comes back equal with SQLite type TYPE.  Steals V. */
static void round_trip(json_t *v, const char *type, json_t *expect) {
  json_t *r =
      tb_expect_ok(CALL("{s:s,s:s,s:[O]}", "op", "query", "sql", "SELECT ?1, typeof(?1)", "params", v));
  json_t *row = json_array_get(json_object_get(r, "rows"), 0);
  json_t *got = json_array_get(row, 0);
  ck_assert_msg(json_equal(got, expect ? expect : v), "sent %s, got %s", tb_dump(v), tb_dump(r));
  ck_assert_msg(json_typeof(got) == json_typeof(expect ? expect : v), "type changed: %s", tb_dump(r));
  ck_assert_str_eq(json_string_value(json_array_get(row, 1)), type);
  json_decref(r);
  json_decref(v);
  json_decref(expect);
}

START_TEST(test_types) {
  tb_start_broker();
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
  tb_exec_sql("CREATE TABLE v (k INTEGER PRIMARY KEY, x)");
  json_t *r = OK("{s:s,s:s,s:[I,I,f,s%,{s:s}]}", "op", "execute", "sql",
                 "INSERT INTO v (x) VALUES (?), (?), (?), (?), (?)", "params", (json_int_t)INT64_MAX,
                 (json_int_t)INT64_MIN, 1.0, "x\0y", (size_t)3, "$blob", "AAEA/w==");
  ck_assert_int_eq(json_integer_value(json_object_get(r, "changes")), 5);
  json_decref(r);
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM v WHERE k = 1 AND x = 9223372036854775807"), 1);
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM v WHERE k = 2 AND x = -9223372036854775807 - 1"), 1);
  ck_assert_int_eq(tb_query_int("SELECT typeof(x) = 'real' AND x = 1.0 FROM v WHERE k = 3"), 1);
  ck_assert_int_eq(
      tb_query_int("SELECT length(CAST(x AS BLOB)) = 3 AND CAST(x AS BLOB) = x'780079' FROM v WHERE k = 4"),
      1);
  ck_assert_int_eq(tb_query_int("SELECT x = x'000100ff' FROM v WHERE k = 5"), 1);
  r = OK("{s:s,s:s}", "op", "query", "sql", "SELECT x FROM v ORDER BY k");
  json_t *want = json_pack("[[I],[I],[f],[s%],[{s:s}]]", (json_int_t)INT64_MAX, (json_int_t)INT64_MIN, 1.0,
                           "x\0y", (size_t)3, "$blob", "AAEA/w==");
  ck_assert_msg(json_equal(json_object_get(r, "rows"), want), "%s", tb_dump(r));
  ck_assert(json_is_real(json_array_get(json_array_get(json_object_get(r, "rows"), 2), 0)));
  json_decref(want);
  json_decref(r);
}
END_TEST

START_TEST(test_errors) {
  tb_start_broker();
  tb_exec_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT UNIQUE NOT NULL);"
              "CREATE TABLE tags (note INTEGER NOT NULL REFERENCES notes(id));"
              "INSERT INTO notes (id, title) VALUES (1, 'a');");
  json_t *r =
      CALL("{s:s,s:s,s:[s]}", "op", "execute", "sql", "INSERT INTO notes (title) VALUES (?)", "params", "a");
  ck_assert_str_eq(json_string_value(json_object_get(r, "primary")), "SQLITE_CONSTRAINT");
  ck_assert_int_eq(json_integer_value(json_object_get(r, "errcode")), 2067);
  ck_assert(json_is_integer(json_object_get(r, "id")));
  tb_expect_error(r, "SQLITE_CONSTRAINT_UNIQUE", "UNIQUE constraint failed: notes.title");
  tb_expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO notes (id, title) VALUES (1, 'b')"),
                  "SQLITE_CONSTRAINT_PRIMARYKEY", "notes.id");
  tb_expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO notes (id) VALUES (5)"),
                  "SQLITE_CONSTRAINT_NOTNULL", "notes.title");
  tb_expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO tags VALUES (42)"),
                  "SQLITE_CONSTRAINT_FOREIGNKEY", "FOREIGN KEY");
  r = CALL("{s:s,s:s}", "op", "query", "sql", "SELEC 1");
  ck_assert_int_eq(json_integer_value(json_object_get(r, "errcode")), 1);
  tb_expect_error(r, "SQLITE_ERROR", "syntax error");
  tb_expect_error(CALL("{s:s,s:s}", "op", "query", "sql", "SELECT * FROM nope"), "SQLITE_ERROR",
                  "no such table");
  tb_expect_error(CALL("{s:s,s:s}", "op", "query", "sql", "SELECT 1; SELECT 2"), "JSFPM_BAD_REQUEST",
                  "more than one statement");
  tb_expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", "DELETE FROM notes; DROP TABLE notes"),
                  "JSFPM_BAD_REQUEST", "more than one statement");
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM notes"), 1); /* nothing ran */
  tb_expect_error(CALL("{s:s,s:s}", "op", "query", "sql", "  -- nothing\n"), "JSFPM_BAD_REQUEST",
                  "no statement");
  tb_expect_error(CALL("{s:s,s:s,s:[i,i]}", "op", "query", "sql", "SELECT ?", "params", 1, 2), "SQLITE_RANGE",
                  "takes 1 parameter but 2 were given");
  tb_expect_error(CALL("{s:s,s:s}", "op", "query", "sql", "SELECT ?, ?"), "SQLITE_RANGE",
                  "takes 2 parameters");
  tb_expect_error(CALL("{s:s,s:s,s:[i]}", "op", "query", "sql", "SELECT :name", "params", 1),
                  "JSFPM_BAD_REQUEST", "named parameter :name");
  tb_expect_error(CALL("{s:s,s:s,s:[[]]}", "op", "query", "sql", "SELECT ?", "params"), "JSFPM_BAD_REQUEST",
                  "parameter 1: unsupported type");
  tb_expect_error(CALL("{s:s,s:s,s:[i,{s:i}]}", "op", "query", "sql", "SELECT ?, ?", "params", 1, "a", 1),
                  "JSFPM_BAD_REQUEST", "parameter 2: unsupported type");
  tb_expect_error(
      CALL("{s:s,s:s,s:[{s:s,s:i}]}", "op", "query", "sql", "SELECT ?", "params", "$blob", "AA==", "x", 1),
      "JSFPM_BAD_REQUEST", "parameter 1: unsupported type");
  const char *bad_b64[] = {"A", "AAA", "A===", "AA=A", "AA*=", "AAAA ", "=AAA"};
  for (size_t i = 0; i < sizeof bad_b64 / sizeof *bad_b64; i++)
    tb_expect_error(
        CALL("{s:s,s:s,s:[{s:s}]}", "op", "query", "sql", "SELECT ?", "params", "$blob", bad_b64[i]),
        "JSFPM_BAD_REQUEST", "not valid base64");
  tb_expect_error(CALL("{s:s,s:s,s:i}", "op", "query", "sql", "SELECT ?", "params", 1), "JSFPM_BAD_REQUEST",
                  "\"params\" must be an array");
  tb_expect_error(CALL("{s:s}", "op", "frobnicate"), "JSFPM_BAD_REQUEST", "unknown op");
  tb_expect_error(CALL("{s:i}", "op", 1), "JSFPM_BAD_REQUEST", "\"op\"");
  tb_expect_error(CALL("{s:s}", "op", "query"), "JSFPM_BAD_REQUEST", "\"sql\" must be a string");
  tb_expect_error(CALL("{s:s,s:s%}", "op", "query", "sql", "SELECT 1\0; DROP TABLE notes", (size_t)27),
                  "JSFPM_BAD_REQUEST", "NUL");
  tb_expect_error(CALL("{s:s,s:s,s:[i]}", "op", "exec", "sql", "SELECT ?", "params", 1), "JSFPM_BAD_REQUEST",
                  "takes no");
  tb_expect_error(CALL("{s:s,s:s}", "op", "exec", "sql", "CREATE TABLE x1 (a); CREATE TABLE x1 (a)"),
                  "SQLITE_ERROR", "already exists");
  /* values JSON cannot carry are errors, not silent conversions */
  tb_expect_error(CALL("{s:s,s:s}", "op", "query", "sql", "SELECT 1e999 AS big"), "JSFPM_UNREPRESENTABLE",
                  "\"big\"");
  tb_expect_error(CALL("{s:s,s:s}", "op", "query", "sql", "SELECT CAST(x'ff' AS TEXT)"),
                  "JSFPM_UNREPRESENTABLE", "UTF-8");
  /* the defensive/extension settings hold */
  tb_expect_error(CALL("{s:s,s:s}", "op", "query", "sql", "SELECT load_extension('/nonexistent')"),
                  "SQLITE_AUTH", "load_extension() is not allowed");
  /* transactions are ops, never SQL: a statement cannot leave one open */
  tb_expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", "BEGIN"), "SQLITE_AUTH", "db.transaction()");
  tb_expect_error(CALL("{s:s,s:s}", "op", "exec", "sql", "BEGIN; INSERT INTO notes (title) VALUES ('t')"),
                  "SQLITE_AUTH", "db.transaction()");
  tb_expect_error(CALL("{s:s,s:s}", "op", "execute", "sql", "SAVEPOINT x"), "SQLITE_AUTH", "not allowed");
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM notes"), 1);
  /* the broker still serves after all that */
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM notes"), 1);
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
  tb_start_broker();
  tb_exec_sql("CREATE TABLE t (a); INSERT INTO t VALUES (1)");
  json_t *r = OK("{s:s,s:s}", "op", "query", "sql", "SELECT * FROM t");
  ck_assert_int_eq(json_array_size(json_object_get(r, "columns")), 1);
  json_decref(r);
  /* a cached statement follows schema changes */
  tb_exec_sql("ALTER TABLE t ADD COLUMN b DEFAULT 2");
  r = OK("{s:s,s:s}", "op", "query", "sql", "SELECT * FROM t");
  ck_assert_int_eq(json_array_size(json_object_get(r, "columns")), 2);
  json_decref(r);
  /* more distinct statements than the cache holds, then the first again */
  for (int i = 0; i < 300; i++) {
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT %d + ?", i);
    json_t *c = tb_query_cell(json_pack("{s:s,s:s,s:[i]}", "op", "query", "sql", sql, "params", i));
    ck_assert_int_eq(json_integer_value(c), 2 * i);
    json_decref(c);
  }
  ck_assert_int_eq(tb_query_int("SELECT b FROM t"), 2);
  /* a statement interrupted by an error is reset: the next use starts over */
  tb_exec_sql("CREATE TABLE u (x INTEGER UNIQUE)");
  for (int i = 0; i < 3; i++) {
    json_t *e = CALL("{s:s,s:s,s:[i]}", "op", "execute", "sql", "INSERT INTO u VALUES (?)", "params", 5);
    if (i == 0)
      json_decref(tb_expect_ok(e));
    else
      tb_expect_error(e, "SQLITE_CONSTRAINT_UNIQUE", "u.x");
  }
}
END_TEST

START_TEST(test_pipelining) {
  tb_start_broker();
  tb_exec_sql("CREATE TABLE p (x)");
  int fd = tb_raw_connect();
  struct evbuffer *out = evbuffer_new(), *in = evbuffer_new();
  json_t *reqs[4] = {
      json_pack("{s:i,s:s,s:s,s:[i]}", "id", 10, "op", "execute", "sql", "INSERT INTO p VALUES (?)", "params",
                1),
      json_pack("{s:i,s:s,s:s}", "id", 11, "op", "query", "sql", "SELEC"),
      json_pack("{s:i,s:s,s:s,s:[i]}", "id", 12, "op", "execute", "sql", "INSERT INTO p VALUES (?)", "params",
                2),
      json_pack("{s:i,s:s,s:s}", "id", 13, "op", "query", "sql", "SELECT count(*) FROM p"),
  };
  for (int i = 0; i < 4; i++) {
    ck_assert_int_eq(frame_encode(out, reqs[i], FRAME_VERSION), 0);
    json_decref(reqs[i]);
  }
  /* everything sent before anything is read */
  size_t n = evbuffer_get_length(out);
  tb_raw_send(fd, evbuffer_pullup(out, -1), n);
  for (int i = 0; i < 4; i++) {
    json_t *r = tb_raw_recv(fd, in);
    ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 10 + i);
    ck_assert_msg(json_is_true(json_object_get(r, "ok")) == (i != 1), "%s", tb_dump(r));
    if (i == 3)
      ck_assert_int_eq(json_integer_value(json_array_get(json_array_get(json_object_get(r, "rows"), 0), 0)),
                       2);
    json_decref(r);
  }
  /* a request without an integer id still gets an answer, with id null */
  evbuffer_drain(out, evbuffer_get_length(out));
  json_t *noid = json_pack("{s:s}", "op", "ping");
  ck_assert_int_eq(frame_encode(out, noid, FRAME_VERSION), 0);
  json_decref(noid);
  n = evbuffer_get_length(out);
  tb_raw_send(fd, evbuffer_pullup(out, -1), n);
  json_t *r = tb_raw_recv(fd, in);
  ck_assert(json_is_null(json_object_get(r, "id")));
  tb_expect_error(r, "JSFPM_BAD_REQUEST", "\"id\"");
  evbuffer_free(out);
  evbuffer_free(in);
  close(fd);
}
END_TEST

START_TEST(test_migrations) {
  tb_write_file(mig_dir, "001_notes.sql", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n");
  tb_write_file(mig_dir, "002_seed.sql", "INSERT INTO notes (body) VALUES ('seed');\n");
  tb_write_file(mig_dir, "010_index.sql", "CREATE INDEX notes_body ON notes(body);");
  tb_write_file(mig_dir, ".gitkeep", ""); /* hidden files are not migrations */
  tb_start_broker();
  json_t *r =
      OK("{s:s,s:s}", "op", "query", "sql", "SELECT version, name FROM jsfpm_migrations ORDER BY version");
  json_t *want = json_pack("[[i,s],[i,s],[i,s]]", 1, "001_notes.sql", 2, "002_seed.sql", 10, "010_index.sql");
  ck_assert_msg(json_equal(json_object_get(r, "rows"), want), "%s", tb_dump(r));
  json_decref(want);
  json_decref(r);
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM notes"), 1);
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM jsfpm_migrations WHERE applied_at IS NOT NULL"), 3);
  ck_assert_int_eq(tb_stop_broker(SIGTERM), 0);

  /* restart with one more: only the new one runs (002 would add a row) */
  tb_write_file(mig_dir, "003_more.sql", "INSERT INTO notes (body) VALUES ('more');");
  tb_start_broker();
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM notes"), 2);
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM jsfpm_migrations"), 4);
  ck_assert_int_eq(tb_stop_broker(SIGTERM), 0);
  tb_start_broker();
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM notes"), 2);
}
END_TEST

START_TEST(test_no_migrations_dir) {
  ck_assert_int_eq(rmdir(mig_dir), 0);
  tb_start_broker();
  ck_assert_int_eq(tb_query_int("SELECT 1"), 1);
}
END_TEST

static void expect_broker_fails(const char *what) {
  fflush(NULL);
  pid_t pid = tb_spawn_broker(listen_fd, 0);
  int st = tb_reap(pid);
  ck_assert_msg(st != 0 && st < 128, "%s: broker exit status %d, expected a non-zero exit", what, st);
}

static void remove_migration(const char *name) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", mig_dir, name);
  ck_assert_int_eq(unlink(path), 0);
}

START_TEST(test_broken_migration) {
  tb_write_file(mig_dir, "001_ok.sql", "CREATE TABLE ok1 (a);");
  tb_write_file(mig_dir, "002_broken.sql", "CREATE TABLE half (a);\nINSERT INTO nope VALUES (1);\n");
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
  tb_write_file(mig_dir, "002_broken.sql", "CREATE TABLE half (a); COMMIT;");
  expect_broker_fails("migration with COMMIT");
  /* two files for one version */
  tb_write_file(mig_dir, "002_broken.sql", "CREATE TABLE half (a);");
  tb_write_file(mig_dir, "2_again.sql", "CREATE TABLE again (a);");
  expect_broker_fails("duplicate version");
  remove_migration("2_again.sql");
  /* a file not named NNN_name.sql stops the start (it was skipped once,
   * and the app then failed on a missing table) */
  tb_write_file(mig_dir, "003.sql", "CREATE TABLE must_not_exist (a);");
  expect_broker_fails("a migration without a name");
  remove_migration("003.sql");
  tb_write_file(mig_dir, "README", "not a migration");
  expect_broker_fails("a file that is not a migration");
}
END_TEST

START_TEST(test_bad_db) {
  tb_write_file(tmpdir, "test.db", "this is not a database, just some text that is long enough......");
  expect_broker_fails("not a database");
  snprintf(db_path, sizeof db_path, "%s/missing-dir/test.db", tmpdir);
  expect_broker_fails("missing directory");
}
END_TEST

START_TEST(test_sigterm) {
  tb_start_broker();
  tb_exec_sql("CREATE TABLE t (a); INSERT INTO t VALUES (1)");
  char wal[160];
  snprintf(wal, sizeof wal, "%s-wal", db_path);
  ck_assert_int_eq(access(wal, F_OK), 0); /* WAL mode in use */
  ck_assert_int_eq(tb_stop_broker(SIGTERM), 0);
  /* a clean close checkpoints and removes the WAL */
  ck_assert_int_eq(access(wal, F_OK), -1);
  tb_start_broker();
  ck_assert_int_eq(tb_stop_broker(SIGINT), 0);
  tb_start_broker();
  ck_assert_int_eq(tb_stop_broker(SIGQUIT), 0);
}
END_TEST

START_TEST(test_bad_frame) {
  tb_start_broker();
  json_decref(OK("{s:s}", "op", "ping"));
  /* oversized length */
  int fd = tb_raw_connect();
  unsigned char huge[4] = {0xff, 0xff, 0xff, 0xff};
  tb_raw_send(fd, huge, 4);
  ck_assert(tb_raw_sees_eof(fd));
  close(fd);
  /* invalid JSON, after a good frame whose reply must still arrive */
  fd = tb_raw_connect();
  struct evbuffer *out = evbuffer_new(), *in = evbuffer_new();
  json_t *ping = json_pack("{s:i,s:s}", "id", 1, "op", "ping");
  ck_assert_int_eq(frame_encode(out, ping, FRAME_VERSION), 0);
  json_decref(ping);
  ck_assert_int_eq(evbuffer_add(out, "\0\0\0\x05{bad}", 9), 0);
  size_t n = evbuffer_get_length(out);
  tb_raw_send(fd, evbuffer_pullup(out, -1), n);
  json_t *r = tb_raw_recv(fd, in);
  json_decref(tb_expect_ok(r));
  ck_assert(tb_raw_sees_eof(fd));
  close(fd);
  /* a JSON array */
  fd = tb_raw_connect();
  tb_raw_send(fd, "\0\0\0\x02[]", 6);
  ck_assert(tb_raw_sees_eof(fd));
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
  tb_start_broker();
  int polling_seen = 0;
  for (int i = 0; i < 10 && !polling_seen; i++) {
    json_decref(OK("{s:s}", "op", "ping"));
    tb_sleep_ms(20); /* well inside the window, well past serving the ping */
    polling_seen = proc_state(broker_pid) == 'R';
    tb_sleep_ms(130); /* past the window: the next ping finds it asleep */
  }
  ck_assert_msg(polling_seen, "the broker was never runnable right after a reply (not polling?)");
  tb_sleep_ms(200);
  int sleeping = 0;
  for (int i = 0; i < 20; i++) {
    sleeping += proc_state(broker_pid) == 'S';
    tb_sleep_ms(10);
  }
  /* Past the window it sleeps: on an idle broker an odd sample may catch
   * a housekeeping timer, never most of them. */
  ck_assert_msg(sleeping >= 15, "broker asleep in only %d of 20 samples 200 ms after its last request",
                sleeping);
  long t1 = cpu_ticks(broker_pid);
  tb_sleep_ms(500);
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
  tb_start_broker();
  int fd = tb_raw_connect();
  struct evbuffer *out = evbuffer_new(), *in = evbuffer_new();
  for (int i = 0; i < 24; i++) {
    json_t *q = json_pack("{s:i,s:s,s:s,s:[i]}", "id", i, "op", "query", "sql", "SELECT zeroblob(?)",
                          "params", 1000000 + i);
    ck_assert_int_eq(frame_encode(out, q, FRAME_VERSION), 0);
    json_decref(q);
  }
  size_t n = evbuffer_get_length(out);
  tb_raw_send(fd, evbuffer_pullup(out, -1), n);
  tb_sleep_ms(100);
  for (int i = 0; i < 24; i++) {
    json_t *r = tb_raw_recv(fd, in);
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
  tb_expect_error(r, "JSFPM_RESULT_TOO_LARGE", "frame limit");
  json_decref(OK("{s:s}", "op", "ping"));
}
END_TEST

START_TEST(test_reconnect) {
  tb_start_broker();
  tb_exec_sql("CREATE TABLE t (a)");
  ck_assert_int_eq(tb_stop_broker(SIGKILL), 128 + SIGKILL);
  /* the client's idle connection is dead; a new broker on the same socket */
  tb_start_broker();
  json_decref(OK("{s:s,s:s}", "op", "execute", "sql", "INSERT INTO t VALUES (1)"));
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 1);

  /* a call made while no broker runs waits for the next one */
  ck_assert_int_eq(tb_stop_broker(SIGKILL), 128 + SIGKILL);
  broker_pid = tb_spawn_broker(listen_fd, 300);
  long long t0 = clock_mono_ms();
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 1);
  ck_assert_int_ge(clock_mono_ms() - t0, 250);
}
END_TEST

START_TEST(test_connect_retry) {
  /* no socket yet: the client retries until it appears */
  char path2[160];
  snprintf(path2, sizeof path2, "%s/late.sock", tmpdir);
  struct db_client *late = db_client_new(path2);
  pid_t pid = tb_fork_blocked();
  if (pid == 0) {
    tb_sleep_ms(200);
    int lfd = tb_make_listener(path2);
    exit(broker_main(&cfg, lfd));
  }
  broker_pid = pid;
  json_t *req = json_pack("{s:s}", "op", "ping");
  char err[256] = "";
  long long t0 = clock_mono_ms();
  json_t *r = db_client_call(late, req, 3000, err, sizeof err);
  ck_assert_msg(r != NULL, "%s", err);
  ck_assert_int_ge(clock_mono_ms() - t0, 150);
  json_decref(tb_expect_ok(r));
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
  tb_start_broker();
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
  json_t *c = tb_query_cell(json_pack("{s:s,s:s}", "op", "query", "sql", "SELECT 'fresh'"));
  ck_assert_str_eq(json_string_value(c), "fresh");
  json_decref(c);
}
END_TEST

START_TEST(test_killed_in_flight) {
  tb_start_broker();
  json_decref(OK("{s:s}", "op", "ping")); /* connection accepted */
  ck_assert_int_eq(kill(broker_pid, SIGSTOP), 0);
  fflush(NULL);
  pid_t killer = fork();
  ck_assert_int_ge(killer, 0);
  if (killer == 0) {
    tb_sleep_ms(200);
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
  ck_assert_int_eq(tb_reap(killer), 0);
  ck_assert_int_eq(tb_reap(broker_pid), 128 + SIGKILL);
  broker_pid = -1;
  /* and the next broker serves the same client */
  tb_start_broker();
  json_decref(OK("{s:s}", "op", "ping"));
}
END_TEST

START_TEST(test_peer_uid) {
  if (geteuid() != 0) return; /* needs root to connect as another uid */
  tb_start_broker();
  /* let uid 65534 reach the socket, so only SO_PEERCRED can refuse it */
  ck_assert_int_eq(chmod(tmpdir, 0711), 0);
  ck_assert_int_eq(chmod(sock_path, 0666), 0);
  fflush(NULL);
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0) _exit(2);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    strcpy(sa.sun_path, sock_path);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) _exit(3);
    if (send(fd, "\0\0\0\x15{\"id\":1,\"op\":\"ping\"}", 25, MSG_NOSIGNAL) != 25)
      _exit(0); /* already closed: refused */
    char b[64];
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 3000) != 1) _exit(4);
    ssize_t n = read(fd, b, sizeof b);
    _exit(n <= 0 ? 0 : 5); /* EOF (or reset) without a reply */
  }
  ck_assert_int_eq(tb_reap(pid), 0);
  json_decref(OK("{s:s}", "op", "ping"));
}
END_TEST

/* ---- protocol versions (issue 20) -------------------------------------- */

/* Sends REQ (stolen) on FD as a frame of protocol VERSION. */
static void raw_send_version(int fd, json_t *req, int version) {
  struct evbuffer *out = evbuffer_new();
  ck_assert_int_eq(frame_encode(out, req, version), 0);
  json_decref(req);
  tb_raw_send(fd, evbuffer_pullup(out, -1), evbuffer_get_length(out));
  evbuffer_free(out);
}

/* A client of protocol 1 (a worker of an older jsfpm) meets this broker:
 * its handshake ping is answered in protocol 1 with this broker's version,
 * every other request is refused with JSFPM_PROTOCOL, in protocol 1 and
 * with its id, and nothing it asked for runs. */
START_TEST(test_protocol_old_client) {
  tb_start_broker();
  tb_exec_sql("CREATE TABLE t (a)");
  int fd = tb_raw_connect();
  struct evbuffer *in = evbuffer_new();
  int version = 0;
  raw_send_version(fd, json_pack("{s:i,s:s}", "id", 1, "op", "ping"), 1);
  json_t *r = tb_raw_recv_version(fd, in, &version);
  ck_assert_int_eq(version, 1);
  ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 1);
  ck_assert_int_eq(json_integer_value(json_object_get(r, "protocol")), DB_PROTOCOL_VERSION);
  json_decref(tb_expect_ok(r));
  const char *ops[] = {"execute", "query", "exec", "begin"};
  for (int i = 0; i < 4; i++) {
    raw_send_version(
        fd, json_pack("{s:i,s:s,s:s}", "id", 10 + i, "op", ops[i], "sql", "INSERT INTO t VALUES (1)"), 1);
    r = tb_raw_recv_version(fd, in, &version);
    ck_assert_int_eq(version, 1);
    ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 10 + i);
    tb_expect_error(r, "JSFPM_PROTOCOL", "protocol version 3 and this worker version 1");
  }
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM t"), 0);
  /* the connection stays usable in protocol 2 */
  raw_send_version(fd, json_pack("{s:i,s:s,s:s}", "id", 20, "op", "query", "sql", "SELECT 42"),
                   FRAME_VERSION);
  r = tb_raw_recv_version(fd, in, &version);
  ck_assert_int_eq(version, 2);
  ck_assert_int_eq(json_integer_value(json_array_get(json_array_get(json_object_get(r, "rows"), 0), 0)), 42);
  json_decref(r);
  evbuffer_free(in);
  close(fd);
}
END_TEST

/* This worker's client meets a broker of protocol 1 (stood in for by a
 * process that answers as one did: a ping with a bare ok, and a frame it
 * cannot parse by closing the connection), or of protocol 2 (the same
 * frames, but it would ignore "begin": true and run the statement outside
 * a transaction): the call fails with JSFPM_PROTOCOL and the statement
 * never reaches that broker.  Loop index 0: protocol 1; 1: protocol 2. */
START_TEST(test_protocol_old_broker) {
  const int theirs = 1 + _i;
  char old_path[160];
  snprintf(old_path, sizeof old_path, "%s/old.sock", tmpdir);
  int lfd = tb_make_listener(old_path), report[2];
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
      if (r < 0 || (r > 0 && version != 1)) break; /* a protocol 1 broker closes on what it cannot parse */
      if (r > 0) {
        frames++;
        const char *op = json_string_value(json_object_get(m, "op"));
        handshake = op && strcmp(op, "ping") == 0 &&
                    json_integer_value(json_object_get(m, "protocol")) == DB_PROTOCOL_VERSION;
        json_t *reply = json_pack("{s:O,s:b}", "id", json_object_get(m, "id"), "ok", 1);
        if (theirs > 1) json_object_set_new(reply, "protocol", json_integer(theirs));
        json_decref(m);
        frame_encode(out, reply, 1);
        json_decref(reply);
        if (evbuffer_write(out, fd) < 0) break;
        continue;
      }
      if (evbuffer_read(in, fd, -1) <= 0) break;
    }
    int result = frames * 10 + handshake;
    /* freed, so that valgrind's leak check of this child passes too */
    evbuffer_free(in);
    evbuffer_free(out);
    close(fd);
    if (write(report[1], &result, sizeof result) != sizeof result) _exit(3);
    _exit(0);
  }
  close(report[1]);
  struct db_client *c = db_client_new(old_path);
  char err[256] = "";
  json_t *req = json_pack("{s:s,s:s}", "op", "execute", "sql", "DELETE FROM t");
  json_t *r = db_client_call(c, req, CALL_TIMEOUT_MS, err, sizeof err);
  json_decref(req);
  ck_assert_msg(r != NULL, "%s", err);
  char want[64];
  snprintf(want, sizeof want, "protocol version %d and this worker version %d", theirs, DB_PROTOCOL_VERSION);
  tb_expect_error(r, "JSFPM_PROTOCOL", want);
  db_client_free(c);
  int result = -1;
  ck_assert_int_eq(read(report[0], &result, sizeof result), sizeof result);
  ck_assert_msg(result == 11, "the old broker saw %d frames (handshake %s)", result / 10,
                result % 10 ? "yes" : "no");
  ck_assert_int_eq(tb_reap(pid), 0);
  close(report[0]);
  close(lfd);
}
END_TEST

/* A column name that is not UTF-8 (possible only through a migration or a
 * database written by other tools) fails the query with a clear error: a
 * row set carries UTF-8 only. */
START_TEST(test_column_name_not_utf8) {
  tb_write_file(mig_dir, "001_bad.sql",
                "CREATE TABLE bad (\"x\xff\" INTEGER); INSERT INTO bad VALUES (7);\n");
  tb_start_broker();
  tb_expect_error(CALL("{s:s,s:s}", "op", "query", "sql", "SELECT * FROM bad"), "JSFPM_UNREPRESENTABLE",
                  "the name of column 1 is not valid UTF-8");
  ck_assert_int_eq(tb_query_int("SELECT count(*) FROM bad"), 1); /* and the broker serves on */
}
END_TEST

static Suite *broker_suite(void) {
  Suite *s = suite_create("broker");
  TCase *tc = tcase_create("broker");
  tcase_add_checked_fixture(tc, tb_setup, tb_teardown);
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
  tcase_add_loop_test(tc, test_protocol_old_broker, 0, 2);
  tcase_add_test(tc, test_column_name_not_utf8);
  suite_add_tcase(s, tc);
  tb_add_tx_tcase(s);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(broker_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
