/* js_password.c: the natives behind jsfpm/password: argon2id through the
 * reference implementation (libargon2), with its PHC string encoding.
 *
 * The parameters come from [app] password_memory, password_iterations and
 * password_parallelism (defaults: OWASP's current guidance, 19 MiB, 2
 * passes, 1 lane).  A hash is computed in the worker while the request
 * waits: about as long as the request's other work for the defaults
 * (docs/performance.md has the figure), never off the request's clock.
 */
#include "autoconfig.h"

#include "js_platform.h"

#include <argon2.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "worker_js.h"

#define PASSWORD_SALT_BYTES 16
#define PASSWORD_HASH_BYTES 32
/* A stored hash names its own memory cost; one read from a tampered or
 * foreign database must not make the worker allocate gigabytes. */
#define PASSWORD_VERIFY_MAX_KIB (1024 * 1024)

static uint32_t memory_kib(const struct jsfpm_config *cfg) {
  return (uint32_t)(cfg->password_memory_bytes / 1024);
}

/* native.passwordParams() -> [memoryKiB, iterations, parallelism] */
static duk_ret_t js_password_params(duk_context *ctx) {
  const struct jsfpm_config *cfg = js_runtime_config(ctx);
  duk_push_array(ctx);
  duk_push_uint(ctx, memory_kib(cfg));
  duk_put_prop_index(ctx, -2, 0);
  duk_push_int(ctx, cfg->password_iterations);
  duk_put_prop_index(ctx, -2, 1);
  duk_push_int(ctx, cfg->password_parallelism);
  duk_put_prop_index(ctx, -2, 2);
  return 1;
}

/* native.passwordHash(passwordBytes) -> "$argon2id$v=19$m=...,t=...,p=...$salt$hash" */
static duk_ret_t js_password_hash(duk_context *ctx) {
  const struct jsfpm_config *cfg = js_runtime_config(ctx);
  size_t pw_len;
  const uint8_t *pw = js_require_bytes(ctx, 0, &pw_len);
  uint8_t salt[PASSWORD_SALT_BYTES];
  if (RAND_bytes(salt, sizeof salt) != 1)
    return duk_error(ctx, DUK_ERR_ERROR, "password.hash: no random bytes");
  uint32_t t = (uint32_t)cfg->password_iterations, m = memory_kib(cfg),
           p = (uint32_t)cfg->password_parallelism;
  size_t enc_len = argon2_encodedlen(t, m, p, sizeof salt, PASSWORD_HASH_BYTES, Argon2_id);
  char *encoded = duk_push_fixed_buffer(ctx, enc_len);
  int rc =
      argon2id_hash_encoded(t, m, p, pw, pw_len, salt, sizeof salt, PASSWORD_HASH_BYTES, encoded, enc_len);
  if (rc != ARGON2_OK) return duk_error(ctx, DUK_ERR_ERROR, "password.hash: %s", argon2_error_message(rc));
  duk_push_string(ctx, encoded);
  return 1;
}

/* The argon2 variant a PHC string names, or -1. */
static int phc_type(const char *s) {
  if (strncmp(s, "$argon2id$", 10) == 0) return Argon2_id;
  if (strncmp(s, "$argon2i$", 9) == 0) return Argon2_i;
  if (strncmp(s, "$argon2d$", 9) == 0) return Argon2_d;
  return -1;
}

/* The m= value of a PHC string, or 0 when it has none. */
static unsigned long phc_memory_kib(const char *s) {
  const char *m = strstr(s, "$m=");
  return m ? strtoul(m + 3, NULL, 10) : 0;
}

/* native.passwordVerify(passwordBytes, hash) -> bool.  The comparison is
 * libargon2's constant-time one; a string that is no argon2 PHC string is
 * false, as php's password_verify has it. */
static duk_ret_t js_password_verify(duk_context *ctx) {
  size_t pw_len;
  const uint8_t *pw = js_require_bytes(ctx, 0, &pw_len);
  const char *encoded = duk_require_string(ctx, 1);
  int type = phc_type(encoded);
  const struct jsfpm_config *cfg = js_runtime_config(ctx);
  unsigned long limit = memory_kib(cfg) > PASSWORD_VERIFY_MAX_KIB ? memory_kib(cfg) : PASSWORD_VERIFY_MAX_KIB;
  if (type < 0) {
    duk_push_false(ctx);
    return 1;
  }
  if (phc_memory_kib(encoded) > limit)
    return duk_error(ctx, DUK_ERR_RANGE_ERROR,
                     "password.verify: the hash asks for %lu KiB of memory, more than %lu",
                     phc_memory_kib(encoded), limit);
  int rc = argon2_verify(encoded, pw, pw_len, (argon2_type)type);
  duk_push_boolean(ctx, rc == ARGON2_OK);
  return 1;
}

const duk_function_list_entry js_password_natives[] = {{"passwordParams", js_password_params, 0},
                                                       {"passwordHash", js_password_hash, 1},
                                                       {"passwordVerify", js_password_verify, 2},
                                                       {NULL, NULL, 0}};
