/* proctitle.c: process titles.
 *
 * Linux shows a process's command line from the memory its argv strings
 * occupy (/proc/PID/cmdline, which ps and top -c read); there is no call to
 * change it without CAP_SYS_RESOURCE (PR_SET_MM).  So, like nginx
 * (ngx_setproctitle.c) and php-fpm (fpm_env.c), we write the title over
 * argv itself.  The environment strings follow argv in the same block;
 * moved to the heap first, their bytes lengthen the space.  The kernel then
 * shows the title: bytes up to the first NUL, read on into the environment's
 * part when the title is longer than the original arguments.
 *
 * The short name (/proc/PID/comm, what pgrep and top without -c show)
 * stays "jsfpm", so tools that look a process up by name still find every
 * jsfpm process.
 */
#include "autoconfig.h"

#include "proctitle.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static char *title;        /* argv[0]: start of the space */
static size_t title_cap;   /* bytes of the space, the final NUL included */
static size_t title_dirty; /* bytes from the start that may be non-NUL */

/* END is where a block of strings ends; returns where it ends once the
 * strings of LIST (N of them, or up to a NULL when N < 0) that follow it
 * directly in memory are added.  The pointers need not be in memory order:
 * getopt_long (jsfpm dev's) permutes argv's, not the strings. */
static char *block_end(char *end, char **list, int n) {
  for (int grown = 1; grown;) {
    grown = 0;
    for (int i = 0; (n < 0 ? list[i] != NULL : i < n); i++)
      if (list[i] == end) {
        end += strlen(list[i]) + 1;
        grown = 1;
      }
  }
  return end;
}

int proctitle_init(int argc, char **argv) {
  if (argc < 1 || argv[0] == NULL) return 0;
  char *end = block_end(argv[0] + strlen(argv[0]) + 1, argv + 1, argc - 1);
  size_t nenv = 0;
  while (environ[nenv] != NULL) nenv++;
  end = block_end(end, environ, -1);
  /* The environment moves to the heap, where getenv and setenv find it
   * (allocated once for the process's life; environ keeps it reachable). */
  char **moved = calloc(nenv + 1, sizeof *moved);
  if (moved == NULL) return -1;
  for (size_t i = 0; i < nenv; i++) {
    if ((moved[i] = strdup(environ[i])) == NULL) {
      while (i > 0) free(moved[--i]);
      free(moved);
      return -1;
    }
  }
  environ = moved;
  title = argv[0];
  title_cap = (size_t)(end - argv[0]);
  title_dirty = title_cap;
  /* argv[1..] point into the space; nothing may read them now. */
  for (int i = 1; i < argc; i++) argv[i] = NULL;
  return 0;
}

void proctitle_set(const char *fmt, ...) {
  if (title == NULL || title_cap < 2) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(title, title_cap, fmt, ap);
  va_end(ap);
  size_t len = n < 0 ? 0 : (size_t)n >= title_cap ? title_cap - 1 : (size_t)n;
  title[len] = '\0';
  /* The rest of the space NUL, so no part of an older, longer title or of
   * the original arguments shows after this one; only what the last title
   * may have covered needs clearing. */
  if (title_dirty > len) memset(title + len, 0, title_dirty - len);
  title_dirty = len;
}
