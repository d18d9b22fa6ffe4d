/* accept.h: content negotiation on the Accept request header, for the
 * answers the server makes itself (the dev error page, the router's 404
 * and 405 through jsfpm/router): JSON for API clients, else text or HTML. */
#ifndef JSFPM_ACCEPT_H
#define JSFPM_ACCEPT_H

#include <stdbool.h>
#include <stddef.h>

/* Whether the Accept header value ACCEPT (LEN bytes; NULL = no header)
 * ranks application/json above text/html (q-values and wildcard ranges
 * count); a tie or no header is not. */
bool accept_prefers_json(const char *accept, size_t len);

#endif
