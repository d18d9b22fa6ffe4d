#!/bin/sh
# gen-js-raw.sh HEADER: prints the module jsfpm/internal/raw_request, the
# indices of the raw request's fields for js/jsfpm/runtime.js, from the
# X(NAME) entries of JS_RAW_FIELDS in HEADER (workers/js_raw_request.h), so
# C and JavaScript read one list.
set -e
fields=$(awk '
  /^#define JS_RAW_FIELDS\(X\)/ { on = 1; next }
  on {
    line = $0
    sub(/\/\*.*\*\//, "", line)
    while (match(line, /X\([A-Z_]+\)/)) {
      print substr(line, RSTART + 2, RLENGTH - 3)
      line = substr(line, RSTART + RLENGTH)
    }
    if ($0 !~ /\\$/) exit
  }' "$1")
[ -n "$fields" ] || { echo "gen-js-raw.sh: no JS_RAW_FIELDS list in $1" >&2; exit 1; }
echo '/* jsfpm/internal/raw_request: the indices of the raw request'"'"'s fields.'
echo ' * Generated from workers/js_raw_request.h by build-aux/gen-js-raw.sh; do not edit. */'
echo "'use strict';"
echo "$fields" | awk '{ printf "exports.%s = %d;\n", $1, NR - 1 } END { printf "exports.COUNT = %d;\n", NR }'
