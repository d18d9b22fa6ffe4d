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

#include <stddef.h>
#include <sys/types.h>

/* fsync(2) of PATH, a file or a directory (never followed through a
 * symbolic link).  Returns 0, or -1 with errno set. */
int durable_sync(const char *path);

/* fsync(2) of the directory holding PATH: makes PATH's name durable.
 * Returns 0, or -1 with errno set. */
int durable_sync_parent(const char *path);

/* Creates PATH with MODE -- never through a symbolic link, never over an
 * existing file -- holding LEN bytes of DATA, fsynced (its name is not:
 * durable_sync_parent, once it has its final name).  Returns 0, or -1 with
 * WHY ("cannot create PATH: ..." or "writing PATH: ...") and errno set; a
 * file created and not completely written is left for the caller. */
int durable_create(const char *path, const void *data, size_t len, mode_t mode, char *why, size_t whylen);

#endif
