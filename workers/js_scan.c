/* js_scan.c: see js_scan.h. */
#include "autoconfig.h"

#include "js_scan.h"

#include <string.h>

enum token { TOK_NONE, TOK_IDENT, TOK_KEYWORD, TOK_VALUE, TOK_PUNCT };

struct scanner {
  const char *p, *end;
  enum token prev; /* the token before the current one */
  char prev_punct; /* its character when prev == TOK_PUNCT */
};

static bool ident_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
         c == '\\' || c >= 0x80;
}

/* Keywords after which a '/' starts a regular expression, not a division. */
static bool keyword_before_expression(const char *s, size_t n) {
  static const char *const words[] = {"return", "typeof", "instanceof", "in",    "of",
                                      "new",    "delete", "void",       "throw", "case",
                                      "do",     "else",   "yield",      "await", NULL};
  for (int i = 0; words[i]; i++)
    if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0) return true;
  return false;
}

static bool regex_allowed(const struct scanner *s) {
  if (s->prev == TOK_NONE || s->prev == TOK_KEYWORD) return true;
  if (s->prev == TOK_PUNCT) return s->prev_punct != ')' && s->prev_punct != ']' && s->prev_punct != '}';
  return false;
}

/* Skips a quoted string or template whose opening QUOTE is at s->p. */
static void skip_quoted(struct scanner *s, char quote) {
  for (s->p++; s->p < s->end && *s->p != quote; s->p++)
    if (*s->p == '\\') s->p++;
  if (s->p < s->end) s->p++;
}

static void skip_regex(struct scanner *s) {
  bool in_class = false;
  for (s->p++; s->p < s->end && *s->p != '\n'; s->p++) {
    if (*s->p == '\\')
      s->p++;
    else if (*s->p == '[')
      in_class = true;
    else if (*s->p == ']')
      in_class = false;
    else if (*s->p == '/' && !in_class)
      break;
  }
  if (s->p < s->end) s->p++;
  while (s->p < s->end && ident_char((unsigned char)*s->p)) s->p++; /* flags */
}

/* Skips white space and comments. */
static void skip_space(struct scanner *s) {
  while (s->p < s->end) {
    if (*s->p == '/' && s->p + 1 < s->end && s->p[1] == '/') {
      while (s->p < s->end && *s->p != '\n') s->p++;
    } else if (*s->p == '/' && s->p + 1 < s->end && s->p[1] == '*') {
      const char *close = memmem(s->p + 2, (size_t)(s->end - s->p - 2), "*/", 2);
      s->p = close ? close + 2 : s->end;
    } else if ((unsigned char)*s->p <= ' ') {
      s->p++;
    } else {
      return;
    }
  }
}

/* At a `require` identifier: if "( 'literal' )" follows, records it. */
static bool record_require(struct scanner *s, struct js_lowered *deps) {
  struct scanner look = *s;
  skip_space(&look);
  if (look.p >= look.end || *look.p != '(') return true;
  look.p++;
  skip_space(&look);
  if (look.p >= look.end || (*look.p != '\'' && *look.p != '"')) return true;
  const char *start = look.p + 1;
  skip_quoted(&look, *look.p);
  const char *stop = look.p - 1;
  skip_space(&look);
  if (look.p >= look.end || *look.p != ')' || stop < start || memchr(start, '\\', (size_t)(stop - start)))
    return true; /* escapes: left to the run-time require */
  return js_lowered_add_dep(deps, JS_DEP_REQUIRE, start, (size_t)(stop - start)) == 0;
}

bool js_scan_plain(const char *source, size_t len, struct js_lowered *deps, bool *oom) {
  struct scanner s = {source, source + len, TOK_NONE, 0};
  *oom = false;
  for (;;) {
    skip_space(&s);
    if (s.p >= s.end) return true;
    unsigned char c = (unsigned char)*s.p;
    bool member = s.prev == TOK_PUNCT && s.prev_punct == '.';
    if (c == '\'' || c == '"' || c == '`') {
      skip_quoted(&s, (char)c);
      s.prev = TOK_VALUE;
    } else if (c == '/' && regex_allowed(&s)) {
      skip_regex(&s);
      s.prev = TOK_VALUE;
    } else if (c >= '0' && c <= '9') {
      while (s.p < s.end && (ident_char((unsigned char)*s.p) || *s.p == '.')) s.p++;
      s.prev = TOK_VALUE;
    } else if (ident_char(c)) {
      const char *start = s.p;
      while (s.p < s.end && ident_char((unsigned char)*s.p)) s.p++;
      size_t n = (size_t)(s.p - start);
      if (!member && n == 5 && memcmp(start, "const", 5) == 0) return false;
      if (!member && n == 7 && memcmp(start, "require", 7) == 0 && !record_require(&s, deps)) {
        *oom = true;
        return false;
      }
      s.prev = keyword_before_expression(start, n) && !member ? TOK_KEYWORD : TOK_IDENT;
    } else {
      s.prev = TOK_PUNCT;
      s.prev_punct = (char)c;
      s.p++;
    }
  }
}
