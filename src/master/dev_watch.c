/* dev_watch.c: inotify on the app folder (see dev_watch.h). */
#include "autoconfig.h"

#include "dev_watch.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

/* A saved file shows as CLOSE_WRITE (in place) or MOVED_TO (written
 * aside and renamed); CREATE alone is an empty file not written yet, but
 * also the only event of a new folder. */
#define WATCH_MASK (IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO)
#define MAX_WATCHED_DIRS 4096

struct watched_dir {
  int wd;
  char *rel; /* relative to the root: "" for the root itself */
};

struct dev_watch {
  int fd;
  char *root;
  struct watched_dir *dirs;
  size_t ndirs, cap;
  struct event *read_ev;
  struct event *settle_ev;
  struct dev_watch_calls calls;
};

/* Names that are never app code: hidden ones (.git, .jsfpm, editors'
 * swap files) and backups. */
static bool ignored_name(const char *name) {
  size_t n = strlen(name);
  return name[0] == '.' || (n > 0 && name[n - 1] == '~');
}

static void add_tree(struct dev_watch *w, const char *rel);

static void add_dir(struct dev_watch *w, const char *rel) {
  if (w->ndirs >= MAX_WATCHED_DIRS) {
    log_warn("watch: more than %d folders under %s; %s and the rest are not watched", MAX_WATCHED_DIRS,
             w->root, rel);
    return;
  }
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s%s%s", w->root, rel[0] ? "/" : "", rel);
  int wd = inotify_add_watch(w->fd, path, WATCH_MASK | IN_ONLYDIR | IN_DONT_FOLLOW);
  if (wd < 0) {
    log_warn("watch: %s: %s; changes there are not seen", path, strerror(errno));
    return;
  }
  for (size_t i = 0; i < w->ndirs; i++)
    if (w->dirs[i].wd == wd) return; /* already watched (a folder seen twice) */
  if (w->ndirs == w->cap) {
    size_t cap = w->cap ? w->cap * 2 : 16;
    struct watched_dir *grown = realloc(w->dirs, cap * sizeof *grown);
    if (grown == NULL) return;
    w->dirs = grown;
    w->cap = cap;
  }
  char *copy = strdup(rel);
  if (copy == NULL) return;
  w->dirs[w->ndirs++] = (struct watched_dir){wd, copy};
}

/* Watches REL and the folders below it; below node_modules only the
 * folder itself (an install changes it; its thousands of folders are not
 * edited by hand). */
static void add_tree(struct dev_watch *w, const char *rel) {
  add_dir(w, rel);
  size_t n = strlen(rel);
  if (n >= 12 && strcmp(rel + n - 12, "node_modules") == 0) return;
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s%s%s", w->root, rel[0] ? "/" : "", rel);
  DIR *d = opendir(path);
  if (d == NULL) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (ignored_name(e->d_name)) continue;
    char child[PATH_MAX];
    if (snprintf(child, sizeof child, "%s%s%s", rel, rel[0] ? "/" : "", e->d_name) >= (int)sizeof child)
      continue;
    struct stat st;
    char child_path[PATH_MAX];
    if (snprintf(child_path, sizeof child_path, "%s/%s", w->root, child) >= (int)sizeof child_path) continue;
    if (lstat(child_path, &st) == 0 && S_ISDIR(st.st_mode)) add_tree(w, child);
  }
  closedir(d);
}

static const char *dir_of(const struct dev_watch *w, int wd) {
  for (size_t i = 0; i < w->ndirs; i++)
    if (w->dirs[i].wd == wd) return w->dirs[i].rel;
  return NULL;
}

static void forget_dir(struct dev_watch *w, int wd) {
  for (size_t i = 0; i < w->ndirs; i++) {
    if (w->dirs[i].wd != wd) continue;
    free(w->dirs[i].rel);
    w->dirs[i] = w->dirs[--w->ndirs];
    return;
  }
}

static void on_settled(evutil_socket_t fd, short what, void *arg) {
  (void)fd, (void)what;
  struct dev_watch *w = arg;
  w->calls.on_settled(w->calls.arg);
}

static void note_change(struct dev_watch *w, const char *dir, const char *name) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s%s%s", dir, dir[0] && name[0] ? "/" : "", name);
  w->calls.on_change(w->calls.arg, path);
  struct timeval settle = {0, DEV_WATCH_SETTLE_MS * 1000};
  evtimer_add(w->settle_ev, &settle); /* re-armed: waits for the last event of a burst */
}

static void handle_event(struct dev_watch *w, const struct inotify_event *ev) {
  if (ev->mask & IN_Q_OVERFLOW) {
    note_change(w, "", "(many files)");
    return;
  }
  if (ev->mask & IN_IGNORED) {
    forget_dir(w, ev->wd);
    return;
  }
  const char *dir = dir_of(w, ev->wd);
  const char *name = ev->len ? ev->name : "";
  if (dir == NULL || (name[0] && ignored_name(name))) return;
  if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
    char rel[PATH_MAX];
    snprintf(rel, sizeof rel, "%s%s%s", dir, dir[0] ? "/" : "", name);
    add_tree(w, rel);
  }
  note_change(w, dir, name);
}

static void on_readable(evutil_socket_t fd, short what, void *arg) {
  (void)what;
  struct dev_watch *w = arg;
  char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno != EAGAIN && errno != EINTR) log_warn("watch: read: %s", strerror(errno));
      return;
    }
    for (char *p = buf; p < buf + n;) {
      const struct inotify_event *ev = (const struct inotify_event *)p;
      handle_event(w, ev);
      p += sizeof *ev + ev->len;
    }
  }
}

struct dev_watch *dev_watch_open(struct event_base *base, const char *root,
                                 const struct dev_watch_calls *calls, char *err, size_t errlen) {
  struct dev_watch *w = calloc(1, sizeof *w);
  if (w == NULL || (w->root = strdup(root)) == NULL) {
    snprintf(err, errlen, "out of memory");
    free(w);
    return NULL;
  }
  w->calls = *calls;
  w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (w->fd < 0) {
    snprintf(err, errlen, "inotify_init1: %s", strerror(errno));
    dev_watch_free(w);
    return NULL;
  }
  add_tree(w, "");
  w->read_ev = event_new(base, w->fd, EV_READ | EV_PERSIST, on_readable, w);
  w->settle_ev = evtimer_new(base, on_settled, w);
  if (w->ndirs == 0 || w->read_ev == NULL || w->settle_ev == NULL || event_add(w->read_ev, NULL) < 0) {
    snprintf(err, errlen, "cannot watch %s", root);
    dev_watch_free(w);
    return NULL;
  }
  return w;
}

void dev_watch_free(struct dev_watch *w) {
  if (w == NULL) return;
  if (w->read_ev) event_free(w->read_ev);
  if (w->settle_ev) event_free(w->settle_ev);
  if (w->fd >= 0) close(w->fd);
  for (size_t i = 0; i < w->ndirs; i++) free(w->dirs[i].rel);
  free(w->dirs);
  free(w->root);
  free(w);
}
