/*
 * sweep(root, test): walks everything reachable from ROOT through own
 * properties (values, getters and setters) and prototypes, each object
 * once, and calls test(name, value, path) for every own property (value is
 * undefined for an accessor).  A string test returns is a finding.
 * Returns { objects: number of objects walked, found: [findings] }.
 *
 * Shared by the isolation app (a tenant's secret must be nowhere) and
 * js_sandbox.sh (no Duktape internals anywhere), which copies it.
 */
'use strict';

module.exports = function sweep(root, test) {
  var seen = [], found = [], stack = [[root, 'global']];
  while (stack.length) {
    var item = stack.pop(), o = item[0], path = item[1];
    if (o === null || (typeof o !== 'object' && typeof o !== 'function')) continue;
    if (seen.indexOf(o) >= 0) continue;
    seen.push(o);
    var names = Object.getOwnPropertyNames(o);
    for (var i = 0; i < names.length; i++) {
      var n = names[i];
      var d = Object.getOwnPropertyDescriptor(o, n);
      if (!d) continue;
      var hit = test(n, 'value' in d ? d.value : undefined, path);
      if (typeof hit === 'string') found.push(hit);
      if ('value' in d) {
        stack.push([d.value, path + '.' + n]);
      } else {
        stack.push([d.get, path + '.' + n + '<get>']);
        stack.push([d.set, path + '.' + n + '<set>']);
      }
    }
    stack.push([Object.getPrototypeOf(o), path + '.__proto__']);
  }
  return { objects: seen.length, found: found };
};
