#!/bin/bash
# pkg_install.sh: `make install DESTDIR=...` puts every file of the layout
# where configure's directories say: the binary, the default configuration,
# the standard library and example app copies, the man pages, the nginx
# snippet, logrotate, and (unless --with-systemdsystemunitdir=no) the units,
# sysusers.d and tmpfiles.d files.  Then uninstall leaves nothing behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pkg_lib.sh"

dest=$T/root
say "make install DESTDIR=$dest"
make -s -C "$BUILDDIR" install DESTDIR="$dest" >"$T/install.log" 2>&1 || fail "make install: $(tail -20 "$T/install.log")"

sysconfdir=$(make_var sysconfdir)
pkgdatadir=$(make_var pkgdatadir)
mandir=$(make_var mandir)
expect=(
  "$(make_var sbindir)/jsfpm"
  "$sysconfdir/jsfpm/jsfpm.conf"
  "$sysconfdir/nginx/snippets/jsfpm.conf"
  "$sysconfdir/logrotate.d/jsfpm"
  "$pkgdatadir/js/jsfpm/runtime.js"
  "$pkgdatadir/js/jsfpm/router.js"
  "$pkgdatadir/js/jsfpm/db.js"
  "$pkgdatadir/example/main.js"
  "$pkgdatadir/example/migrations/001_notes.sql"
  "$mandir/man8/jsfpm.8"
  "$mandir/man5/jsfpm.conf.5"
)
unitdir=$(make_var systemdsystemunitdir)
if [ "$unitdir" != no ]; then
  expect+=("$unitdir/jsfpm.service" "$unitdir/jsfpm@.service" "$unitdir/jsfpm.socket"
    "$(make_var sysusersdir)/jsfpm.conf" "$(make_var tmpfilesdir)/jsfpm.conf")
fi
for f in "${expect[@]}"; do
  [ -f "$dest$f" ] || fail "$f not installed; installed: $(cd "$dest" && find . -type f)"
done
ok "${#expect[@]} files"
[ -x "$dest$(make_var sbindir)/jsfpm" ] || fail "jsfpm not executable"
cmp -s "$dest$sysconfdir/jsfpm/jsfpm.conf" "$BUILDDIR/etc/jsfpm.conf" || fail "installed jsfpm.conf differs from etc/jsfpm.conf"
grep -q "^root = $pkgdatadir/example\$" "$dest$sysconfdir/jsfpm/jsfpm.conf" || fail "jsfpm.conf does not serve $pkgdatadir/example"
ok "jsfpm.conf serves $pkgdatadir/example"

say "an edited jsfpm.conf survives make install"
echo "; edited" >>"$dest$sysconfdir/jsfpm/jsfpm.conf"
make -s -C "$BUILDDIR" install DESTDIR="$dest" >"$T/install.log" 2>&1 || fail "make install: $(tail -20 "$T/install.log")"
tail -n 1 "$dest$sysconfdir/jsfpm/jsfpm.conf" | grep -q '^; edited$' || fail "make install overwrote the edited configuration"
ok "kept"

say "make uninstall"
make -s -C "$BUILDDIR" uninstall DESTDIR="$dest" >"$T/uninstall.log" 2>&1 || fail "make uninstall: $(tail -20 "$T/uninstall.log")"
left=$(cd "$dest" && find . -type f)
assert_eq "./${sysconfdir#/}/jsfpm/jsfpm.conf" "$left" "files left (only the edited configuration)"
