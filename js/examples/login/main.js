/*
 * Sign-up and login: argon2id password hashes (jsfpm/password), a session
 * id in a signed cookie (jsfpm/cookies, the secret from [env]
 * SESSION_SECRET), a CSRF token on every form, and form POSTs answered
 * with a redirect (303 See Other), so a reload never posts twice.
 * README.md says how to run it.
 */
import Router from 'jsfpm/router';
import { get, execute } from 'jsfpm/db';
import password from 'jsfpm/password';
import cookies from 'jsfpm/cookies';

const SESSION_COOKIE = 'sid';
const CSRF_COOKIE = 'csrf';
const SESSION_MS = 7 * 24 * 3600 * 1000;
const app = new Router();

/* ---- helpers ------------------------------------------------------------ */

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function randomToken() {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/* Cookies are sent over HTTPS only when the site is served over HTTPS. */
const cookieOptions = (req, extra = {}) =>
  ({ path: '/', httpOnly: true, sameSite: 'Lax', secure: new URL(req.url).protocol === 'https:', ...extra });

function secret(ctx) {
  const s = ctx.env.SESSION_SECRET;
  if (!s || s.length < 32) throw new Error('set [env] SESSION_SECRET to 32 or more random characters');
  return s;
}

/* The CSRF token: random per browser, kept in a signed cookie and echoed
 * by every form (the "double submit" pattern); a POST whose field does not
 * match the cookie is refused. */
function csrfToken(req, ctx, res) {
  let token = cookies.getSigned(req, CSRF_COOKIE, secret(ctx));
  if (token === null) {
    token = randomToken();
    cookies.setSigned(res.headers, CSRF_COOKIE, token, secret(ctx), cookieOptions(req));
  }
  return token;
}

function checkCsrf(req, ctx, form) {
  const want = cookies.getSigned(req, CSRF_COOKIE, secret(ctx));
  const got = form.get('_csrf');
  if (want === null || typeof got !== 'string' || got !== want) {
    const e = new Error('the form is stale or was not sent by this site: reload it and try again');
    e.status = 403;
    e.expose = true;
    throw e;
  }
}

function currentUser(req, ctx) {
  const sid = cookies.getSigned(req, SESSION_COOKIE, secret(ctx));
  if (sid === null) return null;
  return get(`SELECT u.id, u.email FROM sessions s JOIN users u ON u.id = s.user_id
              WHERE s.id = ? AND s.expires_ms > ?`, [sid, Date.now()]);
}

function startSession(req, ctx, res, userId) {
  const sid = randomToken();
  execute('INSERT INTO sessions (id, user_id, expires_ms) VALUES (?, ?, ?)', [sid, userId, Date.now() + SESSION_MS]);
  cookies.setSigned(res.headers, SESSION_COOKIE, sid, secret(ctx), cookieOptions(req, { maxAge: SESSION_MS / 1000 }));
}

function page(req, ctx, title, body, { status = 200 } = {}) {
  const res = new Response(null, { status, headers: { 'Content-Type': 'text/html;charset=UTF-8' } });
  const csrf = csrfToken(req, ctx, res);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin:.5rem 0}input{display:block;width:100%;padding:.4rem}.error{color:#b00}</style></head>
<body><h1>${escapeHtml(title)}</h1>
${body.replace(/%CSRF%/g, `<input type="hidden" name="_csrf" value="${escapeHtml(csrf)}">`)}
</body></html>`;
  return new Response(html, { status, headers: res.headers });
}

const seeOther = (location, res = new Response(null)) => {
  const r = new Response(null, { status: 303, headers: res.headers });
  r.headers.set('Location', location);
  return r;
};

const credentialsForm = (action, button, email = '', error = '') => `
${error ? `<p class="error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${action}">%CSRF%
<label>Email <input type="email" name="email" value="${escapeHtml(email)}" required autofocus></label>
<label>Password <input type="password" name="password" required minlength="8"></label>
<button>${button}</button></form>`;

/* Verifying against this when the email is unknown takes as long as a real
 * check, so the response time does not tell which emails have accounts. */
let dummyHash = null;

/* ---- routes ------------------------------------------------------------- */

app.get('/', (req, ctx) => {
  const user = currentUser(req, ctx);
  if (user === null) {
    return page(req, ctx, 'Welcome', '<p><a href="/signup">Sign up</a> or <a href="/login">log in</a>.</p>');
  }
  return page(req, ctx, `Hello, ${user.email}`, `<p>You are logged in.</p>
<form method="post" action="/logout">%CSRF%<button>Log out</button></form>`);
});

app.get('/signup', (req, ctx) => page(req, ctx, 'Sign up', credentialsForm('/signup', 'Create account')));

app.post('/signup', (req, ctx) => {
  const form = req.formData();
  checkCsrf(req, ctx, form);
  const email = String(form.get('email') ?? '').trim();
  const pw = String(form.get('password') ?? '');
  let error = '';
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) error = 'Enter an email address.';
  else if (pw.length < 8) error = 'Choose a password of 8 characters or more.';
  else if (get('SELECT 1 AS taken FROM users WHERE email = ?', [email])) error = 'That email already has an account: log in instead.';
  if (error) return page(req, ctx, 'Sign up', credentialsForm('/signup', 'Create account', email, error), { status: 422 });
  const { lastInsertRowid } = execute('INSERT INTO users (email, password_hash) VALUES (?, ?)', [email, password.hash(pw)]);
  const res = new Response(null);
  startSession(req, ctx, res, lastInsertRowid);
  return seeOther('/', res);
});

app.get('/login', (req, ctx) => page(req, ctx, 'Log in', credentialsForm('/login', 'Log in')));

app.post('/login', (req, ctx) => {
  const form = req.formData();
  checkCsrf(req, ctx, form);
  const email = String(form.get('email') ?? '').trim();
  const pw = String(form.get('password') ?? '');
  const user = get('SELECT id, password_hash FROM users WHERE email = ?', [email]);
  dummyHash ??= password.hash('not a password anyone has');
  const ok = password.verify(pw, user?.password_hash ?? dummyHash) && user !== null;
  if (!ok) return page(req, ctx, 'Log in', credentialsForm('/login', 'Log in', email, 'Wrong email or password.'), { status: 401 });
  /* Hashes made with older [app] password_* settings are brought up to date. */
  if (password.needsRehash(user.password_hash)) {
    execute('UPDATE users SET password_hash = ? WHERE id = ?', [password.hash(pw), user.id]);
  }
  const res = new Response(null);
  startSession(req, ctx, res, user.id);
  return seeOther('/', res);
});

app.post('/logout', (req, ctx) => {
  const form = req.formData();
  checkCsrf(req, ctx, form);
  const sid = cookies.getSigned(req, SESSION_COOKIE, secret(ctx));
  if (sid !== null) execute('DELETE FROM sessions WHERE id = ?', [sid]);
  const res = new Response(null);
  cookies.remove(res.headers, SESSION_COOKIE, { path: '/' });
  return seeOther('/', res);
});

export default app;
