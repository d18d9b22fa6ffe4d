/* js_resolve.h: Node.js's module resolution, confined to the app root.
 *
 *   ./x ../x      x, x.js, x.json, x.mjs, x.cjs, then the folder x:
 *                 its package.json "main", x/index.js, x/index.json
 *   name[/sub]    node_modules/name in the module's folder and each parent
 *                 up to the app root: package.json "exports" (conditions
 *                 "import" or "require", then "default"; subpaths and "*"
 *                 patterns), else "module" (for import) or "main", else as
 *                 a folder; with a subpath and no "exports", as ./x above
 *   #name         the nearest package.json's "imports", like "exports"
 *
 * A package's "browser" entries that map a file or a module to false (a
 * file only Node.js needs, as bundlers read them) give the empty module
 * JS_RESOLVE_EMPTY_MODULE instead, for code in node_modules; no other use
 * of "browser" is made.
 *
 * Every file found must lie inside the app root once links are followed.
 * Absolute paths and Node.js's built-in modules (fs, node:path, ...) are
 * errors.  "jsfpm/..." is the standard library: the caller's business.
 */
#ifndef JSFPM_JS_RESOLVE_H
#define JSFPM_JS_RESOLVE_H

#include <stddef.h>

/* What a module mapped to false resolves to: a standard-library module
 * whose exports are an empty object. */
#define JS_RESOLVE_EMPTY_MODULE "jsfpm/internal/empty"

enum js_resolve_mode {
  JS_RESOLVE_REQUIRE, /* require() and the "require" condition */
  JS_RESOLVE_IMPORT,  /* import, import() and the "import" condition */
};

/* Resolves SPEC for a module in FROM_DIR (a real path inside ROOT, itself a
 * real path).  Writes the real path of the file to OUT (PATH_MAX bytes).
 * Returns 0, or -1 with ERR saying what was looked for and where. */
int js_resolve(const char *root, const char *from_dir, const char *spec, enum js_resolve_mode mode, char *out,
               char *err, size_t errlen);

/* Collapses "." and ".." segments of absolute PATH in place. */
void js_normalize_path(char *path);

#endif
