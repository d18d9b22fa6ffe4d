/* netaddr.c: numeric network addresses (see netaddr.h). */
#include "autoconfig.h"

#include "netaddr.h"

#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int netaddr_parse(const char *text, const char *default_port, struct sockaddr_storage *out, socklen_t *outlen,
                  char *why, size_t whylen) {
  char host[64];
  const char *h = text, *port = NULL;
  size_t hlen;
  if (text[0] == '[') { /* [v6] or [v6]:port */
    const char *close = strchr(text, ']');
    if (close == NULL || (close[1] != '\0' && close[1] != ':')) {
      snprintf(why, whylen, "an IPv6 address is written [address]:port");
      return -1;
    }
    h = text + 1;
    hlen = (size_t)(close - h);
    if (close[1] == ':') port = close + 2;
  } else {
    const char *colon = strchr(text, ':');
    if (colon != NULL && strchr(colon + 1, ':') != NULL) {
      snprintf(why, whylen, "an IPv6 address is written [address]:port");
      return -1;
    }
    hlen = colon ? (size_t)(colon - text) : strlen(text);
    if (colon) port = colon + 1;
  }
  if (port == NULL) port = default_port;
  if (port == NULL) {
    snprintf(why, whylen, "no port (expected address:port, e.g. 10.0.0.1:9001)");
    return -1;
  }
  char *end;
  unsigned long p = strtoul(port, &end, 10);
  if (*port < '0' || *port > '9' || *end != '\0' || p == 0 || p > 65535) {
    snprintf(why, whylen, "port '%s' is not a number from 1 to 65535", port);
    return -1;
  }
  if (hlen == 0 || hlen >= sizeof host) {
    snprintf(why, whylen, "expected a numeric IPv4 address or [IPv6] address, then :port");
    return -1;
  }
  memcpy(host, h, hlen);
  host[hlen] = '\0';
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
  struct addrinfo *ai;
  if (getaddrinfo(host, port, &hints, &ai) != 0) {
    snprintf(why, whylen, "'%s' is not a numeric IPv4 or IPv6 address (names are not looked up)", host);
    return -1;
  }
  memcpy(out, ai->ai_addr, ai->ai_addrlen);
  *outlen = ai->ai_addrlen;
  freeaddrinfo(ai);
  return 0;
}

bool netaddr_is_private(const struct sockaddr *sa) {
  if (sa->sa_family == AF_INET) {
    const unsigned char *a = (const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr;
    return a[0] == 127 || a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
           (a[0] == 192 && a[1] == 168) || (a[0] == 169 && a[1] == 254);
  }
  if (sa->sa_family == AF_INET6) {
    const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(a) || (a->s6_addr[0] & 0xfe) == 0xfc;
  }
  return false;
}
