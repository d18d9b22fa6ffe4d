/* pm.c: the process manager's decisions (see pm.h).
 *
 * dynamic: keep between pm.min_spare_servers and pm.max_spare_servers
 *   workers idle, never more than `workers` in all; stop one idle worker
 *   per tick while too many are idle.
 * ondemand: no worker until a connection waits; then one per waiting
 *   connection while none is idle (up to `workers`); a worker idle for
 *   pm.process_idle_timeout stops.
 * Both: connections waiting while no worker is idle start workers (the
 * listen queue drives spawns), and workers already starting count as the
 * idle ones they will be, so a slow app load is not answered with a second
 * round of forks.  Where the kernel does not show the queue, every worker
 * busy counts as one connection waiting; so does a hand-off queue that
 * holds connections while no worker is idle or starting (nginx may have
 * written a request into them, or not: one worker at a time, not one
 * each).
 */
#include "autoconfig.h"

#include "pm.h"

#include "config.h"

int pm_initial_workers(const struct jsfpm_config *cfg) {
  switch (cfg->pm) {
  case PM_DYNAMIC: return cfg->pm_start_servers;
  case PM_ONDEMAND: return 0;
  default: return cfg->workers;
  }
}

void pm_decide(const struct jsfpm_config *cfg, const struct pm_view *v, struct pm_decision *out) {
  *out = (struct pm_decision){0};
  if (cfg->pm == PM_STATIC) return;
  int room = cfg->workers - (v->starting + v->idle + v->busy);
  int want = 0;
  if (cfg->pm == PM_DYNAMIC) {
    want = cfg->pm_min_spare - (v->idle + v->starting);
    out->stop_idle = v->idle > cfg->pm_max_spare && v->longest_idle_ms > 0;
  } else {
    out->stop_idle = v->idle > 0 && v->longest_idle_ms >= cfg->pm_idle_timeout_ms;
  }
  bool none_free = v->idle == 0 && v->starting == 0;
  int queued = v->queued > 0 ? v->queued : 0;
  if (none_free && ((v->queued < 0 && v->busy > 0) || v->handed_off > 0)) queued++;
  if (queued > 0 && v->idle == 0 && queued - v->starting > want) want = queued - v->starting;
  if (want > room) want = room;
  out->spawn = want > 0 ? want : 0;
  if (out->spawn > 0) out->stop_idle = false;
}
