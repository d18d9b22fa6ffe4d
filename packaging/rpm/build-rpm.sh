#!/bin/bash
# build-rpm.sh: build the RPM of packaging/rpm/jsfpm.spec from the release
# tarball, here on Debian, with the macros Fedora defines
# (packaging/rpm/macros.fedora), and check what came out:
# 1. the spec's Version is configure.ac's; rpmbuild -ba succeeds;
# 2. rpmlint reports no error on the spec, the source and the binary package;
# 3. the binary package holds the install layout at Fedora's paths, the
#    state directories with their owners and modes, both licences;
# 4. no macro is left unexpanded in its scriptlets, requirements or files.
#
#   packaging/rpm/build-rpm.sh [OUTDIR]     (default: ./build-rpm)
#
# Needs rpm and rpmlint (apt-get install rpm rpmlint) and the build
# dependencies of packaging/debian/control; not part of `make check`
# (.ci/run runs it).  The spec's BuildRequires name Fedora packages, so
# rpmbuild runs with --nodeps.  Nothing is downloaded: DUKTAPE_TARBALL=FILE
# names Source1 (https://duktape.org/duktape-2.7.0.tar.xz); without it, a
# stand-in with the same layout is made from duktape-dev's copy of the same
# release (/usr/share/duktape; the version is checked, LICENSE.txt is the
# licence duktape.c carries).  The package's %check (the whole suite) runs
# only with JSFPM_RPM_CHECK=1: CI has run the suite already.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "${1:-$top/build-rpm}" && cd "${1:-$top/build-rpm}" && pwd)
for tool in rpmbuild rpmlint rpm; do
  command -v "$tool" >/dev/null || { echo "build-rpm.sh: $tool missing (apt-get install rpm rpmlint)" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "build-rpm.sh: $*" >&2; exit 1; }
spec_in=$top/packaging/rpm/jsfpm.spec
rpmtop=$work/rpmbuild
mkdir -p "$rpmtop/SOURCES" "$rpmtop/SPECS"

echo "== make dist"
tarball=$("$top/packaging/make-dist.sh" "$work/dist" 2>"$work/dist.log") || { cat "$work/dist.log" >&2; exit 1; }
version=$(basename "$tarball" .tar.gz); version=${version#jsfpm-}
spec_version=$(sed -n 's/^Version: *//p' "$spec_in")
[ "$version" = "$spec_version" ] || fail "configure.ac says $version, jsfpm.spec $spec_version"
cp "$tarball" "$rpmtop/SOURCES/"
cp "$spec_in" "$rpmtop/SPECS/"

duktape_version=$(sed -n 's/^%global duktape_version *//p' "$spec_in")
duktape_tarball=duktape-$duktape_version.tar.xz
if [ -n "${DUKTAPE_TARBALL:-}" ]; then
  echo "== Source1: $DUKTAPE_TARBALL"
  cp "$DUKTAPE_TARBALL" "$rpmtop/SOURCES/$duktape_tarball"
else
  echo "== Source1: a stand-in for $duktape_tarball from /usr/share/duktape"
  meta=/usr/share/duktape/duk_source_meta.json
  [ -f "$meta" ] || fail "$meta missing (apt-get install duktape-dev), and no DUKTAPE_TARBALL"
  have=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["duk_version_string"])' "$meta")
  [ "$have" = "$duktape_version" ] || fail "duktape-dev has Duktape $have, the spec bundles $duktape_version"
  d=$work/duktape-$duktape_version
  mkdir -p "$d/src"
  cp /usr/share/duktape/duktape.c /usr/share/duktape/duktape.h /usr/share/duktape/duk_config.h "$meta" "$d/src/"
  # The licence block duktape.c opens with, as upstream's LICENSE.txt.
  sed -n '/^\/\* LICENSE.txt \*\/$/,/^\*\/$/p' "$d/src/duktape.c" | sed '1,2d;$d' | sed 's/^\* \{0,1\}//' >"$d/LICENSE.txt"
  grep -q 'Permission is hereby granted' "$d/LICENSE.txt" || fail "no licence text in duktape.c"
  tar -C "$work" -cJf "$rpmtop/SOURCES/$duktape_tarball" "duktape-$duktape_version"
fi

echo "== rpmbuild -ba (Fedora's macros from packaging/rpm/macros.fedora)"
check=(--without check)
[ "${JSFPM_RPM_CHECK:-0}" = 1 ] && check=()
rpmbuild -ba --nodeps "${check[@]}" --load "$top/packaging/rpm/macros.fedora" \
  --define "_topdir $rpmtop" "$rpmtop/SPECS/jsfpm.spec" >"$out/build.log" 2>&1 ||
  { tail -50 "$out/build.log" >&2; fail "rpmbuild failed"; }
rpm_file=$(ls "$rpmtop"/RPMS/*/jsfpm-"$version"-*.rpm | grep -v debug)
srpm_file=$(ls "$rpmtop"/SRPMS/jsfpm-"$version"-*.src.rpm)
cp "$rpm_file" "$srpm_file" "$out/"
ls -l "$out"/*.rpm

echo "== rpmlint"
rpmlint -c "$top/packaging/rpm/rpmlint.toml" -r "$top/packaging/rpm/jsfpm.rpmlintrc" "$spec_in" "$srpm_file" "$rpm_file" \
  >"$out/rpmlint.txt" 2>&1 || true
cat "$out/rpmlint.txt"
! grep -q ': E: ' "$out/rpmlint.txt" || fail "rpmlint reports errors"
grep -q 'packages and .* specfiles checked' "$out/rpmlint.txt" || fail "rpmlint did not run: $(cat "$out/rpmlint.txt")"

echo "== contents"
rpm -qp --queryformat '[%{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILENAMES}\n]' "$rpm_file" >"$work/files"
for f in /usr/sbin/jsfpm /etc/jsfpm/jsfpm.conf /etc/nginx/snippets/jsfpm.conf /etc/logrotate.d/jsfpm \
  /usr/share/jsfpm/js/jsfpm/runtime.js /usr/share/jsfpm/example/main.js \
  /usr/share/man/man8/jsfpm.8.gz /usr/share/man/man5/jsfpm.conf.5.gz \
  /usr/lib/systemd/system/jsfpm.service /usr/lib/systemd/system/jsfpm.socket /usr/lib/systemd/system/jsfpm@.service \
  /usr/lib/sysusers.d/jsfpm.conf /usr/lib/tmpfiles.d/jsfpm.conf \
  /usr/share/licenses/jsfpm/LICENSE /usr/share/licenses/jsfpm/LICENSE.txt /usr/share/licenses/jsfpm/LICENSE.dqlite \
  /usr/share/licenses/jsfpm/LICENSE.typescript /usr/share/licenses/jsfpm/LICENSE.core-js \
  /usr/share/licenses/jsfpm/LICENSE.tslib /usr/share/licenses/jsfpm/LICENSE.regenerate \
  /usr/share/doc/jsfpm/README.md /usr/share/doc/jsfpm/deploy.md; do
  grep -q " $f\$" "$work/files" || fail "$f not in the package"
done
rpm2cpio "$rpm_file" | cpio -i --quiet --to-stdout ./usr/share/licenses/jsfpm/LICENSE | cmp -s - "$top/LICENSE" ||
  fail "/usr/share/licenses/jsfpm/LICENSE is not jsfpm's LICENSE (another package's licence of the same name overwrote it?)"
grep -qx 'drwxr-x--- jsfpm:jsfpm /var/lib/jsfpm' "$work/files" || fail "/var/lib/jsfpm: $(grep ' /var/lib/jsfpm$' "$work/files")"
grep -qx 'drwxr-xr-x root:adm /var/log/jsfpm' "$work/files" || fail "/var/log/jsfpm: $(grep ' /var/log/jsfpm$' "$work/files")"
grep -q ' /run/jsfpm$' "$work/files" || fail "/run/jsfpm not owned"
grep -q 'Exec.*/usr/sbin/jsfpm' <(rpm2cpio "$rpm_file" | cpio -i --quiet --to-stdout ./usr/lib/systemd/system/jsfpm.service) ||
  fail "jsfpm.service does not run /usr/sbin/jsfpm"
# jsfpm is MIT; what it embeds or links statically brings its own (the spec).
license='MIT AND Apache-2.0 AND 0BSD AND LGPL-3.0-only WITH LGPL-3.0-linking-exception'
[ "$(rpm -qp --queryformat '%{LICENSE}' "$rpm_file")" = "$license" ] || fail "License is not $license"
rpm -qp --provides "$rpm_file" | grep -qx "bundled(duktape) = $duktape_version" || fail "no bundled(duktape) provide"
echo "   ok: $(wc -l <"$work/files") entries at Fedora's paths; /var/lib/jsfpm jsfpm:jsfpm 0750, /var/log/jsfpm root:adm 0755"

echo "== no macro left unexpanded"
{ rpm -qp --scripts "$rpm_file"; rpm -qp --requires "$rpm_file"; cat "$work/files"; } >"$work/expanded"
! grep -n '%[{a-z_]' "$work/expanded" || fail "unexpanded macros above"
grep -q 'systemd-update-helper install-system-units jsfpm.service jsfpm.socket' "$work/expanded" ||
  fail "%post does not install the units: $(rpm -qp --scripts "$rpm_file")"
echo "   ok: scriptlets, requirements and file list"
echo "build-rpm.sh: PASS ($(basename "$rpm_file"))"
