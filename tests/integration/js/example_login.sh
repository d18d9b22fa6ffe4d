#!/bin/bash
# example_login.sh: the sign-up/login example (js/examples/login, issue 15)
# driven like a browser with a cookie jar: forms carry a CSRF token, sign
# up stores an argon2id hash and starts a session (signed cookie, 303 to
# /), a POST without the token is 403, a wrong password 401, a second
# account with the same email 422, log in and log out.
. "$(dirname "$0")/js_lib.sh"

start_server server.workers=2 app.root="$TOP_SRCDIR/js/examples/login" \
  env.SESSION_SECRET=an-example-secret-of-32-characters-or-more
JAR=$T/cookies

form_token() { # form_token PATH: the CSRF token of the form at PATH (keeps the jar's cookies)
  req -c "$JAR" -b "$JAR" "$1"
  assert_eq 200 "$STATUS" "GET $1"
  TOKEN=$(printf '%s' "$BODY" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
  [ -n "$TOKEN" ] || fail "no CSRF token in the form of $1"
}

say "sign up: 303 to /, a signed HttpOnly session cookie, the hash is argon2id"
form_token /signup
req -c "$JAR" -b "$JAR" --data-urlencode "_csrf=$TOKEN" --data-urlencode email=ada@example.com \
  --data-urlencode 'password=correct horse' /signup
assert_eq 303 "$STATUS" "status"
assert_eq / "$(hdr Location)" "Location"
assert_match "$(printf '%s\n' "$HEADERS" | grep -i '^set-cookie: sid=')" 'sid=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax' "session cookie"
hash=$(sqlite3 "$DB_PATH" "SELECT password_hash FROM users WHERE email = 'ada@example.com'")
assert_match "$hash" '^\$argon2id\$v=19\$m=19456,t=2,p=1\$' "stored hash"
req -b "$JAR" /
assert_contains "$BODY" "Hello, ada@example.com" "logged in"

say "a POST without the CSRF token, or with another one, is refused"
req -b "$JAR" --data 'email=ada@example.com&password=correct+horse' /login
assert_eq 403 "$STATUS" "no token"
req -b "$JAR" --data "_csrf=x$TOKEN&email=ada@example.com&password=correct+horse" /login
assert_eq 403 "$STATUS" "another token"

say "a second account for the same email (any case) is refused"
form_token /signup
req -c "$JAR" -b "$JAR" --data-urlencode "_csrf=$TOKEN" --data-urlencode email=ADA@example.com \
  --data-urlencode 'password=another one' /signup
assert_eq 422 "$STATUS" "status"
assert_contains "$BODY" "already has an account" "message"

say "log out, then a wrong password, then the right one"
form_token /
req -c "$JAR" -b "$JAR" --data-urlencode "_csrf=$TOKEN" /logout
assert_eq 303 "$STATUS" "log out"
req -b "$JAR" /
assert_contains "$BODY" "Welcome" "logged out"
assert_eq 0 "$(sqlite3 "$DB_PATH" 'SELECT count(*) FROM sessions')" "session rows"
form_token /login
req -c "$JAR" -b "$JAR" --data-urlencode "_csrf=$TOKEN" --data-urlencode email=ada@example.com \
  --data-urlencode 'password=wrong horse' /login
assert_eq 401 "$STATUS" "wrong password"
req -c "$JAR" -b "$JAR" --data-urlencode "_csrf=$TOKEN" --data-urlencode email=nobody@example.com \
  --data-urlencode 'password=wrong horse' /login
assert_eq 401 "$STATUS" "unknown email"
req -c "$JAR" -b "$JAR" --data-urlencode "_csrf=$TOKEN" --data-urlencode email=ada@example.com \
  --data-urlencode 'password=correct horse' /login
assert_eq 303 "$STATUS" "right password"
req -b "$JAR" /
assert_contains "$BODY" "Hello, ada@example.com" "logged in again"

say "a tampered session cookie is not a session"
"$PYTHON" - "$JAR" <<'PY'
import re, sys
jar = open(sys.argv[1]).read()
def flip(m):  # one character of the signature changed
    sig = m.group(2)
    return m.group(1) + ('x' if sig[0] != 'x' else 'y') + sig[1:]
new = re.sub(r'(\tsid\t[A-Za-z0-9_-]+\.)([A-Za-z0-9_-]+)', flip, jar)
assert new != jar, 'no session cookie in the jar'
open(sys.argv[1], 'w').write(new)
PY
req -b "$JAR" /
assert_contains "$BODY" "Welcome" "tampered cookie"
