// Bad input in requests that are well-formed HTTP: a 4xx problem document or
// safe storage, never a crash, never a 500 (issue "Bad input"; INJ-01,
// INJ-06, CSRF-01). Malformed HTTP itself is in http-framing.test.mjs.
import { describe, before, after, test, assert, expectStatus, expectProblem, expectInvalidField } from './lib/harness.mjs';
import { startServer, strongPassword } from './lib/server.mjs';

describe('bad input', () => {
  let server;
  let member;
  before(async () => {
    server = await startServer();
    member = await server.createUser();
  });
  after(async () => {
    await server.stopCleanly();
  });

  const alive = async () => expectStatus(await server.client().get('/healthz'), 200);

  test('CSRF-01: text/plain and form bodies on a JSON route -> 415', async () => {
    const c = server.client();
    const body = JSON.stringify({ email: 'a@example.com', password: 'whatever-123' });
    for (const ct of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await c.request('POST', '/api/v1/auth/login', { body, contentType: ct });
      expectProblem(res, 415);
    }
    // No Content-Type at all on a JSON route is refused as well.
    expectProblem(await c.request('POST', '/api/v1/auth/login', { body }), 415);
    // A signed-in user's cookie does not help a cross-site text/plain form.
    const res = await member.client.request('POST', '/api/v1/me/tokens', {
      body: JSON.stringify({ name: 'csrf' }),
      contentType: 'text/plain',
    });
    expectProblem(res, 415);
  });

  test('malformed JSON -> 400 urn:trivium:problem:bad-request', async () => {
    const c = server.client();
    for (const body of ['{"email":', '{email: "a"}', '[1,2', '{"a":1}}', "{'a':1}", 'nul', '{"a":1,}', '\u0000', ' ']) {
      const res = await c.request('POST', '/api/v1/auth/login', { body, contentType: 'application/json' });
      expectProblem(res, 400, 'urn:trivium:problem:bad-request');
    }
  });

  test('bad UTF-8 inside JSON -> 400', async () => {
    const c = server.client();
    const variants = [
      Buffer.concat([Buffer.from('{"email":"'), Buffer.from([0xff, 0xfe]), Buffer.from('@example.com","password":"whatever-123"}')]),
      Buffer.concat([Buffer.from('{"email":"a@example.com","password":"'), Buffer.from([0xc3]), Buffer.from('"}')]),
      Buffer.concat([Buffer.from('{"display_name":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]), // UTF-16 surrogate
      Buffer.concat([Buffer.from('{"email":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]), // overlong "/"
    ];
    for (const body of variants) {
      const res = await c.request('POST', '/api/v1/auth/login', { body, contentType: 'application/json' });
      expectProblem(res, 400, 'urn:trivium:problem:bad-request');
    }
    // A lone surrogate escape is not valid text either.
    const esc = await c.request('POST', '/api/v1/auth/login', {
      body: '{"email":"\\ud800@example.com","password":"whatever-123"}',
      contentType: 'application/json',
    });
    assert.ok([400, 422].includes(esc.status), esc.describe());
  });

  test('nesting deeper than 32 -> 400; 100 000 levels do not crash the server', async () => {
    const c = server.client();
    const nested = (n) => `{"email":${'['.repeat(n)}${']'.repeat(n)},"password":"whatever-123"}`;
    const deep = await c.request('POST', '/api/v1/auth/login', { body: nested(40), contentType: 'application/json' });
    expectProblem(deep, 400, 'urn:trivium:problem:bad-request');
    const objs = `${'{"a":'.repeat(33)}1${'}'.repeat(33)}`;
    expectProblem(await c.request('POST', '/api/v1/auth/login', { body: objs, contentType: 'application/json' }), 400);
    const huge = await c.request('POST', '/api/v1/auth/login', { body: nested(100000), contentType: 'application/json' });
    expectProblem(huge, 400);
    // Within the limit, the same shape is understood and fails validation instead.
    const shallow = await c.request('POST', '/api/v1/auth/login', { body: nested(3), contentType: 'application/json' });
    assert.ok([400, 422].includes(shallow.status) && shallow.isProblem, shallow.describe());
    await alive();
  });

  test('unknown field -> 422 naming it (no mass assignment, AC-03)', async () => {
    const res = await server.client().post('/api/v1/auth/register', {
      email: server.newEmail(),
      password: strongPassword(),
      display_name: 'Mallory',
      platform_role: 'admin',
    });
    expectInvalidField(res, 'platform_role');
  });

  test('validation errors -> 422 urn:trivium:problem:invalid with field errors', async () => {
    const c = server.client();
    expectInvalidField(await c.post('/api/v1/auth/register', { email: 'not-an-email', password: strongPassword(), display_name: 'X' }), 'email');
    expectInvalidField(await c.post('/api/v1/auth/register', { email: server.newEmail(), password: 'short', display_name: 'X' }), 'password');
    expectInvalidField(await c.post('/api/v1/auth/register', { email: server.newEmail(), password: strongPassword() }), 'display_name');
    expectInvalidField(await c.post('/api/v1/auth/register', { email: 42, password: strongPassword(), display_name: 'X' }), 'email');
    expectInvalidField(
      await c.post('/api/v1/auth/register', { email: server.newEmail(), password: strongPassword(), display_name: 'X', locale: 'xx-INVALID' }),
      'locale',
    );
    expectInvalidField(
      await c.post('/api/v1/auth/register', { email: server.newEmail(), password: strongPassword(), display_name: 'X', time_zone: 'Mars/Olympus' }),
      'time_zone',
    );
    // A JSON array where an object is expected is a 4xx as well.
    const arr = await c.post('/api/v1/auth/register', [1, 2, 3]);
    assert.ok([400, 422].includes(arr.status) && arr.isProblem, arr.describe());
  });

  test('huge numbers and wrong types in any field -> 4xx problem, never 500', async () => {
    const c = member.client;
    const bodies = [
      '{"email":1e400,"password":"whatever-123"}',
      '{"email":123456789012345678901234567890123456789,"password":"whatever-123"}',
      '{"email":-0.0,"password":1e-400}',
      '{"email":"a@example.com","password":18446744073709551616}',
    ];
    for (const body of bodies) {
      const res = await server.client().request('POST', '/api/v1/auth/login', { body, contentType: 'application/json' });
      assert.ok([400, 422].includes(res.status) && res.isProblem, res.describe());
    }
    for (const n of ['1e400', '99999999999999999999999', '-1', '1.5', '9223372036854775808', '"10"', 'true', '[]']) {
      const res = await c.request('POST', '/api/v1/me/tokens', {
        body: `{"name":"n","expires_in_days":${n}}`,
        contentType: 'application/json',
      });
      assert.ok([400, 422].includes(res.status) && res.isProblem, `expires_in_days=${n}: ${res.describe()}`);
    }
    await alive();
  });

  test('INJ-01 / XSS: SQL meta-characters and <script> are stored verbatim and returned as JSON', async () => {
    const nasty = `Robert'); DROP TABLE users;-- <script>alert("x")</script> \\ " ' % _ \u00e9\u{1F600}`;
    const u = await server.createUser({ display_name: nasty });
    const me = await u.client.get('/api/v1/me');
    expectStatus(me, 200);
    assert.match(me.contentType, /^application\/json/);
    assert.equal(me.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(me.json.display_name, nasty);
    // PATCH with the same payload in every string field it accepts.
    const patched = await u.client.patch('/api/v1/me', { display_name: `${nasty} 2` });
    expectStatus(patched, 200);
    assert.equal((await u.client.get('/api/v1/me')).json.display_name, `${nasty} 2`);
    // The users table is still there: others can still log in.
    expectStatus(await member.client.get('/api/v1/me'), 200);
    // An e-mail address with an apostrophe is valid and round-trips.
    const quoted = await server.createUser({ email: `o'hara.${Date.now()}@example.com` });
    expectStatus(await quoted.client.get('/api/v1/me'), 200);
    // SQL meta-characters in a login e-mail are just a failed login.
    const res = await server.client().post('/api/v1/auth/login', { email: "' OR '1'='1' --@example.com", password: "' OR '1'='1" });
    assert.ok([401, 422].includes(res.status), res.describe());
  });

  test('control characters and NUL in strings are refused or stored verbatim, never a 500', async () => {
    const res = await member.client.patch('/api/v1/me', { display_name: 'nul\u0000byte\u0007' });
    if (res.status === 200) {
      // Stored verbatim, or with the control characters removed: nothing else.
      const stored = (await member.client.get('/api/v1/me')).json.display_name;
      assert.ok(['nul\u0000byte\u0007', 'nulbyte'].includes(stored), JSON.stringify(stored));
    } else {
      expectInvalidField(res, 'display_name');
    }
  });

  test('a bad percent-escape in a path parameter is a 4xx, not a 500', async () => {
    const res = await member.client.del('/api/v1/me/tokens/%zz');
    assert.ok(res.status >= 400 && res.status < 500, res.describe());
    const res2 = await member.client.del('/api/v1/me/tokens/%C0%AF');
    assert.ok(res2.status >= 400 && res2.status < 500, res2.describe());
  });
});
