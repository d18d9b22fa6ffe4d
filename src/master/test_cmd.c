/* test_cmd.c: `jsfpm test` (see test_cmd.h).
 *
 * For each test file: a config written into a temporary folder (the
 * database there, the app's compile cache shared with `jsfpm dev`), a
 * broker forked on it (it applies the migrations, as at a start), and a
 * runtime whose main module is a runner written to DIR/.jsfpm/test-main.js:
 * it requires jsfpm/test and the test file, and answers one request with
 * the results (jsfpm/test's run()).  So tests run exactly as requests do:
 * same heap set-up, same sandbox, same database path.
 */
#include "autoconfig.h"

#include "test_cmd.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "broker.h"
#include "config.h"
#include "db_client.h"
#include "js_compile.h"
#include "log.h"
#include "sock.h"
#include "worker_js.h"

#define BROKER_READY_TIMEOUT_MS 30000

struct file_list {
  char **paths; /* relative to the app root */
  size_t n, cap;
};

static bool is_test_file(const char *name) {
  size_t n = strlen(name);
  return (n > 8 && strcmp(name + n - 8, ".test.js") == 0) ||
         (n > 9 && strcmp(name + n - 9, ".test.mjs") == 0);
}

/* Adds the test files under ROOT/REL to LIST (not below node_modules or hidden folders). */
static void find_tests(const char *root, const char *rel, struct file_list *list) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s%s%s", root, rel[0] ? "/" : "", rel);
  DIR *d = opendir(path);
  if (d == NULL) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.' || strcmp(e->d_name, "node_modules") == 0) continue;
    char child[PATH_MAX], child_path[PATH_MAX + 256];
    if (snprintf(child, sizeof child, "%s%s%s", rel, rel[0] ? "/" : "", e->d_name) >= (int)sizeof child)
      continue;
    snprintf(child_path, sizeof child_path, "%s/%s", root, child);
    struct stat st;
    if (lstat(child_path, &st) < 0) continue;
    if (S_ISDIR(st.st_mode)) {
      find_tests(root, child, list);
    } else if (S_ISREG(st.st_mode) && is_test_file(e->d_name)) {
      if (list->n == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 16;
        char **grown = realloc(list->paths, cap * sizeof *grown);
        if (grown == NULL) break;
        list->paths = grown, list->cap = cap;
      }
      if ((list->paths[list->n] = strdup(child)) != NULL) list->n++;
    }
  }
  closedir(d);
}

static int compare_paths(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static long long mono_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

/* Writes the runner for test file REL and the config for it; loads CFG. */
static int prepare(const char *root, const char *tmp, const char *rel, int index, struct jsfpm_config *cfg) {
  char path[PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/.jsfpm", root);
  if (mkdir(path, 0700) < 0 && errno != EEXIST)
    return fprintf(stderr, "jsfpm test: %s: %s\n", path, strerror(errno)), -1;
  snprintf(path, sizeof path, "%s/.jsfpm/test-main.js", root);
  FILE *f = fopen(path, "we");
  if (f == NULL) return fprintf(stderr, "jsfpm test: %s: %s\n", path, strerror(errno)), -1;
  fprintf(f,
          "// Written by `jsfpm test` for %s: runs its tests.\n"
          "var t = require('jsfpm/test');\n"
          "require('../%s');\n"
          "module.exports = { fetch: function () { return t.run(); } };\n",
          rel, rel);
  if (fclose(f) != 0) return -1;
  snprintf(path, sizeof path, "%s/jsfpm.conf", tmp);
  if ((f = fopen(path, "we")) == NULL) return -1;
  fprintf(f,
          "[server]\nruntime_dir = %s/run\nerror_log = stderr\nlog_level = warn\n"
          "[app]\nroot = %s\nmain = .jsfpm/test-main.js\nrequest_timeout = 60s\n"
          "compile_cache = %s/.jsfpm/compile-cache\n"
          "[database]\npath = %s/test-%d.db\nsynchronous = off\n",
          tmp, root, root, tmp, index);
  if (fclose(f) != 0) return -1;
  char err[1024];
  if (config_load(cfg, path, err, sizeof err) < 0) {
    fprintf(stderr, "jsfpm test: %s\n", err);
    return -1;
  }
  snprintf(path, sizeof path, "%s/run", tmp);
  if (mkdir(path, 0700) < 0 && errno != EEXIST) return -1;
  mkdir(cfg->compile_cache, 0700);
  return 0;
}

/* Forks a broker on CFG's database (fresh: the migrations are applied) and
 * waits until it answers.  Returns its pid, or -1 (it said why). */
static pid_t start_broker(const struct jsfpm_config *cfg, const char *sock_path) {
  char err[512];
  int fd = sock_listen(sock_path, 16, 0600, NULL, NULL, err, sizeof err);
  if (fd < 0) return fprintf(stderr, "jsfpm test: %s\n", err), -1;
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    log_set_role("broker");
    _exit(broker_main(cfg, fd));
  }
  close(fd);
  if (pid < 0) return fprintf(stderr, "jsfpm test: fork: %s\n", strerror(errno)), -1;
  struct db_client *c = db_client_new(sock_path);
  json_t *ping = json_pack("{s:s}", "op", "ping");
  long long deadline = mono_ms() + BROKER_READY_TIMEOUT_MS;
  int status;
  while (c && ping && mono_ms() < deadline) {
    json_t *reply = db_client_call(c, ping, 250, err, sizeof err);
    if (reply) {
      json_decref(reply);
      json_decref(ping);
      db_client_free(c);
      return pid;
    }
    if (waitpid(pid, &status, WNOHANG) == pid) {
      pid = 0;
      break;
    }
    struct timespec pause = {0, 20 * 1000 * 1000};
    nanosleep(&pause, NULL);
  }
  json_decref(ping);
  db_client_free(c);
  fprintf(stderr, "jsfpm test: the database did not start (a migration failed? see above)\n");
  if (pid > 0) kill(pid, SIGKILL), waitpid(pid, &status, 0);
  return -1;
}

/* Prints the results in the body of the runner's answer; adds to the counts. */
static void report(const char *rel, const struct js_response *res, int *passed, int *failed) {
  json_error_t jerr;
  json_t *list = res->status == 200 ? json_loadb((const char *)res->body, res->body_len, 0, &jerr) : NULL;
  if (!json_is_array(list)) {
    printf("FAIL %s\n     %.*s\n", rel, (int)res->body_len, (const char *)res->body);
    (*failed)++;
    json_decref(list);
    return;
  }
  size_t i;
  json_t *r;
  json_array_foreach(list, i, r) {
    const char *name = json_string_value(json_object_get(r, "name"));
    if (json_is_true(json_object_get(r, "ok"))) {
      printf("ok   %s > %s (%lld ms)\n", rel, name, (long long)json_integer_value(json_object_get(r, "ms")));
      (*passed)++;
    } else {
      const char *where = json_string_value(json_object_get(r, "where"));
      printf("FAIL %s > %s\n     %s%s%s\n", rel, name, json_string_value(json_object_get(r, "error")),
             where && where[0] ? "\n     at " : "", where ? where : "");
      (*failed)++;
    }
  }
  if (json_array_size(list) == 0) printf("     %s: no test() in it\n", rel);
  json_decref(list);
}

/* Runs the tests of REL; adds to the counts. */
static void run_file(const char *root, const char *tmp, const char *rel, int index, int *passed,
                     int *failed) {
  struct jsfpm_config cfg;
  memset(&cfg, 0, sizeof cfg);
  char sock_path[PATH_MAX];
  snprintf(sock_path, sizeof sock_path, "%s/run/broker.sock", tmp);
  pid_t broker = -1;
  struct db_client *db = NULL;
  struct js_runtime *rt = NULL;
  char err[2048];
  if (prepare(root, tmp, rel, index, &cfg) < 0 || (broker = start_broker(&cfg, sock_path)) < 0) {
    printf("FAIL %s\n     cannot start it (see above)\n", rel);
    (*failed)++;
  } else if ((db = db_client_new(sock_path)) == NULL ||
             (rt = js_runtime_new(&cfg, db, NULL, err, sizeof err)) == NULL || js_runtime_load_error(rt)) {
    printf("FAIL %s\n     does not load: %s\n", rel,
           rt   ? js_runtime_load_error(rt)
           : db ? err
                : "out of memory");
    (*failed)++;
  } else {
    static const struct js_request run = {.method = "GET",
                                          .uri = "/",
                                          .path = "/",
                                          .query = "",
                                          .scheme = "http",
                                          .host = "localhost",
                                          .remote_addr = "127.0.0.1"};
    struct js_response res;
    js_handle(rt, &run, &res);
    report(rel, &res, passed, failed);
  }
  js_runtime_free(rt);
  db_client_free(db);
  if (broker > 0) {
    int status;
    kill(broker, SIGTERM);
    waitpid(broker, &status, 0);
  }
  if (cfg.db_path) {
    char wal[PATH_MAX + 8];
    unlink(cfg.db_path);
    snprintf(wal, sizeof wal, "%s-wal", cfg.db_path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", cfg.db_path);
    unlink(wal);
  }
  unlink(sock_path);
  config_free(&cfg);
}

static void remove_tmp(const char *tmp) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/jsfpm.conf", tmp);
  unlink(path);
  snprintf(path, sizeof path, "%s/run", tmp);
  rmdir(path);
  rmdir(tmp);
}

int test_cmd_main(int argc, char **argv) {
  if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
    fprintf(argc == 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr,
            "Usage: jsfpm test [DIR]\n"
            "Runs the *.test.js and *.test.mjs files under DIR (default .), each against a fresh\n"
            "database with the app's migrations; prints one line per test and \"N passed, N failed\".\n");
    return argc == 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
  }
  char root[PATH_MAX];
  if (realpath(argc == 2 ? argv[1] : ".", root) == NULL) {
    fprintf(stderr, "jsfpm test: %s: %s\n", argc == 2 ? argv[1] : ".", strerror(errno));
    return 2;
  }
  struct file_list list = {0};
  find_tests(root, "", &list);
  if (list.n == 0) {
    fprintf(stderr, "jsfpm test: no *.test.js or *.test.mjs files under %s\n", root);
    return 1;
  }
  qsort(list.paths, list.n, sizeof *list.paths, compare_paths);
  log_set_role("test");
  if (log_open("stderr", LOG_LVL_WARN) < 0) return 1;
  signal(SIGPIPE, SIG_IGN);
  js_cache_keep_compiler(); /* one compiler heap for every file that needs lowering */
  char tmp[] = "/tmp/jsfpm-test-XXXXXX";
  if (mkdtemp(tmp) == NULL) {
    fprintf(stderr, "jsfpm test: mkdtemp: %s\n", strerror(errno));
    return 1;
  }
  int passed = 0, failed = 0;
  for (size_t i = 0; i < list.n; i++) {
    run_file(root, tmp, list.paths[i], (int)i, &passed, &failed);
    fflush(stdout);
    free(list.paths[i]);
  }
  free(list.paths);
  remove_tmp(tmp);
  printf("%d passed, %d failed\n", passed, failed);
  log_close();
  return failed > 0 ? 1 : 0;
}
