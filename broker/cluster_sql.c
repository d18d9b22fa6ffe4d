/* cluster_sql.c: a worker's SQL text, looked at in cluster mode (see
 * cluster_sql.h).  A small lexer (words, quoted names, strings, comments,
 * punctuation) is enough: the decisions are on the first words of a
 * statement and on the words around a column's declared type. */
#include "autoconfig.h"

#include "cluster_sql.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "broker_db.h"

/* ---- splitting ------------------------------------------------------------ */

/* True when S (LEN bytes) holds nothing but blanks and comments. */
static int sql_blank(const char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    if (isspace((unsigned char)s[i]) || s[i] == ';') {
      i++;
    } else if (s[i] == '-' && i + 1 < len && s[i + 1] == '-') {
      while (i < len && s[i] != '\n') i++;
    } else if (s[i] == '/' && i + 1 < len && s[i + 1] == '*') {
      const char *e = i + 2 < len ? memmem(s + i + 2, len - i - 2, "*/", 2) : NULL;
      i = e ? (size_t)(e - s) + 2 : len;
    } else {
      return 0;
    }
  }
  return 1;
}

int cluster_sql_split(const char *sql, size_t len, int (*fn)(void *arg, const char *stmt, size_t len),
                      void *arg) {
  char *buf = malloc(len + 1);
  if (buf == NULL) return -1;
  size_t start = 0;
  int rc = 0;
  for (size_t i = 0; i < len && rc == 0; i++) {
    if (sql[i] != ';') continue;
    /* sqlite3_complete wants the statement alone and NUL-terminated. */
    size_t n = i + 1 - start;
    memcpy(buf, sql + start, n);
    buf[n] = '\0';
    if (!sqlite3_complete(buf)) continue;
    if (!sql_blank(sql + start, n)) rc = fn(arg, sql + start, n);
    start = i + 1;
  }
  if (rc == 0 && start < len && !sql_blank(sql + start, len - start)) rc = fn(arg, sql + start, len - start);
  free(buf);
  return rc;
}

/* ---- the lexer ------------------------------------------------------------ */

enum tok_kind { TOK_END, TOK_WORD, TOK_NAME /* quoted */, TOK_STRING, TOK_PUNCT };

struct tok {
  enum tok_kind kind;
  const char *p;
  size_t len;
};

struct lexer {
  const char *p, *end;
  int unterminated; /* a string, quoted name or block comment ran to the end */
};

/* The next token of L (comments and blanks skipped). */
static struct tok lex_next(struct lexer *l) {
  for (;;) {
    while (l->p < l->end && isspace((unsigned char)*l->p)) l->p++;
    if (l->end - l->p >= 2 && l->p[0] == '-' && l->p[1] == '-') {
      while (l->p < l->end && *l->p != '\n') l->p++;
    } else if (l->end - l->p >= 2 && l->p[0] == '/' && l->p[1] == '*') {
      const char *e = memmem(l->p + 2, (size_t)(l->end - l->p - 2), "*/", 2);
      l->unterminated |= e == NULL;
      l->p = e ? e + 2 : l->end;
    } else {
      break;
    }
  }
  struct tok t = {TOK_END, l->p, 0};
  if (l->p >= l->end) return t;
  char c = *l->p;
  if (isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80) {
    while (l->p < l->end &&
           (isalnum((unsigned char)*l->p) || *l->p == '_' || *l->p == '$' || (unsigned char)*l->p >= 0x80))
      l->p++;
    t.kind = TOK_WORD;
  } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
    char close = c == '[' ? ']' : c;
    l->p++;
    l->unterminated = 1; /* until the closing quote */
    while (l->p < l->end) {
      if (*l->p++ != close) continue;
      if (close != ']' && l->p < l->end && *l->p == close) { /* doubled: an escaped quote */
        l->p++;
        continue;
      }
      l->unterminated = 0;
      break;
    }
    t.kind = c == '\'' ? TOK_STRING : TOK_NAME;
  } else {
    l->p++;
    t.kind = TOK_PUNCT;
  }
  t.len = (size_t)(l->p - t.p);
  return t;
}

static int tok_is(const struct tok *t, const char *word) {
  return t->kind == TOK_WORD && t->len == strlen(word) && strncasecmp(t->p, word, t->len) == 0;
}

static int tok_punct(const struct tok *t, char c) { return t->kind == TOK_PUNCT && t->p[0] == c; }

/* ---- refusals ------------------------------------------------------------- */

/* A type dqlite 1.18.6 turns into its own value types on reading, and
 * asserts on when the value has another storage class. */
static int tok_is_dqlite_type(const struct tok *t) {
  return tok_is(t, "BOOLEAN") || tok_is(t, "DATETIME") || tok_is(t, "DATE") || tok_is(t, "TIMESTAMP");
}

/* A column declared with such a type in CREATE TABLE or ALTER TABLE ...
 * ADD: the pattern "( name TYPE", ", name TYPE", "ADD [COLUMN] name TYPE". */
static int declares_dqlite_type(struct lexer *l) {
  struct tok a = {TOK_END, NULL, 0}, b = a, t;
  while ((t = lex_next(l)).kind != TOK_END) {
    int before_name = tok_punct(&a, '(') || tok_punct(&a, ',') || tok_is(&a, "ADD") || tok_is(&a, "COLUMN");
    if (before_name && (b.kind == TOK_WORD || b.kind == TOK_NAME) && tok_is_dqlite_type(&t)) return 1;
    a = b;
    b = t;
  }
  return 0;
}

static const char *pragma_refusal(struct lexer *l) {
  struct tok name = lex_next(l), t = lex_next(l);
  if (tok_punct(&t, '.')) { /* schema.name */
    name = lex_next(l);
    t = lex_next(l);
  }
  char buf[64];
  if (name.kind != TOK_WORD || name.len >= sizeof buf) return "PRAGMA: a pragma name is expected";
  memcpy(buf, name.p, name.len);
  buf[name.len] = '\0';
  int with_arg = tok_punct(&t, '=') || tok_punct(&t, '(');
  if (broker_pragma_allowed(buf, with_arg)) return NULL;
  return "this PRAGMA is not allowed through the broker (only read-only PRAGMAs such as table_info, "
         "index_list, foreign_key_list, user_version are)";
}

const char *cluster_sql_refusal(const char *stmt, size_t len) {
  struct lexer l = {stmt, stmt + len, 0};
  struct tok t = lex_next(&l);
  if (tok_is(&t, "BEGIN") || tok_is(&t, "COMMIT") || tok_is(&t, "END") || tok_is(&t, "ROLLBACK") ||
      tok_is(&t, "SAVEPOINT") || tok_is(&t, "RELEASE"))
    return "transaction statements (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE) are not allowed in SQL: "
           "use db.transaction() (protocol ops begin/commit/rollback)";
  if (tok_is(&t, "ATTACH") || tok_is(&t, "DETACH"))
    return "ATTACH and DETACH are not allowed: the broker serves exactly one database";
  if (tok_is(&t, "VACUUM")) return "VACUUM is not allowed through the broker";
  if (tok_is(&t, "PRAGMA")) return pragma_refusal(&l);
  int create = tok_is(&t, "CREATE"), alter = tok_is(&t, "ALTER");
  struct lexer rest = l;
  struct tok kind = lex_next(&l);
  if (create && (tok_is(&kind, "TEMP") || tok_is(&kind, "TEMPORARY")))
    return "TEMP tables, views, triggers and indexes are not allowed: they would outlive the request on "
           "the broker's shared connection; use a WITH clause (CTE) or a regular table";
  /* Function names anywhere (a string that merely mentions one is refused
   * too: the broker does not parse expressions). */
  struct lexer all = {stmt, stmt + len, 0};
  while ((t = lex_next(&all)).kind != TOK_END) {
    if (tok_is(&t, "load_extension")) return "load_extension() is not allowed: extension loading is off";
    if (tok_is(&t, "fts3_tokenizer")) return "fts3_tokenizer() is not allowed: it exposes native pointers";
    if (create && tok_is(&t, "temp")) {
      struct tok dot = lex_next(&all);
      if (tok_punct(&dot, '.'))
        return "TEMP tables, views, triggers and indexes are not allowed: they would outlive the request "
               "on the broker's shared connection";
    }
  }
  if ((create && tok_is(&kind, "TABLE")) || (alter && tok_is(&kind, "TABLE"))) {
    if (declares_dqlite_type(&rest))
      return "columns declared BOOLEAN, DATETIME, DATE or TIMESTAMP are not allowed in cluster mode: "
             "dqlite 1.18.6 aborts the node that reads a value of another storage class from them "
             "(docs/cluster.md, \"Known dqlite issues\"); declare them INTEGER, TEXT or NUMERIC";
  }
  return NULL;
}

/* ---- plain writes --------------------------------------------------------- */

size_t cluster_sql_plain_write(const char *stmt, size_t len, size_t nparams) {
  struct lexer l = {stmt, stmt + len, 0};
  struct tok t = lex_next(&l);
  if (!(tok_is(&t, "INSERT") || tok_is(&t, "UPDATE") || tok_is(&t, "DELETE") || tok_is(&t, "REPLACE") ||
        tok_is(&t, "CREATE") || tok_is(&t, "DROP") || tok_is(&t, "ALTER")))
    return 0;
  size_t core = 0, questions = 0;
  for (; t.kind != TOK_END; t = lex_next(&l)) {
    if (tok_punct(&t, ';')) { /* the end, or a second statement */
      if (lex_next(&l).kind != TOK_END) return 0;
      break;
    }
    if (tok_is(&t, "RETURNING")) return 0; /* rows: they must come through a query */
    /* A trigger ends at "END;" (sqlite3_complete): one without a ';' in
     * its body is a syntax error, but would take in what follows. */
    if (tok_is(&t, "TRIGGER")) return 0;
    /* Named and numbered parameters ($x(...) is one token to SQLite, not
     * to this lexer); only bare '?', as many as NPARAMS. */
    if (tok_punct(&t, '$') || tok_punct(&t, '@') || tok_punct(&t, ':') || tok_punct(&t, '#')) return 0;
    if (tok_punct(&t, '?')) {
      if (l.p < l.end && isdigit((unsigned char)*l.p)) return 0;
      questions++;
    }
    core = (size_t)(t.p + t.len - stmt);
  }
  if (l.unterminated || questions != nparams) return 0;
  return core;
}
