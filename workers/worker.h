/* worker.h: a worker process: one libevent loop, one Duktape heap, the
 * FastCGI door and the optional HTTP door. */
#ifndef JSFPM_WORKER_H
#define JSFPM_WORKER_H

struct jsfpm_config;
struct scoreboard;
struct js_cache;

struct worker_args {
  const struct jsfpm_config *cfg;
  int fcgi_fd;         /* listening FastCGI socket */
  int http_fd;         /* listening HTTP socket, or -1 */
  int handoff_send_fd; /* the hand-off queue's ends (worker_handoff.h) */
  int handoff_receive_fd;
  const char *broker_path;    /* unix socket of the broker */
  int master_fd;              /* write end of a pipe to the master, for WORKER_NOTE_* bytes */
  int slot;                   /* worker number, 0..workers-1 */
  struct scoreboard *sb;      /* shared with the master */
  int sb_slot;                /* this worker's scoreboard slot */
  unsigned long max_requests; /* stop accepting after this many requests; 0 = no limit */
  struct js_cache *js_cache;  /* compiled app built by the master (preload = yes), or NULL */
};

/* Bytes a worker writes to its pipe to the master. */
#define WORKER_NOTE_READY 'R'        /* the app is loaded: serving */
#define WORKER_NOTE_MAX_REQUESTS 'M' /* served max_requests: accepts no more, wants a replacement */

/* Exit statuses the master understands. */
#define WORKER_EXIT_OK 0
#define WORKER_EXIT_APP_LOAD 78 /* the app failed to load (syntax error, missing main): EX_CONFIG */
#define WORKER_EXIT_OVERRUN                                                                                  \
  70 /* a request stuck in a native call past its deadline: answered 504, ended (EX_SOFTWARE) */

int worker_main(const struct worker_args *args);

#endif
