/* safefile.c: opening and handing over files root must not be tricked
 * into following (see safefile.h). */
#include "autoconfig.h"

#include "safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *type_name(mode_t mode) {
  switch (mode & S_IFMT) {
  case S_IFREG: return "a regular file";
  case S_IFDIR: return "a directory";
  case S_IFLNK: return "a symbolic link";
  case S_IFIFO: return "a FIFO";
  case S_IFSOCK: return "a socket";
  case S_IFCHR: return "a character device";
  case S_IFBLK: return "a block device";
  default: return "of an unknown type";
  }
}

/* Whether ST is what root may use where a TYPE is expected; if not, WHY
 * says what it is instead. */
static bool acceptable(const struct stat *st, mode_t type, char *why, size_t whylen) {
  if ((st->st_mode & S_IFMT) != type) {
    if (S_ISLNK(st->st_mode))
      snprintf(why, whylen, "it is a symbolic link (its directory's owner could point it at any file)");
    else
      snprintf(why, whylen, "it is %s, not %s", type_name(st->st_mode), type_name(type));
    return false;
  }
  /* A second name for a file elsewhere (made where hard links to others'
   * files are allowed) is the same trap as a symbolic link. */
  if (S_ISREG(st->st_mode) && st->st_nlink != 1) {
    snprintf(why, whylen, "it has %lu hard links (a regular file with one is expected)",
             (unsigned long)st->st_nlink);
    return false;
  }
  return true;
}

int safefile_open(const char *path, int flags, mode_t mode, char *why, size_t whylen) {
  bool root = geteuid() == 0;
  bool truncate = root && (flags & O_TRUNC);
  if (root) flags = (flags & ~O_TRUNC) | O_NOFOLLOW;
  /* O_NONBLOCK: opening a FIFO with no reader would block (it fails with
   * ENXIO instead); it is cleared again once open. */
  int fd = open(path, flags | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, mode);
  if (fd < 0) {
    int saved = errno;
    if (saved == ELOOP && root)
      snprintf(why, whylen, "it is a symbolic link (its directory's owner could point it at any file)");
    else if (saved == ENXIO)
      snprintf(why, whylen, "it is a FIFO with no reader, or a socket, not a regular file");
    else
      snprintf(why, whylen, "%s", strerror(saved));
    errno = saved;
    return -1;
  }
  struct stat st;
  if (root && fstat(fd, &st) < 0) {
    snprintf(why, whylen, "fstat: %s", strerror(errno));
  } else if (root && !S_ISCHR(st.st_mode) && !acceptable(&st, S_IFREG, why, whylen)) {
    errno = EPERM;
  } else if (fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) { /* F_SETFL takes O_APPEND, O_NONBLOCK */
    snprintf(why, whylen, "fcntl: %s", strerror(errno));
  } else if (truncate && ftruncate(fd, 0) < 0) {
    snprintf(why, whylen, "ftruncate: %s", strerror(errno));
  } else {
    return fd;
  }
  int saved = errno;
  close(fd);
  errno = saved;
  return -1;
}

int safefile_chown(const char *path, mode_t type, uid_t uid, gid_t gid, char *why, size_t whylen) {
  /* O_PATH opens the name itself, a link included, without opening the
   * file behind it (no FIFO to block on, no device to wake). */
  int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    int saved = errno;
    snprintf(why, whylen, "%s", strerror(saved));
    errno = saved;
    return -1;
  }
  struct stat st;
  int rc = -1;
  if (fstat(fd, &st) < 0)
    snprintf(why, whylen, "fstat: %s", strerror(errno));
  else if (!acceptable(&st, type, why, whylen))
    errno = EPERM;
  else if (fchownat(fd, "", uid, gid, AT_EMPTY_PATH) < 0)
    snprintf(why, whylen, "%s", strerror(errno));
  else
    rc = 0;
  int saved = errno;
  close(fd);
  errno = saved;
  return rc;
}
