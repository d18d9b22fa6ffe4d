/* js_crypto.c: the natives behind crypto and crypto.subtle
 * (js/jsfpm/internal/crypto.js), on OpenSSL's libcrypto.
 *
 * Each native does one primitive on bytes; the Web Crypto rules (algorithm
 * names and parameters, key objects, usages, formats) are checked in
 * JavaScript before a native is called.  A failure throws an Error whose
 * message crypto.js turns into the DOMException the standard names
 * (OperationError for a GCM tag that does not match, say).
 */
#include "autoconfig.h"

#include "js_platform.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <stdbool.h>
#include <string.h>

uint8_t *js_push_bytes(duk_context *ctx, size_t len) {
  uint8_t *p = duk_push_fixed_buffer(ctx, len);
  duk_push_buffer_object(ctx, -1, 0, len, DUK_BUFOBJ_UINT8ARRAY);
  duk_remove(ctx, -2);
  return p;
}

const uint8_t *js_require_bytes(duk_context *ctx, duk_idx_t idx, size_t *len) {
  duk_size_t n = 0;
  if (!duk_is_buffer_data(ctx, idx))
    (void)duk_type_error(ctx, "expected bytes (a Uint8Array or ArrayBuffer)");
  const uint8_t *p = duk_get_buffer_data(ctx, idx, &n);
  *len = n;
  return p ? p : (const uint8_t *)"";
}

/* The digest for a Web Crypto hash name (already checked by crypto.js). */
static const EVP_MD *require_md(duk_context *ctx, duk_idx_t idx) {
  const char *name = duk_require_string(ctx, idx);
  if (strcmp(name, "SHA-1") == 0) return EVP_sha1();
  if (strcmp(name, "SHA-256") == 0) return EVP_sha256();
  if (strcmp(name, "SHA-384") == 0) return EVP_sha384();
  if (strcmp(name, "SHA-512") == 0) return EVP_sha512();
  (void)duk_error(ctx, DUK_ERR_ERROR, "NotSupportedError: unknown hash %s", name);
  return NULL; /* not reached: duk_error does not return */
}

/* Byte counts from JavaScript: a whole number within [0, MAX]. */
static size_t require_count(duk_context *ctx, duk_idx_t idx, double max) {
  double v = duk_require_number(ctx, idx);
  if (!(v >= 0 && v <= max) || v != (double)(size_t)v)
    (void)duk_range_error(ctx, "expected a whole number from 0 to %.0f, got %g", max, v);
  return (size_t)v;
}

/* native.randomFill(bytes): fills BYTES from the kernel's CSPRNG (through
 * OpenSSL's DRBG, reseeded across fork). */
static duk_ret_t js_random_fill(duk_context *ctx) {
  duk_size_t len = 0;
  void *p = duk_require_buffer_data(ctx, 0, &len);
  if (len > 0 && RAND_bytes(p, (int)len) != 1)
    return duk_error(ctx, DUK_ERR_ERROR, "OperationError: no random bytes");
  return 0;
}

/* ---- incremental hashing (jsfpm/hash) ----
 * A hash in progress is an object holding its EVP_MD_CTX behind a hidden
 * pointer; its finalizer frees the state of a hash dropped unfinished. */

static EVP_MD_CTX *hash_state(duk_context *ctx, duk_idx_t idx) {
  duk_get_prop_literal(ctx, idx, DUK_HIDDEN_SYMBOL("md"));
  EVP_MD_CTX *md = duk_get_pointer(ctx, -1);
  duk_pop(ctx);
  return md;
}

static duk_ret_t js_hash_finalize(duk_context *ctx) {
  EVP_MD_CTX_free(hash_state(ctx, 0));
  return 0;
}

/* native.hashNew(hash) -> a hash in progress */
static duk_ret_t js_hash_new(duk_context *ctx) {
  const EVP_MD *type = require_md(ctx, 0);
  duk_push_object(ctx);
  duk_push_c_function(ctx, js_hash_finalize, 1);
  duk_set_finalizer(ctx, -2);
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  if (md == NULL || EVP_DigestInit_ex(md, type, NULL) != 1) {
    EVP_MD_CTX_free(md);
    return duk_error(ctx, DUK_ERR_ERROR, "OperationError: cannot start a hash");
  }
  duk_push_pointer(ctx, md);
  duk_put_prop_literal(ctx, -2, DUK_HIDDEN_SYMBOL("md"));
  return 1;
}

static EVP_MD_CTX *require_hash(duk_context *ctx, duk_idx_t idx) {
  EVP_MD_CTX *md = duk_is_object(ctx, idx) ? hash_state(ctx, idx) : NULL;
  if (md == NULL) (void)duk_type_error(ctx, "the hash has been finished already (digest() was called)");
  return md;
}

/* native.hashUpdate(state, data) */
static duk_ret_t js_hash_update(duk_context *ctx) {
  EVP_MD_CTX *md = require_hash(ctx, 0);
  size_t len;
  const uint8_t *data = js_require_bytes(ctx, 1, &len);
  if (EVP_DigestUpdate(md, data, len) != 1)
    return duk_error(ctx, DUK_ERR_ERROR, "OperationError: hash failed");
  return 0;
}

/* native.hashFinal(state) -> bytes; the state is freed. */
static duk_ret_t js_hash_final(duk_context *ctx) {
  EVP_MD_CTX *md = require_hash(ctx, 0);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  int ok = EVP_DigestFinal_ex(md, out, &out_len);
  EVP_MD_CTX_free(md);
  duk_push_pointer(ctx, NULL);
  duk_put_prop_literal(ctx, 0, DUK_HIDDEN_SYMBOL("md"));
  if (ok != 1) return duk_error(ctx, DUK_ERR_ERROR, "OperationError: hash failed");
  memcpy(js_push_bytes(ctx, out_len), out, out_len);
  return 1;
}

/* native.digest(hash, data) -> bytes */
static duk_ret_t js_digest(duk_context *ctx) {
  const EVP_MD *md = require_md(ctx, 0);
  size_t len;
  const uint8_t *data = js_require_bytes(ctx, 1, &len);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  if (EVP_Digest(data, len, out, &out_len, md, NULL) != 1)
    return duk_error(ctx, DUK_ERR_ERROR, "OperationError: digest failed");
  memcpy(js_push_bytes(ctx, out_len), out, out_len);
  return 1;
}

/* native.hmac(hash, key, data) -> bytes */
static duk_ret_t js_hmac(duk_context *ctx) {
  const EVP_MD *md = require_md(ctx, 0);
  size_t key_len, len;
  const uint8_t *key = js_require_bytes(ctx, 1, &key_len);
  const uint8_t *data = js_require_bytes(ctx, 2, &len);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  /* HMAC() takes a NULL key as "no key"; an empty key is a valid one. */
  if (HMAC(md, key_len ? key : (const uint8_t *)"", (int)key_len, data, len, out, &out_len) == NULL)
    return duk_error(ctx, DUK_ERR_ERROR, "OperationError: HMAC failed");
  memcpy(js_push_bytes(ctx, out_len), out, out_len);
  return 1;
}

/* native.equal(a, b): constant-time comparison (for equal lengths; the
 * length itself is not secret). */
static duk_ret_t js_equal(duk_context *ctx) {
  size_t a_len, b_len;
  const uint8_t *a = js_require_bytes(ctx, 0, &a_len);
  const uint8_t *b = js_require_bytes(ctx, 1, &b_len);
  duk_push_boolean(ctx, a_len == b_len && CRYPTO_memcmp(a, b, a_len) == 0);
  return 1;
}

/* native.pbkdf2(hash, password, salt, iterations, length) -> bytes */
static duk_ret_t js_pbkdf2(duk_context *ctx) {
  const EVP_MD *md = require_md(ctx, 0);
  size_t pw_len, salt_len;
  const uint8_t *pw = js_require_bytes(ctx, 1, &pw_len);
  const uint8_t *salt = js_require_bytes(ctx, 2, &salt_len);
  size_t iterations = require_count(ctx, 3, 2147483647.0);
  size_t len = require_count(ctx, 4, 1 << 20);
  if (iterations == 0) return duk_error(ctx, DUK_ERR_ERROR, "OperationError: iterations must not be 0");
  uint8_t *out = js_push_bytes(ctx, len);
  if (len > 0 && PKCS5_PBKDF2_HMAC((const char *)pw, (int)pw_len, salt, (int)salt_len, (int)iterations, md,
                                   (int)len, out) != 1)
    return duk_error(ctx, DUK_ERR_ERROR, "OperationError: PBKDF2 failed");
  return 1;
}

/* native.hkdf(hash, ikm, salt, info, length) -> bytes (RFC 5869). */
static duk_ret_t js_hkdf(duk_context *ctx) {
  const EVP_MD *md = require_md(ctx, 0);
  size_t ikm_len, salt_len, info_len;
  const uint8_t *ikm = js_require_bytes(ctx, 1, &ikm_len);
  const uint8_t *salt = js_require_bytes(ctx, 2, &salt_len);
  const uint8_t *info = js_require_bytes(ctx, 3, &info_len);
  size_t len = require_count(ctx, 4, 255.0 * EVP_MD_get_size(md));
  uint8_t *out = js_push_bytes(ctx, len);
  if (len == 0) return 1;
  EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
  EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
  EVP_KDF_free(kdf);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)EVP_MD_get0_name(md), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, ikm_len),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, info_len),
      OSSL_PARAM_construct_end()};
  int ok = kctx != NULL && EVP_KDF_derive(kctx, out, len, params) == 1;
  EVP_KDF_CTX_free(kctx);
  if (!ok) return duk_error(ctx, DUK_ERR_ERROR, "OperationError: HKDF failed");
  return 1;
}

static const EVP_CIPHER *gcm_cipher(size_t key_len) {
  switch (key_len) {
  case 16: return EVP_aes_128_gcm();
  case 24: return EVP_aes_192_gcm();
  case 32: return EVP_aes_256_gcm();
  default: return NULL;
  }
}

/* Runs AES-GCM over IN into OUT (same length); the tag is written to or
 * checked against TAG.  Returns 1, or 0 on failure (a tag mismatch). */
static int gcm_run(bool encrypt, const uint8_t *key, size_t key_len, const uint8_t *iv, size_t iv_len,
                   const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                   uint8_t *tag, size_t tag_len) {
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  int n = 0, ok = c != NULL && EVP_CipherInit_ex(c, gcm_cipher(key_len), NULL, NULL, NULL, encrypt) == 1 &&
                  EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, (int)iv_len, NULL) == 1 &&
                  EVP_CipherInit_ex(c, NULL, NULL, key, iv, encrypt) == 1 &&
                  (aad_len == 0 || EVP_CipherUpdate(c, NULL, &n, aad, (int)aad_len) == 1) &&
                  (len == 0 || EVP_CipherUpdate(c, out, &n, in, (int)len) == 1);
  if (ok && !encrypt) ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, (int)tag_len, tag) == 1;
  if (ok) ok = EVP_CipherFinal_ex(c, out + n, &n) == 1;
  if (ok && encrypt) ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, (int)tag_len, tag) == 1;
  EVP_CIPHER_CTX_free(c);
  return ok;
}

/* native.aesGcm(encrypt, key, iv, data, additionalData, tagBytes) -> bytes:
 * ciphertext with the tag appended, or the plaintext of such. */
static duk_ret_t js_aes_gcm(duk_context *ctx) {
  bool encrypt = duk_require_boolean(ctx, 0);
  size_t key_len, iv_len, len, aad_len;
  const uint8_t *key = js_require_bytes(ctx, 1, &key_len);
  const uint8_t *iv = js_require_bytes(ctx, 2, &iv_len);
  const uint8_t *in = js_require_bytes(ctx, 3, &len);
  const uint8_t *aad = js_require_bytes(ctx, 4, &aad_len);
  size_t tag_len = require_count(ctx, 5, 16);
  if (gcm_cipher(key_len) == NULL)
    return duk_error(ctx, DUK_ERR_ERROR, "OperationError: AES key of %zu bytes", key_len);
  if (iv_len == 0 || len > (size_t)INT32_MAX - 16 || aad_len > INT32_MAX)
    return duk_error(ctx, DUK_ERR_ERROR, "OperationError: bad AES-GCM input sizes");
  if (encrypt) {
    uint8_t *out = js_push_bytes(ctx, len + tag_len);
    if (!gcm_run(true, key, key_len, iv, iv_len, aad, aad_len, in, len, out, out + len, tag_len))
      return duk_error(ctx, DUK_ERR_ERROR, "OperationError: AES-GCM encryption failed");
    return 1;
  }
  if (len < tag_len) return duk_error(ctx, DUK_ERR_ERROR, "OperationError: the data is shorter than the tag");
  uint8_t tag[16];
  memcpy(tag, in + len - tag_len, tag_len);
  uint8_t *out = js_push_bytes(ctx, len - tag_len);
  if (!gcm_run(false, key, key_len, iv, iv_len, aad, aad_len, in, len - tag_len, out, tag, tag_len))
    return duk_error(ctx, DUK_ERR_ERROR,
                     "OperationError: the data could not be decrypted (wrong key, iv, "
                     "additional data or tag)");
  return 1;
}

const duk_function_list_entry js_crypto_natives[] = {{"randomFill", js_random_fill, 1},
                                                     {"digest", js_digest, 2},
                                                     {"hashNew", js_hash_new, 1},
                                                     {"hashUpdate", js_hash_update, 2},
                                                     {"hashFinal", js_hash_final, 1},
                                                     {"hmac", js_hmac, 3},
                                                     {"equal", js_equal, 2},
                                                     {"pbkdf2", js_pbkdf2, 5},
                                                     {"hkdf", js_hkdf, 5},
                                                     {"aesGcm", js_aes_gcm, 6},
                                                     {NULL, NULL, 0}};
