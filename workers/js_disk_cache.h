/* js_disk_cache.h: the compile cache on disk ([app] compile_cache).
 *
 * One file per lowered module, named by the SHA-256 of the compiler id and
 * the module's source: a changed file or a new jsfpm looks up another name,
 * so nothing is ever invalidated, and an unchanged file is never lowered
 * twice, across starts and reloads.  Each file carries the SHA-256 of its
 * content; one that does not match (a torn write, a bad disk, a tampered
 * entry) is deleted and its module lowered again, never run.
 *
 * The directory must belong to the user jsfpm runs as (or root) and be
 * writable by no one else, since what it holds is run: a directory the
 * workers' user could write would let a compromised worker plant code for
 * the next start.  A directory that is missing, unsafe, unwritable or full
 * costs speed, not the start: modules are then lowered in memory, and the
 * reason is logged once per process.
 */
#ifndef JSFPM_JS_DISK_CACHE_H
#define JSFPM_JS_DISK_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "js_compiler.h"

#define JS_DISK_CACHE_KEY_LEN 64 /* hex digits of a SHA-256 */

struct js_disk_cache;

/* Opens (creating it if its parent exists) the cache directory DIR.
 * Returns NULL when DIR is NULL/empty (no cache) or cannot be used (logged). */
struct js_disk_cache *js_disk_cache_open(const char *dir);
void js_disk_cache_close(struct js_disk_cache *dc);

/* The key of SOURCE: SHA-256 over the compiler id and the source. */
void js_disk_cache_key(const char *source, size_t len, char key[JS_DISK_CACHE_KEY_LEN + 1]);

/* Fills OUT from the entry KEY and returns true; false when there is none
 * or it was corrupt (then it is removed). */
bool js_disk_cache_get(struct js_disk_cache *dc, const char *key, struct js_lowered *out);
/* Stores L under KEY (written aside, then renamed into place). */
void js_disk_cache_put(struct js_disk_cache *dc, const char *key, const struct js_lowered *l);

#endif
