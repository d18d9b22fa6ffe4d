#!/bin/bash
# pkg_man_keys.sh: jsfpm.conf(5) lists exactly the keys the parser accepts
# (jsfpm --list-keys), in the same sections; jsfpm(8) documents every option
# of --help; both render without groff warnings.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/pkg_lib.sh"

man5=$(built man/jsfpm.conf.5)
man8=$(built man/jsfpm.8)

say "jsfpm.conf(5) keys against jsfpm --list-keys"
# A key entry is ".TP" then ".B key" under a '.SS "[section]"' heading.
awk '
  /^\.SS "\[/ { section = $0; sub(/^\.SS "\[/, "", section); sub(/\]".*/, "", section); next }
  /^\.SH/ { section = "" }
  prev == ".TP" && section != "" && section != "env" && /^\.B / { print section "." substr($0, 4) }
  { prev = $0 }
' "$man5" >"$T/man_keys"
"$JSFPM" --list-keys >"$T/parser_keys"
[ -s "$T/parser_keys" ] || fail "jsfpm --list-keys printed nothing"
diff -u "$T/parser_keys" "$T/man_keys" >"$T/diff" || fail "man page and parser disagree (- parser, + man page):
$(cat "$T/diff")"
ok "$(wc -l <"$T/man_keys") keys, same order"
grep -q '^\.SS "\[env\]"' "$man5" || fail "jsfpm.conf(5) does not document [env]"
ok "[env] documented"

say "jsfpm.conf(5) RENAMED KEYS against the parser's old names"
: >"$T/empty.conf"
"$JSFPM" -c "$T/empty.conf" -T 2>/dev/null | sed -n 's/.*\[old name: \([a-z_.]*\)\]$/\1/p' | sort >"$T/old_names"
[ -s "$T/old_names" ] || fail "jsfpm -T shows no old names"
# Each is named on the line after a .TP of the section.
awk '/^\.SH/ { in_renamed = ($0 == ".SH RENAMED KEYS") }
  in_renamed && prev == ".TP" { gsub(/^\.BR? |"/, ""); gsub(/,/, " "); for (i = 1; i <= NF; i++) print $i }
  { prev = $0 }' "$man5" | sort >"$T/man_old_names"
diff -u "$T/old_names" "$T/man_old_names" >"$T/diff" || fail "old names: parser and man page disagree (- parser, + man page):
$(cat "$T/diff")"
ok "$(wc -l <"$T/old_names") old names explained"

say "jsfpm(8) options against jsfpm --help"
"$JSFPM" --help | grep -o -- '--[a-z][a-z-]*' | sort -u >"$T/options"
[ -s "$T/options" ] || fail "no long options in --help"
while read -r opt; do
  grep -q -- "$(printf '%s' "$opt" | sed 's/-/\\\\-/g')" "$man8" || fail "jsfpm(8) does not document $opt"
done <"$T/options"
ok "$(wc -l <"$T/options") options documented"
for sig in TERM INT QUIT HUP USR1; do
  grep -q "^\.B.* $sig\b\|^\.B $sig\b\|^\.BR $sig\b" "$man8" || fail "jsfpm(8) does not document SIG$sig"
done
ok "signals documented"

if command -v groff >/dev/null 2>&1; then
  say "groff renders both pages without warnings"
  # -Wbreak: "cannot adjust line" depends only on how long the configured
  # prefix's paths are (a distcheck _inst path overflows a justified line).
  for page in "$man8" "$man5"; do
    groff -man -Tutf8 -ww -Wbreak -z "$page" 2>"$T/groff" || fail "groff failed on $page: $(cat "$T/groff")"
    [ ! -s "$T/groff" ] || fail "groff warnings on $page: $(cat "$T/groff")"
  done
  ok "clean"
fi
