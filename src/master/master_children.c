/* master_children.c: the master's children: forking the broker and the
 * workers, their notes, reaping them, respawning what crashed (with
 * back-off and the crash throttle), and the maintenance tick that enforces
 * request_terminate_timeout and recycles workers.  The states and
 * transitions are in master.c's table. */
#include "autoconfig.h"

#include <assert.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include "broker.h"
#include "clock.h"
#include "cluster_node.h"
#include "config.h"
#include "log.h"
#include "master_internal.h"
#include "pm.h"
#include "privileges.h"
#include "proctitle.h"
#include "scoreboard.h"
#include "systemd.h"
#include "status.h"
#include "worker.h"
#include "worker_handoff.h"
#include "worker_js.h"
#include "worker_log.h"

#define BACKOFF_MAX_MS 30000
#define STABLE_AFTER_MS 10000 /* a child that lived this long resets its back-off */
#define RSS_EVERY_TICKS 10    /* max_rss is checked once a second */

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
  /* jsfpm dev runs in a terminal, whose Ctrl-C signals the whole foreground
   * process group: the children leave it, so that only the master hears it
   * and stops them in order (workers first, the broker last). */
  if (m->cfg->watch && setpgid(0, 0) < 0) _exit(1);
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

void children_clear_note_pipe(struct proc *p) {
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
struct proc *children_spawn_worker(struct master *m, struct jsfpm_config *cfg, unsigned gen, int index,
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
    struct worker_args args = {.cfg = cfg,
                               .fcgi_fd = lis->fcgi_fd,
                               .http_fd = lis->http_fd,
                               .handoff_send_fd = m->handoff[HANDOFF_SEND],
                               .handoff_receive_fd = m->handoff[HANDOFF_RECEIVE],
                               .broker_path = m->broker_path,
                               .master_fd = pipefd[1],
                               .slot = index,
                               .sb = m->sb,
                               .sb_slot = slot,
                               .max_requests = max_requests,
                               .js_cache = js_cache};
    int status = worker_main(&args);
    log_close();
    exit(status);
  }
  close(pipefd[1]);
  m->sb->slots[slot].pid = pid;
  struct proc *p = &m->procs[slot];
  assert(p->state == PROC_FREE); /* invariant 1: a free scoreboard slot has no process */
  *p = (struct proc){.state = PROC_LOADING,
                     .pid = pid,
                     .generation = gen,
                     .index = index,
                     .replaced_by = -1,
                     .replaces = -1,
                     .max_requests = max_requests,
                     .started_ms = clock_mono_ms(),
                     .note_pipe = pipefd[0],
                     .m = m};
  p->note_ev = event_new(m->base, pipefd[0], EV_READ | EV_PERSIST, on_worker_note, p);
  if (p->note_ev == NULL || event_add(p->note_ev, NULL) < 0)
    log_error("cannot watch worker %d's pipe", index); /* it will serve; we just won't know */
  if (index < MAX_POSITIONS) m->positions[index].last_start_ms = p->started_ms;
  log_info("worker %d started, pid %ld (generation %u)", index, (long)pid, gen);
  return p;
}

/* Forks a child that runs BODY(M) as the children's user and exits with
 * its status: the broker and the cluster node, which serve no door and
 * stop as on a fast stop (SIGTERM) when the master dies (the node hands its
 * leadership over then).  Returns its pid, or -1 (logged). */
static pid_t spawn_service(struct master *m, int (*body)(struct master *m)) {
  pid_t pid = fork_blocked();
  if (pid < 0) {
    log_error("fork: %s", strerror(errno));
    return -1;
  }
  if (pid == 0) {
    close(m->handoff[HANDOFF_SEND]);
    close(m->handoff[HANDOFF_RECEIVE]);
    child_after_fork(m, NULL, SIGTERM);
    int status = body(m);
    log_close();
    exit(status);
  }
  return pid;
}

static int broker_body(struct master *m) { return broker_main(m->cfg, m->broker_fd); }

int children_spawn_broker(struct master *m) {
  pid_t pid = spawn_service(m, broker_body);
  if (pid < 0) return -1;
  m->broker.pid = pid;
  m->broker.state = BROKER_RUNNING;
  m->broker.started_ms = clock_mono_ms();
  log_info("broker started, pid %ld", (long)pid);
  return 0;
}

static int node_body(struct master *m) {
  close(m->broker_fd);
  proctitle_set("jsfpm: cluster node %d (%s)", m->cfg->cluster_node_id, m->cfg->cluster_address);
#ifdef HAVE_CLUSTER
  return cluster_node_main(m->cfg);
#else
  return 1; /* unreachable: config_load refuses [cluster] address in such a build */
#endif
}

int children_spawn_node(struct master *m) {
  pid_t pid = spawn_service(m, node_body);
  if (pid < 0) return -1;
  if (m->node.started_unix_ms != 0) m->node.restarts++;
  m->node.pid = pid;
  m->node.started_ms = clock_mono_ms();
  m->node.started_unix_ms = clock_unix_ms();
  log_info("cluster node %d started, pid %ld (%s, data in %s)", m->cfg->cluster_node_id, (long)pid,
           m->cfg->cluster_address, m->cfg->cluster_data_dir);
  return 0;
}

/* ---- generations ---------------------------------------------------------- */

/* True when every position 0..WORKERS-1 of GEN has a ready, non-retiring
 * worker (WORKERS: pm_initial_workers, none for pm = ondemand). */
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

bool children_position_has_worker(const struct master *m, unsigned gen, int index) {
  for (int i = 0; i < SCOREBOARD_SLOTS; i++) {
    const struct proc *p = &m->procs[i];
    if ((p->state == PROC_LOADING || p->state == PROC_SERVING) && p->generation == gen && p->index == index)
      return true;
  }
  return false;
}

/* Tells P to finish its requests and exit (SIGQUIT), with a deadline. */
void children_retire(struct master *m, struct proc *p, int sig) {
  assert(p->state != PROC_FREE);
  if (p->state == PROC_RETIRING) return;
  p->state = PROC_RETIRING;
  p->kill_at_ms =
      m->cfg->process_control_timeout_ms > 0 ? clock_mono_ms() + m->cfg->process_control_timeout_ms : 0;
  if (kill(p->pid, sig) < 0 && errno != ESRCH) log_error("kill %ld: %s", (long)p->pid, strerror(errno));
}

void children_notify_ready(struct master *m) {
  int idle = 0;
  for (int i = 0; i < SCOREBOARD_SLOTS; i++)
    idle += m->procs[i].state == PROC_LOADING || m->procs[i].state == PROC_SERVING;
  systemd_notifyf("READY=1\nSTATUS=serving: %d workers, generation %u", idle, m->gen);
}

/* The worker said it has loaded the app and serves. */
static void worker_ready(struct master *m, struct proc *p) {
  assert(p->state == PROC_LOADING);
  p->state = PROC_SERVING;
  if (p->replaces >= 0) {
    struct proc *old = &m->procs[p->replaces];
    log_info("worker %d (pid %ld) replaced by pid %ld (%s)", old->index, (long)old->pid, (long)p->pid,
             old->recycle_reason ? old->recycle_reason : "recycled");
    old->replaced_by = -1;
    p->replaces = -1;
    children_retire(m, old, SIGQUIT);
  }
  if (m->phase == MASTER_STARTING && p->generation == m->gen &&
      generation_ready(m, m->gen, pm_initial_workers(m->cfg)))
    children_first_generation_ready(m);
  if (m->phase == MASTER_RELOADING && p->generation == m->next_gen &&
      generation_ready(m, m->next_gen, pm_initial_workers(m->next_cfg)))
    reload_commit(m);
}

void children_first_generation_ready(struct master *m) {
  assert(m->phase == MASTER_STARTING);
  m->phase = MASTER_SERVING;
  log_notice("ready: %d workers (pm = %s) serving FastCGI on %s%s%s", pm_initial_workers(m->cfg),
             config_pm_name(m->cfg), m->cfg->listen, m->cfg->http_listen ? " and HTTP on " : "",
             m->cfg->http_listen ? m->cfg->http_listen : "");
  children_notify_ready(m);
  pm_manage(m);
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
  do n = read(fd, notes, sizeof notes);
  while (n < 0 && errno == EINTR);
  if (n <= 0) {
    if (n < 0) log_warn("worker %d (pid %ld): reading its pipe: %s", p->index, (long)p->pid, strerror(errno));
    children_clear_note_pipe(p);
    return;
  }
  for (ssize_t i = 0; i < n; i++) {
    if (notes[i] == WORKER_NOTE_READY && p->state == PROC_LOADING) worker_ready(m, p);
    /* Act now rather than at the next tick: the worker accepts no more. */
    else if (notes[i] == WORKER_NOTE_MAX_REQUESTS)
      check_worker(m, p, clock_mono_ms(), false);
    else
      log_warn("worker %d (pid %ld) sent an unknown note 0x%02x", p->index, (long)p->pid,
               (unsigned char)notes[i]);
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
    int floor_ms = m->cfg->respawn_throttle_interval_ms /
                   (m->cfg->respawn_throttle_threshold > 0 ? m->cfg->respawn_throttle_threshold : 1);
    if (floor_ms < 1000) floor_ms = 1000;
    if (delay < floor_ms) delay = floor_ms;
  }
  if (crashed && delay > 0) log_warn("restarting in %d ms (back-off after repeated crashes)", delay);
  return delay;
}

void children_on_respawn_timer(evutil_socket_t fd, short what, void *arg) {
  (void)fd, (void)what;
  struct position *pos = arg;
  struct master *m = pos->m;
  if (m->phase == MASTER_STOPPING || pos->index >= m->cfg->workers ||
      children_position_has_worker(m, m->gen, pos->index))
    return;
  /* fork failed (e.g. EAGAIN): try again later rather than give up */
  if (children_spawn_worker(m, m->cfg, m->gen, pos->index, &m->lis, m->js_cache) == NULL)
    master_add_timer_ms(pos->respawn_ev, 1000);
}

void children_on_broker_respawn(evutil_socket_t fd, short what, void *arg) {
  (void)fd, (void)what;
  struct master *m = arg;
  if (m->phase == MASTER_STOPPING || m->broker.pid != 0) return;
  if (children_spawn_broker(m) < 0) master_add_timer_ms(m->broker.respawn_ev, 1000);
}

void children_on_node_respawn(evutil_socket_t fd, short what, void *arg) {
  (void)fd, (void)what;
  struct master *m = arg;
  if (m->phase == MASTER_STOPPING || m->node.pid != 0) return;
  if (children_spawn_node(m) < 0) master_add_timer_ms(m->node.respawn_ev, 1000);
}

static void describe_status(int status, char *buf, size_t len) {
  if (WIFEXITED(status))
    snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
  else if (WIFSIGNALED(status))
    snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
  else
    snprintf(buf, len, "stopped (status 0x%x)", status);
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
    log_notice("broker %s; starting it again (new [database] settings or migrations)", how);
    master_add_timer_ms(m->broker.respawn_ev, 0);
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
  master_add_timer_ms(m->broker.respawn_ev,
                      next_respawn_delay(m, &m->broker.backoff_ms, m->broker.started_ms, crashed));
}

/* The cluster node exited.  Stopping: its turn in the stop (master.c).
 * Refused (CLUSTER_NODE_EXIT_REFUSED: another node's or cluster's data, an
 * id the cluster gives another node), at any time: jsfpm stops, since a
 * restart would be refused the same way.  Starting: as for the broker,
 * the start fails (a port taken, a data_dir it cannot use are
 * configuration errors an operator must see).  Otherwise it is started
 * again after the back-off children share: an assertion in dqlite that
 * kills it at once every time must not make the master spin. */
static void node_exited(struct master *m, int status) {
  char how[96];
  describe_status(status, how, sizeof how);
  long long lived_ms = clock_mono_ms() - m->node.started_ms;
  m->node.pid = 0;
  if (m->phase == MASTER_STOPPING) {
    log_info("cluster node %d %s", m->cfg->cluster_node_id, how);
    return;
  }
  log_warn("cluster node %d %s after %lld ms", m->cfg->cluster_node_id, how, lived_ms);
  if (WIFEXITED(status) && WEXITSTATUS(status) == CLUSTER_NODE_EXIT_REFUSED) {
    log_error("cluster node %d refused to run (the reason above); stopping jsfpm: started again it would "
              "be refused again",
              m->cfg->cluster_node_id);
    m->exit_status = CLUSTER_NODE_EXIT_REFUSED; /* the unit's RestartPreventExitStatus */
    m->got_term = true;
    return;
  }
  if (m->phase == MASTER_STARTING) {
    log_error("cluster node failed during start-up; stopping (see the messages above)");
    m->exit_status = 1;
    m->got_term = true;
    return;
  }
  note_crash(m);
  int delay_ms = next_respawn_delay(m, &m->node.backoff_ms, m->node.started_ms, true);
  log_notice("cluster node %d: starting it again in %d ms", m->cfg->cluster_node_id, delay_ms);
  master_add_timer_ms(m->node.respawn_ev, delay_ms);
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
  worker_log_cut_off(
      m->cfg, p->pid, &snap, clock_mono_ms() - snap.request_start_mono_ms, 504,
      "still inside one native call past request_timeout: answered 504, the worker ended itself");
}

static void worker_exited(struct master *m, struct proc *p, int status) {
  assert(p->state != PROC_FREE);
  int slot = (int)(p - m->procs);
  char how[96];
  describe_status(status, how, sizeof how);
  bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  bool load_failure = WIFEXITED(status) && WEXITSTATUS(status) == WORKER_EXIT_APP_LOAD;
  if (WIFEXITED(status) && WEXITSTATUS(status) == WORKER_EXIT_OVERRUN) {
    log_overrun(m, p, slot);
    p->terminated = true; /* like a kill by request_terminate_timeout: no crash */
    m->terminated++;
  } else if (m->phase == MASTER_STOPPING || p->state == PROC_RETIRING)
    log_info("worker %d (pid %ld) %s", p->index, (long)p->pid, how);
  else if (p->terminated)
    log_notice("worker %d (pid %ld) %s after request_terminate_timeout; replacing it", p->index, (long)p->pid,
               how);
  else
    log_warn("worker %d (pid %ld, generation %u) %s", p->index, (long)p->pid, p->generation, how);

  /* Unlink it from a replacement pair. */
  if (p->replaced_by >= 0 && m->procs[p->replaced_by].replaces == slot)
    m->procs[p->replaced_by].replaces = -1;
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
  children_clear_note_pipe(p);
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
  if (children_position_has_worker(m, gen, index)) return; /* its replacement takes over */
  if (m->cfg->pm != PM_STATIC && m->phase != MASTER_STARTING) {
    /* pm_manage starts workers as they are needed, after the back-off. */
    m->pm_not_before_ms = clock_mono_ms() + next_respawn_delay(m, &m->pm_backoff_ms, started_ms, crashed);
    return;
  }
  struct position *pos = &m->positions[index];
  master_add_timer_ms(pos->respawn_ev, next_respawn_delay(m, &pos->backoff_ms, started_ms, crashed));
}

void children_reap(struct master *m) {
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
    if (pid == m->node.pid) {
      node_exited(m, status);
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

long long children_rss_bytes(pid_t pid) {
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
  struct proc *q = children_spawn_worker(m, m->cfg, m->gen, p->index, &m->lis, m->js_cache);
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
               "(process_control_timeout): killing it",
               p->index, (long)p->pid, cfg->process_control_timeout_ms);
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
              "request_terminate_timeout (%d ms); killing the worker [%s]",
              p->index, (long)p->pid, snap.requests + 1, snap.request_method, snap.request_path,
              now - snap.request_start_mono_ms, cfg->request_terminate_timeout_ms,
              snap.request_id[0] ? snap.request_id : "-");
    if (kill(p->pid, SIGKILL) == 0) {
      p->terminated = true;
      m->terminated++;
      worker_log_cut_off(cfg, p->pid, &snap, now - snap.request_start_mono_ms, 0,
                         "killed by request_terminate_timeout");
    }
    return;
  }
  if (p->state != PROC_SERVING || p->replaced_by >= 0 || p->generation != m->gen ||
      m->phase == MASTER_RELOADING || m->phase == MASTER_STOPPING)
    return;
  if (p->index < MAX_POSITIONS && now < m->positions[p->index].not_before_ms) return;
  const char *reason = NULL;
  if (p->max_requests > 0 && snap.requests >= p->max_requests)
    reason = "max_requests";
  else if (cfg->max_age_ms > 0 && now - p->started_ms >= cfg->max_age_ms)
    reason = "max_age";
  else if (cfg->max_rss_bytes > 0 && check_rss) {
    long long rss = children_rss_bytes(p->pid);
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
    double rate = m->last_status_ms ? (double)(accepted - m->last_status_accepted) * 1000.0 /
                                          (double)(now - m->last_status_ms)
                                    : 0.0;
    systemd_notifyf("STATUS=%s%d active, %d idle workers; %.1f req/s",
                    m->phase == MASTER_RELOADING ? "reloading; " : "", active, idle, rate);
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
  int queued, backlog;
  if (check_rss && status_listen_queue(m->lis.fcgi_fd, &queued, &backlog) == 0)
    scoreboard_note_listen_queue(m->sb, queued); /* max_listen_queue, sampled once a second */
  if (m->phase == MASTER_RELOADING && now >= m->reload_deadline_ms)
    reload_abort(m, "the new workers did not become ready in time");
  pm_manage(m);
  /* New [database] settings: the broker restarts once no old worker might
   * still be using it; the new workers reconnect. */
  if (m->restart_broker_after_reload && m->phase == MASTER_SERVING && !old_generation_running(m) &&
      m->broker.state == BROKER_RUNNING) {
    m->restart_broker_after_reload = false;
    m->broker.state = BROKER_RESTARTING;
    log_notice("reload: [database] settings or migrations changed: restarting the broker");
    privileges_prepare_paths(&m->priv, m->cfg, m->broker_path);
    kill(m->broker.pid, SIGTERM);
  }
  systemd_tick(m, now);
}

void children_on_tick(evutil_socket_t fd, short what, void *arg) {
  (void)fd, (void)what;
  master_tick(arg);
}

/* ---- signalling and counting ------------------------------------------------------- */

void children_signal(struct master *m, int sig) {
  for (int i = 0; i < SCOREBOARD_SLOTS; i++)
    if (m->procs[i].state != PROC_FREE) kill(m->procs[i].pid, sig);
}

int children_live_workers(const struct master *m) {
  int n = 0;
  for (int i = 0; i < SCOREBOARD_SLOTS; i++) n += m->procs[i].state != PROC_FREE;
  return n;
}

int children_live(const struct master *m) { return children_live_workers(m) + (m->broker.pid > 0); }
