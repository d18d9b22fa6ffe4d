/* systemd.h: the little jsfpm says to systemd (sd_notify) and the sockets
 * it may receive from it (LISTEN_FDS).  Without libsystemd (configure
 * --without-systemd) every function is a no-op and no socket is inherited. */
#ifndef JSFPM_SYSTEMD_H
#define JSFPM_SYSTEMD_H

#include <stdbool.h>

/* Sends one sd_notify message (e.g. "READY=1\nSTATUS=..."); silently does
 * nothing when NOTIFY_SOCKET is unset. */
void systemd_notify(const char *state);
void systemd_notifyf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The watchdog interval systemd asked for (WatchdogSec=), in ms; 0 = none. */
long long systemd_watchdog_interval_ms(void);

/* Socket activation: the first passed socket (fd 3) if LISTEN_FDS names
 * this process, else -1.  Clears the LISTEN_* variables so children do not
 * see them, and marks the fd close-on-exec. */
int systemd_listen_fd(void);

#endif
