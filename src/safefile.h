/* safefile.h: files the master opens or hands over in directories another
 * user may write to.
 *
 * The service user owns the directories of the logs and the database
 * (/var/log/jsfpm, /var/lib/jsfpm), so it can put a symbolic link, a hard
 * link, a FIFO or a directory where the master expects its file.  Root
 * following such a link would append to, or hand over, any file on the
 * system (app.db-journal -> /etc/shadow); opening a FIFO would block the
 * master.  So, when running as root: the last component of a path is never
 * followed (O_NOFOLLOW), only a regular file with a single link is
 * accepted where a file is expected (or, to write to, a character device
 * such as /dev/null: no unprivileged user can make one), and ownership
 * changes on the descriptor that was checked (fchown), never by name.  Without root there
 * is nothing to give away and a path is opened as usual (error_log =
 * /dev/stderr keeps working in an unprivileged container). */
#ifndef JSFPM_SAFEFILE_H
#define JSFPM_SAFEFILE_H

#include <stddef.h>
#include <sys/types.h>

/* Opens PATH with FLAGS (O_WRONLY or O_RDWR, O_APPEND, O_CREAT with MODE,
 * O_TRUNC), close-on-exec, as the rules above say (O_TRUNC only once the
 * file passed them).  Whoever runs it, a FIFO with no reader fails at once
 * instead of blocking.  Returns the descriptor, or -1 with WHY saying what
 * was wrong ("it is a symbolic link", or errno's text) and errno set. */
int safefile_open(const char *path, int flags, mode_t mode, char *why, size_t whylen);

/* Gives PATH to UID:GID if it is a TYPE (S_IFREG, S_IFDIR or S_IFSOCK; a
 * regular file must have a single link), never through a symbolic link.
 * Returns 0, or -1 with WHY and errno set (ENOENT when PATH is missing). */
int safefile_chown(const char *path, mode_t type, uid_t uid, gid_t gid, char *why, size_t whylen);

#endif
