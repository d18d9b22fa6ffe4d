#!/bin/bash
# js_crypto.sh: Web Crypto (issue 15, item 1) through a real worker: every
# published vector of tests/apps/js_platform/crypto_vectors.json (FIPS
# 180-4 SHA examples; RFC 4231 and RFC 2202 HMAC; RFC 6070 and RFC 7914
# PBKDF2; RFC 5869 HKDF; the GCM specification's AES-GCM cases, with a
# changed tag refused) through crypto.subtle in an ES5 app, then key
# formats (raw, JWK), deriveKey, generateKey, the errors the standard
# names, getRandomValues and randomUUID.
. "$(dirname "$0")/js_lib.sh"

start_server server.workers=1 app.root="$TOP_SRCDIR/tests/apps/js_platform"
one_worker

say "crypto.subtle against the published vectors (tests/apps/js_platform/crypto.js)"
expect_status 200 /crypto
assert_eq '[]' "$(jget "$BODY" 'd["failures"]')" "failures"
checked=$(jget "$BODY" 'd["checked"]')
[ "$checked" -ge 120 ] || fail "only $checked checks ran"
ok "$checked checks passed"

say "the same in isolation = request (fresh globals: crypto loads on first use)"
stop_server
start_server server.workers=1 app.root="$TOP_SRCDIR/tests/apps/js_platform" app.isolation=request
expect_status 200 /crypto
assert_eq '[]' "$(jget "$BODY" 'd["failures"]')" "failures in isolation = request"
