/* netaddr.h: numeric network addresses ("10.0.0.1:9001", "[fd00::1]:9001"),
 * as the cluster configuration and the dqlite client write them. */
#ifndef JSFPM_NETADDR_H
#define JSFPM_NETADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* Parses TEXT: a numeric IPv4 address or an IPv6 one in brackets, then
 * ":port".  Without a port, DEFAULT_PORT is taken (NULL: the port is
 * required).  No name is looked up.  Returns 0 with *OUT and *OUTLEN set, or
 * -1 with WHY set. */
int netaddr_parse(const char *text, const char *default_port, struct sockaddr_storage *out, socklen_t *outlen,
                  char *why, size_t whylen);

/* True for addresses that cannot be routed from the Internet: IPv4
 * loopback (127/8), RFC 1918 (10/8, 172.16/12, 192.168/16) and link-local
 * (169.254/16); IPv6 loopback (::1) and unique local (fc00::/7). */
bool netaddr_is_private(const struct sockaddr *sa);

#endif
