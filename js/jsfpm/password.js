/*
 * jsfpm/password: password hashing as php's password_hash and
 * password_verify do it, with argon2id (workers/js_password.c, libargon2).
 *
 *   var password = require('jsfpm/password');
 *   var stored = password.hash('correct horse');     // "$argon2id$v=19$m=19456,t=2,p=1$...$..."
 *   password.verify('correct horse', stored);        // true (constant-time)
 *   password.needsRehash(stored);                    // true once [app] password_* changed
 *
 * The cost comes from [app] password_memory, password_iterations and
 * password_parallelism (OWASP's current minimum: 19 MiB, 2, 1).  A hash
 * takes tens of milliseconds of the request's time (docs/performance.md).
 */
'use strict';

var encoder = new TextEncoder();

function passwordBytes(password, what) {
  if (typeof password !== 'string') throw new TypeError(what + ': the password must be a string, got ' + typeof password);
  return encoder.encode(password);
}

/* "$argon2id$v=19$m=19456,t=2,p=1$salt$hash" -> { algorithm, version, m, t, p }, or null. */
function parse(hash) {
  var m = /^\$(argon2(?:id|i|d))\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+\/]+\$[A-Za-z0-9+\/]+$/.exec(hash);
  if (m === null) return null;
  return { algorithm: m[1], version: Number(m[2]), memoryKiB: Number(m[3]), iterations: Number(m[4]), parallelism: Number(m[5]) };
}

/* The parameters new hashes get: { algorithm, memoryKiB, iterations, parallelism }. */
function params() {
  var p = native.passwordParams();
  return { algorithm: 'argon2id', memoryKiB: p[0], iterations: p[1], parallelism: p[2] };
}

function hash(password) {
  return native.passwordHash(passwordBytes(password, 'password.hash'));
}

/* False, never an exception, for a HASH that is not an argon2 hash string. */
function verify(password, hash) {
  if (typeof hash !== 'string' || parse(hash) === null) return false;
  return native.passwordVerify(passwordBytes(password, 'password.verify'), hash);
}

/* Whether HASH was made with other parameters than new hashes get now
 * (or is no argon2id hash at all): rehash after the next good login. */
function needsRehash(hash) {
  var h = typeof hash === 'string' ? parse(hash) : null, p = params();
  return h === null || h.algorithm !== 'argon2id' || h.version !== 19 || h.memoryKiB !== p.memoryKiB ||
    h.iterations !== p.iterations || h.parallelism !== p.parallelism;
}

exports.hash = hash;
exports.verify = verify;
exports.needsRehash = needsRehash;
exports.params = params;
exports.parse = parse;
