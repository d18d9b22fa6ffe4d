#!/bin/bash
# js_ctx.sh: the per-request context (issue 4, item 6) through real requests:
# ctx is frozen; requestId (generated, or from request_id_header when plain
# and <= 64 chars) equals the X-Request-Id response header and tags console
# lines; user from REMOTE_USER or user_header; tenant from tenant_header or
# the tenant_param FastCGI param, null when absent; locale = best
# Accept-Language match against locales, else the first; deadline = ms left;
# env = the frozen [env] section.
. "$(dirname "$0")/js_lib.sh"

mkdir -p "$T/app"
cat >"$T/app/main.js" <<'JS'
function busy(ms) { var end = Date.now() + ms; while (Date.now() < end) {} }
module.exports = {
  fetch: function (req, ctx) {
    if (req.path === '/log') {
      console.log('ctx-log-line requestId=' + ctx.requestId);
      return new Response('logged');
    }
    if (req.path === '/deadline') {
      var d0 = ctx.deadline;
      busy(300);
      return Response.json({ d0: d0, d1: ctx.deadline });
    }
    var writes = {};
    /* ctx and ctx.env are frozen: writes throw in strict code ... */
    writes.strictAdd = (function () {
      'use strict';
      try { ctx.injected = 1; return 'no error'; } catch (e) { return e.name; }
    })();
    writes.strictEnv = (function () {
      'use strict';
      try { ctx.env.GREETING = 'changed'; return 'no error'; } catch (e) { return e.name; }
    })();
    /* ... and are ignored in sloppy code. */
    ctx.user = 'mallory';
    ctx.requestId = 'forged';
    delete ctx.tenant;
    return Response.json({
      requestId: ctx.requestId, user: ctx.user, tenant: ctx.tenant, locale: ctx.locale,
      deadline: ctx.deadline, env: ctx.env, envFrozen: Object.isFrozen(ctx.env),
      frozen: Object.isFrozen(ctx), injected: ctx.injected === undefined ? 'absent' : 'present',
      hasTenant: 'tenant' in ctx, writes: writes
    });
  }
};
JS

start_server server.workers=1 app.root="$T/app" app.request_timeout=5s \
  app.locales='en, de, fr-CA' app.request_id_header=X-Request-Id \
  app.tenant_header=X-Tenant app.tenant_param=JSFPM_TENANT \
  env.GREETING=hello env.API_URL='https://api.example/v1'

say "ctx is frozen: strict writes throw, sloppy writes are ignored"
expect_status 200 /
assert_eq true "$(jget "$BODY" 'd["frozen"]')" "Object.isFrozen(ctx)"
assert_eq TypeError "$(jget "$BODY" 'd["writes"]["strictAdd"]')" "strict ctx.injected = 1"
assert_eq absent "$(jget "$BODY" 'd["injected"]')" "ctx.injected afterwards"
assert_eq null "$(jget "$BODY" 'd["user"]')" "ctx.user after a sloppy ctx.user = 'mallory' (no REMOTE_USER)"
assert_eq "$RID" "$(jget "$BODY" 'd["requestId"]')" "ctx.requestId after a sloppy write (= X-Request-Id)"
assert_eq true "$(jget "$BODY" 'd["hasTenant"]')" "'tenant' in ctx after delete"

say "ctx.env: the [env] section, frozen"
assert_eq '{"API_URL": "https://api.example/v1", "GREETING": "hello"}' "$(jget "$BODY" 'd["env"]')" "ctx.env"
assert_eq true "$(jget "$BODY" 'd["envFrozen"]')" "Object.isFrozen(ctx.env)"
assert_eq TypeError "$(jget "$BODY" 'd["writes"]["strictEnv"]')" "strict ctx.env.GREETING = ..."

say "ctx.requestId: generated, unique, equal to X-Request-Id"
expect_status 200 /
id1=$RID
assert_match "$id1" '^[A-Za-z0-9._:-]{8,64}$' "generated request id"
assert_eq "$id1" "$(jget "$BODY" 'd["requestId"]')" "ctx.requestId"
expect_status 200 /
[ "$RID" != "$id1" ] || fail "two requests got the same id $RID"
ok "the next request has another id ($RID)"

say "ctx.requestId from request_id_header when plain and at most 64 chars"
expect_status 200 -H 'X-Request-Id: edge-1234.abc:Z_9' /
assert_eq edge-1234.abc:Z_9 "$RID" "X-Request-Id echoed"
assert_eq edge-1234.abc:Z_9 "$(jget "$BODY" 'd["requestId"]')" "ctx.requestId"
id64=$(printf 'a%.0s' $(seq 64))
expect_status 200 -H "X-Request-Id: $id64" /
assert_eq "$id64" "$RID" "a 64-char id is taken"
for bad in "$id64"b 'has space' 'semi;colon' '<script>'; do
  expect_status 200 -H "X-Request-Id: $bad" /
  [ "$RID" != "$bad" ] || fail "client id '$bad' was taken"
  assert_match "$RID" '^[A-Za-z0-9._:-]{8,64}$' "id generated instead of '$bad'"
  assert_contains "$BODY" "\"requestId\":\"$RID\"" "ctx.requestId (instead of '$bad')"
done

say "console lines carry the request id"
expect_status 200 -H 'X-Request-Id: ctx-log-id-1' /log
wait_log "[ctx-log-id-1] ctx-log-line requestId=ctx-log-id-1"

say "ctx.user: REMOTE_USER (FastCGI); null over plain HTTP"
freq --uri / --param REMOTE_USER=alice
assert_eq 200 "$STATUS" "FastCGI status"
assert_eq alice "$(jget "$BODY" 'd["user"]')" "ctx.user from REMOTE_USER"
assert_eq "$RID" "$(jget "$BODY" 'd["requestId"]')" "ctx.requestId over FastCGI"
expect_status 200 -H 'Remote-User: eve' /
assert_eq null "$(jget "$BODY" 'd["user"]')" "ctx.user over HTTP (a Remote-User header is not trusted)"

say "ctx.tenant: tenant_header, tenant_param; null when absent"
expect_status 200 -H 'X-Tenant: acme' /
assert_contains "$BODY" '"tenant":"acme"' "ctx.tenant from X-Tenant"
freq --uri / --param JSFPM_TENANT=globex
assert_contains "$BODY" '"tenant":"globex"' "ctx.tenant from the FastCGI param JSFPM_TENANT"
freq --uri / --header 'X-Tenant: initech'
assert_contains "$BODY" '"tenant":"initech"' "ctx.tenant from X-Tenant over FastCGI"
expect_status 200 /
assert_contains "$BODY" '"tenant":null' "ctx.tenant without header or param"

say "ctx.locale: best Accept-Language match against 'en, de, fr-CA', else 'en'"
check_locale() {
  expect_status 200 -H "Accept-Language: $1" /
  assert_contains "$BODY" "\"locale\":\"$2\"" "ctx.locale for '$1'"
}
check_locale 'de-CH,de;q=0.9' de
check_locale 'de-CH' de
check_locale 'fr-CA,fr;q=0.8' fr-CA
check_locale 'ja,de;q=0.5' de
check_locale 'en;q=0.2, de;q=0.8' de
check_locale 'de;q=0.3, fr-CA;q=0.7' fr-CA
check_locale 'ja, zh-TW' en
expect_status 200 /
assert_eq en "$(jget "$BODY" 'd["locale"]')" "ctx.locale without Accept-Language"

say "ctx.deadline: ms left, at most request_timeout (5 s), decreasing"
expect_status 200 /deadline
d0=$(jget "$BODY" 'd["d0"]')
d1=$(jget "$BODY" 'd["d1"]')
[ "$d0" -gt 4000 ] && [ "$d0" -le 5000 ] || fail "deadline at the start is $d0, expected 4000 < d <= 5000"
ok "deadline at the start: $d0 ms"
drop=$((d0 - d1))
[ "$drop" -ge 250 ] && [ "$drop" -le 1500 ] || fail "deadline went from $d0 to $d1 over a 300 ms busy wait"
ok "deadline after 300 ms of work: $d1 ms (dropped $drop)"

say "user_header: ctx.user from a configured header instead of REMOTE_USER"
stop_server
start_server server.workers=1 app.root="$T/app" app.user_header=X-Auth-User app.locales='fr-CA, en'
expect_status 200 -H 'X-Auth-User: bob' /
assert_contains "$BODY" '"user":"bob"' "ctx.user from X-Auth-User"
expect_status 200 /
assert_contains "$BODY" '"user":null' "ctx.user without X-Auth-User"
assert_contains "$BODY" '"locale":"fr-CA"' "default locale = the first configured"
assert_contains "$BODY" '"env":{}' "ctx.env without an [env] section"
expect_status 200 -H 'X-Request-Id: not-taken' /
[ "$RID" != not-taken ] || fail "X-Request-Id taken although request_id_header is not set"
ok "without request_id_header the client's X-Request-Id is ignored ($RID)"
