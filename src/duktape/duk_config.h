/* duk_config.h: jsfpm's Duktape configuration.
 *
 * We compile Debian's amalgamated duktape.c ourselves so that options the
 * shared libduktape lacks can be turned on.  This wrapper takes the shipped
 * configuration as the base and changes only what jsfpm needs; the build
 * puts this directory ahead of the shipped header on the include path.
 */
#ifndef JSFPM_DUK_CONFIG_H
#define JSFPM_DUK_CONFIG_H

/* Errors raised in C would carry __FILE__:__LINE__, our build path, into
 * stack traces, logs and (with dev = yes) response bodies.  Without a C file
 * Duktape blames the nearest JavaScript frame: the app's own file:line. */
#define DUK_FILE_MACRO NULL
#define DUK_LINE_MACRO 0

#include JSFPM_DUK_SHIPPED_CONFIG

/* JSON.stringify walks plain objects and arrays straight through their
 * property tables, and falls back to the standard algorithm by itself
 * when it meets anything that could have side effects (toJSON, getters,
 * a replacer, Proxy, cycles).  Off in the shipped configuration; a list of
 * rows through Response.json is a quarter cheaper with it (docs/performance.md). */
#define DUK_USE_JSON_STRINGIFY_FASTPATH

/* Execution time limit: Duktape calls jsfpm_duk_exec_timeout() from its
 * bytecode interrupt counter; a non-zero return throws a RangeError that the
 * script cannot catch forever (it is re-raised at each check). */
#define DUK_USE_INTERRUPT_COUNTER
#define DUK_USE_EXEC_TIMEOUT_CHECK(udata) jsfpm_duk_exec_timeout(udata)
extern int jsfpm_duk_exec_timeout(void *udata);

/* A loop calling an expensive native runs few bytecode instructions, so the
 * counter alone may take seconds to reach the check: when the deadline
 * passes, a timer calls this (src/duktape/duk_amalgamation.c) to force the
 * check at the next instruction. */
extern void jsfpm_duk_force_interrupt(duk_context *ctx);

/* The thread running in CTX's heap (duk_amalgamation.c). */
extern duk_context *jsfpm_duk_current_thread(duk_context *ctx);

/* Seeds the heap's Math.random from 16 bytes of SEED (duk_amalgamation.c). */
extern void jsfpm_duk_seed_random(duk_context *ctx, const uint64_t seed[2]);

/* duk_pack, which Duktape 2.7 does not export (duk_amalgamation.c). */
extern void jsfpm_duk_pack(duk_context *ctx, duk_idx_t count);

/* Building a query result's rows from the broker's row set: objects and
 * arrays allocated at their final size, properties defined without a
 * prototype lookup (duk_amalgamation.c, workers/worker_db.c). */
extern void jsfpm_duk_push_object_sized(duk_context *ctx, duk_uint_t n);
extern void jsfpm_duk_def_own(duk_context *ctx, duk_idx_t obj_idx, duk_idx_t key_idx);
extern void jsfpm_duk_def_new_own(duk_context *ctx, duk_idx_t obj_idx, duk_idx_t key_idx);
extern void jsfpm_duk_push_array_sized(duk_context *ctx, duk_uint_t n);

#endif
