#!/bin/bash
# js_web.sh: the Fetch API classes and the small Web APIs (issue 15, items
# 4, 5, 2, 7, 8): Request(url, init), Response body kinds, Headers
# iterators and getSetCookie, clone(), Blob, File, FormData, atob/btoa,
# structuredClone, AbortController, Intl and toLocaleString, no Buffer
# (tests/apps/js_platform/web.js); ReadableStream and jsfpm/hash
# (streams.js); request.formData() for urlencoded and
# multipart bodies (files as File; a malformed body is a 400; the body
# limit is max_body_size); jsfpm/cookies (every attribute, signed
# cookies, a tampered one refused); jsfpm/password (argon2id, verify,
# needsRehash).
. "$(dirname "$0")/js_lib.sh"

start_server server.workers=1 app.root="$TOP_SRCDIR/tests/apps/js_platform" server.max_body_size=64k \
  env.SESSION_SECRET=test-secret-1234567890
one_worker

say "Fetch API classes, Blob/File/FormData, atob/btoa, structuredClone, AbortController, Intl (web.js)"
expect_status 200 /web
assert_eq '[]' "$(jget "$BODY" 'd["failures"]')" "failures"
ok "$(jget "$BODY" 'd["checked"]') checks passed"

say "ReadableStream and jsfpm/hash (streams.js)"
expect_status 200 /streams
assert_eq '[]' "$(jget "$BODY" 'd["failures"]')" "failures"
ok "$(jget "$BODY" 'd["checked"]') checks passed"

say "formData(): urlencoded"
expect_status 200 --data 'a=1&b=h%C3%A9llo+w&a=2' /form
assert_eq 'a=1 b=héllo w a=2' "$(jget "$BODY" '" ".join(k + "=" + v for k, v in d)')" "fields in order"

say "formData(): multipart, files as File with name, type, size and bytes"
printf 'line one\nline two\n' >"$T/upload.txt"
head -c 3000 /dev/urandom >"$T/upload.bin"
expect_status 200 -F 'title=Hello wörld' -F "doc=@$T/upload.txt;type=text/plain" -F "bin=@$T/upload.bin" /form
assert_eq 'title=Hello wörld' "$(jget "$BODY" 'd[0][0] + "=" + d[0][1]')" "text field"
assert_eq '{"file": true, "head": "line one\nline two\n", "name": "upload.txt", "size": 18, "type": "text/plain"}' \
  "$(jget "$BODY" 'd[1][1]')" "file field"
assert_eq '3000 application/octet-stream' "$(jget "$BODY" 'str(d[2][1]["size"]) + " " + d[2][1]["type"]')" "binary file"

say "formData(): a malformed body is a 400 naming the problem, not a 500"
expect_status 400 -H 'Content-Type: multipart/form-data; boundary=XyZ' --data-binary 'no boundary here' /form
assert_contains "$BODY" "malformed multipart/form-data body" "400 body"
printf -- '--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nunterminated' >"$T/cut.txt"
expect_status 400 -H 'Content-Type: multipart/form-data; boundary=XyZ' --data-binary @"$T/cut.txt" /form
assert_contains "$BODY" "no closing boundary" "400 body for a part without its end"
expect_status 400 -H 'Content-Type: multipart/form-data' --data-binary 'x' /form
assert_contains "$BODY" "boundary" "400 body without a boundary parameter"
expect_status 400 -H 'Content-Type: application/json' --data-binary '{}' /form
assert_contains "$BODY" "is not a form" "400 body for a body of another type"
head -c 70000 /dev/zero >"$T/big.bin"
expect_status 413 -F "big=@$T/big.bin" /form
ok "a form larger than max_body_size is refused before the app (413)"

say "jsfpm/cookies: Set-Cookie with every attribute, signed cookies, a tampered one refused"
expect_status 200 /cookies/set
cookies=$(printf '%s\n' "$HEADERS" | grep -i '^set-cookie:')
assert_contains "$cookies" 'plain=a%20b%3Bc; Max-Age=60; Expires=Tue, 01 Jan 2030 00:00:00 GMT; Domain=example.com; Path=/; Secure; HttpOnly; SameSite=Lax; Partitioned' "plain cookie"
assert_contains "$cookies" 'old=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/' "removed cookie"
sid=$(printf '%s\n' "$cookies" | sed -n 's/^[Ss]et-[Cc]ookie: sid=\([^;]*\);.*/\1/p')
[ -n "$sid" ] || fail "no signed sid cookie in: $cookies"
expect_status 200 -b "plain=a%20b%3Bc; sid=$sid; other=\"quoted\"" /cookies/get
assert_eq 'a b;c' "$(jget "$BODY" 'd["plain"]')" "cookies.get decodes"
assert_eq 'quoted' "$(jget "$BODY" 'd["all"]["other"]')" "quotes removed"
assert_eq 'user-1' "$(jget "$BODY" 'd["sid"]')" "cookies.getSigned"
assert_eq 'user-1' "$(jget "$BODY" 'd["rotated"]')" "getSigned with a list of secrets (rotation)"
expect_status 200 -b "sid=user-2.${sid#*.}" /cookies/get
assert_eq null "$(jget "$BODY" 'd["sid"]')" "another value with the old signature"
expect_status 200 -b "sid=user-1" /cookies/get
assert_eq null "$(jget "$BODY" 'd["sid"]')" "a value without signature"

say "jsfpm/password: argon2id with the OWASP defaults; verify; needsRehash"
expect_status 200 '/password?pw=correct%20horse'
assert_match "$(jget "$BODY" 'd["hash"]')" '^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$' "PHC string"
assert_eq true "$(jget "$BODY" 'd["ok"]')" "verify with the password"
assert_eq false "$(jget "$BODY" 'd["wrong"]')" "verify with another password"
assert_eq false "$(jget "$BODY" 'd["garbage"]')" "verify against a string that is no hash"
assert_eq false "$(jget "$BODY" 'd["rehash"]')" "needsRehash of a fresh hash"
assert_eq true "$(jget "$BODY" 'd["oldRehash"]')" "needsRehash of a hash with other parameters"
say "the hash is verified in another request"
hash=$(jget "$BODY" 'd["hash"]')
expect_status 200 --data-urlencode 'pw=correct horse' --data-urlencode "hash=$hash" /password/verify
assert_eq true "$(jget "$BODY" 'd["ok"]')" "verify in another request"

say "the default locale is the first of [app] locales (en-US-style without one)"
expect_status 200 /locale-default
assert_eq '1,234.5 en 1/2/2024' "$(jget "$BODY" 'd["number"] + " " + d["locale"] + " " + d["date"]')" "locales = en (the default)"

say "[app] password_* change new hashes, and needsRehash says so for the old ones"
stop_server
start_server server.workers=1 app.root="$TOP_SRCDIR/tests/apps/js_platform" app.password_memory=8m \
  app.password_iterations=3 env.SESSION_SECRET=x app.locales="de-DE, en"
expect_status 200 /locale-default
assert_eq '1.234,5 de-DE 2.1.2024' "$(jget "$BODY" 'd["number"] + " " + d["locale"] + " " + d["date"]')" "locales = de-DE, en"
expect_status 200 --data-urlencode 'pw=correct horse' --data-urlencode "hash=$hash" /password/verify
assert_eq true "$(jget "$BODY" 'd["ok"]')" "an old hash still verifies"
expect_status 200 '/password?pw=x'
assert_contains "$(jget "$BODY" 'd["hash"]')" 'm=8192,t=3,p=1' "new parameters"
