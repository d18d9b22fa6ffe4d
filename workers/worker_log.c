/* worker_log.c: access log and slow log.
 *
 * Each line (each slow report) is built whole and written with one
 * write(2) on an O_APPEND descriptor, so reports from several workers
 * sharing a file never interleave.  The access line's shape is
 * [server] access.format (access_format.h); by default
 *
 *   2026-11-21T16:00:00.123+0000 REQUEST_ID REMOTE_ADDR METHOD PATH STATUS BYTES DURATIONms
 *
 * A slow request goes to `slowlog`, or to the error log when that is unset:
 * once when it crosses slowlog_timeout, with its JavaScript stack at that
 * moment (worker_js.h, js_set_slow_handler), and once when it ends, with
 * its duration and status.  A request the worker never finished (killed by
 * request_terminate_timeout) is logged by the master (worker_log_cut_off).
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

#include "clock.h"
#include "config.h"
#include "log.h"
#include "safefile.h"
#include "scoreboard.h"

#define SLOW_REPORT_MAX 4096 /* bytes of one slow report, its stack included */

static const struct jsfpm_config *log_cfg;
static struct access_format *access_fmt;
static int access_fd = -1;
static int slow_fd = -1;

static int open_one(const char *path, const char *key) {
  char why[256];
  int fd = safefile_open(path, O_WRONLY | O_APPEND | O_CREAT, 0640, why, sizeof why);
  if (fd < 0) log_error("%s %s: cannot open: %s", key, path, why);
  return fd;
}

/* The configured format; the configuration checked it already. */
static struct access_format *compile_format(const struct jsfpm_config *cfg) {
  char err[256];
  struct access_format *f = access_format_compile(cfg->access_format, err, sizeof err);
  if (f == NULL) log_error("access.format: %s", err);
  return f;
}

int worker_log_open(const struct jsfpm_config *cfg) {
  log_cfg = cfg;
  if (cfg->access_log) {
    if ((access_fmt = compile_format(cfg)) == NULL) return -1;
    if ((access_fd = open_one(cfg->access_log, "access_log")) < 0) return -1;
  }
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
  access_format_free(access_fmt);
  access_fmt = NULL;
}

unsigned worker_log_needs(void) { return access_fd >= 0 && access_fmt ? access_format_needs(access_fmt) : 0; }

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

/* Ends the report of N bytes in LINE (CAP bytes) with a newline and writes it. */
static void write_line(int fd, char *line, size_t n, size_t cap) {
  if (n >= cap - 1) n = cap - 2; /* truncated: still one whole report */
  line[n++] = '\n';
  ssize_t unused = write(fd, line, n);
  (void)unused; /* nowhere better to report a full disk */
}

static void write_access(int fd, const struct access_format *f, const struct access_fields *e) {
  char line[LOG_LINE_MAX];
  write_line(fd, line, access_format_render(f, e, line, sizeof line - 1), sizeof line);
}

/* A slow report: "TIME WHAT" with WHAT's lines after the first indented as
 * the stack's are.  The error log, when there is no slowlog, gets WHAT as
 * one line (its control characters escaped, as for every message). */
static void write_slow(int fd, const char *what) {
  if (fd < 0) {
    log_warn("%s", what);
    return;
  }
  char report[SLOW_REPORT_MAX];
  size_t n = format_time(report, sizeof report);
  report[n++] = ' ';
  n += (size_t)snprintf(report + n, sizeof report - n, "%s", what);
  write_line(fd, report, n < sizeof report ? n : sizeof report - 1, sizeof report);
}

/* "[ID] METHOD PATH" of E, escaped, into BUF. */
static void describe_request(const struct access_fields *e, char *buf, size_t cap) {
  char path[512];
  bool cut;
  path[log_escape(path, sizeof path - 1, e->path, strlen(e->path), &cut)] = '\0';
  snprintf(buf, cap, "pid %ld [%s] %s %s", (long)e->pid, e->request_id ? e->request_id : "-", e->method,
           path);
}

void worker_log_request(const struct access_fields *e) {
  if (access_fd >= 0) write_access(access_fd, access_fmt, e);
  if (worker_log_is_slow(e->duration_ms)) {
    char what[1024], req[700];
    describe_request(e, req, sizeof req);
    snprintf(what, sizeof what, "slow request %s: %lld ms (status %d)", req, e->duration_ms, e->status);
    write_slow(slow_fd, what);
  }
}

/* Copies STACK into OUT (CAP bytes) one escaped line at a time, so that
 * nothing in it (a function named with a newline) can forge a report. */
static size_t escape_stack_lines(const char *stack, char *out, size_t cap) {
  size_t o = 0;
  bool cut = false;
  while (*stack && o + 2 < cap && !cut) {
    const char *nl = strchr(stack, '\n');
    size_t len = nl ? (size_t)(nl - stack) : strlen(stack);
    out[o++] = '\n';
    o += log_escape(out + o, cap - 1 - o, stack, len, &cut);
    stack += len + (nl != NULL);
  }
  out[o] = '\0';
  return o;
}

void worker_log_slow_stack(const struct access_fields *e, long long elapsed_ms, const char *stack) {
  char what[SLOW_REPORT_MAX], req[700], lines[SLOW_REPORT_MAX - 1024];
  describe_request(e, req, sizeof req);
  escape_stack_lines(stack, lines, sizeof lines);
  snprintf(what, sizeof what,
           "slow request %s: running for %lld ms (slowlog_timeout %d ms), JavaScript stack:%s", req,
           elapsed_ms, log_cfg ? log_cfg->slowlog_timeout_ms : 0, lines);
  write_slow(slow_fd, what);
}

void worker_log_cut_off(const struct jsfpm_config *cfg, pid_t pid, const struct sb_slot *snap,
                        long long ran_ms, int status, const char *why) {
  struct access_fields e = {.request_id = snap->request_id[0] ? snap->request_id : NULL,
                            .method = snap->request_method,
                            .path = snap->request_path,
                            .status = status,
                            .body_bytes = -1,
                            .duration_ms = ran_ms,
                            .cpu_user_us = -1,
                            .cpu_system_us = -1,
                            .memory_bytes = -1,
                            .start_unix_ms = clock_unix_ms() - ran_ms,
                            .pid = pid};
  if (cfg->access_log) {
    struct access_format *f = compile_format(cfg);
    int fd = f ? open_one(cfg->access_log, "access_log") : -1;
    if (fd >= 0) {
      write_access(fd, f, &e);
      close(fd);
    }
    access_format_free(f);
  }
  /* Without a slowlog the master's own error line is the report. */
  int fd = cfg->slowlog ? open_one(cfg->slowlog, "slowlog") : -1;
  if (fd < 0) return;
  char what[1024], req[700];
  describe_request(&e, req, sizeof req);
  snprintf(what, sizeof what, "request cut off %s: %lld ms, %s", req, ran_ms, why);
  write_slow(fd, what);
  close(fd);
}
