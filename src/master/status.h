/* status.h: the status page the master serves: what it reports and how it
 * renders it (plain text, JSON, Prometheus text exposition format). */
#ifndef JSFPM_STATUS_H
#define JSFPM_STATUS_H

#include <stdbool.h>
#include <sys/types.h>

struct evbuffer;

struct status_worker {
  pid_t pid;
  const char *state;          /* "starting", "idle", "busy" or "retiring" */
  unsigned generation;
  int index;
  unsigned long requests;
  long long started_unix_ms;
  long long rss_bytes;        /* -1 = unknown */
  const char *request_method; /* current request when busy, else the last one */
  const char *request_path;
  long long request_duration_ms; /* current request's so far when busy, else the last one's */
  const char *last_request_id;
  int last_status;
  unsigned long compile_cache_hits;   /* modules its runtime took from the compile cache */
  unsigned long compile_cache_misses;
  long long heap_bytes;       /* JavaScript heap after its last request */
};

struct status_broker {
  pid_t pid;                  /* 0 = not running */
  bool stats_available;       /* the broker answered op "stats" */
  long long statements, errors, open_transactions, queue_depth, cache_hits, cache_misses;
};

struct status_report {
  long long start_unix_ms;
  long long now_unix_ms;
  unsigned generation;        /* reload generation serving now */
  bool reloading;
  unsigned long accepted;
  unsigned long by_class[5];  /* 1xx..5xx */
  unsigned long slow_requests;
  int idle, active, total;
  int max_active;
  unsigned long max_children_reached;
  unsigned long recycled;     /* workers replaced by max_requests/max_age/max_rss */
  unsigned long terminated;   /* workers killed by request_terminate_timeout */
  unsigned long crashes;      /* children that died unexpectedly */
  unsigned long compile_cache_hits, compile_cache_misses; /* summed over the live workers */
  unsigned long fetch_calls;  /* outgoing fetch() calls, all workers ever */
  unsigned long fetch_errors; /* of those, without an HTTP response (refused, timed out, aborted...) */
  unsigned long long fetch_ms; /* their total time */
  int listen_queue;           /* connections waiting for accept(); -1 = unavailable */
  int listen_queue_max;       /* the listen backlog; -1 = unavailable */
  struct status_broker broker;
  const struct status_worker *workers;
  int nworkers;
};

enum status_format { STATUS_TEXT, STATUS_JSON, STATUS_PROMETHEUS };

/* Picks the format from a query string ("json", "prometheus", else text). */
enum status_format status_format_from_query(const char *query);
const char *status_content_type(enum status_format f);
/* Appends the report to OUT.  Returns 0 or -1 (out of memory). */
int status_render(const struct status_report *r, enum status_format f, struct evbuffer *out);

/* Connections waiting in the accept queue of the listening socket FD, and
 * its backlog: sock_diag (UNIX_DIAG_RQLEN) for unix sockets, TCP_INFO for
 * TCP.  Returns 0, or -1 when the kernel cannot tell. */
int status_listen_queue(int fd, int *queued, int *backlog);

#endif
