// AC-04 / AC-02 / AC-01: the HTTP authorisation matrix. Every operation of the
// OpenAPI document, called by every subject (anonymous, each role of
// organisation A, the admin of organisation B, a platform admin) with path
// parameters naming organisation A's objects. The expected answers come from
// authz-matrix.json, written from the rules and not from the code:
//   denied, anonymous        -> 401
//   denied, signed in        -> 403 or 404
//   allowed                  -> anything but 401/403 (and 404, unless the row says allow404), never 5xx
//   organisation B's admin   -> never 2xx on organisation A's objects (except
//                               its public course and run, which anyone may see)
// A row may carry "variants": the same operation again with other path
// parameters (a public MOOC instead of the internal COOC; an object of
// organisation A named under organisation B's course or run, which nobody may
// reach), each with its own allow, body and allow404.
import fs from 'node:fs';
import { after, describe, test, assert, expectStatus, is2xx } from './lib/harness.mjs';
import { startServer, randomHex } from './lib/server.mjs';

const table = JSON.parse(fs.readFileSync(new URL('./authz-matrix.json', import.meta.url), 'utf8'));
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
// Parameter names may differ between the table and the document; positions may not.
const normalise = (key) => key.replace(/\{[^}]+\}/g, '{}');

const server = await startServer();
let admin = await server.adminClient();

// --- The world: two organisations, one user per role in A, B's admin, and a
// victim member of A who holds a session and a token.
const orgA = (await admin.post('/api/v1/orgs', { slug: `matrix-a-${randomHex(3)}`, name: 'Matrix A' })).json;
const orgB = (await admin.post('/api/v1/orgs', { slug: `matrix-b-${randomHex(3)}`, name: 'Matrix B' })).json;
const ids = { org_a: orgA.id, department_a: null, victim_user: null, victim_session: null, victim_token: null };
async function newDepartment() {
  const res = await admin.post(`/api/v1/orgs/${orgA.id}/departments`, { name: `Matrix dept ${randomHex(4)}` });
  expectStatus(res, 201);
  ids.department_a = res.json.id;
}
await newDepartment();

const victim = await server.createUser({ display_name: 'Victim' });
ids.victim_user = victim.id;
expectStatus(await admin.post(`/api/v1/orgs/${orgA.id}/members`, { user_id: victim.id, roles: ['member'] }), 201);
ids.victim_session = victim.client.session.id;
const victimToken = await victim.client.post('/api/v1/me/tokens', { name: 'victim token' });
expectStatus(victimToken, 201);
ids.victim_token = victimToken.json.id;

// --- Organisation A's courses and everything the course, outline, enrolment
// and roster routes name, created by the platform admin: an internal COOC
// (visible to A's members only) with a run, a published outline, an active
// learner, cohorts, an invitation and a release date; a public MOOC of A with
// a run; an internal COOC of B with a run; a roster import of A. The spare_*
// objects are the ones DELETE rows remove (repair() makes new ones).
async function made(res, status = 201) {
  expectStatus(res, status);
  return res.json;
}
const courseA = await made(await admin.post(`/api/v1/orgs/${orgA.id}/courses`, {
  form: 'cooc_internal', slug: `matrix-cooc-${randomHex(3)}`, title: 'Matrix internal COOC',
}));
assert.equal(courseA.visibility, 'organisation');
const coursePub = await made(await admin.post(`/api/v1/orgs/${orgA.id}/courses`, {
  form: 'mooc', slug: `matrix-mooc-${randomHex(3)}`, title: 'Matrix public MOOC',
}));
assert.equal(coursePub.visibility, 'public');
const courseB = await made(await admin.post(`/api/v1/orgs/${orgB.id}/courses`, {
  form: 'cooc_internal', slug: `matrix-b-cooc-${randomHex(3)}`, title: 'Matrix B internal COOC',
}));
const runA = await made(await admin.post(`/api/v1/courses/${courseA.id}/runs`, { title: 'Matrix run', time_zone: 'Europe/Paris' }));
const runPub = await made(await admin.post(`/api/v1/courses/${coursePub.id}/runs`, { title: 'Matrix public run' }));
const runB = await made(await admin.post(`/api/v1/courses/${courseB.id}/runs`, { title: 'Matrix B run' }));
const courseBase = `/api/v1/courses/${courseA.id}`;
const moduleA = await made(await admin.post(`${courseBase}/modules`, { title: 'Week 1' }));
const unitA = await made(await admin.post(`${courseBase}/modules/${moduleA.id}/units`, { title: 'Welcome' }));
const blockA = await made(await admin.post(`${courseBase}/units/${unitA.id}/blocks`, {
  type: 'text', title: 'Read me', settings: { markdown: 'Hello' },
}));
// A second module that no release date closes: its block is what the
// learners' block routes open (module_a gets a release date in 2027).
const openModuleA = await made(await admin.post(`${courseBase}/modules`, { title: 'Week 0' }));
const openUnitA = await made(await admin.post(`${courseBase}/modules/${openModuleA.id}/units`, { title: 'Start' }));
const openBlockA = await made(await admin.post(`${courseBase}/units/${openUnitA.id}/blocks`, {
  type: 'text', title: 'Start here', settings: { markdown: 'Hi' },
}));
const versionA = await made(await admin.post(`${courseBase}/publish`, {}));
const enrollee = await server.createUser({ display_name: 'Matrix enrollee' });
expectStatus(await admin.post(`/api/v1/orgs/${orgA.id}/members`, { user_id: enrollee.id, roles: ['member'] }), 201);
const enrolmentA = await made(await admin.post(`/api/v1/runs/${runA.id}/enrolments`, { user_id: enrollee.id }));
assert.equal(enrolmentA.state, 'active');
const cohortA = await made(await admin.post(`/api/v1/runs/${runA.id}/cohorts`, { name: 'Matrix cohort' }));
// An internal COOC invites only members of its organisation.
const invitee = await server.createUser({ display_name: 'Matrix invitee', login: false });
expectStatus(await admin.post(`/api/v1/orgs/${orgA.id}/members`, { user_id: invitee.id, roles: ['member'] }), 201);
await made(await admin.post(`/api/v1/runs/${runA.id}/invitations`, { emails: [invitee.email] }));
const staffUser = await server.createUser({ display_name: 'Matrix staff', login: false });
const importA = await made(
  await admin.request('POST', `/api/v1/orgs/${orgA.id}/imports`, { body: 'email,name\n', contentType: 'text/csv; charset=utf-8' }),
  202,
);
for (let i = 0; i < 200; i += 1) {
  const job = await made(await admin.get(`/api/v1/orgs/${orgA.id}/imports/${importA.id}`), 200);
  if (job.state === 'done' || job.state === 'failed') break;
  await new Promise((r) => setTimeout(r, 25));
}
Object.assign(ids, {
  org_b: orgB.id,
  course_a: courseA.id,
  course_pub: coursePub.id,
  course_b: courseB.id,
  run_a: runA.id,
  open_block_a: openBlockA.id,
  run_pub: runPub.id,
  run_b: runB.id,
  module_a: moduleA.id,
  unit_a: unitA.id,
  block_a: blockA.id,
  version_a: versionA.version,
  enrolment_a: enrolmentA.id,
  cohort_a: cohortA.id,
  import_a: importA.id,
  lrs_client_a: (await made(await admin.post(`/api/v1/orgs/${orgA.id}/lrs-clients`, { name: 'Matrix tool' }))).id,
  staff_user: staffUser.id,
  staff_role: 'observer',
  spare_module: null,
  spare_unit: null,
  spare_block: null,
  spare_cohort: null,
});

// Each puts back one object of the world, as the platform admin.
const recreate = {
  spare_module: async () => {
    ids.spare_module = (await made(await admin.post(`${courseBase}/modules`, { title: `Spare ${randomHex(2)}` }))).id;
  },
  spare_unit: async () => {
    ids.spare_unit = (await made(await admin.post(`${courseBase}/modules/${moduleA.id}/units`, { title: `Spare ${randomHex(2)}` }))).id;
  },
  spare_block: async () => {
    ids.spare_block = (await made(await admin.post(`${courseBase}/units/${unitA.id}/blocks`, {
      type: 'text', title: `Spare ${randomHex(2)}`, settings: { markdown: 'spare' },
    }))).id;
  },
  spare_cohort: async () => {
    ids.spare_cohort = (await made(await admin.post(`/api/v1/runs/${runA.id}/cohorts`, { name: `Spare ${randomHex(3)}` }))).id;
  },
  course_staff: async () => {
    expectStatus(await admin.request('PUT', `${courseBase}/staff/${staffUser.id}/observer`, { json: {} }), [200, 201, 204]);
  },
  run_staff: async () => {
    expectStatus(await admin.request('PUT', `/api/v1/runs/${runA.id}/staff/${staffUser.id}/observer`, { json: {} }), [200, 201, 204]);
  },
  release_a: async () => {
    expectStatus(await admin.request('PUT', `/api/v1/runs/${runA.id}/releases/${moduleA.id}`, {
      json: { release_at: '2027-03-29T09:00:00+02:00' },
    }), 200);
  },
  enrolment_a: async () => {
    const e = await made(await admin.post(`/api/v1/runs/${runA.id}/enrolments`, { user_id: enrollee.id }));
    ids.enrolment_a = e.id;
  },
};
for (const name of Object.keys(recreate)) if (name !== 'enrolment_a') await recreate[name]();

// Objects of organisation A that organisation B's admin must never reach.
const ORG_A_PRIVATE = new Set([
  'org_a', 'department_a', 'course_a', 'run_a', 'module_a', 'unit_a', 'block_a', 'enrolment_a', 'cohort_a',
  'import_a', 'lrs_client_a', 'spare_module', 'spare_unit', 'spare_block', 'spare_cohort',
]);

const subjects = {};
for (const [name, spec] of Object.entries(table.subjects)) {
  const s = { name, ...spec, client: null, roles: new Set() };
  if (spec.platform_admin) {
    s.client = admin;
    s.roles.add('platform:admin');
  } else if (spec.login !== false) {
    const u = await server.createUser({ display_name: `Matrix ${name}` });
    s.user = u;
    s.client = u.client;
    if (spec.org_a_roles) {
      expectStatus(await admin.post(`/api/v1/orgs/${orgA.id}/members`, { user_id: u.id, roles: spec.org_a_roles }), 201);
      for (const r of [...spec.org_a_roles, 'member']) s.roles.add(`organisation:${r}`);
    }
    if (spec.org_b_roles) {
      expectStatus(await admin.post(`/api/v1/orgs/${orgB.id}/members`, { user_id: u.id, roles: spec.org_b_roles }), 201);
    }
    for (const r of spec.run_a_roles || []) {
      if (r === 'learner') {
        expectStatus(await admin.post(`/api/v1/runs/${runA.id}/enrolments`, { user_id: u.id }), 201);
        s.roles.add('course:learner');
      } else {
        expectStatus(await admin.request('PUT', `/api/v1/runs/${runA.id}/staff/${u.id}/${r}`, { json: {} }), [200, 201, 204]);
      }
      s.roles.add(`run:${r}`);
    }
  }
  subjects[name] = s;
}

const openapi = (await server.client().get('/api/v1/openapi.json')).json;
const operations = [];
for (const [path, item] of Object.entries(openapi.paths)) {
  if (path.startsWith('/api/v1/test/')) continue; // TEST hooks, off in production
  for (const m of METHODS) if (item[m]) operations.push({ key: `${m.toUpperCase()} ${path}`, op: item[m] });
}
const rows = new Map(Object.entries(table.routes).map(([k, v]) => [normalise(k), { key: k, ...v }]));

function allowed(row, s) {
  if (row.allow === 'anyone') return true;
  if (row.allow === 'authenticated') return !!s.client;
  if (row.allow === 'nobody') return false;
  return row.allow.some((r) => s.roles.has(r));
}

function fill(path, row) {
  const sources = row.params || [];
  let i = 0;
  return path.replace(/\{[^}]+\}/g, () => {
    const src = sources[i++];
    assert.ok(src && ids[src] !== undefined, `no source for parameter ${i} of ${path} in authz-matrix.json`);
    return encodeURIComponent(ids[src]);
  });
}

// Puts back what an allowed call removed, so that later calls find it.
async function repair(row, s) {
  if (row.recreates === 'department_a') await newDepartment();
  if (recreate[row.recreates]) await recreate[row.recreates]();
  if (row.recreates === 'own_enrolment' && s.user && (s.run_a_roles || []).includes('learner')) {
    expectStatus(await admin.post(`/api/v1/runs/${ids.run_a}/enrolments`, { user_id: s.user.id }), 201);
  }
  if (row.recreates === 'victim_membership') {
    expectStatus(await admin.post(`/api/v1/orgs/${orgA.id}/members`, { user_id: victim.id, roles: ['member'] }), 201);
  }
  if (row.ends_session && s.user) s.client = await server.loginClient(s.user.email, s.user.password);
  if (row.ends_session && s.platform_admin) {
    admin = await server.adminClient();
    s.client = admin;
  }
}

async function call(key, row, s) {
  const [method, path] = key.split(' ');
  const url = fill(path, row);
  const client = s.client || server.client();
  const options = ['POST', 'PATCH', 'PUT'].includes(method) ? { json: row.body || {} } : {};
  return client.request(method, url, options);
}

function verdict(row, s, res) {
  const allow = allowed(row, s);
  if (res.status >= 500) return `5xx`;
  if (s.other_tenant && row.params && row.params.some((p) => ORG_A_PRIVATE.has(p)) && is2xx(res)) {
    return 'cross-tenant 2xx (AC-04)';
  }
  if (!allow) {
    if (!s.client) return res.status === 401 ? null : 'anonymous must get 401';
    return [403, 404].includes(res.status) ? null : 'denied subject must get 403/404';
  }
  if ([401, 403].includes(res.status)) return 'allowed subject was refused';
  if (res.status === 404 && !row.allow404) return 'allowed subject got 404';
  return null;
}

describe('AC-04 authorisation matrix (route x subject)', () => {
  after(async () => {
    await server.stopCleanly();
  });

  test('AC-01: every documented operation has a row in authz-matrix.json, and every row a route', () => {
    const documented = new Set(operations.map((o) => normalise(o.key)));
    const missing = operations.filter((o) => !rows.has(normalise(o.key))).map((o) => o.key);
    const stale = [...rows.values()].filter((r) => !documented.has(normalise(r.key))).map((r) => r.key);
    assert.deepEqual(missing, [], `operations without an expected-allow row: ${missing.join(', ')}`);
    assert.deepEqual(stale, [], `rows naming no documented operation: ${stale.join(', ')}`);
    assert.ok(operations.length >= 30, `documented operations: ${operations.length}`);
  });

  for (const { key, op } of operations) {
    const row = rows.get(normalise(key));
    if (!row) continue; // reported by the test above
    test(`${key} [${op['x-trivium-action']}]`, async () => {
      if (row.action) assert.equal(op['x-trivium-action'], row.action, `${key} names the capability the table expects`);
      const problems = [];
      const cases = [row, ...(row.variants || []).map((v) => ({ key: row.key, body: row.body, ...v, variant: true }))];
      for (const c of cases) {
        const label = c.variant ? ` [${c.params.join(', ')}]` : '';
        for (const s of Object.values(subjects)) {
          const res = await call(key, c, s);
          const why = verdict(c, s, res);
          if (why) problems.push(`${s.name}${label}: ${why}: ${res.describe()}`);
          if (is2xx(res)) await repair(c, s);
        }
      }
      assert.deepEqual(problems, [], problems.join('\n'));
    });
  }

  test('AC-02: the victim\'s session, token and membership survived every denied call', async () => {
    expectStatus(await victim.client.get('/api/v1/me'), 200);
    expectStatus(await server.client({ bearer: victimToken.json.token }).get('/api/v1/me'), 200);
    expectStatus(await admin.get(`/api/v1/orgs/${orgA.id}/members/${victim.id}`), 200);
    const me = (await admin.get(`/api/v1/admin/users/${victim.id}`)).json;
    assert.equal(me.status, 'active');
    assert.notEqual(me.platform_role, 'admin');
  });

  test('AC-04: organisation B\'s admin does not see organisation A in lists', async () => {
    const res = await subjects.admin_b.client.get('/api/v1/orgs');
    expectStatus(res, 200);
    const listed = res.json.items.map((o) => o.id);
    assert.ok(listed.includes(orgB.id), 'sees B');
    assert.ok(!listed.includes(orgA.id), 'does not see A');
    const members = await subjects.member_a.client.get('/api/v1/orgs');
    assert.ok(!members.json.items.map((o) => o.id).includes(orgB.id), 'A\'s member does not see B');
  });

  test('AC-04: the catalog shows organisation A\'s internal COOC to A\'s members only, its public MOOC to anyone', async () => {
    const listed = async (client) => {
      const res = await client.get(`/api/v1/courses?organisation=${orgA.id}&limit=100`);
      expectStatus(res, 200);
      return res.json.items.map((c) => c.id);
    };
    for (const name of ['anonymous', 'admin_b']) {
      const seen = await listed(subjects[name].client || server.client());
      assert.ok(seen.includes(coursePub.id), `${name} sees the public MOOC`);
      assert.ok(!seen.includes(courseA.id), `${name} does not see A's internal COOC`);
    }
    for (const name of ['member_a', 'manager_a', 'platform_admin']) {
      const seen = await listed(subjects[name].client);
      assert.ok(seen.includes(coursePub.id) && seen.includes(courseA.id), `${name} sees both of A's courses`);
    }
  });
});
