/* js_overhead.c: per-request cost of the JavaScript runtime, in process.
 *
 * Calls js_handle() directly (no sockets) N times for an app whose handler
 * returns a constant, in each isolation mode, and prints microseconds per
 * request, the JavaScript heap size and the process RSS afterwards.  This is
 * what each isolation mode adds to a request; the network and FastCGI cost
 * are measured by bench/run.
 *
 * Usage: js_overhead APP_DIR [REQUESTS [worker|request]]
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "clock.h"
#include "db_client.h"
#include "log.h"
#include "worker_js.h"

static long rss_kb(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kb = -1;
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, "VmRSS:", 6) == 0) kb = atol(line + 6);
  if (f) fclose(f);
  return kb;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s APP_DIR [REQUESTS]\n", argv[0]);
    return 2;
  }
  int n = argc > 2 ? atoi(argv[2]) : 10000;
  log_open("stderr", LOG_LVL_WARN);
  char conf[] = "/tmp/js_overhead.XXXXXX";
  int fd = mkstemp(conf);
  FILE *f = fdopen(fd, "w");
  char *root = realpath(argv[1], NULL); /* the config's relative paths would be taken from /tmp */
  if (root == NULL) {
    perror(argv[1]);
    return 1;
  }
  /* Modules it lowers are kept in /tmp (warm from the second run on), not
   * in the system's /var/cache/jsfpm. */
  fprintf(f, "[app]\nroot = %s\ncompile_cache = /tmp/jsfpm-js_overhead-cache\n", root);
  free(root);
  fclose(f);

  static const struct js_header headers[] = {
      {"host", 4, "localhost", 9}, {"accept", 6, "*/*", 3}, {"user-agent", 10, "bench", 5}};
  struct js_request req = {.method = "GET",
                           .uri = "/hello",
                           .path = "/hello",
                           .query = "",
                           .scheme = "http",
                           .host = "localhost",
                           .remote_addr = "127.0.0.1",
                           .headers = headers,
                           .nheaders = 3,
                           .body = (const uint8_t *)"",
                           .body_len = 0};
  printf("%-8s %10s %12s %12s %10s\n", "mode", "requests", "us/request", "heap_bytes", "rss_kb");
  const char *only = argc > 3 ? argv[3] : NULL;
  for (int mode = 0; mode < 2; mode++) {
    if (only && strcmp(only, mode == 0 ? "worker" : "request") != 0) continue;
    struct jsfpm_config cfg;
    char err[1024];
    if (config_load(&cfg, conf, err, sizeof err) < 0) {
      fprintf(stderr, "%s\n", err);
      return 1;
    }
    cfg.isolation = mode == 0 ? ISOLATION_WORKER : ISOLATION_REQUEST;
    struct db_client *db = db_client_new("/nonexistent/broker.sock");
    struct js_runtime *rt = js_runtime_new(&cfg, db, NULL, err, sizeof err);
    if (rt == NULL) {
      fprintf(stderr, "cannot load %s: %s\n", argv[1], err);
      return 1;
    }
    struct js_response res;
    for (int i = 0; i < 200; i++) js_handle(rt, &req, &res); /* warm up */
    double t0 = (double)clock_mono_us();
    for (int i = 0; i < n; i++) {
      js_handle(rt, &req, &res);
      if (res.status != 200) {
        fprintf(stderr, "unexpected status %d\n", res.status);
        return 1;
      }
    }
    double per = ((double)clock_mono_us() - t0) / n;
    struct js_runtime_stats st;
    js_runtime_stats(rt, &st);
    printf("%-8s %10d %12.2f %12zu %10ld\n", mode == 0 ? "worker" : "request", n, per, st.heap_bytes,
           rss_kb());
    js_runtime_free(rt);
    db_client_free(db);
    config_free(&cfg);
  }
  unlink(conf);
  return 0;
}
