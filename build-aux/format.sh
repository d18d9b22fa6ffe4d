#!/bin/sh
# format.sh [--check]: the house style (.clang-format) on jsfpm's own C.
# With --check, changes nothing and fails listing what is not formatted
# (CI runs it); without, formats in place.  Vendored code is left as it is.
set -eu
cd "$(dirname "$0")/.."
CLANG_FORMAT=${CLANG_FORMAT:-clang-format}
files=$(git ls-files '*.c' '*.h' | grep -v -e '^third_party/' -e '/duktape/')
if [ "${1:-}" = --check ]; then
  # shellcheck disable=SC2086 # one word per file
  "$CLANG_FORMAT" --dry-run -Werror $files
  echo "format.sh: $(echo "$files" | wc -l) files in the house style"
else
  # shellcheck disable=SC2086
  "$CLANG_FORMAT" -i $files
fi
