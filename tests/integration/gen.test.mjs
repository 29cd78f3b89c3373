// `trivium gen` (benchmark data): the statements it writes are stored through
// the LRS as a client would store them, follow the shapes the benchmark
// scripts query (learner (i * 7919) % learners on activity (i * 104729) %
// activities), and the same seed gives the same statements.
import { describe, after, test, assert, expectStatus } from './lib/harness.mjs';
import { startServer, runCommand } from './lib/server.mjs';

const N = 240;

async function generated(seed) {
  let out;
  const server = await startServer({
    before: async (dataDir, env) => {
      out = await runCommand(['gen', '--data', dataDir, '--statements', String(N), '--learners', '12',
        '--activities', '5', '--seed', String(seed)], { cwd: dataDir, env });
      return out.stdout;
    },
  });
  assert.equal(out.code, 0, `exit ${out.code}\n${out.stdout}\n${out.stderr}`);
  const key = /xapi_key (\S+)/.exec(out.stdout)[1];
  const secret = /xapi_secret (\S+)/.exec(out.stdout)[1];
  assert.match(out.stdout, new RegExp(`statements ${N} in`));
  return { server, auth: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}` };
}

async function all(server, auth, query = '') {
  const headers = { authorization: auth, 'x-experience-api-version': '2.0.0' };
  const res = expectStatus(await server.client().request('GET', `/xapi/statements?limit=1000${query}`, { headers, cookies: false }), 200);
  return res.json.statements;
}

describe('gen', () => {
  const started = [];
  after(async () => {
    for (const s of started) await s.stopCleanly();
  });

  test('writes the statements it reports, in the shapes the benchmark queries, reproducibly', async () => {
    const a = await generated(7);
    started.push(a.server);
    const statements = await all(a.server, a.auth);
    assert.equal(statements.length, N);
    // The benchmark's query: one learner on one activity.
    const agent = encodeURIComponent(JSON.stringify({ mbox: 'mailto:learner3@bench.trivium.test' }));
    const activity = encodeURIComponent('https://bench.trivium.test/activities/2');
    const hits = await all(a.server, a.auth, `&agent=${agent}&activity=${activity}`);
    const expected = statements.filter((s) => s.actor.mbox === 'mailto:learner3@bench.trivium.test' &&
      s.object.id === 'https://bench.trivium.test/activities/2');
    assert.ok(hits.length > 0, 'the benchmark pair exists');
    assert.equal(hits.length, expected.length);

    const b = await generated(7);
    started.push(b.server);
    const again = await all(b.server, b.auth);
    const shape = (s) => JSON.stringify([s.actor, s.verb, s.object, s.result, s.context]);
    assert.deepEqual(again.map(shape).sort(), statements.map(shape).sort());
  });
});
