/* accept_pause.h: what a process does when accept() fails for lack of
 * descriptors or kernel memory (EMFILE, ENFILE, ENOBUFS, ENOMEM).
 *
 * The listening socket stays readable while its queue holds connections, so
 * a loop that just retries spins at full CPU and logs each failure (170,000
 * lines a second were seen).  Instead the caller's doors are unwatched and
 * watched again after a back-off (ACCEPT_PAUSE_FIRST_MS doubling up to
 * ACCEPT_PAUSE_MAX_MS), or at once when the process frees a descriptor.
 * An episode is logged twice: a warning when it begins, and a notice with
 * the number of refused attempts once accepting has gone on for
 * ACCEPT_PAUSE_CALM_MS without a refusal.
 */
#ifndef JSFPM_ACCEPT_PAUSE_H
#define JSFPM_ACCEPT_PAUSE_H

#include <stdbool.h>

struct event_base;
struct accept_pause;

/* Stops (WATCH false) or resumes (true) watching the listening sockets. */
typedef void (*accept_pause_watch_fn)(void *arg, bool watch);

/* WHAT names all the doors in log lines ("FastCGI and HTTP doors"); it
 * must outlive the pause.  Returns NULL when out of memory. */
struct accept_pause *accept_pause_new(struct event_base *base, const char *what, accept_pause_watch_fn watch,
                                      void *arg);
void accept_pause_free(struct accept_pause *p);

/* accept() on DOOR (or receiving a descriptor from it; named in the log
 * line) failed with ERR.  Returns true when ERR is a lack of resources:
 * the doors are unwatched until the back-off ends.  Other errors are left
 * to the caller. */
bool accept_pause_refused(struct accept_pause *p, const char *door, int err);
/* A descriptor was freed: if paused, watch the doors again now. */
void accept_pause_descriptor_freed(struct accept_pause *p);
/* True while the doors are unwatched because of a refusal. */
bool accept_pause_active(const struct accept_pause *p);

#endif
