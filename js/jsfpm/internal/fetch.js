/*
 * jsfpm/internal/fetch: the global fetch(input, init) for outgoing HTTP, on
 * libcurl (workers/js_fetch.c).
 *
 * A call checks its host against [app] fetch_allow and starts a transfer;
 * the transfers progress while the request's job queue has nothing else to
 * do (a poll source of jsfpm/internal/async: the worker waits in
 * curl_multi_poll, at most until the next timer or the request's
 * deadline), so a handler can run several at once and still meets its
 * time limit.  Redirects are followed here (up to 20, each new host
 * checked against the list).  Whatever is still in flight when the
 * response is sent is aborted.
 */
'use strict';

var async = require('jsfpm/internal/async');
var web = require('jsfpm/internal/web');
var URL = require('jsfpm/internal/url').URL;

var DOMException = web.DOMException;
var R = null; /* runtime.js's Request, Response and Headers (setup) */
var pending = Object.create(null); /* transfer id -> { d, request, redirects } */
var MAX_REDIRECTS = 20;

function setup(runtime) {
  R = runtime;
}

function poll(maxMs) {
  var done = native.fetchPoll(maxMs === Infinity ? 3600000 : maxMs);
  for (var i = 0; i < done.length; i++) {
    var c = done[i], p = pending[c[0]];
    if (p === undefined) continue;
    delete pending[c[0]];
    if (c[4] !== undefined) {
      p.d.reject(transferError(c[4], p.request.url));
    } else {
      respond(p, c[1], c[2], c[3]);
    }
  }
  return native.fetchPending() > 0;
}

function transferError(message, url) {
  /* The request's own time is up: it ends with 504, as JavaScript running
   * that long would (the handler does not get to run past its deadline). */
  if (message.indexOf('DeadlineError: ') === 0) native.timedOut(message.slice(15) + ': ' + url);
  if (message.indexOf('TimeoutError: ') === 0) {
    return new DOMException('fetch ' + url + ': ' + message.slice(14), 'TimeoutError');
  }
  var e = new TypeError('fetch failed: ' + url + ': ' + message);
  e.cause = new Error(message);
  return e;
}

function start(request, d, redirects) {
  var signal = request.signal;
  if (signal.aborted) {
    d.reject(signal.reason);
    return;
  }
  var headers = request.headers;
  if (!headers.has('accept')) headers.set('Accept', '*/*');
  if (!headers.has('user-agent')) headers.set('User-Agent', 'jsfpm');
  var body = request._bodyBytes();
  var id = native.fetchStart(request.method, request.url, headers._flat(), body, signal._timeoutMs || 0);
  if (!async.hasSource(poll)) {
    pending = Object.create(null); /* anything left from an earlier request was aborted with it */
    async.addSource(poll);
  }
  pending[id] = { d: d, request: request, redirects: redirects };
  signal.addEventListener('abort', function () {
    if (pending[id] === undefined) return;
    delete pending[id];
    native.fetchAbort(id);
    d.reject(signal.reason);
  });
}

var REDIRECT = { 301: 1, 302: 1, 303: 1, 307: 1, 308: 1 };

function respond(p, status, flat, bytes) {
  var request = p.request, headers = new R.Headers();
  for (var i = 0; i < flat.length; i += 2) headers.append(flat[i], flat[i + 1]);
  var location = headers.get('location');
  if (REDIRECT[status] === 1 && location !== null && request.redirect !== 'manual') {
    if (request.redirect === 'error') {
      p.d.reject(new TypeError('fetch failed: ' + request.url + ' redirects (' + status + ') and redirect is "error"'));
      return;
    }
    if (p.redirects >= MAX_REDIRECTS) {
      p.d.reject(new TypeError('fetch failed: more than ' + MAX_REDIRECTS + ' redirects from ' + request.url));
      return;
    }
    try {
      start(redirected(request, status, location), p.d, p.redirects + 1);
    } catch (e) {
      p.d.reject(e);
    }
    return;
  }
  p.d.resolve(R.Response._fromNetwork(status, headers, bytes, request.url, p.redirects > 0));
}

/* The request a redirect asks for (the Fetch standard's HTTP-redirect fetch). */
function redirected(request, status, location) {
  var next = new URL(location, request.url);
  var init = { method: request.method, headers: new R.Headers(request.headers), redirect: request.redirect,
               signal: request.signal };
  var body = request._bodyBytes();
  if ((status === 303 && request.method !== 'GET' && request.method !== 'HEAD') ||
      ((status === 301 || status === 302) && request.method === 'POST')) {
    init.method = 'GET';
    body = null;
    ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'].forEach(function (h) {
      init.headers['delete'](h);
    });
  }
  if (next.origin !== new URL(request.url).origin) init.headers['delete']('authorization');
  if (body !== null) init.body = body;
  return new R.Request(next.href, init);
}

function fetch(input, init) {
  var d = async.defer();
  try {
    start(new R.Request(input, init), d, 0);
  } catch (e) {
    d.reject(e);
  }
  return d.promise;
}

exports.fetch = fetch;
exports.setup = setup;
