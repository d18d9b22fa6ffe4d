/* js_sourcemap.h: from a lowered module's line back to the original.
 *
 * Duktape's errors and stack traces name a file and a line, no column.  A
 * lowered module keeps its source map's "mappings" (js_compiler.h); a line
 * of lowered code maps to the original line and column of the first
 * position recorded on it, which is where the statement on that line began
 * in the original source.
 */
#ifndef JSFPM_JS_SOURCEMAP_H
#define JSFPM_JS_SOURCEMAP_H

#include <stdbool.h>

/* Looks up generated line GEN_LINE (1-based) in MAPPINGS; sets the original
 * line and column (1-based), of the nearest mapped line at or above it.
 * Returns false if there is none. */
bool js_sourcemap_lookup(const char *mappings, int gen_line, int *line, int *column);

#endif
