/* The Web Crypto checks of tests/integration/js/js_crypto.sh: every published
 * vector in crypto_vectors.json through crypto.subtle, then the API's
 * rules (key formats, usages, errors).  ES5 on purpose: crypto.subtle's
 * promises must work in an app without the runtime library too.
 * Resolves to { checked, failures: [...] }. */
'use strict';

var vectors = require('./crypto_vectors.json');
var checks = require('./check.js').checks;

function bytes(hex) {
  var out = new Uint8Array(hex.length / 2);
  for (var i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
}

function hex(buf) {
  var b = new Uint8Array(buf), s = '';
  for (var i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return s;
}

function run() {
  var subtle = crypto.subtle, tasks = [], check = checks(), expect = check.expect, throws = check.throws;

  /* A task whose promise must reject with a DOMException (or error) named NAME. */
  function expectReject(what, name, fn) {
    tasks.push(function () {
      return fn().then(function () {
        check.fail(what + ': resolved, want a rejection with ' + name);
      }, function (e) {
        expect(what, e && e.name, name);
      });
    });
  }

  vectors.digest.forEach(function (t) {
    tasks.push(function () {
      return subtle.digest(t.hash, bytes(t.data)).then(function (d) { expect(t.source + ' ' + t.hash, hex(d), t.digest); });
    });
  });
  vectors.hmac.forEach(function (t) {
    tasks.push(function () {
      var key;
      return subtle.importKey('raw', bytes(t.key), { name: 'HMAC', hash: t.hash }, false, ['sign', 'verify'])
        .then(function (k) { key = k; return subtle.sign('HMAC', key, bytes(t.data)); })
        .then(function (mac) {
          expect(t.source + ' HMAC-' + t.hash, hex(mac), t.mac);
          return subtle.verify('HMAC', key, bytes(t.mac), bytes(t.data));
        })
        .then(function (ok) {
          expect(t.source + ' verify', ok, true);
          var bad = bytes(t.mac);
          bad[0] ^= 1;
          return subtle.verify('HMAC', key, bad, bytes(t.data));
        })
        .then(function (ok) { expect(t.source + ' verify of a changed MAC', ok, false); });
    });
  });
  vectors.pbkdf2.forEach(function (t) {
    tasks.push(function () {
      return subtle.importKey('raw', bytes(t.password), 'PBKDF2', false, ['deriveBits'])
        .then(function (k) {
          return subtle.deriveBits({ name: 'PBKDF2', hash: t.hash, salt: bytes(t.salt), iterations: t.iterations }, k, t.bits);
        })
        .then(function (bits) { expect(t.source, hex(bits), t.key); });
    });
  });
  vectors.hkdf.forEach(function (t) {
    tasks.push(function () {
      return subtle.importKey('raw', bytes(t.ikm), 'HKDF', false, ['deriveBits'])
        .then(function (k) {
          return subtle.deriveBits({ name: 'HKDF', hash: t.hash, salt: bytes(t.salt), info: bytes(t.info) }, k, t.bits);
        })
        .then(function (bits) { expect(t.source, hex(bits), t.okm); });
    });
  });
  vectors.aes_gcm.forEach(function (t) {
    tasks.push(function () {
      var key, params = { name: 'AES-GCM', iv: bytes(t.iv) };
      if (t.aad) params.additionalData = bytes(t.aad);
      return subtle.importKey('raw', bytes(t.key), 'AES-GCM', false, ['encrypt', 'decrypt'])
        .then(function (k) { key = k; return subtle.encrypt(params, key, bytes(t.plaintext)); })
        .then(function (ct) {
          expect(t.source + ' encrypt', hex(ct), t.ciphertext + t.tag);
          return subtle.decrypt(params, key, bytes(t.ciphertext + t.tag));
        })
        .then(function (pt) {
          expect(t.source + ' decrypt', hex(pt), t.plaintext);
          var bad = bytes(t.ciphertext + t.tag);
          bad[bad.length - 1] ^= 1;
          return subtle.decrypt(params, key, bad).then(function () { return 'decrypted'; }, function (e) { return e.name; });
        })
        .then(function (name) { expect(t.source + ' decrypt with a changed tag', name, 'OperationError'); });
    });
  });

  /* Key formats: JWK in and out, raw out, generated keys, deriveKey. */
  tasks.push(function () {
    var jwk = { kty: 'oct', k: 'AAECAwQFBgcICQoLDA0ODw', alg: 'HS256', ext: true };
    return subtle.importKey('jwk', jwk, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign'])
      .then(function (k) {
        expect('JWK HMAC key length', k.algorithm.length, 128);
        expect('JWK HMAC key hash', k.algorithm.hash.name, 'SHA-256');
        return subtle.exportKey('jwk', k);
      })
      .then(function (out) {
        expect('JWK export k', out.k, jwk.k);
        expect('JWK export alg', out.alg, 'HS256');
        return subtle.importKey('jwk', { kty: 'oct', k: 'AAECAwQFBgcICQoLDA0ODw', alg: 'A128GCM' }, 'AES-GCM', true, ['encrypt']);
      })
      .then(function (k) { return subtle.exportKey('raw', k); })
      .then(function (raw) { expect('AES JWK to raw', hex(raw), '000102030405060708090a0b0c0d0e0f'); });
  });
  tasks.push(function () {
    var aes;
    return subtle.importKey('raw', new TextEncoder().encode('a password'), 'PBKDF2', false, ['deriveKey'])
      .then(function (base) {
        return subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(16), iterations: 1000 }, base,
                                { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      })
      .then(function (k) {
        aes = k;
        expect('deriveKey AES length', k.algorithm.length, 256);
        expect('deriveKey extractable', k.extractable, false);
        return subtle.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, aes, new TextEncoder().encode('secret text'));
      })
      .then(function (ct) { return subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, aes, ct); })
      .then(function (pt) {
        expect('deriveKey round trip', new TextDecoder().decode(pt), 'secret text');
        return subtle.exportKey('raw', aes).then(function () { return 'exported'; }, function (e) { return e.name; });
      })
      .then(function (name) { expect('exportKey of a key that is not extractable', name, 'InvalidAccessError'); });
  });
  tasks.push(function () {
    return subtle.generateKey({ name: 'HMAC', hash: 'SHA-512' }, true, ['sign'])
      .then(function (k) {
        expect('generateKey HMAC default length', k.algorithm.length, 1024);
        return subtle.exportKey('raw', k);
      })
      .then(function (raw) { expect('generated HMAC key bytes', raw.byteLength, 128); });
  });

  /* Errors the standard names. */
  expectReject('digest MD5', 'NotSupportedError', function () { return subtle.digest('MD5', new Uint8Array(1)); });
  expectReject('digest of a string', 'TypeError', function () { return subtle.digest('SHA-256', 'abc'); });
  expectReject('HMAC key without usages', 'SyntaxError', function () {
    return subtle.importKey('raw', new Uint8Array(16), { name: 'HMAC', hash: 'SHA-256' }, false, []);
  });
  expectReject('PBKDF2 key that is extractable', 'SyntaxError', function () {
    return subtle.importKey('raw', new Uint8Array(16), 'PBKDF2', true, ['deriveBits']);
  });
  expectReject('AES key of 10 bytes', 'DataError', function () {
    return subtle.importKey('raw', new Uint8Array(10), 'AES-GCM', false, ['encrypt']);
  });
  expectReject('sign with a verify-only key', 'InvalidAccessError', function () {
    return subtle.importKey('raw', new Uint8Array(16), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
      .then(function (k) { return subtle.sign('HMAC', k, new Uint8Array(1)); });
  });
  expectReject('deriveBits with 0 iterations', 'OperationError', function () {
    return subtle.importKey('raw', new Uint8Array(4), 'PBKDF2', false, ['deriveBits']).then(function (k) {
      return subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(4), iterations: 0 }, k, 256);
    });
  });
  throws('getRandomValues of 65537 bytes', 'QuotaExceededError', function () { crypto.getRandomValues(new Uint8Array(65537)); });
  throws('getRandomValues of a Float32Array', 'TypeMismatchError', function () { crypto.getRandomValues(new Float32Array(4)); });
  var r = crypto.getRandomValues(new Uint32Array(8)), zero = 0;
  for (var i = 0; i < r.length; i++) if (r[i] === 0) zero++;
  expect('getRandomValues fills the array', zero < 2, true);
  var u1 = crypto.randomUUID(), u2 = crypto.randomUUID();
  expect('randomUUID form', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(u1), true);
  expect('randomUUID differs', u1 !== u2, true);

  var p = subtle.digest('SHA-1', new Uint8Array(0));
  tasks.forEach(function (task) { p = p.then(task); });
  return p.then(check.result);
}

exports.run = run;
