// Trivium's learning record store over HTTP: the xAPI resources as the
// specification requires them (version negotiation, statements with their
// filters, paging, voiding and conflicts, attachments, documents with ETags,
// agents and activities, credentials and scopes), and interoperability with
// two independent clients: @xapi/xapi (xAPI 2.0.0) and tincanjs (1.0.2).
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import XAPI from '@xapi/xapi';
import { describe, before, after, test, assert, expectStatus, expectProblem, expectInvalidField } from './lib/harness.mjs';
import { startServer, randomHex } from './lib/server.mjs';

const require = createRequire(import.meta.url);
const TinCan = require('tincanjs');

const V2 = '2.0.0';
const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';

function basic(key, secret) {
  return 'Basic ' + Buffer.from(`${key}:${secret}`).toString('base64');
}

// A raw xAPI request with the client's credentials and a version header.
function xapiRequest(server, creds, method, path, { version = V2, json, body, contentType, headers = {} } = {}) {
  const h = { ...headers };
  if (creds) h.authorization = basic(creds.key, creds.secret);
  if (version) h['x-experience-api-version'] = version;
  const options = { headers: h, cookies: false };
  if (json !== undefined) {
    options.body = JSON.stringify(json);
    options.contentType = contentType || 'application/json';
  } else if (body !== undefined) {
    options.body = body;
    if (contentType) options.contentType = contentType;
  }
  return server.client().request(method, path, options);
}

function statement(email, verb = 'experienced', activity = 'https://trivium.test/activities/lesson-1', extra = {}) {
  return {
    actor: { objectType: 'Agent', name: email, mbox: `mailto:${email}` },
    verb: { id: `http://adlnet.gov/expapi/verbs/${verb}`, display: { 'en-US': verb } },
    object: { objectType: 'Activity', id: activity, definition: { name: { 'en-US': 'Lesson one' } } },
    ...extra,
  };
}

const agentParam = (email) => encodeURIComponent(JSON.stringify({ mbox: `mailto:${email}` }));

describe('xAPI learning record store', () => {
  let server;
  let admin;
  let org;
  let creds;   // "all"
  let reader;  // "statements/read"
  let otherCreds;  // another organisation's
  before(async () => {
    server = await startServer();
    admin = await server.adminClient();
    org = expectStatus(await admin.post('/api/v1/orgs', { slug: `lrs-${randomHex(3)}`, name: 'LRS Org' }), 201).json;
    const other = expectStatus(await admin.post('/api/v1/orgs', { slug: `lrs2-${randomHex(3)}`, name: 'Other' }), 201).json;
    creds = expectStatus(await admin.post(`/api/v1/orgs/${org.id}/lrs-clients`, { name: 'Authoring tool' }), 201).json;
    reader = expectStatus(await admin.post(`/api/v1/orgs/${org.id}/lrs-clients`, { name: 'Reports', scopes: ['statements/read'] }), 201).json;
    otherCreds = expectStatus(await admin.post(`/api/v1/orgs/${other.id}/lrs-clients`, { name: 'Other tool' }), 201).json;
  });
  after(async () => {
    await server.stopCleanly();
  });

  test('clients: the secret is shown once, listed without it; org admins only; scopes are checked', async () => {
    assert.match(creds.secret, /^[A-Za-z0-9_-]{40,}$/);
    assert.equal(creds.endpoint, `${server.base}/xapi/`);
    assert.deepEqual(creds.scopes, ['all']);
    const list = expectStatus(await admin.get(`/api/v1/orgs/${org.id}/lrs-clients`), 200).json;
    assert.equal(list.items.length, 2);
    assert.ok(list.items.every((c) => c.secret === undefined), 'no secret in the list');
    const learner = await server.createUser();
    expectProblem(await learner.client.get(`/api/v1/orgs/${org.id}/lrs-clients`), 403);
    expectInvalidField(await admin.post(`/api/v1/orgs/${org.id}/lrs-clients`, { name: 'x', scopes: ['root'] }), 'scopes/0');
  });

  test('version negotiation: missing or unsupported X-Experience-API-Version is 400; /about lists the versions', async () => {
    const missing = await xapiRequest(server, creds, 'GET', '/xapi/statements', { version: null });
    expectProblem(missing, 400);
    expectProblem(await xapiRequest(server, creds, 'GET', '/xapi/statements', { version: '0.95' }), 400);
    expectProblem(await xapiRequest(server, creds, 'GET', '/xapi/statements', { version: '3.0.0' }), 400);
    for (const v of ['1.0.0', '1.0.1', '1.0.2', '1.0.3', '2.0.0']) {
      const res = expectStatus(await xapiRequest(server, creds, 'GET', '/xapi/statements', { version: v }), 200);
      assert.ok(res.headers.get('x-experience-api-version'), 'the answer names its version');
    }
    const about = expectStatus(await server.client().get('/xapi/about'), 200);
    assert.ok(about.json.version.includes('2.0.0') && about.json.version.includes('1.0.3'), about.text);
  });

  test('credentials: none, wrong or revoked are 401; a read-only client cannot write (403); a person\'s session is not an xAPI client', async () => {
    expectProblem(await xapiRequest(server, null, 'GET', '/xapi/statements'), 401);
    expectProblem(await xapiRequest(server, { key: creds.key, secret: 'nope' }, 'GET', '/xapi/statements'), 401);
    expectProblem(await xapiRequest(server, reader, 'POST', '/xapi/statements', { json: statement('a@example.org') }), 403);
    expectStatus(await xapiRequest(server, reader, 'GET', '/xapi/statements'), 200);
    expectProblem(await xapiRequest(server, reader, 'GET', `/xapi/activities/state?activityId=https://x.test/a&agent=${agentParam('a@example.org')}&stateId=s`), 403);
    const res = await admin.request('GET', '/xapi/statements', { headers: { 'x-experience-api-version': V2 } });
    assert.ok(res.status === 401 || res.status === 403, res.describe());
    const temp = expectStatus(await admin.post(`/api/v1/orgs/${org.id}/lrs-clients`, { name: 'Temporary' }), 201).json;
    expectStatus(await xapiRequest(server, temp, 'GET', '/xapi/statements'), 200);
    expectStatus(await admin.del(`/api/v1/orgs/${org.id}/lrs-clients/${temp.id}`), 204);
    expectProblem(await xapiRequest(server, temp, 'GET', '/xapi/statements'), 401);
  });

  test('@xapi/xapi (2.0.0): statements, filters, paging, voiding, state, profiles, agents and activities', async () => {
    const xapi = new XAPI({ endpoint: creds.endpoint, auth: XAPI.toBasicAuth(creds.key, creds.secret), version: '2.0.0' });
    const email = `x-${randomHex(4)}@example.org`;
    const activity = `https://trivium.test/activities/${randomHex(4)}`;
    const sent = await xapi.sendStatement({ statement: statement(email, 'experienced', activity) });
    assert.equal(sent.data.length, 1);
    const id = sent.data[0];
    const got = await xapi.getStatement({ statementId: id });
    assert.equal(got.data.id, id);
    assert.equal(got.data.actor.mbox, `mailto:${email}`);
    assert.ok(got.data.stored && got.data.authority, 'stored and authority set by the LRS');

    const batch = [];
    for (let i = 0; i < 5; i += 1) batch.push(statement(email, 'completed', activity));
    const ids = (await xapi.sendStatements({ statements: batch })).data;
    assert.equal(ids.length, 5);

    const filtered = await xapi.getStatements({ agent: { mbox: `mailto:${email}` }, activity, verb: 'http://adlnet.gov/expapi/verbs/completed', limit: 2 });
    assert.equal(filtered.data.statements.length, 2);
    assert.ok(filtered.data.more.startsWith('/xapi/statements?'), filtered.data.more);
    const seen = new Set(filtered.data.statements.map((s) => s.id));
    let more = filtered.data.more;
    while (more) {
      const next = await xapi.getMoreStatements({ more });
      for (const s of next.data.statements) {
        assert.ok(!seen.has(s.id), 'no statement twice across pages');
        seen.add(s.id);
      }
      more = next.data.more;
    }
    assert.deepEqual([...seen].sort(), [...ids].sort(), 'the pages hold exactly the five completions');

    await xapi.voidStatement({ actor: { mbox: 'mailto:admin@example.org' }, statementId: ids[0] });
    await assert.rejects(xapi.getStatement({ statementId: ids[0] }), (e) => e.response && e.response.status === 404);
    const voided = await xapi.getVoidedStatement({ voidedStatementId: ids[0] });
    assert.equal(voided.data.id, ids[0]);

    const agent = { objectType: 'Agent', mbox: `mailto:${email}` };
    await xapi.setState({ agent, activityId: activity, stateId: 'bookmark', state: { page: 3 } });
    await xapi.createState({ agent, activityId: activity, stateId: 'bookmark', state: { seconds: 40 } });
    const state = await xapi.getState({ agent, activityId: activity, stateId: 'bookmark' });
    assert.deepEqual(state.data, { page: 3, seconds: 40 }, 'POST merged into the stored object');
    assert.deepEqual((await xapi.getStates({ agent, activityId: activity })).data, ['bookmark']);
    await xapi.deleteState({ agent, activityId: activity, stateId: 'bookmark' });
    assert.deepEqual((await xapi.getStates({ agent, activityId: activity })).data, []);

    await xapi.setActivityProfile({ activityId: activity, profileId: 'p1', profile: { level: 'intro' } });
    const profile = await xapi.getActivityProfile({ activityId: activity, profileId: 'p1' });
    assert.deepEqual(profile.data, { level: 'intro' });
    assert.ok(profile.headers.etag, 'profiles carry an ETag');
    await xapi.setAgentProfile({ agent, profileId: 'prefs', profile: { lang: 'fr' } });
    assert.deepEqual((await xapi.getAgentProfile({ agent, profileId: 'prefs' })).data, { lang: 'fr' });
    assert.deepEqual((await xapi.getAgentProfiles({ agent })).data, ['prefs']);

    const person = await xapi.getAgent({ agent });
    assert.equal(person.data.objectType, 'Person');
    assert.deepEqual(person.data.mbox, [`mailto:${email}`]);
    const act = await xapi.getActivity({ activityId: activity });
    assert.equal(act.data.definition.name['en-US'], 'Lesson one');
    const about = await xapi.getAbout();
    assert.ok(about.data.version.includes('2.0.0'));
  });

  test('tincanjs (1.0.2): saves, retrieves and queries statements and state', async () => {
    const lrs = new TinCan.LRS({ endpoint: creds.endpoint, username: creds.key, password: creds.secret, allowFail: false, version: '1.0.2' });
    const email = `t-${randomHex(4)}@example.org`;
    const activity = `https://trivium.test/activities/tc-${randomHex(4)}`;
    const st = new TinCan.Statement({
      actor: { mbox: `mailto:${email}`, name: 'Tin Can' },
      verb: { id: 'http://adlnet.gov/expapi/verbs/attempted', display: { 'en-US': 'attempted' } },
      target: { id: activity },
    });
    const saved = await new Promise((resolve) => lrs.saveStatement(st, { callback: (err, xhr) => resolve({ err, xhr }) }));
    assert.equal(saved.err, null, `save failed: ${saved.xhr && saved.xhr.status} ${saved.xhr && saved.xhr.responseText}`);
    const retrieved = await new Promise((resolve) => lrs.retrieveStatement(st.id, { callback: (err, s) => resolve({ err, s }) }));
    assert.equal(retrieved.err, null);
    assert.equal(retrieved.s.id, st.id);
    assert.equal(retrieved.s.actor.mbox, `mailto:${email}`);
    const queried = await new Promise((resolve) => lrs.queryStatements({
      params: { agent: new TinCan.Agent({ mbox: `mailto:${email}` }), activity: new TinCan.Activity({ id: activity }) },
      callback: (err, result) => resolve({ err, result }),
    }));
    assert.equal(queried.err, null);
    assert.equal(queried.result.statements.length, 1);
    assert.equal(queried.result.statements[0].id, st.id);
    const agent = new TinCan.Agent({ mbox: `mailto:${email}` });
    const stateSaved = await new Promise((resolve) => lrs.saveState('suspend', 'chapter-2', {
      activity: new TinCan.Activity({ id: activity }), agent, contentType: 'text/plain', callback: (err) => resolve(err),
    }));
    assert.equal(stateSaved, null);
    const state = await new Promise((resolve) => lrs.retrieveState('suspend', {
      activity: new TinCan.Activity({ id: activity }), agent, callback: (err, s) => resolve({ err, s }),
    }));
    assert.equal(state.err, null);
    assert.equal(state.s.contents, 'chapter-2');
    assert.ok(state.s.etag, 'the state carries its ETag');
  });

  test('invalid statements are 400 and store nothing; a batch is all or nothing', async () => {
    const email = `bad-${randomHex(4)}@example.org`;
    const bad = [
      { ...statement(email), actor: { mbox: email } },                        // mbox without mailto:
      { ...statement(email), id: 'not-a-uuid' },
      { ...statement(email), verb: { id: 'not an iri' } },
      { ...statement(email), timestamp: '2026-02-30T10:00:00Z' },
      { ...statement(email), result: { score: { scaled: 1.5 } } },
      { ...statement(email), result: { duration: 'PT1X' } },
      { ...statement(email), unknownProperty: true },
      { ...statement(email), verb: { id: 'http://x.test/v', display: { 'not a tag!': 'x' } } },
    ];
    for (const st of bad) {
      expectProblem(await xapiRequest(server, creds, 'POST', '/xapi/statements', { json: st }), 400);
    }
    expectProblem(await xapiRequest(server, creds, 'POST', '/xapi/statements', { body: '{"actor":', contentType: 'application/json' }), 400);
    expectProblem(await xapiRequest(server, creds, 'POST', '/xapi/statements', { json: [statement(email), bad[0]] }), 400);
    const none = expectStatus(await xapiRequest(server, creds, 'GET', `/xapi/statements?agent=${agentParam(email)}`), 200).json;
    assert.equal(none.statements.length, 0, 'nothing of a refused request is stored');
  });

  test('PUT with statementId; the same statement again is accepted, a different one is 409; parameter rules', async () => {
    const id = crypto.randomUUID();
    const st = statement(`put-${randomHex(3)}@example.org`);
    expectStatus(await xapiRequest(server, creds, 'PUT', `/xapi/statements?statementId=${id}`, { json: st }), 204);
    expectStatus(await xapiRequest(server, creds, 'PUT', `/xapi/statements?statementId=${id}`, { json: st }), 204);
    expectProblem(await xapiRequest(server, creds, 'PUT', `/xapi/statements?statementId=${id}`, { json: { ...st, verb: { id: 'http://x.test/other' } } }), 409);
    expectProblem(await xapiRequest(server, creds, 'PUT', '/xapi/statements', { json: st }), 400);
    expectProblem(await xapiRequest(server, creds, 'PUT', `/xapi/statements?statementId=${crypto.randomUUID()}`, { json: { ...st, id } }), 400);
    expectProblem(await xapiRequest(server, creds, 'GET', `/xapi/statements?statementId=${id}&agent=${agentParam('a@example.org')}`), 400);
    expectProblem(await xapiRequest(server, creds, 'GET', '/xapi/statements?colour=blue'), 400);
    expectProblem(await xapiRequest(server, creds, 'GET', '/xapi/statements?limit=-1'), 400);
    expectProblem(await xapiRequest(server, creds, 'GET', '/xapi/statements?since=yesterday'), 400);
    const one = expectStatus(await xapiRequest(server, creds, 'GET', `/xapi/statements?statementId=${id}`), 200);
    assert.equal(one.json.id, id);
    assert.ok(one.headers.get('x-experience-api-consistent-through'), 'consistent-through header');
    assert.ok(one.headers.get('last-modified'));
    const head = await xapiRequest(server, creds, 'HEAD', `/xapi/statements?statementId=${id}`);
    assert.equal(head.status, 200);
    assert.equal(head.text, '', 'HEAD has no body');
  });

  test('formats: ids reduces agents, activities and verbs to their identifiers; canonical picks one language', async () => {
    const email = `fmt-${randomHex(4)}@example.org`;
    const st = statement(email);
    st.verb.display = { 'en-US': 'experienced', 'fr-FR': 'a vécu' };
    const [id] = expectStatus(await xapiRequest(server, creds, 'POST', '/xapi/statements', { json: st }), 200).json;
    const ids = expectStatus(await xapiRequest(server, creds, 'GET', `/xapi/statements?statementId=${id}&format=ids`), 200).json;
    assert.equal(ids.actor.name, undefined);
    assert.equal(ids.actor.mbox, `mailto:${email}`);
    assert.equal(ids.verb.display, undefined);
    assert.equal(ids.object.definition, undefined);
    const canonical = expectStatus(await xapiRequest(server, creds, 'GET', `/xapi/statements?statementId=${id}&format=canonical`, { headers: { 'accept-language': 'fr-FR' } }), 200).json;
    assert.deepEqual(canonical.verb.display, { 'fr-FR': 'a vécu' });
    expectProblem(await xapiRequest(server, creds, 'GET', `/xapi/statements?statementId=${id}&format=pretty`), 400);
  });

  test('attachments in multipart/mixed: hashes checked, stored, returned with attachments=true', async () => {
    const content = Buffer.from(`certificate ${randomHex(8)}`);
    const sha2 = crypto.createHash('sha256').update(content).digest('hex');
    const st = statement(`att-${randomHex(4)}@example.org`, 'completed');
    st.attachments = [{ usageType: 'http://id.tincanapi.com/attachment/certificate-of-completion', display: { 'en-US': 'Certificate' }, contentType: 'text/plain', length: content.length, sha2 }];
    const boundary = `b${randomHex(6)}`;
    const build = (hash, bytes) => Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(st)}\r\n--${boundary}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${hash}\r\n\r\n`),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const type = `multipart/mixed; boundary=${boundary}`;
    expectProblem(await xapiRequest(server, creds, 'POST', '/xapi/statements', { body: build(sha2, Buffer.from('tampered')), contentType: type }), 400);
    expectProblem(await xapiRequest(server, creds, 'POST', '/xapi/statements', { json: st }), 400);  // bytes missing
    expectProblem(await xapiRequest(server, creds, 'POST', '/xapi/statements', { body: build(sha2, content).subarray(0, 100), contentType: type }), 400);
    const [id] = expectStatus(await xapiRequest(server, creds, 'POST', '/xapi/statements', { body: build(sha2, content), contentType: type }), 200).json;
    const res = expectStatus(await xapiRequest(server, creds, 'GET', `/xapi/statements?statementId=${id}&attachments=true`), 200);
    assert.match(res.headers.get('content-type'), /^multipart\/mixed; boundary=/);
    assert.ok(res.text.includes(content.toString()), 'the attachment bytes are returned');
    assert.ok(res.text.includes(`X-Experience-API-Hash: ${sha2}`), res.text.slice(0, 400));
  });

  test('documents: ETag concurrency (412), profile replace needs a precondition in 1.0.3 (409), Last-Modified', async () => {
    const activity = `https://trivium.test/activities/doc-${randomHex(4)}`;
    const agent = agentParam(`doc-${randomHex(4)}@example.org`);
    const statePath = `/xapi/activities/state?activityId=${encodeURIComponent(activity)}&agent=${agent}&stateId=s1`;
    const put = expectStatus(await xapiRequest(server, creds, 'PUT', statePath, { body: 'v1', contentType: 'text/plain' }), 204);
    const etag = put.headers.get('etag');
    assert.match(etag, /^"[0-9a-f]{40}"$/);
    const got = expectStatus(await xapiRequest(server, creds, 'GET', statePath), 200);
    assert.equal(got.text, 'v1');
    assert.equal(got.headers.get('etag'), etag);
    assert.ok(got.headers.get('last-modified'));
    expectStatus(await xapiRequest(server, creds, 'PUT', statePath, { body: 'v2', contentType: 'text/plain', headers: { 'if-match': etag } }), 204);
    expectProblem(await xapiRequest(server, creds, 'PUT', statePath, { body: 'v3', contentType: 'text/plain', headers: { 'if-match': etag } }), 412);
    expectProblem(await xapiRequest(server, creds, 'PUT', statePath, { body: 'v3', contentType: 'text/plain', headers: { 'if-none-match': '*' } }), 412);
    expectProblem(await xapiRequest(server, creds, 'POST', statePath, { body: '{"a":1}', contentType: 'application/json' }), 400);  // not mergeable
    const profilePath = `/xapi/activities/profile?activityId=${encodeURIComponent(activity)}&profileId=p1`;
    expectStatus(await xapiRequest(server, creds, 'PUT', profilePath, { version: '1.0.3', json: { a: 1 } }), 204);
    expectProblem(await xapiRequest(server, creds, 'PUT', profilePath, { version: '1.0.3', json: { a: 2 } }), 409);
    expectProblem(await xapiRequest(server, creds, 'GET', `/xapi/activities/state?activityId=${encodeURIComponent(activity)}&stateId=s1`), 400);  // agent missing
    expectProblem(await xapiRequest(server, creds, 'GET', `/xapi/activities/state?activityId=${encodeURIComponent(activity)}&agent=%7Bbad&stateId=s1`), 400);
    expectStatus(await xapiRequest(server, creds, 'DELETE', statePath), 204);
    expectProblem(await xapiRequest(server, creds, 'GET', statePath), 404);
  });

  test('organisations are apart: another organisation\'s client sees none of these records', async () => {
    const email = `iso-${randomHex(4)}@example.org`;
    const [id] = expectStatus(await xapiRequest(server, creds, 'POST', '/xapi/statements', { json: statement(email) }), 200).json;
    expectProblem(await xapiRequest(server, otherCreds, 'GET', `/xapi/statements?statementId=${id}`), 404);
    const list = expectStatus(await xapiRequest(server, otherCreds, 'GET', `/xapi/statements?agent=${agentParam(email)}`), 200).json;
    assert.equal(list.statements.length, 0);
    // The same id may be used in another organisation's store.
    expectStatus(await xapiRequest(server, otherCreds, 'PUT', `/xapi/statements?statementId=${id}`, { json: statement(email, 'completed') }), 204);
  });

  test('DUR: acknowledged statements and documents survive kill -9', async () => {
    const local = await startServer();
    let restarted;
    try {
      const a = await local.adminClient();
      const o = expectStatus(await a.post('/api/v1/orgs', { slug: `dur-${randomHex(3)}`, name: 'Durable' }), 201).json;
      const c = expectStatus(await a.post(`/api/v1/orgs/${o.id}/lrs-clients`, { name: 'Tool' }), 201).json;
      const email = `dur-${randomHex(4)}@example.org`;
      const batch = Array.from({ length: 20 }, () => statement(email));
      const ids = expectStatus(await xapiRequest(local, c, 'POST', '/xapi/statements', { json: batch }), 200).json;
      const statePath = `/xapi/activities/state?activityId=${encodeURIComponent('https://trivium.test/a')}&agent=${agentParam(email)}&stateId=s`;
      expectStatus(await xapiRequest(local, c, 'PUT', statePath, { body: 'kept', contentType: 'text/plain' }), 204);
      local.signal('SIGKILL');
      await local.stop({ keepData: true });
      restarted = await startServer({ dataDir: local.dataDir, database: local.db });
      const list = expectStatus(await xapiRequest(restarted, c, 'GET', `/xapi/statements?agent=${agentParam(email)}`), 200).json;
      assert.deepEqual(list.statements.map((s) => s.id).sort(), [...ids].sort());
      assert.equal(expectStatus(await xapiRequest(restarted, c, 'GET', statePath), 200).text, 'kept');
    } finally {
      if (restarted) await restarted.stopCleanly();
    }
  });
});
