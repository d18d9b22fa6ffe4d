/* master_pm.c: the process manager applied (pm = dynamic | ondemand; the
 * decisions are pm.c's).  While SERVING, each tick looks at the serving
 * generation (starting, idle and busy workers, how long the idle ones have
 * been idle, the connections waiting at the doors), then starts workers at
 * the lowest free positions or retires the longest-idle one (QUIT: it
 * finishes as a retiring worker does).  Only an idle worker holding no
 * connection is stopped: one holding nginx's kept-alive connections would
 * pass them on to a worker started for them at once.
 *
 * With pm = ondemand and no worker, the master watches the doors (and the
 * hand-off queue, where a stopping worker's kept-alive connections wait)
 * itself, so the first connection starts a worker at once rather than at
 * the next tick.  It watches only then: it never wakes for connections a
 * worker takes.  A worker that crashed holds further starts back for the
 * back-off a static position's respawn would wait (pm_not_before_ms). */
#include "autoconfig.h"

#include <event2/event.h>
#include <signal.h>
#include <stdbool.h>

#include "clock.h"
#include "config.h"
#include "log.h"
#include "master_internal.h"
#include "pm.h"
#include "scoreboard.h"
#include "status.h"
#include "worker_handoff.h"

/* Starts a worker of the serving generation at its lowest free position;
 * false when none could start. */
static bool pm_spawn(struct master *m, const char *why) {
  for (int i = 0; i < m->cfg->workers && i < MAX_POSITIONS; i++) {
    if (children_position_has_worker(m, m->gen, i)) continue;
    log_info("pm: starting worker %d (%s)", i, why);
    return children_spawn_worker(m, m->cfg, m->gen, i, &m->lis, m->js_cache) != NULL;
  }
  return false;
}

static void on_pm_watch(evutil_socket_t fd, short what, void *arg);

/* Watches the doors and the hand-off queue (ON), or stops (off). */
static void pm_watch_set(struct master *m, bool on) {
  if (on == m->pm_watching) return;
  int fds[PM_WATCHED] = {m->lis.fcgi_fd, m->lis.http_fd, m->handoff[HANDOFF_RECEIVE]};
  for (int i = 0; i < PM_WATCHED; i++) {
    if (m->pm_watch[i]) event_free(m->pm_watch[i]);
    m->pm_watch[i] = NULL;
    if (!on || fds[i] < 0) continue;
    m->pm_watch[i] = event_new(m->base, fds[i], EV_READ, on_pm_watch, m);
    if (m->pm_watch[i] == NULL || event_add(m->pm_watch[i], NULL) < 0)
      log_warn("pm: cannot watch for connections; workers start on the next tick");
  }
  m->pm_watching = on;
}

void pm_watch_stop(struct master *m) { pm_watch_set(m, false); }

/* A connection waits and pm = ondemand has no worker. */
static void on_pm_watch(evutil_socket_t fd, short what, void *arg) {
  (void)fd, (void)what;
  struct master *m = arg;
  pm_watch_set(m, false);
  if (m->phase == MASTER_SERVING && clock_mono_ms() >= m->pm_not_before_ms &&
      !pm_spawn(m, "a connection waits"))
    log_warn("pm: could not start a worker; trying again on the next tick");
}

/* The serving generation as pm.c sees it; *LONGEST is the longest-idle
 * worker holding no connection (NULL: none). */
static void pm_look(struct master *m, long long now, struct pm_view *v, struct proc **longest) {
  *v = (struct pm_view){.queued = -1};
  *longest = NULL;
  for (int i = 0; i < SCOREBOARD_SLOTS; i++) {
    struct proc *p = &m->procs[i];
    if ((p->state != PROC_LOADING && p->state != PROC_SERVING) || p->generation != m->gen) continue;
    struct sb_slot s;
    scoreboard_read_slot(m->sb, i, &s);
    if (p->state == PROC_LOADING) {
      v->starting++;
    } else if (s.state == SB_BUSY || p->replaced_by >= 0) {
      v->busy++; /* a worker being recycled counts as busy: its replacement is starting */
    } else {
      v->idle++;
      long long since = s.requests > 0 ? s.request_start_mono_ms + s.last_duration_ms : p->started_ms;
      if (s.connections == 0 && (*longest == NULL || now - since > v->longest_idle_ms))
        v->longest_idle_ms = now - since, *longest = p;
    }
  }
  /* Connections waiting at either door, and in the hand-off queue (where
   * a worker busy past HANDOFF_AFTER_MS puts the FastCGI connections it
   * holds beside its request); read only while no worker is idle. */
  if (v->idle > 0) return;
  int queued, backlog, handed_off = handoff_queue_length(m->handoff[HANDOFF_RECEIVE]);
  v->handed_off = handed_off > 0 ? handed_off : 0;
  if (status_listen_queue(m->lis.fcgi_fd, &queued, &backlog) < 0) return;
  v->queued = queued;
  if (m->lis.http_fd >= 0 && status_listen_queue(m->lis.http_fd, &queued, &backlog) == 0) v->queued += queued;
}

void pm_manage(struct master *m) {
  if (m->phase != MASTER_SERVING || m->cfg->pm == PM_STATIC) {
    pm_watch_set(m, false);
    return;
  }
  long long now = clock_mono_ms();
  struct pm_view v;
  struct proc *longest;
  pm_look(m, now, &v, &longest);
  struct pm_decision d;
  pm_decide(m->cfg, &v, &d);
  bool backing_off = now < m->pm_not_before_ms;
  int started = 0;
  for (int i = 0; i < d.spawn && !backing_off; i++)
    started += pm_spawn(m, v.queued > 0 ? "connections waiting" : "too few idle workers");
  bool stopped = d.stop_idle && longest != NULL;
  if (stopped) {
    log_info("pm: stopping worker %d (pid %ld), idle for %lld ms", longest->index, (long)longest->pid,
             v.longest_idle_ms);
    children_retire(m, longest, SIGQUIT);
  }
  int left = v.starting + v.idle + v.busy + started - stopped;
  pm_watch_set(m, m->cfg->pm == PM_ONDEMAND && left == 0 && !backing_off);
}
