/* durable.h: making names and bytes we create survive a power cut.
 *
 * fsync(2) of a file makes its bytes durable, not its name: a file (or a
 * directory) just created, linked or renamed can vanish after a power cut
 * until the directory holding it is fsynced too (POSIX; ext4 often commits
 * it anyway, other file systems do not).  docs/reliability.md lists what
 * jsfpm syncs when.
 */
#ifndef JSFPM_DURABLE_H
#define JSFPM_DURABLE_H

/* fsync(2) of PATH, a file or a directory (never followed through a
 * symbolic link).  Returns 0, or -1 with errno set. */
int durable_sync(const char *path);

/* fsync(2) of the directory holding PATH: makes PATH's name durable.
 * Returns 0, or -1 with errno set. */
int durable_sync_parent(const char *path);

#endif
