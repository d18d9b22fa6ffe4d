/* access_format.c: compiling and rendering [server] access.format.
 *
 * A format is a list of items: literal text, or a placeholder (its letter
 * and, for %{ARG}X, its argument).  Compiling checks every placeholder, so
 * a typo is a configuration error with file and line, never a silent "-"
 * in production logs.
 */
#include "autoconfig.h"

#include "access_format.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

enum unit { UNIT_NONE, UNIT_MILLI, UNIT_KILO, UNIT_MEGA, UNIT_USER, UNIT_SYSTEM };

struct access_item {
  char letter;    /* 0 = literal TEXT */
  enum unit unit; /* %{milli}d, %{kilo}M, %{user}C ... */
  char *text;     /* the literal, or the argument of %{ARG}e, o, t, T; NULL if none */
};

struct access_format {
  struct access_item *items;
  size_t n;
  unsigned needs;
};

static const char letters[] = "bCdeilmMopPqQrRstTu";

/* The unit named by ARG for LETTER, or -1. */
static int unit_of(char letter, const char *arg) {
  static const struct {
    char letter;
    const char *name;
    enum unit unit;
  } units[] = {
      {'d', "seconds", UNIT_NONE}, {'d', "milli", UNIT_MILLI},    {'d', "milliseconds", UNIT_MILLI},
      {'M', "bytes", UNIT_NONE},   {'M', "kilo", UNIT_KILO},      {'M', "kilobytes", UNIT_KILO},
      {'M', "mega", UNIT_MEGA},    {'M', "megabytes", UNIT_MEGA}, {'C', "total", UNIT_NONE},
      {'C', "user", UNIT_USER},    {'C', "system", UNIT_SYSTEM},
  };
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (units[i].letter == letter && strcmp(units[i].name, arg) == 0) return (int)units[i].unit;
  return -1;
}

static void add_item(struct access_format *f, char letter, enum unit unit, const char *text, size_t len) {
  struct access_item *items = realloc(f->items, (f->n + 1) * sizeof *items);
  if (items == NULL) abort(); /* as xstrdup: a few bytes at start-up */
  f->items = items;
  char *copy = NULL;
  if (text != NULL && (copy = strndup(text, len)) == NULL) abort();
  f->items[f->n++] = (struct access_item){.letter = letter, .unit = unit, .text = copy};
}

/* Compiles the placeholder at P (just after '%'); returns what follows it,
 * or NULL with ERR set. */
static const char *compile_placeholder(struct access_format *f, const char *p, char *err, size_t errlen) {
  const char *arg = NULL;
  size_t arg_len = 0;
  if (*p == '{') {
    const char *close = strchr(p, '}');
    if (close == NULL) {
      snprintf(err, errlen, "'%%{' without a closing '}'");
      return NULL;
    }
    arg = p + 1;
    arg_len = (size_t)(close - arg);
    p = close + 1;
  }
  char letter = *p;
  if (letter == '%' && arg == NULL) {
    add_item(f, 0, UNIT_NONE, "%", 1);
    return p + 1;
  }
  if (letter == 'f' || letter == 'n') {
    snprintf(err, errlen, "%%%c (%s) has no meaning in jsfpm", letter,
             letter == 'f' ? "the script file: an app has one entry, [app] main" : "the pool: jsfpm has one");
    return NULL;
  }
  if (letter == '\0' || strchr(letters, letter) == NULL) {
    snprintf(err, errlen, letter ? "unknown placeholder %%%c" : "a lone %% at the end", letter);
    return NULL;
  }
  bool wants_arg = letter == 'e' || letter == 'o';
  if (wants_arg && (arg == NULL || arg_len == 0)) {
    snprintf(err, errlen, "%%%c needs a name: %%{NAME}%c", letter, letter);
    return NULL;
  }
  int unit = UNIT_NONE;
  if (arg != NULL && !wants_arg && letter != 't' && letter != 'T') {
    char name[32];
    snprintf(name, sizeof name, "%.*s", (int)arg_len, arg);
    if ((unit = unit_of(letter, name)) < 0) {
      snprintf(err, errlen, "%%{%.*s}%c: unknown argument for %%%c", (int)arg_len, arg, letter, letter);
      return NULL;
    }
  }
  if (letter == 'C') f->needs |= ACCESS_NEEDS_CPU;
  if (letter == 't') f->needs |= ACCESS_NEEDS_START;
  add_item(f, letter, (enum unit)unit, wants_arg || letter == 't' || letter == 'T' ? arg : NULL, arg_len);
  return p + 1;
}

struct access_format *access_format_compile(const char *text, char *err, size_t errlen) {
  struct access_format *f = calloc(1, sizeof *f);
  if (f == NULL) abort();
  const char *p = text;
  while (*p) {
    const char *pct = strchr(p, '%');
    size_t lit = pct ? (size_t)(pct - p) : strlen(p);
    if (lit > 0) add_item(f, 0, UNIT_NONE, p, lit);
    if (pct == NULL) break;
    if ((p = compile_placeholder(f, pct + 1, err, errlen)) == NULL) {
      access_format_free(f);
      return NULL;
    }
  }
  return f;
}

void access_format_free(struct access_format *f) {
  if (f == NULL) return;
  for (size_t i = 0; i < f->n; i++) free(f->items[i].text);
  free(f->items);
  free(f);
}

unsigned access_format_needs(const struct access_format *f) { return f->needs; }

/* ---- rendering ------------------------------------------------------------ */

struct out {
  char *buf;
  size_t cap, len; /* LEN < CAP always: room for the final NUL */
};

static void put(struct out *o, const char *s, size_t n) {
  if (n > o->cap - 1 - o->len) n = o->cap - 1 - o->len;
  memcpy(o->buf + o->len, s, n);
  o->len += n;
}

/* A value from the request: escaped; "-" when absent or empty. */
static void put_value(struct out *o, const char *s, size_t n) {
  if (s == NULL || n == 0) {
    put(o, "-", 1);
    return;
  }
  bool cut;
  o->len += log_escape(o->buf + o->len, o->cap - 1 - o->len, s, n, &cut);
}

static void put_str(struct out *o, const char *s) { put_value(o, s, s ? strlen(s) : 0); }

static void put_fmt(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put_fmt(struct out *o, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
  va_end(ap);
  if (n > 0) o->len += (size_t)n < o->cap - o->len ? (size_t)n : o->cap - 1 - o->len;
}

/* %t, %T: FMT (strftime) or, without one, ISO 8601 with milliseconds. */
static void put_time(struct out *o, long long unix_ms, const char *fmt) {
  time_t t = (time_t)(unix_ms / 1000);
  struct tm tm;
  localtime_r(&t, &tm);
  char buf[128];
  size_t n;
  if (fmt != NULL) {
    n = strftime(buf, sizeof buf, fmt, &tm);
  } else {
    n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    n += (size_t)snprintf(buf + n, sizeof buf - n, ".%03lld", unix_ms % 1000);
    n += strftime(buf + n, sizeof buf - n, "%z", &tm);
  }
  put(o, buf, n);
}

static long long now_unix_ms(void) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* %C: the request's CPU time as a percentage of its duration, php-fpm's. */
static void put_cpu(struct out *o, const struct access_fields *v, enum unit unit) {
  if (v->cpu_user_us < 0 || v->cpu_system_us < 0) {
    put(o, "-", 1);
    return;
  }
  long long us = unit == UNIT_USER     ? v->cpu_user_us
                 : unit == UNIT_SYSTEM ? v->cpu_system_us
                                       : v->cpu_user_us + v->cpu_system_us;
  double wall_us = v->duration_ms > 0 ? (double)v->duration_ms * 1000.0 : 1000.0;
  put_fmt(o, "%.2f", (double)us * 100.0 / wall_us);
}

static void put_lookup(struct out *o, const struct access_fields *v, char kind, const char *name) {
  size_t len = 0;
  const char *s = v->lookup ? v->lookup(v->lookup_arg, kind, name, &len) : NULL;
  put_value(o, s, s ? len : 0);
}

static void render_item(struct out *o, const struct access_item *it, const struct access_fields *v) {
  switch (it->letter) {
  case 0: put(o, it->text, strlen(it->text)); break;
  case 'b':
    if (v->body_bytes < 0)
      put(o, "-", 1);
    else
      put_fmt(o, "%lld", v->body_bytes);
    break;
  case 'C': put_cpu(o, v, it->unit); break;
  case 'd':
    if (it->unit == UNIT_MILLI)
      put_fmt(o, "%lld", v->duration_ms);
    else
      put_fmt(o, "%.3f", (double)v->duration_ms / 1000.0);
    break;
  case 'e': put_lookup(o, v, 'e', it->text); break;
  case 'i': put_str(o, v->request_id); break;
  case 'l': put_fmt(o, "%lld", v->request_bytes); break;
  case 'm': put_str(o, v->method); break;
  case 'M':
    if (v->memory_bytes < 0)
      put(o, "-", 1);
    else
      put_fmt(o, "%lld",
              v->memory_bytes / (it->unit == UNIT_MEGA   ? 1048576
                                 : it->unit == UNIT_KILO ? 1024
                                                         : 1));
    break;
  case 'o': put_lookup(o, v, 'o', it->text); break;
  case 'p': put_fmt(o, "%ld", (long)v->pid); break;
  case 'P': put_fmt(o, "%ld", (long)getppid()); break;
  case 'q': /* nothing when there is none, so that %r%Q%q is the target */
    if (v->query && *v->query) put_str(o, v->query);
    break;
  case 'Q':
    if (v->query && *v->query) put(o, "?", 1);
    break;
  case 'r': put_str(o, v->path); break;
  case 'R': put_str(o, v->remote_addr); break;
  case 's':
    if (v->status <= 0)
      put(o, "-", 1);
    else
      put_fmt(o, "%d", v->status);
    break;
  case 't': put_time(o, v->start_unix_ms, it->text); break;
  case 'T': put_time(o, now_unix_ms(), it->text); break;
  case 'u': put_str(o, v->remote_user); break;
  }
}

size_t access_format_render(const struct access_format *f, const struct access_fields *v, char *out,
                            size_t cap) {
  struct out o = {.buf = out, .cap = cap, .len = 0};
  if (cap == 0) return 0;
  for (size_t i = 0; i < f->n && o.len < cap - 1; i++) render_item(&o, &f->items[i], v);
  out[o.len] = '\0';
  return o.len;
}
