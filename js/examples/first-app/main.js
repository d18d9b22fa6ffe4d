import Router from 'jsfpm/router';
import db from 'jsfpm/db';
import page from './views/notes.html';

const app = new Router();

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

app.get('/', () => {
  const notes = db.query('SELECT id, body FROM notes ORDER BY id DESC');
  const items = notes.map((n) => `<li>${escape(n.body)}</li>`).join('');
  return new Response(page.replace('{{notes}}', items), {
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
  });
});

app.post('/notes', (req) => {
  const body = String(req.formData().get('body') || '').trim();
  if (body === '') return new Response('a note needs some text\n', { status: 400 });
  db.execute('INSERT INTO notes (body) VALUES (?)', [body]);
  return Response.redirect(new URL('/', req.url).href, 303);
});

app.get('/api/notes', () => Response.json(db.query('SELECT id, body FROM notes ORDER BY id')));

export default app;
