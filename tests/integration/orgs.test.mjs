// Organisations, departments and members over HTTP, including the tenant
// boundary for ids carried in bodies (AC-02, AC-04).
import { describe, before, after, test, assert, expectStatus, expectProblem, expectInvalidField } from './lib/harness.mjs';
import { startServer, randomHex } from './lib/server.mjs';

describe('organisations', () => {
  let server;
  let admin;
  let orgA;
  let orgB;
  before(async () => {
    server = await startServer();
    admin = await server.adminClient();
    orgA = (await admin.post('/api/v1/orgs', { slug: `acme-${randomHex(3)}`, name: 'Acme Training', kind: 'company' })).json;
    orgB = (await admin.post('/api/v1/orgs', { slug: `beta-${randomHex(3)}`, name: 'Beta School', kind: 'school' })).json;
    assert.ok(orgA && orgA.id && orgB && orgB.id, 'organisations created');
  });
  after(async () => {
    await server.stopCleanly();
  });

  test('platform admin creates an organisation: 201 with Location; duplicate slug 409; bad fields 422', async () => {
    const slug = `gamma-${randomHex(3)}`;
    const res = await admin.post('/api/v1/orgs', { slug, name: 'Gamma', kind: 'other' });
    expectStatus(res, 201);
    assert.equal(res.json.slug, slug);
    assert.equal(res.json.kind, 'other');
    assert.equal(res.headers.get('location'), `/api/v1/orgs/${res.json.id}`);
    expectProblem(await admin.post('/api/v1/orgs', { slug, name: 'Gamma again' }), 409, 'urn:trivium:problem:conflict');
    expectInvalidField(await admin.post('/api/v1/orgs', { slug: 'Not A Slug!', name: 'X' }), 'slug');
    expectInvalidField(await admin.post('/api/v1/orgs', { slug: `k-${randomHex(3)}`, name: 'X', kind: 'platform' }), 'kind');
    expectInvalidField(await admin.post('/api/v1/orgs', { slug: `n-${randomHex(3)}`, name: '' }), 'name');
    const defaulted = await admin.post('/api/v1/orgs', { slug: `d-${randomHex(3)}`, name: 'Default kind' });
    expectStatus(defaulted, 201);
    assert.equal(defaulted.json.kind, 'company');
  });

  test('only a platform admin creates organisations', async () => {
    const u = await server.createUser();
    expectProblem(await u.client.post('/api/v1/orgs', { slug: `x-${randomHex(3)}`, name: 'Mine' }), 403, 'urn:trivium:problem:forbidden');
    expectProblem(await server.client().post('/api/v1/orgs', { slug: `y-${randomHex(3)}`, name: 'Anon' }), 401);
  });

  test('departments: create, list, rename, nest, duplicate name 409, delete', async () => {
    const base = `/api/v1/orgs/${orgA.id}/departments`;
    const sales = await admin.post(base, { name: 'Sales' });
    expectStatus(sales, 201);
    assert.equal(sales.json.organisation_id, orgA.id);
    expectProblem(await admin.post(base, { name: 'Sales' }), 409);
    const team = await admin.post(base, { name: 'Sales team East', parent_id: sales.json.id });
    expectStatus(team, 201);
    assert.equal(team.json.parent_id, sales.json.id);
    const list = await admin.get(base);
    expectStatus(list, 200);
    const names = list.json.items.map((d) => d.name);
    assert.ok(names.includes('Sales') && names.includes('Sales team East'), list.text);
    const renamed = await admin.patch(`${base}/${sales.json.id}`, { name: 'Sales & Marketing' });
    expectStatus(renamed, 200);
    assert.equal(renamed.json.name, 'Sales & Marketing');
    expectStatus(await admin.del(`${base}/${team.json.id}`), 204);
    expectProblem(await admin.del(`${base}/${team.json.id}`), 404);
    // A department of org B cannot become the parent of one in org A (AC-02).
    const bDept = (await admin.post(`/api/v1/orgs/${orgB.id}/departments`, { name: 'B only' })).json;
    const cross = await admin.post(base, { name: 'Smuggled', parent_id: bDept.id });
    assert.ok([403, 404, 409, 422].includes(cross.status), cross.describe());
    // Nor can org A's department be reached through org B's path.
    const viaB = await admin.patch(`/api/v1/orgs/${orgB.id}/departments/${sales.json.id}`, { name: 'Hijack' });
    assert.ok([403, 404].includes(viaB.status), viaB.describe());
    assert.equal((await admin.get(base)).json.items.find((d) => d.id === sales.json.id).name, 'Sales & Marketing');
  });

  test('members: add by e-mail with roles and departments, list, read, change roles, remove', async () => {
    const dept = (await admin.post(`/api/v1/orgs/${orgA.id}/departments`, { name: `Ops ${randomHex(2)}` })).json;
    const u = await server.createUser();
    const base = `/api/v1/orgs/${orgA.id}/members`;
    const added = await admin.post(base, { email: u.email, roles: ['author'], department_ids: [dept.id] });
    expectStatus(added, 201);
    assert.equal(added.json.user_id, u.id);
    assert.deepEqual(added.json.roles, ['author', 'member']);
    assert.deepEqual(added.json.department_ids, [dept.id]);
    expectProblem(await admin.post(base, { user_id: u.id }), 409);
    const list = await admin.get(base);
    expectStatus(list, 200);
    assert.ok(list.json.items.some((m) => m.user_id === u.id));
    expectStatus(await admin.get(`${base}/${u.id}`), 200);
    // The new member sees the organisation at once.
    expectStatus(await u.client.get(`/api/v1/orgs/${orgA.id}`), 200);
    const listed = (await u.client.get('/api/v1/orgs')).json.items.map((o) => o.id);
    assert.ok(listed.includes(orgA.id) && !listed.includes(orgB.id), `a member lists only their organisations: ${listed}`);
    const changed = await admin.patch(`${base}/${u.id}`, { roles: ['trainer'] });
    expectStatus(changed, 200);
    assert.deepEqual(changed.json.roles, ['member', 'trainer']);
    expectInvalidField(await admin.patch(`${base}/${u.id}`, { roles: ['owner'] }), 'roles');
    expectStatus(await admin.del(`${base}/${u.id}`), 204);
    // Removed: access ends on the next request.
    const gone = await u.client.get(`/api/v1/orgs/${orgA.id}`);
    assert.ok([403, 404].includes(gone.status), gone.describe());
  });

  test('AC-02: a member cannot be placed in another organisation\'s department', async () => {
    const bDept = (await admin.post(`/api/v1/orgs/${orgB.id}/departments`, { name: `B dept ${randomHex(2)}` })).json;
    const u = await server.createUser();
    const res = await admin.post(`/api/v1/orgs/${orgA.id}/members`, { user_id: u.id, department_ids: [bDept.id] });
    assert.ok([403, 404, 409, 422].includes(res.status), res.describe());
    expectStatus(await admin.post(`/api/v1/orgs/${orgA.id}/members`, { user_id: u.id }), 201);
    const patch = await admin.patch(`/api/v1/orgs/${orgA.id}/members/${u.id}`, { department_ids: [bDept.id] });
    assert.ok([403, 404, 409, 422].includes(patch.status), patch.describe());
  });

  test('an organisation admin manages their organisation and nothing else; roles take effect at once', async () => {
    const boss = await server.createUser();
    expectStatus(await admin.post(`/api/v1/orgs/${orgA.id}/members`, { user_id: boss.id, roles: ['member'] }), 201);
    expectProblem(await boss.client.patch(`/api/v1/orgs/${orgA.id}`, { name: 'Not yet' }), 403);
    expectStatus(await admin.patch(`/api/v1/orgs/${orgA.id}/members/${boss.id}`, { roles: ['admin'] }), 200);
    const renamed = await boss.client.patch(`/api/v1/orgs/${orgA.id}`, { name: 'Acme Learning' });
    expectStatus(renamed, 200);
    assert.equal(renamed.json.name, 'Acme Learning');
    // Org A's admin has no power over org B.
    for (const [method, p, body] of [
      ['GET', `/api/v1/orgs/${orgB.id}`],
      ['PATCH', `/api/v1/orgs/${orgB.id}`, { name: 'Taken over' }],
      ['GET', `/api/v1/orgs/${orgB.id}/members`],
      ['POST', `/api/v1/orgs/${orgB.id}/members`, { user_id: boss.id, roles: ['admin'] }],
      ['POST', `/api/v1/orgs/${orgB.id}/departments`, { name: 'Planted' }],
      ['GET', `/api/v1/orgs/${orgB.id}/audit`],
    ]) {
      const res = await boss.client.request(method, p, body ? { json: body } : {});
      assert.ok([403, 404].includes(res.status), res.describe());
    }
    assert.equal((await admin.get(`/api/v1/orgs/${orgB.id}`)).json.name, 'Beta School');
    // Nor over the platform.
    expectProblem(await boss.client.post('/api/v1/orgs', { slug: `z-${randomHex(3)}`, name: 'Z' }), 403);
    expectProblem(await boss.client.get('/api/v1/admin/users'), 403);
  });

  test('unknown organisation ids are 404 for a platform admin and 403/404 for others, never 500', async () => {
    for (const id of ['00000000-0000-7000-8000-000000000000', 'nope', "'; DROP TABLE organisations; --", 'x'.repeat(300)]) {
      const res = await admin.get(`/api/v1/orgs/${encodeURIComponent(id)}`);
      assert.ok([404, 422, 400].includes(res.status), res.describe());
    }
  });
});
