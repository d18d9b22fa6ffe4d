#!/bin/bash
# pkg_install.sh: `make install DESTDIR=...` puts every file of the layout
# where configure's directories say: the binary, the default configuration,
# the standard library and example app copies, the man pages, the nginx
# snippet, logrotate, and (unless --with-systemdsystemunitdir=no) the units,
# sysusers.d and tmpfiles.d files.  Then uninstall leaves nothing behind.
. "$(dirname "$0")/../lib.sh"
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

say "packaging/rpm/jsfpm.spec's %files match the installed files"
spec=$TOP_SRCDIR/packaging/rpm/jsfpm.spec
# Installed paths in the spec's macros (the longest directory first).
macros=$(printf '%s\n' \
  "$(make_var systemdsystemunitdir) %{_unitdir}" "$(make_var sysusersdir) %{_sysusersdir}" \
  "$(make_var tmpfilesdir) %{_tmpfilesdir}" "$pkgdatadir %{_datadir}/jsfpm" "$mandir %{_mandir}" \
  "$(make_var sbindir) %{_sbindir}" "$sysconfdir %{_sysconfdir}" | awk '{ print length($1), $0 }' | sort -rn | cut -d' ' -f2-)
(cd "$dest" && find . -type f | sed 's|^\.||') | while read -r f; do
  while read -r dir macro; do
    case $f in "$dir"/*) echo "$macro${f#"$dir"}"; break ;; esac
  done <<<"$macros"
done | sort >"$T/installed"
# %files entries that name installed files: no %dir or %ghost, no %doc or
# %license (taken from the source tree), no comment; directories end in "/".
sed -n '/^%files/,/^%changelog/p' "$spec" | grep -v '^%files\|^%changelog\|^$\|%dir\|%ghost\|^%doc\|^%license\|^#' |
  awk '{ print $NF }' | sort >"$T/spec_files"
while read -r f; do
  matched=
  while read -r entry; do
    case $entry in */) case $f in "$entry"*) matched=1 ;; esac ;; *) case $f in $entry) matched=1 ;; esac ;; esac
    [ -z "$matched" ] || break
  done <"$T/spec_files"
  [ -n "$matched" ] || fail "$f is installed but not in $spec's %files"
done <"$T/installed"
while read -r entry; do
  grep -q "^${entry//\*/.*}" "$T/installed" || fail "$spec lists $entry, which make install does not install"
done <"$T/spec_files"
ok "$(wc -l <"$T/installed") files, $(wc -l <"$T/spec_files") %files entries"

say "an edited jsfpm.conf survives make install"
echo "; edited" >>"$dest$sysconfdir/jsfpm/jsfpm.conf"
make -s -C "$BUILDDIR" install DESTDIR="$dest" >"$T/install.log" 2>&1 || fail "make install: $(tail -20 "$T/install.log")"
tail -n 1 "$dest$sysconfdir/jsfpm/jsfpm.conf" | grep -q '^; edited$' || fail "make install overwrote the edited configuration"
ok "kept"

say "make uninstall"
make -s -C "$BUILDDIR" uninstall DESTDIR="$dest" >"$T/uninstall.log" 2>&1 || fail "make uninstall: $(tail -20 "$T/uninstall.log")"
left=$(cd "$dest" && find . -type f)
assert_eq "./${sysconfdir#/}/jsfpm/jsfpm.conf" "$left" "files left (only the edited configuration)"
