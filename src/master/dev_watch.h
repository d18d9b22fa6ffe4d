/* dev_watch.h: watching the app folder for changes ([app] watch = yes,
 * which `jsfpm dev` sets).
 *
 * The master watches the app root and its folders with inotify (folders
 * created later too): it is told each changed path, and once the changes
 * have settled for DEV_WATCH_SETTLE_MS (an editor's save is several
 * events), that they have; the master then reloads as on HUP.  Hidden files and folders (.git,
 * the .jsfpm state folder, editors' .swp files), backups ending in "~" and
 * what lies below node_modules/ are not watched.
 */
#ifndef JSFPM_DEV_WATCH_H
#define JSFPM_DEV_WATCH_H

#include <event2/event.h>

#define DEV_WATCH_SETTLE_MS 30

struct dev_watch;

/* ON_CHANGE: PATH (relative to the root) changed; ON_SETTLED: no change
 * came for DEV_WATCH_SETTLE_MS after some. */
struct dev_watch_calls {
  void (*on_change)(void *arg, const char *path);
  void (*on_settled)(void *arg);
  void *arg;
};

/* Starts watching ROOT on BASE.  Returns NULL with ERR on failure. */
struct dev_watch *dev_watch_open(struct event_base *base, const char *root,
                                 const struct dev_watch_calls *calls, char *err, size_t errlen);
void dev_watch_free(struct dev_watch *w);

#endif
