// Password reset through a real mail (AUTH-11): single use, expiring, and the
// same answer whether or not the account exists.
import { describe, before, after, test, assert, expectStatus, expectProblem, expectInvalidField } from './lib/harness.mjs';
import { startServer, strongPassword, sleep } from './lib/server.mjs';
import { tokenFrom } from './lib/smtp.mjs';

describe('password reset', () => {
  let server;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.stopCleanly();
  });

  test('AUTH-11: reset by mail; the token works once, the second use fails; old sessions die', async () => {
    const u = await server.createUser();
    const other = await server.loginClient(u.email, u.password);
    const anon = server.client();
    const res = await anon.post('/api/v1/auth/password-reset', { email: u.email });
    expectStatus(res, 202);
    const mail = await server.mail.next(u.email, { match: /reset|password/i });
    const token = tokenFrom(mail);
    assert.ok(token.length >= 22, 'reset token carries >= 128 bits');
    // A weak new password is refused and does not use up the token.
    expectInvalidField(await anon.post('/api/v1/auth/password-reset/confirm', { token, new_password: 'password' }), 'new_password');
    const next = strongPassword();
    expectStatus(await anon.post('/api/v1/auth/password-reset/confirm', { token, new_password: next }), 204);
    const again = await anon.post('/api/v1/auth/password-reset/confirm', { token, new_password: strongPassword() });
    assert.ok(again.status >= 400 && again.status < 500 && again.isProblem, `second use must fail: ${again.describe()}`);
    expectStatus(await server.client().login(u.email, u.password), 401);
    expectStatus(await server.client().login(u.email, next), 200);
    // Sessions opened with the old password do not survive a reset.
    expectProblem(await other.get('/api/v1/me'), 401);
  });

  test('AUTH-11: a reset for an unknown address answers the same 202, and sends nothing', async () => {
    const u = await server.createUser();
    const known = await server.client().post('/api/v1/auth/password-reset', { email: u.email });
    const unknownAddr = server.newEmail('ghost');
    const unknown = await server.client().post('/api/v1/auth/password-reset', { email: unknownAddr });
    expectStatus(known, 202);
    expectStatus(unknown, 202);
    assert.equal(unknown.text, known.text, 'same body');
    assert.equal(unknown.contentType, known.contentType);
    await server.mail.next(u.email, { match: /reset|password/i });
    await sleep(500);
    assert.equal(server.mail.to(unknownAddr).length, 0, 'no mail to an unknown address');
  });

  test('AUTH-11: a forged or malformed token fails', async () => {
    const anon = server.client();
    for (const token of ['A'.repeat(43), '', 'x', "' OR 1=1 --"]) {
      const res = await anon.post('/api/v1/auth/password-reset/confirm', { token, new_password: strongPassword() });
      assert.ok(res.status >= 400 && res.status < 500 && res.isProblem, res.describe());
    }
  });

  test('AUTH-11: only the newest reset mail matters once used; an older token is dead after a reset', async () => {
    const u = await server.createUser();
    expectStatus(await server.client().post('/api/v1/auth/password-reset', { email: u.email }), 202);
    const first = tokenFrom(await server.mail.next(u.email, { match: /reset|password/i }));
    expectStatus(await server.client().post('/api/v1/auth/password-reset', { email: u.email }), 202);
    const second = tokenFrom(await server.mail.next(u.email, { match: /reset|password/i }));
    assert.notEqual(first, second);
    expectStatus(await server.client().post('/api/v1/auth/password-reset/confirm', { token: second, new_password: strongPassword() }), 204);
    const old = await server.client().post('/api/v1/auth/password-reset/confirm', { token: first, new_password: strongPassword() });
    assert.ok(old.status >= 400 && old.status < 500, `an older token after a completed reset: ${old.describe()}`);
  });

  // Moves the server clock: keep last in this file.
  test('AUTH-11: an expired reset token fails (clock moved 25 hours)', async () => {
    const u = await server.createUser();
    expectStatus(await server.client().post('/api/v1/auth/password-reset', { email: u.email }), 202);
    const token = tokenFrom(await server.mail.next(u.email, { match: /reset|password/i }));
    await server.advanceClock(25 * 3600 * 1000);
    const res = await server.client().post('/api/v1/auth/password-reset/confirm', { token, new_password: strongPassword() });
    assert.ok(res.status >= 400 && res.status < 500 && res.isProblem, `expired token: ${res.describe()}`);
    expectStatus(await server.client().login(u.email, u.password), 200);
  });
});
