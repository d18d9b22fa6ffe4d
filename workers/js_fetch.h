/* js_fetch.h: outgoing HTTP for fetch() (js/jsfpm/internal/fetch.js), on
 * libcurl's multi interface.  Transfers run while the request's job queue
 * waits for them (jsfpm/internal/async's poll sources), never past the
 * request's deadline; whatever is still in flight when a request ends is
 * aborted. */
#ifndef JSFPM_JS_FETCH_H
#define JSFPM_JS_FETCH_H

#include <stdbool.h>

/* Aborts every transfer still in flight (the request that started it is over). */
void js_fetch_request_end(void);

/* Counts since the last call, for the status page; then zeroes them. */
struct js_fetch_counts {
  unsigned long calls;        /* fetch() calls that reached the network layer */
  unsigned long errors;       /* of those, the ones that failed (no HTTP response) */
  unsigned long long time_ms; /* their total time */
};
void js_fetch_take_counts(struct js_fetch_counts *out);

/* Whether HOST (as in a URL: lower case, IPv6 in brackets) and PORT match
 * the [app] fetch_allow list ALLOW (comma separated "host", "host:port",
 * "*.domain"; NULL allows nothing).  Exported for the unit tests. */
bool js_fetch_host_allowed(const char *allow, const char *host, long port);

#endif
