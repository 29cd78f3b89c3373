// Session and token lifetimes (SESS-04), driven by the server's test clock
// hook (POST /api/v1/test/clock) instead of sleeping. Each test moves the
// clock of its own server only.
import { describe, test, expectStatus, expectProblem } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';

const MIN = 60 * 1000;

describe('session timeouts', () => {
  test('SESS-04: a session idle for more than 30 minutes is dead; activity keeps it alive', async () => {
    const server = await startServer();
    try {
      const u = await server.createUser();
      const idle = await server.loginClient(u.email, u.password);
      await server.advanceClock(20 * MIN);
      expectStatus(await u.client.get('/api/v1/me'), 200); // activity at 20 min
      await server.advanceClock(20 * MIN);
      // 40 min after login, 20 after the last request: alive.
      expectStatus(await u.client.get('/api/v1/me'), 200);
      // The idle one has had no request for 40 minutes.
      expectProblem(await idle.get('/api/v1/me'), 401, 'urn:trivium:problem:unauthenticated');
      await server.advanceClock(31 * MIN);
      expectProblem(await u.client.get('/api/v1/me'), 401, 'urn:trivium:problem:unauthenticated');
      // A new login works at the new time.
      expectStatus(await (await server.loginClient(u.email, u.password)).get('/api/v1/me'), 200);
    } finally {
      await server.stopCleanly();
    }
  });

  test('SESS-04: the absolute lifetime of 12 hours ends even a busy session', async () => {
    const server = await startServer();
    try {
      const u = await server.createUser();
      let elapsed = 0;
      // A request every 25 minutes: never idle, so only the absolute limit applies.
      while (elapsed + 25 * MIN < 12 * 60 * MIN) {
        await server.advanceClock(25 * MIN);
        elapsed += 25 * MIN;
        expectStatus(await u.client.get('/api/v1/me'), 200);
      }
      await server.advanceClock(12 * 60 * MIN - elapsed + MIN);
      expectProblem(await u.client.get('/api/v1/me'), 401, 'urn:trivium:problem:unauthenticated');
    } finally {
      await server.stopCleanly();
    }
  });

  test('a personal token with expires_in_days expires; one without keeps working', async () => {
    const server = await startServer();
    try {
      const u = await server.createUser();
      const short = await u.client.post('/api/v1/me/tokens', { name: 'one day', expires_in_days: 1 });
      expectStatus(short, 201);
      const long = await u.client.post('/api/v1/me/tokens', { name: 'no expiry' });
      expectStatus(long, 201);
      const bearer = (t) => server.client({ bearer: t.json.token });
      expectStatus(await bearer(short).get('/api/v1/me'), 200);
      await server.advanceClock(25 * 60 * MIN);
      expectProblem(await bearer(short).get('/api/v1/me'), 401, 'urn:trivium:problem:unauthenticated');
      expectStatus(await bearer(long).get('/api/v1/me'), 200);
    } finally {
      await server.stopCleanly();
    }
  });
});
