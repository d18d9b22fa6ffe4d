/* worker_log.h: the per-request logs a worker writes: the optional access
 * log and the slow log (requests of at least slowlog_timeout). */
#ifndef JSFPM_WORKER_LOG_H
#define JSFPM_WORKER_LOG_H

#include <stdbool.h>
#include <stddef.h>

struct jsfpm_config;

/* What one finished request looked like. */
struct worker_log_entry {
  const char *request_id;
  const char *remote_addr;
  const char *method;
  const char *path;
  int status;
  size_t body_bytes;     /* response body length */
  long long duration_ms;
};

/* Opens the files CFG names.  Returns 0, or -1 after logging why. */
int worker_log_open(const struct jsfpm_config *cfg);
/* USR1: reopens them at the same paths (log rotation). */
void worker_log_reopen(void);
void worker_log_close(void);
/* True when DURATION_MS makes a request slow under the configuration. */
bool worker_log_is_slow(long long duration_ms);
/* Writes the access line and, if slow, the slow report. */
void worker_log_request(const struct worker_log_entry *e);

#endif
