/* status.h: the status page the master serves: what it reports and how it
 * renders it (plain text, JSON, Prometheus text exposition format). */
#ifndef JSFPM_STATUS_H
#define JSFPM_STATUS_H

#include <stdbool.h>
#include <sys/types.h>

struct evbuffer;

struct status_worker {
  pid_t pid;
  const char *state; /* "starting", "idle", "busy" or "retiring" */
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
  unsigned long compile_cache_hits; /* modules its runtime took from the compile cache */
  unsigned long compile_cache_misses;
  long long heap_bytes; /* JavaScript heap after its last request */
  /* ?full (php-fpm's full status) adds: */
  const char *request_query;   /* of the current or last request, without "?" */
  long long content_length;    /* its body bytes */
  long long last_duration_ms;  /* the last completed request's */
  long long last_cpu_us;       /* its CPU time */
  long long last_memory_bytes; /* its JavaScript heap peak */
};

struct status_broker {
  pid_t pid;            /* 0 = not running */
  bool stats_available; /* the broker answered op "stats" */
  long long statements, errors, open_transactions, queue_depth, cache_hits, cache_misses;
};

/* Cluster mode: this node as the master supervises it, and the cluster as
 * the node sees it (src/master/cluster_status.c asks it). */
struct status_cluster_member {
  unsigned long long id;
  char address[128];
  const char *role; /* "voter", "standby" or "spare" */
};

struct status_cluster {
  int node_id;
  const char *address; /* this node's */
  /* The master's view of the node process; false for jsfpm --cluster-status,
   * which has none (the three fields are then left out). */
  bool supervised;
  pid_t node_pid; /* 0 = not running */
  unsigned long node_restarts;
  long long node_started_unix_ms; /* the last start; 0 = never */
  /* What the node answered: false with ERROR when it did not. */
  bool answered;
  char error[256];
  unsigned long long leader_id; /* 0 = the node knows no leader (an election, no quorum, not a voter) */
  char leader_address[128];
  struct status_cluster_member *members; /* malloc'd; cluster_status_free */
  size_t nmembers;
};

struct status_report {
  long long start_unix_ms;
  long long now_unix_ms;
  unsigned generation; /* reload generation serving now */
  bool reloading;
  const char *process_manager; /* pm: "static", "dynamic" or "ondemand"; NULL = static */
  unsigned long accepted;
  unsigned long by_class[5]; /* 1xx..5xx */
  unsigned long slow_requests;
  int idle, active, total;
  int max_active;
  unsigned long max_children_reached;
  unsigned long recycled;   /* workers replaced by max_requests/max_age/max_rss */
  unsigned long terminated; /* workers killed by request_terminate_timeout */
  unsigned long crashes;    /* children that died unexpectedly */
  unsigned long compile_cache_hits, compile_cache_misses; /* summed over the live workers */
  unsigned long fetch_calls;                              /* outgoing fetch() calls, all workers ever */
  unsigned long fetch_errors;  /* of those, without an HTTP response (refused, timed out, aborted...) */
  unsigned long long fetch_ms; /* their total time */
  int listen_queue;            /* connections waiting for accept(); -1 = unavailable */
  int listen_queue_max;        /* the listen backlog; -1 = unavailable */
  int max_listen_queue;        /* most connections seen waiting since start */
  bool full;                   /* ?full: per-process detail as php-fpm's full status */
  struct status_broker broker;
  const struct status_cluster *cluster; /* NULL: cluster mode is off */
  const struct status_worker *workers;
  int nworkers;
};

enum status_format { STATUS_TEXT, STATUS_JSON, STATUS_PROMETHEUS };

/* What the status page's query string asks for: words separated by "&"
 * (a "=value" is ignored), php-fpm's: "json", "prometheus" (or
 * "openmetrics"), "full"; plain text otherwise.  Returns 0, or -1 with WHY
 * for a format jsfpm does not render ("html", "xml"), rather than answering
 * it with another one. */
struct status_query {
  enum status_format format;
  bool full;
};
int status_parse_query(const char *query, struct status_query *out, char *why, size_t whylen);
const char *status_content_type(enum status_format f);
/* Appends the report to OUT.  Returns 0 or -1 (out of memory). */
int status_render(const struct status_report *r, enum status_format f, struct evbuffer *out);

/* The cluster section of the plain text page, which jsfpm --cluster-status
 * prints too. */
void status_render_cluster_text(const struct status_cluster *c, struct evbuffer *out);

/* Connections waiting in the accept queue of the listening socket FD, and
 * its backlog: sock_diag (UNIX_DIAG_RQLEN) for unix sockets, TCP_INFO for
 * TCP.  Returns 0, or -1 when the kernel cannot tell. */
int status_listen_queue(int fd, int *queued, int *backlog);

#endif
