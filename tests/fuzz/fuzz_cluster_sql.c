/* fuzz_cluster_sql.c: libFuzzer harness for what the broker decides about a
 * worker's SQL text in cluster mode (broker/cluster_sql.c): the script
 * splitter and the refusals, on any bytes.
 *
 * Every statement handed out must lie inside the input, in order, without
 * overlap, and be non-empty; the refusal of each (and of the whole input)
 * must be NULL or a non-empty message; splitting again what a statement
 * holds gives that one statement back (a statement is complete alone);
 * what cluster_sql_plain_write keeps of a statement, with ";RELEASE x"
 * appended, splits into that text and RELEASE (a plain write never
 * swallows the statement cluster_db.c sends after it).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_sql.h"

struct walk {
  const char *base, *end, *next; /* input, and where the next statement may start */
  int n;
};

static int one_back(void *arg, const char *stmt, size_t len) {
  (void)stmt, (void)len;
  ++*(int *)arg;
  return 0;
}

/* The property of cluster_sql_plain_write above, for STMT (no NUL). */
static void check_plain_write(const char *stmt, size_t len) {
  static const char release[] = ";RELEASE x";
  for (size_t nparams = 0; nparams < 4; nparams++) {
    size_t core = cluster_sql_plain_write(stmt, len, nparams);
    if (core == 0) continue;
    if (core > len) abort();
    char *joined = malloc(core + sizeof release);
    if (joined == NULL) abort();
    memcpy(joined, stmt, core);
    memcpy(joined + core, release, sizeof release);
    int pieces = 0;
    if (cluster_sql_split(joined, core + sizeof release - 1, one_back, &pieces) != 0 || pieces != 2) abort();
    free(joined);
  }
}

static int each(void *arg, const char *stmt, size_t len) {
  struct walk *w = arg;
  if (len == 0 || stmt < w->next || stmt + len > w->end) abort();
  w->next = stmt + len;
  w->n++;
  const char *why = cluster_sql_refusal(stmt, len);
  if (why != NULL && why[0] == '\0') abort();
  /* A statement that ends with its ';' splits into itself alone. */
  if (stmt[len - 1] == ';' && memchr(stmt, '\0', len) == NULL) {
    int again = 0;
    if (cluster_sql_split(stmt, len, one_back, &again) != 0 || again != 1) abort();
  }
  if (memchr(stmt, '\0', len) == NULL) check_plain_write(stmt, len);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  struct walk w = {s, s + size, s, 0};
  if (cluster_sql_split(s, size, each, &w) != 0) abort();
  const char *why = cluster_sql_refusal(s, size);
  if (why != NULL && why[0] == '\0') abort();
  return 0;
}
