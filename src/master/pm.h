/* pm.h: the process manager's decisions (pm = static | dynamic | ondemand),
 * php-fpm's rules: how many workers a generation starts with and, from what
 * the master sees of the serving generation each tick, whether to start
 * workers or stop an idle one.  Pure logic: master_pm.c applies it to the
 * processes. */
#ifndef JSFPM_PM_H
#define JSFPM_PM_H

#include <stdbool.h>

struct jsfpm_config;

/* The serving generation's workers, retiring ones aside. */
struct pm_view {
  int starting, idle, busy;  /* idle: serving and without a request */
  int queued;                /* connections waiting for accept() at the doors; -1 = unknown */
  int handed_off;            /* connections in the hand-off queue (worker_handoff.h): kept-alive
                                ones, or ones a worker took just before its request went long */
  long long longest_idle_ms; /* how long the longest-idle worker holding no connection has been
                                idle; 0 = none such (only such a worker is stopped) */
};

struct pm_decision {
  int spawn;      /* workers to start now */
  bool stop_idle; /* stop the longest-idle worker holding no connection */
};

/* Workers a generation starts with: workers (static), pm.start_servers
 * (dynamic), none (ondemand). */
int pm_initial_workers(const struct jsfpm_config *cfg);
/* What to do now (nothing for pm = static, whose positions respawn). */
void pm_decide(const struct jsfpm_config *cfg, const struct pm_view *v, struct pm_decision *out);

#endif
