/* lazy_timer.c: a lazily armed one-shot timer signal; see lazy_timer.h. */
#include "autoconfig.h"

#include "lazy_timer.h"

#include <errno.h>
#include <string.h>

#include "clock.h"
#include "log.h"

int lazy_timer_init(struct lazy_timer *t, int signo, void (*handler)(int)) {
  *t = (struct lazy_timer){0};
  struct sigaction sa = {.sa_handler = handler, .sa_flags = SA_RESTART};
  sigfillset(&sa.sa_mask);
  if (sigaction(signo, &sa, NULL) < 0) return -1;
  struct sigevent sev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = signo};
  if (timer_create(CLOCK_MONOTONIC, &sev, &t->id) < 0) return -1;
  t->created = true;
  return 0;
}

void lazy_timer_free(struct lazy_timer *t) {
  if (!t->created) return;
  t->created = false;
  t->pending = 0;
  if (timer_delete(t->id) < 0) log_warn("timer_delete: %s", strerror(errno));
}

/* Async-signal-safe: timer_settime is. */
static int lazy_timer_set(struct lazy_timer *t, long long ms) {
  if (ms < 1) ms = 1;
  struct itimerspec its = {.it_value = clock_timespec(ms)};
  return timer_settime(t->id, 0, &its, NULL);
}

void lazy_timer_arm(struct lazy_timer *t, long long ms, const char *what) {
  if (!t->created || t->pending) return;
  /* Raised first: a signal from here on finds the caller's new state and
   * re-arms for it. */
  t->pending = 1;
  if (lazy_timer_set(t, ms) < 0) {
    t->pending = 0;
    log_warn("cannot arm %s: %s", what, strerror(errno));
  }
}

void lazy_timer_again(struct lazy_timer *t, long long ms) {
  if (lazy_timer_set(t, ms) < 0) t->pending = 0;
}

void lazy_timer_lapse(struct lazy_timer *t) { t->pending = 0; }
