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

#endif
