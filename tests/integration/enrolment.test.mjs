// Enrolment over HTTP: self-enrolment, requests and decisions, the waitlist
// and its promotion, invitations read from the real SMTP server, direct
// enrolment, cohorts, "my courses", internal COOCs restricted to departments
// (AC-02, AC-04), bad input, and exact capacity under 1,000 simultaneous
// self-enrolments to a 30-seat SPOC.
import { describe, before, after, test, assert, expectStatus, expectProblem, expectInvalidField } from './lib/harness.mjs';
import { startServer, randomHex, strongPassword } from './lib/server.mjs';
import { tokenFrom } from './lib/smtp.mjs';

const DAY = 86_400_000;

describe('enrolment', () => {
  let server;
  let admin;
  let org;
  let sales;
  let support;
  let trainer;

  // Fast accounts: created by the administrator with a password, then signed in.
  const account = async (tag = 'learner') => {
    const email = server.newEmail(tag);
    const password = strongPassword();
    const res = await admin.post('/api/v1/admin/users', { email, display_name: tag, password });
    expectStatus(res, 201);
    const id = res.json.id || res.json.user.id;
    return { id, email, password, client: await server.loginClient(email, password) };
  };
  const course = async (body) => {
    const res = await admin.post(`/api/v1/orgs/${org.id}/courses`, {
      title: `Course ${randomHex(2)}`,
      slug: `c-${randomHex(4)}`,
      ...body,
    });
    expectStatus(res, 201);
    return res.json;
  };
  const run = async (courseId, body = {}) => {
    const res = await admin.post(`/api/v1/courses/${courseId}/runs`, { title: 'Run', ...body });
    expectStatus(res, 201);
    expectStatus(await admin.request('PUT', `/api/v1/runs/${res.json.id}/staff/${trainer.id}/trainer`), [200, 201, 204]);
    return res.json;
  };
  const enrolmentTimes = ['requested_at', 'waitlisted_at', 'activated_at', 'completed_at', 'dropped_at', 'rejected_at'];

  before(async () => {
    server = await startServer();
    admin = await server.adminClient();
    org = (await admin.post('/api/v1/orgs', { slug: `acme-${randomHex(3)}`, name: 'Acme', kind: 'company' })).json;
    sales = (await admin.post(`/api/v1/orgs/${org.id}/departments`, { name: 'Sales' })).json;
    support = (await admin.post(`/api/v1/orgs/${org.id}/departments`, { name: 'Support' })).json;
    trainer = await account('trainer');
  });
  after(async () => {
    await server.stopCleanly();
  });

  test('open MOOC: self-enrolment is active with every state timestamp; leave; my enrolments', async () => {
    const c = await course({ form: 'mooc' });
    const r = await run(c.id, { starts_at: new Date(Date.now() + DAY).toISOString() });
    const ada = await account('ada');
    const res = await ada.client.post(`/api/v1/runs/${r.id}/enrolment`, {});
    expectStatus(res, 201);
    assert.equal(res.json.state, 'active');
    assert.equal(res.json.source, 'self');
    for (const k of enrolmentTimes) assert.ok(k in res.json, `${k} missing`);
    assert.match(res.json.activated_at, /Z$/);
    expectProblem(await ada.client.post(`/api/v1/runs/${r.id}/enrolment`, {}), 409);
    const mine = await ada.client.get(`/api/v1/runs/${r.id}/enrolment`);
    expectStatus(mine, 200);
    assert.equal(mine.json.id, res.json.id);
    const list = await ada.client.get('/api/v1/me/enrolments');
    expectStatus(list, 200);
    assert.equal(list.json.items.length, 1);
    assert.equal(list.json.items[0].course_title, c.title);
    assert.equal(list.json.items[0].run_id, r.id);
    assert.ok(list.json.items[0].starts_at);
    const left = await ada.client.del(`/api/v1/runs/${r.id}/enrolment`);
    expectStatus(left, 200);
    assert.equal(left.json.state, 'dropped');
    assert.ok(left.json.dropped_at && left.json.activated_at);
    const dropped = await ada.client.get('/api/v1/me/enrolments?state=dropped');
    assert.equal(dropped.json.items.length, 1);
    expectStatus(await server.client().get('/api/v1/me/enrolments'), 401);
  });

  test('approval: a request with a message, approved or rejected by the trainer (AC-04)', async () => {
    const c = await course({ form: 'cooc_external', capacity: 1 });
    const r = await run(c.id);
    const [a, b, x] = [await account('a'), await account('b'), await account('x')];
    const ra = await a.client.post(`/api/v1/runs/${r.id}/enrolment`, { message: 'Please let me in.' });
    expectStatus(ra, 201);
    assert.equal(ra.json.state, 'pending');
    assert.equal(ra.json.message, 'Please let me in.');
    assert.ok(ra.json.requested_at);
    const rb = (await b.client.post(`/api/v1/runs/${r.id}/enrolment`)).json;
    const rx = (await x.client.post(`/api/v1/runs/${r.id}/enrolment`)).json;
    // A learner may neither list nor decide.
    expectStatus(await a.client.get(`/api/v1/runs/${r.id}/enrolments`), 403);
    expectStatus(await a.client.post(`/api/v1/runs/${r.id}/enrolments/${ra.json.id}/approve`, {}), 403);
    const pending = await trainer.client.get(`/api/v1/runs/${r.id}/enrolments?state=pending`);
    expectStatus(pending, 200);
    assert.equal(pending.json.items.length, 3);
    const ok = await trainer.client.post(`/api/v1/runs/${r.id}/enrolments/${ra.json.id}/approve`, { message: 'Welcome' });
    expectStatus(ok, 200);
    assert.equal(ok.json.state, 'active');
    assert.equal(ok.json.decision_message, 'Welcome');
    assert.equal(ok.json.decided_by, trainer.id);
    const full = await trainer.client.post(`/api/v1/runs/${r.id}/enrolments/${rb.id}/approve`);
    assert.equal(full.json.state, 'waitlisted');
    const no = await trainer.client.post(`/api/v1/runs/${r.id}/enrolments/${rx.id}/reject`, { message: 'Full, sorry' });
    expectStatus(no, 200);
    assert.equal(no.json.state, 'rejected');
    assert.equal(no.json.decision_message, 'Full, sorry');
    expectProblem(await trainer.client.post(`/api/v1/runs/${r.id}/enrolments/${rx.id}/approve`), 409);
    // Each learner hears of the decision by mail, with the trainer's message.
    const approved = await server.mail.next(a.email, { match: /approved/ });
    assert.match(approved.subject, /^Request approved: /);
    assert.match(approved.text, /you are enrolled/);
    assert.match(approved.text, /Welcome/);
    assert.ok(approved.text.includes(`/runs/${r.id}`), approved.text);
    const waiting = await server.mail.next(b.email, { match: /waitlist/ });
    assert.match(waiting.subject, /^On the waitlist: /);
    const refused = await server.mail.next(x.email, { match: /not accepted/ });
    assert.match(refused.text, /Full, sorry/);
    // The trainer removes the learner: the waitlisted one moves up.
    const removed = await trainer.client.del(`/api/v1/runs/${r.id}/enrolments/${ra.json.id}`);
    expectStatus(removed, 200);
    assert.equal(removed.json.state, 'dropped');
    assert.equal((await b.client.get(`/api/v1/runs/${r.id}/enrolment`)).json.state, 'active');
  });

  test('the waitlist is promoted first come, first served', async () => {
    const c = await course({ form: 'mooc', capacity: 1 });
    const r = await run(c.id);
    const people = [];
    for (let i = 0; i < 4; i += 1) people.push(await account(`w${i}`));
    const states = [];
    for (const p of people) states.push((await p.client.post(`/api/v1/runs/${r.id}/enrolment`)).json.state);
    assert.deepEqual(states, ['active', 'waitlisted', 'waitlisted', 'waitlisted']);
    expectStatus(await people[0].client.del(`/api/v1/runs/${r.id}/enrolment`), 200);
    const after = [];
    for (const p of people) after.push((await p.client.get(`/api/v1/runs/${r.id}/enrolment`)).json.state);
    assert.deepEqual(after, ['dropped', 'active', 'waitlisted', 'waitlisted']);
  });

  test('enrolment window: 409 before it opens and after it closes', async () => {
    const c = await course({ form: 'mooc' });
    const soon = await run(c.id, { enrolment_opens_at: new Date(Date.now() + DAY).toISOString() });
    const past = await run(c.id, {
      enrolment_opens_at: new Date(Date.now() - 2 * DAY).toISOString(),
      enrolment_closes_at: new Date(Date.now() - DAY).toISOString(),
    });
    const p = await account('late');
    expectProblem(await p.client.post(`/api/v1/runs/${soon.id}/enrolment`), 409);
    expectProblem(await p.client.post(`/api/v1/runs/${past.id}/enrolment`), 409);
  });

  test('internal COOC for one department: others cannot see or enrol (AC-02, AC-04)', async () => {
    const c = await course({ form: 'cooc_internal', department_ids: [sales.id] });
    const r = await run(c.id);
    const join = async (deps) => {
      const u = await account('member');
      expectStatus(await admin.post(`/api/v1/orgs/${org.id}/members`, { user_id: u.id, roles: [], department_ids: deps }), 201);
      return u;
    };
    const seller = await join([sales.id]);
    const helper = await join([support.id]);
    const outsider = await account('outsider');
    expectStatus(await helper.client.post(`/api/v1/runs/${r.id}/enrolment`), 403);
    expectStatus(await outsider.client.post(`/api/v1/runs/${r.id}/enrolment`), 403);
    expectStatus(await server.client().post(`/api/v1/runs/${r.id}/enrolment`), 401);
    expectStatus(await seller.client.post(`/api/v1/runs/${r.id}/enrolment`), 201);
    expectStatus(await outsider.client.post(`/api/v1/runs/no-such-run/enrolment`), 404);
  });

  test('invitations: mailed single-use links; unknown addresses get an account-creation mail too', async () => {
    const c = await course({ form: 'spoc' });
    const r = await run(c.id);
    const known = await account('known');
    expectStatus(await known.client.post(`/api/v1/runs/${r.id}/enrolment`), 403);
    const stranger = server.newEmail('stranger');
    expectInvalidField(await trainer.client.post(`/api/v1/runs/${r.id}/invitations`, { emails: ['ok@example.com', 'nope'] }), 'emails/1');
    const sent = await trainer.client.post(`/api/v1/runs/${r.id}/invitations`, { emails: [known.email, stranger] });
    expectStatus(sent, 201);
    assert.deepEqual(sent.json.items.map((i) => i.new_account), [false, true]);
    assert.ok(!('token' in sent.json.items[0]), 'the secret only travels by mail');
    const mail = await server.mail.next(known.email, { match: /invit/i });
    const token = tokenFrom(mail);
    const accepted = await known.client.post('/api/v1/invitations/accept', { token });
    expectStatus(accepted, 200);
    assert.equal(accepted.json.state, 'active');
    assert.equal(accepted.json.source, 'invitation');
    expectProblem(await known.client.post('/api/v1/invitations/accept', { token }), 409);
    expectProblem(await known.client.post('/api/v1/invitations/accept', { token: 'forged' }), 404);
    expectStatus(await server.client().post('/api/v1/invitations/accept', { token }), 401);
    // The stranger receives the course invitation and identity's account invitation.
    const courseMail = await server.mail.next(stranger, { match: /Invitation:/ });
    await server.mail.next(stranger, { match: /create an account|invited to Trivium/i });
    const newcomer = await server.createUser({ email: stranger });
    const joined = await newcomer.client.post('/api/v1/invitations/accept', { token: tokenFrom(courseMail) });
    expectStatus(joined, 200);
    assert.equal(joined.json.state, 'active');
    const listed = await trainer.client.get(`/api/v1/runs/${r.id}/invitations`);
    expectStatus(listed, 200);
    assert.equal(listed.json.items.length, 2);
    assert.ok(listed.json.items.every((i) => i.used_at));
    // Learners of the private SPOC may see and leave their own enrolment.
    expectStatus(await known.client.get(`/api/v1/runs/${r.id}/enrolment`), 200);
    expectStatus(await known.client.get(`/api/v1/runs/${r.id}/enrolments`), 403);
  });

  test('direct enrolment by e-mail or id; cohorts by hand and round-robin', async () => {
    const c = await course({ form: 'spoc' });
    const r = await run(c.id);
    const people = [await account('d0'), await account('d1'), await account('d2')];
    const byEmail = await trainer.client.post(`/api/v1/runs/${r.id}/enrolments`, { email: people[0].email });
    expectStatus(byEmail, 201);
    assert.equal(byEmail.json.source, 'direct');
    for (const p of people.slice(1)) expectStatus(await trainer.client.post(`/api/v1/runs/${r.id}/enrolments`, { user_id: p.id }), 201);
    expectProblem(await trainer.client.post(`/api/v1/runs/${r.id}/enrolments`, { user_id: people[1].id }), 409);
    expectInvalidField(await trainer.client.post(`/api/v1/runs/${r.id}/enrolments`, { email: 'ghost@example.com' }), 'email');
    expectInvalidField(await trainer.client.post(`/api/v1/runs/${r.id}/enrolments`, { user_id: people[0].id, role: 'x' }), 'role');
    const g1 = await trainer.client.post(`/api/v1/runs/${r.id}/cohorts`, { name: 'Group 1' });
    expectStatus(g1, 201);
    expectProblem(await trainer.client.post(`/api/v1/runs/${r.id}/cohorts`, { name: 'Group 1' }), 409);
    const g2 = (await trainer.client.post(`/api/v1/runs/${r.id}/cohorts`, { name: 'Group 2' })).json;
    const auto = await trainer.client.post(`/api/v1/runs/${r.id}/cohorts/auto-assign`, { strategy: 'round_robin' });
    expectStatus(auto, 200);
    assert.equal(auto.json.assigned, 3);
    const list = (await trainer.client.get(`/api/v1/runs/${r.id}/enrolments?state=active`)).json.items;
    assert.equal(list.filter((e) => e.cohort_id === g1.json.id).length, 2);
    const moved = await trainer.client.request('PUT', `/api/v1/runs/${r.id}/enrolments/${list[0].id}/cohort`, { json: { cohort_id: g2.id } });
    expectStatus(moved, 200);
    assert.equal(moved.json.cohort_id, g2.id);
    expectStatus(await trainer.client.del(`/api/v1/runs/${r.id}/cohorts/${g2.id}`), 204);
    const cohorts = await trainer.client.get(`/api/v1/runs/${r.id}/cohorts`);
    assert.deepEqual(cohorts.json.items.map((x) => x.name), ['Group 1']);
    expectInvalidField(await trainer.client.post(`/api/v1/runs/${r.id}/cohorts/auto-assign`, { strategy: 'random' }), 'strategy');
    expectInvalidField(await trainer.client.get(`/api/v1/runs/${r.id}/enrolments?state=lost`), 'state');
    expectStatus(await people[0].client.post(`/api/v1/runs/${r.id}/cohorts`, { name: 'Mine' }), 403);
  });

  test('an internal COOC takes only its organisation\'s people, even from a trainer; a cohort\'s department is the organisation\'s (AC-02)', async () => {
    const c = await course({ form: 'cooc_internal', department_ids: [sales.id] });
    const r = await run(c.id);
    const inSales = await account('in-sales');
    const inSupport = await account('in-support');
    const outsider = await account('outsider');
    expectStatus(await admin.post(`/api/v1/orgs/${org.id}/members`, { user_id: inSales.id, department_ids: [sales.id] }), 201);
    expectStatus(await admin.post(`/api/v1/orgs/${org.id}/members`, { user_id: inSupport.id, department_ids: [support.id] }), 201);
    expectStatus(await trainer.client.post(`/api/v1/runs/${r.id}/enrolments`, { user_id: inSales.id }), 201);
    const refused = expectInvalidField(await trainer.client.post(`/api/v1/runs/${r.id}/enrolments`, { user_id: outsider.id }), 'user_id');
    assert.ok(refused.errors.some((e) => e.code === 'outside_audience'), JSON.stringify(refused));
    expectInvalidField(await trainer.client.post(`/api/v1/runs/${r.id}/enrolments`, { email: inSupport.email }), 'email');
    // Invitations: one address outside the audience refuses the whole request, and nothing is sent.
    const invited = await trainer.client.post(`/api/v1/runs/${r.id}/invitations`, {
      emails: [inSales.email, `nobody-${randomHex(3)}@example.org`, outsider.email],
    });
    expectInvalidField(invited, 'emails/1');
    expectInvalidField(invited, 'emails/2');
    const invitations = expectStatus(await trainer.client.get(`/api/v1/runs/${r.id}/invitations`), 200).json.items;
    assert.equal(invitations.length, 0, JSON.stringify(invitations));
    const enrolled = expectStatus(await trainer.client.get(`/api/v1/runs/${r.id}/enrolments`), 200).json.items;
    assert.deepEqual(enrolled.map((e) => e.user_id), [inSales.id]);
    // A cohort by department names one of the course's organisation.
    const otherOrg = expectStatus(await admin.post('/api/v1/orgs', { slug: `else-${randomHex(3)}`, name: 'Elsewhere' }), 201).json;
    const foreignDept = expectStatus(await admin.post(`/api/v1/orgs/${otherOrg.id}/departments`, { name: 'Sales' }), 201).json;
    expectInvalidField(await trainer.client.post(`/api/v1/runs/${r.id}/cohorts`, { name: 'Theirs', department_id: foreignDept.id }), 'department_id');
    expectStatus(await trainer.client.post(`/api/v1/runs/${r.id}/cohorts`, { name: 'Ours', department_id: sales.id }), 201);
  });

  test('1,000 simultaneous self-enrolments to a 30-seat SPOC: exactly 30 active and 970 waitlisted', { timeout: 900_000 }, async () => {
    const c = await course({ form: 'spoc', enrolment_policy: 'open', visibility: 'public' });
    assert.equal(c.capacity, 30);
    const r = await run(c.id);
    const learners = [];
    const queue = Array.from({ length: 1000 }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (queue.length) {
          queue.pop();
          learners.push(await account('race'));
        }
      }),
    );
    const results = await Promise.all(learners.map((l) => l.client.post(`/api/v1/runs/${r.id}/enrolment`)));
    const tally = {};
    for (const res of results) {
      assert.equal(res.status, 201, res.text);
      tally[res.json.state] = (tally[res.json.state] || 0) + 1;
    }
    assert.deepEqual(tally, { active: 30, waitlisted: 970 });
    let active = 0;
    let cursor = null;
    do {
      const page = await trainer.client.get(`/api/v1/runs/${r.id}/enrolments?state=active&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      expectStatus(page, 200);
      active += page.json.items.length;
      cursor = page.json.next_cursor;
    } while (cursor);
    assert.equal(active, 30);
  });
  // Last: it moves the server clock, which ends every session opened before.
  test('an invitation link expires after 14 days: 409', async () => {
    const c = await course({ form: 'spoc' });
    const r = await run(c.id);
    const email = server.newEmail('slow');
    expectStatus(await trainer.client.post(`/api/v1/runs/${r.id}/invitations`, { emails: [email] }), 201);
    const token = tokenFrom(await server.mail.next(email, { match: /Invitation:/ }));
    await server.advanceClock(15 * DAY);
    const late = await server.createUser({ email });
    expectProblem(await late.client.post('/api/v1/invitations/accept', { token }), 409);
    expectStatus(await late.client.get('/api/v1/me/enrolments'), 200);
  });
});
