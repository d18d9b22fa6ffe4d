/* db_proto.c: the broker protocol's operation table (see db_proto.h). */
#include "autoconfig.h"

#include "db_proto.h"

#include <assert.h>
#include <stddef.h>
#include <string.h>

static const struct {
  const char *name;
  unsigned flags;
} db_op_table[DB_OP_COUNT] = {[DB_OP_UNKNOWN] = {"", 0},
#define DB_OP_ENTRY(e, name, flags) [DB_OP_##e] = {name, flags},
                              DB_OPS(DB_OP_ENTRY)
#undef DB_OP_ENTRY
};

/* A linear scan: eleven short names, the most frequent ones first. */
enum db_op db_op_parse(const char *name) {
  if (name == NULL) return DB_OP_UNKNOWN;
  for (int op = DB_OP_UNKNOWN + 1; op < DB_OP_COUNT; op++)
    if (strcmp(name, db_op_table[op].name) == 0) return (enum db_op)op;
  return DB_OP_UNKNOWN;
}

const char *db_op_name(enum db_op op) {
  assert(op >= DB_OP_UNKNOWN && op < DB_OP_COUNT);
  return op > DB_OP_UNKNOWN && op < DB_OP_COUNT ? db_op_table[op].name : "";
}

unsigned db_op_flags(enum db_op op) {
  assert(op >= DB_OP_UNKNOWN && op < DB_OP_COUNT);
  return op > DB_OP_UNKNOWN && op < DB_OP_COUNT ? db_op_table[op].flags : 0;
}
