/*
 * jsfpm/internal/crypto: the Web Crypto API (globalThis.crypto) on OpenSSL
 * (workers/js_crypto.c): getRandomValues, randomUUID and crypto.subtle with
 * digest (SHA-1, SHA-256, SHA-384, SHA-512), HMAC (importKey, generateKey,
 * sign, verify, exportKey), PBKDF2 and HKDF (deriveBits, deriveKey) and
 * AES-GCM (encrypt, decrypt); key formats raw and jwk where the standard
 * has them.  The primitives run at once in C; subtle's methods return
 * promises as the standard says (settled already, so an `await` costs one
 * turn of the job queue).
 */
'use strict';

var async = require('jsfpm/internal/async');
var web = require('jsfpm/internal/web');

var Promise = async.Promise;
var DOMException = web.DOMException;
var encoder = new TextEncoder();

var HASHES = { 'SHA-1': 1, 'SHA-256': 1, 'SHA-384': 1, 'SHA-512': 1 };
var HASH_BLOCK_BITS = { 'SHA-1': 512, 'SHA-256': 512, 'SHA-384': 1024, 'SHA-512': 1024 };
var JWK_HMAC = { 'SHA-1': 'HS1', 'SHA-256': 'HS256', 'SHA-384': 'HS384', 'SHA-512': 'HS512' };
var ALGORITHMS = { HMAC: 'HMAC', PBKDF2: 'PBKDF2', HKDF: 'HKDF', 'AES-GCM': 'AES-GCM' };
var USAGES = {
  HMAC: ['sign', 'verify'], PBKDF2: ['deriveBits', 'deriveKey'], HKDF: ['deriveBits', 'deriveKey'],
  'AES-GCM': ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey']
};
var GCM_TAG_BITS = { 32: 1, 64: 1, 96: 1, 104: 1, 112: 1, 120: 1, 128: 1 };

function fail(name, message) {
  return new DOMException(message, name);
}

/* The bytes of a BufferSource (a copy, so later changes do not matter). */
function bufferSource(x, what) {
  if (!web.isBufferSource(x)) {
    throw new TypeError(what + ' is not of type \'(ArrayBuffer or ArrayBufferView)\'');
  }
  return web.copyBytes(x);
}

/* An algorithm identifier, a string or { name, ... }: its canonical name. */
function algorithmName(alg, table) {
  var name = typeof alg === 'string' ? alg : alg !== null && typeof alg === 'object' ? alg.name : undefined;
  if (typeof name !== 'string') throw new TypeError('Algorithm: name is required');
  var upper = name.toUpperCase();
  for (var k in table) if (k.toUpperCase() === upper) return k;
  throw fail('NotSupportedError', 'Unrecognized algorithm name: ' + name);
}

function hashName(hash) {
  if (hash === undefined) throw new TypeError('Algorithm: hash is required');
  return algorithmName(hash, HASHES);
}

/* ---- keys -------------------------------------------------------------------- */

var SECRET = {};

function CryptoKey(token) {
  if (token !== SECRET) throw new TypeError('Illegal constructor');
}
if (typeof Symbol === 'function' && Symbol.toStringTag) {
  Object.defineProperty(CryptoKey.prototype, Symbol.toStringTag, { value: 'CryptoKey', configurable: true });
}

/* The key's bytes are held by a closure that gives them only to this
 * module: app code cannot read a key that is not extractable. */
function makeKey(algorithm, bytes, extractable, usages) {
  var k = new CryptoKey(SECRET);
  Object.defineProperty(k, 'type', { value: 'secret', enumerable: true });
  Object.defineProperty(k, 'extractable', { value: !!extractable, enumerable: true });
  Object.defineProperty(k, 'algorithm', { value: Object.freeze(algorithm), enumerable: true });
  Object.defineProperty(k, 'usages', { value: Object.freeze(usages.slice()), enumerable: true });
  Object.defineProperty(k, '_bytes', { value: function (token) { return token === SECRET ? bytes : undefined; } });
  return k;
}

function keyBytes(key) {
  return key._bytes(SECRET);
}

/* Checks that KEY is a CryptoKey for ALG allowing USAGE. */
function checkKey(key, alg, usage) {
  if (!(key instanceof CryptoKey)) throw new TypeError("parameter is not of type 'CryptoKey'");
  if (key.algorithm.name !== alg) throw fail('InvalidAccessError', 'The key is for ' + key.algorithm.name + ', not ' + alg);
  if (key.usages.indexOf(usage) < 0) throw fail('InvalidAccessError', 'The key does not allow ' + usage);
}

function checkUsages(alg, usages, required) {
  if (!Array.isArray(usages)) throw new TypeError('keyUsages must be an array');
  usages.forEach(function (u) {
    if (USAGES[alg].indexOf(u) < 0) throw fail('SyntaxError', 'Cannot create a key for ' + alg + ' with usage ' + u);
  });
  if (required && usages.length === 0) throw fail('SyntaxError', 'Usages cannot be empty when creating a key.');
  return usages.filter(function (u, i) { return usages.indexOf(u) === i; });
}

function base64url(bytes) {
  return web.base64Encode(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(s) {
  var bytes = typeof s === 'string' && /^[A-Za-z0-9_-]*$/.test(s) ? web.base64Decode(s.replace(/-/g, '+').replace(/_/g, '/')) : null;
  if (bytes === null) throw fail('DataError', 'The JWK member "k" is not base64url');
  return bytes;
}

/* The bytes of a JWK of kty "oct", after its checks for ALG_NAME ("HS256"...). */
function jwkBytes(jwk, algName, extractable, usages) {
  if (jwk === null || typeof jwk !== 'object') throw new TypeError('keyData is not a JsonWebKey');
  if (jwk.kty !== 'oct') throw fail('DataError', 'The JWK "kty" member was not "oct"');
  var bytes = fromBase64url(jwk.k);
  if (jwk.alg !== undefined && jwk.alg !== algName) throw fail('DataError', 'The JWK "alg" member was not "' + algName + '"');
  if (usages.length > 0 && jwk.use !== undefined && jwk.use !== (algName.charAt(0) === 'H' ? 'sig' : 'enc')) {
    throw fail('DataError', 'The JWK "use" member does not allow these usages');
  }
  if (jwk.key_ops !== undefined) {
    usages.forEach(function (u) {
      if (jwk.key_ops.indexOf(u) < 0) throw fail('DataError', 'The JWK "key_ops" member does not include ' + u);
    });
  }
  if (jwk.ext === false && extractable) throw fail('DataError', 'The JWK "ext" member was false but the key is extractable');
  return bytes;
}

function aesJwkAlg(bytes) {
  return 'A' + bytes.length * 8 + 'GCM';
}

function importKeySync(format, keyData, algorithm, extractable, usages) {
  var alg = algorithmName(algorithm, ALGORITHMS), bytes, hash;
  usages = checkUsages(alg, usages, alg === 'HMAC' || alg === 'AES-GCM');
  if (format !== 'raw' && format !== 'jwk') throw fail('NotSupportedError', 'Unsupported key format: ' + format);
  if ((alg === 'PBKDF2' || alg === 'HKDF') && format !== 'raw') throw fail('NotSupportedError', alg + ' keys are imported raw');
  if ((alg === 'PBKDF2' || alg === 'HKDF') && extractable) throw fail('SyntaxError', alg + ' keys cannot be extractable');
  if (alg === 'HMAC') {
    hash = hashName(algorithm.hash);
    bytes = format === 'raw' ? bufferSource(keyData, 'keyData') : jwkBytes(keyData, JWK_HMAC[hash], extractable, usages);
    if (bytes.length === 0) throw fail('DataError', 'The key is empty');
    var length = bytes.length * 8;
    if (algorithm.length !== undefined) {
      if (algorithm.length > length || algorithm.length <= length - 8) throw fail('DataError', 'The key is not ' + algorithm.length + ' bits long');
      length = algorithm.length;
    }
    return makeKey({ name: 'HMAC', hash: { name: hash }, length: length }, bytes, extractable, usages);
  }
  if (alg === 'AES-GCM') {
    bytes = format === 'raw' ? bufferSource(keyData, 'keyData') : null;
    if (bytes === null) {
      bytes = fromBase64url(keyData && keyData.k);
      jwkBytes(keyData, aesJwkAlg(bytes), extractable, usages);
    }
    if (bytes.length !== 16 && bytes.length !== 24 && bytes.length !== 32) {
      throw fail('DataError', 'AES key data must be 128, 192 or 256 bits');
    }
    return makeKey({ name: 'AES-GCM', length: bytes.length * 8 }, bytes, extractable, usages);
  }
  return makeKey({ name: alg }, bufferSource(keyData, 'keyData'), false, usages);
}

function exportKeySync(format, key) {
  if (!(key instanceof CryptoKey)) throw new TypeError("parameter 2 is not of type 'CryptoKey'");
  if (!key.extractable) throw fail('InvalidAccessError', 'key is not extractable');
  var bytes = keyBytes(key), alg = key.algorithm.name;
  if (format === 'raw' && (alg === 'HMAC' || alg === 'AES-GCM')) return web.copyBytes(bytes).buffer;
  if (format === 'jwk' && (alg === 'HMAC' || alg === 'AES-GCM')) {
    return {
      kty: 'oct', k: base64url(bytes), alg: alg === 'HMAC' ? JWK_HMAC[key.algorithm.hash.name] : aesJwkAlg(bytes),
      key_ops: key.usages.slice(), ext: true
    };
  }
  throw fail('NotSupportedError', 'Cannot export a ' + alg + ' key as ' + format);
}

function generateKeySync(algorithm, extractable, usages) {
  var alg = algorithmName(algorithm, ALGORITHMS), bytes;
  usages = checkUsages(alg, usages, true);
  if (alg === 'HMAC') {
    var hash = hashName(algorithm.hash), bits = algorithm.length === undefined ? HASH_BLOCK_BITS[hash] : algorithm.length;
    if (!(bits > 0)) throw fail('OperationError', 'HMAC key length must be positive');
    bytes = new Uint8Array(Math.ceil(bits / 8));
    native.randomFill(bytes);
    return makeKey({ name: 'HMAC', hash: { name: hash }, length: bits }, bytes, extractable, usages);
  }
  if (alg === 'AES-GCM') {
    if (algorithm.length !== 128 && algorithm.length !== 192 && algorithm.length !== 256) {
      throw fail('OperationError', 'AES key length must be 128, 192 or 256 bits');
    }
    bytes = new Uint8Array(algorithm.length / 8);
    native.randomFill(bytes);
    return makeKey({ name: 'AES-GCM', length: algorithm.length }, bytes, extractable, usages);
  }
  throw fail('NotSupportedError', alg + ' keys cannot be generated');
}

/* ---- operations ------------------------------------------------------------------- */

function signSync(algorithm, key, data) {
  algorithmName(algorithm, { HMAC: 1 });
  checkKey(key, 'HMAC', 'sign');
  return native.hmac(key.algorithm.hash.name, keyBytes(key), bufferSource(data, 'data')).buffer;
}

function verifySync(algorithm, key, signature, data) {
  algorithmName(algorithm, { HMAC: 1 });
  checkKey(key, 'HMAC', 'verify');
  var mac = native.hmac(key.algorithm.hash.name, keyBytes(key), bufferSource(data, 'data'));
  return native.equal(mac, bufferSource(signature, 'signature'));
}

function deriveBitsSync(algorithm, key, length, usage) {
  var alg = algorithmName(algorithm, { PBKDF2: 1, HKDF: 1 });
  checkKey(key, alg, usage || 'deriveBits');
  if (length === null || length === undefined || length % 8 !== 0 || !(length >= 0)) {
    throw fail('OperationError', 'length must be a multiple of 8');
  }
  var hash = hashName(algorithm.hash), salt = bufferSource(algorithm.salt, 'salt');
  if (alg === 'PBKDF2') {
    if (!(algorithm.iterations > 0)) throw fail('OperationError', 'PBKDF2 iterations must be more than 0');
    return native.pbkdf2(hash, keyBytes(key), salt, algorithm.iterations, length / 8).buffer;
  }
  return native.hkdf(hash, keyBytes(key), salt, bufferSource(algorithm.info, 'info'), length / 8).buffer;
}

/* The length deriveKey asks for, from the algorithm of the key to make. */
function derivedKeyLength(algorithm) {
  var alg = algorithmName(algorithm, { HMAC: 1, 'AES-GCM': 1 });
  if (alg === 'AES-GCM') {
    if (algorithm.length !== 128 && algorithm.length !== 192 && algorithm.length !== 256) {
      throw fail('OperationError', 'AES key length must be 128, 192 or 256 bits');
    }
    return algorithm.length;
  }
  return algorithm.length === undefined ? HASH_BLOCK_BITS[hashName(algorithm.hash)] : algorithm.length;
}

function gcm(encrypt, algorithm, key, data) {
  algorithmName(algorithm, { 'AES-GCM': 1 });
  checkKey(key, 'AES-GCM', encrypt ? 'encrypt' : 'decrypt');
  var tagBits = algorithm.tagLength === undefined ? 128 : algorithm.tagLength;
  if (!GCM_TAG_BITS[tagBits]) throw fail('OperationError', 'tagLength ' + tagBits + ' is not one of 32, 64, 96, 104-128');
  var iv = bufferSource(algorithm.iv, 'iv');
  if (iv.length === 0) throw fail('OperationError', 'The iv is empty');
  var aad = algorithm.additionalData === undefined ? new Uint8Array(0) : bufferSource(algorithm.additionalData, 'additionalData');
  try {
    return native.aesGcm(encrypt, keyBytes(key), iv, bufferSource(data, 'data'), aad, tagBits / 8).buffer;
  } catch (e) {
    throw fail('OperationError', String(e.message).replace(/^OperationError: /, ''));
  }
}

/* subtle's methods: the work is done now, the result given as a promise. */
function promised(fn) {
  return function () {
    try {
      return Promise.resolve(fn.apply(null, arguments));
    } catch (e) {
      return Promise.reject(e);
    }
  };
}

function digestSync(algorithm, data) {
  return native.digest(algorithmName(algorithm, HASHES), bufferSource(data, 'data')).buffer;
}

function SubtleCrypto(token) {
  if (token !== SECRET) throw new TypeError('Illegal constructor');
}
var subtleMethods = {
  digest: promised(digestSync),
  importKey: promised(importKeySync),
  exportKey: promised(exportKeySync),
  generateKey: promised(generateKeySync),
  sign: promised(signSync),
  verify: promised(verifySync),
  deriveBits: promised(function (algorithm, key, length) { return deriveBitsSync(algorithm, key, length); }),
  deriveKey: promised(function (algorithm, key, derivedAlgorithm, extractable, usages) {
    var bits = deriveBitsSync(algorithm, key, derivedKeyLength(derivedAlgorithm), 'deriveKey');
    return importKeySync('raw', bits, derivedAlgorithm, extractable, usages);
  }),
  encrypt: promised(function (algorithm, key, data) { return gcm(true, algorithm, key, data); }),
  decrypt: promised(function (algorithm, key, data) { return gcm(false, algorithm, key, data); })
};
Object.keys(subtleMethods).forEach(function (name) {
  Object.defineProperty(SubtleCrypto.prototype, name, { value: subtleMethods[name], writable: true, configurable: true });
});

var INTEGER_ARRAYS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array];

function Crypto(token) {
  if (token !== SECRET) throw new TypeError('Illegal constructor');
  Object.defineProperty(this, 'subtle', { value: new SubtleCrypto(SECRET), enumerable: true });
}
Object.defineProperty(Crypto.prototype, 'getRandomValues', {
  writable: true, configurable: true,
  value: function getRandomValues(array) {
    var integer = false;
    for (var i = 0; i < INTEGER_ARRAYS.length; i++) if (array instanceof INTEGER_ARRAYS[i]) integer = true;
    if (!integer) throw fail('TypeMismatchError', 'The provided ArrayBufferView is not an integer array type');
    if (array.byteLength > 65536) {
      throw fail('QuotaExceededError', "The ArrayBufferView's byte length (" + array.byteLength + ') exceeds the number of bytes of entropy available via this API (65536).');
    }
    native.randomFill(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return array;
  }
});
Object.defineProperty(Crypto.prototype, 'randomUUID', {
  writable: true, configurable: true,
  value: function randomUUID() {
    var b = new Uint8Array(16);
    native.randomFill(b);
    b[6] = b[6] & 0x0f | 0x40; /* version 4 */
    b[8] = b[8] & 0x3f | 0x80; /* variant 10 */
    var h = '';
    for (var i = 0; i < 16; i++) {
      h += (b[i] < 16 ? '0' : '') + b[i].toString(16);
      if (i === 3 || i === 5 || i === 7 || i === 9) h += '-';
    }
    return h;
  }
});

exports.crypto = new Crypto(SECRET);
exports.Crypto = Crypto;
exports.CryptoKey = CryptoKey;
exports.SubtleCrypto = SubtleCrypto;
/* For jsfpm/cookies: HMAC without a promise. */
exports.hmacSync = function (hash, keyBytes, data) {
  return native.hmac(hash, keyBytes, typeof data === 'string' ? encoder.encode(data) : data);
};
