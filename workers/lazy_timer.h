/* lazy_timer.h: a one-shot timer signal that watches the request in
 * progress, armed lazily.
 *
 * A worker that must act while a request runs (the request holds its only
 * thread, maybe inside one native call) does so from a timer's signal
 * handler: the deadline timer (worker_js.c) and the hand-off timer
 * (worker_handoff.c).  Arming a timer costs a system call and most requests
 * end long before the timer matters, so a request arms it only when it is
 * not pending already.  That is enough because the moment each request
 * wants is never earlier than the one an earlier request wanted (a time
 * limit counted from its start): a timer still pending from an earlier
 * request fires early, and the handler then re-arms it for what the current
 * request has left (lazy_timer_again), or lets it lapse between requests
 * (lazy_timer_lapse).  So short requests cost no system call but the
 * occasional timer_settime.
 *
 * The handler publishes nothing of its own: the caller keeps the state it
 * reads (the request's start or deadline) in lock-free atomics, stored
 * before lazy_timer_arm.  Handlers of these timers never interrupt one
 * another: every signal is blocked while one runs.
 */
#ifndef JSFPM_LAZY_TIMER_H
#define JSFPM_LAZY_TIMER_H

#include <signal.h>
#include <stdbool.h>
#include <time.h>

struct lazy_timer {
  timer_t id;
  bool created;                  /* timer_create succeeded */
  volatile sig_atomic_t pending; /* armed: it will fire */
};

/* Creates T (CLOCK_MONOTONIC), its expiry delivering SIGNO to HANDLER.
 * Returns 0, or -1 with errno set (T is then never armed). */
int lazy_timer_init(struct lazy_timer *t, int signo, void (*handler)(int));
void lazy_timer_free(struct lazy_timer *t);

/* Main code: makes the timer fire within MS from now unless it is pending
 * already (then it fires earlier, see above).  A failure is logged with
 * WHAT ("the deadline timer"). */
void lazy_timer_arm(struct lazy_timer *t, long long ms, const char *what);

/* Handler (async-signal-safe): fire again in MS (at least 1). */
void lazy_timer_again(struct lazy_timer *t, long long ms);
/* Handler: nothing to watch; the next lazy_timer_arm arms it. */
void lazy_timer_lapse(struct lazy_timer *t);

#endif
