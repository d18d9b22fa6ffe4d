/* worker_log.c: access log and slow log.
 *
 * Each line is built whole and written with one write(2) on an O_APPEND
 * descriptor, so lines from several workers sharing a file never interleave.
 * Access log format (space separated, one request a line):
 *
 *   2026-11-21T16:00:00.123+0000 REQUEST_ID REMOTE_ADDR METHOD PATH STATUS BYTES DURATION_ms
 *
 * A slow request goes to `slowlog`, or to the error log when that is unset.
 * The JavaScript stack of a slow request is not captured: the worker runs
 * one request synchronously and cannot look at it from outside.
 */
#include "autoconfig.h"

#include "worker_log.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "safefile.h"

static const struct jsfpm_config *log_cfg;
static int access_fd = -1;
static int slow_fd = -1;

static int open_one(const char *path, const char *key) {
  char why[256];
  int fd = safefile_open(path, O_WRONLY | O_APPEND | O_CREAT, 0640, why, sizeof why);
  if (fd < 0) log_error("%s %s: cannot open: %s", key, path, why);
  return fd;
}

int worker_log_open(const struct jsfpm_config *cfg) {
  log_cfg = cfg;
  if (cfg->access_log && (access_fd = open_one(cfg->access_log, "access_log")) < 0) return -1;
  if (cfg->slowlog && (slow_fd = open_one(cfg->slowlog, "slowlog")) < 0) return -1;
  return 0;
}

/* Swaps in a fresh descriptor at the same number, so a failed reopen keeps
 * logging to the old file rather than nowhere. */
static void reopen_one(int fd, const char *path, const char *key) {
  if (fd < 0) return;
  int fresh = open_one(path, key);
  if (fresh < 0) return;
  if (dup2(fresh, fd) < 0) log_error("%s %s: cannot reopen: %s", key, path, strerror(errno));
  close(fresh);
}

void worker_log_reopen(void) {
  if (log_cfg == NULL) return;
  reopen_one(access_fd, log_cfg->access_log, "access_log");
  reopen_one(slow_fd, log_cfg->slowlog, "slowlog");
}

void worker_log_close(void) {
  if (access_fd >= 0) close(access_fd);
  if (slow_fd >= 0) close(slow_fd);
  access_fd = slow_fd = -1;
}

bool worker_log_is_slow(long long duration_ms) {
  return log_cfg && log_cfg->slowlog_timeout_ms > 0 && duration_ms >= log_cfg->slowlog_timeout_ms;
}

static size_t format_time(char *buf, size_t len) {
  struct timeval tv;
  struct tm tm;
  gettimeofday(&tv, NULL);
  localtime_r(&tv.tv_sec, &tm);
  size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
  n += (size_t)snprintf(buf + n, len - n, ".%03ld", (long)(tv.tv_usec / 1000));
  n += strftime(buf + n, len - n, "%z", &tm);
  return n;
}

static void write_line(int fd, char *line, int n, size_t cap) {
  if (n < 0) return;
  if ((size_t)n >= cap - 1) n = (int)cap - 2; /* truncated: still one whole line */
  line[n++] = '\n';
  ssize_t unused = write(fd, line, (size_t)n);
  (void)unused; /* nowhere better to report a full disk */
}

void worker_log_request(const struct worker_log_entry *e) {
  char when[48];
  char line[1024];
  /* The path is the client's (decoded: %0a is a newline): escaped like
   * every error-log message, so it cannot start a line of its own. */
  char path[512];
  bool cut;
  path[log_escape(path, sizeof path - 1, e->path, strlen(e->path), &cut)] = '\0';
  if (access_fd >= 0) {
    format_time(when, sizeof when);
    int n = snprintf(line, sizeof line, "%s %s %s %s %s %d %zu %lldms", when,
                     e->request_id ? e->request_id : "-",
                     e->remote_addr && *e->remote_addr ? e->remote_addr : "-", e->method, path,
                     e->status, e->body_bytes, e->duration_ms);
    write_line(access_fd, line, n, sizeof line);
  }
  if (worker_log_is_slow(e->duration_ms)) {
    if (slow_fd >= 0) {
      format_time(when, sizeof when);
      int n = snprintf(line, sizeof line, "%s slow request pid %ld [%s] %s %s: %lld ms (status %d)",
                       when, (long)getpid(), e->request_id ? e->request_id : "-", e->method,
                       path, e->duration_ms, e->status);
      write_line(slow_fd, line, n, sizeof line);
    } else {
      log_warn("slow request [%s] %s %s: %lld ms (status %d)", e->request_id ? e->request_id : "-",
               e->method, e->path, e->duration_ms, e->status);
    }
  }
}
