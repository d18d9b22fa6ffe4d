/* privileges.c: dropping root in the children (see privileges.h). */
#include "autoconfig.h"

#include "privileges.h"

#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "durable.h"
#include "log.h"
#include "safefile.h"

static bool env_allows_root(void) {
  const char *v = getenv("JSFPM_ALLOW_ROOT");
  return v != NULL && strcmp(v, "1") == 0;
}

int privileges_resolve(const struct jsfpm_config *cfg, struct privileges *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  bool root = geteuid() == 0;
  bool allow_root = cfg->allow_root || env_allows_root();
  if (cfg->user == NULL) {
    if (cfg->group != NULL) {
      snprintf(err, errlen, "[server] group is set but user is not: set both");
      return -1;
    }
    if (root && !allow_root) {
      snprintf(err, errlen,
               "refusing to run the broker and workers as root: set [server] user (and group), "
               "or allow_root = yes if you really mean it");
      return -1;
    }
    return 0;
  }
  struct passwd *pw = getpwnam(cfg->user);
  if (pw == NULL) {
    snprintf(err, errlen, "[server] user: no such user '%s'", cfg->user);
    return -1;
  }
  out->uid = pw->pw_uid;
  out->gid = pw->pw_gid;
  if (cfg->group) {
    struct group *gr = getgrnam(cfg->group);
    if (gr == NULL) {
      snprintf(err, errlen, "[server] group: no such group '%s'", cfg->group);
      return -1;
    }
    out->gid = gr->gr_gid;
  }
  if (out->uid == 0 && !allow_root) {
    snprintf(err, errlen, "[server] user: '%s' is root; set allow_root = yes if you really mean it",
             cfg->user);
    return -1;
  }
  if (!root) {
    /* Only root can switch; running as that user already is fine. */
    if (out->uid != geteuid()) {
      snprintf(err, errlen, "[server] user = %s needs jsfpm to be started as root", cfg->user);
      return -1;
    }
    return 0;
  }
  out->drop = true;
  out->user_name = strdup(cfg->user);
  if (out->user_name == NULL) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  return 0;
}

void privileges_free(struct privileges *p) {
  free(p->user_name);
  p->user_name = NULL;
}

/* Hands PATH, a TYPE (S_IFREG, S_IFDIR, S_IFSOCK), to the children's
 * user, never through a link (safefile.h).  Returns 0, or -1 (logged) when
 * the file is missing (if MUST_EXIST), or is not what was expected: then
 * it is left as it is. */
static int give(const struct privileges *p, const char *path, mode_t type, bool must_exist) {
  char why[256];
  if (safefile_chown(path, type, p->uid, p->gid, why, sizeof why) == 0) return 0;
  if (!must_exist && errno == ENOENT) return 0;
  log_error("%s: not handed to user %s: %s", path, p->user_name, why);
  return -1;
}

int privileges_give(const struct privileges *p, const char *path) {
  if (!p->drop || path == NULL || strcmp(path, "stderr") == 0) return 0;
  return give(p, path, S_IFREG, false);
}

int privileges_give_fd(const struct privileges *p, int fd, const char *path) {
  if (!p->drop || fchown(fd, p->uid, p->gid) == 0) return 0;
  log_error("%s: not handed to user %s: %s", path, p->user_name, strerror(errno));
  return -1;
}

/* Cluster mode: the node's data directory, DIR, for the children's user.
 * Created (mode 0700, as the node would) and handed over when missing; an
 * existing one is only checked: the node, running as the user, must own
 * it (it holds the Raft log and snapshots, the whole database). */
static int prepare_cluster_dir(const struct privileges *p, const char *dir) {
  if (mkdir(dir, 0700) == 0) {
    if (give(p, dir, S_IFDIR, true) < 0) return -1;
    if (durable_sync_parent(dir) != 0) {
      log_error("cluster data_dir %s: cannot make it durable (fsync): %s", dir, strerror(errno));
      return -1;
    }
    return 0;
  }
  if (errno != EEXIST) {
    log_error("cluster data_dir %s: cannot create: %s", dir, strerror(errno));
    return -1;
  }
  struct stat st;
  if (lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid != p->uid)
    log_warn("cluster data_dir %s belongs to uid %lu, not to user %s, who runs the cluster node: "
             "chown -R %s it",
             dir, (unsigned long)st.st_uid, p->user_name, p->user_name);
  return 0;
}

int privileges_prepare_paths(const struct privileges *p, const struct jsfpm_config *cfg,
                             const char *broker_path) {
  if (!p->drop) return 0;
  int rc = 0;
  rc |= give(p, cfg->runtime_dir, S_IFDIR, true);
  rc |= give(p, broker_path, S_IFSOCK, true);
  /* Children write to the inherited log descriptor, but reopen it by name
   * on USR1 (log rotation).  A file that is not ours to hand over (a link
   * the user planted) is refused and logged, and the server starts anyway:
   * the children then open it with their own rights only. */
  privileges_give(p, cfg->error_log);
  if (cfg->db_path) {
    /* The database's directory must be writable by the broker (SQLite
     * creates -wal and -journal files there).  We create it if missing; an
     * existing directory is the operator's (it may be /var/lib itself), so
     * it is only checked, never chowned. */
    char *copy = strdup(cfg->db_path);
    if (copy == NULL) return -1;
    char *dir = dirname(copy);
    if (mkdir(dir, 0750) == 0) {
      rc |= give(p, dir, S_IFDIR, true);
      /* Until its parent is fsynced, a power cut can take the new
       * directory away, and with it the database and every write SQLite
       * synced into it (SQLite syncs the directory it writes in, never its
       * parent).  Found by tests/powercut. */
      if (durable_sync(dir) != 0 || durable_sync_parent(dir) != 0) {
        log_error("database directory %s: cannot make it durable (fsync): %s", dir, strerror(errno));
        rc = -1;
      }
    } else if (errno != EEXIST) {
      log_error("database directory %s: cannot create: %s", dir, strerror(errno));
      rc = -1;
    } else {
      struct stat st;
      if (stat(dir, &st) == 0 && st.st_uid != p->uid && !((st.st_mode & S_IWGRP) && st.st_gid == p->gid) &&
          !(st.st_mode & S_IWOTH))
        log_warn("database directory %s is not writable by user %s: the broker may fail to "
                 "create the -wal file (chown it to %s)",
                 dir, p->user_name, p->user_name);
    }
    free(copy);
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < 4; i++) {
      char path[4096];
      snprintf(path, sizeof path, "%s%s", cfg->db_path, suffixes[i]);
      give(p, path, S_IFREG, false); /* refused ones are logged; the broker opens them as the user */
    }
  }
  if (cfg->cluster_address) rc |= prepare_cluster_dir(p, cfg->cluster_data_dir);
  return rc;
}

int privileges_drop(const struct privileges *p) {
  if (!p->drop) return 0;
  if (initgroups(p->user_name, p->gid) < 0) {
    log_error("initgroups(%s): %s", p->user_name, strerror(errno));
    return -1;
  }
  if (setgid(p->gid) < 0) {
    log_error("setgid(%lu): %s", (unsigned long)p->gid, strerror(errno));
    return -1;
  }
  if (setuid(p->uid) < 0) {
    log_error("setuid(%lu): %s", (unsigned long)p->uid, strerror(errno));
    return -1;
  }
  /* Paranoia: getting root back must be impossible now. */
  if (p->uid != 0 && setuid(0) == 0) {
    log_error("could regain root after dropping privileges; refusing to continue");
    return -1;
  }
  return 0;
}
