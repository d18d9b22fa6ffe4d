/* master.c: the master process.
 *
 * The master never runs JavaScript and never opens the database.  It binds
 * every listening socket (FastCGI, HTTP, the broker's private socket), forks
 * the broker and N workers, and supervises them.  Signal handlers only set
 * flags (libevent's evsignal does the async-signal-safe part); all work
 * happens in master_run's loop, which reads top to bottom:
 *
 *   wait for an event -> act on stop flags -> reap children -> respawn
 *
 * Invariants: a slot's pid is 0 exactly when no process runs for it; a slot
 * with pid 0 has its respawn timer pending unless the master is stopping.
 */
#include "autoconfig.h"

#include "master.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "broker.h"
#include "config.h"
#include "db_client.h"
#include "log.h"
#include "sock.h"
#include "worker.h"

#define BROKER_START_TIMEOUT_MS 60000 /* migrations may take a while */
#define STOP_TIMEOUT_MS 1500          /* fast stop: TERM, then KILL after this */
#define BACKOFF_MAX_MS 30000
#define STABLE_AFTER_MS 10000         /* a child that lived this long resets its back-off */

enum child_kind { CHILD_BROKER, CHILD_WORKER };

struct child_slot {
  enum child_kind kind;
  int index;                 /* worker number; 0 for the broker */
  pid_t pid;                 /* 0 = not running */
  bool ready;                /* worker: app loaded; broker: answered ping */
  long long started_ms;      /* monotonic start time */
  int backoff_ms;            /* next respawn delay after a crash */
  int ready_pipe;            /* read end while waiting for a worker's ready byte, else -1 */
  struct event *ready_ev;
  struct event *respawn_ev;
  struct master *master;
};

struct master {
  struct jsfpm_config *cfg;
  struct event_base *base;
  int fcgi_fd, http_fd, broker_fd;
  char *broker_path;
  struct child_slot broker;
  struct child_slot *workers;
  bool starting;             /* first generation not yet ready: failures are fatal */
  int exit_status;
  /* Set by signal callbacks, acted on by the loop. */
  volatile bool got_term, got_quit, got_child, got_usr1;
  bool stopping;
  bool wrote_pid_file;
};

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_signal(evutil_socket_t sig, short what, void *arg) {
  (void)what;
  struct master *m = arg;
  switch (sig) {
  case SIGTERM:
  case SIGINT: m->got_term = true; break;
  case SIGQUIT: m->got_quit = true; break;
  case SIGCHLD: m->got_child = true; break;
  case SIGUSR1: m->got_usr1 = true; break;
  default: break;
  }
  event_base_loopbreak(m->base);
}

static int make_runtime_dir(const char *dir) {
  if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
    log_error("runtime_dir %s: cannot create: %s", dir, strerror(errno));
    return -1;
  }
  struct stat st;
  if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
    log_error("runtime_dir %s: not a directory", dir);
    return -1;
  }
  /* The broker socket's safety rests on this directory being private. */
  if ((st.st_mode & 077) != 0 && st.st_uid == geteuid() && chmod(dir, 0700) < 0) {
    log_error("runtime_dir %s: cannot make it private: %s", dir, strerror(errno));
    return -1;
  }
  return 0;
}

static int write_pid_file(const char *path) {
  char buf[32];
  int len = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || write(fd, buf, (size_t)len) != len) {
    log_error("pid_file %s: %s", path, strerror(errno));
    if (fd >= 0) close(fd);
    return -1;
  }
  return close(fd);
}

/* In a freshly forked child: forget the master's event loop without
 * touching the epoll instance the master still uses (event_reinit gives the
 * child its own backend first), and restore default signal handling. */
static void child_after_fork(struct master *m, struct child_slot *self) {
  event_reinit(m->base);
  event_base_free(m->base);
  m->base = NULL;
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  static const int sigs[] = {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2, SIGCHLD, SIGPIPE};
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], SIG_DFL);
  signal(SIGPIPE, SIG_IGN);
  /* If the master dies, children must not serve on unsupervised. */
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() == 1) _exit(1);
  (void)self;
}

static void child_slot_clear_ready(struct child_slot *s) {
  if (s->ready_ev) {
    event_free(s->ready_ev);
    s->ready_ev = NULL;
  }
  if (s->ready_pipe >= 0) {
    close(s->ready_pipe);
    s->ready_pipe = -1;
  }
}

static void on_worker_ready(evutil_socket_t fd, short what, void *arg);

static int spawn(struct master *m, struct child_slot *s) {
  int pipefd[2] = {-1, -1};
  if (s->kind == CHILD_WORKER && pipe2(pipefd, O_CLOEXEC) < 0) {
    log_error("pipe: %s", strerror(errno));
    return -1;
  }
  pid_t pid = fork();
  if (pid < 0) {
    log_error("fork: %s", strerror(errno));
    if (pipefd[0] >= 0) close(pipefd[0]), close(pipefd[1]);
    return -1;
  }
  if (pid == 0) {
    child_after_fork(m, s);
    int status;
    if (s->kind == CHILD_BROKER) {
      close(m->fcgi_fd);
      if (m->http_fd >= 0) close(m->http_fd);
      status = broker_main(m->cfg, m->broker_fd);
    } else {
      close(pipefd[0]);
      close(m->broker_fd);
      struct worker_args args = {.cfg = m->cfg, .fcgi_fd = m->fcgi_fd, .http_fd = m->http_fd,
                                 .broker_path = m->broker_path, .ready_fd = pipefd[1],
                                 .slot = s->index};
      status = worker_main(&args);
    }
    free(m->broker_path);
    free(m->workers);
    config_free(m->cfg);
    log_close();
    exit(status);
  }
  s->pid = pid;
  s->ready = false;
  s->started_ms = now_ms();
  if (s->kind == CHILD_WORKER) {
    close(pipefd[1]);
    s->ready_pipe = pipefd[0];
    s->ready_ev = event_new(m->base, pipefd[0], EV_READ, on_worker_ready, s);
    if (s->ready_ev == NULL || event_add(s->ready_ev, NULL) < 0) {
      log_error("cannot watch worker %d's ready pipe", s->index);
      return -1;
    }
    log_info("worker %d started, pid %ld", s->index, (long)pid);
  } else {
    log_info("broker started, pid %ld", (long)pid);
  }
  return 0;
}

static bool all_workers_ready(const struct master *m) {
  for (int i = 0; i < m->cfg->workers; i++)
    if (!m->workers[i].ready) return false;
  return true;
}

static void on_worker_ready(evutil_socket_t fd, short what, void *arg) {
  (void)what;
  struct child_slot *s = arg;
  char byte;
  ssize_t n = read(fd, &byte, 1);
  child_slot_clear_ready(s);
  if (n != 1) return; /* the worker died before it was ready: the reaper handles it */
  s->ready = true;
  s->backoff_ms = 0;
  struct master *m = s->master;
  if (m->starting && all_workers_ready(m)) {
    m->starting = false;
    log_notice("ready: %d workers serving FastCGI on %s%s%s", m->cfg->workers, m->cfg->listen,
               m->cfg->http_listen ? " and HTTP on " : "",
               m->cfg->http_listen ? m->cfg->http_listen : "");
  }
}

static void on_respawn_timer(evutil_socket_t fd, short what, void *arg) {
  (void)fd, (void)what;
  struct child_slot *s = arg;
  if (s->master->stopping || s->pid != 0) return;
  if (spawn(s->master, s) < 0) {
    /* fork failed (e.g. EAGAIN): try again later rather than give up */
    struct timeval tv = {1, 0};
    event_add(s->respawn_ev, &tv);
  }
}

static void schedule_respawn(struct master *m, struct child_slot *s, bool crashed) {
  long long lived = now_ms() - s->started_ms;
  if (!crashed || lived >= STABLE_AFTER_MS) s->backoff_ms = 0;
  int delay = s->backoff_ms;
  s->backoff_ms = delay == 0 ? m->cfg->respawn_delay_ms : delay * 2;
  if (s->backoff_ms > BACKOFF_MAX_MS) s->backoff_ms = BACKOFF_MAX_MS;
  if (delay > 0) log_warn("restarting in %d ms (back-off after repeated crashes)", delay);
  struct timeval tv = {delay / 1000, (delay % 1000) * 1000};
  event_add(s->respawn_ev, &tv);
}

static struct child_slot *find_slot(struct master *m, pid_t pid) {
  if (m->broker.pid == pid) return &m->broker;
  for (int i = 0; i < m->cfg->workers; i++)
    if (m->workers[i].pid == pid) return &m->workers[i];
  return NULL;
}

static void describe_status(int status, char *buf, size_t len) {
  if (WIFEXITED(status)) snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
  else if (WIFSIGNALED(status))
    snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
  else snprintf(buf, len, "stopped (status 0x%x)", status);
}

static void reap_children(struct master *m) {
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) {
      if (pid < 0 && errno != ECHILD) log_error("waitpid: %s", strerror(errno));
      return;
    }
    struct child_slot *s = find_slot(m, pid);
    if (s == NULL) continue;
    char how[96];
    describe_status(status, how, sizeof how);
    bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    const char *what = s->kind == CHILD_BROKER ? "broker" : "worker";
    s->pid = 0;
    child_slot_clear_ready(s);
    if (m->stopping) {
      log_info("%s pid %ld %s", what, (long)pid, how);
      continue;
    }
    log_warn("%s %d (pid %ld) %s", what, s->index, (long)pid, how);
    /* During start-up a child that cannot load (bad app, bad database,
     * failing migration) will fail the same way again: stop with an error
     * instead of respawning forever. */
    bool load_failure = WIFEXITED(status) && WEXITSTATUS(status) == WORKER_EXIT_APP_LOAD;
    if (m->starting && (load_failure || s->kind == CHILD_BROKER)) {
      log_error("%s failed during start-up; stopping (see the messages above)", what);
      m->exit_status = 1;
      m->got_term = true;
      continue;
    }
    schedule_respawn(m, s, !clean);
  }
}

static void signal_children(struct master *m, int sig, bool workers, bool broker) {
  if (broker && m->broker.pid > 0) kill(m->broker.pid, sig);
  if (workers)
    for (int i = 0; i < m->cfg->workers; i++)
      if (m->workers[i].pid > 0) kill(m->workers[i].pid, sig);
}

static int live_children(const struct master *m, bool count_broker) {
  int n = count_broker && m->broker.pid > 0;
  for (int i = 0; i < m->cfg->workers; i++) n += m->workers[i].pid > 0;
  return n;
}

/* Blocks until every child is gone or DEADLINE passes; reaps as it goes. */
static void wait_children(struct master *m, bool count_broker, long long deadline) {
  while (live_children(m, count_broker) > 0 && now_ms() < deadline) {
    struct timespec pause = {0, 10 * 1000 * 1000};
    nanosleep(&pause, NULL);
    reap_children(m);
  }
}

/* Fast stop: TERM to everyone, KILL to whoever is left after the timeout.
 * Graceful stop (QUIT): workers finish their current request first; the
 * broker goes last so in-flight requests can still reach the database. */
static void stop_children(struct master *m, bool graceful) {
  m->stopping = true;
  if (graceful) {
    log_notice("graceful stop: letting workers finish their requests");
    signal_children(m, SIGQUIT, true, false);
    wait_children(m, false, now_ms() + 30000);
  }
  signal_children(m, SIGTERM, true, !graceful || live_children(m, false) == 0);
  wait_children(m, false, now_ms() + STOP_TIMEOUT_MS);
  signal_children(m, SIGTERM, false, true);
  wait_children(m, true, now_ms() + STOP_TIMEOUT_MS);
  if (live_children(m, true) > 0) {
    log_warn("children still alive after the stop timeout: killing them");
    signal_children(m, SIGKILL, true, true);
    wait_children(m, true, now_ms() + STOP_TIMEOUT_MS);
  }
}

/* Waits for the broker to answer a ping; fails if it exits first (for
 * example a migration failed) or the timeout passes. */
static int wait_broker_ready(struct master *m) {
  struct db_client *c = db_client_new(m->broker_path);
  json_t *ping = json_pack("{s:s}", "op", "ping");
  long long deadline = now_ms() + BROKER_START_TIMEOUT_MS;
  int rc = -1;
  while (c && ping && now_ms() < deadline) {
    char err[256];
    json_t *reply = db_client_call(c, ping, 250, err, sizeof err);
    if (reply != NULL) {
      json_decref(reply);
      rc = 0;
      break;
    }
    int status;
    pid_t pid = waitpid(m->broker.pid, &status, WNOHANG);
    if (pid == m->broker.pid) {
      char how[96];
      describe_status(status, how, sizeof how);
      log_error("broker %s during start-up; stopping (see the messages above)", how);
      m->broker.pid = 0;
      break;
    }
  }
  if (rc < 0 && m->broker.pid != 0) log_error("broker did not become ready in time");
  json_decref(ping);
  db_client_free(c);
  m->broker.ready = rc == 0;
  return rc;
}

/* Removes only what this master created: a socket another server owns, or
 * a pid file we failed to write, is left alone. */
static void remove_files(struct master *m) {
  if (m->wrote_pid_file) unlink(m->cfg->pid_file);
  if (m->fcgi_fd >= 0 && sock_spec_is_unix(m->cfg->listen)) unlink(m->cfg->listen);
  if (m->broker_fd >= 0) unlink(m->broker_path);
}

static int open_sockets(struct master *m) {
  struct jsfpm_config *cfg = m->cfg;
  char err[512];
  m->fcgi_fd = sock_listen(cfg->listen, cfg->listen_backlog, cfg->listen_mode, cfg->listen_owner,
                           cfg->listen_group, err, sizeof err);
  if (m->fcgi_fd < 0) {
    log_error("listen: %s", err);
    return -1;
  }
  if (cfg->http_listen != NULL) {
    m->http_fd = sock_listen(cfg->http_listen, cfg->listen_backlog, 0600, NULL, NULL, err,
                             sizeof err);
    if (m->http_fd < 0) {
      log_error("http_listen: %s", err);
      return -1;
    }
  }
  if (asprintf(&m->broker_path, "%s/broker.sock", cfg->runtime_dir) < 0) return -1;
  m->broker_fd = sock_listen(m->broker_path, 128, 0600, NULL, NULL, err, sizeof err);
  if (m->broker_fd < 0) {
    log_error("broker socket: %s", err);
    free(m->broker_path);
    m->broker_path = NULL;
    return -1;
  }
  return 0;
}

static void init_slot(struct master *m, struct child_slot *s, enum child_kind kind, int index) {
  memset(s, 0, sizeof *s);
  s->kind = kind;
  s->index = index;
  s->ready_pipe = -1;
  s->master = m;
  s->respawn_ev = evtimer_new(m->base, on_respawn_timer, s);
}

static void free_slot(struct child_slot *s) {
  child_slot_clear_ready(s);
  if (s->respawn_ev) event_free(s->respawn_ev);
  s->respawn_ev = NULL;
}

int master_run(struct jsfpm_config *cfg) {
  struct master m = {.cfg = cfg, .fcgi_fd = -1, .http_fd = -1, .broker_fd = -1, .starting = true};
  struct event *sig_ev[5] = {0};
  static const int sigs[5] = {SIGTERM, SIGINT, SIGQUIT, SIGCHLD, SIGUSR1};
  int rc = 1;

  log_set_role("master");
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN); /* reload arrives with the operations work; never die of it */
  m.base = event_base_new();
  if (m.base == NULL) {
    log_error("cannot create the event loop");
    goto out;
  }
  for (int i = 0; i < 5; i++) {
    sig_ev[i] = evsignal_new(m.base, sigs[i], on_signal, &m);
    if (sig_ev[i] == NULL || event_add(sig_ev[i], NULL) < 0) {
      log_error("cannot install handler for signal %d", sigs[i]);
      goto out;
    }
  }
  if (make_runtime_dir(cfg->runtime_dir) < 0 || open_sockets(&m) < 0) goto out;
  if (cfg->pid_file) {
    if (write_pid_file(cfg->pid_file) < 0) goto out;
    m.wrote_pid_file = true;
  }

  m.workers = calloc((size_t)cfg->workers, sizeof *m.workers);
  if (m.workers == NULL) goto out;
  init_slot(&m, &m.broker, CHILD_BROKER, 0);
  for (int i = 0; i < cfg->workers; i++) init_slot(&m, &m.workers[i], CHILD_WORKER, i);

  log_notice("jsfpm %s starting: config %s, %d workers", JSFPM_VERSION, cfg->file, cfg->workers);
  if (spawn(&m, &m.broker) < 0 || wait_broker_ready(&m) < 0) {
    m.exit_status = 1;
    m.got_term = true;
  } else {
    for (int i = 0; i < cfg->workers && !m.got_term; i++)
      if (spawn(&m, &m.workers[i]) < 0) m.got_term = true, m.exit_status = 1;
  }

  /* The master loop. */
  for (;;) {
    if (m.got_child) {
      m.got_child = false;
      reap_children(&m);
    }
    if (m.got_term || m.got_quit) break;
    if (m.got_usr1) {
      m.got_usr1 = false;
      if (log_reopen() < 0) log_error("cannot reopen the log: %s", strerror(errno));
      else log_notice("log reopened");
      signal_children(&m, SIGUSR1, true, true);
    }
    event_base_loop(m.base, EVLOOP_ONCE);
  }

  log_notice("%s stop requested", m.got_quit && !m.got_term ? "graceful" : "fast");
  stop_children(&m, m.got_quit && !m.got_term);
  rc = m.exit_status;
  log_notice("stopped");

out:
  remove_files(&m);
  if (m.workers) {
    for (int i = 0; i < cfg->workers; i++) free_slot(&m.workers[i]);
    free_slot(&m.broker);
  }
  free(m.workers);
  free(m.broker_path);
  for (int i = 0; i < 5; i++)
    if (sig_ev[i]) event_free(sig_ev[i]);
  if (m.base) event_base_free(m.base);
  if (m.fcgi_fd >= 0) close(m.fcgi_fd);
  if (m.http_fd >= 0) close(m.http_fd);
  if (m.broker_fd >= 0) close(m.broker_fd);
  config_free(cfg);
  return rc;
}
