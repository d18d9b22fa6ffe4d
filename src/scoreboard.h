/* scoreboard.h: the table the master and workers share.
 *
 * One anonymous MAP_SHARED mapping, created by the master before it forks,
 * so every child sees the same memory.  Each worker process owns one slot
 * (the master assigns it at fork and frees it after reaping) and is its only
 * writer; the global counters are updated with atomic adds.  The master
 * reads slots through scoreboard_read_slot, which retries while a worker is
 * half-way through an update (a sequence lock), so the status page and the
 * request_terminate_timeout check never act on a torn record.
 */
#ifndef JSFPM_SCOREBOARD_H
#define JSFPM_SCOREBOARD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Two generations of the largest pool (a reload runs both for a moment)
 * plus replacements being started for recycled workers. */
#define SCOREBOARD_SLOTS 2176

enum sb_state {
  SB_FREE = 0, /* no process */
  SB_STARTING, /* forked, loading the app */
  SB_IDLE,     /* waiting for a request (idle keep-alive connections included) */
  SB_BUSY,     /* running a request */
};

enum sb_status_class { SB_1XX, SB_2XX, SB_3XX, SB_4XX, SB_5XX, SB_NCLASSES };

struct sb_slot {
  uint32_t seq; /* odd while the owner writes; see scoreboard_read_slot */
  int state;    /* enum sb_state */
  pid_t pid;
  unsigned generation;             /* reload generation the worker belongs to */
  int index;                       /* worker number within its generation */
  long long started_unix_ms;       /* wall clock, for display */
  long long started_mono_ms;       /* CLOCK_MONOTONIC, for max_age */
  unsigned long requests;          /* requests completed */
  long long request_start_mono_ms; /* start of the current request (SB_BUSY only) */
  char request_method[12];         /* current (SB_BUSY) or last request */
  char request_path[160];
  char request_query[128];          /* its query string, without "?" (cut to fit) */
  long long request_content_length; /* its body bytes */
  char request_id[65];              /* of the current request (SB_BUSY only) */
  char last_request_id[65];         /* id of the last completed request */
  long long last_duration_ms;       /* of the last completed request */
  int last_status;
  unsigned long compile_cache_hits;   /* the worker's runtime: modules served from the cache */
  unsigned long compile_cache_misses; /* modules compiled on demand */
  long long heap_bytes;               /* JavaScript heap size after the last request */
  long long last_memory_bytes;        /* JavaScript heap peak during the last completed request */
  long long last_cpu_us;              /* CPU time of the last completed request; -1 = not measured */
  int connections;                    /* connections it has open, kept-alive ones included (pm) */
};

struct sb_global {
  long long start_unix_ms; /* master start, wall clock */
  unsigned long accepted;  /* requests completed by all workers ever */
  unsigned long by_class[SB_NCLASSES];
  unsigned long slow_requests;        /* at least slowlog_timeout */
  int active;                         /* workers running a request now */
  int max_active;                     /* highest `active` seen */
  unsigned long max_children_reached; /* times a request started with every worker busy */
  int stopping;                       /* the master is stopping the server (written by it only) */
  unsigned long fetch_calls;          /* outgoing fetch() calls by all workers ever */
  unsigned long fetch_errors;         /* of those, the ones without an HTTP response */
  unsigned long long fetch_ms;        /* their total time */
  int max_listen_queue;               /* most connections seen waiting in the FastCGI accept queue
                                      (the master samples it; written by it only) */
  int want_request_cpu;               /* workers time each request's CPU (the master sets it at the
                                      first ?full status request: it costs two system calls) */
};

struct scoreboard {
  struct sb_global global;
  struct sb_slot slots[SCOREBOARD_SLOTS];
};

/* Maps the shared table (zeroed).  Returns NULL with errno set. */
struct scoreboard *scoreboard_create(void);
void scoreboard_destroy(struct scoreboard *sb);

/* Master: claims a free slot for a process about to be forked; -1 if full. */
int scoreboard_claim(struct scoreboard *sb, unsigned generation, int index);
/* Master, after reaping the slot's process: undoes a request it died in
 * (so `active` stays true) and frees the slot. */
void scoreboard_release(struct scoreboard *sb, int slot);
/* Master: a consistent copy of a slot. */
void scoreboard_read_slot(const struct scoreboard *sb, int slot, struct sb_slot *out);

/* Master: the server is stopping; set before the workers are told, so a
 * worker that stops knows no replacement will take its connections. */
void scoreboard_set_stopping(struct scoreboard *sb);
bool scoreboard_stopping(const struct scoreboard *sb);

/* Worker side; SLOT is the worker's own.  POOL_SIZE is the number of
 * workers in its generation, for the max-children-reached count. */
void scoreboard_worker_ready(struct scoreboard *sb, int slot);
/* The request a worker begins (strings cut to the slot's fields). */
struct sb_request_info {
  const char *request_id, *method, *path, *query;
  long long content_length;
};
void scoreboard_request_begin(struct scoreboard *sb, int slot, const struct sb_request_info *req,
                              int pool_size);
void scoreboard_request_end(struct scoreboard *sb, int slot, const char *request_id, int status,
                            long long duration_ms, bool slow);
/* What the worker's runtime reports after each request. */
struct sb_runtime_stats {
  unsigned long cache_hits, cache_misses; /* compile cache, since the worker started */
  long long heap_bytes;                   /* JavaScript heap now */
  long long last_memory_bytes;            /* its peak during the request */
  long long last_cpu_us;                  /* CPU time the request took */
};
void scoreboard_runtime_stats(struct scoreboard *sb, int slot, const struct sb_runtime_stats *st);

/* Master: from now on workers time the CPU of each request (last_cpu_us);
 * until then it costs them nothing.  Workers: whether to. */
void scoreboard_want_request_cpu(struct scoreboard *sb);
bool scoreboard_request_cpu_wanted(const struct scoreboard *sb);

/* Master: a sample of the FastCGI socket's accept queue, for max_listen_queue. */
void scoreboard_note_listen_queue(struct scoreboard *sb, int queued);

/* Worker: it opened (DELTA 1) or closed (-1) a connection. */
void scoreboard_connections(struct scoreboard *sb, int slot, int delta);

/* Worker: adds its outgoing fetch() calls since the last report. */
void scoreboard_fetch_add(struct scoreboard *sb, unsigned long calls, unsigned long errors,
                          unsigned long long ms);

#endif
