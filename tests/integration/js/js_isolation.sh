#!/bin/bash
# js_isolation.sh: the leakage suite (issue 4, acceptance), run with
# isolation = worker and isolation = request, one worker so the next request
# hits the same heap.  A request sets a global, replaces
# Array.prototype.map, adds Object.prototype.x, redefines JSON.parse, sets a
# property on ctx (and more); the next request sees none of it.  Two tenants
# in sequence: the second cannot read what the first stored in any global
# (checked by name and by a sweep of everything reachable from the global
# object).  Module-level variables persist in worker mode (by design) and
# not in request mode.  App: tests/apps/js_isolation/main.js.
. "$(dirname "$0")/js_lib.sh"

APP=$TOP_SRCDIR/tests/apps/js_isolation
[ -f "$APP/main.js" ] || fail "missing $APP/main.js"

# check_clean WHAT: the /observe body shows a clean environment.  Plain
# substring checks on the compact JSON (no python: this runs often).
check_clean() {
  local what=$1 kv
  for kv in '"global":"undefined"' '"implicitGlobal":"undefined"' '"strictGlobal":"undefined"' \
    '"undeclaredStrict":"undefined"' '"arrayMap":"[2,4,6]"' '"objectProtoX":"undefined"' \
    '"objectProtoY":"undefined"' '"jsonParse":"{\"a\":1}"' '"mathRandom":"native"' \
    '"stringTrim":"t"' '"errorName":"Error: m"' '"responseJson":"native"' '"headersGet":"b"' \
    '"encodeURIComponent":"function"' '"ctxLeak":"undefined,undefined"'; do
    assert_contains "$BODY" "$kv" "$what: /observe"
  done
}

run_suite() {
  local mode=$1
  say "[$mode] start with isolation = $mode, one worker"
  start_server server.workers=1 app.root="$APP" app.isolation="$mode" app.tenant_header=X-Tenant
  one_worker

  say "[$mode] a first request sees a clean environment"
  expect_status 200 /observe
  check_clean "[$mode] before"

  say "[$mode] a request pollutes globals, built-ins and ctx"
  expect_status 200 /pollute
  POLLUTE=$BODY
  printf '   attempts: %s\n' "$POLLUTE"
  # ctx is frozen in both modes.
  assert_eq TypeError "$(jget "$POLLUTE" 'd["ctx"]["strict"]')" "[$mode] strict write to ctx"
  if [ "$mode" = worker ]; then
    # Worker mode: the writes fail (strict: throw; sloppy: silently ignored).
    for w in global arrayMap objectProtoX defineOnObjectProto jsonParse errorProtoName; do
      assert_eq TypeError "$(jget "$POLLUTE" "d['strict']['$w']")" "[$mode] strict write '$w' throws"
    done
    assert_match "$(jget "$POLLUTE" 'd["strict"]["implicitGlobal"]')" 'Error$' "[$mode] strict implicit global throws"
  else
    # Request mode: the writes succeed inside the request that makes them.
    for w in global arrayMap objectProtoX defineOnObjectProto jsonParse; do
      assert_eq ok "$(jget "$POLLUTE" "d['strict']['$w']")" "[$mode] write '$w' succeeds within its own request"
    done
  fi

  say "[$mode] the NEXT request, same worker, sees none of it"
  expect_status 200 /observe
  check_clean "[$mode] after /pollute"
  assert_eq "$WORKER" "$(worker_pids)" "[$mode] same worker pid"

  say "[$mode] overriding inherited properties on one's own objects still works"
  expect_status 200 /override
  assert_contains "$BODY" '"error":"CustomError: m"' "[$mode] e.name = ... on an Error instance"
  assert_contains "$BODY" '"object":"mine"' "[$mode] o.toString = ... on a plain object"

  say "[$mode] module-level variables: persist in worker mode (by design), fresh per request in request mode"
  local c1 c2 c3
  # The body is {"counter":N}: the digits are N.
  req /counter; c1=${BODY//[^0-9]/}
  req /counter; c2=${BODY//[^0-9]/}
  req /counter; c3=${BODY//[^0-9]/}
  [ -n "$c1" ] && [ -n "$c2" ] && [ -n "$c3" ] || fail "[$mode] no counter in $BODY"
  if [ "$mode" = worker ]; then
    assert_eq "$((c1 + 1)),$((c1 + 2))" "$c2,$c3" "[$mode] counter increments across requests"
  else
    assert_eq "1,1,1" "$c1,$c2,$c3" "[$mode] counter restarts every request"
  fi

  say "[$mode] two tenants in sequence on one worker"
  expect_status 200 -H 'X-Tenant: alpha' /tenant/store
  assert_eq alpha "$(jget "$BODY" 'd["tenant"]')" "[$mode] first request's tenant"
  local written
  written=$(jget "$BODY" 'd["written"]')
  printf '   stores that threw: %s\n' "$(jget "$BODY" 'd["failed"]')"
  if [ "$mode" = worker ]; then
    assert_eq 0 "$written" "[$mode] places tenant alpha could write its secret to"
  else
    assert_eq 15 "$written" "[$mode] places tenant alpha wrote its secret to (its own fresh globals)"
    assert_eq 14 "$(jget "$BODY" 'd["visibleToSelf"]')" "[$mode] read back by alpha itself (the checks work)"
    [ "$(jget "$BODY" 'd["sweepSelf"]')" -ge 10 ] || fail "[$mode] the sweep does not find alpha's secret in alpha's own request"
    ok "[$mode] the sweep finds the secret in alpha's own request ($(jget "$BODY" 'd["sweepSelf"]') places)"
  fi
  expect_status 200 -H 'X-Tenant: beta' /tenant/read
  assert_eq beta "$(jget "$BODY" 'd["tenant"]')" "[$mode] second request's tenant"
  assert_eq '[]' "$(jget "$BODY" 'd["got"]')" "[$mode] alpha's secret as read by beta through 14 named places"
  assert_eq '[]' "$(jget "$BODY" 'd["sweep"]["found"]')" "[$mode] alpha's secret anywhere reachable from beta's global object"
  local nobj
  nobj=$(jget "$BODY" 'd["sweep"]["objects"]')
  [ "$nobj" -gt 100 ] || fail "[$mode] the sweep visited only $nobj objects"
  ok "[$mode] the sweep visited $nobj objects"
  if [ "$mode" = worker ]; then
    assert_eq secret-of-alpha "$(jget "$BODY" 'd["moduleStore"]')" \
      "[$mode] module-level object (persists by design, as the docs say)"
  else
    assert_eq null "$(jget "$BODY" 'd["moduleStore"]')" "[$mode] module-level object"
  fi
  assert_eq "$WORKER" "$(worker_pids)" "[$mode] same worker pid for both tenants"
  stop_server
}

run_suite worker
run_suite request
