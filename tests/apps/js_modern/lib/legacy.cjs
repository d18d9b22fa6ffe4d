// A CommonJS module the ES modules import; it requires a package, whose
// "exports" give require() another file than import, and its package.json.
'use strict';
exports.describe = function () { return 'commonjs ' + typeof module.exports; };
exports.greetRequired = require('greeter');
exports.version = require('greeter/package.json').version;
