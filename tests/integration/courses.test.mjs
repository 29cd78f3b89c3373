// Courses over HTTP: the four forms and their effective settings, bad input,
// the catalog as each kind of visitor sees it (anonymous, member, department
// member, outsider), search with filters and keyset pagination, runs with
// time zones, SPOC derivation and staff roles (AC-02, AC-04, INJ-01).
import { describe, before, after, test, assert, expectStatus, expectProblem, expectInvalidField } from './lib/harness.mjs';
import { startServer, randomHex } from './lib/server.mjs';

const DAY = 86_400_000;
const iso = (ms) => new Date(ms).toISOString();

describe('courses', () => {
  let server;
  let admin;
  let orgA;
  let orgB;
  let sales;
  let east;
  let author; // organisation:author of A
  let member; // plain member of A
  let seller; // member of A in Sales
  let eastRep; // member of A in the team East (below Sales)
  let outsider; // member of B only

  const course = async (client, org, body) => {
    const res = await client.post(`/api/v1/orgs/${org.id}/courses`, { title: 'A course', ...body });
    expectStatus(res, 201);
    return res.json;
  };
  const allPages = async (client, query, limit) => {
    const seen = [];
    let cursor = null;
    for (let i = 0; i < 50; i += 1) {
      const q = new URLSearchParams({ ...query, limit: String(limit) });
      if (cursor) q.set('cursor', cursor);
      const res = await client.get(`/api/v1/courses?${q}`);
      expectStatus(res, 200);
      seen.push(...res.json.items);
      cursor = res.json.next_cursor;
      if (!cursor) break;
      assert.equal(res.json.items.length, limit, res.text);
    }
    return seen;
  };

  before(async () => {
    server = await startServer();
    admin = await server.adminClient();
    orgA = (await admin.post('/api/v1/orgs', { slug: `acme-${randomHex(3)}`, name: 'Acme', kind: 'company' })).json;
    orgB = (await admin.post('/api/v1/orgs', { slug: `beta-${randomHex(3)}`, name: 'Beta', kind: 'company' })).json;
    sales = (await admin.post(`/api/v1/orgs/${orgA.id}/departments`, { name: 'Sales' })).json;
    east = (await admin.post(`/api/v1/orgs/${orgA.id}/departments`, { name: 'East', parent_id: sales.id })).json;
    const join = async (org, roles, department_ids = []) => {
      const u = await server.createUser();
      expectStatus(await admin.post(`/api/v1/orgs/${org.id}/members`, { user_id: u.id, roles, department_ids }), 201);
      return u;
    };
    author = await join(orgA, ['author']);
    member = await join(orgA, []);
    seller = await join(orgA, [], [sales.id]);
    eastRep = await join(orgA, [], [east.id]);
    outsider = await join(orgB, []);
  });
  after(async () => {
    await server.stopCleanly();
  });

  test('the four forms give their effective settings; overrides win; GET shows the same', async () => {
    const expected = {
      mooc: ['public', 'open', null, 'self_paced'],
      cooc_internal: ['organisation', 'open', null, 'self_paced'],
      cooc_external: ['public', 'approval', null, 'self_paced'],
      spoc: ['private', 'invitation', 30, 'scheduled'],
    };
    for (const [form, [visibility, policy, capacity, pacing]] of Object.entries(expected)) {
      const res = await author.client.post(`/api/v1/orgs/${orgA.id}/courses`, {
        form,
        slug: `form-${form.replace('_', '-')}`,
        title: `A ${form}`,
        description: 'Learn **well**.',
        skills: ['testing'],
      });
      expectStatus(res, 201);
      assert.equal(res.headers.get('location'), `/api/v1/courses/${res.json.id}`);
      const c = res.json;
      assert.deepEqual([c.form, c.visibility, c.enrolment_policy, c.capacity, c.pacing], [form, visibility, policy, capacity, pacing]);
      assert.equal(c.organisation_id, orgA.id);
      assert.match(c.description_html, /<strong>well<\/strong>/);
      const again = await author.client.get(`/api/v1/courses/${c.id}`);
      expectStatus(again, 200);
      assert.equal(again.json.visibility, visibility);
      assert.equal(again.json.capacity, capacity);
    }
    const custom = await course(author.client, orgA, { form: 'spoc', slug: 'small-spoc', capacity: 12, pacing: 'self_paced' });
    assert.equal(custom.capacity, 12);
    assert.equal(custom.pacing, 'self_paced');
    const changed = await author.client.patch(`/api/v1/courses/${custom.id}`, { capacity: null, visibility: 'public' });
    expectStatus(changed, 200);
    assert.equal(changed.json.capacity, null);
    assert.equal(changed.json.visibility, 'public');
    assert.equal(changed.json.form, 'spoc');
  });

  test('bad input: 409 slug collision, 422 unknown form, capacity < 0, bad language, unknown field, XSS dropped', async () => {
    await course(author.client, orgA, { form: 'mooc', slug: 'taken-slug' });
    expectProblem(await author.client.post(`/api/v1/orgs/${orgA.id}/courses`, { form: 'mooc', slug: 'taken-slug', title: 'X' }), 409);
    const base = `/api/v1/orgs/${orgA.id}/courses`;
    expectInvalidField(await author.client.post(base, { form: 'webinar', slug: 'w-1', title: 'X' }), 'form');
    expectInvalidField(await author.client.post(base, { form: 'spoc', slug: 'c-1', title: 'X', capacity: -1 }), 'capacity');
    expectInvalidField(await author.client.post(base, { form: 'mooc', slug: 'l-1', title: 'X', language: 'xx' }), 'language');
    expectInvalidField(await author.client.post(base, { form: 'mooc', slug: 'Bad Slug', title: 'X' }), 'slug');
    expectInvalidField(await author.client.post(base, { form: 'mooc', slug: 'u-1', title: 'X', owner: 'me' }), 'owner');
    expectInvalidField(await author.client.post(base, { form: 'mooc', slug: 'c-2', title: 'X', capacity: 'lots' }), 'capacity');
    // Departments of another organisation (AC-02).
    const bDept = (await admin.post(`/api/v1/orgs/${orgB.id}/departments`, { name: `B-${randomHex(2)}` })).json;
    expectInvalidField(
      await author.client.post(base, { form: 'cooc_internal', slug: 'd-1', title: 'X', department_ids: [bDept.id] }),
      'department_ids',
    );
    const xss = await course(author.client, orgA, {
      form: 'mooc',
      slug: 'xss',
      description: '<script>alert(1)</script>[x](javascript:alert(1)) <img src=x onerror=alert(1)>',
    });
    // No script element, no handler, no javascript: URL (the words may stay as text).
    assert.doesNotMatch(xss.description_html, /<script|(href|src)\s*=\s*["']?\s*javascript:|onerror=/i);
    expectProblem(await author.client.request('POST', base, { body: '{"form":', contentType: 'application/json' }), 400);
    // Numbers out of range or of the wrong kind are 4xx, never 500.
    expectInvalidField(await author.client.post(base, { form: 'spoc', slug: 'c-3', title: 'X', capacity: 1e12 }), 'capacity');
    expectInvalidField(await author.client.post(base, { form: 'spoc', slug: 'c-4', title: 'X', capacity: 2.5 }), 'capacity');
    expectInvalidField(await author.client.post(base, { form: 'mooc', slug: 'e-1', title: 'X', effort_hours: -3 }), 'effort_hours');
    expectInvalidField(await author.client.post(base, { form: 'mooc', slug: 'g-1', title: 'X', completion: { min_grade: 101 } }), 'completion/min_grade');
    expectInvalidField(await author.client.patch(`/api/v1/courses/${xss.id}`, { form: 'spoc' }), 'form');
    expectInvalidField(await author.client.patch(`/api/v1/courses/${xss.id}`, { visibility: 'secret' }), 'visibility');
    // Lengths count characters, not bytes: 200 accented letters fit, 201 do not.
    expectStatus(await author.client.post(base, { form: 'mooc', slug: 'len-200', title: 'é'.repeat(200) }), 201);
    expectInvalidField(await author.client.post(base, { form: 'mooc', slug: 'len-201', title: 'é'.repeat(201) }), 'title');
    // A bad time zone for the answer refuses the request before anything is written.
    expectInvalidField(await author.client.post(`/api/v1/courses/${xss.id}/runs?tz=Mars/Olympus`, { title: 'Never' }), 'tz');
    const runs = expectStatus(await author.client.get(`/api/v1/courses/${xss.id}/runs`), 200).json.items;
    assert.ok(!runs.some((r) => r.title === 'Never'), JSON.stringify(runs));
  });

  test('runs: dates in order, known time zones, UTC and local times, weekly schedule across DST', async () => {
    const c = await course(author.client, orgA, { form: 'mooc', slug: `runs-${randomHex(2)}` });
    const runs = `/api/v1/courses/${c.id}/runs`;
    const wrong = await author.client.post(runs, {
      title: 'Backwards',
      enrolment_opens_at: '2027-03-10T00:00:00Z',
      enrolment_closes_at: '2027-03-01T00:00:00Z',
      starts_at: '2027-04-01T00:00:00Z',
      ends_at: '2027-03-20T00:00:00Z',
    });
    const p = expectInvalidField(wrong, 'ends_at');
    assert.ok(p.errors.some((e) => e.field === 'enrolment_closes_at'), wrong.text);
    expectInvalidField(await author.client.post(runs, { title: 'Zone', time_zone: 'Mars/Olympus' }), 'time_zone');
    expectInvalidField(await author.client.post(runs, { title: 'Date', starts_at: 'next monday' }), 'starts_at');
    const created = await author.client.post(`${runs}?tz=America/New_York`, {
      title: 'Spring 2027',
      starts_at: '2027-03-22T08:00:00Z',
      ends_at: '2027-06-01T00:00:00+02:00',
      time_zone: 'Europe/Paris',
      schedule: { time_zone: 'Europe/Paris', weekday: 'monday', local_time: '09:00', first_date: '2027-03-17' },
    });
    expectStatus(created, 201);
    const run = created.json;
    assert.equal(run.starts_at, '2027-03-22T08:00:00.000Z');
    assert.equal(run.ends_at, '2027-05-31T22:00:00.000Z');
    assert.equal(run.local.starts_at, '2027-03-22T09:00:00+01:00');
    assert.equal(run.viewer_local.starts_at, '2027-03-22T04:00:00-04:00');
    const [w0, w1] = run.schedule.first_releases;
    assert.equal(w0.at, '2027-03-22T08:00:00.000Z'); // winter time
    assert.equal(w1.at, '2027-03-29T07:00:00.000Z'); // summer time: still 09:00 in Paris
    assert.equal(w1.local, '2027-03-29T09:00:00+02:00');
    const patched = await author.client.patch(`/api/v1/runs/${run.id}`, { ends_at: '2027-01-01T00:00:00Z' });
    expectInvalidField(patched, 'ends_at');
    expectStatus(await author.client.patch(`/api/v1/runs/${run.id}`, { title: 'Spring' }), 200);
    const list = await server.client().get(runs);
    expectStatus(list, 200); // a public course's runs are public
    assert.equal(list.json.items.length, 1);
    expectInvalidField(await server.client().get(`/api/v1/runs/${run.id}?tz=Nowhere/City`), 'tz');
  });

  test('catalog and course pages: anonymous, member, department-restricted internal COOC, outsider (AC-04)', async () => {
    const tag = `vis${randomHex(3)}`;
    const pub = await course(author.client, orgA, { form: 'mooc', slug: `${tag}-public`, skills: [tag] });
    const internal = await course(author.client, orgA, { form: 'cooc_internal', slug: `${tag}-internal`, skills: [tag] });
    const salesOnly = await course(author.client, orgA, {
      form: 'cooc_internal',
      slug: `${tag}-sales`,
      skills: [tag],
      department_ids: [sales.id],
    });
    assert.deepEqual(salesOnly.department_ids, [sales.id]);
    const spoc = await course(author.client, orgA, { form: 'spoc', slug: `${tag}-spoc`, skills: [tag] });
    const sees = async (client) => {
      const res = await client.get(`/api/v1/courses?skill=${tag}&limit=100`);
      expectStatus(res, 200);
      return res.json.items.map((i) => i.id).sort();
    };
    const sorted = (...ids) => ids.sort();
    assert.deepEqual(await sees(server.client()), [pub.id]);
    assert.deepEqual(await sees(outsider.client), [pub.id]);
    assert.deepEqual(await sees(member.client), sorted(pub.id, internal.id));
    assert.deepEqual(await sees(seller.client), sorted(pub.id, internal.id, salesOnly.id));
    assert.deepEqual(await sees(eastRep.client), sorted(pub.id, internal.id, salesOnly.id));
    assert.deepEqual(await sees(author.client), sorted(pub.id, internal.id, salesOnly.id, spoc.id));
    assert.deepEqual(await sees(admin), sorted(pub.id, internal.id, salesOnly.id, spoc.id));
    // The course pages agree with the catalog.
    expectStatus(await server.client().get(`/api/v1/courses/${pub.id}`), 200);
    expectProblem(await server.client().get(`/api/v1/courses/${internal.id}`), 401);
    expectProblem(await outsider.client.get(`/api/v1/courses/${internal.id}`), 403);
    expectStatus(await member.client.get(`/api/v1/courses/${internal.id}`), 200);
    expectProblem(await member.client.get(`/api/v1/courses/${salesOnly.id}`), 403);
    expectStatus(await eastRep.client.get(`/api/v1/courses/${salesOnly.id}`), 200);
    expectProblem(await member.client.get(`/api/v1/courses/${spoc.id}`), 403);
    expectProblem(await server.client().get(`/api/v1/courses/no-such-course`), 404);
    // Cross-organisation: A's author neither creates in B nor edits B's courses.
    expectProblem(await author.client.post(`/api/v1/orgs/${orgB.id}/courses`, { form: 'mooc', slug: 'intruder', title: 'X' }), 403);
    const bCourse = await course(admin, orgB, { form: 'mooc', slug: `${tag}-b` });
    expectProblem(await author.client.patch(`/api/v1/courses/${bCourse.id}`, { title: 'Hijacked' }), 403);
    expectProblem(await member.client.patch(`/api/v1/courses/${pub.id}`, { title: 'Hijacked' }), 403);
    expectProblem(await member.client.post(`/api/v1/orgs/${orgA.id}/courses`, { form: 'mooc', slug: 'member-made', title: 'X' }), 403);
  });

  test('search: relevance, filters, keyset pagination without gaps or repeats, bad parameters 422 (INJ-01)', async () => {
    const tag = `srch${randomHex(3)}`;
    const now = Date.now();
    const made = [];
    for (let i = 0; i < 7; i += 1) {
      const c = await course(admin, orgB, {
        form: i % 2 ? 'cooc_external' : 'mooc',
        slug: `${tag}-${i}`,
        title: `Quantum ${tag} ${i}`,
        language: i < 2 ? 'fr' : 'en',
        skills: [tag, i === 3 ? 'physics' : 'maths'],
      });
      made.push(c);
      if (i === 5) {
        expectStatus(await admin.post(`/api/v1/courses/${c.id}/runs`, { title: 'Now', starts_at: iso(now - DAY), ends_at: iso(now + 30 * DAY) }), 201);
      }
      if (i === 6) {
        expectStatus(await admin.post(`/api/v1/courses/${c.id}/runs`, { title: 'Soon', starts_at: iso(now + 7 * DAY) }), 201);
      }
    }
    const desc = await course(admin, orgB, { form: 'mooc', slug: `${tag}-desc`, title: 'Gardening', description: `Mentions ${tag} once.` });
    const anon = server.client();
    const ranked = await anon.get(`/api/v1/courses?q=${tag}&limit=100`);
    expectStatus(ranked, 200);
    const ids = ranked.json.items.map((i) => i.id);
    assert.equal(ids.length, 8);
    assert.equal(ids[ids.length - 1], desc.id, 'a description match ranks below title matches');
    const pages = await allPages(anon, { q: tag }, 3);
    assert.deepEqual(pages.map((i) => i.id), ids, 'pages concatenate to the single-page order');
    const unfiltered = await allPages(anon, { organisation: orgB.id }, 2);
    assert.equal(new Set(unfiltered.map((i) => i.id)).size, unfiltered.length);
    const only = async (query) => (await anon.get(`/api/v1/courses?${new URLSearchParams(query)}`)).json.items.map((i) => i.id);
    assert.equal((await only({ q: tag, form: 'cooc_external' })).length, 3);
    assert.equal((await only({ q: tag, language: 'fr' })).length, 2);
    assert.deepEqual(await only({ skill: 'physics', organisation: orgB.id }), [made[3].id]);
    assert.deepEqual(await only({ q: tag, when: 'ongoing' }), [made[5].id]);
    assert.deepEqual(await only({ q: tag, when: 'upcoming' }), [made[6].id]);
    const withRun = (await anon.get(`/api/v1/courses?q=${tag}&when=upcoming&tz=Asia/Tokyo`)).json.items[0];
    assert.ok(withRun.next_run && withRun.next_run.viewer_local.time_zone === 'Asia/Tokyo', JSON.stringify(withRun));
    assert.deepEqual(await only({ q: `${tag} zzzznothing` }), []);
    expectStatus(await anon.get(`/api/v1/courses?q=${encodeURIComponent('" OR 1=1 -- NEAR(* ^')}`), 200);
    expectInvalidField(await anon.get('/api/v1/courses?cursor=forged'), 'cursor');
    expectInvalidField(await anon.get('/api/v1/courses?when=yesterday'), 'when');
    expectInvalidField(await anon.get('/api/v1/courses?form=webinar'), 'form');
    expectInvalidField(await anon.get('/api/v1/courses?limit=0'), 'limit');
    // The anonymous catalog is kept in memory, but a change shows at once:
    // a new course, a course made private, a run added.
    const late = await course(admin, orgB, { form: 'mooc', slug: `${tag}-late`, title: `Quantum ${tag} late` });
    assert.ok((await only({ q: tag, limit: 100 })).includes(late.id), 'a new public course is found at once');
    expectStatus(await admin.patch(`/api/v1/courses/${late.id}`, { visibility: 'private' }), 200);
    assert.ok(!(await only({ q: tag, limit: 100 })).includes(late.id), 'a course made private disappears at once');
    expectStatus(await admin.post(`/api/v1/courses/${made[0].id}/runs`, { title: 'Later', starts_at: iso(now + 9 * DAY) }), 201);
    assert.deepEqual((await only({ q: tag, when: 'upcoming' })).sort(), [made[0].id, made[6].id].sort());
  });

  test('derive a SPOC from a MOOC run: own course, one run, trainer; private sources stay hidden', async () => {
    const mooc = await course(author.client, orgA, { form: 'mooc', slug: `src-${randomHex(2)}`, title: 'Python', skills: ['python'] });
    const run = (await author.client.post(`/api/v1/courses/${mooc.id}/runs`, { title: 'Open run' })).json;
    const trainer = await server.createUser();
    const res = await author.client.post(`/api/v1/runs/${run.id}/spocs`, {
      slug: `spoc-${randomHex(2)}`,
      title: 'Python, cohort A',
      trainer_user_id: trainer.id,
      run: { title: 'Cohort A', starts_at: '2027-01-04T08:00:00Z', time_zone: 'Europe/Paris' },
    });
    expectStatus(res, 201);
    const { course: spoc, run: spocRun } = res.json;
    assert.equal(spoc.form, 'spoc');
    assert.equal(spoc.visibility, 'private');
    assert.equal(spoc.capacity, 30);
    assert.equal(spoc.content_source_course_id, mooc.id);
    assert.equal(spoc.derived_from_run_id, run.id);
    assert.equal(spocRun.course_id, spoc.id);
    assert.equal(spocRun.derived_from_run_id, run.id);
    assert.equal(spocRun.local.starts_at, '2027-01-04T09:00:00+01:00');
    const staff = await author.client.get(`/api/v1/runs/${spocRun.id}/staff`);
    expectStatus(staff, 200);
    assert.deepEqual(staff.json.items, [{ user_id: trainer.id, roles: ['trainer'] }]);
    expectStatus(await trainer.client.get(`/api/v1/courses/${spoc.id}`), 200);
    expectStatus(await trainer.client.get(`/api/v1/runs/${spocRun.id}`), 200);
    expectProblem(await member.client.get(`/api/v1/courses/${spoc.id}`), 403);
    // Not from a SPOC; not into an organisation where one may not create.
    expectInvalidField(await author.client.post(`/api/v1/runs/${spocRun.id}/spocs`, { slug: 'again', title: 'Again' }), 'source_run_id');
    expectProblem(await author.client.post(`/api/v1/runs/${run.id}/spocs`, { slug: 'into-b', title: 'B', organisation_id: orgB.id }), 403);
    expectProblem(await server.client().post(`/api/v1/runs/${run.id}/spocs`, { slug: 'anon', title: 'Anon' }), [401, 403]);
    // A private MOOC of another organisation: the caller cannot see it, so cannot derive from it.
    const hidden = await course(admin, orgB, { form: 'mooc', slug: `hidden-${randomHex(2)}`, visibility: 'private' });
    const hiddenRun = (await admin.post(`/api/v1/courses/${hidden.id}/runs`, { title: 'Hidden run' })).json;
    const denied = await author.client.post(`/api/v1/runs/${hiddenRun.id}/spocs`, { slug: `steal-${randomHex(2)}`, title: 'Stolen' });
    expectStatus(denied, [403, 404]);
    expectProblem(await author.client.post(`/api/v1/runs/no-such-run/spocs`, { slug: 'x-x', title: 'X' }), 404);
    // Nothing half-applied: a derivation with a bad run leaves no course behind.
    const slug = `atomic-${randomHex(2)}`;
    const bad = await author.client.post(`/api/v1/runs/${run.id}/spocs`, {
      slug,
      title: 'Atomic',
      run: { starts_at: '2027-02-01T00:00:00Z', ends_at: '2027-01-01T00:00:00Z' },
    });
    expectInvalidField(bad, 'run/ends_at');
    expectStatus(await author.client.post(`/api/v1/runs/${run.id}/spocs`, { slug, title: 'Atomic' }), 201);
    expectInvalidField(await author.client.post(`/api/v1/runs/${run.id}/spocs`, { slug: `cap-${randomHex(2)}`, title: 'Cap', capacity: -5 }), 'capacity');
  });

  test('staff roles: grant, list, revoke on courses and runs; only editors manage them', async () => {
    const c = await course(author.client, orgA, { form: 'cooc_internal', slug: `staff-${randomHex(2)}` });
    const observer = await server.createUser();
    const url = `/api/v1/courses/${c.id}/staff/${observer.id}/observer`;
    expectProblem(await member.client.request('PUT', url), 403);
    expectStatus(await author.client.request('PUT', url), 204);
    expectStatus(await author.client.request('PUT', url), 204);
    expectInvalidField(await author.client.request('PUT', `/api/v1/courses/${c.id}/staff/${observer.id}/pope`), 'role');
    expectInvalidField(await author.client.request('PUT', `/api/v1/courses/${c.id}/staff/no-such-user/trainer`), 'user_id');
    const list = await author.client.get(`/api/v1/courses/${c.id}/staff`);
    expectStatus(list, 200);
    assert.ok(list.json.items.some((s) => s.user_id === observer.id && s.roles.includes('observer')), list.text);
    assert.ok(list.json.items.some((s) => s.user_id === author.id && s.roles.includes('author')), list.text);
    // The observer of an internal course of an organisation they do not belong to now sees it.
    expectStatus(await observer.client.get(`/api/v1/courses/${c.id}`), 200);
    expectStatus(await author.client.del(url), 204);
    expectProblem(await observer.client.get(`/api/v1/courses/${c.id}`), 403);
    const run = (await author.client.post(`/api/v1/courses/${c.id}/runs`, { title: 'R' })).json;
    expectStatus(await author.client.request('PUT', `/api/v1/runs/${run.id}/staff/${observer.id}/trainer`), 204);
    expectStatus(await observer.client.patch(`/api/v1/runs/${run.id}`, { title: 'Renamed by trainer' }), 200);
    expectProblem(await observer.client.patch(`/api/v1/courses/${c.id}`, { title: 'Not mine' }), 403);
  });
});
