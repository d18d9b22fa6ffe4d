/* durable.c: fsync by path (see durable.h). */
#include "autoconfig.h"

#include "durable.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

int durable_sync(const char *path) {
  /* O_RDONLY opens directories too, and fsync needs no write access. */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return -1;
  int rc = fsync(fd);
  int saved = errno;
  if (close(fd) != 0 && rc == 0) return -1;
  errno = saved;
  return rc;
}

int durable_sync_parent(const char *path) {
  char copy[PATH_MAX];
  if ((size_t)snprintf(copy, sizeof copy, "%s", path) >= sizeof copy) {
    errno = ENAMETOOLONG;
    return -1;
  }
  return durable_sync(dirname(copy));
}
