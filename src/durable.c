/* durable.c: fsync by path (see durable.h). */
#include "autoconfig.h"

#include "durable.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
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

int durable_create(const char *path, const void *data, size_t len, mode_t mode, char *why, size_t whylen) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) {
    int saved = errno;
    snprintf(why, whylen, "cannot create %s: %s", path, strerror(saved));
    errno = saved;
    return -1;
  }
  const char *p = data;
  int rc = 0;
  while (rc == 0 && len > 0) {
    ssize_t w = write(fd, p, len);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      rc = -1;
    } else {
      p += w;
      len -= (size_t)w;
    }
  }
  if (rc == 0) rc = fsync(fd);
  int saved = errno;
  if (close(fd) != 0 && rc == 0) rc = -1, saved = errno;
  if (rc != 0) {
    snprintf(why, whylen, "writing %s: %s", path, strerror(saved));
    errno = saved;
  }
  return rc;
}
