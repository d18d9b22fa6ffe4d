/* js_scan.h: a quick look at a module that Duktape compiled as it is.
 *
 * Duktape accepts `const` but gives it `var` semantics (reassignable,
 * function-scoped: closures made in a loop all see the last value), so a
 * module with a `const` declaration is lowered like any modern one.  The
 * same pass finds the module's require('literal') calls, so the modules it
 * needs are compiled at start without the compiler heap.  It is a tokenizer,
 * not a parser: a regular expression it mistakes for a division can only
 * make it see a `const` that is not there (the module is then lowered,
 * which is correct, only slower) or miss a require (compiled when it runs).
 */
#ifndef JSFPM_JS_SCAN_H
#define JSFPM_JS_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "js_compiler.h"

/* Returns true when SOURCE can run as it is (no `const` declaration);
 * appends its require('x') specifiers to DEPS (JS_DEP_REQUIRE).  Sets
 * *OOM on an allocation failure. */
bool js_scan_plain(const char *source, size_t len, struct js_lowered *deps, bool *oom);

#endif
