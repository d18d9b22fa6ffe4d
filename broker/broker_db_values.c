/* broker_db_values.c: values between JSON and SQLite: statement
 * parameters (blobs in base64) bound to statements. */
#include "autoconfig.h"

#include "broker_db_internal.h"

/* ---- base64 (RFC 4648, standard alphabet, padded): blob parameters ---- */

static int b64_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

/* Strict decoder: length a multiple of 4, '=' only as final padding, no
 * whitespace.  Returns 0 with *out (sqlite3_malloc64'd, NULL when empty) and
 * *outlen, -1 on bad input, -2 when out of memory. */
int bdb_b64_decode(const char *s, size_t n, unsigned char **out, size_t *outlen) {
  *out = NULL;
  *outlen = 0;
  if (n % 4 != 0) return -1;
  if (n == 0) return 0;
  size_t pad = 0;
  if (s[n - 1] == '=') pad = s[n - 2] == '=' ? 2 : 1;
  size_t len = n / 4 * 3 - pad;
  unsigned char *buf = sqlite3_malloc64(len ? len : 1);
  if (buf == NULL) return -2;
  size_t o = 0;
  for (size_t i = 0; i < n; i += 4) {
    int v[4];
    int last = i + 4 == n;
    for (int k = 0; k < 4; k++) {
      unsigned char c = (unsigned char)s[i + (size_t)k];
      if (c == '=' && last && k >= 4 - (int)pad) {
        v[k] = 0;
        continue;
      }
      v[k] = b64_value(c);
      if (v[k] < 0) {
        sqlite3_free(buf);
        return -1;
      }
    }
    uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
    buf[o++] = (unsigned char)(w >> 16);
    if (o < len) buf[o++] = (unsigned char)(w >> 8);
    if (o < len) buf[o++] = (unsigned char)w;
  }
  *out = buf;
  *outlen = len;
  return 0;
}

/* ---- values ------------------------------------------------------------ */

/* Binds PARAMS (array, null or absent) to ST.  Returns 0, or -1 with
 * *errreply set (NULL when out of memory).  Text is bound SQLITE_STATIC:
 * PARAMS outlives the statement's use, and bindings are cleared right after. */
int bdb_bind_params(sqlite3_stmt *st, const json_t *id, const char *op, const json_t *params,
                    json_t **errreply) {
  *errreply = NULL;
  if (params != NULL && !json_is_null(params) && !json_is_array(params)) {
    *errreply = bad_request(id, "%s: \"params\" must be an array", op);
    return -1;
  }
  size_t given = json_is_array(params) ? json_array_size(params) : 0;
  int want = sqlite3_bind_parameter_count(st);
  for (int i = 1; i <= want; i++) {
    const char *name = sqlite3_bind_parameter_name(st, i);
    if (name != NULL && name[0] != '?') {
      *errreply = bad_request(id, "%s: named parameter %s is not supported; use positional ?", op, name);
      return -1;
    }
  }
  if (given != (size_t)want) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s: the statement takes %d parameter%s but %zu %s given", op, want,
             want == 1 ? "" : "s", given, given == 1 ? "was" : "were");
    *errreply = bdb_sqlite_error_reply(id, SQLITE_RANGE, msg);
    return -1;
  }
  for (size_t k = 0; k < given; k++) {
    const json_t *v = json_array_get(params, k);
    int i = (int)k + 1, rc;
    switch (json_typeof(v)) {
    case JSON_NULL: rc = sqlite3_bind_null(st, i); break;
    case JSON_TRUE: rc = sqlite3_bind_int(st, i, 1); break;
    case JSON_FALSE: rc = sqlite3_bind_int(st, i, 0); break;
    case JSON_INTEGER: rc = sqlite3_bind_int64(st, i, (sqlite3_int64)json_integer_value(v)); break;
    case JSON_REAL: rc = sqlite3_bind_double(st, i, json_real_value(v)); break;
    case JSON_STRING:
      rc =
          sqlite3_bind_text64(st, i, json_string_value(v), json_string_length(v), SQLITE_STATIC, SQLITE_UTF8);
      break;
    case JSON_OBJECT: {
      const json_t *b = json_object_get(v, "$blob");
      if (json_object_size(v) != 1 || !json_is_string(b)) goto unsupported;
      unsigned char *data;
      size_t n;
      int drc = bdb_b64_decode(json_string_value(b), json_string_length(b), &data, &n);
      if (drc == -2) return -1;
      if (drc != 0) {
        *errreply = bad_request(id, "%s: parameter %zu: \"$blob\" is not valid base64", op, k + 1);
        return -1;
      }
      /* A NULL pointer would bind SQL NULL, so an empty blob is a zeroblob. */
      if (n == 0)
        rc = sqlite3_bind_zeroblob(st, i, 0);
      else
        rc = sqlite3_bind_blob64(st, i, data, n, sqlite3_free); /* frees DATA even on error */
      break;
    }
    default:
    unsupported:
      *errreply = bad_request(id,
                              "%s: parameter %zu: unsupported type (use null, boolean, number, "
                              "string or {\"$blob\": base64})",
                              op, k + 1);
      return -1;
    }
    if (rc != SQLITE_OK) {
      char msg[160];
      snprintf(msg, sizeof msg, "%s: parameter %zu: %s", op, k + 1, sqlite3_errstr(rc));
      *errreply = bdb_sqlite_error_reply(id, rc, msg);
      return -1;
    }
  }
  return 0;
}
