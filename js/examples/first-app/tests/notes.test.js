import { test, assert, request } from 'jsfpm/test';
import app from '../main.js';

test('a new note shows on the page', () => {
  const posted = request(app, '/notes', {
    method: 'POST',
    body: new URLSearchParams({ body: 'buy <milk>' }),
  });
  assert.equal(posted.status, 303);
  const page = request(app, '/').text();
  assert.match(page, /<li>buy &#60;milk&#62;<\/li>/);
});

test('an empty note is refused', () => {
  const res = request(app, '/notes', { method: 'POST', body: new URLSearchParams({ body: ' ' }) });
  assert.equal(res.status, 400);
});

test('the JSON API lists the notes', () => {
  request(app, '/notes', { method: 'POST', body: new URLSearchParams({ body: 'two' }) });
  assert.deepEqual(request(app, '/api/notes').json().map((n) => n.body), ['buy <milk>', 'two']);
});
