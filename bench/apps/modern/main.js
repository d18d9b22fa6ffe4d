// bench/modern.sh's app: /hello and /read of bench/app/main.js written as a
// Node.js developer would today (ES module, arrow functions, async
// handlers), compiled to ES5 by jsfpm at load.  /read-await awaits the
// (synchronous) query, as code written for an async database API would.
import Router from 'jsfpm/router';
import db from 'jsfpm/db';

const app = new Router();
const randomId = () => 1 + Math.floor(Math.random() * 10000);
const readUser = () => db.get('SELECT id, name, email FROM users WHERE id = ?', [randomId()]);

app.all('/hello', async () => new Response('Hello, world\n', { headers: { 'Content-Type': 'text/plain' } }));
app.all('/read', async () => Response.json(readUser()));
app.all('/read-await', async () => Response.json(await readUser()));

export default app;
