// Anti-automation on the authentication pathways: per account (AUTH-07) and
// per client IP (AUTH-08), answered with 429 urn:trivium:problem:rate-limited
// and Retry-After.
import { describe, test, assert, expectStatus, expectProblem } from './lib/harness.mjs';
import { startServer, strongPassword } from './lib/server.mjs';

function expectRateLimited(res) {
  expectProblem(res, 429, 'urn:trivium:problem:rate-limited');
  const retry = res.headers.get('retry-after');
  assert.match(retry || '', /^\d+$/, `Retry-After in seconds: ${res.describe()}`);
  assert.ok(Number(retry) > 0, `Retry-After > 0: ${retry}`);
  return Number(retry);
}

describe('throttling', () => {
  test('AUTH-07: after at most 100 failed logins in an hour the account answers 429 with Retry-After, even to the right password; it recovers after the window', async () => {
    const server = await startServer(); // the per-IP limit is raised by the harness
    try {
      const u = await server.createUser();
      const statuses = [];
      let limitedAt = -1;
      for (let i = 0; i < 150 && limitedAt < 0; i++) {
        const res = await server.client().login(u.email, `Wrong-${i}-password`);
        statuses.push(res.status);
        if (res.status === 429) {
          limitedAt = i;
          expectRateLimited(res);
        } else {
          expectStatus(res, 401);
        }
      }
      assert.ok(limitedAt >= 0, `no 429 after 150 failed logins (statuses: ${[...new Set(statuses)]})`);
      assert.ok(limitedAt <= 100, `limited only after ${limitedAt} failures (at most 100 allowed)`);
      assert.ok(limitedAt >= 5, `limited too early, after ${limitedAt} failures: an attacker could lock out a victim cheaply`);
      // While limited, the right password is refused too, and so are more attempts.
      const right = await server.client().login(u.email, u.password);
      const retry = expectRateLimited(right);
      assert.ok(retry <= 3600, `Retry-After within the hour window: ${retry}`);
      expectRateLimited(await server.client().login(u.email, 'Wrong-again-password'));
      // Another account is not affected (no global lockout).
      const other = await server.createUser({ login: false });
      expectStatus(await server.client().login(other.email, other.password), 200);
      // An existing session of the throttled user keeps working.
      expectStatus(await u.client.get('/api/v1/me'), 200);
      // After the window the owner can log in again.
      await server.advanceClock(61 * 60 * 1000);
      expectStatus(await server.client().login(u.email, u.password), 200);
    } finally {
      await server.stopCleanly();
    }
  });

  test('AUTH-08: the per-IP limit applies to login, registration and password reset alike', async () => {
    const server = await startServer({
      env: { TRIVIUM_AUTH_REQUESTS_PER_IP_PER_MINUTE: '5', TRIVIUM_AUTH_BURST_PER_IP: '5' },
    });
    try {
      const c = server.client();
      const pathways = [
        ['login', () => c.post('/api/v1/auth/login', { email: server.newEmail(), password: 'Wrong-password-1' })],
        ['register', () => c.post('/api/v1/auth/register', { email: server.newEmail(), password: strongPassword(), display_name: 'Bot' })],
        ['password-reset', () => c.post('/api/v1/auth/password-reset', { email: server.newEmail() })],
      ];
      for (const [name, call] of pathways) {
        let limited = null;
        let n = 0;
        for (; n < 40 && !limited; n++) {
          const res = await call();
          if (res.status === 429) limited = res;
          else assert.ok(res.status < 500, res.describe());
        }
        assert.ok(limited, `${name}: no 429 within 40 requests at 5/minute`);
        expectRateLimited(limited);
      }
      // Not an auth pathway: unaffected.
      expectStatus(await c.get('/healthz'), 200);
      expectStatus(await c.get('/api/v1/openapi.json'), 200);
      // The bucket refills with time.
      await server.advanceClock(5 * 60 * 1000);
      const res = await c.post('/api/v1/auth/login', { email: server.newEmail(), password: 'Wrong-password-1' });
      expectStatus(res, 401);
    } finally {
      await server.stopCleanly();
    }
  });
});
