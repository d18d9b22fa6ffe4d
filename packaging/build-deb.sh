#!/bin/bash
# build-deb.sh: build the Debian package the way a distribution would, from
# the release tarball: `make dist`, unpack it as jsfpm-VERSION with
# packaging/debian as debian/, then `dpkg-buildpackage -us -uc -b` and lintian.
#
#   packaging/build-deb.sh [OUTDIR]     (default OUTDIR: ./build-deb)
#
# The .deb, .buildinfo and .changes land in OUTDIR.  The package's own
# `make check` is skipped (DEB_BUILD_OPTIONS=nocheck) unless
# JSFPM_DEB_CHECK=1: CI has run the suite already.  Fails if lintian reports
# an error.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$top/build-deb}" && cd "${1:-$top/build-deb}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== make dist"
tarball=$("$top/packaging/make-dist.sh" "$work/dist" 2>"$work/dist.log") || { cat "$work/dist.log" >&2; exit 1; }
version=$(basename "$tarball" .tar.gz); version=${version#jsfpm-}
deb_upstream=$(dpkg-parsechangelog -l "$top/packaging/debian/changelog" -S Version); deb_upstream=${deb_upstream%-*}
[ "$version" = "$deb_upstream" ] ||
  { echo "build-deb.sh: configure.ac says $version, packaging/debian/changelog $deb_upstream" >&2; exit 1; }

echo "== dpkg-buildpackage (jsfpm $version)"
cp "$tarball" "$work/jsfpm_$version.orig.tar.gz"
tar -C "$work" -xzf "$tarball"
cp -r "$top/packaging/debian" "$work/jsfpm-$version/debian"
[ "${JSFPM_DEB_CHECK:-0}" = 1 ] || export DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}"
(cd "$work/jsfpm-$version" && dpkg-buildpackage -us -uc -b -j"$(nproc)") >"$work/build.log" 2>&1 ||
  { tail -50 "$work/build.log" >&2; echo "build-deb.sh: dpkg-buildpackage failed" >&2; exit 1; }
cp "$work"/*.deb "$work"/*.buildinfo "$work"/*.changes "$out/"
changes=$(ls "$out"/jsfpm_"$version"-*_*.changes | tail -1)
ls -l "$out"/*.deb

echo "== lintian"
lintian --tag-display-limit 0 --info "$changes" | tee "$out/lintian.txt" || true
if grep -q '^E: ' "$out/lintian.txt"; then
  echo "build-deb.sh: lintian reports errors" >&2
  exit 1
fi
echo "lintian: $(grep -c '^E: ' "$out/lintian.txt") errors, $(grep -c '^W: ' "$out/lintian.txt") warnings"
