/* privileges.h: who the broker, the workers and the cluster node run as.
 *
 * The master keeps the privileges it was started with (it must be able to
 * bind new listen addresses on reload, like nginx's master); every child it
 * forks drops to `user`/`group` before it touches the app or the database. */
#ifndef JSFPM_PRIVILEGES_H
#define JSFPM_PRIVILEGES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct jsfpm_config;

struct privileges {
  bool drop; /* children switch to uid/gid */
  uid_t uid;
  gid_t gid;
  char *user_name; /* for initgroups and logs; NULL when !drop */
};

/* Decides from CFG and the current credentials.  Refuses (returns -1 with
 * ERR) root children unless allow_root = yes or the environment says
 * JSFPM_ALLOW_ROOT=1; an unknown user or group is an error too. */
int privileges_resolve(const struct jsfpm_config *cfg, struct privileges *out, char *err, size_t errlen);
void privileges_free(struct privileges *p);

/* Master, before forking: hands the runtime directory, the broker socket,
 * the error log and the database (file, -wal, -shm, -journal; its directory
 * when it had to be created), in cluster mode the node's data_dir (when it
 * had to be created) to the children's user, never through a link
 * (safefile.h).  Returns -1 (logged) when the runtime directory, the socket
 * or the created directory cannot be handed over; a log or database file
 * that is not a plain regular file is refused (logged) and left alone. */
int privileges_prepare_paths(const struct privileges *p, const struct jsfpm_config *cfg,
                             const char *broker_path);

/* Hands PATH (if it exists) to the children's user: a file the master
 * (re)created that children must reopen by name, such as a rotated log.
 * A link or anything but a regular file with one link is refused (logged).
 * Returns 0 or -1. */
int privileges_give(const struct privileges *p, const char *path);

/* The same for a file the master has open (FD, named PATH in messages),
 * so what was checked at open is what is handed over. */
int privileges_give_fd(const struct privileges *p, int fd, const char *path);

/* In a child right after fork: setgroups/setgid/setuid.  Returns 0, or -1
 * after logging (the child must then exit). */
int privileges_drop(const struct privileges *p);

#endif
