#!/bin/bash
# bench/dev_reload.sh [--jsfpm BIN] [--changes N]
#
# How long `jsfpm dev` takes from a saved file to the new answer
# (docs/performance.md, "Development loop"): an ES5 module and an ES2022
# one (lowered to ES5 on each change, the compiler heap kept between
# reloads), N changes each; prints the median and the worst in ms.
# Measured from just before the write to the first answer carrying the new
# text, polling every 5 ms; it includes the inotify settle time (30 ms).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
JSFPM=$TOP/build/jsfpm N=10
while [ $# -gt 0 ]; do
  case $1 in
    --jsfpm) JSFPM=$2; shift 2 ;;
    --changes) N=$2; shift 2 ;;
    *) echo "usage: $0 [--jsfpm BIN] [--changes N]" >&2; exit 2 ;;
  esac
done
W=$(mktemp -d /tmp/jsfpm-devbench.XXXXXX)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
trap 'kill -INT -- -$PID 2>/dev/null; sleep 1; rm -rf "$W"' EXIT
printf "var v = require('./v');\nmodule.exports = { fetch: function () { return new Response(v.text); } };\n" >"$W/main.js"
echo "exports.text = 'start';" >"$W/v.js"
setsid "$JSFPM" dev "$W" --port "$PORT" >"$W/dev.log" 2>&1 &
PID=$!
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/"; do sleep 0.05; done

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
measure() { # measure KIND: N changes of v.js written as KIND (es5 | modern)
  local i t0 times=()
  for i in $(seq 1 "$N"); do
    if [ "$1" = es5 ]; then echo "exports.text = '$1-$i';" >"$W/v.js.tmp"
    else echo "export const text = \`\${'$1'}-$i\`;" >"$W/v.js.tmp"; fi
    t0=$(now_ms)
    mv "$W/v.js.tmp" "$W/v.js"
    until [ "$(curl -s "http://127.0.0.1:$PORT/")" = "$1-$i" ]; do sleep 0.005; done
    times+=($(( $(now_ms) - t0 )))
    sleep 0.2
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v kind="$1" '{ a[NR] = $1 } END {
    printf "%-7s changes %d  median %d ms  worst %d ms\n", kind, NR, a[int((NR + 1) / 2)], a[NR] }'
}
measure es5
measure modern
