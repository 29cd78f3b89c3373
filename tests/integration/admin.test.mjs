// Platform administration: the first administrator (AUTH-09), user
// management, suspension (SESS-05), and the registration policy (open,
// invitation only, closed).
import { describe, before, after, test, assert, expectStatus, expectProblem, expectInvalidField } from './lib/harness.mjs';
import { startServer, strongPassword } from './lib/server.mjs';
import { tokenFrom } from './lib/smtp.mjs';

describe('platform administration', () => {
  let server;
  let admin;
  before(async () => {
    server = await startServer();
    admin = await server.adminClient();
  });
  after(async () => {
    await server.stopCleanly();
  });

  test('AUTH-09: the first administrator has a random one-time password; no default credentials work', async () => {
    assert.ok(server.admin, 'an "Initial administrator" line on first start');
    for (const password of ['admin', 'password', 'trivium', 'admin123', 'changeme']) {
      expectStatus(await server.client().login(server.admin.email, password), 401);
    }
    expectStatus(await server.client().login('admin', 'admin'), [401, 422]);
    expectStatus(await server.client().login('root@trivium.localhost', 'root'), 401);
    const me = await admin.get('/api/v1/me');
    expectStatus(me, 200);
    assert.equal(me.json.platform_role, 'admin');
    assert.equal(me.json.must_change_password, false, 'password changed after first login');
  });

  test('AUTH-09: a second start on the same data prints no new administrator password', async () => {
    const first = await startServer();
    assert.ok(first.admin, 'the first start prints it');
    const exit = await first.stop({ keepData: true });
    assert.equal(exit.code, 0);
    const again = await startServer({ dataDir: first.dataDir, database: first.db });
    try {
      assert.ok(!/Initial administrator/.test(again.stdout), 'no second one-time password');
      expectStatus(await again.client().login(first.admin.email, first.admin.password), 200);
    } finally {
      await again.stopCleanly();
    }
  });

  test('admin lists users, reads and updates one; a non-admin gets 403', async () => {
    const u = await server.createUser({ display_name: 'Listed Learner' });
    const list = await admin.get('/api/v1/admin/users');
    expectStatus(list, 200);
    assert.ok(Array.isArray(list.json.items), list.text);
    assert.ok('next_cursor' in list.json, 'keyset pagination field');
    const one = await admin.get(`/api/v1/admin/users/${u.id}`);
    expectStatus(one, 200);
    assert.equal(one.json.email, u.email);
    expectProblem(await u.client.get('/api/v1/admin/users'), 403, 'urn:trivium:problem:forbidden');
    expectProblem(await u.client.get(`/api/v1/admin/users/${u.id}`), 403);
    expectProblem(await u.client.patch(`/api/v1/admin/users/${u.id}`, { platform_role: 'admin' }), 403);
    expectProblem(await server.client().get('/api/v1/admin/users'), 401);
    expectProblem(await admin.get('/api/v1/admin/users/00000000-0000-7000-8000-000000000000'), 404, 'urn:trivium:problem:not-found');
  });

  test('admin creates a user with POST /api/v1/admin/users', async () => {
    const email = server.newEmail('created');
    const password = strongPassword();
    const res = await admin.post('/api/v1/admin/users', { email, password, display_name: 'Created By Admin' });
    expectStatus(res, 201);
    const login = await server.client().login(email, password);
    expectStatus(login, 200);
  });

  test('SESS-05: suspending a user kills their sessions and tokens; reactivating lets them log in again', async () => {
    const u = await server.createUser();
    const t = await u.client.post('/api/v1/me/tokens', { name: 'before suspension' });
    expectStatus(t, 201);
    const bearer = server.client({ bearer: t.json.token });
    expectStatus(await bearer.get('/api/v1/me'), 200);

    const res = await admin.patch(`/api/v1/admin/users/${u.id}`, { status: 'suspended' });
    expectStatus(res, 200);
    assert.equal(res.json.status, 'suspended');
    expectProblem(await u.client.get('/api/v1/me'), 401);
    expectProblem(await bearer.get('/api/v1/me'), 401);
    const login = await server.client().login(u.email, u.password);
    assert.ok([401, 403].includes(login.status), login.describe());

    expectStatus(await admin.patch(`/api/v1/admin/users/${u.id}`, { status: 'active' }), 200);
    expectStatus(await server.client().login(u.email, u.password), 200);
    // The old session stays dead.
    expectProblem(await u.client.get('/api/v1/me'), 401);
  });

  test('platform_role can be granted and revoked by an admin, with effect on the next request', async () => {
    const u = await server.createUser();
    expectProblem(await u.client.get('/api/v1/admin/users'), 403);
    expectStatus(await admin.patch(`/api/v1/admin/users/${u.id}`, { platform_role: 'admin' }), 200);
    expectStatus(await u.client.get('/api/v1/admin/users'), 200);
    expectStatus(await admin.patch(`/api/v1/admin/users/${u.id}`, { platform_role: '' }), 200);
    expectProblem(await u.client.get('/api/v1/admin/users'), 403);
    const bad = await admin.patch(`/api/v1/admin/users/${u.id}`, { status: 'deleted-ish' });
    expectProblem(bad, 422, 'urn:trivium:problem:invalid');
  });

  test('registration closed -> register 403; settings are for admins only', async () => {
    expectProblem(await server.client().get('/api/v1/admin/settings'), 401);
    const u = await server.createUser();
    expectProblem(await u.client.get('/api/v1/admin/settings'), 403);
    expectProblem(await u.client.patch('/api/v1/admin/settings', { registration: 'open' }), 403);

    const res = await admin.patch('/api/v1/admin/settings', { registration: 'closed' });
    expectStatus(res, 200);
    assert.equal((await admin.get('/api/v1/admin/settings')).json.registration, 'closed');
    const reg = await server.client().post('/api/v1/auth/register', { email: server.newEmail(), password: strongPassword(), display_name: 'Late' });
    expectProblem(reg, 403, 'urn:trivium:problem:forbidden');
    expectProblem(await admin.patch('/api/v1/admin/settings', { registration: 'sometimes' }), 422);
    expectStatus(await admin.patch('/api/v1/admin/settings', { registration: 'open' }), 200);
    expectStatus(await server.client().post('/api/v1/auth/register', { email: server.newEmail(), password: strongPassword(), display_name: 'Early' }), 201);
  });

  test('invitation only: register needs an invitation sent by mail, which works once and for its address', async () => {
    expectStatus(await admin.patch('/api/v1/admin/settings', { registration: 'invitation' }), 200);
    try {
      const anon = server.client();
      const email = server.newEmail('invited');
      const without = await anon.post('/api/v1/auth/register', { email, password: strongPassword(), display_name: 'Uninvited' });
      if (without.status === 422) expectInvalidField(without, 'invitation');
      else expectProblem(without, 403, 'urn:trivium:problem:forbidden');

      const inv = await admin.post('/api/v1/admin/invitations', { email });
      expectStatus(inv, [201, 202]);
      const token = tokenFrom(await server.mail.next(email, { match: /invit/i }));
      assert.ok(token.length >= 22);
      const forged = await anon.post('/api/v1/auth/register', { email, password: strongPassword(), display_name: 'Forger', invitation: 'A'.repeat(43) });
      assert.ok([400, 403, 404, 422].includes(forged.status), forged.describe());
      const password = strongPassword();
      const reg = await anon.post('/api/v1/auth/register', { email, password, display_name: 'Invited', invitation: token });
      expectStatus(reg, 201);
      expectStatus(await server.client().login(email, password), 200);
      const reuse = await anon.post('/api/v1/auth/register', {
        email: server.newEmail('reuse'),
        password: strongPassword(),
        display_name: 'Reuse',
        invitation: token,
      });
      assert.ok(reuse.status >= 400 && reuse.status < 500, `an invitation works once: ${reuse.describe()}`);
      const member = await server.client().post('/api/v1/admin/invitations', { email: server.newEmail() });
      expectProblem(member, 401);
    } finally {
      expectStatus(await admin.patch('/api/v1/admin/settings', { registration: 'open' }), 200);
    }
  });
});
