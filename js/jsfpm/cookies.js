/*
 * jsfpm/cookies: reading the request's cookies, writing Set-Cookie, and
 * signed cookies (HMAC-SHA256 with a secret the app keeps in [env]).
 *
 *   var cookies = require('jsfpm/cookies');
 *   cookies.get(request, 'theme');                          // "dark" or null
 *   cookies.set(res.headers, 'theme', 'dark', { maxAge: 86400, sameSite: 'Lax' });
 *   cookies.setSigned(res.headers, 'sid', id, ctx.env.SESSION_SECRET, { httpOnly: true, secure: true });
 *   cookies.getSigned(request, 'sid', ctx.env.SESSION_SECRET);   // id, or null if absent or tampered
 *
 * A signed value is "value.signature", the signature the base64url HMAC of
 * the cookie's name and value; it is checked in constant time.  A secret
 * may be an array: the first signs, each verifies (for rotating secrets).
 */
'use strict';

var crypto = require('jsfpm/internal/crypto');
var web = require('jsfpm/internal/web');

var encoder = new TextEncoder();
var TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/* What a cookie value may hold unencoded (RFC 6265 cookie-octet). */
var COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;
var ATTRIBUTE_VALUE = /^[^\x00-\x1F\x7F;]*$/;
var SAME_SITE = { strict: 'Strict', lax: 'Lax', none: 'None' };

function decode(v) {
  if (v.indexOf('%') < 0) return v;
  try {
    return decodeURIComponent(v);
  } catch (e) {
    return v;
  }
}

/* Parses a Cookie header ("a=1; b=2") into { name: value }; the first of
 * two cookies with one name wins (the more specific path, as browsers send
 * them).  Values are percent-decoded and lose surrounding double quotes. */
function parse(header) {
  var out = Object.create(null);
  if (typeof header !== 'string' || header === '') return out;
  var pairs = header.split(';');
  for (var i = 0; i < pairs.length; i++) {
    var p = pairs[i], eq = p.indexOf('=');
    if (eq < 0) continue;
    var name = p.slice(0, eq).trim();
    if (name === '' || name in out) continue;
    var value = p.slice(eq + 1).trim();
    if (value.length >= 2 && value.charAt(0) === '"' && value.charAt(value.length - 1) === '"') value = value.slice(1, -1);
    out[name] = decode(value);
  }
  return out;
}

function all(request) {
  return parse(request.headers.get('cookie'));
}

function get(request, name) {
  var c = all(request)[name];
  return c === undefined ? null : c;
}

var DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad2(n) {
  return (n < 10 ? '0' : '') + n;
}

/* "Tue, 01 Jan 2030 00:00:00 GMT" (RFC 9110 IMF-fixdate; Duktape's
 * toUTCString has another form). */
function httpDate(d) {
  return DAYS[d.getUTCDay()] + ', ' + pad2(d.getUTCDate()) + ' ' + MONTHS[d.getUTCMonth()] + ' ' + d.getUTCFullYear() +
    ' ' + pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes()) + ':' + pad2(d.getUTCSeconds()) + ' GMT';
}

function checkAttribute(what, v) {
  v = String(v);
  if (!ATTRIBUTE_VALUE.test(v)) throw new TypeError('cookie ' + what + ' must not contain ";" or control characters: ' + JSON.stringify(v));
  return v;
}

/* "name=value; Max-Age=...; ..." with every attribute browsers know. */
function serialize(name, value, options) {
  options = options || {};
  name = String(name);
  if (!TOKEN.test(name)) throw new TypeError('cookie name must be an HTTP token: ' + JSON.stringify(name));
  value = value === undefined || value === null ? '' : String(value);
  var encoded = options.encode === false ? value : typeof options.encode === 'function' ? options.encode(value) : encodeURIComponent(value);
  if (!COOKIE_VALUE.test(encoded)) throw new TypeError('cookie value has characters a cookie cannot hold: ' + JSON.stringify(encoded));
  var out = name + '=' + encoded;
  if (options.maxAge !== undefined) {
    var maxAge = Number(options.maxAge);
    if (!isFinite(maxAge)) throw new TypeError('cookie maxAge must be a number of seconds');
    out += '; Max-Age=' + Math.floor(maxAge);
  }
  if (options.expires !== undefined) {
    var expires = options.expires instanceof Date ? options.expires : new Date(options.expires);
    if (isNaN(expires.getTime())) throw new TypeError('cookie expires is not a valid date');
    out += '; Expires=' + httpDate(expires);
  }
  if (options.domain !== undefined) out += '; Domain=' + checkAttribute('domain', options.domain);
  if (options.path !== undefined) out += '; Path=' + checkAttribute('path', options.path);
  if (options.secure) out += '; Secure';
  if (options.httpOnly) out += '; HttpOnly';
  if (options.sameSite !== undefined && options.sameSite !== false) {
    var s = options.sameSite === true ? 'Strict' : SAME_SITE[String(options.sameSite).toLowerCase()];
    if (s === undefined) throw new TypeError('cookie sameSite must be "Strict", "Lax" or "None"');
    out += '; SameSite=' + s;
  }
  if (options.partitioned) out += '; Partitioned';
  if (options.priority !== undefined) out += '; Priority=' + checkAttribute('priority', options.priority);
  return out;
}

function set(headers, name, value, options) {
  headers.append('Set-Cookie', serialize(name, value, options));
}

/* Tells the browser to drop NAME (the same path and domain as when set). */
function remove(headers, name, options) {
  var o = {};
  options = options || {};
  for (var k in options) if (Object.prototype.hasOwnProperty.call(options, k)) o[k] = options[k];
  o.maxAge = 0;
  o.expires = new Date(0);
  set(headers, name, '', o);
}

function secrets(secret) {
  var list = Array.isArray(secret) ? secret : [secret];
  if (list.length === 0) throw new TypeError('a cookie secret is required (from [env], say ctx.env.SESSION_SECRET)');
  return list.map(function (s) {
    if (typeof s !== 'string' || s === '') {
      throw new TypeError('a cookie secret must be a non-empty string (from [env], say ctx.env.SESSION_SECRET)');
    }
    return encoder.encode(s);
  });
}

function signature(key, name, value) {
  var mac = crypto.hmacSync('SHA-256', key, name + '=' + value);
  return web.base64Encode(mac).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/* "value.signature" for cookie NAME. */
function sign(name, value, secret) {
  value = String(value);
  return value + '.' + signature(secrets(secret)[0], String(name), value);
}

/* The value of a signed cookie NAME, or null when the signature does not match. */
function unsign(name, signed, secret) {
  if (typeof signed !== 'string') return null;
  var dot = signed.lastIndexOf('.');
  if (dot < 0) return null;
  var value = signed.slice(0, dot), given = encoder.encode(signed.slice(dot + 1)), keys = secrets(secret);
  for (var i = 0; i < keys.length; i++) {
    if (native.equal(encoder.encode(signature(keys[i], String(name), value)), given)) return value;
  }
  return null;
}

function getSigned(request, name, secret) {
  return unsign(name, get(request, name), secret);
}

function setSigned(headers, name, value, secret, options) {
  set(headers, name, sign(name, value, secret), options);
}

exports.parse = parse;
exports.all = all;
exports.get = get;
exports.serialize = serialize;
exports.set = set;
exports.remove = remove;
exports.sign = sign;
exports.unsign = unsign;
exports.getSigned = getSigned;
exports.setSigned = setSigned;
