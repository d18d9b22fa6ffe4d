#!/bin/bash
# pkg_conf.sh: the default /etc/jsfpm/jsfpm.conf names every key the parser
# accepts (set or commented out, each with its help), sets the packaged
# defaults (FastCGI on /run/jsfpm/jsfpm.sock, database under /var/lib/jsfpm,
# no HTTP listener, user jsfpm), and passes `jsfpm -t`.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/pkg_lib.sh"

conf=$(built etc/jsfpm.conf)

say "every key, once, in parser order"
conf_keys "$conf" >"$T/conf_keys"
"$JSFPM" --list-keys >"$T/parser_keys"
diff -u "$T/parser_keys" "$T/conf_keys" >"$T/diff" || fail "jsfpm.conf and parser disagree (- parser, + jsfpm.conf):
$(cat "$T/diff")"
ok "$(wc -l <"$T/conf_keys") keys"
# Each key line follows its "; key: help" comment.
undocumented=$(awk '/^;?[A-Za-z_][A-Za-z0-9_.]* *=/ {
    k = $0; sub(/^;/, "", k); sub(/ *=.*/, "", k)
    if (documented != k) print k
  }
  /^; [A-Za-z_][A-Za-z0-9_.]*: / { documented = $2; sub(/:$/, "", documented); next }
  /^\[env\]/ { exit }' "$conf")
[ -z "$undocumented" ] || fail "keys without a help comment: $undocumented"
ok "each key documented"

say "packaged defaults"
effective() { # effective SECTION.KEY: its value per jsfpm -T
  "$JSFPM" -c "$conf" -T 2>/dev/null | awk -v want="$1" '
    /^\[/ { section = substr($0, 2, length($0) - 2); next }
    { line = $0; sub(/^;/, "", line); i = index(line, " = ")
      if (i && section "." substr(line, 1, i - 1) == want) {
        v = substr(line, i + 3); sub(/ ;.*/, "", v); sub(/ +$/, "", v); print v } }'
}
assert_eq /run/jsfpm/jsfpm.sock "$(effective server.listen)" "FastCGI socket"
assert_eq "" "$(effective server.http_listen)" "no HTTP listener"
assert_eq jsfpm "$(effective server.user)" "service user"
assert_eq jsfpm "$(effective server.group)" "service group"
assert_eq no "$(effective server.allow_root)" "allow_root"
assert_match "$(effective database.path)" '^/var/lib/jsfpm/' "database under /var/lib/jsfpm"
assert_match "$(effective server.runtime_dir)" '^/run/jsfpm/.' "runtime_dir below the socket directory"

say "jsfpm -t accepts it (paths moved into the test directory)"
sed -e "s|/run/jsfpm|$T/run|g" -e "s|/var/lib/jsfpm|$T/lib|g" -e "s|/var/log/jsfpm|$T/log|g" \
  -e "s|^;compile_cache = .*|compile_cache = $T/cache|" \
  -e "s|^root = .*|root = $TOP_SRCDIR/js/example|" \
  -e "s|^user = .*|user = $(id -un)|" -e "s|^group = .*|group = $(id -gn)|" \
  -e "s|^listen.owner = .*|listen.owner = $(id -un)|" -e "s|^listen.group = .*|listen.group = $(id -gn)|" \
  "$conf" >"$T/jsfpm.conf"
mkdir -p "$T/run" "$T/lib" "$T/log"
# -t checks the user as a start would: run by root, user = root needs -R.
allow_root=
[ "$(id -u)" -ne 0 ] || allow_root=-R
"$JSFPM" -c "$T/jsfpm.conf" -t $allow_root 2>"$T/t.err" || fail "jsfpm -t: $(cat "$T/t.err")"
ok "valid"
