/* The ReadableStream and jsfpm/hash checks of tests/integration/js/js_web.sh:
 * streams from an underlying source (start, pull with and without a
 * promise, cancel, error), readers and locking, values(), a Request body
 * read as a stream, and incremental hashing.  ES5 with promises, like
 * crypto.js.  Returns a promise of { checked, failures }. */
'use strict';

var createHash = require('jsfpm/hash').createHash;
var checks = require('./check.js').checks;
/* An ES5 app has no Promise global: the runtime's, from a promise it gives. */
var Promise = new ReadableStream().getReader().read().constructor;

function run() {
  var check = checks(), expect = check.expect, throws = check.throws;
  /* Every chunk of READER, as a promise of an array. */
  function readAll(reader, out) {
    out = out || [];
    return reader.read().then(function (r) {
      if (r.done) return out;
      out.push(r.value);
      return readAll(reader, out);
    });
  }

  /* jsfpm/hash */
  var h = createHash('sha256');
  expect('sha256 in pieces', h.update('a').update(new TextEncoder().encode('bc')).digest('hex'),
         'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  throws('digest twice', 'TypeError', function () { h.digest(); });
  throws('update after digest', 'TypeError', function () { h.update('x'); });
  expect('sha1 base64', createHash('SHA-1').update('abc').digest('base64'), 'qZk+NkcGgWq6PiVxeFDCbJzQ2J0=');
  expect('sha512 bytes', createHash('sha512').update(new ArrayBuffer(0)).digest().length, 64);
  throws('unknown algorithm', 'TypeError', function () { createHash('md5'); });
  throws('update with a number', 'TypeError', function () { createHash('sha256').update(42); });

  /* A stream: start enqueues, pull answers with a promise, then closes. */
  var pulls = 0;
  var s1 = new ReadableStream({
    start: function (c) { c.enqueue('a'); },
    pull: function (c) {
      pulls++;
      return Promise.resolve().then(function () {
        if (pulls < 3) c.enqueue(pulls === 1 ? 'b' : 'c');
        else c.close();
      });
    }
  });
  expect('not locked', s1.locked, false);
  var r1 = s1.getReader();
  expect('locked', s1.locked, true);
  throws('a second reader', 'TypeError', function () { s1.getReader(); });
  throws('enqueue needs a stream', 'TypeError', function () { new ReadableStream(42); });

  var steps = readAll(r1).then(function (chunks) {
    expect('chunks in order', chunks.join(''), 'abc');
    r1.releaseLock();
    expect('released', s1.locked, false);
    return r1.read().then(function () { expect('read after release', 'resolved', 'rejected'); },
                          function (e) { expect('read after release', e.name, 'TypeError'); });
  });

  /* cancel reaches the source; a cancelled stream reads as done. */
  var reason = null;
  var s2 = new ReadableStream({ pull: function (c) { c.enqueue('x'); }, cancel: function (why) { reason = why; } });
  steps = steps.then(function () {
    return s2.cancel('enough');
  }).then(function () {
    expect('cancel reason', reason, 'enough');
    return s2.getReader().read();
  }).then(function (r) { expect('cancelled stream is done', r.done, true); });

  /* error() rejects the reads. */
  var boom = new Error('boom');
  var s3 = new ReadableStream({ start: function (c) { c.error(boom); } });
  steps = steps.then(function () {
    return s3.getReader().read().then(function () { return 'resolved'; }, function (e) { return e; });
  }).then(function (e) { expect('errored stream', e, boom); });

  /* A pull that enqueues a few jobs later: the read waits for it. */
  var s4 = new ReadableStream({
    pull: function (c) {
      return new Promise(function (resolve) { resolve(); }).then(function () {}).then(function () {
        c.enqueue('late');
        c.close();
      });
    }
  });
  steps = steps.then(function () { return readAll(s4.getReader()); }).then(function (chunks) {
    expect('a late chunk', chunks.join(), 'late');
  });

  /* values(), as for await uses it; enqueue after close throws. */
  var ctl;
  var s5 = new ReadableStream({ start: function (c) { ctl = c; c.enqueue(1); c.enqueue(2); c.close(); } });
  throws('enqueue after close', 'TypeError', function () { ctl.enqueue(3); });
  var it = s5.values(), seen = [];
  function next() {
    return it.next().then(function (r) {
      if (r.done) return seen;
      seen.push(r.value);
      return next();
    });
  }
  steps = steps.then(next).then(function (v) { expect('values()', v.join(), '1,2'); });

  /* A Request's body as a stream, then bodyUsed and text(). */
  var req = new Request('http://x/', { method: 'POST', body: 'hello stream' });
  expect('GET has no body stream', new Request('http://x/').body, null);
  expect('the same stream each time', req.body === req.body, true);
  steps = steps.then(function () { return readAll(req.body.getReader()); }).then(function (chunks) {
    expect('body chunks are bytes', chunks[0] instanceof Uint8Array, true);
    expect('body text', new TextDecoder().decode(chunks[0]), 'hello stream');
    expect('bodyUsed after reading the stream', req.bodyUsed, true);
    throws('text() after the stream', 'TypeError', function () { req.text(); });
  });

  return steps.then(check.result, function (e) {
    check.fail('unexpected rejection: ' + (e && e.stack || e));
    return check.result();
  });
}

exports.run = run;
