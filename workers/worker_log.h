/* worker_log.h: the per-request logs: the optional access log (one line
 * per request, in [server] access.format) and the slow log (requests of at
 * least slowlog_timeout, with their JavaScript stack). */
#ifndef JSFPM_WORKER_LOG_H
#define JSFPM_WORKER_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "access_format.h"

struct jsfpm_config;
struct sb_slot;

/* Opens the files CFG names.  Returns 0, or -1 after logging why. */
int worker_log_open(const struct jsfpm_config *cfg);
/* USR1: reopens them at the same paths (log rotation). */
void worker_log_reopen(void);
void worker_log_close(void);
/* What the access format reads beyond the plain fields (ACCESS_NEEDS_*). */
unsigned worker_log_needs(void);
/* True when DURATION_MS makes a request slow under the configuration. */
bool worker_log_is_slow(long long duration_ms);
/* Writes the access line and, if slow, the slow report of a finished request. */
void worker_log_request(const struct access_fields *e);
/* The request E, still running, has run ELAPSED_MS, past slowlog_timeout:
 * reports it with its JavaScript STACK (lines), as php-fpm's slow log
 * shows the backtrace. */
void worker_log_slow_stack(const struct access_fields *e, long long elapsed_ms, const char *stack);

/* Master: the request in scoreboard slot SNAP of worker PID ended without
 * the worker logging it (WHY: killed by request_terminate_timeout, or the
 * worker ended itself; STATUS what the client got from jsfpm, 0 = nothing).
 * Writes its access line (no bytes) and a slow log entry, opening the
 * files as root does (safefile.h) and closing them again. */
void worker_log_cut_off(const struct jsfpm_config *cfg, pid_t pid, const struct sb_slot *snap,
                        long long ran_ms, int status, const char *why);

#endif
