// Roster imports over HTTP: a CSV of people, departments, runs, roles and
// cohorts becomes accounts, memberships and enrolments, with a per-line
// report; the same file twice changes nothing; wrong files are refused.
import { describe, before, after, test, assert, expectStatus, expectProblem, expectInvalidField } from './lib/harness.mjs';
import { startServer, randomHex, sleep, strongPassword } from './lib/server.mjs';
import { tokenFrom } from './lib/smtp.mjs';

async function waitForImport(client, location, { timeoutMs = 120000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  const seen = [];
  for (;;) {
    const res = expectStatus(await client.get(location), 200);
    seen.push(res.json.processed_rows);
    if (res.json.state === 'done' || res.json.state === 'failed') return { job: res.json, seen };
    if (Date.now() > deadline) throw new Error(`import still ${res.json.state} after ${timeoutMs} ms: ${res.text}`);
    await sleep(50);
  }
}

function upload(client, orgId, csv, query = '') {
  return client.request('POST', `/api/v1/orgs/${orgId}/imports${query}`, { body: csv, contentType: 'text/csv; charset=utf-8' });
}

describe('roster imports', () => {
  let server;
  let admin;
  let org;
  let other;
  let sales;
  before(async () => {
    server = await startServer();
    admin = await server.adminClient();
    org = expectStatus(await admin.post('/api/v1/orgs', { slug: `acme-${randomHex(3)}`, name: 'Acme' }), 201).json;
    other = expectStatus(await admin.post('/api/v1/orgs', { slug: `beta-${randomHex(3)}`, name: 'Beta' }), 201).json;
    sales = expectStatus(await admin.post(`/api/v1/orgs/${org.id}/departments`, { name: 'Sales' }), 201).json;
    expectStatus(await admin.post(`/api/v1/orgs/${org.id}/departments`, { name: 'Ventes Sud' }), 201);
  });
  after(async () => {
    await server.stopCleanly();
  });

  test('a wrong header, an empty file or a non-CSV body is refused at once (422/415), and nothing is queued', async () => {
    expectInvalidField(await upload(admin, org.id, 'mail,surname,shoe size\nann@example.org,Ann,38\n'), 'header');
    expectInvalidField(await upload(admin, org.id, 'name\nAnn\n'), 'header');  // no e-mail column
    expectProblem(await upload(admin, org.id, ''), 422);
    expectProblem(await admin.post(`/api/v1/orgs/${org.id}/imports`, { email: 'x' }), 415);
    expectInvalidField(await upload(admin, org.id, 'email,name\n', '?notify=maybe'), 'notify');
    const list = expectStatus(await admin.get(`/api/v1/orgs/${org.id}/imports`), 200);
    assert.equal(list.json.items.length, 0, list.text);
  });

  test('accounts, members and departments from a semicolon file with a BOM; a per-line report; new people can sign in', async () => {
    const tag = randomHex(3);
    const csv = '\uFEFFE-mail;Nom;Department\r\n' +
      `ann.${tag}@example.org;Ann Lee;Sales\r\n` +
      `bob.${tag}@example;Bob;\r\n` +
      `cy.${tag}@example.org;Cy;Marketing\r\n` +
      `zoe.${tag}@example.org;Zoé Martin;ventes sud\r\n` +
      `ANN.${tag}@example.org;Ann again;Sales\r\n`;
    const res = expectStatus(await upload(admin, org.id, csv, '?notify=true'), 202);
    assert.match(res.headers.get('location'), new RegExp(`/api/v1/orgs/${org.id}/imports/`));
    const { job } = await waitForImport(admin, res.headers.get('location'));
    assert.equal(job.state, 'done', JSON.stringify(job));
    assert.equal(job.total_rows, 5);
    assert.equal(job.applied_rows, 2);
    assert.equal(job.accounts_created, 2);
    assert.equal(job.members_added, 2);
    assert.deepEqual(job.problems.map((p) => [p.line, p.field]), [[3, 'email'], [4, 'department'], [6, 'email']]);
    assert.deepEqual(job.problems.slice(1).map((p) => p.code), ['unknown_department', 'duplicate']);
    assert.equal(job.problem_count, 3);
    // Zoé's welcome mail lets her choose a password and sign in.
    const mail = await server.mail.next(`zoe.${tag}@example.org`);
    const password = strongPassword();
    expectStatus(await server.client().post('/api/v1/auth/password-reset/confirm', { token: tokenFrom(mail), new_password: password }), 204);
    const zoe = await server.loginClient(`zoe.${tag}@example.org`, password);
    assert.equal(zoe.user.display_name, 'Zoé Martin');
    const members = expectStatus(await admin.get(`/api/v1/orgs/${org.id}/members?limit=100`), 200).json.items;
    const zoeMember = members.find((m) => m.user_id === zoe.user.id);
    assert.ok(zoeMember, 'Zoé is a member');
    assert.equal(zoeMember.department_ids.length, 1);
    assert.ok(!zoeMember.department_ids.includes(sales.id));
    assert.ok(members.some((m) => m.user_id !== zoe.user.id && m.department_ids.includes(sales.id)), 'Ann is in Sales');
  });

  test('the same file twice changes nothing the second time', async () => {
    const tag = randomHex(3);
    const csv = `email,name,department\nkim.${tag}@example.org,Kim,Sales\nlou.${tag}@example.org,Lou,\n`;
    const first = (await waitForImport(admin, expectStatus(await upload(admin, org.id, csv), 202).headers.get('location'))).job;
    assert.equal(first.accounts_created, 2);
    assert.equal(first.members_added, 2);
    const second = (await waitForImport(admin, expectStatus(await upload(admin, org.id, csv), 202).headers.get('location'))).job;
    assert.equal(second.state, 'done');
    assert.equal(second.applied_rows, 2);
    assert.equal(second.accounts_created, 0);
    assert.equal(second.members_added, 0);
    const audit = expectStatus(await admin.get(`/api/v1/orgs/${org.id}/audit?action=roster.import_finished`), 200);
    assert.ok(audit.json.items.length >= 2, audit.text);
  });

  test('only organisation admins import, and only into their organisation; a job id of another organisation is 404', async () => {
    const member = await server.createUser();
    expectStatus(await admin.post(`/api/v1/orgs/${org.id}/members`, { email: member.email }), 201);
    expectProblem(await upload(member.client, org.id, 'email,name\nx@example.org,X\n'), 403);
    expectProblem(await upload(server.client(), org.id, 'email,name\nx@example.org,X\n'), 401);
    const res = expectStatus(await upload(admin, org.id, 'email,name\n'), 202);
    const id = res.json.id;
    expectProblem(await admin.get(`/api/v1/orgs/${other.id}/imports/${id}`), 404);
  });

  test('enrolments from the file: learners with cohorts, a trainer, capacity with a waitlist; runs of other organisations refused', async () => {
    const tag = randomHex(3);
    const course = expectStatus(await admin.post(`/api/v1/orgs/${org.id}/courses`, {
      form: 'spoc', title: `Onboarding ${tag}`, slug: `onb-${tag}`, capacity: 2,
    }), 201).json;
    const run = expectStatus(await admin.post(`/api/v1/courses/${course.id}/runs`, { title: 'Spring' }), 201).json;
    const foreignCourse = expectStatus(await admin.post(`/api/v1/orgs/${other.id}/courses`, {
      form: 'mooc', title: `Foreign ${tag}`, slug: `foreign-${tag}`,
    }), 201).json;
    const foreignRun = expectStatus(await admin.post(`/api/v1/courses/${foreignCourse.id}/runs`, { title: 'X' }), 201).json;
    const csv = 'email,name,run,role,cohort\n' +
      `t.${tag}@example.org,Tess,${run.id},trainer,\n` +
      `l1.${tag}@example.org,Lea,${run.id},learner,Group A\n` +
      `l2.${tag}@example.org,Luc,${run.id},,Group B\n` +
      `l3.${tag}@example.org,Lou,${run.id},learner,Group A\n` +
      `f.${tag}@example.org,Fay,${foreignRun.id},learner,\n` +
      `r.${tag}@example.org,Rey,${run.id},dean,\n`;
    const { job } = await waitForImport(admin, expectStatus(await upload(admin, org.id, csv), 202).headers.get('location'));
    assert.equal(job.state, 'done', JSON.stringify(job));
    assert.equal(job.applied_rows, 4);
    assert.deepEqual(job.problems.map((p) => [p.line, p.field, p.code]), [[6, 'run', 'unknown_run'], [7, 'role', 'unknown_role']]);
    assert.equal(job.enrolments_created, 3, JSON.stringify(job));
    // Capacity 2: the first two learners are active, the third waits.
    const enrolments = expectStatus(await admin.get(`/api/v1/runs/${run.id}/enrolments?limit=100`), 200).json.items;
    assert.equal(enrolments.length, 3, JSON.stringify(enrolments));
    const states = enrolments.map((e) => e.state).sort();
    assert.deepEqual(states, ['active', 'active', 'waitlisted']);
    assert.ok(enrolments.every((e) => e.source === 'import'), JSON.stringify(enrolments));
    const cohorts = expectStatus(await admin.get(`/api/v1/runs/${run.id}/cohorts`), 200).json.items;
    assert.deepEqual(cohorts.map((c) => c.name).sort(), ['Group A', 'Group B']);
    const groupA = cohorts.find((c) => c.name === 'Group A');
    assert.equal(enrolments.filter((e) => e.cohort_id === groupA.id).length, 2);
    const staff = expectStatus(await admin.get(`/api/v1/runs/${run.id}/staff`), 200).json.items;
    assert.equal(staff.length, 1, JSON.stringify(staff));
    assert.deepEqual(staff[0].roles, ['trainer']);
    // Nobody was enrolled in the other organisation's run.
    const foreign = expectStatus(await admin.get(`/api/v1/runs/${foreignRun.id}/enrolments`), 200).json.items;
    assert.equal(foreign.length, 0);
    // Again: nothing new.
    const again = (await waitForImport(admin, expectStatus(await upload(admin, org.id, csv), 202).headers.get('location'))).job;
    assert.equal(again.enrolments_created, 0, JSON.stringify(again));
    assert.equal(expectStatus(await admin.get(`/api/v1/runs/${run.id}/enrolments?limit=100`), 200).json.items.length, 3);
  });

  test('20,000 rows (2 MB, over the 1 MiB limit of JSON routes) in one request: processed in the background with visible progress', async () => {
    const tag = randomHex(3);
    const padding = 'x'.repeat(40);
    let csv = 'email,name,department\n';
    for (let i = 0; i < 20000; i++) csv += `p${i}.${tag}@example.org,Person ${i} ${padding},${i % 2 ? 'Sales' : ''}\n`;
    assert.ok(csv.length > 1.5 * 1024 * 1024);
    const res = expectStatus(await upload(admin, org.id, csv), 202);
    const started = Date.now();
    const { job, seen } = await waitForImport(admin, res.headers.get('location'), { timeoutMs: 300000 });
    assert.equal(job.state, 'done', JSON.stringify(job).slice(0, 500));
    assert.equal(job.applied_rows, 20000);
    assert.equal(job.accounts_created, 20000);
    assert.ok(seen.some((n) => n > 0 && n < 20000) || Date.now() - started < 1000, `progress seen: ${seen.slice(0, 20)}`);
  });
});
