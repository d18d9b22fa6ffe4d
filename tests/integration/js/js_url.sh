#!/bin/bash
# js_url.sh: URL and URLSearchParams (issue 15, item 3) through a real
# worker: each case of tests/apps/js_platform/urltestdata.json (the
# web-platform-tests format: parsing, relative resolution, percent-encoding,
# IPv4 and IPv6 hosts, IDNA, special schemes, file URLs, failures), every
# href reparsed to itself, the setters and URLSearchParams with its link to
# the URL; and request.url a full URL that new URL() takes, at both doors.
. "$(dirname "$0")/js_lib.sh"

start_server server.workers=1 app.root="$TOP_SRCDIR/tests/apps/js_platform"
one_worker

say "the vector file, the setters, URLSearchParams (tests/apps/js_platform/url.js)"
expect_status 200 /url
assert_eq '[]' "$(jget "$BODY" 'd["failures"]')" "failures"
checked=$(jget "$BODY" 'd["checked"]')
cases=$(grep -c '"input"' "$TOP_SRCDIR/tests/apps/js_platform/urltestdata.json")
[ "$checked" -gt "$cases" ] || fail "only $checked checks for $cases cases"
ok "$checked checks over $cases cases passed"

say "request.url is a full URL; new URL(request.url) works"
expect_status 200 '/request-url?q=%C3%A9+x'
assert_eq "http://$HTTP_ADDR/request-url?q=%C3%A9+x" "$(jget "$BODY" 'd["url"]')" "request.url over HTTP"
assert_eq "$HTTP_ADDR" "$(jget "$BODY" 'd["host"]')" "its host"
assert_eq 'é x' "$(jget "$BODY" 'd["q"]')" "searchParams.get('q')"
out=$(fcgi --uri '/request-url?q=1' --header 'Host: App.Example:8443' --param HTTPS=on) || fail "fcgi request failed"
assert_contains "$out" '"url":"https://app.example:8443/request-url?q=1"' "request.url over FastCGI (host lower-cased by the URL parser)"
