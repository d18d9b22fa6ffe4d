/* log.h: the error log.  One line per message: timestamp, level, process
 * role and pid, text.  Writes go straight to the fd (no stdio buffering) so
 * lines from the master, broker and workers interleave whole. */
#ifndef JSFPM_LOG_H
#define JSFPM_LOG_H

#include <stdarg.h>

enum log_level { LOG_LVL_ERROR = 0, LOG_LVL_WARN, LOG_LVL_NOTICE, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Opens PATH for appending ("stderr" or NULL means standard error) and sets
 * the threshold.  Returns 0, or -1 with errno set. */
int log_open(const char *path, enum log_level level);
/* Reopens the same path (USR1, log rotation).  Returns 0 or -1. */
int log_reopen(void);
void log_close(void);
/* Names this process in every line: "master", "broker", "worker". */
void log_set_role(const char *role);
/* Parses "error|warn|notice|info|debug"; returns -1 if unknown. */
int log_level_parse(const char *name);
const char *log_level_name(enum log_level level);
int log_enabled(enum log_level level);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vmsg(enum log_level level, const char *fmt, va_list ap);

#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_LVL_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
