// The modern-syntax app of tests/integration/js/js_modern.sh: every route's
// answer was printed by Node.js 20 for the same code (the test holds the
// expected strings; it does not need Node).
import Router from 'jsfpm/router';
import { syntax } from './lib/syntax.js';
import { builtins } from './lib/builtins.mjs';
import { asyncRun } from './lib/async.js';
import { modules } from './lib/modules.js';

const app = new Router();
// Run once: the classes count their instances, and module state persists
// across the requests a worker serves.
const syntaxLines = syntax();
app.get('/syntax', () => new Response(syntaxLines.join('\n') + '\n'));
app.get('/builtins', () => new Response(builtins().join('\n') + '\n'));
app.get('/async', async () => new Response((await asyncRun()).join('\n') + '\n'));
app.get('/modules', async () => new Response((await modules()).join('\n') + '\n'));
app.get('/throws', async () => {
  await null;
  // The stack must name this file and line: the log and dev = yes show it.
  throw new RangeError('thrown from an async handler'); // LINE:throws
});
app.get('/const', () => {
  const fixed = 1;
  const reassign = () => { fixed = 2; }; // LINE:const
  try {
    reassign();
    return new Response('no error\n');
  } catch (e) {
    return new Response(`${e.name}: ${e.message}\n`);
  }
});
export default app;
