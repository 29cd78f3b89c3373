// Demo content (`trivium demo`): loaded into a fresh data folder before the
// server starts, then explored over HTTP as a newcomer would: the public
// catalog, a demo learner's courses, the SPOC's full cohort, the internal
// COOC kept to its department; a second run changes nothing.
import fs from 'node:fs';
import path from 'node:path';

import { describe, before, after, test, assert, expectStatus } from './lib/harness.mjs';
import { startServer, runCommand } from './lib/server.mjs';

const MOOC = 'data-literacy-for-everyone';
const SPOC = 'data-literacy-guided-cohort';
const INTERNAL = 'safe-work-live-networks';
const EXTERNAL = 'smart-meter-essentials';

function passwordIn(output) {
  const m = /Demo accounts \(password: (\S+)\):/.exec(output);
  assert.ok(m, `no "Demo accounts (password: ...)" line in:\n${output}`);
  return m[1];
}

// Every page of a listing.
async function all(client, url) {
  const items = [];
  let cursor = '';
  for (;;) {
    const sep = url.includes('?') ? '&' : '?';
    const res = expectStatus(await client.get(`${url}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`), 200);
    items.push(...res.json.items);
    if (!res.json.next_cursor) return items;
    cursor = res.json.next_cursor;
  }
}

const slugs = (items) => items.map((c) => c.slug).sort();

describe('demo content', () => {
  let server;
  let first;
  let password;
  before(async () => {
    server = await startServer({
      before: async (dataDir, env) => {
        first = await runCommand(['demo'], { cwd: dataDir, env });
        return first.stdout;
      },
    });
    password = passwordIn(first.stdout);
  });
  after(async () => {
    await server.stopCleanly();
  });

  test('`trivium demo` on a fresh folder loads the demo, prints the accounts and writes them to a 0600 file', async () => {
    assert.equal(first.code, 0, `exit ${first.code}\n${first.stdout}\n${first.stderr}`);
    assert.match(first.stdout, /Loaded the demo catalog: 4 courses/);
    assert.match(first.stdout, /learner@trivium\.demo/);
    assert.ok(server.admin, 'the first administrator was made by `trivium demo` and its password printed');
    const file = path.join(server.dataDir, 'demo-accounts.txt');
    const st = fs.statSync(file);
    assert.equal(st.mode & 0o777, 0o600);
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(text.includes(`Demo accounts (password: ${password}):`), text);
    assert.match(text, /demo data/);
    assert.ok(first.stdout.includes(text), 'the file is what was printed');
  });

  test('the anonymous catalog lists the public MOOC and external COOC, not the internal COOC nor the private SPOC', async () => {
    const items = await all(server.client(), '/api/v1/courses');
    const found = slugs(items);
    assert.ok(found.includes(MOOC), found.join());
    assert.ok(found.includes(EXTERNAL), found.join());
    assert.ok(!found.includes(INTERNAL), found.join());
    assert.ok(!found.includes(SPOC), found.join());
    const mooc = items.find((c) => c.slug === MOOC);
    assert.equal(mooc.form, 'mooc');
    assert.equal(mooc.pacing, 'scheduled');
    assert.ok(mooc.next_run, 'the MOOC has a run');
    assert.equal(mooc.next_run.time_zone, 'Europe/Paris');
    assert.ok(Date.parse(mooc.next_run.starts_at) > Date.now(), 'the MOOC run starts soon');
    assert.equal(mooc.next_run.schedule.time_zone, 'Europe/Paris');
    const syllabus = expectStatus(await server.client().get(`/api/v1/courses/${mooc.id}/syllabus`), 200).json;
    assert.equal(syllabus.modules.length, 5);
    for (const m of syllabus.modules) assert.ok(m.units.length >= 2 && m.units.length <= 3, JSON.stringify(m));
  });

  test('a demo learner signs in with the printed password and finds the MOOC run and the SPOC, with released content', async () => {
    const learner = await server.loginClient('learner@trivium.demo', password);
    const mine = await all(learner, '/api/v1/me/enrolments');
    assert.equal(mine.length, 2, JSON.stringify(mine));
    assert.ok(mine.every((e) => e.state === 'active'), JSON.stringify(mine));
    const titles = mine.map((e) => e.course_title).sort();
    assert.deepEqual(titles, ['Data Literacy for Everyone', 'Data Literacy for Everyone: Guided Cohort']);
    const spoc = mine.find((e) => e.course_title.endsWith('Guided Cohort'));
    const outline = expectStatus(await learner.get(`/api/v1/runs/${spoc.run_id}/outline`), 200).json;
    assert.equal(outline.modules.length, 5);
    assert.equal(outline.modules[0].released, true, 'the SPOC run is under way');
    assert.ok(outline.modules[0].units[0].blocks.length >= 1, JSON.stringify(outline.modules[0]));
    assert.equal(outline.modules[0].units[0].blocks[0].type, 'text');
  });

  test('the SPOC: derived from the MOOC run, 30 seats, 30 active learners in one cohort, its trainer', async () => {
    const learner = await server.loginClient('learner@trivium.demo', password);
    const spocEnrolment = (await all(learner, '/api/v1/me/enrolments')).find((e) => e.course_title.endsWith('Guided Cohort'));
    const course = expectStatus(await learner.get(`/api/v1/courses/${spocEnrolment.course_id}`), 200).json;
    assert.equal(course.form, 'spoc');
    assert.equal(course.capacity, 30);
    assert.equal(course.visibility, 'private');
    assert.ok(course.derived_from_run_id, 'derived from a run');
    const trainer = await server.loginClient('trainer@trivium.demo', password);
    const active = await all(trainer, `/api/v1/runs/${spocEnrolment.run_id}/enrolments?state=active`);
    assert.equal(active.length, 30);
    const cohorts = expectStatus(await trainer.get(`/api/v1/runs/${spocEnrolment.run_id}/cohorts`), 200).json.items;
    assert.equal(cohorts.length, 1, JSON.stringify(cohorts));
    assert.ok(active.every((e) => e.cohort_id === cohorts[0].id), 'every learner is in the cohort');
    const staff = expectStatus(await trainer.get(`/api/v1/runs/${spocEnrolment.run_id}/staff`), 200).json.items;
    assert.ok(staff.some((s) => s.user_id === trainer.user.id && s.roles.includes('trainer')), JSON.stringify(staff));
    // A 31st learner waits.
    const extra = await server.createUser();
    const res = expectStatus(await trainer.post(`/api/v1/runs/${spocEnrolment.run_id}/enrolments`, { email: extra.email }), [200, 201]);
    assert.equal(res.json.state, 'waitlisted');
  });

  test('the internal COOC: visible to a member of its department, not to an outsider nor to another department', async () => {
    const manager = await server.loginClient('manager@northwind.demo', password);
    const seen = await all(manager, '/api/v1/courses');
    const internal = seen.find((c) => c.slug === INTERNAL);
    assert.ok(internal, slugs(seen).join());
    assert.equal(internal.form, 'cooc_internal');
    assert.equal(internal.visibility, 'organisation');
    assert.equal(internal.department_ids.length, 1);
    expectStatus(await manager.get(`/api/v1/courses/${internal.id}`), 200);

    const outsider = await server.loginClient('learner@trivium.demo', password);
    assert.ok(!slugs(await all(outsider, '/api/v1/courses')).includes(INTERNAL));
    expectStatus(await outsider.get(`/api/v1/courses/${internal.id}`), [403, 404]);

    // Someone the company admin places in Customer Success does not see it.
    const admin = await server.loginClient('admin@northwind.demo', password);
    const orgs = await all(admin, '/api/v1/orgs');
    const northwind = orgs.find((o) => o.slug === 'northwind-energy');
    assert.ok(northwind, JSON.stringify(orgs));
    const departments = expectStatus(await admin.get(`/api/v1/orgs/${northwind.id}/departments`), 200).json.items;
    assert.deepEqual(departments.map((d) => d.name).sort(), ['Customer Success', 'Field Operations']);
    const success = departments.find((d) => d.name === 'Customer Success');
    const colleague = await server.createUser();
    expectStatus(await admin.post(`/api/v1/orgs/${northwind.id}/members`, { email: colleague.email, department_ids: [success.id] }), 201);
    assert.ok(!slugs(await all(colleague.client, '/api/v1/courses')).includes(INTERNAL));
    // The author sees both company courses.
    const author = await server.loginClient('author@northwind.demo', password);
    const authored = slugs(await all(author, '/api/v1/courses'));
    assert.ok(authored.includes(INTERNAL) && authored.includes(EXTERNAL), authored.join());
  });

  test('running `trivium demo` again changes nothing and prints the same password', async () => {
    const counts = async (s) => {
      const admin = await s.adminClient();
      const courses = await all(admin, '/api/v1/courses');
      const runs = [];
      for (const c of courses) runs.push(...(await all(admin, `/api/v1/courses/${c.id}/runs`)));
      let enrolments = 0;
      for (const r of runs) enrolments += (await all(admin, `/api/v1/runs/${r.id}/enrolments`)).length;
      return {
        users: (await all(admin, '/api/v1/admin/users')).length,
        orgs: (await all(admin, '/api/v1/orgs')).length,
        courses: courses.length,
        runs: runs.length,
        enrolments,
      };
    };
    const before = await counts(server);
    const { env, dataDir, db, admin } = server;
    const exit = await server.stop({ keepData: true });
    assert.equal(exit.code, 0);
    const again = await runCommand(['demo'], { cwd: dataDir, env });
    assert.equal(again.code, 0, `exit ${again.code}\n${again.stdout}\n${again.stderr}`);
    assert.equal(passwordIn(again.stdout), password);
    assert.ok(!/Loaded the demo catalog/.test(again.stdout), again.stdout);
    assert.ok(!/Initial administrator/.test(again.stdout), again.stdout);
    server = await startServer({ dataDir, database: db });
    server.admin = admin;
    const after = await counts(server);
    assert.deepEqual(after, before);
  });
});
