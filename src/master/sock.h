/* sock.h: listening sockets, bound by the master before it forks. */
#ifndef JSFPM_SOCK_H
#define JSFPM_SOCK_H

#include <stddef.h>

/* True when SPEC names a unix socket path (contains '/'), else host:port. */
int sock_spec_is_unix(const char *spec);

/* Binds and listens on SPEC (unix path or host:port), non-blocking and
 * close-on-exec.  For a unix path: a stale socket file nobody listens on is
 * replaced, a live one is an error; MODE is applied with chmod and
 * OWNER/GROUP (names, may be NULL) with chown.  Returns the fd, or -1 with
 * ERR saying what failed and where. */
int sock_listen(const char *spec, int backlog, int mode, const char *owner, const char *group, char *err,
                size_t errlen);

#endif
