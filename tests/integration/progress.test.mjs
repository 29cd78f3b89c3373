// Learners' progress over HTTP: opening blocks with the locks of
// prerequisites and release dates, reports (viewed, played segments,
// position), the roll-up, time on task, resume, the dashboard, the trainer's
// matrix, the xAPI statements each report writes (read back with the
// independent @xapi/xapi client), bad input, and DUR after kill -9.
import XAPI from '@xapi/xapi';
import { mp4 } from './lib/media.mjs';
import { describe, before, after, test, assert, expectStatus, expectProblem, expectInvalidField } from './lib/harness.mjs';
import { startServer, randomHex, strongPassword } from './lib/server.mjs';


async function uploadFile(client, courseId, name, bytes) {
  const begun = expectStatus(await client.post(`/api/v1/courses/${courseId}/uploads`, { name, size: bytes.length }), 201);
  const done = await client.request('PUT', `/api/v1/courses/${courseId}/uploads/${begun.json.id}`, {
    body: bytes,
    contentType: 'application/octet-stream',
    headers: { 'content-range': `bytes 0-${bytes.length - 1}/${bytes.length}` },
  });
  expectStatus(done, [200, 201]);
  const files = expectStatus(await client.get(`/api/v1/courses/${courseId}/files`), 200).json;
  const list = files.items || files;
  const file = list.find((f) => f.name === name);
  assert.ok(file, `the uploaded ${name} is listed`);
  return file.id;
}

// A course with: module A (a text, a 100 s video), module B requiring A (a
// text), module C (a text) that a release date keeps closed for a week.
async function buildCourse(server, admin) {
  const org = expectStatus(await admin.post('/api/v1/orgs', { slug: `pg-${randomHex(3)}`, name: 'Progress Org', kind: 'company' }), 201).json;
  const course = expectStatus(await admin.post(`/api/v1/orgs/${org.id}/courses`, {
    form: 'mooc', slug: `p-${randomHex(3)}`, title: 'Statistics', pacing: 'self_paced',
  }), 201).json;
  const base = `/api/v1/courses/${course.id}`;
  const video = await uploadFile(admin, course.id, 'lecture.mp4', mp4(64 * 1024));
  const ids = {};
  const mod = async (key, body) => { ids[key] = expectStatus(await admin.post(`${base}/modules`, body), 201).json.id; };
  const unit = async (key, m) => { ids[key] = expectStatus(await admin.post(`${base}/modules/${ids[m]}/units`, { title: key }), 201).json.id; };
  const block = async (key, u, body) => { ids[key] = expectStatus(await admin.post(`${base}/units/${ids[u]}/blocks`, body), 201).json.id; };
  await mod('A', { title: 'Basics' });
  await mod('B', { title: 'Inference', prerequisites: [ids.A] });
  await mod('C', { title: 'Models' });
  await unit('uA', 'A');
  await unit('uB', 'B');
  await unit('uC', 'C');
  await block('t1', 'uA', { type: 'text', title: 'Welcome', settings: { markdown: '# Welcome\n\nMean and *median*.' } });
  await block('v1', 'uA', { type: 'video', title: 'Lecture', settings: { file: video, duration_seconds: 100 } });
  await block('t2', 'uB', { type: 'text', title: 'Tests', settings: { markdown: 'p-values' } });
  await block('t3', 'uC', { type: 'text', title: 'Regression', settings: { markdown: 'lines' } });
  expectStatus(await admin.post(`${base}/publish`, {}), [200, 201]);
  const run = expectStatus(await admin.post(`${base}/runs`, { title: 'Open run' }), 201).json;
  const week = new Date(Date.now() + 7 * 86400000).toISOString();
  expectStatus(await admin.request('PUT', `/api/v1/runs/${run.id}/releases/${ids.C}`, { json: { release_at: week } }), [200, 204]);
  return { org, course, run, ids };
}

describe('progress', () => {
  let server;
  let admin;
  let world;
  let learner;
  let other;
  let trainer;
  let enrolmentId;
  const runPath = () => `/api/v1/runs/${world.run.id}`;
  const report = (who, block, body) => who.client.post(`${runPath()}/blocks/${world.ids[block]}/progress`, body);

  const account = async (tag) => {
    const email = server.newEmail(tag);
    const password = strongPassword();
    const res = expectStatus(await admin.post('/api/v1/admin/users', { email, display_name: tag, password }), 201);
    return { id: res.json.id || res.json.user.id, email, password, client: await server.loginClient(email, password) };
  };

  before(async () => {
    server = await startServer();
    admin = await server.adminClient();
    world = await buildCourse(server, admin);
    learner = await account('Learner');
    other = await account('other');
    trainer = await account('trainer');
    expectStatus(await admin.request('PUT', `${runPath()}/staff/${trainer.id}/trainer`), [200, 201, 204]);
    enrolmentId = expectStatus(await learner.client.post(`${runPath()}/enrolment`, {}), [200, 201]).json.id;
    expectStatus(await other.client.post(`${runPath()}/enrolment`, {}), [200, 201]);
  });
  after(async () => {
    await server.stopCleanly();
  });

  test('a learner opens a text block and a viewed report completes it', async () => {
    const opened = expectStatus(await learner.client.get(`${runPath()}/blocks/${world.ids.t1}`), 200).json;
    assert.equal(opened.block.id, world.ids.t1);
    assert.match(opened.block.html, /<em>median<\/em>/);
    assert.equal(opened.module_id, world.ids.A);
    assert.equal(opened.progress.completed, false);
    assert.equal(opened.progress.completion, 'viewed');
    const state = expectStatus(await report(learner, 't1', { type: 'viewed' }), 200).json;
    assert.equal(state.viewed, true);
    assert.equal(state.completed, true);
    assert.ok(Date.parse(state.completed_at) > 0);
  });

  test('prerequisites and release dates lock blocks for learners, not for trainers', async () => {
    const early = expectProblem(await learner.client.get(`${runPath()}/blocks/${world.ids.t2}`), 403);
    assert.equal(early.errors[0].code, 'prerequisites');
    expectProblem(await report(learner, 't2', { type: 'viewed' }), 403);
    const closed = expectProblem(await learner.client.get(`${runPath()}/blocks/${world.ids.t3}`), 403);
    assert.equal(closed.errors[0].code, 'not_released');
    const staff = expectStatus(await trainer.client.get(`${runPath()}/blocks/${world.ids.t3}`), 200).json;
    assert.equal(staff.progress, null);
    // Trainers read but do not report; strangers do neither.
    expectProblem(await report(trainer, 't1', { type: 'viewed' }), 403);
    const stranger = await account('stranger');
    expectProblem(await stranger.client.get(`${runPath()}/blocks/${world.ids.t1}`), 403);
    expectProblem(await learner.client.get(`${runPath()}/blocks/no-such-block`), 404);
  });

  test('a video counts as watched at 90% really played; seeking does not count', async () => {
    expectStatus(await report(learner, 'v1', { type: 'viewed' }), 200);
    await server.advanceClock(60_000);
    let s = expectStatus(await report(learner, 'v1', { type: 'played', from: 0, to: 50, duration: 100 }), 200).json;
    assert.equal(s.watched_seconds, 50);
    assert.equal(s.duration_seconds, 100);
    // A seek to 85 is a position, not playing.
    s = expectStatus(await report(learner, 'v1', { type: 'position', position: 85 }), 200).json;
    assert.equal(s.position_seconds, 85);
    assert.equal(s.watched_seconds, 50);
    await server.advanceClock(20_000);
    s = expectStatus(await report(learner, 'v1', { type: 'played', from: 85, to: 100 }), 200).json;
    assert.equal(s.watched_seconds, 65);
    assert.equal(s.completed, false);
    // Replaying the start adds nothing.
    await server.advanceClock(20_000);
    s = expectStatus(await report(learner, 'v1', { type: 'played', from: 10, to: 40 }), 200).json;
    assert.equal(s.watched_seconds, 65);
    await server.advanceClock(30_000);
    s = expectStatus(await report(learner, 'v1', { type: 'played', from: 50, to: 75, position: 75 }), 200).json;
    assert.equal(s.watched_seconds, 90);
    assert.equal(s.watched_fraction, 0.9);
    assert.equal(s.completed, true);
    assert.equal(s.position_seconds, 75);
  });

  test("a video's file is served through the run, with byte ranges, to its learners and staff only", async () => {
    const b = expectStatus(await learner.client.get(`${runPath()}/blocks/${world.ids.v1}`), 200).json;
    const url = b.block.media.video.url;
    assert.ok(url.startsWith(`${runPath()}/files/`), url);
    assert.ok(url.endsWith('/content'), url);
    for (const who of [learner, trainer]) {
      const part = await who.client.request('GET', url, { headers: { range: 'bytes=0-99' } });
      expectStatus(part, 206);
      assert.equal(part.headers.get('content-range'), `bytes 0-99/${64 * 1024}`);
      assert.equal(part.headers.get('x-content-type-options'), 'nosniff');
    }
    const stranger = await account('peeker');
    expectProblem(await stranger.client.get(url), 403);
    expectProblem(await server.client().get(url), 401);
    // A file id of another course is not reachable through this run (AC-02).
    const elsewhere = expectStatus(await admin.post(`/api/v1/orgs/${world.org.id}/courses`, {
      form: 'mooc', slug: `x-${randomHex(3)}`, title: 'Elsewhere',
    }), 201).json;
    const foreign = await uploadFile(admin, elsewhere.id, 'other.mp4', mp4(1024));
    expectProblem(await learner.client.get(`${runPath()}/files/${foreign}/content`), 404);
  });

  test('a report claiming more than the wall clock allows is cut', async () => {
    expectStatus(await report(other, 'v1', { type: 'viewed' }), 200);
    await server.advanceClock(10_000);
    const s = expectStatus(await report(other, 'v1', { type: 'played', from: 0, to: 100 }), 200).json;
    // 2 x 10 s + 5 s, and twice the few milliseconds the requests took.
    assert.ok(s.watched_seconds >= 25 && s.watched_seconds < 26, String(s.watched_seconds));
    assert.equal(s.completed, false);
  });

  test('module A complete: B opens; progress rolls up with resume and time on task', async () => {
    const opened = expectStatus(await learner.client.get(`${runPath()}/blocks/${world.ids.t2}`), 200).json;
    assert.equal(opened.progress.completed, false);
    const p = expectStatus(await learner.client.get(`${runPath()}/progress/me`), 200).json;
    assert.equal(p.counted, 4);
    assert.equal(p.completed, 2);
    assert.equal(p.percent, 50);
    assert.deepEqual(p.modules.map((m) => m.percent), [100, 0, 0]);
    assert.deepEqual(p.modules.map((m) => m.open), [true, true, false]);
    assert.equal(p.modules[2].released, false);
    assert.equal(p.resume.block_id, world.ids.t2);
    // The reports above came at most 60 s apart on the test clock.
    assert.ok(p.time_on_task_seconds >= 60 && p.time_on_task_seconds <= 300, String(p.time_on_task_seconds));
    expectProblem(await trainer.client.get(`${runPath()}/progress/me`), 403);
  });

  test('the trainer sees the matrix, sorted and paged; bad parameters are 422', async () => {
    const m = expectStatus(await trainer.client.get(`${runPath()}/progress?sort=progress&order=desc`), 200).json;
    assert.equal(m.total, 2);
    assert.deepEqual(m.modules.map((x) => x.id), [world.ids.A, world.ids.B, world.ids.C]);
    assert.equal(m.learners[0].user_id, learner.id);
    assert.equal(m.learners[0].display_name, 'Learner');
    assert.deepEqual(m.learners[0].modules.map((x) => x.percent), [100, 0, 0]);
    assert.equal(m.learners[1].user_id, other.id);
    assert.equal(m.learners[1].completed, 0);
    const page = expectStatus(await trainer.client.get(`${runPath()}/progress?sort=name&limit=1`), 200).json;
    assert.equal(page.learners.length, 1);
    assert.equal(page.next_offset, 1);
    expectInvalidField(await trainer.client.get(`${runPath()}/progress?sort=shoe_size`), 'sort');
    expectInvalidField(await trainer.client.get(`${runPath()}/progress?limit=0`), 'limit');
    expectProblem(await learner.client.get(`${runPath()}/progress`), 403);
  });

  test('the dashboard lists the enrolment with progress, resume, deadlines and recent activity', async () => {
    const d = expectStatus(await learner.client.get('/api/v1/me/dashboard'), 200).json;
    const e = d.enrolments.find((x) => x.run_id === world.run.id);
    assert.ok(e);
    assert.equal(e.percent, 50);
    assert.equal(e.course_title, 'Statistics');
    assert.equal(e.resume.block_id, world.ids.t2);
    assert.ok(d.deadlines.some((x) => x.kind === 'module_release' && x.title === 'Models'));
    assert.equal(d.recent[0].block_id, world.ids.v1);
    const fresh = await account('fresh');
    const none = expectStatus(await fresh.client.get('/api/v1/me/dashboard'), 200).json;
    assert.deepEqual(none.enrolments, []);
    expectProblem(await server.client().get('/api/v1/me/dashboard'), 401);
  });

  test('every report is in the LRS, read back by an independent xAPI client', async () => {
    const creds = expectStatus(await admin.post(`/api/v1/orgs/${world.org.id}/lrs-clients`, { name: 'Reports' }), 201).json;
    const xapi = new XAPI({ endpoint: creds.endpoint, auth: XAPI.toBasicAuth(creds.key, creds.secret), version: '2.0.0' });
    const res = await xapi.getStatements({ registration: enrolmentId, limit: 100 });
    const statements = res.data.statements;
    const verbs = statements.map((s) => s.verb.id.split('/').pop());
    assert.ok(verbs.includes('experienced'));
    assert.ok(verbs.includes('progressed'));
    assert.equal(verbs.filter((v) => v === 'completed').length, 3, 't1, v1 and module A');
    for (const s of statements) {
      assert.equal(s.actor.account.name, learner.id);
      assert.equal(s.context.registration, enrolmentId);
    }
    const watched = statements.find((s) => s.verb.id.endsWith('/completed') && s.object.id.endsWith(`/blocks/${world.ids.v1}`));
    assert.ok(watched, 'the video completion');
    const progressed = statements.filter((s) => s.verb.id.endsWith('/progressed'));
    const last = progressed[0];  // newest first
    assert.equal(last.result.extensions['https://w3id.org/xapi/video/extensions/played-segments'], '0[.]75[,]85[.]100');
    assert.equal(last.context.contextActivities.parent[0].id.split('/').pop(), world.ids.A);
  });

  test('bad input is a 4xx problem', async () => {
    const path = `${runPath()}/blocks/${world.ids.v1}/progress`;
    expectProblem(await learner.client.request('POST', path, { body: '{"type":', contentType: 'application/json' }), 400);
    expectInvalidField(await report(learner, 'v1', { type: 'jump' }), 'type');
    expectInvalidField(await report(learner, 'v1', { type: 'played', from: 'zero', to: 5 }), 'from');
    expectInvalidField(await report(learner, 'v1', { type: 'played', from: 0 }), 'to');
    expectInvalidField(await report(learner, 'v1', { type: 'played', from: 9, to: 3 }), 'to');
    expectInvalidField(await report(learner, 'v1', { type: 'played', from: 0, to: 1e9 }), 'to');
    expectInvalidField(await report(learner, 'v1', { type: 'viewed', extra: 1 }), 'extra');
    expectInvalidField(await report(learner, 't1', { type: 'played', from: 0, to: 5 }), 'type');
    expectProblem(await learner.client.request('POST', path, { body: 'type=viewed', contentType: 'application/x-www-form-urlencoded' }), 415);
  });

  test('DUR: an acknowledged report survives kill -9', async () => {
    const local = await startServer();
    let restarted;
    try {
      const a = await local.adminClient();
      const w = await buildCourse(local, a);
      const email = local.newEmail('dur');
      const password = strongPassword();
      expectStatus(await a.post('/api/v1/admin/users', { email, display_name: 'Dur', password }), 201);
      const c = await local.loginClient(email, password);
      expectStatus(await c.post(`/api/v1/runs/${w.run.id}/enrolment`, {}), [200, 201]);
      const s = expectStatus(await c.post(`/api/v1/runs/${w.run.id}/blocks/${w.ids.t1}/progress`, { type: 'viewed' }), 200).json;
      assert.equal(s.completed, true);
      local.signal('SIGKILL');
      await local.stop({ keepData: true });
      restarted = await startServer({ dataDir: local.dataDir, database: local.db });
      const again = await restarted.loginClient(email, password);
      const p = expectStatus(await again.get(`/api/v1/runs/${w.run.id}/progress/me`), 200).json;
      assert.equal(p.completed, 1);
      assert.equal(p.modules[0].units[0].blocks[0].completed, true);
    } finally {
      if (restarted) await restarted.stopCleanly();
    }
  });
});
