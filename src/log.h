/* log.h: the error log.  One line per message: timestamp, level, process
 * role and pid, text (its control characters written as \n, \xHH...).
 * Writes go straight to the fd (no stdio buffering) so lines from the
 * master, broker and workers interleave whole. */
#ifndef JSFPM_LOG_H
#define JSFPM_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum log_level { LOG_LVL_ERROR = 0, LOG_LVL_WARN, LOG_LVL_NOTICE, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Opens PATH for appending ("stderr" or NULL means standard error) and sets
 * the threshold.  Run by root, it refuses a link or a file that is not a
 * regular one (safefile.h).  Returns 0, or -1 with errno set after logging
 * why to the log in use. */
int log_open(const char *path, enum log_level level);
/* Reopens the same path (USR1, log rotation) likewise.  Returns 0, or -1
 * (logged) with the previous file still in use. */
int log_reopen(void);
void log_close(void);
/* Names this process in every line: "master", "broker", "worker". */
void log_set_role(const char *role);
/* Parses "error|warn|notice|info|debug"; returns -1 if unknown. */
int log_level_parse(const char *name);
const char *log_level_name(enum log_level level);
int log_enabled(enum log_level level);

#define LOG_LINE_MAX 4096 /* bytes of one line, the newline included */

/* Copies LEN bytes of TEXT into OUT, at most CAP bytes, with control
 * characters written as \n, \r, \t or \xHH (C0 including NUL, DEL, and
 * the C1 controls in UTF-8): whatever a message carries (an app's console
 * output, an exception message, SQL), it stays one line, cannot start a
 * line that looks like the server's own, and sends no terminal escapes.
 * Every message goes through it; callers holding text with NUL bytes
 * escape it first.  An escape is never cut in half; *CUT is set when TEXT
 * did not fit.  Returns the bytes written (no terminating NUL). */
size_t log_escape(char *out, size_t cap, const char *text, size_t len, bool *cut);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vmsg(enum log_level level, const char *fmt, va_list ap);

/* Out of memory in a start-up path (the master's set-up, a worker's or the
 * broker's start): every one is reported the same way, "out of memory
 * WHAT", and fails the start-up.  Returns -1 for the caller to return. */
int log_oom(const char *what);

#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_LVL_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
