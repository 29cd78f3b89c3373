// The audit log over HTTP: security events carry actor, time, IP and the
// request id of the request that caused them; platform admins read all,
// an organisation's admins only their organisation's.
import { describe, before, after, test, assert, expectStatus, expectProblem } from './lib/harness.mjs';
import { startServer, randomHex, strongPassword } from './lib/server.mjs';
import { tokenFrom } from './lib/smtp.mjs';

// Pages through an audit listing (newest first) for the entry with this
// request id.
async function findByRequestId(client, path, requestId, maxPages = 20) {
  let before_ = '';
  for (let i = 0; i < maxPages; i++) {
    const res = await client.get(`${path}?limit=200${before_ ? `&before=${encodeURIComponent(before_)}` : ''}`);
    expectStatus(res, 200);
    const hit = res.json.items.filter((e) => e.request_id === requestId);
    if (hit.length) return hit;
    if (!res.json.next_cursor) return [];
    before_ = res.json.next_cursor;
  }
  return [];
}

function checkEntry(e, { action, actor }) {
  assert.match(e.action, action);
  assert.equal(e.ip, '127.0.0.1');
  assert.ok(!Number.isNaN(Date.parse(e.at)), `at is a time: ${e.at}`);
  assert.match(e.at, /Z$/, 'UTC');
  if (actor !== undefined) assert.equal(e.actor_id, actor);
}

describe('audit log', () => {
  let server;
  let admin;
  let orgA;
  let orgB;
  let adminA;
  let adminB;
  before(async () => {
    server = await startServer();
    admin = await server.adminClient();
    orgA = (await admin.post('/api/v1/orgs', { slug: `audit-a-${randomHex(3)}`, name: 'Audit A' })).json;
    orgB = (await admin.post('/api/v1/orgs', { slug: `audit-b-${randomHex(3)}`, name: 'Audit B' })).json;
    adminA = await server.createUser();
    adminB = await server.createUser();
    expectStatus(await admin.post(`/api/v1/orgs/${orgA.id}/members`, { user_id: adminA.id, roles: ['admin'] }), 201);
    expectStatus(await admin.post(`/api/v1/orgs/${orgB.id}/members`, { user_id: adminB.id, roles: ['admin'] }), 201);
  });
  after(async () => {
    await server.stopCleanly();
  });

  test('login and failed login are recorded with IP and request id; no password in the log', async () => {
    const u = await server.createUser({ login: false });
    const okId = `audit-login-${randomHex(4)}`;
    const badId = `audit-fail-${randomHex(4)}`;
    const wrong = `Wrong-${randomHex(6)}-pw`;
    expectStatus(await server.client().login(u.email, u.password, { headers: { 'x-request-id': okId } }), 200);
    expectStatus(await server.client().login(u.email, wrong, { headers: { 'x-request-id': badId } }), 401);
    const [login] = await findByRequestId(admin, '/api/v1/audit', okId);
    assert.ok(login, 'auth.login entry');
    checkEntry(login, { action: /^auth\.login$/, actor: u.id });
    const [failed] = await findByRequestId(admin, '/api/v1/audit', badId);
    assert.ok(failed, 'failed login entry');
    checkEntry(failed, { action: /login_failed|login\.failed/ });
    const page = await admin.get('/api/v1/audit?limit=200');
    assert.ok(!page.text.includes(wrong) && !page.text.includes(u.password), 'no password in the audit log');
  });

  test('a role change is recorded, and readable by the platform and by that organisation\'s admin only', async () => {
    const m = await server.createUser();
    expectStatus(await admin.post(`/api/v1/orgs/${orgA.id}/members`, { user_id: m.id }), 201);
    const rid = `audit-role-${randomHex(4)}`;
    expectStatus(await adminA.client.patch(`/api/v1/orgs/${orgA.id}/members/${m.id}`, { roles: ['manager'] }, { headers: { 'x-request-id': rid } }), 200);
    const [entry] = await findByRequestId(admin, '/api/v1/audit', rid);
    assert.ok(entry, 'role change in the platform log');
    checkEntry(entry, { action: /role/, actor: adminA.id });
    assert.equal(entry.organisation_id, orgA.id);
    const [orgEntry] = await findByRequestId(adminA.client, `/api/v1/orgs/${orgA.id}/audit`, rid);
    assert.ok(orgEntry, 'role change in org A\'s log, read by org A\'s admin');
    // Org B's admin sees nothing of it, neither in B's log nor through A's.
    const inB = await findByRequestId(adminB.client, `/api/v1/orgs/${orgB.id}/audit`, rid);
    assert.equal(inB.length, 0);
    const viaA = await adminB.client.get(`/api/v1/orgs/${orgA.id}/audit`);
    assert.ok([403, 404].includes(viaA.status), viaA.describe());
    // Every entry of an organisation's log belongs to it.
    const all = (await adminA.client.get(`/api/v1/orgs/${orgA.id}/audit?limit=200`)).json.items;
    assert.ok(all.length > 0 && all.every((e) => e.organisation_id === orgA.id), 'org log holds only its own events');
  });

  test('token creation is recorded', async () => {
    const u = await server.createUser();
    const rid = `audit-token-${randomHex(4)}`;
    const t = await u.client.post('/api/v1/me/tokens', { name: 'audited' }, { headers: { 'x-request-id': rid } });
    expectStatus(t, 201);
    const [entry] = await findByRequestId(admin, '/api/v1/audit', rid);
    assert.ok(entry, 'token creation entry');
    checkEntry(entry, { action: /token/, actor: u.id });
    assert.ok(!JSON.stringify(entry).includes(t.json.token), 'the token secret is not logged');
  });

  test('password reset is recorded (request and completion)', async () => {
    const u = await server.createUser({ login: false });
    const rid1 = `audit-reset1-${randomHex(4)}`;
    const rid2 = `audit-reset2-${randomHex(4)}`;
    expectStatus(await server.client().post('/api/v1/auth/password-reset', { email: u.email }, { headers: { 'x-request-id': rid1 } }), 202);
    const token = tokenFrom(await server.mail.next(u.email, { match: /reset|password/i }));
    const next = strongPassword();
    expectStatus(
      await server.client().post('/api/v1/auth/password-reset/confirm', { token, new_password: next }, { headers: { 'x-request-id': rid2 } }),
      204,
    );
    const [done] = await findByRequestId(admin, '/api/v1/audit', rid2);
    assert.ok(done, 'password reset completion entry');
    checkEntry(done, { action: /reset/ });
    const page = await admin.get('/api/v1/audit?limit=200');
    assert.ok(!page.text.includes(token) && !page.text.includes(next), 'neither token nor password logged');
  });

  test('the action filter works; a bad limit is 422', async () => {
    const res = await admin.get('/api/v1/audit?action=auth.login&limit=200');
    expectStatus(res, 200);
    assert.ok(res.json.items.length > 0 && res.json.items.every((e) => e.action === 'auth.login'), res.text.slice(0, 300));
    expectProblem(await admin.get('/api/v1/audit?limit=0'), 422, 'urn:trivium:problem:invalid');
    expectProblem(await admin.get('/api/v1/audit?limit=abc'), 422);
  });

  test('who may read: platform log for platform admins only; org log for that org\'s admins', async () => {
    const u = await server.createUser();
    expectProblem(await server.client().get('/api/v1/audit'), 401);
    expectProblem(await u.client.get('/api/v1/audit'), 403);
    expectProblem(await adminA.client.get('/api/v1/audit'), 403);
    const member = await server.createUser();
    expectStatus(await admin.post(`/api/v1/orgs/${orgA.id}/members`, { user_id: member.id, roles: ['manager', 'author', 'trainer'] }), 201);
    expectProblem(await member.client.get(`/api/v1/orgs/${orgA.id}/audit`), 403);
    expectStatus(await admin.get(`/api/v1/orgs/${orgA.id}/audit`), 200);
  });
});
