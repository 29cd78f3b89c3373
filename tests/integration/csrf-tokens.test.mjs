// CSRF protection of cookie sessions (CSRF-01) and personal API tokens
// (Bearer): created, used, listed without their secret, revoked.
import { describe, before, after, test, assert, expectStatus, expectProblem } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';

function expectCsrfRefusal(res) {
  const p = expectProblem(res, 403, 'urn:trivium:problem:forbidden');
  assert.match(String(p.detail), /csrf/i, `the detail names CSRF: ${res.describe()}`);
}

describe('CSRF and personal tokens', () => {
  let server;
  let u;
  before(async () => {
    server = await startServer();
    u = await server.createUser();
  });
  after(async () => {
    await server.stopCleanly();
  });

  test('CSRF-01: a cookie-authenticated unsafe request without X-CSRF-Token -> 403', async () => {
    expectCsrfRefusal(await u.client.post('/api/v1/me/tokens', { name: 'no header' }, { csrf: false }));
    expectCsrfRefusal(await u.client.patch('/api/v1/me', { display_name: 'No header' }, { csrf: false }));
    expectCsrfRefusal(await u.client.post('/api/v1/me/password', { current_password: u.password, new_password: 'Another-long-pass-1' }, { csrf: false }));
    const sid = (await u.client.get('/api/v1/me/sessions')).json.items[0].id;
    expectCsrfRefusal(await u.client.del(`/api/v1/me/sessions/${encodeURIComponent(sid)}`, { csrf: false }));
    // Nothing happened.
    expectStatus(await u.client.get('/api/v1/me'), 200);
    const tokens = (await u.client.get('/api/v1/me/tokens')).json.items;
    assert.ok(!tokens.some((t) => t.name === 'no header'));
  });

  test('CSRF-01: a wrong, empty or other session\'s token -> 403', async () => {
    const other = await server.createUser();
    for (const csrf of ['wrong', 'A'.repeat(43), other.client.csrf, ' ']) {
      expectCsrfRefusal(await u.client.post('/api/v1/me/tokens', { name: 'bad header' }, { csrf }));
    }
    // Sending the cookie's value is not enough when it is not the session's
    // token: a forged trivium_csrf cookie plus the same header is refused.
    const forged = await u.client.request('POST', '/api/v1/me/tokens', {
      json: { name: 'double submit forged' },
      csrf: 'forged-value-123',
      headers: { cookie: `${u.client.sessionCookie.name}=${u.client.sessionCookie.value}; trivium_csrf=forged-value-123` },
    });
    expectCsrfRefusal(forged);
  });

  test('CSRF: the right token passes; safe methods need none', async () => {
    expectStatus(await u.client.get('/api/v1/me', { csrf: false }), 200);
    expectStatus(await u.client.patch('/api/v1/me', { display_name: 'With header' }), 200);
  });

  test('bearer token: create (201 {id,name,token}), use on /me, listed without secret, revoke -> 401', async () => {
    const created = await u.client.post('/api/v1/me/tokens', { name: 'ci integration', expires_in_days: 30 });
    expectStatus(created, 201);
    const { id, name, token } = created.json;
    assert.equal(name, 'ci integration');
    assert.equal(typeof id, 'string');
    assert.ok(typeof token === 'string' && token.length >= 22, 'token carries >= 128 bits');

    const api = server.client({ bearer: token });
    const me = await api.get('/api/v1/me');
    expectStatus(me, 200);
    assert.equal(me.json.id, u.id);
    // Bearer requests need no CSRF token.
    expectStatus(await api.patch('/api/v1/me', { display_name: 'Via token' }, { csrf: false }), 200);

    const list = await u.client.get('/api/v1/me/tokens');
    expectStatus(list, 200);
    const item = list.json.items.find((t) => t.id === id);
    assert.ok(item, 'listed');
    assert.equal(item.name, 'ci integration');
    assert.ok(!list.text.includes(token), 'the secret is shown once, never listed (hashed at rest)');

    expectStatus(await u.client.del(`/api/v1/me/tokens/${encodeURIComponent(id)}`), 204);
    expectProblem(await api.get('/api/v1/me'), 401, 'urn:trivium:problem:unauthenticated');
    const after_ = (await u.client.get('/api/v1/me/tokens')).json.items;
    assert.ok(!after_.some((t) => t.id === id && !t.revoked_at), 'revoked token is gone or marked revoked');
  });

  test('SESS-01: forged bearer tokens -> 401; a malformed Authorization header -> 401', async () => {
    for (const header of ['Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'Bearer ', 'Bearer x y', 'Basic YWRtaW46YWRtaW4=', 'Bearer ' + 'z'.repeat(5000)]) {
      const res = await server.client().get('/api/v1/me', { headers: { authorization: header } });
      assert.ok([400, 401].includes(res.status) && res.isProblem, `${header.slice(0, 30)}: ${res.describe()}`);
    }
  });

  test('AC-02: a user cannot revoke or see another user\'s token', async () => {
    const victim = await server.createUser();
    const t = await victim.client.post('/api/v1/me/tokens', { name: 'victim token' });
    expectStatus(t, 201);
    const res = await u.client.del(`/api/v1/me/tokens/${encodeURIComponent(t.json.id)}`);
    assert.ok([403, 404].includes(res.status), res.describe());
    expectStatus(await server.client({ bearer: t.json.token }).get('/api/v1/me'), 200);
    const mine = (await u.client.get('/api/v1/me/tokens')).json.items;
    assert.ok(!mine.some((x) => x.id === t.json.id), 'another user\'s token is not listed');
  });

  test('a token name is required and bounded', async () => {
    const missing = await u.client.post('/api/v1/me/tokens', {});
    expectProblem(missing, 422, 'urn:trivium:problem:invalid');
    const long = await u.client.post('/api/v1/me/tokens', { name: 'n'.repeat(10000) });
    expectProblem(long, 422, 'urn:trivium:problem:invalid');
  });
});
