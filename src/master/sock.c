/* sock.c: listening sockets.
 *
 * The master binds every listening socket before forking so that children
 * inherit them: the kernel then queues connections even while workers
 * restart, and a worker never needs privileges to bind.
 */
#include "autoconfig.h"

#include "sock.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int sock_spec_is_unix(const char *spec) { return strchr(spec, '/') != NULL; }

/* A socket file left behind by a killed server refuses connections; one
 * that accepts belongs to a running server we must not steal from. */
static int unix_path_in_use(const struct sockaddr_un *sun) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  int in_use = connect(fd, (const struct sockaddr *)sun, sizeof *sun) == 0;
  close(fd);
  return in_use;
}

static int listen_unix(const char *path, int backlog, int mode, const char *owner, const char *group,
                       char *err, size_t errlen) {
  struct sockaddr_un sun = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof sun.sun_path) {
    snprintf(err, errlen, "%s: unix socket path longer than %zu bytes", path, sizeof sun.sun_path - 1);
    return -1;
  }
  strcpy(sun.sun_path, path);

  struct stat st;
  if (lstat(path, &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      snprintf(err, errlen, "%s: exists and is not a socket", path);
      return -1;
    }
    if (unix_path_in_use(&sun)) {
      snprintf(err, errlen, "%s: another server is listening on it", path);
      return -1;
    }
    if (unlink(path) < 0) {
      snprintf(err, errlen, "%s: cannot remove stale socket: %s", path, strerror(errno));
      return -1;
    }
  }

  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    snprintf(err, errlen, "socket(AF_UNIX): %s", strerror(errno));
    return -1;
  }
  /* Bind under a tight umask so the socket is never, even briefly, more
   * open than MODE. */
  mode_t old = umask(0777 & ~(mode_t)mode);
  int rc = bind(fd, (struct sockaddr *)&sun, sizeof sun);
  int saved = errno;
  umask(old);
  if (rc < 0) {
    snprintf(err, errlen, "%s: bind: %s", path, strerror(saved));
    close(fd);
    return -1;
  }
  /* By name, but never through a link: the directory may belong to the
   * children's user, who could swap the fresh socket for one. */
  if (fchmodat(AT_FDCWD, path, (mode_t)mode, AT_SYMLINK_NOFOLLOW) < 0) {
    snprintf(err, errlen, "%s: chmod: %s", path, strerror(errno));
    goto fail;
  }
  if (owner != NULL || group != NULL) {
    uid_t uid = (uid_t)-1;
    gid_t gid = (gid_t)-1;
    if (owner != NULL) {
      struct passwd *pw = getpwnam(owner);
      if (pw == NULL) {
        snprintf(err, errlen, "listen.owner: no such user '%s'", owner);
        goto fail;
      }
      uid = pw->pw_uid;
    }
    if (group != NULL) {
      struct group *gr = getgrnam(group);
      if (gr == NULL) {
        snprintf(err, errlen, "listen.group: no such group '%s'", group);
        goto fail;
      }
      gid = gr->gr_gid;
    }
    if (lchown(path, uid, gid) < 0) {
      snprintf(err, errlen, "%s: chown: %s", path, strerror(errno));
      goto fail;
    }
  }
  if (listen(fd, backlog) < 0) {
    snprintf(err, errlen, "%s: listen: %s", path, strerror(errno));
    goto fail;
  }
  return fd;
fail:
  close(fd);
  unlink(path);
  return -1;
}

static int listen_tcp(const char *spec, int backlog, char *err, size_t errlen) {
  const char *colon = strrchr(spec, ':');
  if (colon == NULL || colon[1] == '\0') {
    snprintf(err, errlen, "%s: expected host:port", spec);
    return -1;
  }
  char host[256];
  size_t hlen = (size_t)(colon - spec);
  /* [::1]:9000 */
  if (hlen >= 2 && spec[0] == '[' && spec[hlen - 1] == ']') spec++, hlen -= 2;
  if (hlen >= sizeof host) {
    snprintf(err, errlen, "%s: host name too long", spec);
    return -1;
  }
  memcpy(host, spec, hlen);
  host[hlen] = '\0';

  struct addrinfo hints = {
      .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
  struct addrinfo *res;
  int gai = getaddrinfo(hlen > 0 && strcmp(host, "*") != 0 ? host : NULL, colon + 1, &hints, &res);
  if (gai != 0) {
    snprintf(err, errlen, "%s: %s", spec, gai_strerror(gai));
    return -1;
  }
  int fd = -1;
  int last_errno = 0;
  const char *what = "socket";
  for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_errno = errno, what = "socket";
      continue;
    }
    int one = 1;
    /* Restarting the server must not wait out TIME_WAIT on the port. */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) {
      last_errno = errno, what = "setsockopt(SO_REUSEADDR)";
    } else if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
      last_errno = errno, what = "bind";
    } else if (listen(fd, backlog) < 0) {
      last_errno = errno, what = "listen";
    } else {
      break;
    }
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0) snprintf(err, errlen, "%s: %s: %s", spec, what, strerror(last_errno));
  return fd;
}

int sock_listen(const char *spec, int backlog, int mode, const char *owner, const char *group, char *err,
                size_t errlen) {
  if (sock_spec_is_unix(spec)) return listen_unix(spec, backlog, mode, owner, group, err, errlen);
  return listen_tcp(spec, backlog, err, errlen);
}
