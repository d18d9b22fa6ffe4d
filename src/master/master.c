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
 * reload and retirement deadlines, the process manager (pm = dynamic |
 * ondemand: master_pm.c), systemd status and watchdog.
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
 *   master phase          event                              function
 *   STARTING -> SERVING   every first-generation worker ready worker_ready (c)
 *   STARTING -> SERVING   the broker answers and no worker is start_first_generation
 *                         to wait for (pm = ondemand)
 *   SERVING -> RELOADING  HUP with a configuration that loads reload_begin (r)
 *   RELOADING -> SERVING  the new generation is ready (at once reload_commit (r)
 *                         for pm = ondemand)
 *   RELOADING -> SERVING  a new worker failed, or the timeout reload_abort (r)
 *   any -> STOPPING       TERM/INT/QUIT, or a start-up failure stop_begin
 *   STOPPING -> (exit)    the last stop step is done          stop_advance
 *
 *   worker state          event                              function
 *   FREE -> LOADING       forked                             children_spawn_worker (c)
 *                         (pm = dynamic | ondemand: by load)  pm_manage (p)
 *   LOADING -> SERVING    WORKER_NOTE_READY on its pipe      worker_ready (c)
 *   LOADING, SERVING -> RETIRING  told to finish (QUIT/TERM) children_retire (c)
 *                         (pm: idle too long, or too many)    pm_manage (p)
 *   any -> FREE           reaped                             worker_exited (c)
 *
 *   broker state          event                              function
 *   DOWN -> RUNNING       forked                             children_spawn_broker (c)
 *   RUNNING -> RESTARTING TERMed for new [database] settings master_tick (c)
 *   RUNNING, RESTARTING -> DOWN  reaped                      broker_exited (c)
 *
 *   cluster node          event                              function
 *   (none) -> running     STARTING, before the broker        start_children
 *   running -> (none)     reaped (a crash: respawn timer)    node_exited (c)
 *   (none) -> running     its respawn timer                  children_on_node_respawn (c)
 *
 * (c) is in master_children.c, (r) in master_reload.c, (p) in master_pm.c,
 * the rest here;
 * master_status.c serves the status page and master_internal.h holds the
 * state these files share.
 *
 * While STARTING, the master first waits (cluster mode) for the node to
 * answer (on_node_wait, a timer) before it forks the broker, then for the
 * broker to answer a ping (on_broker_wait) and then forks the workers; while STOPPING, it
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
 * 4. While SERVING or RELOADING with pm = static, a worker position
 *    (0..workers-1) of the serving generation with no LOADING or SERVING
 *    process has its respawn timer pending.  (With pm = dynamic or
 *    ondemand, pm_manage starts workers as the load asks.)
 * 5. The broker is DOWN exactly when it has no pid; while SERVING or
 *    RELOADING a DOWN broker has its respawn timer pending.
 * 6. The master watches the doors for pm = ondemand (pm_watching) only
 *    while SERVING with pm = ondemand and no worker of the serving
 *    generation LOADING or SERVING.
 * 7. Cluster mode: while SERVING or RELOADING, the cluster node runs or
 *    its respawn timer is pending.  Without cluster mode it never runs.
 */
#include "autoconfig.h"

#include "master.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <event2/event.h>
#include <event2/http.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "cluster_status.h"
#include "config.h"
#include "db_client.h"
#include "db_proto.h"
#include "dev_watch.h"
#include "js_compile.h"
#include "log.h"
#include "master_internal.h"
#include "pm.h"
#include "privileges.h"
#include "safefile.h"
#include "scoreboard.h"
#include "sock.h"
#include "systemd.h"
#include "worker_handoff.h"
#include "worker_js.h"

#define BROKER_START_TIMEOUT_MS 60000 /* migrations may take a while */
#define BROKER_PING_TIMEOUT_MS 250    /* start-up: one ping waits this long for the broker's answer */
#define BROKER_PING_EVERY_MS 20       /* start-up: pause between pings */
/* Start-up, cluster mode: a node that lost its peers asks each of them
 * first (seconds), and one with a large Raft log loads it. */
#define NODE_START_TIMEOUT_MS 60000
#define NODE_PING_TIMEOUT_MS 250 /* start-up: one question waits this long for the node's answer */
#define NODE_PING_EVERY_MS 50    /* start-up: pause between questions */
#define STOP_TIMEOUT_MS 1500     /* fast stop: TERM, then KILL after this */
/* The cluster node's hand-over (dqlite_node_handover): finding the leader
 * and moving leadership takes a few round trips, an election at worst. */
#define NODE_STOP_TIMEOUT_MS 10000
#define TICK_MS 100 /* maintenance tick */

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

void master_listeners_close(struct listeners *l, const struct jsfpm_config *cfg) {
  if (l->fcgi_fd >= 0) {
    close(l->fcgi_fd);
    if (l->fcgi_unix_owned && cfg) unlink(cfg->listen);
  }
  if (l->http_fd >= 0) close(l->http_fd);
  l->fcgi_fd = l->http_fd = -1;
  l->fcgi_unix_owned = false;
}

void master_add_timer_ms(struct event *ev, int delay_ms) {
  struct timeval tv = clock_timeval(delay_ms);
  if (event_add(ev, &tv) < 0) log_error("cannot schedule a timer");
}

/* ---- stopping ------------------------------------------------------------------------ */

/* Begins step STEP of the stop: signals its processes and arms its deadline. */
static void stop_enter(struct master *m, enum stop_step step) {
  m->stop_step = step;
  event_del(m->stop_ev);
  int timeout_ms = STOP_TIMEOUT_MS;
  switch (step) {
  case STOP_QUIT_WORKERS:
    children_signal(m, SIGQUIT);
    timeout_ms = m->cfg->process_control_timeout_ms; /* 0: no limit */
    break;
  case STOP_TERM_WORKERS: children_signal(m, SIGTERM); break;
  case STOP_KILL_WORKERS:
    log_warn("workers still alive after the stop timeout: killing them");
    children_signal(m, SIGKILL);
    break;
  case STOP_TERM_BROKER:
    if (m->broker.pid > 0) kill(m->broker.pid, SIGTERM);
    /* A broker that has not answered yet is running the migrations: it
     * finishes the one under way, then exits (broker.c).  It gets what is
     * left of its start-up time for that rather than being killed in it. */
    if (m->broker_ping != NULL && m->broker_wait_deadline_ms - clock_mono_ms() > timeout_ms)
      timeout_ms = (int)(m->broker_wait_deadline_ms - clock_mono_ms());
    break;
  case STOP_KILL_BROKER:
    log_warn("broker still alive after the stop timeout: killing it");
    kill(m->broker.pid, SIGKILL);
    break;
  case STOP_TERM_NODE:
    if (m->node.pid > 0 && kill(m->node.pid, SIGTERM) < 0) log_error("kill: %s", strerror(errno));
    timeout_ms = NODE_STOP_TIMEOUT_MS;
    break;
  case STOP_KILL_NODE:
    log_warn("cluster node still alive %d ms after SIGTERM (its hand-over did not finish): killing it",
             NODE_STOP_TIMEOUT_MS);
    kill(m->node.pid, SIGKILL);
    break;
  case STOP_DONE: return;
  }
  if (timeout_ms > 0) master_add_timer_ms(m->stop_ev, timeout_ms);
}

/* Whether the processes the current stop step waits for are gone. */
static bool stop_step_done(const struct master *m) {
  switch (m->stop_step) {
  case STOP_QUIT_WORKERS:
  case STOP_TERM_WORKERS:
  case STOP_KILL_WORKERS: return children_live_workers(m) == 0;
  case STOP_TERM_BROKER:
  case STOP_KILL_BROKER: return children_live(m) == 0;
  case STOP_TERM_NODE:
  case STOP_KILL_NODE: return m->node.pid == 0;
  case STOP_DONE: break;
  }
  return true;
}

/* The step after STEP once its processes are gone: the broker's turn comes
 * when no worker is left, the cluster node's when the broker is gone too. */
static enum stop_step stop_next(enum stop_step step) {
  if (step < STOP_TERM_BROKER) return STOP_TERM_BROKER;
  if (step < STOP_TERM_NODE) return STOP_TERM_NODE;
  return STOP_DONE;
}

/* After children were reaped: moves past every step whose processes are
 * gone. */
static void stop_advance(struct master *m) {
  while (m->stop_step != STOP_DONE && stop_step_done(m)) stop_enter(m, stop_next(m->stop_step));
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
    children_signal(m, SIGKILL);
    stop_enter(m, STOP_TERM_WORKERS);
    break;
  case STOP_TERM_WORKERS: stop_enter(m, STOP_KILL_WORKERS); break;
  case STOP_KILL_WORKERS: stop_enter(m, STOP_TERM_BROKER); break;
  case STOP_TERM_BROKER: stop_enter(m, m->broker.pid > 0 ? STOP_KILL_BROKER : STOP_TERM_NODE); break;
  case STOP_KILL_BROKER: stop_enter(m, STOP_TERM_NODE); break;
  case STOP_TERM_NODE: stop_enter(m, m->node.pid > 0 ? STOP_KILL_NODE : STOP_DONE); break;
  case STOP_KILL_NODE: stop_enter(m, STOP_DONE); break;
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
  event_del(m->node_wait_ev);
  event_del(m->broker_wait_ev);
  pm_watch_stop(m);
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

/* Forks the first generation once the broker answers: pm_initial_workers
 * of them; none (pm = ondemand) is ready at once. */
static void start_first_generation(struct master *m) {
  int initial = pm_initial_workers(m->cfg);
  for (int i = 0; i < initial; i++) {
    if (children_spawn_worker(m, m->cfg, m->gen, i, &m->lis, m->js_cache) == NULL) {
      m->exit_status = 1;
      m->got_term = true;
      return;
    }
  }
  if (initial == 0) children_first_generation_ready(m);
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
    master_add_timer_ms(m->broker_wait_ev, BROKER_PING_EVERY_MS);
  }
}

/* The broker first (it runs the migrations), then, once it answers, the
 * workers. */
static void start_broker(struct master *m) {
  m->broker_ping = db_client_new(m->broker_path);
  if (m->broker_ping == NULL) log_oom("starting the broker");
  if (m->broker_ping == NULL || children_spawn_broker(m) < 0) {
    m->exit_status = 1;
    m->got_term = true;
    return;
  }
  m->broker_wait_deadline_ms = clock_mono_ms() + BROKER_START_TIMEOUT_MS;
  master_add_timer_ms(m->broker_wait_ev, 0);
}

/* STARTING, cluster mode: asks the node until it answers (then the broker
 * starts), exits (node_exited stops the master: a port taken, a data_dir
 * it cannot use, a node 1 that would bootstrap a second cluster) or
 * NODE_START_TIMEOUT_MS pass.  It need not be a member yet: joining can
 * take as long as the other nodes take to start. */
static void on_node_wait(evutil_socket_t fd, short what, void *arg) {
  (void)fd, (void)what;
  struct master *m = arg;
  if (m->phase != MASTER_STARTING || m->node.pid == 0) return;
  struct status_cluster c = {.node_id = m->cfg->cluster_node_id, .address = m->cfg->cluster_address};
  cluster_status_ask(&c, NODE_PING_TIMEOUT_MS);
  cluster_status_free(&c);
  if (c.answered) {
    log_info("cluster node %d answers on %s; starting the broker", c.node_id, c.address);
    start_broker(m);
  } else if (clock_mono_ms() >= m->node_wait_deadline_ms) {
    log_error("cluster node did not answer on %s in time (%d ms): %s", c.address, NODE_START_TIMEOUT_MS,
              c.error);
    m->exit_status = 1;
    m->got_term = true;
  } else {
    master_add_timer_ms(m->node_wait_ev, NODE_PING_EVERY_MS);
  }
}

/* STARTING begins: in cluster mode with the node, which the broker reaches
 * the cluster through; the broker starts once the node answers. */
static void start_children(struct master *m) {
  if (m->cfg->cluster_address == NULL) {
    start_broker(m);
    return;
  }
  if (children_spawn_node(m) < 0) {
    m->exit_status = 1;
    m->got_term = true;
    return;
  }
  m->node_wait_deadline_ms = clock_mono_ms() + NODE_START_TIMEOUT_MS;
  master_add_timer_ms(m->node_wait_ev, 0);
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
    if (p->pid <= 0 || m->sb->slots[i].pid != p->pid) return false;           /* 1 */
    if (m->phase == MASTER_STARTING && p->generation != m->gen) return false; /* 3 */
  }
  if (live > 0 && m->sb == NULL) return false;
  bool reload = m->next_gen != 0 && m->next_cfg != NULL;
  if ((m->phase == MASTER_RELOADING) != reload && m->phase != MASTER_STOPPING) return false; /* 2 */
  if ((m->broker.state == BROKER_DOWN) != (m->broker.pid == 0)) return false;                /* 5 */
  if (m->pm_watching) {                                                                      /* 6 */
    if (m->phase != MASTER_SERVING || m->cfg->pm != PM_ONDEMAND) return false;
    for (int i = 0; i < m->cfg->workers && i < MAX_POSITIONS; i++)
      if (children_position_has_worker(m, m->gen, i)) return false;
  }
  if (m->node.pid != 0 && m->cfg->cluster_address == NULL) return false; /* 7 */
  if (m->phase != MASTER_SERVING && m->phase != MASTER_RELOADING) return true;
  if (m->broker.state == BROKER_DOWN && !event_pending(m->broker.respawn_ev, EV_TIMEOUT, NULL)) return false;
  if (m->cfg->cluster_address && m->node.pid == 0 && !event_pending(m->node.respawn_ev, EV_TIMEOUT, NULL))
    return false;                                                                           /* 7 */
  for (int i = 0; i < m->cfg->workers && i < MAX_POSITIONS && m->cfg->pm == PM_STATIC; i++) /* 4 */
    if (!children_position_has_worker(m, m->gen, i) &&
        !event_pending(m->positions[i].respawn_ev, EV_TIMEOUT, NULL))
      return false;
  return true;
}
#endif

/* ---- the master loop ---------------------------------------------------------------- */

/* Workers open the access and slow logs themselves, as the children's
 * user, possibly in a directory only root may write: create the files here
 * and hand them over, at start, on reload and on USR1 (after rotation). */
void master_prepare_worker_logs(struct master *m, const struct jsfpm_config *cfg) {
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
  master_prepare_worker_logs(m, m->cfg);
  children_signal(m, SIGUSR1);
  if (m->broker.pid > 0 && kill(m->broker.pid, SIGUSR1) < 0)
    log_warn("cannot tell the broker to reopen the log: %s", strerror(errno));
  if (m->node.pid > 0 && kill(m->node.pid, SIGUSR1) < 0)
    log_warn("cannot tell the cluster node to reopen the log: %s", strerror(errno));
}

/* [app] watch = yes: a file of the app changed (dev_watch.h). */
static void on_app_change(void *arg, const char *path) {
  struct master *m = arg;
  if (m->first_change[0] == '\0')
    snprintf(m->first_change, sizeof m->first_change, "%s", path[0] ? path : ".");
  if (strncmp(path, "migrations", 10) == 0 && (path[10] == '\0' || path[10] == '/'))
    m->migrations_changed = true;
}

static void on_app_changes_settled(void *arg) {
  struct master *m = arg;
  log_notice("watch: %s changed; reloading", m->first_change);
  m->first_change[0] = '\0';
  m->app_changed = true;
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
    return log_oom("setting up the master");
  }
  m->broker_fd = sock_listen(m->broker_path, 128, 0600, NULL, NULL, err, sizeof err);
  if (m->broker_fd < 0) {
    log_error("broker socket: %s", err);
    return -1;
  }
  if (status_page_open(m) < 0) return -1;
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
  master_prepare_worker_logs(m, cfg);
  if (m->priv.drop)
    log_notice("%sbroker and workers run as user %s (uid %lu, gid %lu)",
               cfg->cluster_address ? "cluster node, " : "", m->priv.user_name, (unsigned long)m->priv.uid,
               (unsigned long)m->priv.gid);
  for (int i = 0; i < MAX_POSITIONS; i++) {
    m->positions[i] = (struct position){.m = m, .index = i};
    m->positions[i].respawn_ev = evtimer_new(m->base, children_on_respawn_timer, &m->positions[i]);
    if (m->positions[i].respawn_ev == NULL) return log_oom("setting up the master");
  }
  m->broker.respawn_ev = evtimer_new(m->base, children_on_broker_respawn, m);
  m->node.respawn_ev = evtimer_new(m->base, children_on_node_respawn, m);
  m->broker_wait_ev = evtimer_new(m->base, on_broker_wait, m);
  m->node_wait_ev = evtimer_new(m->base, on_node_wait, m);
  m->stop_ev = evtimer_new(m->base, on_stop_timer, m);
  m->tick_ev = event_new(m->base, -1, EV_PERSIST, children_on_tick, m);
  struct timeval tick = clock_timeval(TICK_MS);
  if (m->broker.respawn_ev == NULL || m->node.respawn_ev == NULL || m->broker_wait_ev == NULL ||
      m->node_wait_ev == NULL || m->stop_ev == NULL || m->tick_ev == NULL)
    return log_oom("setting up the master");
  if (event_add(m->tick_ev, &tick) < 0) {
    log_error("cannot start the maintenance tick");
    return -1;
  }
  m->watchdog_ms = systemd_watchdog_interval_ms();
  const struct dev_watch_calls watch_calls = {on_app_change, on_app_changes_settled, m};
  if (cfg->watch &&
      (m->watch = dev_watch_open(m->base, cfg->app_root, &watch_calls, err, sizeof err)) == NULL) {
    log_error("watch: %s", err);
    return -1;
  }
  if (cfg->watch) js_cache_keep_compiler();
  return 0;
}

static void master_cleanup(struct master *m) {
  if (m->wrote_pid_file) unlink(m->cfg->pid_file);
  if (!m->socket_activated)
    master_listeners_close(&m->lis, m->cfg);
  else if (m->lis.http_fd >= 0)
    close(m->lis.http_fd);
  if (m->next_cfg) {
    master_listeners_close(&m->next_lis, m->next_cfg);
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
  if (m->status_http)
    evhttp_free(m->status_http); /* closes status_fd */
  else if (m->status_fd >= 0)
    close(m->status_fd);
  for (int i = 0; i < SCOREBOARD_SLOTS; i++)
    if (m->procs[i].state != PROC_FREE) children_clear_note_pipe(&m->procs[i]);
  for (int i = 0; i < MAX_POSITIONS; i++)
    if (m->positions[i].respawn_ev) event_free(m->positions[i].respawn_ev);
  if (m->broker.respawn_ev) event_free(m->broker.respawn_ev);
  if (m->node.respawn_ev) event_free(m->node.respawn_ev);
  if (m->broker_wait_ev) event_free(m->broker_wait_ev);
  if (m->node_wait_ev) event_free(m->node_wait_ev);
  if (m->stop_ev) event_free(m->stop_ev);
  if (m->tick_ev) event_free(m->tick_ev);
  pm_watch_stop(m);
  db_client_free(m->broker_ping);
  js_cache_free(m->js_cache);
  js_cache_free(m->next_js_cache);
  dev_watch_free(m->watch);
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
    log_oom("setting up the master");
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
  reload_warn_timeouts(m.cfg);
  /* Compiled once here, shared copy-on-write by every worker. */
  char err[1024];
  if (reload_preload_app(m.cfg, &m.js_cache, err, sizeof err) < 0) {
    log_error("cannot load the app: %s", err);
    goto out;
  }
  start_children(&m);

  /* The master loop: act on the flags the signals (and failures) set, then
   * wait for the next event. */
  for (;;) {
    if (m.got_child) {
      m.got_child = false;
      children_reap(&m);
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
    if (m.app_changed && m.phase == MASTER_SERVING) {
      m.app_changed = false;
      reload_begin(&m);
      if (m.next_gen && m.migrations_changed) m.restart_broker_after_reload = true;
      m.migrations_changed = false;
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
