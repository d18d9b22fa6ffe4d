/* migrations_list.c: reading the migrations folder (see migrations_list.h). */
#include "autoconfig.h"

#include "migrations_list.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int migration_cmp(const void *a, const void *b) {
  const struct migration *x = a, *y = b;
  return x->version < y->version ? -1 : x->version > y->version;
}

/* Parses "NNN_name.sql"; returns 0 and *version, or -1. */
static int migration_parse_name(const char *name, long long *version) {
  size_t digits = strspn(name, "0123456789");
  size_t n = strlen(name);
  if (digits == 0 || digits > 18 || name[digits] != '_' || n < digits + 6 ||
      strcmp(name + n - 4, ".sql") != 0)
    return -1;
  *version = strtoll(name, NULL, 10);
  return 0;
}

static int migrations_add(struct migrations_list *list, size_t *cap, long long version, const char *name,
                          char *err, size_t errlen) {
  if (list->n == *cap) {
    size_t ncap = *cap ? *cap * 2 : 16;
    struct migration *grown = realloc(list->items, ncap * sizeof *grown);
    if (grown == NULL) goto oom;
    list->items = grown;
    *cap = ncap;
  }
  list->items[list->n].version = version;
  if ((list->items[list->n].file = strdup(name)) == NULL) goto oom;
  list->n++;
  return 0;
oom:
  snprintf(err, errlen, "%s: out of memory", list->dir);
  return -1;
}

static int migrations_check_versions(const struct migrations_list *list, char *err, size_t errlen) {
  for (size_t i = 1; i < list->n; i++) {
    if (list->items[i].version == list->items[i - 1].version) {
      snprintf(err, errlen, "migrations %s/%s and %s share version %lld", list->dir, list->items[i - 1].file,
               list->items[i].file, list->items[i].version);
      return -1;
    }
  }
  return 0;
}

int migrations_list_read(const char *app_root, struct migrations_list *list, char *err, size_t errlen) {
  memset(list, 0, sizeof *list);
  if ((size_t)snprintf(list->dir, sizeof list->dir, "%s/migrations", app_root) >= sizeof list->dir) {
    snprintf(err, errlen, "%s/migrations: path too long", app_root);
    return -1;
  }
  DIR *d = opendir(list->dir);
  if (d == NULL) {
    if (errno == ENOENT) return 0; /* an app without migrations */
    snprintf(err, errlen, "cannot open %s: %s", list->dir, strerror(errno));
    return -1;
  }
  size_t cap = 0;
  int rc = 0;
  for (;;) {
    errno = 0;
    struct dirent *de = readdir(d);
    if (de == NULL) {
      if (errno != 0) snprintf(err, errlen, "cannot read %s: %s", list->dir, strerror(errno)), rc = -1;
      break;
    }
    long long version;
    if (de->d_name[0] == '.') continue;
    if (migration_parse_name(de->d_name, &version) != 0) {
      snprintf(err, errlen, "%s/%s: " MIGRATIONS_NAME_RULE "; rename it, or move it out of migrations/",
               list->dir, de->d_name);
      rc = -1;
      break;
    }
    if ((rc = migrations_add(list, &cap, version, de->d_name, err, errlen)) < 0) break;
  }
  closedir(d);
  if (rc == 0 && list->n > 1) qsort(list->items, list->n, sizeof *list->items, migration_cmp);
  if (rc == 0) rc = migrations_check_versions(list, err, errlen);
  if (rc < 0) migrations_list_free(list);
  return rc;
}

void migrations_list_free(struct migrations_list *list) {
  for (size_t i = 0; i < list->n; i++) free(list->items[i].file);
  free(list->items);
  list->items = NULL;
  list->n = 0;
}
