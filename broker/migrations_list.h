/* migrations_list.h: the app's migrations/ folder, read and checked.
 *
 * Every file in APP_ROOT/migrations/ (but hidden ones) must be named
 * NNN_name.sql: digits (the version), an underscore, a name, ".sql".  A
 * file that is not, or two files with one version, stop the start (the
 * broker's, and `jsfpm -t`) with the rule in the message: a misnamed
 * migration that was only skipped left the app failing later with "no
 * such table".
 */
#ifndef JSFPM_MIGRATIONS_LIST_H
#define JSFPM_MIGRATIONS_LIST_H

#include <stddef.h>

#define MIGRATIONS_NAME_RULE                                                                                 \
  "migration files are named NNN_name.sql (digits, an underscore, a name, .sql: 001_create_notes.sql)"

struct migration {
  long long version;
  char *file; /* name inside the migrations folder */
};

struct migrations_list {
  char dir[4096];          /* APP_ROOT/migrations */
  struct migration *items; /* in version order */
  size_t n;
};

/* Reads APP_ROOT/migrations into LIST (empty when the folder does not
 * exist).  Returns 0, or -1 with ERR naming the file and the rule. */
int migrations_list_read(const char *app_root, struct migrations_list *list, char *err, size_t errlen);
void migrations_list_free(struct migrations_list *list);

#endif
