/* config_print.c: the configuration written out: the effective
 * configuration (-T) in a form that loads back, the list of keys
 * (--list-keys), and the comparison of one section between two
 * configurations (a reload decides by it whether the broker restarts). */
#include "autoconfig.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_table.h"
#include "log.h"

/* A byte that does not survive inih's line reader inside a value: a
 * control character (a line break, or a blank inih strips) or a comment
 * start.  Quoted values write it as \xHH. */
static bool byte_needs_escape(unsigned char c) { return c < 0x20 || c == 0x7f || c == ';' || c == '#'; }

/* Whether inih reads S back unchanged after "key = ": no leading or
 * trailing blank (stripped), no byte_needs_escape, no leading '"' (quoting). */
static bool value_is_plain(const char *s) {
  size_t n = strlen(s);
  if (n > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '"' || s[n - 1] == ' ' || s[n - 1] == '\t'))
    return false;
  for (size_t i = 0; i < n; i++)
    if (byte_needs_escape((unsigned char)s[i])) return false;
  return true;
}

/* Prints S as a config value that loads back as S: plain when it can be,
 * else in double quotes with \\, \" and \xHH escapes (unquote reads them). */
static void print_string(const char *s, FILE *out) {
  if (value_is_plain(s)) {
    fputs(s, out);
    return;
  }
  fputc('"', out);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '\\' || c == '"')
      fprintf(out, "\\%c", c);
    else if (byte_needs_escape(c))
      fprintf(out, "\\x%02x", c);
    else
      fputc(c, out);
  }
  fputc('"', out);
}

static void print_value(const struct config_key *k, const struct jsfpm_config *cfg, FILE *out) {
  const void *field = (const char *)cfg + k->offset;
  switch (k->type) {
  case CT_STRING:
  case CT_PATH:
  case CT_LISTEN:
  case CT_NODES:
  case CT_ACCESS_FORMAT: {
    const char *s = *(char *const *)field;
    print_string(s ? s : "", out);
    break;
  }
  case CT_INT: fprintf(out, "%d", *(const int *)field); break;
  case CT_BOOL: fputs(*(const int *)field ? "yes" : "no", out); break;
  case CT_MODE: fprintf(out, "0%03o", *(const int *)field); break;
  case CT_SIZE: fprintf(out, "%ld", *(const long *)field); break;
  case CT_DURATION: fprintf(out, "%dms", *(const int *)field); break;
  case CT_LOGLEVEL: fputs(log_level_name((enum log_level) * (const int *)field), out); break;
  case CT_SYNC:
  case CT_ISOLATION:
  case CT_AFFINITY:
  case CT_PM: fputs(config_enum_names(k->type)[*(const int *)field], out); break;
  }
}

void config_print(const struct jsfpm_config *cfg, FILE *out) {
  fprintf(out, "; effective configuration from %s\n", cfg->file ? cfg->file : "(defaults)");
  const char *section = "";
  for (size_t i = 0; i < config_nkeys; i++) {
    const struct config_key *k = &config_keys[i];
    if (strcmp(section, k->section) != 0) {
      section = k->section;
      fprintf(out, "\n[%s]\n", section);
    }
    const char *const *s = (const char *const *)((const char *)cfg + k->offset);
    bool unset = config_is_string_type(k->type) && *s == NULL;
    fprintf(out, "%s%s = ", unset ? ";" : "", k->name);
    print_value(k, cfg, out);
    fprintf(out, "%*s; %s", 1, "", k->help);
    const struct config_rename *renamed = config_rename_of(k->section, k->name);
    if (renamed != NULL) fprintf(out, " [old name: %s]", renamed->old_name);
    fputc('\n', out);
  }
  if (cfg->nenv > 0) fputs("\n[env]\n", out);
  for (size_t i = 0; i < cfg->nenv; i++) {
    fprintf(out, "%s = ", cfg->env[i].name);
    print_string(cfg->env[i].value, out);
    fputc('\n', out);
  }
}

bool config_section_equal(const struct jsfpm_config *a, const struct jsfpm_config *b, const char *section) {
  /* Compares the printed values, so every key type is covered the way -T
   * shows it. */
  bool equal = true;
  for (size_t i = 0; i < config_nkeys && equal; i++) {
    const struct config_key *k = &config_keys[i];
    if (strcmp(k->section, section) != 0) continue;
    char *va = NULL, *vb = NULL;
    size_t la = 0, lb = 0;
    FILE *fa = open_memstream(&va, &la), *fb = open_memstream(&vb, &lb);
    if (fa) print_value(k, a, fa), fclose(fa);
    if (fb) print_value(k, b, fb), fclose(fb);
    equal = fa && fb && la == lb && memcmp(va, vb, la) == 0;
    free(va);
    free(vb);
  }
  return equal;
}

void config_print_keys(FILE *out) {
  for (size_t i = 0; i < config_nkeys; i++)
    fprintf(out, "%s.%s\n", config_keys[i].section, config_keys[i].name);
}
