// Course outlines over HTTP: the draft, publication and versions, a run's
// outline with release dates (pinned or latest), the syllabus, derived SPOCs
// sharing their source's content, and the course boundary (AC-02, AC-04).
import { describe, before, after, test, assert, expectStatus, expectProblem } from './lib/harness.mjs';
import { startServer, randomHex } from './lib/server.mjs';

const put = (client, path, json) => client.request('PUT', path, { json });

describe('outline', () => {
  let server;
  let admin;
  let author;
  let stranger;
  let org;
  let course;
  let run;
  const ids = {};

  before(async () => {
    server = await startServer();
    admin = await server.adminClient();
    org = (await admin.post('/api/v1/orgs', { slug: `ol-${randomHex(3)}`, name: 'Outline Org', kind: 'company' })).json;
    const created = await admin.post(`/api/v1/orgs/${org.id}/courses`, {
      form: 'mooc',
      slug: `course-${randomHex(3)}`,
      title: 'Outlines 101',
      pacing: 'scheduled',
    });
    expectStatus(created, 201);
    course = created.json;
    const r = await admin.post(`/api/v1/courses/${course.id}/runs`, {
      title: 'Spring',
      time_zone: 'Europe/Paris',
      schedule: { time_zone: 'Europe/Paris', weekday: 'monday', local_time: '09:00', first_date: '2026-03-16' },
    });
    expectStatus(r, 201);
    run = r.json;
    author = await server.createUser();
    stranger = await server.createUser();
    expectStatus(await put(admin, `/api/v1/courses/${course.id}/staff/${author.id}/author`, {}), [200, 204]);
  });
  after(async () => {
    await server.stopCleanly();
  });

  test('a course author builds the draft; others may not (AC-04)', async () => {
    const c = author.client;
    const base = `/api/v1/courses/${course.id}`;
    const m1 = await c.post(`${base}/modules`, { title: 'Week 1' });
    expectStatus(m1, 201);
    const m2 = await c.post(`${base}/modules`, { title: 'Week 2', prerequisites: [m1.json.id] });
    expectStatus(m2, 201);
    const u1 = await c.post(`${base}/modules/${m1.json.id}/units`, { title: 'Welcome' });
    expectStatus(u1, 201);
    const u2 = await c.post(`${base}/modules/${m2.json.id}/units`, { title: 'Going further' });
    const b1 = await c.post(`${base}/units/${u1.json.id}/blocks`, {
      type: 'text',
      title: 'Read me',
      settings: { markdown: 'Hello <script>alert(1)</script> **world**' },
    });
    expectStatus(b1, 201);
    const b2 = await c.post(`${base}/units/${u2.json.id}/blocks`, { type: 'text', title: 'More', settings: { markdown: 'more' } });
    Object.assign(ids, { m1: m1.json.id, m2: m2.json.id, u1: u1.json.id, u2: u2.json.id, b1: b1.json.id, b2: b2.json.id });

    expectStatus(await c.patch(`${base}/modules/${m2.json.id}`, { title: 'Week 2 (revised)' }), 200);
    const draft = await c.get(`${base}/draft`);
    expectStatus(draft, 200);
    assert.deepEqual(draft.json.modules.map((m) => m.title), ['Week 1', 'Week 2 (revised)']);
    assert.deepEqual(draft.json.modules[1].prerequisites, [m1.json.id]);
    assert.equal(draft.json.modules[0].units[0].blocks[0].id, b1.json.id);

    expectProblem(await stranger.client.post(`${base}/modules`, { title: 'Nope' }), 403);
    expectProblem(await stranger.client.get(`${base}/draft`), 403);
    expectProblem(await server.client().get(`${base}/draft`), 401);
  });

  test('bad input is a 4xx: cycles, unknown fields, wrong types, unknown block type', async () => {
    const base = `/api/v1/courses/${course.id}`;
    const c = author.client;
    const cycle = await c.patch(`${base}/modules/${ids.m1}`, { prerequisites: [ids.m2] });
    expectProblem(cycle, 422);
    assert.ok(cycle.json.errors.some((e) => e.field === 'prerequisites' && e.code === 'cycle'), cycle.text);
    expectProblem(await c.post(`${base}/modules`, { title: 'X', colour: 'red' }), 422);
    expectProblem(await c.post(`${base}/modules`, { title: 'X', position: -1 }), 422);
    expectProblem(await c.post(`${base}/units/${ids.u1}/blocks`, { type: 'hologram', title: 'H' }), 422);
    expectProblem(await c.post(`${base}/units/${ids.u1}/blocks`, { type: 'text', title: 'T', settings: [1] }), 422);
    expectProblem(await c.post(`${base}/units/${ids.u1}/blocks`, { type: 'text', title: 'T', settings: {} }), 422);
    expectProblem(await c.post(`${base}/modules`, '{"title":'), 400);
  });

  test('AC-02: ids of another course are not found through this course', async () => {
    const other = (await admin.post(`/api/v1/orgs/${org.id}/courses`, { form: 'mooc', slug: `other-${randomHex(3)}`, title: 'Other' })).json;
    const base = `/api/v1/courses/${other.id}`;
    expectProblem(await admin.patch(`${base}/units/${ids.u1}`, { title: 'Hijack' }), 404);
    expectProblem(await admin.del(`${base}/blocks/${ids.b1}`), 404);
    expectProblem(await admin.post(`${base}/modules/${ids.m1}/units`, { title: 'X' }), 404);
    const mine = await admin.post(`${base}/modules`, { title: 'Mine' });
    const unit = await admin.post(`${base}/modules/${mine.json.id}/units`, { title: 'Mine' });
    expectProblem(await admin.patch(`${base}/units/${unit.json.id}`, { module_id: ids.m1 }), 422);
    const draft = await author.client.get(`/api/v1/courses/${course.id}/draft`);
    assert.equal(draft.json.modules[0].units[0].title, 'Welcome');
  });

  test('publish creates versions; the run outline shows the latest with release dates', async () => {
    const base = `/api/v1/courses/${course.id}`;
    const before = await admin.get(`/api/v1/runs/${run.id}/outline`);
    expectStatus(before, 200);
    assert.equal(before.json.version, null);
    const v1 = await author.client.post(`${base}/publish`, {});
    expectStatus(v1, 201);
    assert.equal(v1.json.version, 1);
    const list = await author.client.get(`${base}/versions`);
    assert.deepEqual(list.json.items.map((v) => v.version), [1]);
    const doc = await author.client.get(`${base}/versions/1`);
    expectStatus(doc, 200);
    const html = doc.json.outline.modules[0].units[0].blocks[0].html;
    assert.ok(html.includes('<strong>world</strong>') && !html.includes('<script'), html);
    expectProblem(await author.client.get(`${base}/versions/7`), 404);

    const view = await admin.get(`/api/v1/runs/${run.id}/outline`);
    expectStatus(view, 200);
    assert.equal(view.json.version, 1);
    const [w1, w2] = view.json.modules;
    assert.equal(w1.release_at, '2026-03-16T08:00:00.000Z');
    assert.equal(w1.release_at_local, '2026-03-16T09:00:00+01:00');
    assert.equal(w2.release_at_local, '2026-03-23T09:00:00+01:00');
    assert.equal(w1.released, true);
    assert.deepEqual(w2.prerequisites, [ids.m1]);
    const ny = await admin.get(`/api/v1/runs/${run.id}/outline?tz=America/New_York`);
    assert.equal(ny.json.modules[0].release_at_local, '2026-03-16T04:00:00-04:00');
    expectProblem(await admin.get(`/api/v1/runs/${run.id}/outline?tz=Nowhere/Land`), 422);

    // The course's staff read it; someone neither enrolled nor staff does not.
    expectStatus(await author.client.get(`/api/v1/runs/${run.id}/outline`), 200);
    expectProblem(await stranger.client.get(`/api/v1/runs/${run.id}/outline`), 403);
    // A public course's syllabus: titles for anyone, no block content.
    const syl = await server.client().get(`${base}/syllabus`);
    expectStatus(syl, 200);
    assert.deepEqual(syl.json.modules.map((m) => m.title), ['Week 1', 'Week 2 (revised)']);
    assert.ok(!syl.text.includes('Read me'), syl.text);
  });

  test('explicit release dates per run; unreleased modules hide their blocks', async () => {
    const path = `/api/v1/runs/${run.id}/releases/${ids.m2}`;
    expectStatus(await put(admin, path, { release_at: '2035-01-01T09:00:00+01:00' }), 200);
    let view = await admin.get(`/api/v1/runs/${run.id}/outline`);
    const w2 = view.json.modules[1];
    assert.equal(w2.release_at, '2035-01-01T08:00:00.000Z');
    assert.equal(w2.released, false);
    assert.equal(w2.units[0].title, 'Going further');
    assert.equal(w2.units[0].blocks, undefined);
    expectProblem(await put(admin, path, { release_at: 'next tuesday' }), 422);
    expectProblem(await put(admin, `/api/v1/runs/${run.id}/releases/not-a-module`, { release_at: '2035-01-01T00:00:00Z' }), 404);
    expectProblem(await put(stranger.client, path, { release_at: '2035-01-01T00:00:00Z' }), 403);
    expectStatus(await admin.del(path), 204);
    view = await admin.get(`/api/v1/runs/${run.id}/outline`);
    assert.equal(view.json.modules[1].released, true);
    assert.equal(view.json.modules[1].units[0].blocks.length, 1);
  });

  test('a pinned run keeps its version while the latest moves on', async () => {
    const base = `/api/v1/courses/${course.id}`;
    const pinned = await admin.post(`${base}/runs`, { title: 'Pinned', pinned_version: 1 });
    expectStatus(pinned, 201);
    expectStatus(await author.client.post(`${base}/modules`, { title: 'Week 3' }), 201);
    expectStatus(await author.client.post(`${base}/publish`, {}), 201);
    const latest = await admin.get(`/api/v1/runs/${run.id}/outline`);
    assert.equal(latest.json.version, 2);
    assert.equal(latest.json.modules.length, 3);
    const old = await admin.get(`/api/v1/runs/${pinned.json.id}/outline`);
    assert.equal(old.json.version, 1);
    assert.equal(old.json.modules.length, 2);
  });

  test('a derived SPOC shares the content until its author changes a module', async () => {
    const derived = await admin.post(`/api/v1/runs/${run.id}/spocs`, { slug: `spoc-${randomHex(3)}`, title: 'Our SPOC' });
    expectStatus(derived, 201);
    const spoc = derived.json.course;
    const spocRun = derived.json.run;
    let view = await admin.get(`/api/v1/runs/${spocRun.id}/outline`);
    expectStatus(view, 200);
    assert.equal(view.json.content_course_id, course.id);
    assert.equal(view.json.modules.length, 3);

    const sbase = `/api/v1/courses/${spoc.id}`;
    expectStatus(await admin.patch(`${sbase}/blocks/${ids.b1}`, { settings: { markdown: 'SPOC version' } }), 200);
    const draft = await admin.get(`${sbase}/draft`);
    assert.equal(draft.json.modules[0].copied_from.course_id, course.id);
    assert.equal(draft.json.modules[0].units[0].blocks[0].settings.markdown, 'SPOC version');
    assert.equal(draft.json.modules[1].shared_from.course_id, course.id);
    // The source is untouched; the source's author has no say in the SPOC.
    const source = await author.client.get(`/api/v1/courses/${course.id}/draft`);
    assert.notEqual(source.json.modules[0].units[0].blocks[0].settings.markdown, 'SPOC version');
    expectProblem(await author.client.post(`${sbase}/publish`, {}), 403);

    expectStatus(await admin.post(`${sbase}/publish`, {}), 201);
    view = await admin.get(`/api/v1/runs/${spocRun.id}/outline`);
    assert.equal(view.json.content_course_id, spoc.id);
    // The outline maps the content; the block itself carries the SPOC's text.
    assert.deepEqual(Object.keys(view.json.modules[0].units[0].blocks[0]).sort(), ['id', 'title', 'type']);
    const b1 = expectStatus(await admin.get(`/api/v1/runs/${spocRun.id}/blocks/${ids.b1}`), 200).json;
    assert.equal(b1.block.settings.markdown, 'SPOC version');
    assert.match(b1.block.html, /SPOC version/);
    assert.equal(view.json.modules[1].title, 'Week 2 (revised)');
    // A SPOC is private: no syllabus and no outline for visitors.
    expectProblem(await server.client().get(`${sbase}/syllabus`), 401);
    expectProblem(await server.client().get(`/api/v1/runs/${spocRun.id}/outline`), 401);
    expectProblem(await stranger.client.get(`${sbase}/syllabus`), 403);
  });
});
