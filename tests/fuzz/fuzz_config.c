/* fuzz_config.c: libFuzzer harness for the config parser (src/config.c on
 * top of inih).  The input is a config file.  A file that loads must print
 * (-T) to a file that loads again: the effective configuration an operator
 * sees is one the parser accepts.  A file that
 * fails must say why, with the file name.  Values that would not read back
 * plain (';', '#', control characters, blanks at the ends) print quoted;
 * the reloaded configuration must print the same text again.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

/* The text of CFG printed as -T does, without the first comment line (it
 * names the file). */
static char *print_body(const struct jsfpm_config *cfg) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (f == NULL) abort();
  config_print(cfg, f);
  fclose(f);
  char *nl = strchr(text, '\n');
  char *body = strdup(nl ? nl + 1 : "");
  free(text);
  return body;
}

static int load_bytes(int fd, const void *data, size_t size, struct jsfpm_config *cfg, char *err,
                      size_t errlen) {
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size) abort();
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  return config_load(cfg, path, err, errlen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int fd = -1;
  if (fd < 0) {
    log_open("/dev/null", LOG_LVL_ERROR);
    fd = memfd_create("fuzz-config", 0);
    if (fd < 0) abort();
  }
  struct jsfpm_config cfg;
  char err[1024] = "";
  if (load_bytes(fd, data, size, &cfg, err, sizeof err) < 0) {
    if (strstr(err, "/proc/self/fd/") == NULL) abort(); /* errors name the file */
    config_free(&cfg);
    return 0;
  }
  char *first = print_body(&cfg);
  config_free(&cfg);
  /* Known limit: inih reads lines of at most 197 characters (config.c's
   * CONFIG_MAX_LINE rejects longer ones with their line number), and -T
   * appends the help text to each line, so long values do not reload. */
  for (const char *l = first; *l;) {
    const char *nl = strchr(l, '\n');
    size_t n = nl ? (size_t)(nl - l) : strlen(l);
    if (n > 197) {
      free(first);
      return 0;
    }
    l += n + (nl != NULL);
  }

  struct jsfpm_config again;
  if (load_bytes(fd, first, strlen(first), &again, err, sizeof err) < 0) {
    fprintf(stderr, "the printed configuration does not load: %s\n---\n%s---\n", err, first);
    abort();
  }
  char *second = print_body(&again);
  config_free(&again);
  if (strcmp(first, second) != 0) {
    fprintf(stderr, "the configuration changed when reloaded from -T:\n---\n%s---\n%s---\n", first, second);
    abort();
  }
  free(second);
  free(first);
  return 0;
}
