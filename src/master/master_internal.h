/* master_internal.h: the master's state, shared by the files of the master
 * process only (src/master/master*.c); nothing outside src/master/ includes
 * it.  The lifecycle the enums below describe, its transitions and its
 * invariants are at the top of master.c.
 *
 * master.c           the loop, signals, start-up and stop, files and sockets
 * master_children.c  forking, watching and reaping the broker and the workers,
 *                    respawns, recycling, the maintenance tick
 * master_reload.c    a reload (HUP): a new generation beside the serving one
 * master_status.c    the status page
 * master_pm.c        pm = dynamic | ondemand: starting and stopping workers
 *                    by the load (decisions in pm.c)
 */
#ifndef JSFPM_MASTER_INTERNAL_H
#define JSFPM_MASTER_INTERNAL_H

#include <event2/event.h>
#include <stdbool.h>
#include <sys/types.h>

#include "privileges.h"
#include "scoreboard.h"

#define MAX_POSITIONS 1024 /* [server] workers upper bound */
#define PM_WATCHED 3       /* pm = ondemand with no worker: the FastCGI, HTTP and hand-off fds */

struct jsfpm_config;
struct js_cache;
struct db_client;

/* The master's phase (transitions: the table at the top of master.c). */
enum master_phase {
  MASTER_STARTING, /* the broker, then the first generation, are starting: failures are fatal */
  MASTER_SERVING,
  MASTER_RELOADING, /* a new generation is starting beside the serving one */
  MASTER_STOPPING,  /* stopping the children step by step (enum stop_step) */
};

/* The steps of a stop, in order; each waits for its processes to exit, at
 * most until its deadline on stop_ev.  The broker goes after the workers so
 * in-flight requests can still reach the database, and the cluster node
 * after the broker so the broker's last transactions still commit; the node
 * then hands its leadership over before it exits. */
enum stop_step {
  STOP_QUIT_WORKERS, /* graceful stop: workers finish their requests (process_control_timeout) */
  STOP_TERM_WORKERS, /* TERM to the workers (STOP_TIMEOUT_MS) */
  STOP_KILL_WORKERS, /* KILL to the workers still alive (STOP_TIMEOUT_MS) */
  STOP_TERM_BROKER,  /* TERM to the broker (STOP_TIMEOUT_MS) */
  STOP_KILL_BROKER,  /* KILL to the broker still alive (STOP_TIMEOUT_MS) */
  STOP_TERM_NODE, /* cluster mode: TERM to the node, which hands its leadership over (NODE_STOP_TIMEOUT_MS) */
  STOP_KILL_NODE, /* KILL to the node still alive (STOP_TIMEOUT_MS) */
  STOP_DONE,      /* the loop ends */
};

/* A worker's state, as the master knows it. */
enum proc_state {
  PROC_FREE,     /* no process: the slot is unused */
  PROC_LOADING,  /* forked, loading the app */
  PROC_SERVING,  /* app loaded, serving */
  PROC_RETIRING, /* told to stop; never replaced when it exits */
};

/* The broker's state, as the master knows it. */
enum broker_state {
  BROKER_DOWN, /* no process; its respawn timer may be pending */
  BROKER_RUNNING,
  BROKER_RESTARTING, /* TERMed by us for new [database] settings: respawn at once */
};

/* A worker process; procs[i] goes with scoreboard slot i. */
struct proc {
  enum proc_state state;
  pid_t pid;
  unsigned generation;
  int index;                  /* position within its generation */
  bool terminated;            /* killed by request_terminate_timeout */
  long long kill_at_ms;       /* retiring: SIGKILL at this monotonic time; 0 = never */
  int replaced_by;            /* slot of the replacement being started, or -1 */
  int replaces;               /* slot of the worker this one will replace when ready, or -1 */
  const char *recycle_reason; /* why it is being replaced (static string) */
  unsigned long max_requests; /* its max_requests with jitter; 0 = no limit */
  long long started_ms;       /* monotonic */
  int note_pipe;              /* read end of its pipe to us (WORKER_NOTE_*), or -1 */
  struct event *note_ev;
  struct master *m;
};

/* A worker position of the serving generation: where respawn back-off lives. */
struct position {
  struct master *m;
  int index;
  int backoff_ms;          /* next respawn delay after a crash */
  long long last_start_ms; /* when a process for it last started */
  long long not_before_ms; /* no recycling replacement before this (failed replacements back off) */
  struct event *respawn_ev;
};

struct broker_proc {
  enum broker_state state;
  pid_t pid; /* 0 = not running */
  long long started_ms;
  int backoff_ms;
  struct event *respawn_ev;
};

/* Cluster mode ([cluster] address): this host's dqlite node process
 * (cluster_node_main), started before the broker, which reaches the
 * cluster through it; restarted with back-off when it dies. */
struct node_proc {
  pid_t pid; /* 0 = not running */
  long long started_ms;
  long long started_unix_ms; /* the last start; 0 = never started */
  unsigned long restarts;    /* starts after the first */
  int backoff_ms;
  struct event *respawn_ev;
};

/* The sockets one generation of workers serves. */
struct listeners {
  int fcgi_fd;
  int http_fd;          /* -1 = no HTTP door */
  bool fcgi_unix_owned; /* we created the unix socket file: unlink it when done */
};

struct master {
  struct jsfpm_config *cfg; /* of the serving generation */
  struct event_base *base;
  pid_t pid; /* the master's: children check they still have it */
  struct privileges priv;
  struct scoreboard *sb;
  struct proc procs[SCOREBOARD_SLOTS];
  struct position positions[MAX_POSITIONS];
  struct broker_proc broker;
  struct node_proc node;     /* cluster mode only */
  struct listeners lis;      /* serving generation's */
  struct js_cache *js_cache; /* serving generation's compiled app (preload = yes), or NULL */
  bool socket_activated;     /* the FastCGI socket came from systemd */
  int broker_fd;
  int handoff[2]; /* the workers' hand-off queue (worker_handoff.h); kept for every generation */
  char *broker_path;
  struct evhttp *status_http;
  int status_fd;
  struct dev_watch *watch; /* [app] watch = yes: the app folder's watcher, else NULL */

  unsigned gen;      /* serving generation */
  unsigned last_gen; /* highest generation number handed out */
  enum master_phase phase;
  /* A reload in progress (RELOADING): next_gen != 0. */
  unsigned next_gen;
  struct jsfpm_config *next_cfg;
  struct listeners next_lis;
  struct js_cache *next_js_cache;
  long long reload_deadline_ms;
  bool restart_broker_after_reload;

  /* STARTING, cluster mode: the wait for the node's first answer, before
   * the broker starts. */
  struct event *node_wait_ev;
  long long node_wait_deadline_ms;
  /* STARTING: the wait for the broker's first answer. */
  struct event *broker_wait_ev;
  struct db_client *broker_ping;
  long long broker_wait_deadline_ms;

  /* STOPPING */
  enum stop_step stop_step;
  struct event *stop_ev; /* the current step's deadline */

  int exit_status;
  bool wrote_pid_file;

  /* Crash accounting for respawn_throttle_threshold. */
  long long *crash_times_ms; /* ring of the last `threshold` crash times */
  int crash_ring_len, crash_next;
  long long emergency_until_ms;
  unsigned long crashes, recycled, terminated;

  /* pm = dynamic | ondemand (master_pm.c) */
  struct event *pm_watch[PM_WATCHED]; /* the fds watched while pm_watching */
  bool pm_watching;
  int pm_backoff_ms;          /* the next start's delay after a crash (as a position's backoff_ms) */
  long long pm_not_before_ms; /* no worker starts before this (a crash's back-off) */

  struct event *tick_ev;
  unsigned long ticks;
  long long watchdog_ms, last_watchdog_ms;
  long long last_status_ms;
  unsigned long last_status_accepted;

  /* Set by signal callbacks, acted on by the loop. */
  volatile bool got_term, got_quit, got_child, got_usr1, got_hup, got_usr2;
  char first_change[256];  /* the first file the watcher saw change since the last reload ("" none) */
  bool migrations_changed; /* ... one in migrations/ among them: the broker restarts too, applying them */
  bool app_changed;        /* the changes settled: reload once no reload runs */
};

/* master.c */
void master_add_timer_ms(struct event *ev, int delay_ms);
void master_listeners_close(struct listeners *l, const struct jsfpm_config *cfg);
/* Creates the access and slow logs of CFG and hands them to the children's user. */
void master_prepare_worker_logs(struct master *m, const struct jsfpm_config *cfg);

/* master_children.c */
/* Forks a worker for position INDEX of generation GEN.  Returns its proc,
 * or NULL (logged). */
struct proc *children_spawn_worker(struct master *m, struct jsfpm_config *cfg, unsigned gen, int index,
                                   const struct listeners *lis, struct js_cache *js_cache);
int children_spawn_broker(struct master *m);
/* Cluster mode: forks this host's dqlite node process.  Returns 0 or -1 (logged). */
int children_spawn_node(struct master *m);
void children_clear_note_pipe(struct proc *p);
/* Reaps every child that exited and acts on it (respawn, reload abort...). */
void children_reap(struct master *m);
void children_on_respawn_timer(evutil_socket_t fd, short what, void *arg);
void children_on_broker_respawn(evutil_socket_t fd, short what, void *arg);
void children_on_node_respawn(evutil_socket_t fd, short what, void *arg);
void children_on_tick(evutil_socket_t fd, short what, void *arg);
/* Whether position INDEX of generation GEN has a LOADING or SERVING worker. */
bool children_position_has_worker(const struct master *m, unsigned gen, int index);
/* Tells P to finish its requests and exit (signal SIG), with a deadline. */
void children_retire(struct master *m, struct proc *p, int sig);
/* Tells systemd the master serves (READY=1 and a status line). */
void children_notify_ready(struct master *m);
/* STARTING -> SERVING: the first generation is ready. */
void children_first_generation_ready(struct master *m);
/* SIG to every worker. */
void children_signal(struct master *m, int sig);
int children_live_workers(const struct master *m);
int children_live(const struct master *m); /* workers and the broker (not the cluster node) */
long long children_rss_bytes(pid_t pid);   /* -1 if unknown */

/* master_reload.c */
void reload_begin(struct master *m);
void reload_commit(struct master *m);
void reload_abort(struct master *m, const char *why);
void reload_warn_timeouts(const struct jsfpm_config *cfg);
/* preload = yes: compiles the app (see master_reload.c).  Returns -1 (ERR) when it cannot serve. */
int reload_preload_app(const struct jsfpm_config *cfg, struct js_cache **cache, char *err, size_t errlen);

/* master_pm.c */
/* SERVING with pm = dynamic or ondemand: applies pm.c's decision to the
 * serving generation (each tick, and when a generation begins to serve);
 * otherwise stops watching the doors. */
void pm_manage(struct master *m);
/* Stops watching the doors (before their sockets close, or a stop). */
void pm_watch_stop(struct master *m);

/* master_status.c */
/* Serves the status page on [server] status_listen, if set.  Returns -1 (logged) on failure. */
int status_page_open(struct master *m);

#endif
