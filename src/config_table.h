/* config_table.h: the key table (config_keys[], in config.c) as the
 * configuration's own files read it: config.c parses with it, config_print.c
 * prints with it (-T, --list-keys) and compares sections by it.  Nothing
 * outside src/config*.c includes this file; config.h is the public surface.
 */
#ifndef JSFPM_CONFIG_TABLE_H
#define JSFPM_CONFIG_TABLE_H

#include <stdbool.h>
#include <stddef.h>

enum config_type {
  CT_STRING,        /* free text */
  CT_PATH,          /* file system path, made absolute against the config file's directory */
  CT_LISTEN,        /* unix socket path (contains '/') or host:port */
  CT_INT,           /* decimal integer within [min, max] */
  CT_BOOL,          /* yes/no, on/off, true/false, 1/0 */
  CT_MODE,          /* octal permission bits */
  CT_SIZE,          /* bytes, with optional k/m/g suffix (powers of 1024) */
  CT_DURATION,      /* stored in ms; "500ms", "30s", "2m", "1h"; a bare number means seconds */
  CT_LOGLEVEL,      /* error|warn|notice|info|debug */
  CT_SYNC,          /* SQLite synchronous: off|normal|full|extra */
  CT_ISOLATION,     /* worker|request */
  CT_AFFINITY,      /* off|auto */
  CT_PM,            /* static|dynamic|ondemand */
  CT_NODES,         /* [min, max] comma-separated numeric private addresses with ports */
  CT_ACCESS_FORMAT, /* an access log line format (access_format.h) */
};

struct config_key {
  const char *section;
  const char *name;
  enum config_type type;
  size_t offset;    /* into struct jsfpm_config */
  long min, max;    /* CT_INT, CT_SIZE, CT_DURATION bounds */
  const char *def;  /* default, in file syntax; NULL = unset */
  const char *help; /* one line, for -T and the docs */
};

/* Every key, in the order -T prints them; config_nkeys of them. */
extern const struct config_key config_keys[];
extern const size_t config_nkeys;

/* Types whose field is a char * (NULL while unset). */
bool config_is_string_type(enum config_type t);
/* The names of an enumerated type's values, NULL-terminated; the Nth is
 * stored as N (the order of the enums in config.h).  NULL for other types. */
const char *const *config_enum_names(enum config_type type);

/* A key that was renamed: the old name is still read, with a warning. */
struct config_rename {
  const char *section, *old_name, *name;
};
/* The rename of the key SECTION.NAME (its current name), or NULL. */
const struct config_rename *config_rename_of(const char *section, const char *name);

#endif
