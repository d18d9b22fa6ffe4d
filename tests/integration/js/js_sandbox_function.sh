#!/bin/bash
# js_sandbox_function.sh: with allow_eval = no (the default) only code
# generation is blocked; ordinary ES5 that uses the Function intrinsic keeps
# working: Function.prototype is the functions' prototype, `f instanceof
# Function` is true, Function.prototype.call/apply/toString can be taken, in
# both isolation modes.
#
# Regression test: the sandbox used to replace the global Function with the
# "eval is disabled" native, which has no .prototype, so Function.prototype
# was undefined, `instanceof Function` threw, and libraries doing
# `var fnToString = Function.prototype.toString;` at load failed to load.
. "$(dirname "$0")/js_lib.sh"

mkdir -p "$T/app"
cat >"$T/app/main.js" <<'JS'
module.exports = {
  fetch: function (req, ctx) {
    var r = {};
    function t(name, f) { try { r[name] = f(); } catch (e) { r[name] = e.name + ': ' + e.message; } }
    t('protoType', function () { return typeof Function.prototype; });
    t('protoIsFnProto', function () { return Function.prototype === Object.getPrototypeOf(function () {}); });
    t('instanceOf', function () { return (function () {}) instanceof Function; });
    t('applyCall', function () { return Function.prototype.apply.call(Math.max, null, [1, 5, 3]); });
    t('toStringTaken', function () { var s = Function.prototype.toString; return typeof s.call(function () {}); });
    t('newFunction', function () { try { new Function('return 1'); return 'allowed'; } catch (e) { return e.name; } });
    return Response.json(r);
  }
};
JS
for mode in worker request; do
  say "[$mode] Function.prototype and instanceof Function with allow_eval = no"
  start_server server.workers=1 app.root="$T/app" app.isolation=$mode
  expect_status 200 /
  printf '   got: %s\n' "$BODY"
  assert_eq EvalError "$(jget "$BODY" 'd["newFunction"]')" "[$mode] new Function still blocked"
  assert_eq function "$(jget "$BODY" 'd["protoType"]')" "[$mode] typeof Function.prototype"
  assert_eq true "$(jget "$BODY" 'd["protoIsFnProto"]')" "[$mode] Function.prototype === Object.getPrototypeOf(function(){})"
  assert_eq true "$(jget "$BODY" 'd["instanceOf"]')" "[$mode] (function(){}) instanceof Function"
  assert_eq 5 "$(jget "$BODY" 'd["applyCall"]')" "[$mode] Function.prototype.apply.call(Math.max, null, [1,5,3])"
  assert_eq string "$(jget "$BODY" 'd["toStringTaken"]')" "[$mode] Function.prototype.toString"
  stop_server
done
