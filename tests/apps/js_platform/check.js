/* What the platform checks (crypto.js, streams.js, url.js, web.js) share:
 * expect(what, got, want) compares with ===, throws(what, name, fn) wants
 * FN to throw an error named NAME, fail(message) counts a check that
 * failed outright, and result() is the { checked, failures } each of them
 * returns to main.js. */
'use strict';

function checks() {
  var failures = [], checked = 0;
  function fail(message) {
    checked++;
    failures.push(message);
  }
  function expect(what, got, want) {
    if (got !== want) fail(what + ': got ' + JSON.stringify(got) + ', want ' + JSON.stringify(want));
    else checked++;
  }
  function throws(what, name, fn) {
    var e = null;
    try {
      fn();
    } catch (x) {
      e = x;
    }
    expect(what + ' throws ' + name, e === null ? 'nothing' : e.name, name);
  }
  function result() {
    return { checked: checked, failures: failures };
  }
  return { expect: expect, throws: throws, fail: fail, result: result };
}

exports.checks = checks;
