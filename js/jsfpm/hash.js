/*
 * jsfpm/hash: hashing data that arrives in pieces, such as an upload read
 * through request.body, without holding it whole (crypto.subtle.digest
 * takes the whole input at once).  The names and calls are Node's
 * crypto.createHash (workers/js_crypto.c, OpenSSL):
 *
 *   var createHash = require('jsfpm/hash').createHash;
 *   var h = createHash('sha256');
 *   for await (const chunk of request.body) h.update(chunk);
 *   h.digest('hex');                                  // "e3b0c442..."
 *
 * Algorithms: sha1, sha256, sha384, sha512 (or the Web Crypto names
 * SHA-1 ... SHA-512).  update() takes bytes (a Uint8Array, ArrayBuffer or
 * other view) or a string (hashed as UTF-8) and returns the hash, so calls
 * chain; digest() returns a Uint8Array, or with 'hex', 'base64' or
 * 'base64url' a string, and ends the hash.
 */
'use strict';

var web = require('jsfpm/internal/web');

var encoder = new TextEncoder();
var ALGORITHMS = {
  sha1: 'SHA-1', 'sha-1': 'SHA-1', sha256: 'SHA-256', 'sha-256': 'SHA-256',
  sha384: 'SHA-384', 'sha-384': 'SHA-384', sha512: 'SHA-512', 'sha-512': 'SHA-512'
};

function Hash(algorithm) {
  var name = ALGORITHMS[String(algorithm).toLowerCase()];
  if (name === undefined) {
    throw new TypeError('jsfpm/hash: unknown algorithm ' + JSON.stringify(String(algorithm)) + ': use sha1, sha256, sha384 or sha512');
  }
  this._state = native.hashNew(name);
}

Object.defineProperty(Hash.prototype, 'update', {
  value: function update(data) {
    if (typeof data === 'string') data = encoder.encode(data);
    else if (!web.isBufferSource(data)) throw new TypeError('hash.update: expected bytes (a Uint8Array, ArrayBuffer or view) or a string');
    native.hashUpdate(this._state, data);
    return this;
  }
});

Object.defineProperty(Hash.prototype, 'digest', {
  value: function digest(encoding) {
    var bytes = native.hashFinal(this._state);
    if (encoding === undefined) return bytes;
    if (encoding === 'hex') {
      var hex = '';
      for (var i = 0; i < bytes.length; i++) hex += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
      return hex;
    }
    if (encoding === 'base64') return web.base64Encode(bytes);
    if (encoding === 'base64url') return web.base64Encode(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    throw new TypeError('hash.digest: encoding must be hex, base64 or base64url, or none for bytes');
  }
});

exports.createHash = function createHash(algorithm) { return new Hash(algorithm); };
exports.Hash = Hash;
