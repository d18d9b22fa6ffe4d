/* log.c: the error log.
 *
 * Every line is formatted into one buffer and written with a single write(2)
 * on an O_APPEND descriptor, so lines from concurrent processes sharing the
 * file never interleave mid-line.  No stdio buffering: a crash loses nothing
 * that was logged.  A message is always exactly one line: its control
 * characters are escaped (log_escape), since messages carry text from
 * apps and clients.
 */
#include "autoconfig.h"

#include "log.h"

#include "safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int log_fd = STDERR_FILENO;
static char *log_path; /* NULL when logging to stderr */
static enum log_level log_threshold = LOG_LVL_INFO;
static const char *log_role = "master";

static const char *const level_names[] = {"error", "warn", "notice", "info", "debug"};

int log_level_parse(const char *name) {
  for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++)
    if (strcmp(name, level_names[i]) == 0) return (int)i;
  return -1;
}

const char *log_level_name(enum log_level level) { return level <= LOG_LVL_DEBUG ? level_names[level] : "?"; }

int log_enabled(enum log_level level) { return level <= log_threshold; }

void log_set_role(const char *role) { log_role = role; }

/* Opens PATH to append to, never through a link when we are root (the log
 * directory may belong to the service user); a failure is logged, with
 * WHAT saying what was tried, to the log in use. */
static int open_append(const char *path, const char *what) {
  char why[256];
  int fd = safefile_open(path, O_WRONLY | O_APPEND | O_CREAT, 0640, why, sizeof why);
  if (fd < 0) {
    int saved = errno;
    log_error("error_log %s: cannot %s: %s", path, what, why);
    errno = saved;
  }
  return fd;
}

int log_open(const char *path, enum log_level level) {
  log_threshold = level;
  if (path == NULL || strcmp(path, "stderr") == 0) {
    log_close();
    return 0;
  }
  int fd = open_append(path, "open");
  if (fd < 0) return -1;
  char *copy = strdup(path);
  if (copy == NULL) {
    close(fd);
    errno = ENOMEM;
    return -1;
  }
  log_close();
  log_fd = fd;
  log_path = copy;
  return 0;
}

int log_reopen(void) {
  if (log_path == NULL) return 0;
  int fd = open_append(log_path, "reopen it; logging on to the file open before");
  if (fd < 0) return -1;
  /* dup2 keeps the descriptor number, so a child forked earlier that shares
   * it is not affected, and there is no moment without a log fd. */
  if (dup2(fd, log_fd) < 0) {
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
  }
  close(fd);
  return 0;
}

void log_close(void) {
  if (log_path != NULL) {
    close(log_fd);
    free(log_path);
    log_path = NULL;
  }
  log_fd = STDERR_FILENO;
}

size_t log_escape(char *out, size_t cap, const char *text, size_t len, bool *cut) {
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;
  const unsigned char *end = (const unsigned char *)text + len;
  for (const unsigned char *p = (const unsigned char *)text; p < end; p++) {
    char esc[8];
    size_t n = 0;
    /* U+0080..U+009F, encoded C2 80..C2 9F: the C1 controls (0x9B starts
     * an escape sequence in some terminals). */
    bool c1 = p + 1 < end && p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F;
    if (c1 || *p < 0x20 || *p == 0x7f) {
      for (int i = 0; i <= c1; i++) {
        char named = p[i] == '\n' ? 'n' : p[i] == '\r' ? 'r' : p[i] == '\t' ? 't' : 0;
        esc[n++] = '\\';
        if (named) {
          esc[n++] = named;
        } else {
          esc[n++] = 'x';
          esc[n++] = hex[p[i] >> 4];
          esc[n++] = hex[p[i] & 15];
        }
      }
      p += c1;
    } else {
      esc[n++] = (char)*p;
    }
    if (o + n > cap) {
      *cut = true;
      return o;
    }
    memcpy(out + o, esc, n);
    o += n;
  }
  return o;
}

void log_vmsg(enum log_level level, const char *fmt, va_list ap) {
  if (!log_enabled(level)) return;
  char line[LOG_LINE_MAX], msg[LOG_LINE_MAX];
  struct timeval tv;
  struct tm tm;
  gettimeofday(&tv, NULL);
  localtime_r(&tv.tv_sec, &tm);
  size_t n = strftime(line, sizeof line, "%Y-%m-%d %H:%M:%S", &tm);
  n += (size_t)snprintf(line + n, sizeof line - n, ".%03ld [%s] %s[%ld]: ", (long)(tv.tv_usec / 1000),
                        level_names[level], log_role, (long)getpid());
  int m = vsnprintf(msg, sizeof msg, fmt, ap);
  bool cut = m >= (int)sizeof msg;
  /* Room is kept for "..." and the newline. */
  if (m < 0) m = 0;
  n += log_escape(line + n, sizeof line - n - 4, msg, cut ? sizeof msg - 1 : (size_t)m, &cut);
  if (cut) { /* truncated: say so rather than cut silently */
    memcpy(line + n, "...", 3);
    n += 3;
  }
  line[n++] = '\n';
  /* One write per line; a short write on a full disk is not retried because
   * there is nowhere better to report it. */
  ssize_t unused = write(log_fd, line, n);
  (void)unused;
}

void log_msg(enum log_level level, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  log_vmsg(level, fmt, ap);
  va_end(ap);
}

int log_oom(const char *what) {
  log_msg(LOG_LVL_ERROR, "out of memory %s", what);
  return -1;
}
