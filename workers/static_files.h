/* static_files.h: the HTTP door serving a folder of static files
 * ([server] http_static_dir; `jsfpm dev` sets it to DIR/public).
 *
 * For development: a GET or HEAD whose path names a file in the folder (or
 * a folder with an index.html) is answered from it, with its type, an ETag
 * (If-None-Match: 304) and single byte ranges (206, 416); anything else
 * goes to the app.  A path with a ".." segment is refused (403), and a
 * file is opened only beneath the folder (openat2 RESOLVE_BENEATH: no
 * symbolic link leads out).  In production nginx serves the same folder
 * (try_files, docs/deploy.md), so the app does not change.
 */
#ifndef JSFPM_STATIC_FILES_H
#define JSFPM_STATIC_FILES_H

#include <stdbool.h>

#include <event2/buffer.h>

#include "http.h"

struct static_files;

/* Opens DIR; NULL (logged) when it cannot be served. */
struct static_files *static_files_open(const char *dir);
void static_files_close(struct static_files *s);

/* Answers HR from the folder when it is one for it: writes the whole
 * response to OUT (with DATE and, with CLOSE_AFTER, Connection: close) and
 * returns its status.  Returns 0 when the request is the app's. */
int static_files_serve(struct static_files *s, const struct http_request *hr, struct evbuffer *out,
                       const char *date, bool close_after);

/* The HTTP door's stand-in for nginx's internal location ([server]
 * http_accel_prefix and http_accel_dir): answers HR with the file the
 * app's X-Accel-Redirect URI (URI_LEN bytes, percent-encoded, any "?..."
 * ignored) names under PREFIX, from S's folder, as nginx would: its type
 * is TYPE (the app's Content-Type) or guessed from the name, FIELDS (or
 * NULL) holds the app's field lines nginx keeps, and ranges, ETag and HEAD
 * work.  A URI outside PREFIX or naming no file is a 404, one with a ".."
 * segment or leading out of the folder (a symbolic link) a 403, each with
 * a plain-text reason.  Returns the status written to OUT. */
int static_files_accel(struct static_files *s, const char *prefix, const char *uri, size_t uri_len,
                       const char *type, struct evbuffer *fields, const struct http_request *hr,
                       struct evbuffer *out, const char *date, bool close_after);

#endif
