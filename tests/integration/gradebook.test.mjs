// The gradebook over HTTP against the real server: a course with three
// quizzes and a passing rule, learners who take them; the run's trainer
// sets categories, weights and drop-lowest; the learner's own view (grades,
// feedback links, a score the quiz's review hides), the trainer's sorted and
// paged view, an override that changes the course grade and is in the audit
// log, its revert, the run's end turning missing grades into zeros, a
// letter scale of the run's own, the CSV export parsed back (F11), bad
// input, and a learner refused the trainer's view.
import { describe, before, after, test, assert, expectStatus, expectProblem, expectInvalidField } from './lib/harness.mjs';
import { startServer, randomHex, strongPassword } from './lib/server.mjs';

const GIFT = `::Capital:: What is the capital of France? {=Paris ~Lyon ~Marseille}

::Loire:: The Loire is the longest river in France. {T}

::Height:: How high is the Eiffel Tower, in metres? {#330:5}
`;

// RFC 4180, enough for what the export writes: quoted fields with doubled
// quotes, CRLF line ends.
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\r') continue;
    else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

const close = (actual, expected, what) => assert.ok(Math.abs(actual - expected) < 1e-6, `${what}: ${actual}, expected ${expected}`);

describe('the gradebook', () => {
  let server;
  let admin;
  const w = {};
  const account = async (tag, displayName = tag) => {
    const email = server.newEmail(tag);
    const password = strongPassword();
    const res = expectStatus(await admin.post('/api/v1/admin/users', { email, display_name: displayName, password }), 201);
    return { id: res.json.id || res.json.user.id, email, password, client: await server.loginClient(email, password) };
  };
  const learner = async (tag, displayName) => {
    const l = await account(tag, displayName);
    expectStatus(await l.client.post(`/api/v1/runs/${w.run.id}/enrolment`, {}), [200, 201]);
    return l;
  };
  // Takes a quiz once: `right` lists the question titles answered right.
  const take = async (l, block, right) => {
    const path = `/api/v1/runs/${w.run.id}/quizzes/${block}`;
    const at = expectStatus(await l.client.post(`${path}/attempts`, {}), 201).json;
    for (const q of at.questions) {
      let response;
      if (q.type === 'single_choice') response = q.choices.find((c) => c.html.includes(right.includes('Capital') ? 'Paris' : 'Lyon')).id;
      else if (q.type === 'true_false') response = right.includes('Loire');
      else response = right.includes('Height') ? '330' : '10';
      expectStatus(await l.client.request('PUT', `${path}/attempts/${at.id}/answers/${q.slot}`, { json: { sequence: 1, response } }), 200);
    }
    expectStatus(await l.client.post(`${path}/attempts/${at.id}/submit`, {}), 200);
    return at.id;
  };
  const gb = (suffix = '') => `/api/v1/runs/${w.run.id}/gradebook${suffix}`;
  const rowOf = (view, user) => view.learners.find((x) => x.user_id === user.id);

  before(async () => {
    server = await startServer();
    admin = await server.adminClient();
    w.org = expectStatus(await admin.post('/api/v1/orgs', { slug: `gb-${randomHex(3)}`, name: 'Gradebook Org', kind: 'company' }), 201).json;
    w.course = expectStatus(await admin.post(`/api/v1/orgs/${w.org.id}/courses`, {
      form: 'mooc', slug: `gb-${randomHex(3)}`, title: 'France', pacing: 'self_paced', completion: { min_grade: 60 },
    }), 201).json;
    const base = `/api/v1/courses/${w.course.id}`;
    expectStatus(await admin.request('POST', `${base}/bank/import?format=gift`, { body: Buffer.from(GIFT), contentType: 'text/plain; charset=utf-8' }), 201);
    const listed = expectStatus(await admin.get(`${base}/bank/questions?limit=50`), 200).json.items;
    const q = Object.fromEntries(listed.map((x) => [x.title, x.id]));
    const mod = expectStatus(await admin.post(`${base}/modules`, { title: 'Week 1' }), 201).json.id;
    const unit = expectStatus(await admin.post(`${base}/modules/${mod}/units`, { title: 'Checks' }), 201).json.id;
    const quiz = async (title, slots, extra) => expectStatus(await admin.post(`${base}/units/${unit}/blocks`, {
      type: 'quiz', title, settings: { slots: slots.map((t) => ({ question_id: q[t] })), ...extra },
    }), 201).json.id;
    // Week 1 and Week 2 out of 10 and 20; the final exam out of 10, its
    // score hidden from learners until its close date.
    w.week1 = await quiz('Week 1 quiz', ['Capital', 'Loire'], { max_grade: 10 });
    w.week2 = await quiz('Week 2 quiz', ['Height', 'Loire'], { max_grade: 20 });
    w.exam = await quiz('Final exam', ['Capital', 'Loire'], {
      max_grade: 10, review: { after_attempt: { score: false, feedback: false, right_answers: false } },
    });
    expectStatus(await admin.post(`${base}/publish`, {}), [200, 201]);
    const ends = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();
    w.run = expectStatus(await admin.post(`${base}/runs`, { title: 'Spring', ends_at: ends }), 201).json;
    w.trainer = await account('trainer', 'Tina Trainer');
    expectStatus(await admin.request('PUT', `/api/v1/runs/${w.run.id}/staff/${w.trainer.id}/trainer`), [200, 201, 204]);

    // alice: Week 1 100 %, Week 2 50 % (Height wrong), exam 50 % (Loire wrong).
    // bob: Week 1 50 %. carol (whose name a spreadsheet would run): nothing.
    w.alice = await learner('alice', 'Alice Martin');
    w.bob = await learner('bob', 'Bob Durand');
    w.carol = await learner('carol', '=1+2 Carol');
    w.aliceWeek1 = await take(w.alice, w.week1, ['Capital', 'Loire']);
    await take(w.alice, w.week2, ['Loire']);
    await take(w.alice, w.exam, ['Capital']);
    await take(w.bob, w.week1, ['Loire']);
  });
  after(async () => {
    await server.stopCleanly();
  });

  test('every quiz is an item; without categories the course grade is their mean', async () => {
    const setup = expectStatus(await w.trainer.client.get(gb('/categories')), 200).json;
    assert.deepEqual(setup.items.map((i) => i.key), [`quiz:${w.week1}`, `quiz:${w.week2}`, `quiz:${w.exam}`]);
    assert.deepEqual(setup.items.map((i) => i.max_grade), [10, 20, 10]);
    assert.deepEqual(setup.categories, []);
    assert.deepEqual(setup.letters.map((l) => l.letter), ['A', 'B', 'C', 'D', 'F']);
    const mine = expectStatus(await w.alice.client.get(gb('/me')), 200).json;
    // (100 + 50 + 50) / 3 = 66.67: D, and it reaches the course's 60.
    close(mine.course.percent, 66.67, 'course');
    assert.equal(mine.course.letter, 'D');
    assert.equal(mine.course.passed, true);
    assert.equal(mine.course.passing_percent, 60);
  });

  test('categories, weights and drop-lowest shape the learner\'s view', async () => {
    const t = w.trainer.client;
    const cats = expectStatus(await t.request('PUT', gb('/categories'), {
      json: { categories: [{ name: 'Weekly quizzes', weight: 40, drop_lowest: 1 }, { name: 'Exam', weight: 60 }] },
    }), 200).json.categories;
    const [weekly, exam] = cats.map((c) => c.id);
    for (const b of [w.week1, w.week2]) expectStatus(await t.request('PUT', gb(`/items/quiz:${b}`), { json: { category_id: weekly, weight: 1 } }), 200);
    expectStatus(await t.request('PUT', gb(`/items/quiz:${w.exam}`), { json: { category_id: exam } }), 200);
    w.categories = { weekly, exam };

    const mine = expectStatus(await w.alice.client.get(gb('/me')), 200).json;
    const item = (block) => mine.items.find((i) => i.key === `quiz:${block}`);
    // Weekly: 100 and 50, the 50 dropped -> 100. Exam: 50.
    // Course: (40 * 100 + 60 * 50) / 100 = 70: C, passed.
    assert.equal(item(w.week1).grade, 10);
    assert.equal(item(w.week1).max_grade, 10);
    assert.equal(item(w.week1).percent, 100);
    assert.equal(item(w.week1).category.name, 'Weekly quizzes');
    assert.equal(item(w.week2).dropped, true);
    assert.equal(item(w.week2).grade, 10);
    close(mine.categories.find((c) => c.id === weekly).percent, 100, 'weekly');
    close(mine.course.percent, 70, 'course');
    assert.equal(mine.course.letter, 'C');
    assert.equal(mine.course.passed, true);
    // The exam's review hides its score from the learner for now, though it counts.
    assert.equal(item(w.exam).hidden, true);
    assert.equal(item(w.exam).grade, null);
    // The feedback link opens the attempt that counts, with its feedback.
    assert.equal(item(w.week1).feedback_link, `/api/v1/runs/${w.run.id}/quizzes/${w.week1}/attempts/${w.aliceWeek1}`);
    const attempt = expectStatus(await w.alice.client.get(item(w.week1).feedback_link), 200).json;
    assert.equal(attempt.grade, 10);

    // bob: Weekly holds only his 50 (Week 2 not taken, the run goes on);
    // the exam, not taken, is left out: 50, F, not passed.
    const his = expectStatus(await w.bob.client.get(gb('/me')), 200).json;
    close(his.course.percent, 50, 'bob');
    assert.equal(his.course.letter, 'F');
    assert.equal(his.course.passed, false);
    assert.equal(his.items.find((i) => i.key === `quiz:${w.week2}`).counted, false);
  });

  test('the trainer\'s view: every learner and item, sorted by grade and paged; learners are refused it', async () => {
    const t = w.trainer.client;
    const page = expectStatus(await t.get(gb('?sort=grade&order=desc&limit=2')), 200).json;
    assert.equal(page.total, 3);
    assert.deepEqual(page.learners.map((l) => l.user_id), [w.alice.id, w.bob.id]);
    assert.equal(page.next_offset, 2);
    assert.deepEqual(page.items.map((i) => i.title), ['Week 1 quiz', 'Week 2 quiz', 'Final exam']);
    const alice = page.learners[0];
    // The trainer sees the exam grade the learner does not.
    assert.equal(alice.items.find((i) => i.key === `quiz:${w.exam}`).grade, 5);
    close(alice.course.percent, 70, 'alice');
    const rest = expectStatus(await t.get(gb('?sort=grade&order=desc&limit=2&offset=2')), 200).json;
    assert.deepEqual(rest.learners.map((l) => l.user_id), [w.carol.id]);
    assert.equal(rest.learners[0].course.percent, null);
    assert.equal(rest.next_offset, null);
    const byName = expectStatus(await t.get(gb()), 200).json;
    assert.deepEqual(byName.learners.map((l) => l.display_name), ['=1+2 Carol', 'Alice Martin', 'Bob Durand']);
    expectInvalidField(await t.get(gb('?sort=shoe_size')), 'sort');
    expectInvalidField(await t.get(gb('?limit=0')), 'limit');
    // A learner reads only their own.
    expectProblem(await w.alice.client.get(gb()), 403);
    expectProblem(await w.alice.client.get(gb('.csv')), 403);
    expectProblem(await w.alice.client.get(gb('/categories')), 403);
    expectProblem(await w.alice.client.request('PUT', gb(`/overrides/${w.bob.id}/course`), { json: { grade: 100, reason: 'friend' } }), 403);
    expectProblem(await w.trainer.client.get(gb('/me')), 403);
  });

  test('an override changes the course grade, is audited, keeps its history and can be reverted', async () => {
    const t = w.trainer.client;
    const path = gb(`/overrides/${w.alice.id}/quiz:${w.exam}`);
    const set = expectStatus(await t.request('PUT', path, { json: { grade: 80, reason: 'Question 2 was ambiguous' } }), 200).json;
    assert.equal(set.grade, 80);
    assert.equal(set.by, w.trainer.id);
    // Exam 80: (40 * 100 + 60 * 80) / 100 = 88, B.
    let mine = expectStatus(await w.alice.client.get(gb('/me')), 200).json;
    close(mine.course.percent, 88, 'overridden');
    assert.equal(mine.course.letter, 'B');
    const exam = mine.items.find((i) => i.key === `quiz:${w.exam}`);
    assert.equal(exam.overridden, true);
    assert.equal(exam.percent, 80);
    const row = rowOf(expectStatus(await t.get(gb()), 200).json, w.alice);
    const cell = row.items.find((i) => i.key === `quiz:${w.exam}`);
    assert.equal(cell.override_reason, 'Question 2 was ambiguous');
    assert.equal(cell.computed_percent, 50);

    const audit = expectStatus(await admin.get('/api/v1/audit?action=gradebook.override_set'), 200).json;
    const text = JSON.stringify(audit);
    assert.ok(text.includes(w.alice.id) && text.includes('Question 2 was ambiguous'), 'the override is in the audit log');
    const orgAudit = expectStatus(await admin.get(`/api/v1/orgs/${w.org.id}/audit?action=gradebook.override_set`), 200).json;
    assert.ok(JSON.stringify(orgAudit).includes(w.alice.id), 'and in the organisation\'s');

    // Bad overrides: out of range, no reason, no such item, not a learner.
    expectInvalidField(await t.request('PUT', path, { json: { grade: 150, reason: 'x' } }), 'grade');
    expectInvalidField(await t.request('PUT', path, { json: { grade: 50 } }), 'reason');
    expectInvalidField(await t.request('PUT', path, { json: { grade: 50, reason: 'x', extra: 1 } }), 'extra');
    expectProblem(await t.request('PUT', gb(`/overrides/${w.alice.id}/quiz:nope`), { json: { grade: 50, reason: 'x' } }), 404);
    expectProblem(await t.request('PUT', gb(`/overrides/${w.trainer.id}/course`), { json: { grade: 50, reason: 'x' } }), 404);

    expectStatus(await t.request('DELETE', path), 204);
    expectProblem(await t.request('DELETE', path), 404);
    mine = expectStatus(await w.alice.client.get(gb('/me')), 200).json;
    close(mine.course.percent, 70, 'reverted');
    const cleared = expectStatus(await admin.get('/api/v1/audit?action=gradebook.override_cleared'), 200).json;
    assert.ok(JSON.stringify(cleared).includes(w.alice.id), 'the revert is audited');
    const history = expectStatus(await t.get(gb(`/overrides/${w.alice.id}`)), 200).json.items;
    assert.deepEqual(history.map((h) => h.grade), [80, null]);

    // A course override decides the course grade alone.
    expectStatus(await t.request('PUT', gb(`/overrides/${w.bob.id}/course`), { json: { grade: 65, reason: 'Oral exam' } }), 200);
    const his = expectStatus(await w.bob.client.get(gb('/me')), 200).json;
    assert.equal(his.course.percent, 65);
    assert.equal(his.course.overridden, true);
    assert.equal(his.course.passed, true);
    expectStatus(await t.request('DELETE', gb(`/overrides/${w.bob.id}/course`)), 204);
  });

  test('F11: the CSV export has a BOM, one row per learner, and no live formulas', async () => {
    // Read as bytes: a text decoder would swallow the byte-order mark.
    const t = w.trainer.client;
    const res = await fetch(t.base + gb('.csv'), { headers: { cookie: t.cookieHeader() } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/csv/);
    assert.match(res.headers.get('content-disposition'), /attachment; filename="gradebook-[0-9a-f-]+\.csv"/);
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 byte-order mark');
    const rows = parseCsv(bytes.subarray(3).toString('utf8'));
    assert.deepEqual(rows[0], ['Name', 'E-mail', 'Week 1 quiz (%)', 'Week 2 quiz (%)', 'Final exam (%)', 'Course grade (%)', 'Letter']);
    assert.equal(rows.length, 4);
    const byEmail = Object.fromEntries(rows.slice(1).map((r) => [r[1], r]));
    assert.deepEqual(byEmail[w.alice.email], ['Alice Martin', w.alice.email, '100.00', '50.00', '50.00', '70.00', 'C']);
    assert.deepEqual(byEmail[w.bob.email], ['Bob Durand', w.bob.email, '50.00', '', '', '50.00', 'F']);
    // A name a spreadsheet would evaluate is written as text.
    assert.equal(byEmail[w.carol.email][0], "'=1+2 Carol");
  });

  test('a letter scale of the run\'s own; bad set-ups are refused whole', async () => {
    const t = w.trainer.client;
    expectInvalidField(await t.request('PUT', gb('/letters'), { json: { letters: [{ letter: 'Pass', min_percent: 60 }, { letter: 'Fail', min_percent: 10 }] } }), 'letters/1/min_percent');
    expectInvalidField(await t.request('PUT', gb('/letters'), { json: { letters: [{ letter: 'Pass' }] } }), 'letters/0/min_percent');
    expectStatus(await t.request('PUT', gb('/letters'), { json: { letters: [{ letter: 'Pass', min_percent: 60 }, { letter: 'Fail', min_percent: 0 }] } }), 200);
    assert.equal(expectStatus(await w.alice.client.get(gb('/me')), 200).json.course.letter, 'Pass');
    assert.equal(expectStatus(await w.bob.client.get(gb('/me')), 200).json.course.letter, 'Fail');
    expectInvalidField(await t.request('PUT', gb('/categories'), { json: { categories: [{ id: 'no-such', name: 'X' }] } }), 'categories/0/id');
    expectInvalidField(await t.request('PUT', gb('/categories'), { json: { categories: [{ name: '', weight: -1 }] } }), 'categories/0/weight');
    expectProblem(await t.request('PUT', gb(`/items/quiz:${w.week1}`), { json: { category_id: 'no-such' } }), 422);
    expectProblem(await t.request('PUT', gb('/items/quiz:nope'), { json: { weight: 1 } }), 404);
    expectProblem(await t.request('PUT', gb('/categories'), { body: Buffer.from('{"categories": ['), contentType: 'application/json' }), 400);
    const setup = expectStatus(await t.get(gb('/categories')), 200).json;
    assert.deepEqual(setup.categories.map((c) => c.name), ['Weekly quizzes', 'Exam']);
  });

  test('after the run ends, what was never graded counts as 0', async () => {
    const past = new Date(Date.now() - 60 * 1000).toISOString();
    expectStatus(await admin.request('PATCH', `/api/v1/runs/${w.run.id}`, { json: { ends_at: past } }), 200);
    // bob: Weekly 50 and 0, the 0 dropped -> 50; Exam 0.
    // (40 * 50 + 60 * 0) / 100 = 20.
    const his = expectStatus(await w.bob.client.get(gb('/me')), 200).json;
    assert.equal(his.run_ended, true);
    close(his.course.percent, 20, 'bob after the end');
    assert.equal(his.course.passed, false);
    const carol = expectStatus(await w.carol.client.get(gb('/me')), 200).json;
    assert.equal(carol.course.percent, 0);
    // alice took everything: unchanged.
    close(expectStatus(await w.alice.client.get(gb('/me')), 200).json.course.percent, 70, 'alice');
  });
});
