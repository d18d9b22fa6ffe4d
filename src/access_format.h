/* access_format.h: the access log's line format ([server] access.format),
 * php-fpm's placeholders (%m method, %r path, %q query, %s status, %d
 * duration, %C CPU, %M memory, %{NAME}e FastCGI params ...) plus jsfpm's
 * request id (%i) and response bytes (%b).  A format is compiled once and
 * rendered per request; the parser is kept apart from I/O. */
#ifndef JSFPM_ACCESS_FORMAT_H
#define JSFPM_ACCESS_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The line jsfpm always wrote: time, request id, client, method, path,
 * status, body bytes, duration. */
#define ACCESS_FORMAT_DEFAULT "%T %i %R %m %r %s %b %{milli}dms"

/* What a compiled format reads beyond the plain fields (each costs the
 * worker something per request). */
#define ACCESS_NEEDS_CPU 1u   /* %C: getrusage before and after the request */
#define ACCESS_NEEDS_START 2u /* %t: the request's start (a clock read) */

/* One finished (or cut-off) request.  Strings may be NULL (shown "-"). */
struct access_fields {
  const char *request_id;
  const char *remote_addr;
  const char *remote_user;
  const char *method;
  const char *path;        /* without the query */
  const char *query;       /* without "?"; "" or NULL = none */
  int status;              /* 0 = no response (the worker was killed): "-" */
  long long body_bytes;    /* response body; -1 = none: "-" */
  long long request_bytes; /* request body (%l) */
  long long duration_ms;
  long long cpu_user_us, cpu_system_us; /* -1 = not measured */
  long long memory_bytes;               /* JavaScript heap peak during the request; -1 = unknown */
  long long start_unix_ms;              /* when the request began */
  pid_t pid;                            /* the worker */
  /* %{NAME}e and %{Name}o: a FastCGI parameter (HTTP_USER_AGENT, REMOTE_ADDR,
   * ...) or a response header; NULL when absent.  LOOKUP may be NULL. */
  const char *(*lookup)(const void *arg, char kind, const char *name, size_t *len);
  const void *lookup_arg;
};

struct access_format;

/* Compiles TEXT.  Returns NULL with ERR saying which placeholder is wrong
 * (unknown letter, unknown {argument}, a lone % at the end). */
struct access_format *access_format_compile(const char *text, char *err, size_t errlen);
void access_format_free(struct access_format *f);
unsigned access_format_needs(const struct access_format *f);

/* Writes one line (no newline) into OUT, cut to CAP - 1 bytes; every value
 * taken from the request escaped as in the error log, so none can start a
 * line of its own.  Returns its length. */
size_t access_format_render(const struct access_format *f, const struct access_fields *v, char *out,
                            size_t cap);

#endif
