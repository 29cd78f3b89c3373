// Identity over HTTP: registration with e-mail verification through a real SMTP
// server, password rules, login/logout and the session cookie, the user's own
// sessions, password change.
import { describe, before, after, test, assert, expectStatus, expectProblem, expectInvalidField } from './lib/harness.mjs';
import { startServer, strongPassword } from './lib/server.mjs';
import { tokenFrom } from './lib/smtp.mjs';

const USER_FIELDS = ['id', 'email', 'display_name', 'locale', 'time_zone', 'status', 'email_verified', 'platform_role', 'must_change_password'];

describe('identity', () => {
  let server;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.stopCleanly();
  });

  test('register -> verification mail through SMTP -> verify-email; the token is single-use', async () => {
    const email = server.newEmail('verify');
    const password = strongPassword();
    const anon = server.client();
    const reg = await anon.post('/api/v1/auth/register', { email, password, display_name: 'Ada', locale: 'fr', time_zone: 'Europe/Paris' });
    expectStatus(reg, 201);
    const u = reg.json.user;
    for (const f of USER_FIELDS) assert.ok(f in u, `user.${f} in ${reg.text}`);
    assert.equal(u.email, email);
    assert.equal(u.email_verified, false);
    assert.equal(u.locale, 'fr');
    assert.equal(u.time_zone, 'Europe/Paris');
    assert.ok(!Object.keys(u).some((k) => /hash|secret|^password$/i.test(k)), 'no password or hash field in the user');

    const mail = await server.mail.next(email, { match: /verif|confirm/i });
    const token = tokenFrom(mail);
    assert.ok(token.length >= 22, 'verification token carries >= 128 bits');
    assert.ok(mail.text.includes(server.base), 'the link points to the public URL');
    expectStatus(await anon.post('/api/v1/auth/verify-email', { token }), [200, 204]);
    const again = await anon.post('/api/v1/auth/verify-email', { token });
    assert.ok(again.status >= 400 && again.status < 500 && again.isProblem, `second use: ${again.describe()}`);
    const bogus = await anon.post('/api/v1/auth/verify-email', { token: 'A'.repeat(43) });
    assert.ok(bogus.status >= 400 && bogus.status < 500, bogus.describe());

    const c = server.client();
    expectStatus(await c.login(email, password), 200);
    const me = await c.get('/api/v1/me');
    expectStatus(me, 200);
    assert.equal(me.json.email_verified, true);
    assert.equal(me.json.id, u.id);
  });

  test('verify-email/resend sends a new mail whose token works', async () => {
    const u = await server.createUser({ verify: false });
    await server.mail.next(u.email, { match: /verif|confirm/i }); // the first one
    expectStatus(await u.client.post('/api/v1/auth/verify-email/resend'), [202, 204]);
    const mail = await server.mail.next(u.email, { match: /verif|confirm/i });
    expectStatus(await server.client().post('/api/v1/auth/verify-email', { token: tokenFrom(mail) }), [200, 204]);
    assert.equal((await u.client.get('/api/v1/me')).json.email_verified, true);
  });

  test('e-mail is unique case-insensitively -> 409', async () => {
    const u = await server.createUser();
    const res = await server.client().post('/api/v1/auth/register', {
      email: u.email.toUpperCase(),
      password: strongPassword(),
      display_name: 'Twin',
    });
    expectProblem(res, 409, 'urn:trivium:problem:conflict');
    // And login accepts any case of the address.
    expectStatus(await server.client().login(u.email.toUpperCase(), u.password), 200);
  });

  test('AUTH-03: 64- and 128-character passwords work, no truncation or case folding; 129 refused; 7 refused', async () => {
    for (const len of [64, 128]) {
      const password = `Aa1-${'x'.repeat(len - 8)}${String(len).padStart(4, 'z')}`.slice(0, len);
      assert.equal(password.length, len);
      const u = await server.createUser({ password });
      expectStatus(await server.client().login(u.email, password), 200);
      expectStatus(await server.client().login(u.email, password.slice(0, -1)), 401);
      expectStatus(await server.client().login(u.email, `${password.slice(0, -1)}Q`), 401);
      expectStatus(await server.client().login(u.email, password.toUpperCase()), 401);
    }
    const c = server.client();
    expectInvalidField(await c.post('/api/v1/auth/register', { email: server.newEmail(), password: `Aa1-${'y'.repeat(125)}`, display_name: 'L' }), 'password');
    expectInvalidField(await c.post('/api/v1/auth/register', { email: server.newEmail(), password: 'Ab1-xyz', display_name: 'S' }), 'password');
    // Unicode passwords and spaces are fine (no composition rules).
    const uni = 'pässwörd ünïcødé 😀 phrase';
    const u = await server.createUser({ password: uni });
    expectStatus(await server.client().login(u.email, uni), 200);
  });

  test('AUTH-04: common passwords are refused with a field error', async () => {
    const c = server.client();
    for (const password of ['password', '12345678', 'iloveyou', 'qwertyuiop', 'Password1']) {
      const res = await c.post('/api/v1/auth/register', { email: server.newEmail(), password, display_name: 'Common' });
      expectInvalidField(res, 'password');
    }
  });

  test('SESS-09 / SESS-01 / SESS-10: login sets an HttpOnly SameSite=Lax Path=/ session cookie with >= 128 bits, never in the body', async () => {
    const u = await server.createUser({ login: false });
    const c = server.client();
    const res = await c.login(u.email, u.password);
    expectStatus(res, 200);
    assert.ok(res.json.user && res.json.session && typeof res.json.csrf_token === 'string', res.text);
    assert.equal(res.json.user.email, u.email);
    const cookie = res.setCookies.find((x) => /trivium_session$/.test(x.name));
    assert.ok(cookie, `session cookie in ${JSON.stringify(res.setCookies.map((x) => x.raw))}`);
    assert.equal(cookie.name, 'trivium_session', 'plain name over plain HTTP (__Host- only over TLS)');
    assert.equal(cookie.attrs.httponly, true, 'HttpOnly');
    assert.equal(String(cookie.attrs.samesite).toLowerCase(), 'lax', 'SameSite=Lax');
    assert.equal(cookie.attrs.path, '/', 'Path=/');
    assert.equal(cookie.attrs.domain, undefined, 'no Domain');
    assert.ok(/^[A-Za-z0-9_-]{22,}$/.test(cookie.value), `opaque value of >= 128 bits: ${cookie.value}`);
    assert.ok(!res.text.includes(cookie.value), 'the session secret appears only in Set-Cookie');
    const csrf = res.cookie('trivium_csrf');
    assert.ok(csrf, 'trivium_csrf cookie');
    assert.equal(csrf.value, res.json.csrf_token);
    assert.equal(csrf.attrs.path, '/');
    assert.equal(String(csrf.attrs.samesite).toLowerCase(), 'lax');
    expectStatus(await c.get('/api/v1/me'), 200);
  });

  test('SESS-01: a forged or garbled session cookie -> 401', async () => {
    const u = await server.createUser();
    const real = u.client.sessionCookie.value;
    for (const value of ['A'.repeat(43), `${real.slice(0, -1)}${real.endsWith('A') ? 'B' : 'A'}`, 'x', '%00', '']) {
      const res = await server.client().get('/api/v1/me', { headers: { cookie: `trivium_session=${value}` } });
      expectProblem(res, 401, 'urn:trivium:problem:unauthenticated');
    }
    expectProblem(await server.client().get('/api/v1/me'), 401, 'urn:trivium:problem:unauthenticated');
  });

  test('SESS-02: logging in issues a new session id and the one presented before is dead', async () => {
    const u = await server.createUser();
    const c = u.client;
    const old = c.clone();
    const oldId = c.sessionCookie.value;
    const res = await c.login(u.email, u.password);
    expectStatus(res, 200);
    assert.notEqual(c.sessionCookie.value, oldId, 'new session id at login');
    expectStatus(await c.get('/api/v1/me'), 200);
    expectProblem(await old.get('/api/v1/me'), 401);
  });

  test('SESS-03 / CSRF-05: logout needs the CSRF token, answers 204, and the old cookie replayed -> 401', async () => {
    const u = await server.createUser();
    const replay = u.client.clone();
    expectProblem(await u.client.post('/api/v1/auth/logout', undefined, { csrf: false }), 403);
    expectStatus(await u.client.get('/api/v1/me'), 200);
    const res = await u.client.logout();
    expectStatus(res, 204);
    const cleared = res.setCookies.find((x) => /trivium_session$/.test(x.name));
    assert.ok(cleared, 'logout clears the cookie');
    expectProblem(await replay.get('/api/v1/me'), 401, 'urn:trivium:problem:unauthenticated');
    expectProblem(await replay.post('/api/v1/me/tokens', { name: 'after-logout' }), 401);
  });

  test('wrong password and unknown user get the same 401', async () => {
    const u = await server.createUser({ login: false });
    const a = await server.client().login(u.email, 'Wrong-password-123');
    const b = await server.client().login(server.newEmail('nobody'), 'Wrong-password-123');
    expectProblem(a, 401, 'urn:trivium:problem:unauthenticated');
    expectProblem(b, 401, 'urn:trivium:problem:unauthenticated');
    assert.equal(a.json.detail, b.json.detail, 'no account enumeration through the message');
    assert.equal(a.json.title, b.json.title);
  });

  test('GET /me without a session -> 401; PATCH /me changes name, locale and time zone', async () => {
    expectProblem(await server.client().get('/api/v1/me'), 401, 'urn:trivium:problem:unauthenticated');
    const u = await server.createUser();
    const res = await u.client.patch('/api/v1/me', { display_name: 'Grace', locale: 'fr', time_zone: 'America/New_York' });
    expectStatus(res, 200);
    const me = (await u.client.get('/api/v1/me')).json;
    assert.equal(me.display_name, 'Grace');
    assert.equal(me.locale, 'fr');
    assert.equal(me.time_zone, 'America/New_York');
    expectInvalidField(await u.client.patch('/api/v1/me', { locale: 'klingon' }), 'locale');
    expectInvalidField(await u.client.patch('/api/v1/me', { display_name: '' }), 'display_name');
  });

  test('AC-03: a user cannot make themselves platform admin or change their status through PATCH /me', async () => {
    const u = await server.createUser();
    for (const body of [{ platform_role: 'admin' }, { status: 'active', email_verified: true }, { id: 'x' }]) {
      const res = await u.client.patch('/api/v1/me', body);
      assert.ok([400, 403, 422].includes(res.status), res.describe());
    }
    const me = (await u.client.get('/api/v1/me')).json;
    assert.notEqual(me.platform_role, 'admin');
    expectProblem(await u.client.get('/api/v1/admin/users'), 403, 'urn:trivium:problem:forbidden');
  });

  test('AUTH-06: changing the password needs the current one', async () => {
    const u = await server.createUser();
    const next = strongPassword();
    const wrong = await u.client.post('/api/v1/me/password', { current_password: 'Not-the-password-1', new_password: next });
    assert.ok([400, 401, 403, 422].includes(wrong.status) && wrong.isProblem, wrong.describe());
    expectStatus(await server.client().login(u.email, u.password), 200);
    expectInvalidField(await u.client.post('/api/v1/me/password', { current_password: u.password, new_password: 'password' }), 'new_password');
    expectStatus(await u.client.post('/api/v1/me/password', { current_password: u.password, new_password: next }), 204);
    expectStatus(await server.client().login(u.email, u.password), 401);
    expectStatus(await server.client().login(u.email, next), 200);
  });

  test('SESS-06: a user lists their sessions and ends another one; it is dead at once', async () => {
    const u = await server.createUser();
    const laptop = await server.loginClient(u.email, u.password);
    const list = await u.client.get('/api/v1/me/sessions');
    expectStatus(list, 200);
    assert.ok(Array.isArray(list.json.items) && list.json.items.length >= 2, list.text);
    for (const s of list.json.items) {
      assert.equal(typeof s.id, 'string');
      assert.ok(!list.text.includes(laptop.sessionCookie.value), 'session secrets are never listed');
    }
    const laptopSession = laptop.session;
    assert.ok(laptopSession && typeof laptopSession.id === 'string', 'login answers the session with its id');
    assert.ok(list.json.items.some((s) => s.id === laptopSession.id), 'the listed sessions include it');
    expectStatus(await u.client.del(`/api/v1/me/sessions/${encodeURIComponent(laptopSession.id)}`), 204);
    expectProblem(await laptop.get('/api/v1/me'), 401);
    expectStatus(await u.client.get('/api/v1/me'), 200);
    const after_ = (await u.client.get('/api/v1/me/sessions')).json.items.map((s) => s.id);
    assert.ok(!after_.includes(laptopSession.id));
  });

  test('AC-02: nobody can end another user\'s session through /me/sessions/{id}', async () => {
    const victim = await server.createUser();
    const attacker = await server.createUser();
    const sid = (await victim.client.get('/api/v1/me/sessions')).json.items[0].id;
    const res = await attacker.client.del(`/api/v1/me/sessions/${encodeURIComponent(sid)}`);
    assert.ok([403, 404].includes(res.status), res.describe());
    expectStatus(await victim.client.get('/api/v1/me'), 200);
  });
});
