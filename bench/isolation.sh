#!/bin/sh
# isolation.sh [REQUESTS]: per-request cost of each isolation mode, in
# process (js_handle called directly, no sockets), for an empty handler and
# for the example app's routing, plus heap size and RSS after the run.
# Run from a build directory: make bench-js
set -e
n=${1:-10000}
here=$(cd "$(dirname "$0")" && pwd)
bin=${JS_OVERHEAD:-./bench/js_overhead}
echo "== empty handler (bench/apps/hello), $n requests per mode"
"$bin" "$here/apps/hello" "$n"
