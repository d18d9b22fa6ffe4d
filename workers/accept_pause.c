/* accept_pause.c: back-off for listening sockets when accept() runs out of
 * descriptors or memory; see accept_pause.h. */
#include "autoconfig.h"

#include "accept_pause.h"

#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"

#define ACCEPT_PAUSE_FIRST_MS 10
/* Short enough that a descriptor freed elsewhere (not through
 * accept_pause_descriptor_freed) is noticed well within a second; a paused
 * process then costs one failed accept() per door this often. */
#define ACCEPT_PAUSE_MAX_MS 200
#define ACCEPT_PAUSE_CALM_MS 1000

struct accept_pause {
  const char *what; /* the doors, for log lines */
  accept_pause_watch_fn watch;
  void *arg;
  struct event *timer_ev;    /* unwatched: ends the back-off; watched: the calm check */
  bool unwatched;            /* the doors are not watched now */
  int backoff_ms;            /* the current back-off; 0 = no episode */
  long long since_ms;        /* monotonic start of the episode */
  long long last_refused_ms; /* monotonic time of its last refusal */
  unsigned long refused;     /* attempts refused in this episode */
  int first_err;             /* errno that began the episode */
};

static void pause_timer_add(struct accept_pause *p, int ms) {
  struct timeval tv = clock_timeval(ms);
  if (evtimer_add(p->timer_ev, &tv) < 0) {
    /* Without the timer the doors must not stay unwatched. */
    log_error("%s: cannot schedule the accept back-off", p->what);
    if (p->unwatched) {
      p->unwatched = false;
      p->watch(p->arg, true);
    }
  }
}

static void rewatch(struct accept_pause *p) {
  p->unwatched = false;
  p->watch(p->arg, true);
  pause_timer_add(p, ACCEPT_PAUSE_CALM_MS);
}

static void on_pause_timer(evutil_socket_t fd, short what, void *arg) {
  (void)fd, (void)what;
  struct accept_pause *p = arg;
  if (p->unwatched) {
    rewatch(p);
    return;
  }
  /* Watched for ACCEPT_PAUSE_CALM_MS without a refusal: the episode is over. */
  log_notice("%s: accepting again; out of resources (%s) for %lld ms, %lu attempts refused", p->what,
             strerror(p->first_err), p->last_refused_ms - p->since_ms, p->refused);
  p->backoff_ms = 0;
  p->refused = 0;
}

struct accept_pause *accept_pause_new(struct event_base *base, const char *what, accept_pause_watch_fn watch,
                                      void *arg) {
  struct accept_pause *p = calloc(1, sizeof *p);
  if (p == NULL) return NULL;
  *p = (struct accept_pause){.what = what, .watch = watch, .arg = arg};
  p->timer_ev = evtimer_new(base, on_pause_timer, p);
  if (p->timer_ev == NULL) {
    free(p);
    return NULL;
  }
  return p;
}

void accept_pause_free(struct accept_pause *p) {
  if (p == NULL) return;
  event_free(p->timer_ev);
  free(p);
}

bool accept_pause_refused(struct accept_pause *p, const char *door, int err) {
  if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM) return false;
  p->refused++;
  p->last_refused_ms = clock_mono_ms();
  if (p->backoff_ms == 0) {
    p->backoff_ms = ACCEPT_PAUSE_FIRST_MS;
    p->since_ms = p->last_refused_ms;
    p->first_err = err;
    log_warn("%s: %s; pausing the %s until a descriptor frees (retrying from every %d ms up to "
             "every %d ms)",
             door, strerror(err), p->what, ACCEPT_PAUSE_FIRST_MS, ACCEPT_PAUSE_MAX_MS);
  } else {
    /* Refused again after resuming: wait longer next time. */
    p->backoff_ms = p->backoff_ms * 2 > ACCEPT_PAUSE_MAX_MS ? ACCEPT_PAUSE_MAX_MS : p->backoff_ms * 2;
  }
  if (!p->unwatched) {
    p->unwatched = true;
    p->watch(p->arg, false);
  }
  pause_timer_add(p, p->backoff_ms);
  return true;
}

void accept_pause_descriptor_freed(struct accept_pause *p) {
  if (p != NULL && p->unwatched) rewatch(p);
}

bool accept_pause_active(const struct accept_pause *p) { return p != NULL && p->unwatched; }
