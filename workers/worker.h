/* worker.h: a worker process: one libevent loop, one Duktape heap, the
 * FastCGI door and the optional HTTP door. */
#ifndef JSFPM_WORKER_H
#define JSFPM_WORKER_H

struct jsfpm_config;
struct scoreboard;
struct js_cache;

struct worker_args {
  const struct jsfpm_config *cfg;
  int fcgi_fd;          /* listening FastCGI socket */
  int http_fd;          /* listening HTTP socket, or -1 */
  const char *broker_path; /* unix socket of the broker */
  int ready_fd;         /* write end of a pipe: one byte once the app is loaded; then closed */
  int slot;             /* worker number, 0..workers-1 */
  struct scoreboard *sb; /* shared with the master */
  int sb_slot;          /* this worker's scoreboard slot */
  unsigned long max_requests; /* stop accepting after this many requests; 0 = no limit */
  struct js_cache *js_cache; /* compiled app built by the master (preload = yes), or NULL */
};

/* Exit statuses the master understands. */
#define WORKER_EXIT_OK 0
#define WORKER_EXIT_APP_LOAD 78 /* the app failed to load (syntax error, missing main): EX_CONFIG */

int worker_main(const struct worker_args *args);

#endif
