/* main.c: command line of the jsfpm binary. */
#include "autoconfig.h"

#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "broker_backup.h"
#include "cluster_backup.h"
#include "cluster_remove.h"
#include "cluster_status.h"
#include "config.h"
#include "config_check.h"
#include "db_client.h"
#include "dev.h"
#include "test_cmd.h"
#include "js_compile.h"
#include "log.h"
#include "master.h"
#include "privileges.h"
#include "proctitle.h"
#include "worker_js.h"

#define DEFAULT_CONFIG "/etc/jsfpm/jsfpm.conf"

static void usage(FILE *out) {
  fprintf(out, "Usage: jsfpm [-c FILE] [-t | -T] [-F] [-R]\n"
               "       jsfpm [-c FILE] --cluster-status | --cluster-remove ID | --backup DEST\n"
               "       jsfpm dev [DIR] [--port N]   serve an app folder for development\n"
               "       jsfpm test [DIR]             run the app's *.test.js files\n"
               "A pre-fork application server for JavaScript with a SQLite broker.\n"
               "\n"
               "  -c, --config FILE   configuration file (default " DEFAULT_CONFIG ")\n"
               "  -t, --test          check what a start would (configuration, user, addresses,\n"
               "                      folders, migrations), compile and load the app, and exit\n"
               "  -T, --test-print    check the configuration, print the effective one and exit\n"
               "  -F, --foreground    run in the foreground (always the case; accepted for\n"
               "                      php-fpm compatibility)\n"
               "  -R, --allow-to-run-as-root\n"
               "                      let the broker and workers run as root (as allow_root = yes)\n"
               "      --list-keys     print every configuration key (section.key) and exit\n"
               "      --backup DEST   copy the database to the new file DEST (online, safe while serving;\n"
               "                      in cluster mode, the cluster's database as its leader has it)\n"
               "      --cluster-status\n"
               "                      print the cluster as this host's node sees it (leader, members and\n"
               "                      their roles); exit status 1 when it knows no leader\n"
               "      --cluster-remove ID\n"
               "                      remove node ID from the cluster (its host's jsfpm stopped first;\n"
               "                      refused for the leader, a running node, or the last voters)\n"
               "  -h, --help          show this help\n"
               "  -v, --version       show the version\n"
               "\n"
               "Signals to the master: TERM/INT fast stop, QUIT graceful stop (requests finish),\n"
               "HUP graceful reload of the configuration and the app, USR1 reopen the logs;\n"
               "USR2 is ignored (logged): HUP reloads.\n"
               "See docs/operations.md.\n");
}

/* Loads the app from CACHE as a worker does: its modules' top-level code
 * runs, with no database (no broker is started).  Returns 0, or -1 with ERR. */
static int load_app(const struct jsfpm_config *cfg, struct js_cache *cache, char *err, size_t errlen) {
  struct db_client *db = db_client_new("/nonexistent/jsfpm -t starts no broker");
  struct js_runtime *rt = db ? js_runtime_new(cfg, db, cache, err, errlen) : NULL;
  int rc = rt ? 0 : -1;
  if (db == NULL) snprintf(err, errlen, "out of memory");
  if (rt && js_runtime_load_error(rt)) { /* dev = yes keeps the runtime to show the error page */
    snprintf(err, errlen, "%s", js_runtime_load_error(rt));
    rc = -1;
  }
  js_runtime_free(rt);
  db_client_free(db);
  return rc;
}

/* load_app in a child running as the workers' user, as app code never runs
 * as root (-t runs as root in the unit's ExecStartPre). */
static int load_app_as_workers(const struct jsfpm_config *cfg, struct js_cache *cache, char *err,
                               size_t errlen) {
  struct privileges priv;
  char why[256];
  if (privileges_resolve(cfg, &priv, why, sizeof why) < 0) return 0; /* config_check_start said why */
  int pipefd[2];
  pid_t pid = pipe(pipefd) == 0 ? fork() : -1;
  if (pid < 0) {
    snprintf(err, errlen, "cannot start a process to load the app: %s", strerror(errno));
    privileges_free(&priv);
    return -1;
  }
  if (pid == 0) {
    close(pipefd[0]);
    int rc = privileges_drop(&priv) < 0 ? (snprintf(err, errlen, "cannot drop privileges"), -1)
                                        : load_app(cfg, cache, err, errlen);
    if (rc < 0 && write(pipefd[1], err, strlen(err)) < 0) _exit(2);
    _exit(rc < 0);
  }
  close(pipefd[1]);
  privileges_free(&priv);
  ssize_t n = read(pipefd[0], err, errlen - 1);
  close(pipefd[0]);
  err[n > 0 ? n : 0] = '\0';
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
  if (n <= 0) snprintf(err, errlen, "the process loading the app died (status %d)", status);
  return -1;
}

/* -t: compiles the app as a start would (filling the compile cache) and
 * loads it, so a syntax error, an unresolvable import or a module that
 * throws while loading shows before a restart. */
static int test_app(const struct jsfpm_config *cfg, char *err, size_t errlen) {
  log_set_role("test");
  if (log_open("stderr", (enum log_level)cfg->log_level) < 0) {
    snprintf(err, errlen, "cannot log to stderr: %s", strerror(errno));
    return -1;
  }
  struct js_cache *cache = js_cache_build(cfg, err, errlen);
  int rc = cache ? load_app_as_workers(cfg, cache, err, errlen) : -1;
  js_cache_free(cache);
  return rc;
}

int main(int argc, char **argv) {
  static const struct option longopts[] = {{"config", required_argument, NULL, 'c'},
                                           {"test", no_argument, NULL, 't'},
                                           {"test-print", no_argument, NULL, 'T'},
                                           {"foreground", no_argument, NULL, 'F'},
                                           {"help", no_argument, NULL, 'h'},
                                           {"version", no_argument, NULL, 'v'},
                                           {"list-keys", no_argument, NULL, 'K'},
                                           {"allow-to-run-as-root", no_argument, NULL, 'R'},
                                           {"backup", required_argument, NULL, 'B'},
                                           {"cluster-status", no_argument, NULL, 'S'},
                                           {"cluster-remove", required_argument, NULL, 'D'},
                                           {NULL, 0, NULL, 0}};
  const char *config_path = DEFAULT_CONFIG;
  int test = 0, print = 0, allow_root = 0, cluster_status = 0;
  const char *backup_dest = NULL, *cluster_remove = NULL;
  if (argc >= 2 && strcmp(argv[1], "test") == 0) return test_cmd_main(argc - 1, argv + 1);
  static char dev_config[PATH_MAX];
  int argc_title = argc;
  if (argc >= 2 && strcmp(argv[1], "dev") == 0) {
    int rc = dev_prepare(argc - 1, argv + 1, dev_config);
    if (rc >= 0) return rc;
    config_path = dev_config;
    /* its arguments were dev's; all of them stay the title's space */
    argc_title = argc;
    argc = 1, optind = 1;
  }
  int opt;
  while ((opt = getopt_long(argc, argv, "c:tTFRhv", longopts, NULL)) != -1) {
    switch (opt) {
    case 'c': config_path = optarg; break;
    case 't': test = 1; break;
    case 'T': test = print = 1; break;
    case 'F': break;
    case 'R': allow_root = 1; break;
    case 'h': usage(stdout); return 0;
    case 'v': printf("jsfpm %s\n", JSFPM_VERSION); return 0;
    case 'K': config_print_keys(stdout); return 0;
    case 'B': backup_dest = optarg; break;
    case 'S': cluster_status = 1; break;
    case 'D': cluster_remove = optarg; break;
    default: usage(stderr); return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "jsfpm: unexpected argument '%s'\n", argv[optind]);
    usage(stderr);
    return 2;
  }

  struct jsfpm_config cfg;
  char err[1024];
  if (config_load(&cfg, config_path, err, sizeof err) < 0) {
    fprintf(stderr, "jsfpm: %s\n", err);
    config_free(&cfg);
    return 1;
  }
  if (allow_root) cfg.allow_root = 1;
  /* Warnings go where errors would: stderr for the one-shot modes, the
   * error log once the server runs. */
  if (test || backup_dest || cluster_status || cluster_remove)
    for (size_t i = 0; i < cfg.nwarnings; i++) fprintf(stderr, "jsfpm: warning: %s\n", cfg.warnings[i]);
  if (backup_dest) {
    int brc =
        cfg.cluster_address ? cluster_backup_run(&cfg, backup_dest) : broker_backup_run(&cfg, backup_dest);
    config_free(&cfg);
    return brc;
  }
  if (cluster_remove) {
    int crc = cluster_remove_main(&cfg, cluster_remove);
    config_free(&cfg);
    return crc;
  }
  if (cluster_status) {
    int crc = cluster_status_main(&cfg);
    config_free(&cfg);
    return crc;
  }
  if (test) {
    int problems = print ? 0 : config_check_start(&cfg, stderr);
    int rc = print ? 0 : test_app(&cfg, err, sizeof err);
    if (print) config_print(&cfg, stdout);
    if (rc != 0) fprintf(stderr, "jsfpm: cannot load the app: %s\n", err);
    if (rc == 0 && problems == 0)
      fprintf(stderr, "jsfpm: configuration file %s test is successful\n", config_path);
    else
      fprintf(stderr, "jsfpm: configuration file %s test failed: %d problem%s\n", config_path,
              problems + (rc != 0), problems + (rc != 0) == 1 ? "" : "s");
    rc = rc == 0 && problems == 0 ? 0 : 1;
    config_free(&cfg);
    return rc == 0 ? 0 : 1;
  }
  if (log_open(cfg.error_log, (enum log_level)cfg.log_level) < 0) { /* it said why */
    config_free(&cfg);
    return 1;
  }
  for (size_t i = 0; i < cfg.nwarnings; i++) log_warn("%s", cfg.warnings[i]);
  /* From here on argv's memory holds the process title; the children
   * inherit it and set their own. */
  if (proctitle_init(argc_title, argv) < 0) log_warn("out of memory: the process titles stay as they are");
  proctitle_set("jsfpm: master (%s)", cfg.file);
  int rc = master_run(&cfg);
  log_close();
  return rc;
}
