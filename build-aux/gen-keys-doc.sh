#!/bin/sh
# gen-keys-doc.sh: documents built from the server's own key list, so they
# cannot drift from the parser.
#
#   gen-keys-doc.sh conf JSFPM TEMPLATE   the commented default jsfpm.conf
#   gen-keys-doc.sh man  JSFPM TEMPLATE   jsfpm.conf(5): @KEYS@ in TEMPLATE
#                                         becomes one entry per key
#
# Both read `JSFPM -c FILE -T`, whose key lines are
#   key = value ; help          (set)
#   ;key =  ; help              (unset)
# under [section] headers.  TEMPLATE must already have its @dir@ variables
# substituted.
#
# conf: TEMPLATE's leading comment block is the file's header; its
# "key = value" lines (with the comments just above them) are this system's
# settings and are checked by `JSFPM -T` on TEMPLATE itself; every other key
# is written commented out with its built-in default.  TEMPLATE's [env]
# section, which names no parser key, is copied as is at the end.
# man: the defaults are those of an empty configuration.
set -eu
[ $# -eq 3 ] || { echo "usage: $0 conf|man JSFPM TEMPLATE" >&2; exit 2; }
mode=$1 jsfpm=$2 template=$3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
case $mode in
conf) source=$template ;;
man) source=$tmp/empty.conf; : >"$source" ;;
*) echo "$0: unknown mode $mode" >&2; exit 2 ;;
esac
# -T validates as it prints: a template with a bad key fails the build here.
"$jsfpm" -c "$source" -T >"$tmp/effective" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }

awk -v mode="$mode" '
  function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
  # roff: backslashes escaped, no line may start with a control character.
  function roff(s) { gsub(/\\/, "\\e", s); if (s ~ /^[.'"'"']/) s = "\\&" s; return s }

  # Pass 1: the template.
  FNR == NR {
    if (env_tail) { tail = tail $0 "\n"; next }
    if ($0 ~ /^\[env\][ \t]*$/) { env_tail = 1; tail = $0 "\n"; next }
    if ($0 ~ /^\[.*\][ \t]*$/) { section = trim(substr($0, 2, index($0, "]") - 2)); seen_section = 1; pending = ""; next }
    if (!seen_section) { header = header $0 "\n"; next }
    if ($0 ~ /^[ \t]*[;#]/) { pending = pending $0 "\n"; next }
    if ($0 ~ /=/) {
      key = section "." trim(substr($0, 1, index($0, "=") - 1))
      set_line[key] = $0; set_note[key] = pending
    }
    pending = ""
    next
  }

  # Pass 2: the effective configuration.
  /^\[.*\]$/ {
    section = substr($0, 2, length($0) - 2)
    if (section == "env") { skip_env = 1; next }
    skip_env = 0
    if (mode == "conf") printf "%s%s\n", (emitted ? "\n" : header), $0
    else printf ".SS \"[%s]\"\n", section
    emitted = 1
    next
  }
  skip_env || /^[ \t]*$/ || /^; effective configuration/ { next }
  {
    line = $0
    sub(/^;/, "", line)
    eq = index(line, " = ")
    if (eq == 0) { print "gen-keys-doc.sh: cannot parse: " $0 > "/dev/stderr"; failed = 1; exit 1 }
    name = substr(line, 1, eq - 1)
    rest = substr(line, eq + 3)
    sc = index(rest, " ; ")
    value = trim(sc ? substr(rest, 1, sc - 1) : rest)
    help = sc ? substr(rest, sc + 3) : ""
    key = section "." name
    if (mode == "conf") {
      if (key in set_line) printf "\n; %s: %s\n%s%s\n", name, help, set_note[key], set_line[key]
      else printf "\n; %s: %s\n;%s =%s\n", name, help, name, (value == "" ? "" : " " value)
    } else {
      printf ".TP\n.B %s\n%s\n", roff(name), roff(help)
      if (value == "") printf ".br\nDefault: unset\n"
      else printf ".br\nDefault: \\fB%s\\fR\n", roff(value)
    }
  }
  END {
    if (failed) exit 1
    if (mode == "conf" && tail != "") printf "\n%s", tail
  }
' "$template" "$tmp/effective" >"$tmp/keys"

if [ "$mode" = conf ]; then
  cat "$tmp/keys"
else
  # Replace the @KEYS@ line of the man template with the entries.
  awk -v keys="$tmp/keys" '
    $0 == "@KEYS@" { while ((getline l < keys) > 0) print l; next }
    { print }
  ' "$template"
fi
