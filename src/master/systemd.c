/* systemd.c: sd_notify and socket activation (see systemd.h). */
#include "autoconfig.h"

#include "systemd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef HAVE_LIBSYSTEMD
#include <fcntl.h>
#include <systemd/sd-daemon.h>

#include "log.h"
#endif

void systemd_notify(const char *state) {
#ifdef HAVE_LIBSYSTEMD
  /* unset_environment = 0: every later message must reach systemd too. */
  int rc = sd_notify(0, state);
  if (rc < 0) log_debug("sd_notify: error %d", rc);
#else
  (void)state;
#endif
}

void systemd_notifyf(const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  systemd_notify(buf);
}

long long systemd_watchdog_interval_ms(void) {
#ifdef HAVE_LIBSYSTEMD
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0) return (long long)(usec / 1000);
#endif
  return 0;
}

int systemd_listen_fd(void) {
#ifdef HAVE_LIBSYSTEMD
  int n = sd_listen_fds(1); /* 1: unset LISTEN_PID/LISTEN_FDS, our children must not use them */
  if (n < 0) {
    log_error("socket activation: %d", n);
    return -1;
  }
  if (n == 0) return -1;
  if (n > 1) log_warn("socket activation: %d sockets passed; using the first for FastCGI", n);
  int fd = SD_LISTEN_FDS_START;
  if (sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, 1) <= 0) {
    log_error("socket activation: fd %d is not a listening stream socket", fd);
    return -1;
  }
  int flags = fcntl(fd, F_GETFD);
  if (flags < 0 || fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0) return -1;
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) return -1;
  return fd;
#else
  return -1;
#endif
}
