/* test_config.c: unit tests for the configuration loader (src/config.c).
 *
 * Every test writes real files into its own temporary directory (created in
 * the fixture, removed afterwards) and calls config_load on them. */
#include "autoconfig.h" /* HAVE_CLUSTER */

#include <check.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

static char tmpdir[256]; /* realpath of this test's directory */
static char errbuf[1024];
static struct jsfpm_config cfg;

static void rm_rf(const char *path) {
  char *cmd;
  if (asprintf(&cmd, "rm -rf '%s'", path) < 0) return;
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", path);
  free(cmd);
}

/* All test directories live under one base directory that main() creates
 * and removes, so even a test that fails half-way leaves nothing behind. */
static char basedir[200];

static void setup(void) {
  char tmpl[PATH_MAX], real[PATH_MAX];
  snprintf(tmpl, sizeof tmpl, "%s/test.XXXXXX", basedir);
  ck_assert_ptr_nonnull(mkdtemp(tmpl));
  ck_assert_ptr_nonnull(realpath(tmpl, real));
  ck_assert_uint_lt(strlen(real), sizeof tmpdir);
  strcpy(tmpdir, real);
  memset(&cfg, 0, sizeof cfg);
  errbuf[0] = '\0';
}

static void teardown(void) {
  config_free(&cfg);
  rm_rf(tmpdir);
}

/* Writes TEXT to NAME inside the test directory; returns the full path
 * (static buffer, valid until the next call). */
static const char *write_file(const char *name, const char *text) {
  static char path[1024];
  snprintf(path, sizeof path, "%s/%s", tmpdir, name);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(fputs(text, f) >= 0, 1);
  ck_assert_int_eq(fclose(f), 0);
  return path;
}

/* Loads TEXT (written to jsfpm.conf); returns config_load's result. */
static int load_text(const char *text) {
  const char *path = write_file("jsfpm.conf", text);
  config_free(&cfg);
  errbuf[0] = '\0';
  return config_load(&cfg, path, errbuf, sizeof errbuf);
}

/* What config_print writes for cfg (malloc'd). */
static char *printed_config(void) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  ck_assert_ptr_nonnull(f);
  config_print(&cfg, f);
  ck_assert_int_eq(fclose(f), 0);
  return text;
}

/* "<tmpdir>/<rel>", static buffer. */
static const char *in_tmp(const char *rel) {
  static char buf[1024];
  snprintf(buf, sizeof buf, "%s/%s", tmpdir, rel);
  return buf;
}

/* Asserts that loading TEXT fails with "<file>:LINE:" followed by text
 * containing every WORD (NULL-terminated). */
static void expect_error(const char *text, int line, ...) {
  char prefix[1100];
  ck_assert_int_eq(load_text(text), -1);
  snprintf(prefix, sizeof prefix, "%s:%d: ", in_tmp("jsfpm.conf"), line);
  ck_assert_msg(strncmp(errbuf, prefix, strlen(prefix)) == 0, "error '%s' does not start with '%s'", errbuf,
                prefix);
  va_list ap;
  va_start(ap, line);
  for (const char *w = va_arg(ap, const char *); w != NULL; w = va_arg(ap, const char *))
    ck_assert_msg(strstr(errbuf, w) != NULL, "error '%s' does not mention '%s'", errbuf, w);
  va_end(ap);
}

/* Loads "[SECTION]\nKEY = VALUE\n" and expects success. */
static void expect_ok1(const char *section, const char *key, const char *value) {
  char text[512];
  snprintf(text, sizeof text, "[%s]\n%s = %s\n", section, key, value);
  ck_assert_msg(load_text(text) == 0, "[%s] %s = %s rejected: %s", section, key, value, errbuf);
}

/* Loads "[SECTION]\nKEY = VALUE\n" and expects an error on line 2 naming the key. */
static void expect_bad1(const char *section, const char *key, const char *value) {
  char text[512];
  snprintf(text, sizeof text, "[%s]\n%s = %s\n", section, key, value);
  expect_error(text, 2, key, NULL);
}

/* ---- whole files --------------------------------------------------------- */

START_TEST(test_valid_file) {
  const char *text = "; a complete configuration\n"
                     "[server]\n"
                     "listen = /srv/jsfpm/fcgi.sock\n"
                     "listen.owner = www-data\n"
                     "listen.group = www-data\n"
                     "listen.mode = 0640\n"
                     "listen.backlog = 128\n"
                     "http_listen = 127.0.0.1:8081\n"
                     "workers = 7\n"
                     "runtime_dir = /srv/jsfpm/run\n"
                     "pid_file = /srv/jsfpm/jsfpm.pid\n"
                     "error_log = /var/log/jsfpm/error.log\n"
                     "log_level = debug\n"
                     "max_body_size = 1m\n"
                     "max_params_size = 128k\n"
                     "respawn_delay = 250ms\n"
                     "\n"
                     "[app]\n"
                     "root = /srv/app\n"
                     "main = server.js\n"
                     "request_timeout = 5s\n"
                     "dev = yes\n"
                     "\n"
                     "[database]\n"
                     "path = /srv/data/app.db\n"
                     "synchronous = normal\n"
                     "busy_timeout = 2s\n";
  ck_assert_msg(load_text(text) == 0, "rejected: %s", errbuf);
  ck_assert_str_eq(cfg.file, in_tmp("jsfpm.conf"));
  ck_assert_str_eq(cfg.listen, "/srv/jsfpm/fcgi.sock");
  ck_assert_str_eq(cfg.listen_owner, "www-data");
  ck_assert_str_eq(cfg.listen_group, "www-data");
  ck_assert_int_eq(cfg.listen_mode, 0640);
  ck_assert_int_eq(cfg.listen_backlog, 128);
  ck_assert_str_eq(cfg.http_listen, "127.0.0.1:8081");
  ck_assert_int_eq(cfg.workers, 7);
  ck_assert_str_eq(cfg.runtime_dir, "/srv/jsfpm/run");
  ck_assert_str_eq(cfg.pid_file, "/srv/jsfpm/jsfpm.pid");
  ck_assert_str_eq(cfg.error_log, "/var/log/jsfpm/error.log");
  ck_assert_int_eq(cfg.log_level, LOG_LVL_DEBUG);
  ck_assert_int_eq(cfg.max_body_bytes, 1024L * 1024);
  ck_assert_int_eq(cfg.max_params_bytes, 128L * 1024);
  ck_assert_int_eq(cfg.respawn_delay_ms, 250);
  ck_assert_str_eq(cfg.app_root, "/srv/app");
  ck_assert_str_eq(cfg.app_main, "server.js");
  ck_assert_int_eq(cfg.request_timeout_ms, 5000);
  ck_assert_int_eq(cfg.dev, 1);
  ck_assert_str_eq(cfg.db_path, "/srv/data/app.db");
  ck_assert_int_eq(cfg.db_synchronous, 1);
  ck_assert_int_eq(cfg.db_busy_timeout_ms, 2000);
  ck_assert_uint_eq(cfg.nenv, 0);
}
END_TEST

static void check_defaults(void) {
  ck_assert_str_eq(cfg.listen, "/run/jsfpm/jsfpm.sock");
  ck_assert_ptr_null(cfg.listen_owner);
  ck_assert_ptr_null(cfg.listen_group);
  ck_assert_int_eq(cfg.listen_mode, 0660);
  ck_assert_int_eq(cfg.listen_backlog, 511);
  ck_assert_ptr_null(cfg.http_listen);
  ck_assert_int_eq(cfg.workers, 2);
  ck_assert_str_eq(cfg.runtime_dir, "/run/jsfpm/private");
  ck_assert_ptr_null(cfg.pid_file);
  ck_assert_str_eq(cfg.error_log, "stderr");
  ck_assert_int_eq(cfg.log_level, LOG_LVL_INFO);
  ck_assert_int_eq(cfg.max_body_bytes, 8L * 1024 * 1024);
  ck_assert_int_eq(cfg.max_params_bytes, 64L * 1024);
  ck_assert_int_eq(cfg.respawn_delay_ms, 100);
  ck_assert_str_eq(cfg.app_root, "/usr/share/jsfpm/example");
  ck_assert_str_eq(cfg.app_main, "main.js");
  ck_assert_int_eq(cfg.request_timeout_ms, 30000);
  ck_assert_int_eq(cfg.dev, 0);
  ck_assert_str_eq(cfg.db_path, "/var/lib/jsfpm/app.db");
  ck_assert_int_eq(cfg.db_synchronous, 2);
  ck_assert_int_eq(cfg.db_busy_timeout_ms, 10000);
  ck_assert_uint_eq(cfg.nenv, 0);
  ck_assert_ptr_null(cfg.env);
}

START_TEST(test_defaults_empty_file) {
  ck_assert_msg(load_text("") == 0, "empty file rejected: %s", errbuf);
  check_defaults();
}
END_TEST

START_TEST(test_defaults_comments_and_empty_sections) {
  ck_assert_msg(load_text("; nothing but comments\n# and hashes\n\n[server]\n[app]\n[database]\n"
                          "[env]\n") == 0,
                "rejected: %s", errbuf);
  check_defaults();
}
END_TEST

START_TEST(test_partial_file_keeps_other_defaults) {
  ck_assert_msg(load_text("[server]\nworkers = 5\n[database]\nsynchronous = off\n") == 0, "rejected: %s",
                errbuf);
  ck_assert_int_eq(cfg.workers, 5);
  ck_assert_int_eq(cfg.db_synchronous, 0);
  ck_assert_int_eq(cfg.listen_backlog, 511);
  ck_assert_str_eq(cfg.app_main, "main.js");
  ck_assert_int_eq(cfg.request_timeout_ms, 30000);
}
END_TEST

START_TEST(test_whitespace_and_inline_comments) {
  ck_assert_msg(load_text("[server]\n   workers=3\nlisten   =   127.0.0.1:9000   ; the FastCGI door\n"
                          "  log_level = warn ; quieter\n") == 0,
                "rejected: %s", errbuf);
  ck_assert_int_eq(cfg.workers, 3);
  ck_assert_str_eq(cfg.listen, "127.0.0.1:9000");
  ck_assert_int_eq(cfg.log_level, LOG_LVL_WARN);
}
END_TEST

/* ---- paths ----------------------------------------------------------------- */

START_TEST(test_relative_paths_absolute) {
  ck_assert_msg(load_text("[server]\n"
                          "listen = sock/jsfpm.sock\n"
                          "runtime_dir = run\n"
                          "pid_file = ./jsfpm.pid\n"
                          "error_log = logs/error.log\n"
                          "[app]\n"
                          "root = app\n"
                          "main = lib/main.js\n"
                          "[database]\n"
                          "path = data/app.db\n") == 0,
                "rejected: %s", errbuf);
  ck_assert_str_eq(cfg.listen, in_tmp("sock/jsfpm.sock"));
  ck_assert_str_eq(cfg.runtime_dir, in_tmp("run"));
  ck_assert_str_eq(cfg.pid_file, in_tmp("./jsfpm.pid"));
  ck_assert_str_eq(cfg.error_log, in_tmp("logs/error.log"));
  ck_assert_str_eq(cfg.app_root, in_tmp("app"));
  ck_assert_str_eq(cfg.db_path, in_tmp("data/app.db"));
  /* main is relative to root, not to the config file: left as written. */
  ck_assert_str_eq(cfg.app_main, "lib/main.js");
}
END_TEST

START_TEST(test_absolute_paths_unchanged) {
  ck_assert_msg(load_text("[server]\nruntime_dir = /run/x\nerror_log = stderr\n"
                          "[app]\nroot = /opt/app\n") == 0,
                "rejected: %s", errbuf);
  ck_assert_str_eq(cfg.runtime_dir, "/run/x");
  ck_assert_str_eq(cfg.error_log, "stderr"); /* "stderr" is not a path */
  ck_assert_str_eq(cfg.app_root, "/opt/app");
}
END_TEST

/* The config file's directory counts, not the current directory. */
START_TEST(test_relative_paths_from_other_cwd) {
  ck_assert_int_eq(mkdir(in_tmp("etc"), 0700), 0);
  ck_assert_int_eq(mkdir(in_tmp("elsewhere"), 0700), 0);
  const char *path = write_file("etc/jsfpm.conf", "[app]\nroot = app\n");
  char *saved = getcwd(NULL, 0);
  ck_assert_ptr_nonnull(saved);
  ck_assert_int_eq(chdir(in_tmp("elsewhere")), 0);
  int rc = config_load(&cfg, path, errbuf, sizeof errbuf);
  ck_assert_int_eq(chdir(saved), 0);
  free(saved);
  ck_assert_msg(rc == 0, "rejected: %s", errbuf);
  ck_assert_str_eq(cfg.app_root, in_tmp("etc/app"));
}
END_TEST

/* A config path given relative to the current directory still yields
 * absolute paths. */
START_TEST(test_relative_config_path) {
  ck_assert_int_eq(mkdir(in_tmp("conf"), 0700), 0);
  write_file("conf/jsfpm.conf", "[app]\nroot = app\n[database]\npath = app.db\n");
  char *saved = getcwd(NULL, 0);
  ck_assert_ptr_nonnull(saved);
  ck_assert_int_eq(chdir(tmpdir), 0);
  int rc = config_load(&cfg, "conf/jsfpm.conf", errbuf, sizeof errbuf);
  int rc2 = -1;
  struct jsfpm_config cfg2;
  char err2[1024];
  if (rc == 0) {
    ck_assert_int_eq(chdir(in_tmp("conf")), 0);
    rc2 = config_load(&cfg2, "jsfpm.conf", err2, sizeof err2);
  }
  ck_assert_int_eq(chdir(saved), 0);
  free(saved);
  ck_assert_msg(rc == 0, "rejected: %s", errbuf);
  ck_assert_str_eq(cfg.app_root, in_tmp("conf/app"));
  ck_assert_str_eq(cfg.db_path, in_tmp("conf/app.db"));
  ck_assert_msg(rc2 == 0, "rejected: %s", err2);
  ck_assert_str_eq(cfg2.app_root, in_tmp("conf/app"));
  ck_assert_str_eq(cfg2.db_path, in_tmp("conf/app.db"));
  config_free(&cfg2);
}
END_TEST

/* ---- errors ---------------------------------------------------------------- */

START_TEST(test_unknown_key) {
  expect_error("[server]\nworkers = 2\nworkerz = 4\n", 3, "workerz", "unknown key", "[server]", NULL);
  /* A key of another section is unknown here too. */
  expect_error("[app]\nworkers = 2\n", 2, "workers", "[app]", NULL);
}
END_TEST

START_TEST(test_bad_value_with_line) {
  expect_error("[server]\n\n; comment\nworkers = many\n", 4, "workers", "many", NULL);
  expect_error("[app]\ndev = maybe\n", 2, "dev", "maybe", NULL);
  expect_error("[server]\nlog_level = verbose\n", 2, "log_level", "verbose", NULL);
  expect_error("[database]\nsynchronous = always\n", 2, "synchronous", "always", NULL);
  expect_error("[server]\nlisten.mode = rw-rw----\n", 2, "listen.mode", NULL);
  expect_error("[server]\nlisten.mode = 0880\n", 2, "listen.mode", NULL);
  expect_error("[server]\nlisten.mode = 01777\n", 2, "listen.mode", NULL);
  expect_error("[server]\nrespawn_delay = soon\n", 2, "respawn_delay", "soon", NULL);
  expect_error("[app]\nroot =\n", 2, "root", NULL);
}
END_TEST

START_TEST(test_first_error_reported) {
  expect_error("[server]\nworkers = x\nbacklog_typo = 3\n", 2, "workers", NULL);
  ck_assert_ptr_null(strstr(errbuf, "backlog_typo"));
}
END_TEST

START_TEST(test_duplicate_key) {
  expect_error("[server]\nworkers = 2\nlisten = 127.0.0.1:9000\nworkers = 3\n", 4, "workers", "twice", NULL);
  /* Same key in a second [server] block is still a duplicate. */
  expect_error("[server]\nworkers = 2\n[app]\nmain = a.js\n[server]\nworkers = 2\n", 6, "workers", NULL);
  expect_error("[env]\nA = 1\nB = 2\nA = 3\n", 4, "A", NULL);
}
END_TEST

START_TEST(test_unknown_section) {
  ck_assert_int_eq(load_text("[server]\nworkers = 2\n[servers]\nworkers = 3\n"), -1);
  char prefix3[1100], prefix4[1100];
  snprintf(prefix3, sizeof prefix3, "%s:3: ", in_tmp("jsfpm.conf"));
  snprintf(prefix4, sizeof prefix4, "%s:4: ", in_tmp("jsfpm.conf"));
  ck_assert_msg(strncmp(errbuf, prefix3, strlen(prefix3)) == 0 ||
                    strncmp(errbuf, prefix4, strlen(prefix4)) == 0,
                "error '%s' names neither line 3 nor 4", errbuf);
  ck_assert_ptr_nonnull(strstr(errbuf, "servers"));
}
END_TEST

/* A misspelt section with no keys under it names its own line. */
START_TEST(test_unknown_empty_section) {
  expect_error("[server]\nworkers = 2\n[databse]\n[app]\nmain = main.js\n", 3, "databse", NULL);
}
END_TEST

/* inih cannot read lines over 197 characters; such a line is reported on
 * its own line number, not as a syntax error on the next one. */
START_TEST(test_long_line) {
  char text[1024];
  snprintf(text, sizeof text, "[server]\nworkers = 2\n[env]\nLONG = %0*d\n[app]\nmain = main.js\n", 300, 7);
  expect_error(text, 4, "longer than", NULL);
  snprintf(text, sizeof text, "[env]\nOK = %0*d\n", 197 - 5, 7); /* exactly at the limit */
  ck_assert_msg(load_text(text) == 0, "a 197-character line was rejected: %s", errbuf);
}
END_TEST

START_TEST(test_key_outside_section) { expect_error("workers = 2\n", 1, "workers", NULL); }
END_TEST

START_TEST(test_syntax_error) {
  expect_error("[server]\nworkers 2\n", 2, NULL);
  expect_error("[server\nworkers = 2\n", 1, NULL);
}
END_TEST

START_TEST(test_missing_file) {
  char path[1024];
  snprintf(path, sizeof path, "%s/no-such.conf", tmpdir);
  ck_assert_int_eq(config_load(&cfg, path, errbuf, sizeof errbuf), -1);
  ck_assert_msg(strstr(errbuf, path) != NULL, "error '%s' does not name the file", errbuf);
}
END_TEST

/* A short error buffer is truncated, never overrun. */
START_TEST(test_small_error_buffer) {
  char small[16];
  memset(small, 'X', sizeof small);
  const char *path = write_file("jsfpm.conf", "[server]\nbogus_key_with_a_long_name = 1\n");
  ck_assert_int_eq(config_load(&cfg, path, small, 8), -1);
  ck_assert_uint_eq(strlen(small), 7);
  ck_assert_int_eq(small[8], 'X');
}
END_TEST

/* ---- [env] ----------------------------------------------------------------- */

START_TEST(test_env_section) {
  ck_assert_msg(load_text("[env]\nAPI_URL = https://api.example.com/v1?a=b\nMixedCase = Some "
                          "Value\nEMPTYISH = 0\n[server]\nworkers = 1\n[env]\nLATE = yes\n") == 0,
                "rejected: %s", errbuf);
  ck_assert_uint_eq(cfg.nenv, 4);
  ck_assert_str_eq(cfg.env[0].name, "API_URL");
  ck_assert_str_eq(cfg.env[0].value, "https://api.example.com/v1?a=b");
  ck_assert_str_eq(cfg.env[1].name, "MixedCase");
  ck_assert_str_eq(cfg.env[1].value, "Some Value");
  ck_assert_str_eq(cfg.env[2].name, "EMPTYISH");
  ck_assert_str_eq(cfg.env[2].value, "0");
  ck_assert_str_eq(cfg.env[3].name, "LATE");
  ck_assert_str_eq(cfg.env[3].value, "yes");
  ck_assert_int_eq(cfg.workers, 1);
}
END_TEST

/* ---- sizes and durations ---------------------------------------------------- */

START_TEST(test_sizes) {
  static const struct {
    const char *text;
    long bytes;
  } ok[] = {{"8m", 8L * 1024 * 1024},
            {"8M", 8L * 1024 * 1024},
            {"512k", 512L * 1024},
            {"512K", 512L * 1024},
            {"1g", 1024L * 1024 * 1024},
            {"12345", 12345},
            {"0", 0}};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    expect_ok1("server", "max_body_size", ok[i].text);
    ck_assert_msg(cfg.max_body_bytes == ok[i].bytes, "max_body_size = %s gave %ld, not %ld", ok[i].text,
                  cfg.max_body_bytes, ok[i].bytes);
  }
  expect_ok1("server", "max_params_size", "1k"); /* the minimum, 1024 */
  ck_assert_int_eq(cfg.max_params_bytes, 1024);
  expect_ok1("server", "max_params_size", "16m"); /* the maximum */
  ck_assert_int_eq(cfg.max_params_bytes, 16L * 1024 * 1024);

  static const char *const bad[] = {"8x", "8mb", "-1", "m", "1.5m", "k8", " "};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) expect_bad1("server", "max_body_size", bad[i]);
  expect_bad1("server", "max_params_size", "1023");               /* below the minimum */
  expect_bad1("server", "max_params_size", "17m");                /* above the maximum */
  expect_bad1("server", "max_body_size", "99999999999999999999"); /* overflows long */
  expect_bad1("server", "max_body_size", "9999999999999g");       /* overflows when multiplied */
}
END_TEST

START_TEST(test_durations) {
  static const struct {
    const char *text;
    int ms;
  } ok[] = {{"500ms", 500}, {"30s", 30000}, {"7", 7000}, {"2m", 120000}, {"1h", 3600000}, {"1ms", 1}};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    expect_ok1("app", "request_timeout", ok[i].text);
    ck_assert_msg(cfg.request_timeout_ms == ok[i].ms, "request_timeout = %s gave %d ms, not %d", ok[i].text,
                  cfg.request_timeout_ms, ok[i].ms);
  }
  expect_ok1("server", "respawn_delay", "0"); /* minimum 0 here */
  ck_assert_int_eq(cfg.respawn_delay_ms, 0);
  expect_ok1("database", "busy_timeout", "250ms");
  ck_assert_int_eq(cfg.db_busy_timeout_ms, 250);

  static const char *const bad[] = {"soon", "5 s", "5sec", "-1s", "1.5s", "ms", "5d"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) expect_bad1("app", "request_timeout", bad[i]);
  expect_bad1("app", "request_timeout", "0");  /* below the minimum (1 ms) */
  expect_bad1("app", "request_timeout", "2h"); /* above the maximum (1 h) */
  expect_bad1("app", "request_timeout", "3600001ms");
  expect_bad1("server", "respawn_delay", "61s");
  expect_bad1("app", "request_timeout", "99999999999999999999h");
}
END_TEST

/* ---- integers, booleans, enums --------------------------------------------- */

START_TEST(test_int_ranges) {
  expect_ok1("server", "workers", "1");
  ck_assert_int_eq(cfg.workers, 1);
  expect_ok1("server", "workers", "1024");
  ck_assert_int_eq(cfg.workers, 1024);
  expect_ok1("server", "listen.backlog", "65535");
  ck_assert_int_eq(cfg.listen_backlog, 65535);

  static const char *const bad_workers[] = {"0",  "-1",   "1025", "4294967298", "99999999999999999999", "3.5",
                                            "2x", "0x10", ""};
  for (size_t i = 0; i < sizeof bad_workers / sizeof bad_workers[0]; i++) {
    char text[128];
    snprintf(text, sizeof text, "[server]\nworkers = %s\n", bad_workers[i]);
    expect_error(text, 2, "workers", NULL);
  }
  expect_error("[server]\nworkers = 1025\n", 2, "workers", "1024", NULL); /* says the range */
  expect_bad1("server", "listen.backlog", "0");
  expect_bad1("server", "listen.backlog", "65536");
}
END_TEST

START_TEST(test_bools_and_enums) {
  static const char *const yes[] = {"yes", "on", "true", "1"};
  static const char *const no[] = {"no", "off", "false", "0"};
  for (size_t i = 0; i < 4; i++) {
    expect_ok1("app", "dev", yes[i]);
    ck_assert_msg(cfg.dev == 1, "dev = %s is not true", yes[i]);
    expect_ok1("app", "dev", no[i]);
    ck_assert_msg(cfg.dev == 0, "dev = %s is not false", no[i]);
  }
  static const struct {
    const char *name;
    int level;
  } levels[] = {{"error", LOG_LVL_ERROR},
                {"warn", LOG_LVL_WARN},
                {"notice", LOG_LVL_NOTICE},
                {"info", LOG_LVL_INFO},
                {"debug", LOG_LVL_DEBUG}};
  for (size_t i = 0; i < 5; i++) {
    expect_ok1("server", "log_level", levels[i].name);
    ck_assert_int_eq(cfg.log_level, levels[i].level);
  }
  static const char *const sync[] = {"off", "normal", "full", "extra"};
  for (int i = 0; i < 4; i++) {
    expect_ok1("database", "synchronous", sync[i]);
    ck_assert_int_eq(cfg.db_synchronous, i);
  }
  expect_ok1("server", "listen.mode", "0600");
  ck_assert_int_eq(cfg.listen_mode, 0600);
  expect_ok1("server", "listen.mode", "666");
  ck_assert_int_eq(cfg.listen_mode, 0666);
}
END_TEST

/* ---- listen ------------------------------------------------------------------ */

START_TEST(test_listen_forms) {
  expect_ok1("server", "listen", "127.0.0.1:9000");
  ck_assert_str_eq(cfg.listen, "127.0.0.1:9000");
  expect_ok1("server", "listen", "localhost:9000");
  ck_assert_str_eq(cfg.listen, "localhost:9000");
  expect_ok1("server", "listen", "[::1]:9000");
  ck_assert_str_eq(cfg.listen, "[::1]:9000");
  expect_ok1("server", "listen", "/run/jsfpm/app.sock");
  ck_assert_str_eq(cfg.listen, "/run/jsfpm/app.sock");
  expect_ok1("server", "listen", "./app.sock");
  ck_assert_str_eq(cfg.listen, in_tmp("./app.sock"));

  expect_bad1("server", "listen", "localhost"); /* neither a path nor host:port */
  expect_bad1("server", "listen", "9000");
  expect_bad1("server", "listen", "");
}
END_TEST

/* ---- printing ---------------------------------------------------------------- */

/* Prints the loaded cfg as -T does into a file and loads that into AGAIN
 * (config_free it). */
static void print_and_reload(struct jsfpm_config *again) {
  char printed[1024];
  snprintf(printed, sizeof printed, "%s/printed.conf", tmpdir);
  FILE *f = fopen(printed, "w");
  ck_assert_ptr_nonnull(f);
  config_print(&cfg, f);
  ck_assert_int_eq(fclose(f), 0);
  char err2[1024];
  ck_assert_msg(config_load(again, printed, err2, sizeof err2) == 0, "printed config rejected: %s", err2);
}

/* -T output is itself a valid config giving the same values. */
START_TEST(test_print_roundtrip) {
  ck_assert_msg(load_text("[server]\nlisten = 127.0.0.1:9001\nworkers = 9\nlisten.mode = 0600\n"
                          "max_body_size = 3m\nrespawn_delay = 2s\nlog_level = notice\n"
                          "[app]\nroot = app\nrequest_timeout = 1500ms\ndev = on\n"
                          "[database]\nsynchronous = extra\n[env]\nK = v w\n") == 0,
                "rejected: %s", errbuf);
  struct jsfpm_config again;
  print_and_reload(&again);
  ck_assert_str_eq(again.listen, "127.0.0.1:9001");
  ck_assert_int_eq(again.workers, 9);
  ck_assert_int_eq(again.listen_mode, 0600);
  ck_assert_int_eq(again.max_body_bytes, 3L * 1024 * 1024);
  ck_assert_int_eq(again.respawn_delay_ms, 2000);
  ck_assert_int_eq(again.log_level, LOG_LVL_NOTICE);
  ck_assert_str_eq(again.app_root, in_tmp("app"));
  ck_assert_int_eq(again.request_timeout_ms, 1500);
  ck_assert_int_eq(again.dev, 1);
  ck_assert_int_eq(again.db_synchronous, 3);
  ck_assert_ptr_null(again.http_listen);
  ck_assert_ptr_null(again.pid_file);
  ck_assert_uint_eq(again.nenv, 1);
  ck_assert_str_eq(again.env[0].name, "K");
  ck_assert_str_eq(again.env[0].value, "v w");
  config_free(&again);
}
END_TEST

/* Values that would not read back plain (a ';', a '#', blanks at the ends,
 * control characters, a leading '"') print quoted, and load back as they
 * were. */
START_TEST(test_print_quotes_what_does_not_read_back) {
  ck_assert_msg(load_text("[app]\nmain = \"  a;b #c\\x01\\t\\\"q\\\\ \"\n"
                          "[env]\nE = \"\\x3bstarts with a semicolon\"\nF = \"\"\n") == 0,
                "rejected: %s", errbuf);
  ck_assert_str_eq(cfg.app_main, "  a;b #c\x01\t\"q\\ ");
  ck_assert_str_eq(cfg.env[0].value, ";starts with a semicolon");
  ck_assert_str_eq(cfg.env[1].value, "");
  char *text = printed_config();
  ck_assert_msg(strstr(text, "main = \"  a\\x3bb \\x23c\\x01\\x09\\\"q\\\\ \" ; ") != NULL,
                "main not quoted as expected in:\n%s", text);
  ck_assert_msg(strstr(text, "E = \"\\x3bstarts with a semicolon\"\n") != NULL, "E in:\n%s", text);
  ck_assert_msg(strstr(text, "root = /") != NULL, "a plain value was quoted:\n%s", text);
  struct jsfpm_config again;
  char err2[1024];
  const char *printed = write_file("printed.conf", text);
  free(text);
  ck_assert_msg(config_load(&again, printed, err2, sizeof err2) == 0, "printed config rejected: %s", err2);
  ck_assert_str_eq(again.app_main, cfg.app_main);
  ck_assert_str_eq(again.env[0].value, cfg.env[0].value);
  ck_assert_str_eq(again.env[1].value, "");
  config_free(&again);
}
END_TEST

START_TEST(test_bad_quoted_values) {
  expect_error("[app]\nmain = \"open\n", 2, "main", "must end with", NULL);
  expect_error("[app]\nmain = \"a\"b\"\n", 2, "main", "inside a quoted value", NULL);
  expect_error("[app]\nmain = \"a\\qb\"\n", 2, "main", "unknown escape", NULL);
  expect_error("[app]\nmain = \"a\\x0\"\n", 2, "main", "two hex digits", NULL);
  expect_error("[app]\nmain = \"a\\x00\"\n", 2, "main", "not 00", NULL);
  expect_error("[env]\nX = \"a\\\"\n", 2, "X", "lone backslash", NULL);
}
END_TEST

START_TEST(test_print_keys) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  ck_assert_ptr_nonnull(f);
  config_print_keys(f);
  ck_assert_int_eq(fclose(f), 0);
  static const char *const keys[] = {"server.listen\n",      "server.listen.mode\n", "server.workers\n",
                                     "server.runtime_dir\n", "app.root\n",           "app.request_timeout\n",
                                     "database.path\n"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    ck_assert_msg(strstr(buf, keys[i]) != NULL, "--list-keys lacks %s", keys[i]);
  free(buf);
}
END_TEST

/* A renamed key is read under its old name into the new one, with one
 * warning naming the file, the line and the new name; the new name alone
 * warns nothing; both at once is a duplicate. */
START_TEST(test_renamed_keys) {
  ck_assert_int_eq(load_text("[server]\nworkers = 2\n\nemergency_restart_threshold = 3\n"
                             "; php-fpm's names\nemergency_restart_interval = 5s\n"),
                   0);
  ck_assert_int_eq(cfg.respawn_throttle_threshold, 3);
  ck_assert_int_eq(cfg.respawn_throttle_interval_ms, 5000);
  ck_assert_uint_eq(cfg.nwarnings, 2);
  char want[1200];
  snprintf(want, sizeof want,
           "%s:4: [server] emergency_restart_threshold: deprecated name, read as "
           "respawn_throttle_threshold",
           in_tmp("jsfpm.conf"));
  ck_assert_msg(strncmp(cfg.warnings[0], want, strlen(want)) == 0, "warning '%s', want '%s...'",
                cfg.warnings[0], want);
  snprintf(want, sizeof want,
           "%s:6: [server] emergency_restart_interval: deprecated name, read as "
           "respawn_throttle_interval",
           in_tmp("jsfpm.conf"));
  ck_assert_msg(strncmp(cfg.warnings[1], want, strlen(want)) == 0, "warning '%s', want '%s...'",
                cfg.warnings[1], want);

  ck_assert_int_eq(load_text("[server]\nrespawn_throttle_threshold = 4\n"), 0);
  ck_assert_int_eq(cfg.respawn_throttle_threshold, 4);
  ck_assert_uint_eq(cfg.nwarnings, 0);

  expect_error("[server]\nrespawn_throttle_threshold = 4\nemergency_restart_threshold = 5\n", 3,
               "emergency_restart_threshold", "twice", "respawn_throttle_threshold", NULL);
  /* Only in its own section. */
  expect_error("[app]\nemergency_restart_threshold = 5\n", 2, "unknown key", NULL);
  /* The old name takes the new one's values and range. */
  expect_error("[server]\nemergency_restart_interval = 0\n", 2, "emergency_restart_interval", NULL);

  /* -T prints the new name only, and says what it replaced. */
  ck_assert_int_eq(load_text("[server]\nemergency_restart_threshold = 7\n"), 0);
  char *buf = printed_config();
  ck_assert_msg(strstr(buf, "\nrespawn_throttle_threshold = 7 ;") != NULL, "-T: %s", buf);
  ck_assert_msg(strstr(buf, "[old name: emergency_restart_threshold]\n") != NULL, "-T: %s", buf);
  ck_assert_msg(strstr(buf, "\nemergency_restart_threshold") == NULL, "-T prints the old name: %s", buf);
  free(buf);
}
END_TEST

/* config_free leaves a struct that can be freed again or reloaded. */
START_TEST(test_free_twice_and_reload) {
  ck_assert_int_eq(load_text("[server]\nworkers = 4\n[env]\nA = 1\n"), 0);
  config_free(&cfg);
  config_free(&cfg);
  ck_assert_ptr_null(cfg.listen);
  ck_assert_uint_eq(cfg.nenv, 0);
  ck_assert_int_eq(load_text("[server]\nworkers = 6\n"), 0);
  ck_assert_int_eq(cfg.workers, 6);
  ck_assert_uint_eq(cfg.nenv, 0);
}
END_TEST

/* ---- [cluster] ---------------------------------------------------------------- */

START_TEST(test_cluster_off_by_default) {
  ck_assert_int_eq(load_text("[server]\nworkers = 2\n"), 0);
  ck_assert_ptr_null(cfg.cluster_address);
  ck_assert_ptr_null(cfg.cluster_peers);
  ck_assert_int_eq(cfg.cluster_node_id, 0);
  ck_assert_str_eq(cfg.cluster_data_dir, "/var/lib/jsfpm/cluster");
  ck_assert_int_eq(cfg.cluster_network_latency_ms, 100);
  size_t n = 99;
  ck_assert_ptr_null(config_cluster_nodes(&cfg, &n));
  ck_assert_uint_eq(n, 0);
}
END_TEST

/* Whoever reaches a dqlite node's port can read, write and join: only
 * numeric private addresses with a port are taken. */
START_TEST(test_cluster_addresses_refused) {
  expect_error("[cluster]\naddress = 8.8.8.8:9001\n", 2, "address", "not a private address", "TLS", NULL);
  expect_error("[cluster]\naddress = 172.32.0.1:9001\n", 2, "not a private address", NULL);
  expect_error("[cluster]\naddress = 0.0.0.0:9001\n", 2, "not a private address", NULL);
  expect_error("[cluster]\naddress = [2001:db8::1]:9001\n", 2, "not a private address", NULL);
  expect_error("[cluster]\naddress = node1.example:9001\n", 2, "not a numeric", NULL);
  expect_error("[cluster]\naddress = 10.0.0.1\n", 2, "no port", NULL);
  expect_error("[cluster]\naddress = 10.0.0.1:0\n", 2, "port '0'", NULL);
  expect_error("[cluster]\naddress = 10.0.0.1:70000\n", 2, "port '70000'", NULL);
  expect_error("[cluster]\naddress = fd00::1:9001\n", 2, "[address]:port", NULL);
  expect_error("[cluster]\naddress = 10.0.0.1:9001,10.0.0.2:9001\n", 2, "expected one address", NULL);
  expect_error("[cluster]\naddress = 10.0.0.1:9001\nnode_id = 2\npeers = 10.0.0.2:9001,,10.0.0.3:9001\n", 4,
               "peers", "empty entry", NULL);
  expect_error("[cluster]\naddress = 10.0.0.1:9001\nnode_id = 2\npeers = 10.0.0.2:9001, 10.0.0.2:9001\n", 4,
               "listed twice", NULL);
  expect_error("[cluster]\naddress = 10.0.0.1:9001\nnode_id = 2\npeers = 10.0.0.2:9001, 1.1.1.1:9001\n", 4,
               "1.1.1.1:9001 is not a private address", NULL);
  expect_bad1("cluster", "node_id", "-1");
  expect_bad1("cluster", "network_latency", "0ms");
}
END_TEST

/* A node_id or peers without address would run a node of a cluster alone. */
START_TEST(test_cluster_without_address) {
  expect_error("[cluster]\ndata_dir = /x\nnode_id = 3\n", 3, "node_id", "cluster mode is off without", NULL);
  expect_error("[cluster]\npeers = 10.0.0.1:9001\n", 2, "peers", "cluster mode is off without", NULL);
  /* The settings that do no harm alone are taken: -T prints them. */
  ck_assert_int_eq(load_text("[cluster]\nnode_id = 0\ndata_dir = /x\nnetwork_latency = 5s\n"), 0);
}
END_TEST

#ifdef HAVE_CLUSTER
START_TEST(test_cluster_valid) {
  ck_assert_msg(load_text("[cluster]\naddress = 10.0.0.2:9001\nnode_id = 2\n"
                          "peers = 10.0.0.1:9001 , [fd00::3]:9001,192.168.7.4:1\n"
                          "data_dir = nodes\nnetwork_latency = 20ms\n") == 0,
                "rejected: %s", errbuf);
  ck_assert_str_eq(cfg.cluster_address, "10.0.0.2:9001");
  ck_assert_int_eq(cfg.cluster_node_id, 2);
  ck_assert_str_eq(cfg.cluster_data_dir, in_tmp("nodes"));
  ck_assert_int_eq(cfg.cluster_network_latency_ms, 20);
  size_t n;
  char **nodes = config_cluster_nodes(&cfg, &n);
  ck_assert_uint_eq(n, 4);
  ck_assert_str_eq(nodes[0], "10.0.0.2:9001"); /* this node first */
  ck_assert_str_eq(nodes[1], "10.0.0.1:9001");
  ck_assert_str_eq(nodes[2], "[fd00::3]:9001");
  ck_assert_str_eq(nodes[3], "192.168.7.4:1");
  ck_assert_ptr_null(nodes[4]);
  config_nodes_free(nodes);
  /* Node 1 may run alone: it bootstraps the cluster. */
  ck_assert_msg(load_text("[cluster]\naddress = 127.0.0.1:9001\nnode_id = 1\n") == 0, "rejected: %s", errbuf);
  nodes = config_cluster_nodes(&cfg, &n);
  ck_assert_uint_eq(n, 1);
  config_nodes_free(nodes);
  ck_assert_msg(load_text("[cluster]\naddress = 172.31.255.255:65535\nnode_id = 1\n") == 0, "rejected: %s",
                errbuf);
}
END_TEST

/* Checks that span the section, reported at the line that has to change. */
START_TEST(test_cluster_cross_checks) {
  expect_error("[server]\nworkers = 2\n[cluster]\naddress = 10.0.0.1:9001\n", 3, "node_id: required", NULL);
  expect_error("[cluster]\naddress = 10.0.0.2:9001\nnode_id = 2\n", 3, "peers: required on node 2", NULL);
  expect_error("[cluster]\naddress = 10.0.0.2:9001\nnode_id = 2\npeers = 10.0.0.1:9001, 10.0.0.2:9001\n", 4,
               "own address 10.0.0.2:9001", NULL);
}
END_TEST

START_TEST(test_cluster_print_roundtrip) {
  ck_assert_int_eq(load_text("[cluster]\naddress = 10.0.0.3:9001\nnode_id = 3\n"
                             "peers = 10.0.0.1:9001, 10.0.0.2:9001\n"),
                   0);
  struct jsfpm_config again;
  print_and_reload(&again);
  ck_assert_str_eq(again.cluster_address, "10.0.0.3:9001");
  ck_assert_str_eq(again.cluster_peers, "10.0.0.1:9001, 10.0.0.2:9001");
  ck_assert_int_eq(again.cluster_node_id, 3);
  config_free(&again);
}
END_TEST
#else
START_TEST(test_cluster_not_built) {
  expect_error("[cluster]\nnode_id = 1\naddress = 10.0.0.1:9001\n", 3, "built without cluster mode", NULL);
}
END_TEST
#endif

static Suite *config_suite(void) {
  Suite *s = suite_create("config");
  TCase *tc = tcase_create("files");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_valid_file);
  tcase_add_test(tc, test_defaults_empty_file);
  tcase_add_test(tc, test_defaults_comments_and_empty_sections);
  tcase_add_test(tc, test_partial_file_keeps_other_defaults);
  tcase_add_test(tc, test_whitespace_and_inline_comments);
  tcase_add_test(tc, test_free_twice_and_reload);
  suite_add_tcase(s, tc);

  tc = tcase_create("paths");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_relative_paths_absolute);
  tcase_add_test(tc, test_absolute_paths_unchanged);
  tcase_add_test(tc, test_relative_paths_from_other_cwd);
  tcase_add_test(tc, test_relative_config_path);
  suite_add_tcase(s, tc);

  tc = tcase_create("errors");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_unknown_key);
  tcase_add_test(tc, test_bad_value_with_line);
  tcase_add_test(tc, test_first_error_reported);
  tcase_add_test(tc, test_duplicate_key);
  tcase_add_test(tc, test_unknown_section);
  tcase_add_test(tc, test_unknown_empty_section);
  tcase_add_test(tc, test_long_line);
  tcase_add_test(tc, test_key_outside_section);
  tcase_add_test(tc, test_syntax_error);
  tcase_add_test(tc, test_missing_file);
  tcase_add_test(tc, test_small_error_buffer);
  suite_add_tcase(s, tc);

  tc = tcase_create("values");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_env_section);
  tcase_add_test(tc, test_sizes);
  tcase_add_test(tc, test_durations);
  tcase_add_test(tc, test_int_ranges);
  tcase_add_test(tc, test_bools_and_enums);
  tcase_add_test(tc, test_listen_forms);
  tcase_add_test(tc, test_print_roundtrip);
  tcase_add_test(tc, test_print_quotes_what_does_not_read_back);
  tcase_add_test(tc, test_bad_quoted_values);
  tcase_add_test(tc, test_print_keys);
  tcase_add_test(tc, test_renamed_keys);
  suite_add_tcase(s, tc);

  tc = tcase_create("cluster");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_cluster_off_by_default);
  tcase_add_test(tc, test_cluster_addresses_refused);
  tcase_add_test(tc, test_cluster_without_address);
#ifdef HAVE_CLUSTER
  tcase_add_test(tc, test_cluster_valid);
  tcase_add_test(tc, test_cluster_cross_checks);
  tcase_add_test(tc, test_cluster_print_roundtrip);
#else
  tcase_add_test(tc, test_cluster_not_built);
#endif
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  const char *base = getenv("TMPDIR");
  snprintf(basedir, sizeof basedir, "%s/jsfpm-test-config.XXXXXX",
           base && *base && strlen(base) < 100 ? base : "/tmp");
  if (mkdtemp(basedir) == NULL) {
    perror("mkdtemp");
    return 99;
  }
  SRunner *sr = srunner_create(config_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  rm_rf(basedir);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
