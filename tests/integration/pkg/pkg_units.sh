#!/bin/bash
# pkg_units.sh: the systemd units pass `systemd-analyze verify`, and
# jsfpm.service rates at most 2.5 in `systemd-analyze security --offline=yes`
# (issue 6).  The units are checked as built, with ExecStart pointing at the
# built binary, or as installed in JSFPM_UNIT_DIR.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/pkg_lib.sh"
require_tool systemd-analyze systemd

units=$T/units
mkdir -p "$units"
if [ -n "${JSFPM_UNIT_DIR:-}" ]; then
  # Installed units as they are (packaging/test-deb.sh).
  for u in jsfpm.service jsfpm@.service jsfpm.socket; do cp "$JSFPM_UNIT_DIR/$u" "$units/"; done
else
  sbindir=$(make_var sbindir)
  for u in jsfpm.service jsfpm@.service jsfpm.socket; do
    sed "s|$sbindir/jsfpm|$JSFPM|g" "$(built "etc/systemd/$u")" >"$units/$u"
  done
fi
cp "$units/jsfpm@.service" "$units/jsfpm@example.service"

say "systemd-analyze verify"
for u in jsfpm.service jsfpm.socket jsfpm@example.service; do
  (cd "$units" && systemd-analyze verify --man=no "$units/$u") >"$T/verify" 2>&1 ||
    fail "$u: $(cat "$T/verify")"
  # verify exits 0 on some complaints: any output about our unit is one.
  ! grep -q "$u" "$T/verify" || fail "$u: $(cat "$T/verify")"
  ok "$u"
done

say "systemd-analyze security --offline=yes jsfpm.service"
max=2.5
systemd-analyze security --offline=yes --no-pager "$units/jsfpm.service" >"$T/security" 2>&1 ||
  fail "$(cat "$T/security")"
level=$(sed -n 's/.*Overall exposure level for jsfpm.service: \([0-9.]*\).*/\1/p' "$T/security")
[ -n "$level" ] || fail "no exposure level in: $(tail -3 "$T/security")"
awk -v l="$level" -v m="$max" 'BEGIN { exit !(l <= m) }' ||
  fail "exposure $level > $max: $(grep '✗' "$T/security")"
ok "exposure $level (at most $max)"
# The template shares the service's source, hence its hardening.
template=$(systemd-analyze security --offline=yes --no-pager "$units/jsfpm@example.service" 2>&1 |
  sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p')
assert_eq "$level" "$template" "jsfpm@example.service exposure"
