/* broker_bench.c: what the database broker costs and what it can do.
 *
 *   broker_bench [-c CLIENTS] [-d SECONDS] [-s SYNCHRONOUS] [-S SLOW]
 *
 * Starts a real broker (broker_main, forked, as the master does) on a
 * temporary database and drives it from CLIENTS forked worker-like
 * processes, each with one db_client doing one call at a time, as a worker
 * does.  Phases, each SECONDS long:
 *   read        SELECT v FROM kv WHERE id = ?         (reader connection)
 *   read+slow   the same while SLOW (default 4) more clients each run a
 *               recursive CTE of 3,000,000 rows (~0.4 s) over and over
 *   write+gc    INSERT INTO log (v) VALUES (?)        group_commit = yes
 *   write-gc    the same                              group_commit = no
 *   ceiling     the same two statements in this process on SQLite directly
 *               (prepared once, autocommit, same synchronous), one thread
 * and prints statements/s plus per-call latency (median, p99) for each.
 */
#include "autoconfig.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "broker.h"
#include "clock.h"
#include "config.h"
#include "db_client.h"
#include "log.h"

#define MAX_SAMPLES 2000000

static char dir[64], sock_path[128], db_path[128];

static void die(const char *what) {
  fprintf(stderr, "broker_bench: %s: %s\n", what, strerror(errno));
  exit(1);
}

static int listener(void) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (strlen(sock_path) >= sizeof sa.sun_path) {
    fprintf(stderr, "broker_bench: socket path %s too long\n", sock_path);
    exit(1);
  }
  memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
  unlink(sock_path);
  if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 128) != 0)
    die("broker socket");
  return fd;
}

static pid_t start_broker(struct jsfpm_config *cfg, int lfd) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    /* A bench that fails (a client's call failed) must not leave it behind. */
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0) die("prctl");
    exit(broker_main(cfg, lfd));
  }
  return pid;
}

static void stop_broker(pid_t pid) {
  int st;
  if (kill(pid, SIGTERM) != 0 || waitpid(pid, &st, 0) != pid) die("stopping the broker");
}

static json_t *call(struct db_client *c, json_t *req) {
  char err[256];
  json_t *r = db_client_call(c, req, 30000, err, sizeof err);
  json_decref(req);
  if (r == NULL || !json_is_true(json_object_get(r, "ok"))) {
    fprintf(stderr, "broker_bench: call failed: %s\n",
            r ? json_string_value(json_object_get(r, "message")) : err);
    exit(1);
  }
  return r;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

enum client_kind { CLIENT_READ, CLIENT_WRITE, CLIENT_SLOW };

static json_t *client_request(enum client_kind kind, int k, long n) {
  switch (kind) {
  case CLIENT_WRITE:
    return json_pack("{s:s,s:s,s:[s]}", "op", "execute", "sql", "INSERT INTO log (v) VALUES (?)", "params",
                     "a value of some thirty bytes...");
  case CLIENT_SLOW:
    return json_pack("{s:s,s:s}", "op", "query", "sql",
                     "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3000000)"
                     " SELECT count(*) FROM c");
  default:
    return json_pack("{s:s,s:s,s:[i]}", "op", "query", "sql", "SELECT v FROM kv WHERE id = ?", "params",
                     (int)((n * 7919 + k) % 1000) + 1);
  }
}

/* One client process: calls for SECONDS, writes "count" then the latency
 * samples (seconds) to FILE. */
static void client(int k, enum client_kind kind, double seconds, const char *file) {
  struct db_client *c = db_client_new(sock_path);
  double *lat = malloc(MAX_SAMPLES * sizeof *lat);
  if (c == NULL || lat == NULL) die("client");
  long n = 0;
  double end = clock_mono_us() / 1e6 + seconds;
  while (clock_mono_us() / 1e6 < end && n < MAX_SAMPLES) {
    json_t *req = client_request(kind, k, n);
    double t0 = clock_mono_us() / 1e6;
    json_decref(call(c, req));
    lat[n++] = clock_mono_us() / 1e6 - t0;
  }
  FILE *f = fopen(file, "w");
  if (f == NULL || fwrite(&n, sizeof n, 1, f) != 1 || fwrite(lat, sizeof *lat, (size_t)n, f) != (size_t)n ||
      fclose(f) != 0)
    die(file);
  db_client_free(c);
  free(lat);
}

static void report(const char *name, long n, double seconds, double *lat, long nlat) {
  if (lat && nlat > 0) {
    qsort(lat, (size_t)nlat, sizeof *lat, cmp_double);
    printf("%-34s %10.0f stmt/s   median %7.1f us   p99 %7.1f us\n", name, n / seconds, lat[nlat / 2] * 1e6,
           lat[(long)(nlat * 0.99)] * 1e6);
  } else {
    printf("%-34s %10.0f stmt/s\n", name, n / seconds);
  }
}

/* Reports the samples of clients FIRST..LAST-1 as NAME. */
static void collect(const char *name, int first, int last, double seconds) {
  int clients = last - first;
  double *all = malloc((size_t)clients * MAX_SAMPLES * sizeof *all);
  long total = 0;
  if (all == NULL) die("malloc");
  for (int k = first; k < last; k++) {
    char file[160];
    snprintf(file, sizeof file, "%s/lat.%d", dir, k);
    FILE *f = fopen(file, "r");
    long n;
    if (f == NULL || fread(&n, sizeof n, 1, f) != 1 ||
        fread(all + total, sizeof *all, (size_t)n, f) != (size_t)n)
      die(file);
    fclose(f);
    unlink(file);
    total += n;
  }
  report(name, total, seconds, all, total);
  free(all);
}

/* CLIENTS clients of KIND and SLOW slow readers for SECONDS; reports the
 * former as NAME (and the slow ones apart). */
static void phase(const char *name, int clients, enum client_kind kind, double seconds, int slow) {
  pid_t pids[512];
  for (int k = 0; k < clients + slow; k++) {
    fflush(NULL);
    pids[k] = fork();
    if (pids[k] < 0) die("fork");
    if (pids[k] == 0) {
      char file[160];
      snprintf(file, sizeof file, "%s/lat.%d", dir, k);
      client(k, k < clients ? kind : CLIENT_SLOW, seconds, file);
      exit(0);
    }
  }
  for (int k = 0; k < clients + slow; k++) {
    int st;
    if (waitpid(pids[k], &st, 0) != pids[k] || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
      fprintf(stderr, "broker_bench: a client failed\n");
      exit(1);
    }
  }
  collect(name, 0, clients, seconds);
  if (slow > 0) collect("  the slow reads meanwhile", clients, clients + slow, seconds);
}

static void sql_ok(sqlite3 *h, const char *sql) {
  char *msg = NULL;
  if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK) {
    fprintf(stderr, "broker_bench: %s: %s\n", sql, msg);
    exit(1);
  }
}

/* The same statements on SQLite directly, one thread, prepared once. */
static void ceiling(int synchronous, double seconds) {
  sqlite3 *h;
  if (sqlite3_open(db_path, &h) != SQLITE_OK) die("sqlite3_open");
  char sql[64];
  snprintf(sql, sizeof sql, "PRAGMA synchronous=%d", synchronous);
  sql_ok(h, "PRAGMA journal_mode=WAL");
  sql_ok(h, sql);
  sqlite3_stmt *rd, *wr;
  if (sqlite3_prepare_v2(h, "SELECT v FROM kv WHERE id = ?", -1, &rd, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(h, "INSERT INTO log (v) VALUES (?)", -1, &wr, NULL) != SQLITE_OK)
    die("prepare");
  long n = 0;
  double t0 = clock_mono_us() / 1e6, end = t0 + seconds;
  while (clock_mono_us() / 1e6 < end) {
    sqlite3_bind_int(rd, 1, (int)((n * 7919) % 1000) + 1);
    while (sqlite3_step(rd) == SQLITE_ROW) (void)sqlite3_column_text(rd, 0);
    sqlite3_reset(rd);
    n++;
  }
  report("in-process SQLite read (ceiling)", n, clock_mono_us() / 1e6 - t0, NULL, 0);
  n = 0;
  t0 = clock_mono_us() / 1e6;
  end = t0 + seconds;
  while (clock_mono_us() / 1e6 < end) {
    sqlite3_bind_text(wr, 1, "a value of some thirty bytes...", -1, SQLITE_STATIC);
    if (sqlite3_step(wr) != SQLITE_DONE) die("insert");
    sqlite3_reset(wr);
    n++;
  }
  report("in-process SQLite write (ceiling)", n, clock_mono_us() / 1e6 - t0, NULL, 0);
  sqlite3_finalize(rd);
  sqlite3_finalize(wr);
  sqlite3_close(h);
}

int main(int argc, char **argv) {
  int clients = 8, synchronous = 2, slow = 4, opt;
  double seconds = 3;
  while ((opt = getopt(argc, argv, "c:d:s:S:")) != -1) {
    switch (opt) {
    case 'c': clients = atoi(optarg); break;
    case 'd': seconds = atof(optarg); break;
    case 's': synchronous = atoi(optarg); break;
    case 'S': slow = atoi(optarg); break;
    default:
      fprintf(stderr, "usage: broker_bench [-c CLIENTS] [-d SECONDS] [-s SYNCHRONOUS 0..3] [-S SLOW]\n");
      return 2;
    }
  }
  if (clients < 1 || clients > 256 || seconds <= 0 || synchronous < 0 || synchronous > 3 || slow < 0 ||
      slow > 256) {
    fprintf(stderr, "broker_bench: bad arguments\n");
    return 2;
  }
  const char *base = getenv("BENCH_DIR");
  snprintf(dir, sizeof dir, "%s/broker-bench-XXXXXX", base ? base : "/var/tmp");
  if (mkdtemp(dir) == NULL) die("mkdtemp");
  snprintf(sock_path, sizeof sock_path, "%s/broker.sock", dir);
  snprintf(db_path, sizeof db_path, "%s/bench.db", dir);
  log_open("stderr", LOG_LVL_WARN);

  struct jsfpm_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.db_path = db_path;
  cfg.db_synchronous = synchronous;
  cfg.db_busy_timeout_ms = 30000;
  cfg.db_write_wait_ms = 30000;
  cfg.db_tx_timeout_ms = 30000;
  cfg.db_statement_timeout_ms = 60000; /* the slow reads take ~0.4 s, more under sanitizers */
  cfg.db_max_result_rows = 100000;
  cfg.db_max_result_bytes = 16L << 20;
  cfg.db_group_commit = 1;
  cfg.db_read_threads = 4;
  int lfd = listener();

  printf("broker_bench: %d clients, %.1f s per phase, synchronous=%d, database in %s, SQLite %s, %ld CPUs\n",
         clients, seconds, synchronous, dir, sqlite3_libversion(), sysconf(_SC_NPROCESSORS_ONLN));
  pid_t b = start_broker(&cfg, lfd);
  struct db_client *c = db_client_new(sock_path);
  json_decref(
      call(c, json_pack("{s:s,s:s}", "op", "exec", "sql",
                        "CREATE TABLE kv (id INTEGER PRIMARY KEY, v TEXT);"
                        "CREATE TABLE log (id INTEGER PRIMARY KEY, v TEXT);"
                        "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1000)"
                        " INSERT INTO kv SELECT i, 'value ' || i FROM c;")));
  phase("broker read", clients, CLIENT_READ, seconds, 0);
  if (slow > 0) {
    char name[64];
    snprintf(name, sizeof name, "broker read, %d slow reads running", slow);
    phase(name, clients, CLIENT_READ, seconds, slow);
  }
  phase("broker write, group commit", clients, CLIENT_WRITE, seconds, 0);
  json_t *st = call(c, json_pack("{s:s}", "op", "stats"));
  printf("%-34s %lld commits for %lld writes\n", "",
         (long long)json_integer_value(json_object_get(st, "group_commits")),
         (long long)json_integer_value(json_object_get(st, "grouped_writes")));
  json_decref(st);
  db_client_free(c);
  stop_broker(b);

  cfg.db_group_commit = 0;
  b = start_broker(&cfg, lfd);
  phase("broker write, no group commit", clients, CLIENT_WRITE, seconds, 0);
  phase("broker read, 1 client", 1, CLIENT_READ, seconds, 0);
  phase("broker write, 1 client", 1, CLIENT_WRITE, seconds, 0);
  stop_broker(b);

  ceiling(synchronous, seconds);

  close(lfd);
  unlink(sock_path);
  unlink(db_path);
  char p[160];
  snprintf(p, sizeof p, "%s-wal", db_path);
  unlink(p);
  snprintf(p, sizeof p, "%s-shm", db_path);
  unlink(p);
  rmdir(dir);
  return 0;
}
