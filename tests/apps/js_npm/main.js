// The npm app of tests/integration/js/js_npm.sh: /NAME runs the package NAME
// (lib/exercise.js), /uuid4 a random UUID.
import Router from 'jsfpm/router';
import { v4, parse } from 'uuid';
import { packages } from './lib/exercise.js';

// uuid needs crypto.getRandomValues, which jsfpm does not have (yet): a
// stand-in for this test, good for checking the format, not for secrets.
globalThis.crypto ??= {
  getRandomValues(bytes) {
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    return bytes;
  }
};

const app = new Router();
app.get('/uuid4', () => new Response(v4() + '\n'));
// An error thrown inside a package: its stack names the package's own file.
app.get('/bad-uuid', () => new Response(String(parse('not-a-uuid'))));
app.get('/:name', (req) => {
  const run = packages[req.params.name];
  return run ? new Response(run().join('\n') + '\n') : new Response('no such package\n', { status: 404 });
});
export default app;
