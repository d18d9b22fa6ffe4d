/* js_intl.c: the natives behind Intl (js/jsfpm/internal/intl.js), on ICU.
 *
 * intl.js turns ECMA-402 options into an ICU number skeleton or a date
 * skeleton; the formatters ICU builds for them cost tens of microseconds,
 * so the last few are kept per process (a small cache, least recently used
 * out), outside the JavaScript heap.
 */
#include "autoconfig.h"

#include "js_platform.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>
#include <unicode/ucal.h>
#include <unicode/ucol.h>
#include <unicode/udat.h>
#include <unicode/udatpg.h>
#include <unicode/uloc.h>
#include <unicode/unumberformatter.h>
#include <unicode/upluralrules.h>
#include <unicode/ustring.h>

#include "config.h"

#define INTL_CACHE_SIZE 16
#define INTL_KEY_MAX 256
#define INTL_OUT_MAX 512 /* UTF-16 units of one formatted value */

enum intl_kind { INTL_NUMBER, INTL_DATE, INTL_COLLATOR, INTL_PLURAL };

struct intl_entry {
  enum intl_kind kind;
  char key[INTL_KEY_MAX]; /* locale, options: what built it */
  void *fmt;              /* UNumberFormatter, UDateFormat, UCollator, UPluralRules */
  unsigned long used;     /* the cache's clock at the last use */
};

static struct intl_entry intl_cache[INTL_CACHE_SIZE];
static unsigned long intl_clock;

static void intl_close(struct intl_entry *e) {
  switch (e->kind) {
  case INTL_NUMBER: unumf_close(e->fmt); break;
  case INTL_DATE: udat_close(e->fmt); break;
  case INTL_COLLATOR: ucol_close(e->fmt); break;
  case INTL_PLURAL: uplrules_close(e->fmt); break;
  }
  e->fmt = NULL;
}

/* The cached object for KIND and KEY, or NULL; *SLOT is where to keep a new one. */
static void *intl_lookup(enum intl_kind kind, const char *key, struct intl_entry **slot) {
  struct intl_entry *oldest = &intl_cache[0];
  for (int i = 0; i < INTL_CACHE_SIZE; i++) {
    struct intl_entry *e = &intl_cache[i];
    if (e->fmt && e->kind == kind && strcmp(e->key, key) == 0) {
      e->used = ++intl_clock;
      return e->fmt;
    }
    if (e->fmt == NULL || e->used < oldest->used) oldest = e;
    if (e->fmt == NULL) break;
  }
  *slot = oldest;
  return NULL;
}

static void intl_keep(struct intl_entry *slot, enum intl_kind kind, const char *key, void *fmt) {
  if (slot->fmt) intl_close(slot);
  slot->kind = kind;
  snprintf(slot->key, sizeof slot->key, "%s", key);
  slot->fmt = fmt;
  slot->used = ++intl_clock;
}

/* A JavaScript string (UTF-8) as UTF-16 into BUF (CAP units); -1 if too long. */
static int32_t to_uchars(duk_context *ctx, duk_idx_t idx, UChar *buf, int32_t cap) {
  duk_idx_t top = duk_get_top(ctx);
  duk_dup(ctx, idx);
  duk_to_string(ctx, -1);
  duk_size_t n;
  const char *s = (const char *)js_push_utf8(ctx, &n);
  UErrorCode err = U_ZERO_ERROR;
  int32_t len = 0;
  u_strFromUTF8(buf, cap, &len, s, (int32_t)n, &err);
  duk_set_top(ctx, top);
  return U_FAILURE(err) || len >= cap ? -1 : len;
}

static void push_uchars(duk_context *ctx, const UChar *s, int32_t len) {
  char out[INTL_OUT_MAX * 3 + 1];
  int32_t n = 0;
  UErrorCode err = U_ZERO_ERROR;
  u_strToUTF8(out, sizeof out, &n, s, len, &err);
  if (U_FAILURE(err)) (void)duk_error(ctx, DUK_ERR_RANGE_ERROR, "Intl: the formatted value is too long");
  duk_push_lstring(ctx, out, (duk_size_t)n);
}

static duk_ret_t icu_error(duk_context *ctx, const char *what, UErrorCode err) {
  return duk_error(ctx, DUK_ERR_RANGE_ERROR, "%s: %s", what, u_errorName(err));
}

/* native.intlLocale(tag) -> the canonical BCP 47 tag, or null when TAG is
 * not a well-formed language tag. */
static duk_ret_t js_intl_locale(duk_context *ctx) {
  const char *tag = duk_require_string(ctx, 0);
  char id[ULOC_FULLNAME_CAPACITY], out[ULOC_FULLNAME_CAPACITY];
  int32_t parsed = 0;
  UErrorCode err = U_ZERO_ERROR;
  uloc_forLanguageTag(tag, id, sizeof id, &parsed, &err);
  if (U_FAILURE(err) || parsed != (int32_t)strlen(tag) || parsed == 0) {
    duk_push_null(ctx);
    return 1;
  }
  uloc_toLanguageTag(id, out, sizeof out, true, &err);
  if (U_FAILURE(err))
    duk_push_null(ctx);
  else
    duk_push_string(ctx, out);
  return 1;
}

/* native.intlConfiguredLocale() -> the first of [app] locales (the default locale). */
static duk_ret_t js_intl_configured_locale(duk_context *ctx) {
  const char *s = js_runtime_config(ctx)->locales;
  if (s == NULL) s = "en";
  while (*s == ' ' || *s == ',') s++;
  duk_push_lstring(ctx, s, strcspn(s, ", "));
  return 1;
}

/* native.intlHasLocale(tag) -> whether ICU has data for TAG's language. */
static duk_ret_t js_intl_has_locale(duk_context *ctx) {
  const char *tag = duk_require_string(ctx, 0);
  char id[ULOC_FULLNAME_CAPACITY], lang[ULOC_LANG_CAPACITY];
  UErrorCode err = U_ZERO_ERROR;
  uloc_forLanguageTag(tag, id, sizeof id, NULL, &err);
  uloc_getLanguage(id, lang, sizeof lang, &err);
  bool found = false;
  for (int32_t i = 0, n = uloc_countAvailable(); U_SUCCESS(err) && i < n && !found; i++)
    found = strcmp(uloc_getAvailable(i), lang) == 0;
  duk_push_boolean(ctx, found);
  return 1;
}

/* native.intlNumber(locale, skeleton, value) -> string */
static duk_ret_t js_intl_number(duk_context *ctx) {
  const char *locale = duk_require_string(ctx, 0);
  const char *skeleton = duk_require_string(ctx, 1);
  double value = duk_require_number(ctx, 2);
  char key[INTL_KEY_MAX];
  snprintf(key, sizeof key, "%s|%s", locale, skeleton);
  struct intl_entry *slot = NULL;
  UNumberFormatter *f = intl_lookup(INTL_NUMBER, key, &slot);
  UErrorCode err = U_ZERO_ERROR;
  if (f == NULL) {
    UChar sk[INTL_KEY_MAX];
    int32_t sk_len = to_uchars(ctx, 1, sk, INTL_KEY_MAX);
    if (sk_len < 0) return duk_error(ctx, DUK_ERR_RANGE_ERROR, "Intl.NumberFormat: options too long");
    f = unumf_openForSkeletonAndLocale(sk, sk_len, locale, &err);
    if (U_FAILURE(err)) return icu_error(ctx, "Intl.NumberFormat", err);
    intl_keep(slot, INTL_NUMBER, key, f);
  }
  UFormattedNumber *r = unumf_openResult(&err);
  unumf_formatDouble(f, value, r, &err);
  UChar out[INTL_OUT_MAX];
  int32_t len = unumf_resultToString(r, out, INTL_OUT_MAX, &err);
  unumf_closeResult(r);
  if (U_FAILURE(err)) return icu_error(ctx, "Intl.NumberFormat", err);
  push_uchars(ctx, out, len);
  return 1;
}

/* A date formatter for LOCALE from SKELETON ("" with the styles), in
 * TZ ("" for the process's zone). */
static UDateFormat *open_date(duk_context *ctx, const char *locale, const char *skeleton, int date_style,
                              int time_style, const char *tz, UErrorCode *err) {
  UChar zone[128];
  int32_t zone_len = -1;
  if (tz[0]) {
    u_uastrncpy(zone, tz, 127);
    zone[127] = 0;
    zone_len = u_strlen(zone);
  }
  if (skeleton[0] == '\0')
    return udat_open(time_style < 0 ? UDAT_NONE : (UDateFormatStyle)time_style,
                     date_style < 0 ? UDAT_NONE : (UDateFormatStyle)date_style, locale, tz[0] ? zone : NULL,
                     zone_len, NULL, 0, err);
  UChar sk[64], pattern[128];
  int32_t sk_len = to_uchars(ctx, 1, sk, 64);
  if (sk_len < 0) {
    *err = U_ILLEGAL_ARGUMENT_ERROR;
    return NULL;
  }
  UDateTimePatternGenerator *g = udatpg_open(locale, err);
  int32_t p_len = udatpg_getBestPattern(g, sk, sk_len, pattern, 128, err);
  udatpg_close(g);
  if (U_FAILURE(*err)) return NULL;
  return udat_open(UDAT_PATTERN, UDAT_PATTERN, locale, tz[0] ? zone : NULL, zone_len, pattern, p_len, err);
}

/* native.intlDate(locale, skeleton, dateStyle, timeStyle, timeZone, epochMs) -> string.
 * Styles: 0 full, 1 long, 2 medium, 3 short, -1 none. */
static duk_ret_t js_intl_date(duk_context *ctx) {
  const char *locale = duk_require_string(ctx, 0);
  const char *skeleton = duk_require_string(ctx, 1);
  int date_style = duk_require_int(ctx, 2), time_style = duk_require_int(ctx, 3);
  const char *tz = duk_require_string(ctx, 4);
  double ms = duk_require_number(ctx, 5);
  char key[INTL_KEY_MAX];
  snprintf(key, sizeof key, "%s|%s|%d|%d|%s", locale, skeleton, date_style, time_style, tz);
  struct intl_entry *slot = NULL;
  UDateFormat *f = intl_lookup(INTL_DATE, key, &slot);
  UErrorCode err = U_ZERO_ERROR;
  if (f == NULL) {
    f = open_date(ctx, locale, skeleton, date_style, time_style, tz, &err);
    if (U_FAILURE(err)) {
      if (f) udat_close(f);
      return icu_error(ctx, "Intl.DateTimeFormat", err);
    }
    intl_keep(slot, INTL_DATE, key, f);
  }
  UChar out[INTL_OUT_MAX];
  int32_t len = udat_format(f, ms, out, INTL_OUT_MAX, NULL, &err);
  if (U_FAILURE(err)) return icu_error(ctx, "Intl.DateTimeFormat", err);
  push_uchars(ctx, out, len);
  return 1;
}

/* native.intlTimeZone(name) -> the canonical IANA name, or null. */
static duk_ret_t js_intl_time_zone(duk_context *ctx) {
  UChar id[128], canonical[128];
  int32_t len = to_uchars(ctx, 0, id, 128);
  UErrorCode err = U_ZERO_ERROR;
  UBool system = 0;
  int32_t n = len < 0 ? 0 : ucal_getCanonicalTimeZoneID(id, len, canonical, 128, &system, &err);
  if (len < 0 || U_FAILURE(err) || !system) {
    duk_push_null(ctx);
    return 1;
  }
  /* ICU's canonical id for UTC is Etc/UTC; ECMA-402 says "UTC". */
  push_uchars(ctx, canonical, n);
  return 1;
}

/* native.intlDefaultTimeZone() -> the process's zone (TZ, /etc/localtime). */
static duk_ret_t js_intl_default_time_zone(duk_context *ctx) {
  UChar zone[128];
  UErrorCode err = U_ZERO_ERROR;
  int32_t n = ucal_getDefaultTimeZone(zone, 128, &err);
  if (U_FAILURE(err))
    duk_push_string(ctx, "UTC");
  else
    push_uchars(ctx, zone, n);
  return 1;
}

/* native.intlCompare(locale, options, a, b) -> -1, 0 or 1.  OPTIONS: "base",
 * "accent", "case" or "variant" (ECMA-402 sensitivity). */
static duk_ret_t js_intl_compare(duk_context *ctx) {
  const char *locale = duk_require_string(ctx, 0);
  const char *sensitivity = duk_require_string(ctx, 1);
  char key[INTL_KEY_MAX];
  snprintf(key, sizeof key, "%s|%s", locale, sensitivity);
  struct intl_entry *slot = NULL;
  UCollator *c = intl_lookup(INTL_COLLATOR, key, &slot);
  UErrorCode err = U_ZERO_ERROR;
  if (c == NULL) {
    c = ucol_open(locale, &err);
    if (U_FAILURE(err)) return icu_error(ctx, "Intl.Collator", err);
    UColAttributeValue strength = UCOL_TERTIARY;
    if (strcmp(sensitivity, "base") == 0)
      strength = UCOL_PRIMARY;
    else if (strcmp(sensitivity, "accent") == 0)
      strength = UCOL_SECONDARY;
    else if (strcmp(sensitivity, "case") == 0) {
      strength = UCOL_PRIMARY;
      ucol_setAttribute(c, UCOL_CASE_LEVEL, UCOL_ON, &err);
    }
    ucol_setAttribute(c, UCOL_STRENGTH, strength, &err);
    intl_keep(slot, INTL_COLLATOR, key, c);
  }
  duk_size_t a_len, b_len;
  duk_to_string(ctx, 2);
  duk_to_string(ctx, 3);
  duk_dup(ctx, 2);
  const char *a = (const char *)js_push_utf8(ctx, &a_len);
  duk_dup(ctx, 3);
  const char *b = (const char *)js_push_utf8(ctx, &b_len);
  UCollationResult r = ucol_strcollUTF8(c, a, (int32_t)a_len, b, (int32_t)b_len, &err);
  if (U_FAILURE(err)) return icu_error(ctx, "Intl.Collator", err);
  duk_push_int(ctx, r == UCOL_LESS ? -1 : r == UCOL_GREATER ? 1 : 0);
  return 1;
}

/* native.intlPlural(locale, type, n) -> "one", "other", ...  TYPE: "cardinal" or "ordinal". */
static duk_ret_t js_intl_plural(duk_context *ctx) {
  const char *locale = duk_require_string(ctx, 0);
  const char *type = duk_require_string(ctx, 1);
  double n = duk_require_number(ctx, 2);
  char key[INTL_KEY_MAX];
  snprintf(key, sizeof key, "%s|%s", locale, type);
  struct intl_entry *slot = NULL;
  UPluralRules *p = intl_lookup(INTL_PLURAL, key, &slot);
  UErrorCode err = U_ZERO_ERROR;
  if (p == NULL) {
    p = uplrules_openForType(
        locale, strcmp(type, "ordinal") == 0 ? UPLURAL_TYPE_ORDINAL : UPLURAL_TYPE_CARDINAL, &err);
    if (U_FAILURE(err)) return icu_error(ctx, "Intl.PluralRules", err);
    intl_keep(slot, INTL_PLURAL, key, p);
  }
  UChar out[32];
  int32_t len = uplrules_select(p, n, out, 32, &err);
  if (U_FAILURE(err)) return icu_error(ctx, "Intl.PluralRules", err);
  push_uchars(ctx, out, len);
  return 1;
}

const duk_function_list_entry js_intl_natives[] = {{"intlLocale", js_intl_locale, 1},
                                                   {"intlConfiguredLocale", js_intl_configured_locale, 0},
                                                   {"intlHasLocale", js_intl_has_locale, 1},
                                                   {"intlNumber", js_intl_number, 3},
                                                   {"intlDate", js_intl_date, 6},
                                                   {"intlTimeZone", js_intl_time_zone, 1},
                                                   {"intlDefaultTimeZone", js_intl_default_time_zone, 0},
                                                   {"intlCompare", js_intl_compare, 4},
                                                   {"intlPlural", js_intl_plural, 3},
                                                   {NULL, NULL, 0}};
