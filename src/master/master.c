/* master.c: the master process.
 *
 * The master never runs JavaScript and never opens the database.  It binds
 * every listening socket (FastCGI, HTTP, status, the broker's private
 * socket), forks the broker and the workers, and supervises them.  Signal
 * handlers only set flags (libevent's evsignal does the async-signal-safe
 * part); all work happens in master_run's loop, which reads top to bottom:
 *
 *   wait for an event -> reap children -> stop? -> reload? -> reopen logs?
 *
 * and in a 100 ms maintenance tick (master_tick) that reads the scoreboard:
 * request_terminate_timeout, recycling (max_requests, max_age, max_rss),
 * reload and retirement deadlines, systemd status and watchdog.
 *
 * Workers belong to a generation.  A reload (HUP) starts a complete new
 * generation with the new configuration on the SAME listening sockets (they
 * are never closed or rebound, so no connection is refused); only when every
 * new worker has loaded the app are the old ones told to finish (QUIT).  If
 * a new worker fails, the new generation is stopped and the old one keeps
 * serving.  Recycling a single worker follows the same rule: the replacement
 * is started first, the old worker retires once it is ready.
 *
 * The lifecycle is a state machine: the master's phase (enum master_phase),
 * each worker's state (enum proc_state) and the broker's (enum
 * broker_state).  Every transition, and the function that performs it:
 *
 *   master phase          event                             function
 *   STARTING -> SERVING   every first-generation worker ready worker_ready
 *   SERVING -> RELOADING  HUP with a configuration that loads reload_begin
 *   RELOADING -> SERVING  the new generation is ready        reload_commit
 *   RELOADING -> SERVING  a new worker failed, or the timeout reload_abort
 *   any -> STOPPING       TERM/INT/QUIT, or a start-up failure stop_begin
 *   STOPPING -> (exit)    the last stop step is done         stop_advance
 *
 *   worker state          event                             function
 *   FREE -> LOADING       forked                            spawn_worker
 *   LOADING -> SERVING    WORKER_NOTE_READY on its pipe     worker_ready
 *   LOADING, SERVING -> RETIRING  told to finish (QUIT/TERM) retire
 *   any -> FREE           reaped                            worker_exited
 *
 *   broker state          event                             function
 *   DOWN -> RUNNING       forked                            spawn_broker
 *   RUNNING -> RESTARTING TERMed for new [database] settings master_tick
 *   RUNNING, RESTARTING -> DOWN  reaped                     broker_exited
 *
 * While STARTING, the master first waits for the broker to answer a ping
 * (on_broker_wait, a timer) and then forks the workers; while STOPPING, it
 * escalates through enum stop_step on a timer (on_stop_timer).  Both waits
 * run inside the event loop, so the status page answers and signals are
 * acted on throughout.
 *
 * Invariants (master_check, asserted on every turn of the loop):
 * 1. procs[i] describes the process owning scoreboard slot i; it is not
 *    FREE exactly while that process has not been reaped.
 * 2. A reload is in progress (next_gen != 0, next_cfg set) in RELOADING,
 *    and in no other phase but STOPPING (a stop that cut a reload short).
 * 3. While STARTING, no worker belongs to another generation than the first.
 * 4. While SERVING or RELOADING, a worker position (0..workers-1) of the
 *    serving generation with no LOADING or SERVING process has its respawn
 *    timer pending.
 * 5. The broker is DOWN exactly when it has no pid; while SERVING or
 *    RELOADING a DOWN broker has its respawn timer pending.
 */
#include "autoconfig.h"

#include "master.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "broker.h"
#include "clock.h"
#include "config.h"
#include "db_client.h"
#include "db_proto.h"
#include "js_compile.h"
#include "log.h"
#include "privileges.h"
#include "safefile.h"
#include "scoreboard.h"
#include "sock.h"
#include "status.h"
#include "systemd.h"
#include "worker.h"
#include "worker_handoff.h"
#include "worker_js.h"

#define BROKER_START_TIMEOUT_MS 60000 /* migrations may take a while */
#define BROKER_PING_TIMEOUT_MS 250    /* start-up: one ping waits this long for the broker's answer */
#define BROKER_PING_EVERY_MS 20       /* start-up: pause between pings */
#define RELOAD_TIMEOUT_MS 60000       /* a new generation must be ready within this */
#define STOP_TIMEOUT_MS 1500          /* fast stop: TERM, then KILL after this */
#define BACKOFF_MAX_MS 30000
#define STABLE_AFTER_MS 10000         /* a child that lived this long resets its back-off */
#define TICK_MS 100                   /* maintenance tick */
#define RSS_EVERY_TICKS 10            /* max_rss is checked once a second */
#define STATUS_BROKER_TIMEOUT_MS 250  /* the status page does not wait longer for broker stats */
#define MAX_POSITIONS 1024            /* [server] workers upper bound */

struct master;

/* The master's phase (transitions: the table at the top). */
enum master_phase {
  MASTER_STARTING,  /* the broker, then the first generation, are starting: failures are fatal */
  MASTER_SERVING,
  MASTER_RELOADING, /* a new generation is starting beside the serving one */
  MASTER_STOPPING,  /* stopping the children step by step (enum stop_step) */
};

/* The steps of a stop, in order; each waits for its processes to exit, at
 * most until its deadline on stop_ev.  The broker goes last so in-flight
 * requests can still reach the database. */
enum stop_step {
  STOP_QUIT_WORKERS, /* graceful stop: workers finish their requests (process_control_timeout) */
  STOP_TERM_WORKERS, /* TERM to the workers (STOP_TIMEOUT_MS) */
  STOP_KILL_WORKERS, /* KILL to the workers still alive (STOP_TIMEOUT_MS) */
  STOP_TERM_BROKER,  /* TERM to the broker (STOP_TIMEOUT_MS) */
  STOP_KILL_BROKER,  /* KILL to the broker still alive (STOP_TIMEOUT_MS) */
  STOP_DONE,         /* the loop ends */
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
  BROKER_DOWN,       /* no process; its respawn timer may be pending */
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
  int backoff_ms;             /* next respawn delay after a crash */
  long long last_start_ms;    /* when a process for it last started */
  long long not_before_ms;    /* no recycling replacement before this (failed replacements back off) */
  struct event *respawn_ev;
};

struct broker_proc {
  enum broker_state state;
  pid_t pid;                  /* 0 = not running */
  long long started_ms;
  int backoff_ms;
  struct event *respawn_ev;
};

/* The sockets one generation of workers serves. */
struct listeners {
  int fcgi_fd;
  int http_fd;                /* -1 = no HTTP door */
  bool fcgi_unix_owned;       /* we created the unix socket file: unlink it when done */
};

struct master {
  struct jsfpm_config *cfg;   /* of the serving generation */
  struct event_base *base;
  pid_t pid;                  /* the master's: children check they still have it */
  struct privileges priv;
  struct scoreboard *sb;
  struct proc procs[SCOREBOARD_SLOTS];
  struct position positions[MAX_POSITIONS];
  struct broker_proc broker;
  struct listeners lis;       /* serving generation's */
  struct js_cache *js_cache;  /* serving generation's compiled app (preload = yes), or NULL */
  bool socket_activated;      /* the FastCGI socket came from systemd */
  int broker_fd;
  int handoff[2];             /* the workers' hand-off queue (worker_handoff.h); kept for every generation */
  char *broker_path;
  struct evhttp *status_http;
  int status_fd;

  unsigned gen;               /* serving generation */
  unsigned last_gen;          /* highest generation number handed out */
  enum master_phase phase;
  /* A reload in progress (RELOADING): next_gen != 0. */
  unsigned next_gen;
  struct jsfpm_config *next_cfg;
  struct listeners next_lis;
  struct js_cache *next_js_cache;
  long long reload_deadline_ms;
  bool restart_broker_after_reload;

  /* STARTING: the wait for the broker's first answer. */
  struct event *broker_wait_ev;
  struct db_client *broker_ping;
  long long broker_wait_deadline_ms;

  /* STOPPING */
  enum stop_step stop_step;
  struct event *stop_ev;      /* the current step's deadline */

  int exit_status;
  bool wrote_pid_file;

  /* Crash accounting for respawn_throttle_threshold. */
  long long *crash_times_ms;  /* ring of the last `threshold` crash times */
  int crash_ring_len, crash_next;
  long long emergency_until_ms;
  unsigned long crashes, recycled, terminated;

  struct event *tick_ev;
  unsigned long ticks;
  long long watchdog_ms, last_watchdog_ms;
  long long last_status_ms;
  unsigned long last_status_accepted;

  /* Set by signal callbacks, acted on by the loop. */
  volatile bool got_term, got_quit, got_child, got_usr1, got_hup, got_usr2;
};

static void prepare_worker_logs(struct master *m, const struct jsfpm_config *cfg);

static void on_signal(evutil_socket_t sig, short what, void *arg) {
  (void)what;
  struct master *m = arg;
  switch (sig) {
  case SIGTERM:
  case SIGINT: m->got_term = true; break;
  case SIGQUIT: m->got_quit = true; break;
  case SIGCHLD: m->got_child = true; break;
  case SIGUSR1: m->got_usr1 = true; break;
  case SIGUSR2: m->got_usr2 = true; break;
  case SIGHUP: m->got_hup = true; break;
  default: break;
  }
  event_base_loopbreak(m->base);
}

/* ---- files and sockets -------------------------------------------------- */

/* Creates the parents of DIR that are missing, mode 0755 (like mkdir -p):
 * the default runtime_dir is /run/jsfpm/private, and /run/jsfpm exists only
 * where systemd's RuntimeDirectory= made it. */
static int make_parents(const char *dir) {
  char path[PATH_MAX];
  if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) return -1;
  for (char *p = path + 1; (p = strchr(p, '/')) != NULL; p++) {
    *p = '\0';
    if (mkdir(path, 0755) < 0 && errno != EEXIST) return -1;
    *p = '/';
  }
  return 0;
}

static int make_runtime_dir(const char *dir) {
  if (make_parents(dir) < 0) {
    log_error("runtime_dir %s: cannot create its parent directories: %s", dir, strerror(errno));
    return -1;
  }
  if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
    log_error("runtime_dir %s: cannot create: %s", dir, strerror(errno));
    return -1;
  }
  /* Checked and changed through a descriptor, never by name: after a run
   * the directory belongs to the children's user. */
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    log_error("runtime_dir %s: %s", dir,
              errno == ENOTDIR || errno == ELOOP ? "not a directory (or a symbolic link)" : strerror(errno));
    return -1;
  }
  struct stat st;
  int rc = 0;
  if (fstat(fd, &st) < 0) {
    log_error("runtime_dir %s: %s", dir, strerror(errno));
    rc = -1;
  } else if ((st.st_mode & 077) != 0 && st.st_uid == geteuid() && fchmod(fd, 0700) < 0) {
    /* The broker socket's safety rests on this directory being private. */
    log_error("runtime_dir %s: cannot make it private: %s", dir, strerror(errno));
    rc = -1;
  }
  close(fd);
  return rc;
}

static int write_pid_file(const char *path) {
  char buf[32], why[256];
  int len = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
  int fd = safefile_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644, why, sizeof why);
  if (fd < 0) {
    log_error("pid_file %s: %s", path, why);
    return -1;
  }
  if (write(fd, buf, (size_t)len) != len) {
    log_error("pid_file %s: %s", path, strerror(errno));
    close(fd);
    return -1;
  }
  return close(fd);
}

/* Binds the FastCGI and HTTP sockets CFG names into L.  Returns 0 or -1
 * (logged; whatever was bound is closed). */
static int listeners_open(struct listeners *l, const struct jsfpm_config *cfg) {
  char err[512];
  l->http_fd = -1;
  l->fcgi_fd = sock_listen(cfg->listen, cfg->listen_backlog, cfg->listen_mode, cfg->listen_owner,
                           cfg->listen_group, err, sizeof err);
  if (l->fcgi_fd < 0) {
    log_error("listen: %s", err);
    return -1;
  }
  l->fcgi_unix_owned = sock_spec_is_unix(cfg->listen);
  if (cfg->http_listen != NULL) {
    l->http_fd = sock_listen(cfg->http_listen, cfg->listen_backlog, 0600, NULL, NULL, err, sizeof err);
    if (l->http_fd < 0) {
      log_error("http_listen: %s", err);
      return -1;
    }
  }
  return 0;
}

static void listeners_close(struct listeners *l, const struct jsfpm_config *cfg) {
  if (l->fcgi_fd >= 0) {
    close(l->fcgi_fd);
    if (l->fcgi_unix_owned && cfg) unlink(cfg->listen);
  }
  if (l->http_fd >= 0) close(l->http_fd);
  l->fcgi_fd = l->http_fd = -1;
  l->fcgi_unix_owned = false;
}

/* ---- spawning ------------------------------------------------------------ */

/* Forks with every signal blocked.  The child inherits libevent's signal
 * handlers, which write to a socketpair the MASTER reads: a signal meant
 * for the child (say the SIGTERM of an aborted reload) caught there before
 * child_after_fork resets them would look to the master like its own
 * SIGTERM.  Blocked, it waits until the child has default handlers. */
static pid_t fork_blocked(void) {
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  pid_t pid = fork();
  if (pid != 0) sigprocmask(SIG_SETMASK, &old, NULL);
  return pid;
}

/* In a child from fork_blocked: forget the master's event loop without
 * touching the epoll instance the master still uses (event_reinit gives the
 * child its own backend first), restore default signal handling, unblock
 * signals, close what only the master uses, drop privileges and arrange to
 * get DEATH_SIGNAL when the master dies.  Exits on failure. */
static void child_after_fork(struct master *m, const struct listeners *keep, int death_signal) {
  event_reinit(m->base);
  event_base_free(m->base);
  m->base = NULL;
  static const int sigs[] = {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2, SIGCHLD, SIGPIPE};
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], SIG_DFL);
  signal(SIGPIPE, SIG_IGN);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  if (m->status_fd >= 0) close(m->status_fd);
  /* Listening sockets of the other generation (during a reload) are not ours. */
  const struct listeners *all[2] = {&m->lis, &m->next_lis};
  for (int i = 0; i < 2; i++) {
    if (all[i]->fcgi_fd >= 0 && (keep == NULL || all[i]->fcgi_fd != keep->fcgi_fd)) close(all[i]->fcgi_fd);
    if (all[i]->http_fd >= 0 && (keep == NULL || all[i]->http_fd != keep->http_fd)) close(all[i]->http_fd);
  }
  /* Nor are the other workers' pipes to the master. */
  for (int i = 0; i < SCOREBOARD_SLOTS; i++)
    if (m->procs[i].state != PROC_FREE && m->procs[i].note_pipe >= 0) close(m->procs[i].note_pipe);
  if (privileges_drop(&m->priv) < 0) _exit(1);
  /* If the master dies, children must not serve on unsupervised.  Set after
   * the uid change, which clears it; a master that died before this line
   * is seen by the parent check (against its pid: with a subreaper, an
   * orphan's new parent is not pid 1). */
  if (prctl(PR_SET_PDEATHSIG, death_signal) < 0) _exit(1);
  if (getppid() != m->pid) _exit(1);
}

static void proc_clear_note_pipe(struct proc *p) {
  if (p->note_ev) {
    event_free(p->note_ev);
    p->note_ev = NULL;
  }
  if (p->note_pipe >= 0) {
    close(p->note_pipe);
    p->note_pipe = -1;
  }
}

static void on_worker_note(evutil_socket_t fd, short what, void *arg);

static unsigned long pick_max_requests(const struct jsfpm_config *cfg) {
  if (cfg->max_requests <= 0) return 0;
  unsigned long limit = (unsigned long)cfg->max_requests;
  if (cfg->max_requests_jitter > 0) {
    unsigned r = 0;
    if (getrandom(&r, sizeof r, GRND_NONBLOCK) != sizeof r) r = (unsigned)clock_mono_ms();
    limit += r % ((unsigned)cfg->max_requests_jitter + 1);
  }
  return limit;
}

/* Forks a worker for position INDEX of generation GEN.  Returns its proc,
 * or NULL (logged). */
static struct proc *spawn_worker(struct master *m, struct jsfpm_config *cfg, unsigned gen, int index,
                                 const struct listeners *lis, struct js_cache *js_cache) {
  int slot = scoreboard_claim(m->sb, gen, index);
  if (slot < 0) {
    log_error("scoreboard full: cannot start worker %d", index);
    return NULL;
  }
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) < 0) {
    log_error("pipe: %s", strerror(errno));
    scoreboard_release(m->sb, slot);
    return NULL;
  }
  unsigned long max_requests = pick_max_requests(cfg);
  pid_t pid = fork_blocked();
  if (pid < 0) {
    log_error("fork: %s", strerror(errno));
    close(pipefd[0]);
    close(pipefd[1]);
    scoreboard_release(m->sb, slot);
    return NULL;
  }
  if (pid == 0) {
    close(pipefd[0]);
    close(m->broker_fd);
    /* SIGKILL: a worker in the middle of JavaScript handles no signal
     * until its request ends, which may be never. */
    child_after_fork(m, lis, SIGKILL);
    struct worker_args args = {.cfg = cfg, .fcgi_fd = lis->fcgi_fd, .http_fd = lis->http_fd,
                               .handoff_send_fd = m->handoff[HANDOFF_SEND],
                               .handoff_receive_fd = m->handoff[HANDOFF_RECEIVE],
                               .broker_path = m->broker_path, .master_fd = pipefd[1],
                               .slot = index, .sb = m->sb, .sb_slot = slot,
                               .max_requests = max_requests, .js_cache = js_cache};
    int status = worker_main(&args);
    log_close();
    exit(status);
  }
  close(pipefd[1]);
  m->sb->slots[slot].pid = pid;
  struct proc *p = &m->procs[slot];
  *p = (struct proc){.state = PROC_LOADING, .pid = pid, .generation = gen, .index = index,
                     .replaced_by = -1, .replaces = -1, .max_requests = max_requests,
                     .started_ms = clock_mono_ms(), .note_pipe = pipefd[0], .m = m};
  p->note_ev = event_new(m->base, pipefd[0], EV_READ | EV_PERSIST, on_worker_note, p);
  if (p->note_ev == NULL || event_add(p->note_ev, NULL) < 0)
    log_error("cannot watch worker %d's pipe", index); /* it will serve; we just won't know */
  if (index < MAX_POSITIONS) m->positions[index].last_start_ms = p->started_ms;
  log_info("worker %d started, pid %ld (generation %u)", index, (long)pid, gen);
  return p;
}

static int spawn_broker(struct master *m) {
  pid_t pid = fork_blocked();
  if (pid < 0) {
    log_error("fork: %s", strerror(errno));
    return -1;
  }
  if (pid == 0) {
    close(m->handoff[HANDOFF_SEND]);
    close(m->handoff[HANDOFF_RECEIVE]);
    /* The broker's loop never runs app code: it stops as on a fast stop. */
    child_after_fork(m, NULL, SIGTERM);
    int status = broker_main(m->cfg, m->broker_fd);
    log_close();
    exit(status);
  }
  m->broker.pid = pid;
  m->broker.state = BROKER_RUNNING;
  m->broker.started_ms = clock_mono_ms();
  log_info("broker started, pid %ld", (long)pid);
  return 0;
}

/* ---- generations ---------------------------------------------------------- */

/* True when every position 0..WORKERS-1 of GEN has a ready, non-retiring worker. */
static bool generation_ready(const struct master *m, unsigned gen, int workers) {
  static bool seen[MAX_POSITIONS];
  memset(seen, 0, sizeof seen);
  int n = 0;
  for (int i = 0; i < SCOREBOARD_SLOTS; i++) {
    const struct proc *p = &m->procs[i];
    if (p->state != PROC_SERVING || p->generation != gen || p->index >= workers) continue;
    if (!seen[p->index]) seen[p->index] = true, n++;
  }
  return n >= workers;
}

static bool position_has_worker(const struct master *m, unsigned gen, int index) {
  for (int i = 0; i < SCOREBOARD_SLOTS; i++) {
    const struct proc *p = &m->procs[i];
    if ((p->state == PROC_LOADING || p->state == PROC_SERVING) && p->generation == gen && p->index == index)
      return true;
  }
  return false;
}

/* Tells P to finish its requests and exit (SIGQUIT), with a deadline. */
static void retire(struct master *m, struct proc *p, int sig) {
  if (p->state == PROC_RETIRING) return;
  p->state = PROC_RETIRING;
  p->kill_at_ms = m->cfg->process_control_timeout_ms > 0 ? clock_mono_ms() + m->cfg->process_control_timeout_ms : 0;
  if (kill(p->pid, sig) < 0 && errno != ESRCH) log_error("kill %ld: %s", (long)p->pid, strerror(errno));
}

static void notify_ready(struct master *m) {
  int idle = 0;
  for (int i = 0; i < SCOREBOARD_SLOTS; i++)
    idle += m->procs[i].state == PROC_LOADING || m->procs[i].state == PROC_SERVING;
  systemd_notifyf("READY=1\nSTATUS=serving: %d workers, generation %u", idle, m->gen);
}

static void reload_commit(struct master *m) {
  log_notice("reload: generation %u is ready; generation %u finishes its requests and exits",
             m->next_gen, m->gen);
  for (int i = 0; i < SCOREBOARD_SLOTS; i++) {
    struct proc *p = &m->procs[i];
    if (p->state != PROC_FREE && p->generation != m->next_gen) retire(m, p, SIGQUIT);
  }
  for (int i = 0; i < MAX_POSITIONS; i++) {
    event_del(m->positions[i].respawn_ev);
    m->positions[i].backoff_ms = 0;
  }
  struct jsfpm_config *old = m->cfg;
  bool log_changed = (old->error_log == NULL) != (m->next_cfg->error_log == NULL) ||
                     (old->error_log && strcmp(old->error_log, m->next_cfg->error_log) != 0) ||
                     old->log_level != m->next_cfg->log_level;
  /* Old workers keep their own copies of the old sockets until they exit:
   * the master's copies can go now.  Sockets that did not change are shared. */
  if (m->next_lis.fcgi_fd != m->lis.fcgi_fd) listeners_close(&(struct listeners){m->lis.fcgi_fd, -1, m->lis.fcgi_unix_owned}, old);
  if (m->next_lis.http_fd != m->lis.http_fd && m->lis.http_fd >= 0) close(m->lis.http_fd);
  m->lis = m->next_lis;
  m->next_lis = (struct listeners){-1, -1, false};
  m->cfg = m->next_cfg;
  m->next_cfg = NULL;
  js_cache_free(m->js_cache); /* the old workers have their own copies */
  m->js_cache = m->next_js_cache;
  m->next_js_cache = NULL;
  m->gen = m->next_gen;
  m->next_gen = 0;
  m->phase = MASTER_SERVING;
  config_free(old);
  free(old);
  if (log_changed) {
    if (log_open(m->cfg->error_log, (enum log_level)m->cfg->log_level) < 0)
      log_error("reload: logging on to the previous log");
    else privileges_give(&m->priv, m->cfg->error_log);
  }
  log_notice("reload complete: generation %u serving with %d workers", m->gen, m->cfg->workers);
  notify_ready(m);
}

static void reload_abort(struct master *m, const char *why) {
  log_error("reload failed: %s; generation %u keeps serving with the previous configuration", why, m->gen);
  for (int i = 0; i < SCOREBOARD_SLOTS; i++) {
    struct proc *p = &m->procs[i];
    if (p->state != PROC_FREE && p->generation == m->next_gen) retire(m, p, SIGTERM);
  }
  struct listeners l = m->next_lis;
  if (l.fcgi_fd == m->lis.fcgi_fd) l.fcgi_fd = -1;
  if (l.http_fd == m->lis.http_fd) l.http_fd = -1;
  listeners_close(&l, m->next_cfg);
  m->next_lis = (struct listeners){-1, -1, false};
  config_free(m->next_cfg);
  free(m->next_cfg);
  m->next_cfg = NULL;
  js_cache_free(m->next_js_cache);
  m->next_js_cache = NULL;
  m->next_gen = 0;
  m->phase = MASTER_SERVING;
  m->restart_broker_after_reload = false;
  notify_ready(m);
}

static bool str_differs(const char *a, const char *b) {
  return (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0);
}

/* Settings the running master cannot apply: warn and keep the old value. */
static void keep_restart_only(const struct jsfpm_config *old, struct jsfpm_config *fresh) {
  static const struct {
    const char *name;
    size_t offset;
  } keys[] = {
      {"user", offsetof(struct jsfpm_config, user)},
      {"group", offsetof(struct jsfpm_config, group)},
      {"runtime_dir", offsetof(struct jsfpm_config, runtime_dir)},
      {"pid_file", offsetof(struct jsfpm_config, pid_file)},
      {"status_listen", offsetof(struct jsfpm_config, status_listen)},
  };
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    char **o = (char **)((char *)old + keys[i].offset);
    char **n = (char **)((char *)fresh + keys[i].offset);
    if (!str_differs(*o, *n)) continue;
    log_warn("reload: [server] %s changed; it takes effect only after a restart", keys[i].name);
    free(*n);
    *n = *o ? strdup(*o) : NULL;
  }
  if (old->allow_root != fresh->allow_root) {
    log_warn("reload: [server] allow_root changed; it takes effect only after a restart");
    fresh->allow_root = old->allow_root;
  }
}

/* request_terminate_timeout is the last resort behind request_timeout:
 * at or below it (plus the workers' own grace for a stuck native call),
 * the master would kill workers whose requests the time limit answers 504. */
static void warn_timeouts(const struct jsfpm_config *cfg) {
  int terminate = cfg->request_terminate_timeout_ms, limit = cfg->request_timeout_ms;
  if (terminate > 0 && terminate <= limit + JS_OVERRUN_GRACE_MS)
    log_warn("[server] request_terminate_timeout (%d ms) is not above [app] request_timeout (%d ms) + "
             "%d ms: the master will kill workers whose requests would have been answered 504; raise it",
             terminate, limit, JS_OVERRUN_GRACE_MS);
}

/* HUP: read and check the configuration, then start a new generation. */
static void reload_begin(struct master *m) {
  switch (m->phase) {
  case MASTER_SERVING: break;
  case MASTER_RELOADING:
    log_warn("reload requested while generation %u is still starting: ignored", m->next_gen);
    return;
  case MASTER_STARTING:
    log_warn("reload requested before the first generation is ready: ignored");
    return;
  case MASTER_STOPPING:
    log_warn("reload requested while stopping: ignored");
    return;
  }
  log_notice("reload requested: reading %s", m->cfg->file);
  struct jsfpm_config *fresh = calloc(1, sizeof *fresh);
  char err[1024];
  if (fresh == NULL || config_load(fresh, m->cfg->file, err, sizeof err) < 0) {
    if (fresh == NULL) snprintf(err, sizeof err, "out of memory");
    log_error("reload failed: %s; generation %u keeps serving with the previous configuration", err,
              m->gen);
    if (fresh) config_free(fresh);
    free(fresh);
    return;
  }
  for (size_t i = 0; i < fresh->nwarnings; i++) log_warn("reload: %s", fresh->warnings[i]);
  keep_restart_only(m->cfg, fresh);
  warn_timeouts(fresh);
  /* preload = yes: compile the new app here, once; a syntax error fails
   * the reload before anything is forked. */
  struct js_cache *cache = NULL;
  if (fresh->preload && (cache = js_cache_build(fresh, err, sizeof err)) == NULL) {
    log_error("reload failed: %s; generation %u keeps serving with the previous app", err, m->gen);
    config_free(fresh);
    free(fresh);
    return;
  }
  m->restart_broker_after_reload = !config_section_equal(m->cfg, fresh, "database");

  /* Same addresses: the same sockets.  Changed ones are bound now, while
   * the old ones keep serving. */
  struct listeners next = m->lis;
  bool fcgi_changed = str_differs(m->cfg->listen, fresh->listen) ||
                      m->cfg->listen_backlog != fresh->listen_backlog;
  if (m->socket_activated && fcgi_changed) {
    log_warn("reload: [server] listen is ignored: the FastCGI socket comes from systemd");
    fcgi_changed = false;
  }
  if (fcgi_changed) {
    char e[512];
    next.fcgi_fd = sock_listen(fresh->listen, fresh->listen_backlog, fresh->listen_mode,
                               fresh->listen_owner, fresh->listen_group, e, sizeof e);
    next.fcgi_unix_owned = sock_spec_is_unix(fresh->listen);
    if (next.fcgi_fd < 0) {
      log_error("reload failed: listen: %s; generation %u keeps serving", e, m->gen);
      js_cache_free(cache);
      config_free(fresh);
      free(fresh);
      return;
    }
  }
  if (str_differs(m->cfg->http_listen, fresh->http_listen)) {
    next.http_fd = -1;
    if (fresh->http_listen) {
      char e[512];
      next.http_fd = sock_listen(fresh->http_listen, fresh->listen_backlog, 0600, NULL, NULL, e, sizeof e);
      if (next.http_fd < 0) {
        log_error("reload failed: http_listen: %s; generation %u keeps serving", e, m->gen);
        if (fcgi_changed) listeners_close(&(struct listeners){next.fcgi_fd, -1, next.fcgi_unix_owned}, fresh);
        js_cache_free(cache);
        config_free(fresh);
        free(fresh);
        return;
      }
    }
  }
  prepare_worker_logs(m, fresh);
  m->next_lis = next;
  m->next_cfg = fresh;
  m->next_js_cache = cache;
  m->next_gen = ++m->last_gen;
  m->phase = MASTER_RELOADING;
  m->reload_deadline_ms = clock_mono_ms() + RELOAD_TIMEOUT_MS;
  systemd_notifyf("RELOADING=1\nMONOTONIC_USEC=%lld\nSTATUS=reloading: starting generation %u",
                  clock_mono_ms() * 1000, m->next_gen);
  log_notice("reload: starting generation %u (%d workers)", m->next_gen, fresh->workers);
  for (int i = 0; i < fresh->workers; i++) {
    if (spawn_worker(m, fresh, m->next_gen, i, &m->next_lis, m->next_js_cache) == NULL) {
      reload_abort(m, "cannot start a new worker");
      return;
    }
  }
}

/* The worker said it has loaded the app and serves. */
static void worker_ready(struct master *m, struct proc *p) {
  p->state = PROC_SERVING;
  if (p->replaces >= 0) {
    struct proc *old = &m->procs[p->replaces];
    log_info("worker %d (pid %ld) replaced by pid %ld (%s)", old->index, (long)old->pid,
             (long)p->pid, old->recycle_reason ? old->recycle_reason : "recycled");
    old->replaced_by = -1;
    p->replaces = -1;
    retire(m, old, SIGQUIT);
  }
  if (m->phase == MASTER_STARTING && p->generation == m->gen && generation_ready(m, m->gen, m->cfg->workers)) {
    m->phase = MASTER_SERVING;
    log_notice("ready: %d workers serving FastCGI on %s%s%s", m->cfg->workers, m->cfg->listen,
               m->cfg->http_listen ? " and HTTP on " : "", m->cfg->http_listen ? m->cfg->http_listen : "");
    notify_ready(m);
  }
  if (m->phase == MASTER_RELOADING && p->generation == m->next_gen &&
      generation_ready(m, m->next_gen, m->next_cfg->workers))
    reload_commit(m);
}

static void check_worker(struct master *m, struct proc *p, long long now, bool check_rss);

/* A worker's pipe to us: a byte per event (WORKER_NOTE_*).  A pipe, not a
 * signal: a worker running as another user may not signal a root master.
 * End of file: the worker exited (the reaper handles that). */
static void on_worker_note(evutil_socket_t fd, short what, void *arg) {
  (void)what;
  struct proc *p = arg;
  struct master *m = p->m;
  char notes[16];
  ssize_t n;
  do
    n = read(fd, notes, sizeof notes);
  while (n < 0 && errno == EINTR);
  if (n <= 0) {
    if (n < 0) log_warn("worker %d (pid %ld): reading its pipe: %s", p->index, (long)p->pid, strerror(errno));
    proc_clear_note_pipe(p);
    return;
  }
  for (ssize_t i = 0; i < n; i++) {
    if (notes[i] == WORKER_NOTE_READY && p->state == PROC_LOADING) worker_ready(m, p);
    /* Act now rather than at the next tick: the worker accepts no more. */
    else if (notes[i] == WORKER_NOTE_MAX_REQUESTS) check_worker(m, p, clock_mono_ms(), false);
    else log_warn("worker %d (pid %ld) sent an unknown note 0x%02x", p->index, (long)p->pid, (unsigned char)notes[i]);
  }
}

/* ---- crashes and respawning -------------------------------------------------- */

/* Records a crash.  When respawn_throttle_threshold crashes fall within
 * respawn_throttle_interval, says so loudly and enters the emergency
 * window, during which next_respawn_delay slows every respawn down. */
static void note_crash(struct master *m) {
  m->crashes++;
  int threshold = m->cfg->respawn_throttle_threshold;
  if (threshold <= 0) return;
  if (m->crash_ring_len != threshold) {
    free(m->crash_times_ms);
    m->crash_times_ms = calloc((size_t)threshold, sizeof *m->crash_times_ms);
    m->crash_ring_len = m->crash_times_ms ? threshold : 0;
    m->crash_next = 0;
    if (m->crash_ring_len == 0) return;
  }
  long long now = clock_mono_ms();
  /* The slot we overwrite holds the crash `threshold` crashes ago. */
  long long oldest = m->crash_times_ms[m->crash_next];
  m->crash_times_ms[m->crash_next] = now;
  m->crash_next = (m->crash_next + 1) % threshold;
  if (oldest != 0 && now - oldest <= m->cfg->respawn_throttle_interval_ms) {
    if (now >= m->emergency_until_ms)
      log_error("EMERGENCY: %d children crashed within %d ms (respawn_throttle_threshold): "
                "respawning slowed down until this stops; look at the errors above",
                threshold, m->cfg->respawn_throttle_interval_ms);
    m->emergency_until_ms = now + m->cfg->respawn_throttle_interval_ms;
  }
}

/* Delay before the next respawn of something that died; doubles per crash
 * up to BACKOFF_MAX_MS, resets after STABLE_AFTER_MS of life, and never
 * drops below interval/threshold during an emergency. */
static int next_respawn_delay(struct master *m, int *backoff_ms, long long started_ms, bool crashed) {
  if (!crashed || clock_mono_ms() - started_ms >= STABLE_AFTER_MS) *backoff_ms = 0;
  int delay = *backoff_ms;
  *backoff_ms = delay == 0 ? m->cfg->respawn_delay_ms : delay * 2;
  if (*backoff_ms > BACKOFF_MAX_MS) *backoff_ms = BACKOFF_MAX_MS;
  if (clock_mono_ms() < m->emergency_until_ms) {
    int floor_ms = m->cfg->respawn_throttle_interval_ms / (m->cfg->respawn_throttle_threshold > 0 ? m->cfg->respawn_throttle_threshold : 1);
    if (floor_ms < 1000) floor_ms = 1000;
    if (delay < floor_ms) delay = floor_ms;
  }
  if (crashed && delay > 0) log_warn("restarting in %d ms (back-off after repeated crashes)", delay);
  return delay;
}

static void add_timer_ms(struct event *ev, int delay_ms) {
  struct timeval tv = clock_timeval(delay_ms);
  if (event_add(ev, &tv) < 0) log_error("cannot schedule a timer");
}

static void on_respawn_timer(evutil_socket_t fd, short what, void *arg) {
  (void)fd, (void)what;
  struct position *pos = arg;
  struct master *m = pos->m;
  if (m->phase == MASTER_STOPPING || pos->index >= m->cfg->workers || position_has_worker(m, m->gen, pos->index)) return;
  /* fork failed (e.g. EAGAIN): try again later rather than give up */
  if (spawn_worker(m, m->cfg, m->gen, pos->index, &m->lis, m->js_cache) == NULL) add_timer_ms(pos->respawn_ev, 1000);
}

static void on_broker_respawn(evutil_socket_t fd, short what, void *arg) {
  (void)fd, (void)what;
  struct master *m = arg;
  if (m->phase == MASTER_STOPPING || m->broker.pid != 0) return;
  if (spawn_broker(m) < 0) add_timer_ms(m->broker.respawn_ev, 1000);
}

static void describe_status(int status, char *buf, size_t len) {
  if (WIFEXITED(status)) snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
  else if (WIFSIGNALED(status))
    snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
  else snprintf(buf, len, "stopped (status 0x%x)", status);
}

static void broker_exited(struct master *m, int status) {
  char how[96];
  describe_status(status, how, sizeof how);
  bool restarting = m->broker.state == BROKER_RESTARTING;
  m->broker.pid = 0;
  m->broker.state = BROKER_DOWN;
  if (m->phase == MASTER_STOPPING) {
    log_info("broker %s", how);
    return;
  }
  if (restarting) {
    log_notice("broker %s; starting it with the new [database] settings", how);
    add_timer_ms(m->broker.respawn_ev, 0);
    return;
  }
  log_warn("broker %s", how);
  if (m->phase == MASTER_STARTING) {
    log_error("broker failed during start-up; stopping (see the messages above)");
    m->exit_status = 1;
    m->got_term = true;
    return;
  }
  bool crashed = !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  if (crashed) note_crash(m);
  add_timer_ms(m->broker.respawn_ev,
               next_respawn_delay(m, &m->broker.backoff_ms, m->broker.started_ms, crashed));
}

/* P ended itself (WORKER_EXIT_OVERRUN) with a request stuck in one native
 * call past its deadline, after answering it 504; its scoreboard SLOT
 * still describes that request. */
static void log_overrun(struct master *m, const struct proc *p, int slot) {
  struct sb_slot snap;
  scoreboard_read_slot(m->sb, slot, &snap);
  log_error("worker %d (pid %ld): request [%s] %s %s still inside one native call %lld ms after it "
            "began, past request_timeout: the worker answered 504 and ended itself; replacing it",
            p->index, (long)p->pid, snap.request_id[0] ? snap.request_id : "-", snap.request_method,
            snap.request_path, clock_mono_ms() - snap.request_start_mono_ms);
}

static void worker_exited(struct master *m, struct proc *p, int status) {
  int slot = (int)(p - m->procs);
  char how[96];
  describe_status(status, how, sizeof how);
  bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  bool load_failure = WIFEXITED(status) && WEXITSTATUS(status) == WORKER_EXIT_APP_LOAD;
  if (WIFEXITED(status) && WEXITSTATUS(status) == WORKER_EXIT_OVERRUN) {
    log_overrun(m, p, slot);
    p->terminated = true; /* like a kill by request_terminate_timeout: no crash */
    m->terminated++;
  } else if (m->phase == MASTER_STOPPING || p->state == PROC_RETIRING) log_info("worker %d (pid %ld) %s", p->index, (long)p->pid, how);
  else if (p->terminated) log_notice("worker %d (pid %ld) %s after request_terminate_timeout; replacing it", p->index, (long)p->pid, how);
  else log_warn("worker %d (pid %ld, generation %u) %s", p->index, (long)p->pid, p->generation, how);

  /* Unlink it from a replacement pair. */
  if (p->replaced_by >= 0 && m->procs[p->replaced_by].replaces == slot) m->procs[p->replaced_by].replaces = -1;
  if (p->replaces >= 0 && m->procs[p->replaces].replaced_by == slot) {
    /* A replacement that died before it was ready: the old worker serves
     * on, and recycling waits a little before trying again. */
    m->procs[p->replaces].replaced_by = -1;
    if (p->index < MAX_POSITIONS) m->positions[p->index].not_before_ms = clock_mono_ms() + 5000;
  }
  unsigned gen = p->generation;
  int index = p->index;
  bool retiring = p->state == PROC_RETIRING, terminated = p->terminated;
  long long started_ms = p->started_ms;
  proc_clear_note_pipe(p);
  p->state = PROC_FREE;
  p->pid = 0;
  scoreboard_release(m->sb, slot);

  if (m->phase == MASTER_STOPPING || retiring) return;
  if (m->phase == MASTER_RELOADING && gen == m->next_gen) {
    reload_abort(m, load_failure ? "a new worker could not load the app" : "a new worker exited");
    return;
  }
  if (gen != m->gen || index >= m->cfg->workers || index >= MAX_POSITIONS) return;
  if (m->phase == MASTER_STARTING && load_failure) {
    log_error("worker failed during start-up; stopping (see the messages above)");
    m->exit_status = 1;
    m->got_term = true;
    return;
  }
  bool crashed = !clean && !terminated;
  if (crashed) note_crash(m);
  if (position_has_worker(m, gen, index)) return; /* its replacement takes over */
  struct position *pos = &m->positions[index];
  add_timer_ms(pos->respawn_ev, next_respawn_delay(m, &pos->backoff_ms, started_ms, crashed));
}

static void reap_children(struct master *m) {
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) {
      if (pid < 0 && errno != ECHILD) log_error("waitpid: %s", strerror(errno));
      return;
    }
    if (pid == m->broker.pid) {
      broker_exited(m, status);
      continue;
    }
    for (int i = 0; i < SCOREBOARD_SLOTS; i++) {
      if (m->procs[i].state != PROC_FREE && m->procs[i].pid == pid) {
        worker_exited(m, &m->procs[i], status);
        break;
      }
    }
  }
}

/* ---- the maintenance tick ----------------------------------------------------- */

static long long read_rss_bytes(pid_t pid) {
  char path[64], buf[128];
  snprintf(path, sizeof path, "/proc/%ld/statm", (long)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = '\0';
  long size_pages, rss_pages;
  if (sscanf(buf, "%ld %ld", &size_pages, &rss_pages) != 2) return -1;
  return (long long)rss_pages * sysconf(_SC_PAGESIZE);
}

static void start_replacement(struct master *m, struct proc *p, const char *reason) {
  p->recycle_reason = reason;
  log_info("worker %d (pid %ld) reached %s: starting its replacement first", p->index, (long)p->pid, reason);
  struct proc *q = spawn_worker(m, m->cfg, m->gen, p->index, &m->lis, m->js_cache);
  if (q == NULL) return;
  q->replaces = (int)(p - m->procs);
  p->replaced_by = (int)(q - m->procs);
  m->recycled++;
}

/* One worker's checks: hard timeout, retirement deadline, recycling. */
static void check_worker(struct master *m, struct proc *p, long long now, bool check_rss) {
  const struct jsfpm_config *cfg = m->cfg;
  struct sb_slot snap;
  scoreboard_read_slot(m->sb, (int)(p - m->procs), &snap);
  if (p->state == PROC_RETIRING) {
    if (p->kill_at_ms && now >= p->kill_at_ms) {
      log_warn("worker %d (pid %ld) still running %d ms after it was told to stop "
               "(process_control_timeout): killing it", p->index, (long)p->pid,
               cfg->process_control_timeout_ms);
      kill(p->pid, SIGKILL);
      p->kill_at_ms = 0;
    }
    return;
  }
  /* Only a request in progress counts: a worker waiting on an idle
   * keep-alive connection is SB_IDLE. */
  if (cfg->request_terminate_timeout_ms > 0 && snap.state == SB_BUSY && !p->terminated &&
      now - snap.request_start_mono_ms >= cfg->request_terminate_timeout_ms) {
    log_error("worker %d (pid %ld): request #%lu %s %s running for %lld ms exceeded "
              "request_terminate_timeout (%d ms); killing the worker [%s]", p->index, (long)p->pid,
              snap.requests + 1, snap.request_method, snap.request_path,
              now - snap.request_start_mono_ms, cfg->request_terminate_timeout_ms,
              snap.request_id[0] ? snap.request_id : "-");
    if (kill(p->pid, SIGKILL) == 0) {
      p->terminated = true;
      m->terminated++;
    }
    return;
  }
  if (p->state != PROC_SERVING || p->replaced_by >= 0 || p->generation != m->gen ||
      m->phase == MASTER_RELOADING || m->phase == MASTER_STOPPING)
    return;
  if (p->index < MAX_POSITIONS && now < m->positions[p->index].not_before_ms) return;
  const char *reason = NULL;
  if (p->max_requests > 0 && snap.requests >= p->max_requests) reason = "max_requests";
  else if (cfg->max_age_ms > 0 && now - p->started_ms >= cfg->max_age_ms) reason = "max_age";
  else if (cfg->max_rss_bytes > 0 && check_rss) {
    long long rss = read_rss_bytes(p->pid);
    if (rss > cfg->max_rss_bytes) reason = "max_rss";
  }
  if (reason) start_replacement(m, p, reason);
}

static void systemd_tick(struct master *m, long long now) {
  if (m->watchdog_ms > 0 && now - m->last_watchdog_ms >= m->watchdog_ms / 2) {
    systemd_notify("WATCHDOG=1");
    m->last_watchdog_ms = now;
  }
  if (now - m->last_status_ms >= 1000 && (m->phase == MASTER_SERVING || m->phase == MASTER_RELOADING)) {
    int active = 0, idle = 0;
    for (int i = 0; i < SCOREBOARD_SLOTS; i++) {
      if (m->procs[i].state != PROC_LOADING && m->procs[i].state != PROC_SERVING) continue;
      int state = __atomic_load_n(&m->sb->slots[i].state, __ATOMIC_RELAXED);
      active += state == SB_BUSY;
      idle += state == SB_IDLE;
    }
    unsigned long accepted = __atomic_load_n(&m->sb->global.accepted, __ATOMIC_RELAXED);
    double rate = m->last_status_ms ? (double)(accepted - m->last_status_accepted) * 1000.0 / (double)(now - m->last_status_ms) : 0.0;
    systemd_notifyf("STATUS=%s%d active, %d idle workers; %.1f req/s", m->phase == MASTER_RELOADING ? "reloading; " : "",
                    active, idle, rate);
    m->last_status_ms = now;
    m->last_status_accepted = accepted;
  }
}

static bool old_generation_running(const struct master *m) {
  for (int i = 0; i < SCOREBOARD_SLOTS; i++)
    if (m->procs[i].state != PROC_FREE && m->procs[i].generation != m->gen) return true;
  return false;
}

static void master_tick(struct master *m) {
  long long now = clock_mono_ms();
  if (m->phase == MASTER_STOPPING) { /* the stop steps have their own deadlines */
    systemd_tick(m, now);
    return;
  }
  bool check_rss = m->ticks++ % RSS_EVERY_TICKS == 0;
  for (int i = 0; i < SCOREBOARD_SLOTS; i++)
    if (m->procs[i].state != PROC_FREE) check_worker(m, &m->procs[i], now, check_rss);
  if (m->phase == MASTER_RELOADING && now >= m->reload_deadline_ms)
    reload_abort(m, "the new workers did not become ready in time");
  /* New [database] settings: the broker restarts once no old worker might
   * still be using it; the new workers reconnect. */
  if (m->restart_broker_after_reload && m->phase == MASTER_SERVING && !old_generation_running(m) &&
      m->broker.state == BROKER_RUNNING) {
    m->restart_broker_after_reload = false;
    m->broker.state = BROKER_RESTARTING;
    log_notice("reload: [database] settings changed: restarting the broker");
    privileges_prepare_paths(&m->priv, m->cfg, m->broker_path);
    kill(m->broker.pid, SIGTERM);
  }
  systemd_tick(m, now);
}

static void on_tick(evutil_socket_t fd, short what, void *arg) {
  (void)fd, (void)what;
  master_tick(arg);
}

/* ---- the status page ------------------------------------------------------------- */

static bool status_client_allowed(const struct jsfpm_config *cfg, const char *peer) {
  if (cfg->status_allow == NULL) return false;
  if (peer == NULL) return true; /* a unix status socket: its file mode decides */
  const char *p = cfg->status_allow;
  size_t plen = strlen(peer);
  while (*p) {
    while (*p == ',' || *p == ' ') p++;
    size_t n = strcspn(p, ", ");
    if (n == 3 && strncmp(p, "any", 3) == 0) return true;
    if (n == plen && strncmp(p, peer, n) == 0) return true;
    /* An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d. */
    if (plen > 7 && strncmp(peer, "::ffff:", 7) == 0 && n == plen - 7 && strncmp(p, peer + 7, n) == 0)
      return true;
    p += n;
  }
  return false;
}

static void fill_broker_stats(struct master *m, struct status_broker *b) {
  b->pid = m->broker.pid;
  if (m->broker.pid == 0) return;
  struct db_client *c = db_client_new(m->broker_path);
  json_t *req = json_pack("{s:s}", "op", db_op_name(DB_OP_STATS));
  char err[256];
  json_t *reply = c && req ? db_client_call(c, req, STATUS_BROKER_TIMEOUT_MS, err, sizeof err) : NULL;
  if (reply && json_is_true(json_object_get(reply, "ok"))) {
    b->stats_available = true;
    b->statements = json_integer_value(json_object_get(reply, "statements"));
    b->errors = json_integer_value(json_object_get(reply, "errors"));
    b->open_transactions = json_integer_value(json_object_get(reply, "open_transactions"));
    b->queue_depth = json_integer_value(json_object_get(reply, "queue_depth"));
    b->cache_hits = json_integer_value(json_object_get(reply, "cache_hits"));
    b->cache_misses = json_integer_value(json_object_get(reply, "cache_misses"));
  }
  json_decref(reply);
  json_decref(req);
  db_client_free(c);
}

static void on_status_request(struct evhttp_request *req, void *arg) {
  struct master *m = arg;
  const struct jsfpm_config *cfg = m->cfg;
  struct evhttp_connection *conn = evhttp_request_get_connection(req);
  char *peer = NULL;
  ev_uint16_t port = 0;
  if (conn) evhttp_connection_get_peer(conn, &peer, &port);
  bool unix_socket = cfg->status_listen && sock_spec_is_unix(cfg->status_listen);
  if (!status_client_allowed(cfg, unix_socket ? NULL : peer)) {
    log_notice("status: refused client %s (not in status_allow)", peer ? peer : "?");
    evhttp_send_error(req, 403, "Forbidden");
    return;
  }
  const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
  const char *path = evhttp_uri_get_path(uri);
  struct evbuffer *out = evbuffer_new();
  if (out == NULL) {
    evhttp_send_error(req, 500, "Internal Server Error");
    return;
  }
  struct evkeyvalq *headers = evhttp_request_get_output_headers(req);
  evhttp_add_header(headers, "Cache-Control", "no-store");
  if (path && strcmp(path, cfg->ping_path) == 0) {
    evhttp_add_header(headers, "Content-Type", "text/plain");
    evbuffer_add(out, "pong\n", 5);
    evhttp_send_reply(req, 200, "OK", out);
    evbuffer_free(out);
    return;
  }
  if (path == NULL || strcmp(path, cfg->status_path) != 0) {
    evbuffer_free(out);
    evhttp_send_error(req, 404, "Not Found");
    return;
  }

  static struct status_worker workers[SCOREBOARD_SLOTS];
  static struct sb_slot snaps[SCOREBOARD_SLOTS];
  struct status_report r = {.start_unix_ms = m->sb->global.start_unix_ms,
                            .now_unix_ms = clock_unix_ms(),
                            .generation = m->gen,
                            .reloading = m->phase == MASTER_RELOADING,
                            .recycled = m->recycled,
                            .terminated = m->terminated,
                            .crashes = m->crashes,
                            .listen_queue = -1,
                            .listen_queue_max = -1,
                            .workers = workers};
  const struct sb_global *g = &m->sb->global;
  r.accepted = __atomic_load_n(&g->accepted, __ATOMIC_RELAXED);
  for (int i = 0; i < 5; i++) r.by_class[i] = __atomic_load_n(&g->by_class[i], __ATOMIC_RELAXED);
  r.slow_requests = __atomic_load_n(&g->slow_requests, __ATOMIC_RELAXED);
  r.max_active = __atomic_load_n(&g->max_active, __ATOMIC_RELAXED);
  r.max_children_reached = __atomic_load_n(&g->max_children_reached, __ATOMIC_RELAXED);
  r.fetch_calls = __atomic_load_n(&g->fetch_calls, __ATOMIC_RELAXED);
  r.fetch_errors = __atomic_load_n(&g->fetch_errors, __ATOMIC_RELAXED);
  r.fetch_ms = __atomic_load_n(&g->fetch_ms, __ATOMIC_RELAXED);
  int q, backlog;
  if (status_listen_queue(m->lis.fcgi_fd, &q, &backlog) == 0) {
    r.listen_queue = q;
    r.listen_queue_max = backlog;
  }
  long long now = clock_mono_ms();
  for (int i = 0; i < SCOREBOARD_SLOTS; i++) {
    const struct proc *p = &m->procs[i];
    if (p->state == PROC_FREE) continue;
    struct sb_slot *s = &snaps[r.nworkers];
    scoreboard_read_slot(m->sb, i, s);
    struct status_worker *w = &workers[r.nworkers++];
    const char *state = s->state == SB_BUSY ? "busy" : s->state == SB_IDLE ? "idle" : "starting";
    if (p->state == PROC_RETIRING && s->state != SB_BUSY) state = "retiring";
    *w = (struct status_worker){.pid = p->pid, .state = state, .generation = p->generation,
                                .index = p->index, .requests = s->requests,
                                .started_unix_ms = s->started_unix_ms,
                                .rss_bytes = read_rss_bytes(p->pid),
                                .request_method = s->request_method, .request_path = s->request_path,
                                .request_duration_ms = s->state == SB_BUSY ? now - s->request_start_mono_ms : s->last_duration_ms,
                                .last_request_id = s->last_request_id, .last_status = s->last_status,
                                .compile_cache_hits = s->compile_cache_hits,
                                .compile_cache_misses = s->compile_cache_misses,
                                .heap_bytes = s->heap_bytes};
    r.compile_cache_hits += s->compile_cache_hits;
    r.compile_cache_misses += s->compile_cache_misses;
    r.total++;
    if (s->state == SB_BUSY) r.active++;
    else if (s->state == SB_IDLE && p->state != PROC_RETIRING) r.idle++;
  }
  fill_broker_stats(m, &r.broker);

  enum status_format f = status_format_from_query(evhttp_uri_get_query(uri));
  evhttp_add_header(headers, "Content-Type", status_content_type(f));
  if (status_render(&r, f, out) < 0) {
    evbuffer_free(out);
    evhttp_send_error(req, 500, "Internal Server Error");
    return;
  }
  evhttp_send_reply(req, 200, "OK", out);
  evbuffer_free(out);
}

/* The status listener belongs to the master, so it answers while every
 * worker is busy or the pool is reloading. */
static int open_status_listener(struct master *m) {
  const struct jsfpm_config *cfg = m->cfg;
  if (cfg->status_listen == NULL) return 0;
  char err[512];
  m->status_fd = sock_listen(cfg->status_listen, 64, 0600, NULL, NULL, err, sizeof err);
  if (m->status_fd < 0) {
    log_error("status_listen: %s", err);
    return -1;
  }
  m->status_http = evhttp_new(m->base);
  if (m->status_http == NULL || evhttp_accept_socket(m->status_http, m->status_fd) < 0) {
    log_error("status_listen: cannot serve HTTP on %s", cfg->status_listen);
    return -1;
  }
  evhttp_set_allowed_methods(m->status_http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
  evhttp_set_timeout(m->status_http, 5);
  evhttp_set_gencb(m->status_http, on_status_request, m);
  return 0;
}

/* ---- stopping ------------------------------------------------------------------------ */

static void signal_workers(struct master *m, int sig) {
  for (int i = 0; i < SCOREBOARD_SLOTS; i++)
    if (m->procs[i].state != PROC_FREE) kill(m->procs[i].pid, sig);
}

static int live_workers(const struct master *m) {
  int n = 0;
  for (int i = 0; i < SCOREBOARD_SLOTS; i++) n += m->procs[i].state != PROC_FREE;
  return n;
}

static int live_children(const struct master *m) { return live_workers(m) + (m->broker.pid > 0); }

/* Begins step STEP of the stop: signals its processes and arms its deadline. */
static void stop_enter(struct master *m, enum stop_step step) {
  m->stop_step = step;
  event_del(m->stop_ev);
  int timeout_ms = STOP_TIMEOUT_MS;
  switch (step) {
  case STOP_QUIT_WORKERS:
    signal_workers(m, SIGQUIT);
    timeout_ms = m->cfg->process_control_timeout_ms; /* 0: no limit */
    break;
  case STOP_TERM_WORKERS: signal_workers(m, SIGTERM); break;
  case STOP_KILL_WORKERS:
    log_warn("workers still alive after the stop timeout: killing them");
    signal_workers(m, SIGKILL);
    break;
  case STOP_TERM_BROKER:
    if (m->broker.pid > 0) kill(m->broker.pid, SIGTERM);
    break;
  case STOP_KILL_BROKER:
    log_warn("broker still alive after the stop timeout: killing it");
    kill(m->broker.pid, SIGKILL);
    break;
  case STOP_DONE: return;
  }
  if (timeout_ms > 0) add_timer_ms(m->stop_ev, timeout_ms);
}

/* Whether the processes the current stop step waits for are gone. */
static bool stop_step_done(const struct master *m) {
  switch (m->stop_step) {
  case STOP_QUIT_WORKERS:
  case STOP_TERM_WORKERS:
  case STOP_KILL_WORKERS: return live_workers(m) == 0;
  case STOP_TERM_BROKER:
  case STOP_KILL_BROKER: return live_children(m) == 0;
  case STOP_DONE: break;
  }
  return true;
}

/* After children were reaped: moves past every step whose processes are
 * gone.  Once no worker is left the broker's turn comes. */
static void stop_advance(struct master *m) {
  while (m->stop_step != STOP_DONE && stop_step_done(m))
    stop_enter(m, m->stop_step < STOP_TERM_BROKER ? STOP_TERM_BROKER : STOP_DONE);
}

/* The current step's deadline passed with its processes still alive. */
static void on_stop_timer(evutil_socket_t fd, short what, void *arg) {
  (void)fd, (void)what;
  struct master *m = arg;
  switch (m->stop_step) {
  case STOP_QUIT_WORKERS:
    /* A worker in the middle of a request only sees signals between
     * requests, so TERM would not hurry it: kill what is left. */
    log_warn("workers still busy after process_control_timeout (%d ms): killing them",
             m->cfg->process_control_timeout_ms);
    signal_workers(m, SIGKILL);
    stop_enter(m, STOP_TERM_WORKERS);
    break;
  case STOP_TERM_WORKERS: stop_enter(m, STOP_KILL_WORKERS); break;
  case STOP_KILL_WORKERS: stop_enter(m, STOP_TERM_BROKER); break;
  case STOP_TERM_BROKER: stop_enter(m, m->broker.pid > 0 ? STOP_KILL_BROKER : STOP_DONE); break;
  case STOP_KILL_BROKER: stop_enter(m, STOP_DONE); break;
  case STOP_DONE: break;
  }
}

/* Any phase -> STOPPING.  Fast stop: TERM to everyone, KILL to whoever is
 * left after STOP_TIMEOUT_MS.  Graceful stop (QUIT): workers finish their
 * current request first, for up to process_control_timeout.  The loop
 * runs on meanwhile (stop_advance, on_stop_timer) and ends at STOP_DONE. */
static void stop_begin(struct master *m, bool graceful) {
  log_notice("%s stop requested", graceful ? "graceful" : "fast");
  m->phase = MASTER_STOPPING;
  event_del(m->broker_wait_ev);
  /* Before any worker is told: a stopping worker closes its idle
   * connections instead of passing them to a successor that never comes. */
  scoreboard_set_stopping(m->sb);
  systemd_notify("STOPPING=1\nSTATUS=stopping");
  if (graceful) log_notice("graceful stop: letting workers finish their requests");
  stop_enter(m, graceful ? STOP_QUIT_WORKERS : STOP_TERM_WORKERS);
}

/* TERM, INT or QUIT (or a failure at start-up, as a TERM).  A fast stop
 * requested during a graceful one cuts its wait short. */
static void stop_requested(struct master *m) {
  bool fast = m->got_term;
  m->got_term = m->got_quit = false;
  if (m->phase != MASTER_STOPPING) {
    stop_begin(m, !fast);
  } else if (fast && m->stop_step == STOP_QUIT_WORKERS) {
    log_notice("fast stop requested during the graceful stop");
    stop_enter(m, STOP_TERM_WORKERS);
  }
}

/* ---- starting --------------------------------------------------------------------- */

/* Forks the first generation once the broker answers. */
static void start_first_generation(struct master *m) {
  for (int i = 0; i < m->cfg->workers; i++) {
    if (spawn_worker(m, m->cfg, m->gen, i, &m->lis, m->js_cache) == NULL) {
      m->exit_status = 1;
      m->got_term = true;
      return;
    }
  }
}

/* STARTING: pings the broker until it answers (then the workers start),
 * exits (broker_exited stops the master) or BROKER_START_TIMEOUT_MS pass.
 * Each ping waits at most BROKER_PING_TIMEOUT_MS, so the loop (the status
 * page, signals) is never held up longer. */
static void on_broker_wait(evutil_socket_t fd, short what, void *arg) {
  (void)fd, (void)what;
  struct master *m = arg;
  if (m->phase != MASTER_STARTING || m->broker.state != BROKER_RUNNING) return;
  json_t *ping = json_pack("{s:s}", "op", db_op_name(DB_OP_PING));
  char err[256];
  json_t *reply = ping ? db_client_call(m->broker_ping, ping, BROKER_PING_TIMEOUT_MS, err, sizeof err) : NULL;
  json_decref(ping);
  if (reply != NULL) {
    json_decref(reply);
    db_client_free(m->broker_ping);
    m->broker_ping = NULL;
    start_first_generation(m);
  } else if (clock_mono_ms() >= m->broker_wait_deadline_ms) {
    log_error("broker did not become ready in time");
    m->exit_status = 1;
    m->got_term = true;
  } else {
    add_timer_ms(m->broker_wait_ev, BROKER_PING_EVERY_MS);
  }
}

/* STARTING begins: the broker first (it runs the migrations). */
static void start_broker(struct master *m) {
  m->broker_ping = db_client_new(m->broker_path);
  if (m->broker_ping == NULL || spawn_broker(m) < 0) {
    m->exit_status = 1;
    m->got_term = true;
    return;
  }
  m->broker_wait_deadline_ms = clock_mono_ms() + BROKER_START_TIMEOUT_MS;
  add_timer_ms(m->broker_wait_ev, 0);
}

/* ---- invariants ------------------------------------------------------------------- */

#ifndef NDEBUG
/* The invariants listed at the top of this file; asserted on every turn of
 * the loop (compiled out with NDEBUG). */
static bool master_check(const struct master *m) {
  int live = 0;
  for (int i = 0; i < SCOREBOARD_SLOTS; i++) {
    const struct proc *p = &m->procs[i];
    if (p->state == PROC_FREE) continue;
    live++;
    if (p->pid <= 0 || m->sb->slots[i].pid != p->pid) return false;                     /* 1 */
    if (m->phase == MASTER_STARTING && p->generation != m->gen) return false;         /* 3 */
  }
  if (live > 0 && m->sb == NULL) return false;
  bool reload = m->next_gen != 0 && m->next_cfg != NULL;
  if ((m->phase == MASTER_RELOADING) != reload && m->phase != MASTER_STOPPING) return false; /* 2 */
  if ((m->broker.state == BROKER_DOWN) != (m->broker.pid == 0)) return false;          /* 5 */
  if (m->phase != MASTER_SERVING && m->phase != MASTER_RELOADING) return true;
  if (m->broker.state == BROKER_DOWN && !event_pending(m->broker.respawn_ev, EV_TIMEOUT, NULL)) return false;
  for (int i = 0; i < m->cfg->workers && i < MAX_POSITIONS; i++)                         /* 4 */
    if (!position_has_worker(m, m->gen, i) && !event_pending(m->positions[i].respawn_ev, EV_TIMEOUT, NULL))
      return false;
  return true;
}
#endif

/* ---- the master loop ---------------------------------------------------------------- */

/* Workers open the access and slow logs themselves, as the children's
 * user, possibly in a directory only root may write: create the files here
 * and hand them over, at start, on reload and on USR1 (after rotation). */
static void prepare_worker_logs(struct master *m, const struct jsfpm_config *cfg) {
  const char *paths[2] = {cfg->access_log, cfg->slowlog};
  for (int i = 0; i < 2; i++) {
    if (paths[i] == NULL) continue;
    char why[256];
    int fd = safefile_open(paths[i], O_WRONLY | O_APPEND | O_CREAT, 0640, why, sizeof why);
    if (fd < 0) {
      log_error("%s %s: cannot open: %s", i == 0 ? "access_log" : "slowlog", paths[i], why);
      continue;
    }
    privileges_give_fd(&m->priv, fd, paths[i]);
    close(fd);
  }
}

static void reopen_logs(struct master *m) {
  /* The fresh file is root's if we are root; children reopen it by name. */
  if (log_reopen() == 0) {
    log_notice("log reopened");
    privileges_give(&m->priv, m->cfg->error_log);
  }
  prepare_worker_logs(m, m->cfg);
  signal_workers(m, SIGUSR1);
  if (m->broker.pid > 0 && kill(m->broker.pid, SIGUSR1) < 0)
    log_warn("cannot tell the broker to reopen the log: %s", strerror(errno));
}

static int master_setup(struct master *m) {
  struct jsfpm_config *cfg = m->cfg;
  char err[1024];
  if (privileges_resolve(cfg, &m->priv, err, sizeof err) < 0) {
    log_error("%s", err);
    return -1;
  }
  if (make_runtime_dir(cfg->runtime_dir) < 0) return -1;
  int activated = systemd_listen_fd();
  if (activated >= 0) {
    m->lis.fcgi_fd = activated;
    m->socket_activated = true;
    log_notice("FastCGI socket passed by systemd (fd %d); [server] listen is not used", activated);
    if (cfg->http_listen) {
      char e[512];
      m->lis.http_fd = sock_listen(cfg->http_listen, cfg->listen_backlog, 0600, NULL, NULL, e, sizeof e);
      if (m->lis.http_fd < 0) {
        log_error("http_listen: %s", e);
        return -1;
      }
    }
  } else if (listeners_open(&m->lis, cfg) < 0) {
    return -1;
  }
  if (asprintf(&m->broker_path, "%s/broker.sock", cfg->runtime_dir) < 0) {
    m->broker_path = NULL;
    return -1;
  }
  m->broker_fd = sock_listen(m->broker_path, 128, 0600, NULL, NULL, err, sizeof err);
  if (m->broker_fd < 0) {
    log_error("broker socket: %s", err);
    return -1;
  }
  if (open_status_listener(m) < 0) return -1;
  if (cfg->pid_file) {
    if (write_pid_file(cfg->pid_file) < 0) return -1;
    m->wrote_pid_file = true;
  }
  m->sb = scoreboard_create();
  if (m->sb == NULL) {
    log_error("cannot map the scoreboard: %s", strerror(errno));
    return -1;
  }
  if (handoff_queue_open(m->handoff) < 0) {
    log_error("cannot create the workers' hand-off queue: %s", strerror(errno));
    return -1;
  }
  if (privileges_prepare_paths(&m->priv, cfg, m->broker_path) < 0) return -1;
  prepare_worker_logs(m, cfg);
  if (m->priv.drop)
    log_notice("broker and workers run as user %s (uid %lu, gid %lu)", m->priv.user_name,
               (unsigned long)m->priv.uid, (unsigned long)m->priv.gid);
  for (int i = 0; i < MAX_POSITIONS; i++) {
    m->positions[i] = (struct position){.m = m, .index = i};
    m->positions[i].respawn_ev = evtimer_new(m->base, on_respawn_timer, &m->positions[i]);
    if (m->positions[i].respawn_ev == NULL) return -1;
  }
  m->broker.respawn_ev = evtimer_new(m->base, on_broker_respawn, m);
  m->broker_wait_ev = evtimer_new(m->base, on_broker_wait, m);
  m->stop_ev = evtimer_new(m->base, on_stop_timer, m);
  m->tick_ev = event_new(m->base, -1, EV_PERSIST, on_tick, m);
  struct timeval tick = clock_timeval(TICK_MS);
  if (m->broker.respawn_ev == NULL || m->broker_wait_ev == NULL || m->stop_ev == NULL || m->tick_ev == NULL ||
      event_add(m->tick_ev, &tick) < 0)
    return -1;
  m->watchdog_ms = systemd_watchdog_interval_ms();
  return 0;
}

static void master_cleanup(struct master *m) {
  if (m->wrote_pid_file) unlink(m->cfg->pid_file);
  if (!m->socket_activated) listeners_close(&m->lis, m->cfg);
  else if (m->lis.http_fd >= 0) close(m->lis.http_fd);
  if (m->next_cfg) {
    listeners_close(&m->next_lis, m->next_cfg);
    config_free(m->next_cfg);
    free(m->next_cfg);
  }
  if (m->broker_fd >= 0) {
    unlink(m->broker_path);
    close(m->broker_fd);
  }
  for (int i = 0; i < 2; i++)
    if (m->handoff[i] >= 0) close(m->handoff[i]);
  free(m->broker_path);
  /* Only a socket this master bound (sock_listen refuses one in use). */
  if (m->status_fd >= 0 && sock_spec_is_unix(m->cfg->status_listen)) unlink(m->cfg->status_listen);
  if (m->status_http) evhttp_free(m->status_http); /* closes status_fd */
  else if (m->status_fd >= 0) close(m->status_fd);
  for (int i = 0; i < SCOREBOARD_SLOTS; i++)
    if (m->procs[i].state != PROC_FREE) proc_clear_note_pipe(&m->procs[i]);
  for (int i = 0; i < MAX_POSITIONS; i++)
    if (m->positions[i].respawn_ev) event_free(m->positions[i].respawn_ev);
  if (m->broker.respawn_ev) event_free(m->broker.respawn_ev);
  if (m->broker_wait_ev) event_free(m->broker_wait_ev);
  if (m->stop_ev) event_free(m->stop_ev);
  if (m->tick_ev) event_free(m->tick_ev);
  db_client_free(m->broker_ping);
  js_cache_free(m->js_cache);
  js_cache_free(m->next_js_cache);
  scoreboard_destroy(m->sb);
  privileges_free(&m->priv);
  free(m->crash_times_ms);
  config_free(m->cfg);
  free(m->cfg);
}

int master_run(struct jsfpm_config *cfg_in) {
  /* Large (procs, positions): static rather than on the stack; there is one master. */
  static struct master m;
  struct event *sig_ev[7] = {0};
  static const int sigs[7] = {SIGTERM, SIGINT, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2, SIGHUP};
  int rc = 1;

  memset(&m, 0, sizeof m);
  m.lis = m.next_lis = (struct listeners){-1, -1, false};
  m.broker_fd = m.status_fd = -1;
  m.handoff[0] = m.handoff[1] = -1;
  m.phase = MASTER_STARTING;
  m.gen = m.last_gen = 1;
  m.pid = getpid();
  /* Own a heap copy: a reload swaps configurations. */
  m.cfg = malloc(sizeof *m.cfg);
  if (m.cfg == NULL) {
    config_free(cfg_in);
    return 1;
  }
  *m.cfg = *cfg_in;
  memset(cfg_in, 0, sizeof *cfg_in);

  log_set_role("master");
  signal(SIGPIPE, SIG_IGN);
  m.base = event_base_new();
  if (m.base == NULL) {
    log_error("cannot create the event loop");
    goto out;
  }
  for (int i = 0; i < 7; i++) {
    sig_ev[i] = evsignal_new(m.base, sigs[i], on_signal, &m);
    if (sig_ev[i] == NULL || event_add(sig_ev[i], NULL) < 0) {
      log_error("cannot install handler for signal %d", sigs[i]);
      goto out;
    }
  }
  if (master_setup(&m) < 0) goto out;

  log_notice("jsfpm %s starting: config %s, %d workers", JSFPM_VERSION, m.cfg->file, m.cfg->workers);
  warn_timeouts(m.cfg);
  if (m.cfg->preload) {
    /* Compiled once here, shared copy-on-write by every worker. */
    char err[1024];
    m.js_cache = js_cache_build(m.cfg, err, sizeof err);
    if (m.js_cache == NULL) {
      log_error("cannot load the app: %s", err);
      goto out;
    }
  }
  start_broker(&m);

  /* The master loop: act on the flags the signals (and failures) set, then
   * wait for the next event. */
  for (;;) {
    if (m.got_child) {
      m.got_child = false;
      reap_children(&m);
    }
    if (m.got_term || m.got_quit) stop_requested(&m);
    if (m.phase == MASTER_STOPPING) {
      stop_advance(&m);
      if (m.stop_step == STOP_DONE) break;
    }
    if (m.got_hup) {
      m.got_hup = false;
      reload_begin(&m);
    }
    if (m.got_usr1) {
      m.got_usr1 = false;
      reopen_logs(&m);
    }
    if (m.got_usr2) { /* caught so that it does not end the master (php-fpm reloads on it) */
      m.got_usr2 = false;
      log_notice("SIGUSR2 ignored: HUP reloads, USR1 reopens the logs");
    }
    assert(master_check(&m));
    event_base_loop(m.base, EVLOOP_ONCE);
  }

  rc = m.exit_status;
  log_notice("stopped");

out:
  master_cleanup(&m);
  for (int i = 0; i < 7; i++)
    if (sig_ev[i]) event_free(sig_ev[i]);
  if (m.base) event_base_free(m.base);
  return rc;
}
