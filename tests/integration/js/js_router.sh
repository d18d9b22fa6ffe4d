#!/bin/bash
# jsfpm/router: route middleware (app.get(path, ...middleware, handler)),
# path-scoped app.use(path, mw) with next(), registration-time errors for
# argument shapes it does not take, app.onError and app.notFound, and its
# own 404/405 in JSON when the request's Accept prefers it.
. "$(dirname "$0")/../lib.sh"
require_tool curl curl
start_server app.root="$TOP_SRCDIR/tests/apps/js_router"

say "registration: each unknown shape is a TypeError naming the call"
SHAPES=$(curl -sS --max-time 10 "$HTTP_URL/shapes")
assert_contains "$SHAPES" "get without handler: TypeError: app.get(\"/x\", ...middleware, handler): the handler is missing"
assert_contains "$SHAPES" "get with an object: TypeError: app.get(\"/x\", ...middleware, handler): the handler must be a function, not an object"
assert_contains "$SHAPES" "get with a function path: TypeError: app.get(path, ...middleware, handler): the path must be a string starting with \"/\", not a function"
assert_contains "$SHAPES" "use with a string only: TypeError: app.use(\"/x\", middleware): the middleware is missing"
assert_contains "$SHAPES" "use with a bad path: TypeError: app.use(\"x\", middleware): the path must start with \"/\""
assert_contains "$SHAPES" "onError with a string: TypeError: app.onError(fn): fn must be a function, not the string \"oops\""
assert_contains "$SHAPES" "notFound without fn: TypeError: app.notFound(fn): fn is missing"
assert_not_contains "$SHAPES" "accepted"

say "route middleware runs in order, then the handler"
assert_eq "item 7" "$(curl -sS --max-time 10 -D "$T/h" "$HTTP_URL/items/7")" "handler answer"
chain() { grep -i '^X-Chain:' "$T/h" | tr -d '\r' | sed 's/^X-Chain: //I' | paste -sd' '; }
assert_eq "route2 route1 global" "$(chain)" "middleware order (innermost first on the way out)"

say "app.use(path, mw): for the path and below only"
assert_eq "401" "$(http_status "$HTTP_URL/admin/panel")" "/admin/panel without the key"
assert_eq "panel" "$(curl -sS --max-time 10 -H 'X-Key: open' -D "$T/h" "$HTTP_URL/admin/panel")" "/admin/panel with the key"
assert_eq "admin global" "$(chain)" "scoped middleware ran"
assert_eq "not admin" "$(curl -sS --max-time 10 -D "$T/h" "$HTTP_URL/administrator")" "/administrator is not under /admin"
assert_eq "global" "$(chain)" "middleware of /administrator"

say "404 and 405 follow Accept"
assert_eq "not found" "$(curl -sS --max-time 10 "$HTTP_URL/nope")" "404 text"
BODY=$(curl -sS --max-time 10 -D "$T/h" -H 'Accept: application/json' "$HTTP_URL/nope")
assert_eq '{"error":"not found","status":404}' "$BODY" "404 JSON"
assert_match "$(cat "$T/h")" "^HTTP/1.1 404" "status"
assert_match "$(cat "$T/h")" "^Content-Type: application/json" "type"
BODY=$(curl -sS --max-time 10 -D "$T/h" -X DELETE -H 'Accept: application/json, text/plain;q=0.5' "$HTTP_URL/items")
assert_eq '{"error":"method not allowed","status":405}' "$BODY" "405 JSON"
assert_match "$(cat "$T/h")" "^Allow: POST" "Allow header"
assert_eq "method not allowed" "$(curl -sS --max-time 10 -X DELETE -H 'Accept: text/html,*/*;q=0.8' "$HTTP_URL/items")" "405 for a browser"

say "onError and notFound"
BODY=$(curl -sS --max-time 10 -D "$T/h" "$HTTP_URL/throw")
assert_eq "handled: bad thing" "$BODY" "onError answer"
assert_match "$(cat "$T/h")" "^HTTP/1.1 409" "onError status"
assert_eq '{"error":"out of range","kind":"RangeError"}' "$(curl -sS --max-time 10 "$HTTP_URL/api/throw")" "a JSON API's onError"
assert_eq "422" "$(http_status "$HTTP_URL/api/throw")" "its status"
assert_eq '{"error":"rejected thing","kind":"TypeError"}' "$(curl -sS --max-time 10 "$HTTP_URL/api/reject")" "onError for a rejected promise"
assert_eq '{"error":"no route for /api/none"}' "$(curl -sS --max-time 10 "$HTTP_URL/api/none")" "notFound"
assert_eq '{"ok":true}' "$(curl -sS --max-time 10 "$HTTP_URL/api/ok")" "a route of that router"
stop_server
