// Graceful shutdown: on SIGTERM the server stops accepting, finishes the
// requests in flight, closes the store and exits 0.
import net from 'node:net';

import { describe, test, assert, expectStatus } from './lib/harness.mjs';
import { startServer, sleep } from './lib/server.mjs';

describe('graceful shutdown', () => {
  test('SIGTERM while slow requests (logins: Argon2id) are in flight: every response arrives, exit code 0', async () => {
    // A higher Argon2 cost than the default makes each login long enough to
    // be surely in flight when the signal lands.
    const server = await startServer({ env: { TRIVIUM_ARGON2_MEMORY_KIB: '131072' } });
    let stopped = false;
    try {
      const u = await server.createUser();
      const t0 = Date.now();
      expectStatus(await server.client().login(u.email, u.password), 200);
      const loginMs = Date.now() - t0;
      const inFlight = [];
      for (let i = 0; i < 4; i++) inFlight.push(server.client().login(u.email, u.password));
      // Let the requests reach the server, but signal well before they can finish.
      await sleep(Math.max(20, Math.min(100, loginMs / 4)));
      server.signal('SIGTERM');
      const results = await Promise.allSettled(inFlight);
      for (const r of results) {
        assert.equal(r.status, 'fulfilled', `request in flight lost: ${r.reason && (r.reason.cause?.code || r.reason.message)}`);
        expectStatus(r.value, 200);
      }
      const exit = await server.stop();
      stopped = true;
      assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, server.logTail());
      // And it no longer accepts connections.
      await assert.rejects(fetch(`${server.base}/healthz`));
    } finally {
      if (!stopped) await server.stop();
    }
  });

  test('an idle keep-alive connection does not hold the shutdown up', async () => {
    const server = await startServer();
    let stopped = false;
    try {
      const sock = net.connect(server.port, '127.0.0.1');
      await new Promise((resolve) => sock.on('connect', resolve));
      sock.on('error', () => {});
      sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      await new Promise((resolve) => sock.once('data', resolve));
      const t0 = Date.now();
      const exit = await server.stop({ timeoutMs: 15000 });
      stopped = true;
      sock.destroy();
      assert.equal(exit.code, 0, JSON.stringify(exit));
      assert.ok(Date.now() - t0 < 10000, `shutdown took ${Date.now() - t0} ms with an idle connection open`);
    } finally {
      if (!stopped) await server.stop();
    }
  });

  test('SIGINT is a graceful stop as well', async () => {
    const server = await startServer();
    server.signal('SIGINT');
    const exit = await server.stop();
    assert.equal(exit.code, 0, JSON.stringify(exit));
  });
});
