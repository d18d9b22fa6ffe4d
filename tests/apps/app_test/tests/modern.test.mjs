import { test, assert, request } from 'jsfpm/test';
import app from '../main.js';
test('a fresh database per file', async () => {
  const res = request(app, '/notes');
  assert.deepEqual(await res.json(), []);
});
