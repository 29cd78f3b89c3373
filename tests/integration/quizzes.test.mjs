// Question banks and quizzes over HTTP against the real server: the bank's
// versions and all-or-nothing GIFT imports, a quiz block's attempts with
// autosave (sequence numbers, BL-03), submission and grading, review
// options, attempt limits, one open attempt under 50 parallel starts
// (BL-02), the time limit judged on the server clock with the timer
// finishing the attempt from its autosaved answers (BL-04, DATA-06),
// progress completed by a passed quiz, the xAPI statements of an attempt,
// bad input, and DATA-03/DATA-04 after kill -9.
import net from 'node:net';
import XAPI from '@xapi/xapi';
import { describe, before, after, test, assert, expectStatus, expectProblem, expectInvalidField } from './lib/harness.mjs';
import { startServer, randomHex, strongPassword } from './lib/server.mjs';

const GIFT = `$CATEGORY: Geography

::Capital:: What is the capital of France? {=Paris#Right. ~Lyon#No, Lyon is the third city. ~Marseille}

::Rivers:: Which of these are rivers of France? {~%50%Loire ~%50%Seine ~%-100%Danube}

::Loire:: The Loire is the longest river in France. {T}

::Height:: How high is the Eiffel Tower, in metres? {#330:5}

::Essay:: Describe your favourite French city. {}
`;

// A course whose bank holds the questions above, with a quiz block
// (`quiz`: five fixed questions, 2 attempts, review without right answers
// until the close date) and a timed quiz (`timed`: 60 s, one question),
// published, with an open run.
async function buildQuizCourse(server, admin) {
  const org = expectStatus(await admin.post('/api/v1/orgs', { slug: `qz-${randomHex(3)}`, name: 'Quiz Org', kind: 'company' }), 201).json;
  const course = expectStatus(await admin.post(`/api/v1/orgs/${org.id}/courses`, {
    form: 'mooc', slug: `q-${randomHex(3)}`, title: 'France', pacing: 'self_paced',
  }), 201).json;
  const base = `/api/v1/courses/${course.id}`;
  const imported = expectStatus(await admin.request('POST', `${base}/bank/import?format=gift`, {
    body: Buffer.from(GIFT), contentType: 'text/plain; charset=utf-8',
  }), 201).json;
  assert.equal(imported.imported, 5);
  const listed = expectStatus(await admin.get(`${base}/bank/questions?limit=50`), 200).json.items;
  const q = Object.fromEntries(listed.map((x) => [x.title, x]));
  const mod = expectStatus(await admin.post(`${base}/modules`, { title: 'Week 1' }), 201).json.id;
  const unit = expectStatus(await admin.post(`${base}/modules/${mod}/units`, { title: 'Check' }), 201).json.id;
  const quiz = expectStatus(await admin.post(`${base}/units/${unit}/blocks`, {
    type: 'quiz', title: 'Geography quiz',
    settings: {
      slots: ['Capital', 'Rivers', 'Loire', 'Height', 'Essay'].map((t, i) => ({ question_id: q[t].id, page: i < 3 ? 1 : 2 })),
      attempts_allowed: 2, passing_percent: 50, max_grade: 20,
      review: { after_attempt: { score: true, feedback: true, right_answers: false } },
    },
  }), 201).json.id;
  const auto = expectStatus(await admin.post(`${base}/units/${unit}/blocks`, {
    type: 'quiz', title: 'Auto-graded quiz',
    settings: { slots: ['Capital', 'Loire', 'Height'].map((t) => ({ question_id: q[t].id, mark: 2 })), passing_percent: 60 },
  }), 201).json.id;
  const timed = expectStatus(await admin.post(`${base}/units/${unit}/blocks`, {
    type: 'quiz', title: 'Timed', settings: { slots: [{ question_id: q.Capital.id }], time_limit_seconds: 60 },
  }), 201).json.id;
  expectStatus(await admin.post(`${base}/publish`, {}), [200, 201]);
  const run = expectStatus(await admin.post(`${base}/runs`, { title: 'Open run' }), 201).json;
  return { org, course, run, q, blocks: { quiz, auto, timed } };
}

describe('question banks and quizzes', () => {
  let server;
  let admin;
  let world;
  const account = async (tag, s = server, a = admin) => {
    const email = s.newEmail(tag);
    const password = strongPassword();
    const res = expectStatus(await a.post('/api/v1/admin/users', { email, display_name: tag, password }), 201);
    return { id: res.json.id || res.json.user.id, email, password, client: await s.loginClient(email, password) };
  };
  const learnerIn = async (w, tag, s = server, a = admin) => {
    const l = await account(tag, s, a);
    expectStatus(await l.client.post(`/api/v1/runs/${w.run.id}/enrolment`, {}), [200, 201]);
    return l;
  };
  const quizPath = (w, block) => `/api/v1/runs/${w.run.id}/quizzes/${w.blocks[block]}`;
  const choice = (attempt, slot, html) => {
    const q = attempt.questions.find((x) => x.slot === slot);
    const c = q.choices.find((x) => x.html.includes(html));
    assert.ok(c, `a choice with ${html}`);
    return c.id;
  };
  const slotOf = (attempt, type) => attempt.questions.find((x) => x.type === type).slot;

  before(async () => {
    server = await startServer();
    admin = await server.adminClient();
    world = await buildQuizCourse(server, admin);
  });
  after(async () => {
    await server.stopCleanly();
  });

  test('the bank keeps every version and refuses a stale edit', async () => {
    const base = `/api/v1/courses/${world.course.id}/bank`;
    const cap = world.q.Capital;
    const edited = { ...cap.question, general_feedback: 'Paris has been the capital since 987.' };
    const v2 = expectStatus(await admin.request('PUT', `${base}/questions/${cap.id}`, {
      json: { category_id: cap.category_id, base_version: 1, question: edited, tags: ['europe'] },
    }), 200).json;
    assert.equal(v2.version, 2);
    assert.deepEqual(v2.tags, ['europe']);
    const stale = expectProblem(await admin.request('PUT', `${base}/questions/${cap.id}`, {
      json: { category_id: cap.category_id, base_version: 1, question: cap.question },
    }), 412);
    assert.match(stale.detail, /current version is 2/);
    const v1 = expectStatus(await admin.get(`${base}/questions/${cap.id}?version=1`), 200).json;
    assert.equal(v1.question.general_feedback, '');
    const versions = expectStatus(await admin.get(`${base}/questions/${cap.id}/versions`), 200).json.items;
    assert.deepEqual(versions.map((v) => v.version), [2, 1]);
    const bad = expectProblem(await admin.post(`${base}/questions`, {
      category_id: cap.category_id,
      question: { type: 'single_choice', title: 'x', text: 'y', choices: [{ text: 'a', fraction: 0.5 }, { text: 'b', fraction: 0 }] },
    }), 422);
    assert.ok(bad.errors.some((e) => e.field.startsWith('question/')), JSON.stringify(bad.errors));
  });

  test('a quiz block naming a question the bank lacks is refused at edit time, with the slot', async () => {
    const base = `/api/v1/courses/${world.course.id}`;
    const draft = expectStatus(await admin.get(`${base}/draft`), 200).json;
    const unit = draft.modules[0].units[0].id;
    const bad = expectProblem(await admin.post(`${base}/units/${unit}/blocks`, {
      type: 'quiz', title: 'Broken',
      settings: { slots: [{ question_id: world.q.Capital.id }, { question_id: 'no-such-question' }] },
    }), 422);
    assert.ok(bad.errors.some((e) => e.field === 'settings/slots/1/question_id' && e.code === 'unknown'), JSON.stringify(bad.errors));
    const few = expectProblem(await admin.post(`${base}/units/${unit}/blocks`, {
      type: 'quiz', title: 'Too many draws',
      settings: { slots: [{ random: { category_id: world.q.Capital.category_id, count: 50 } }] },
    }), 422);
    assert.ok(few.errors.some((e) => e.field === 'settings/slots/0/random/count' && e.code === 'not_enough_questions'), JSON.stringify(few.errors));
    const typo = expectProblem(await admin.post(`${base}/units/${unit}/blocks`, {
      type: 'quiz', title: 'Typo', settings: { slots: [{ question_id: world.q.Capital.id }], attempts: 2 },
    }), 422);
    assert.ok(typo.errors.some((e) => e.field === 'settings/attempts' && e.code === 'unknown_field'), JSON.stringify(typo.errors));
  });

  test('a GIFT file with an error imports nothing and says where; skip_bad imports the rest', async () => {
    const base = `/api/v1/courses/${world.course.id}/bank`;
    const before = expectStatus(await admin.get(`${base}/questions`), 200).json.total;
    const broken = '::A:: First {=yes ~no}\n\n::B:: Never closed {=yes ~no\n\n::C:: True? {T}\n';
    const refused = expectProblem(await admin.request('POST', `${base}/import?format=gift`, {
      body: Buffer.from(broken), contentType: 'text/plain',
    }), 422);
    assert.ok(refused.problems.some((p) => p.line === 3), JSON.stringify(refused.problems));
    assert.equal(expectStatus(await admin.get(`${base}/questions`), 200).json.total, before);
    const done = expectStatus(await admin.request('POST', `${base}/import?format=gift&skip_bad=true`, {
      body: Buffer.from(broken), contentType: 'text/plain',
    }), 201).json;
    assert.equal(done.imported, 2);
    assert.equal(expectStatus(await admin.get(`${base}/questions`), 200).json.total, before + 2);
    expectProblem(await admin.request('POST', `${base}/import?format=docx`, { body: Buffer.from('x'), contentType: 'text/plain' }), 422);
    const exported = await admin.get(`${base}/export?format=moodle_xml`);
    expectStatus(exported, 200);
    assert.match(exported.headers.get('content-type'), /application\/xml/);
    assert.match(exported.text, /<question type="multichoice">/);
    // A file over the import limit (16 MiB) is refused from its declared
    // length, before its body is read.
    const reply = await new Promise((resolve, reject) => {
      const socket = net.connect(server.port, '127.0.0.1');
      const chunks = [];
      const timer = setTimeout(() => socket.destroy(), 5000);
      socket.on('data', (d) => chunks.push(d));
      socket.on('error', reject);
      socket.on('close', () => { clearTimeout(timer); resolve(Buffer.concat(chunks).toString('latin1')); });
      socket.write(`POST ${base}/import?format=gift HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${admin.cookieHeader()}\r\n` +
        `X-CSRF-Token: ${admin.csrf}\r\nContent-Type: text/plain\r\nContent-Length: ${16 * 1024 * 1024 + 1}\r\nConnection: close\r\n\r\n`);
    });
    assert.match(reply, /^HTTP\/1\.1 413 /, reply.slice(0, 200));
    // Another course of the organisation uses this bank once it is shared.
    const sibling = expectStatus(await admin.post(`/api/v1/orgs/${world.org.id}/courses`, {
      form: 'cooc_internal', slug: `s-${randomHex(3)}`, title: 'Sibling',
    }), 201).json;
    assert.deepEqual(expectStatus(await admin.get(`/api/v1/courses/${sibling.id}/bank/shared`), 200).json.items, []);
    expectProblem(await admin.get(`/api/v1/courses/${sibling.id}/bank/shared/${world.course.id}/questions`), 404);
    expectStatus(await admin.request('PATCH', base, { json: { shared: true } }), 200);
    const shared = expectStatus(await admin.get(`/api/v1/courses/${sibling.id}/bank/shared`), 200).json.items;
    assert.deepEqual(shared.map((b) => b.course_id), [world.course.id]);
    const theirs = expectStatus(await admin.get(`/api/v1/courses/${sibling.id}/bank/shared/${world.course.id}/questions?type=true_false`), 200).json;
    assert.ok(theirs.total >= 1);
    // Learners never read a bank.
    const l = await learnerIn(world, 'peeker');
    expectProblem(await l.client.get(`${base}/questions`), 403);
  });

  test('an attempt: autosave with sequences, submit, grade, review, progress', async () => {
    const l = await learnerIn(world, 'alice');
    const path = quizPath(world, 'quiz');
    const status = expectStatus(await l.client.get(path), 200).json;
    assert.equal(status.can_start, true);
    assert.equal(status.attempts_allowed, 2);
    const started = expectStatus(await l.client.post(`${path}/attempts`, {}), 201).json;
    assert.equal(started.state, 'in_progress');
    assert.equal(started.questions.length, 5);
    // Nothing in a learner's view of a question tells the right answer.
    assert.doesNotMatch(JSON.stringify(started.questions), /fraction|right_answer|"correct"/);
    const again = expectStatus(await l.client.post(`${path}/attempts`, {}), 200).json;
    assert.equal(again.id, started.id);

    const a = `${path}/attempts/${started.id}`;
    const put = (slot, sequence, response) => l.client.request('PUT', `${a}/answers/${slot}`, { json: { sequence, response } });
    const cap = slotOf(started, 'single_choice');
    expectStatus(await put(cap, 1, choice(started, cap, 'Lyon')), 200);
    expectStatus(await put(cap, 2, choice(started, cap, 'Paris')), 200);
    // BL-03: an older save never overwrites a newer one; a retry is accepted as it was.
    const stale = expectProblem(await put(cap, 1, choice(started, cap, 'Marseille')), 409);
    assert.equal(stale.errors[0].code, 'stale_sequence');
    const replay = expectStatus(await put(cap, 2, choice(started, cap, 'Paris')), 200).json;
    assert.equal(replay.replayed, true);
    const rivers = slotOf(started, 'multiple_choice');
    expectStatus(await put(rivers, 1, [choice(started, rivers, 'Loire'), choice(started, rivers, 'Danube')]), 200);
    expectStatus(await put(slotOf(started, 'true_false'), 1, true), 200);
    expectStatus(await put(slotOf(started, 'numerical'), 1, '332 m'), 200);
    expectStatus(await put(slotOf(started, 'essay'), 1, { text: 'Lyon, for its food and its two rivers.' }), 200);
    // Bad input: wrong types, unknown choices, a question not in the attempt.
    expectInvalidField(await put(cap, 3, 42), 'response');
    expectInvalidField(await put(cap, 3, 'no-such-choice'), 'response');
    expectInvalidField(await put(rivers, 3, 'a'), 'response');
    expectProblem(await put(99, 1, 'a'), 404);
    expectProblem(await l.client.request('PUT', `${a}/answers/${cap}`, { json: { response: 'x' } }), 422);
    expectProblem(await l.client.request('PUT', `${a}/answers/${cap}`, { body: Buffer.from('{"sequence": 3, "response": '), contentType: 'application/json' }), 400);

    // Reloading the page: the saved answers come back.
    const reloaded = expectStatus(await l.client.get(a), 200).json;
    assert.equal(reloaded.questions.find((x) => x.slot === cap).response, choice(started, cap, 'Paris'));
    assert.equal(reloaded.questions.find((x) => x.slot === cap).sequence, 2);

    // Another learner cannot see or write this attempt (AC-02).
    const bob = await learnerIn(world, 'bob');
    expectProblem(await bob.client.get(a), 404);
    expectProblem(await bob.client.request('PUT', `${a}/answers/${cap}`, { json: { sequence: 9, response: 'a' } }), 404);
    expectProblem(await bob.client.post(`${a}/submit`, {}), 404);

    const done = expectStatus(await l.client.post(`${a}/submit`, {}), 200).json;
    assert.equal(done.state, 'finished');
    assert.equal(done.finished_by, 'learner');
    // Capital 1, Rivers 0.5 - 1 -> 0 (clamped), Loire 1, Height 1, Essay to grade.
    assert.equal(done.marks, 3);
    assert.equal(done.max_marks, 5);
    assert.equal(done.needs_grading, true);
    assert.equal(done.grade, null);
    const capital = done.questions.find((x) => x.slot === cap);
    assert.equal(capital.fraction, 1);
    assert.deepEqual(capital.feedback, ['Right.']);
    assert.equal(capital.right_answer, undefined, 'right answers are not shown before the close date');
    // A finished attempt is immutable.
    expectProblem(await put(cap, 10, choice(started, cap, 'Lyon')), 409);
    expectProblem(await l.client.post(`${a}/submit`, {}), 409);

    // The essay waits in the graders' queue; a trainer's mark completes the grade.
    const queue = expectStatus(await admin.get(`${path}/grading`), 200).json.items;
    assert.ok(queue.some((x) => x.id === started.id));
    const essay = slotOf(started, 'essay');
    const gradePath = `${path}/results/${started.id}/questions/${essay}/grade`;
    expectInvalidField(await admin.post(gradePath, { fraction: 1.5 }), 'fraction');
    expectInvalidField(await admin.post(gradePath, { comment: 'no mark' }), 'fraction');
    expectProblem(await l.client.post(gradePath, { fraction: 1 }), 403);
    const graded = expectStatus(await admin.post(gradePath, { fraction: 1, comment: 'Well argued.' }), 200).json;
    assert.equal(graded.marks, 4);
    assert.equal(graded.grade, 16);
    assert.equal(graded.needs_grading, false);
    assert.equal(graded.passed, true);
    const seen = expectStatus(await l.client.get(a), 200).json;
    assert.equal(seen.grade, 16);
    assert.equal(seen.questions.find((x) => x.slot === essay).comment, 'Well argued.');
    assert.ok(!expectStatus(await admin.get(`${path}/grading`), 200).json.items.some((x) => x.id === started.id));
    const audit = expectStatus(await admin.get('/api/v1/audit?action=quiz.grade_set'), 200).json;
    assert.ok(JSON.stringify(audit).includes(started.id), 'the grade is in the audit log');
  });

  test('a passed auto-graded quiz completes its block; its statements are in the LRS', async () => {
    const l = await learnerIn(world, 'carol');
    const enrolmentId = expectStatus(await l.client.get(`/api/v1/runs/${world.run.id}/enrolment`), 200).json.id;
    const path = quizPath(world, 'auto');
    const at = expectStatus(await l.client.post(`${path}/attempts`, {}), 201).json;
    const a = `${path}/attempts/${at.id}`;
    const cap = slotOf(at, 'single_choice');
    expectStatus(await l.client.request('PUT', `${a}/answers/${cap}`, { json: { sequence: 1, response: choice(at, cap, 'Paris') } }), 200);
    expectStatus(await l.client.request('PUT', `${a}/answers/${slotOf(at, 'true_false')}`, { json: { sequence: 1, response: true } }), 200);
    expectStatus(await l.client.request('PUT', `${a}/answers/${slotOf(at, 'numerical')}`, { json: { sequence: 1, response: '10' } }), 200);
    const done = expectStatus(await l.client.post(`${a}/submit`, {}), 200).json;
    assert.equal(done.marks, 4);
    assert.equal(done.max_marks, 6);
    assert.ok(Math.abs(done.grade - 10 * 4 / 6) < 1e-9, `grade ${done.grade}`);
    assert.equal(done.passed, true);
    const status = expectStatus(await l.client.get(path), 200).json;
    assert.equal(status.passed, true);
    assert.ok(Math.abs(status.grade - done.grade) < 1e-9);
    const progress = expectStatus(await l.client.get(`/api/v1/runs/${world.run.id}/progress/me`), 200).json;
    const block = progress.modules[0].units[0].blocks.find((b) => b.block_id === world.blocks.auto);
    assert.equal(block.completed, true);
    const quizBlock = progress.modules[0].units[0].blocks.find((b) => b.block_id === world.blocks.quiz);
    assert.equal(quizBlock.completed, false);
    // The trainer's list shows the attempt with its grade.
    const results = expectStatus(await admin.get(`${path}/results`), 200).json.items;
    assert.ok(results.some((r) => r.id === at.id && r.user_id === l.id && r.passed === true));
    const full = expectStatus(await admin.get(`${path}/results/${at.id}`), 200).json;
    assert.ok(full.questions.every((q) => typeof q.right_answer === 'string'));
    // Read back by an independent xAPI client: attempted, one answered per
    // question with its score, passed with the scaled grade, completed.
    const creds = expectStatus(await admin.post(`/api/v1/orgs/${world.org.id}/lrs-clients`, { name: 'Quiz reports' }), 201).json;
    const xapi = new XAPI({ endpoint: creds.endpoint, auth: XAPI.toBasicAuth(creds.key, creds.secret), version: '2.0.0' });
    const statements = (await xapi.getStatements({ registration: enrolmentId, limit: 100 })).data.statements;
    const verbs = statements.map((s) => s.verb.id.split('/').pop());
    assert.equal(verbs.filter((v) => v === 'attempted').length, 1);
    assert.equal(verbs.filter((v) => v === 'answered').length, 3);
    const passed = statements.find((s) => s.verb.id.endsWith('/passed'));
    assert.ok(passed, 'a passed statement');
    assert.ok(passed.object.id.endsWith(`/blocks/${world.blocks.auto}`));
    assert.ok(Math.abs(passed.result.score.scaled - 4 / 6) < 1e-9);
    assert.equal(passed.result.success, true);
    const answered = statements.filter((s) => s.verb.id.endsWith('/answered'));
    assert.ok(answered.every((s) => s.context.contextActivities.parent[0].id.endsWith(`/blocks/${world.blocks.auto}`)));
    assert.equal(answered.filter((s) => s.result.success === true).length, 2);
    assert.ok(statements.some((s) => s.verb.id.endsWith('/completed') && s.object.id.endsWith(`/blocks/${world.blocks.auto}`)));
  });

  test('item analysis matches the statistics computed here from the same answers', async () => {
    const w = await buildQuizCourse(server, admin);
    const path = quizPath(w, 'auto');
    // Per learner: right (1) or wrong (0) on Capital, Loire, Height.
    const patterns = [[1, 1, 1], [1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 0]];
    for (const [i, p] of patterns.entries()) {
      const l = await learnerIn(w, `stat${i}`);
      const at = expectStatus(await l.client.post(`${path}/attempts`, {}), 201).json;
      const save = (slot, response) => l.client.request('PUT', `${path}/attempts/${at.id}/answers/${slot}`, { json: { sequence: 1, response } });
      const cap = slotOf(at, 'single_choice');
      expectStatus(await save(cap, choice(at, cap, p[0] ? 'Paris' : 'Lyon')), 200);
      expectStatus(await save(slotOf(at, 'true_false'), p[1] === 1), 200);
      expectStatus(await save(slotOf(at, 'numerical'), p[2] ? '330' : '100'), 200);
      expectStatus(await l.client.post(`${path}/attempts/${at.id}/submit`, {}), 200);
    }
    const got = expectStatus(await admin.get(`${path}/analysis`), 200).json;
    assert.equal(got.attempts, 5);
    // Independent computation: every mark is 2, so item scores are 2 * fraction.
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = (xs) => { const m = mean(xs); return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1); };
    const pearson = (xs, ys) => {
      const mx = mean(xs), my = mean(ys);
      let sxy = 0, sxx = 0, syy = 0;
      for (let i = 0; i < xs.length; i++) { sxy += (xs[i] - mx) * (ys[i] - my); sxx += (xs[i] - mx) ** 2; syy += (ys[i] - my) ** 2; }
      return sxy / Math.sqrt(sxx * syy);
    };
    const totals = patterns.map((p) => 2 * p.reduce((a, b) => a + b, 0));
    const k = 3;
    const alpha = k / (k - 1) * (1 - [0, 1, 2].reduce((a, j) => a + variance(patterns.map((p) => 2 * p[j])), 0) / variance(totals));
    assert.ok(Math.abs(got.mean - mean(totals)) < 1e-9, `mean ${got.mean}`);
    assert.ok(Math.abs(got.sd - Math.sqrt(variance(totals))) < 1e-9, `sd ${got.sd}`);
    assert.ok(Math.abs(got.cronbach_alpha - alpha) < 1e-9, `alpha ${got.cronbach_alpha} vs ${alpha}`);
    assert.ok(Math.abs(got.kr20 - alpha) < 1e-9, 'KR-20 equals alpha when every item is right or wrong and marks are equal');
    const titles = ['Capital', 'Loire', 'Height'];
    for (const [j, title] of titles.entries()) {
      const item = got.items.find((x) => x.title === title);
      const xs = patterns.map((p) => p[j]);
      assert.ok(Math.abs(item.facility - mean(xs)) < 1e-9, `${title} facility`);
      const rest = patterns.map((p, i) => totals[i] - 2 * p[j]);
      assert.ok(Math.abs(item.discrimination - pearson(xs, rest)) < 1e-9, `${title} discrimination ${item.discrimination} vs ${pearson(xs, rest)}`);
    }
    // Distractors: the Capital responses counted.
    const capital = got.items.find((x) => x.title === 'Capital');
    assert.deepEqual(capital.responses.map((r) => r.count).sort(), [2, 3]);
    const l = await learnerIn(w, 'nosy');
    expectProblem(await l.client.get(`${path}/analysis`), 403);
  });

  test('a corrected question regrades the finished attempts, with a new step and an audit event', async () => {
    const w = await buildQuizCourse(server, admin);
    const path = quizPath(w, 'auto');
    const l = await learnerIn(w, 'regraded');
    const at = expectStatus(await l.client.post(`${path}/attempts`, {}), 201).json;
    const save = (slot, response) => l.client.request('PUT', `${path}/attempts/${at.id}/answers/${slot}`, { json: { sequence: 1, response } });
    const cap = slotOf(at, 'single_choice');
    expectStatus(await save(cap, choice(at, cap, 'Paris')), 200);
    expectStatus(await save(slotOf(at, 'numerical'), '332'), 200);
    const before = expectStatus(await l.client.post(`${path}/attempts/${at.id}/submit`, {}), 200).json;
    assert.equal(before.marks, 4);
    // The author narrows the tolerance: 332 is no longer right.
    const height = w.q.Height;
    const corrected = { ...height.question, answers: [{ ...height.question.answers[0], tolerance: 1 }] };
    expectStatus(await admin.request('PUT', `/api/v1/courses/${w.course.id}/bank/questions/${height.id}`, {
      json: { category_id: height.category_id, base_version: 1, question: corrected },
    }), 200);
    const done = expectStatus(await admin.post(`${path}/regrade`, { question_id: height.id }), 200).json;
    assert.equal(done.current_version, 2);
    assert.equal(done.regraded, 1);
    assert.equal(done.grade_changed, 1);
    const after = expectStatus(await l.client.get(`${path}/attempts/${at.id}`), 200).json;
    assert.equal(after.marks, 2);
    assert.equal(after.questions.find((x) => x.type === 'numerical').fraction, 0);
    const full = expectStatus(await admin.get(`${path}/results/${at.id}`), 200).json;
    assert.equal(full.questions.find((x) => x.type === 'numerical').version, 2);
    const audit = expectStatus(await admin.get('/api/v1/audit?action=quiz.regraded'), 200).json;
    assert.ok(JSON.stringify(audit).includes(height.id));
    expectProblem(await l.client.post(`${path}/regrade`, { question_id: height.id }), 403);
  });

  test('attempts allowed are enforced; the grading method picks the grade', async () => {
    const l = await learnerIn(world, 'dave');
    const path = quizPath(world, 'quiz');
    for (let i = 0; i < 2; i++) {
      const at = expectStatus(await l.client.post(`${path}/attempts`, {}), 201).json;
      expectStatus(await l.client.post(`${path}/attempts/${at.id}/submit`, {}), 200);
    }
    const refused = expectProblem(await l.client.post(`${path}/attempts`, {}), 409);
    assert.equal(refused.errors[0].code, 'no_attempts_left');
    const status = expectStatus(await l.client.get(path), 200).json;
    assert.equal(status.can_start, false);
    assert.equal(status.reason, 'no_attempts_left');
    // A trainer's override gives one more attempt.
    expectStatus(await admin.request('PUT', `${path}/overrides/${l.id}`, { json: { attempts_allowed: 3 } }), 200);
    expectStatus(await l.client.post(`${path}/attempts`, {}), 201);
  });

  test('BL-02: 50 parallel starts by one learner create exactly one attempt', async () => {
    const l = await learnerIn(world, 'erin');
    const path = quizPath(world, 'auto');
    const results = await Promise.all(Array.from({ length: 50 }, () => l.client.post(`${path}/attempts`, {})));
    for (const r of results) assert.ok([200, 201].includes(r.status), r.describe());
    const ids = new Set(results.map((r) => r.json.id));
    assert.equal(ids.size, 1);
    assert.equal(results.filter((r) => r.status === 201).length, 1);
    const status = expectStatus(await l.client.get(path), 200).json;
    assert.equal(status.attempts.length, 1);
  });

  test('BL-04: the time limit is judged on the server clock; the timer finishes the attempt with its saved answers', async () => {
    const l = await learnerIn(world, 'frank');
    const path = quizPath(world, 'timed');
    const at = expectStatus(await l.client.post(`${path}/attempts`, {}), 201).json;
    assert.ok(Date.parse(at.deadline) - Date.parse(at.started_at) === 60_000, `${at.started_at} .. ${at.deadline}`);
    const a = `${path}/attempts/${at.id}`;
    const cap = slotOf(at, 'single_choice');
    expectStatus(await l.client.request('PUT', `${a}/answers/${cap}`, { json: { sequence: 1, response: choice(at, cap, 'Paris') } }), 200);
    // Within the 60 s grace after the limit a save still counts ...
    await server.advanceClock(90_000);
    expectStatus(await l.client.request('PUT', `${a}/answers/${cap}`, { json: { sequence: 2, response: choice(at, cap, 'Paris') } }), 200);
    // ... after it, it is refused.
    await server.advanceClock(60_000);
    const late = expectProblem(await l.client.request('PUT', `${a}/answers/${cap}`, { json: { sequence: 3, response: choice(at, cap, 'Lyon') } }), 409);
    assert.equal(late.errors[0].code, 'time_expired');
    // The server finishes it on its own (every 5 s) with the saved answer.
    let finished;
    for (let i = 0; i < 40 && !finished; i++) {
      const v = expectStatus(await l.client.get(a), 200).json;
      if (v.state === 'finished') finished = v;
      else await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(finished, 'the timer finished the attempt');
    assert.equal(finished.finished_by, 'timer');
    assert.equal(finished.marks, 1);
    assert.equal(finished.passed, true);
  });

  test('DATA-03/DATA-04: acknowledged saves and submissions survive kill -9', async () => {
    const local = await startServer();
    let restarted;
    try {
      const a = await local.adminClient();
      const w = await buildQuizCourse(local, a);
      const l = await learnerIn(w, 'dur', local, a);
      const path = quizPath(w, 'auto');
      // One attempt submitted, then a second one with answers saved.
      const first = expectStatus(await l.client.post(`${path}/attempts`, {}), 201).json;
      const cap1 = slotOf(first, 'single_choice');
      expectStatus(await l.client.request('PUT', `${path}/attempts/${first.id}/answers/${cap1}`, { json: { sequence: 1, response: choice(first, cap1, 'Paris') } }), 200);
      const submitted = expectStatus(await l.client.post(`${path}/attempts/${first.id}/submit`, {}), 200).json;
      const second = expectStatus(await l.client.post(`${path}/attempts`, {}), 201).json;
      const cap2 = slotOf(second, 'single_choice');
      const saves = [];
      for (let seq = 1; seq <= 20; seq++) {
        const pick = seq % 2 ? 'Lyon' : 'Paris';
        saves.push(expectStatus(await l.client.request('PUT', `${path}/attempts/${second.id}/answers/${cap2}`, { json: { sequence: seq, response: choice(second, cap2, pick) } }), 200).json);
      }
      local.signal('SIGKILL');
      await local.stop({ keepData: true });
      restarted = await startServer({ dataDir: local.dataDir, database: local.db });
      const c = await restarted.loginClient(l.email, l.password);
      const status = expectStatus(await c.get(path), 200).json;
      const f = status.attempts.find((x) => x.id === first.id);
      assert.equal(f.state, 'finished');
      assert.equal(f.marks, submitted.marks);
      const open = expectStatus(await c.get(`${path}/attempts/${second.id}`), 200).json;
      const q = open.questions.find((x) => x.slot === cap2);
      assert.equal(q.sequence, 20);
      assert.equal(q.response, choice(second, cap2, 'Paris'));
    } finally {
      if (restarted) await restarted.stopCleanly();
    }
  });

  test('DATA-04: kill -9 in the middle of a save and submit burst loses nothing acknowledged, half-grades nothing', async () => {
    const local = await startServer();
    let restarted;
    try {
      const a = await local.adminClient();
      const w = await buildQuizCourse(local, a);
      const path = quizPath(w, 'auto');
      const learners = [];
      for (let i = 0; i < 8; i++) {
        const l = await learnerIn(w, `burst${i}`, local, a);
        l.attempt = expectStatus(await l.client.post(`${path}/attempts`, {}), 201).json;
        learners.push(l);
      }
      const acked = new Map();  // attempt id -> { saves: {slot: seq}, submitted }
      let acknowledged = 0;
      const work = learners.map(async (l) => {
        const at = l.attempt;
        const mine = { saves: {}, submitted: false };
        acked.set(at.id, mine);
        const cap = slotOf(at, 'single_choice');
        try {
          for (let seq = 1; seq <= 60; seq++) {
            const res = await l.client.request('PUT', `${path}/attempts/${at.id}/answers/${cap}`, { json: { sequence: seq, response: choice(at, cap, seq % 2 ? 'Paris' : 'Lyon') } });
            if (res.status === 200) {
              mine.saves[cap] = seq;
              acknowledged++;
            }
          }
          const sub = await l.client.post(`${path}/attempts/${at.id}/submit`, {});
          if (sub.status === 200) mine.submitted = true;
        } catch {
          // The connection died with the server: what was not acknowledged may be lost.
        }
      });
      // Killed once the burst is well under way (480 saves in all).
      for (let i = 0; i < 1000 && acknowledged < 40; i++) await new Promise((r) => setTimeout(r, 10));
      local.signal('SIGKILL');
      await Promise.all(work);
      assert.ok([...acked.values()].some((m) => !m.submitted), 'the kill came before the burst ended');
      await local.stop({ keepData: true });
      restarted = await startServer({ dataDir: local.dataDir, database: local.db });
      const admin2 = await restarted.loginClient(local.admin.email, local.admin.password);
      const results = expectStatus(await admin2.get(`${path}/results`), 200).json.items;
      let savesChecked = 0;
      for (const l of learners) {
        const mine = acked.get(l.attempt.id);
        const row = results.find((x) => x.id === l.attempt.id);
        assert.ok(row, 'the attempt survived');
        if (mine.submitted) assert.equal(row.state, 'finished', 'an acknowledged submission is there');
        if (row.state === 'finished') {
          assert.equal(typeof row.marks, 'number', 'a finished attempt is graded whole');
          assert.equal(typeof row.grade, 'number');
        }
        const view = expectStatus(await admin2.get(`${path}/results/${l.attempt.id}`), 200).json;
        for (const [slot, seq] of Object.entries(mine.saves)) {
          const q = view.questions.find((x) => x.slot === Number(slot));
          assert.ok(q.sequence >= seq, `slot ${slot}: acknowledged sequence ${seq}, stored ${q.sequence}`);
          savesChecked++;
        }
      }
      assert.ok(savesChecked > 0, 'some saves were acknowledged before the kill');
    } finally {
      if (restarted) await restarted.stopCleanly();
    }
  });
});
