// Bad input of every kind gets a 4xx problem document or is stored safely;
// never a crash, never a 500 (issue "Bad input"; INJ-01, INJ-06, CSRF-01).
import net from 'node:net';

import { describe, before, after, test, assert, expectStatus, expectProblem, expectInvalidField } from './lib/harness.mjs';
import { startServer, strongPassword } from './lib/server.mjs';

// Sends raw bytes on a new connection and collects what comes back until the
// server closes or `waitMs` passes. Write errors (the server may close first)
// are ignored: what matters is the answer and that the server survives.
function rawExchange(port, chunks, { waitMs = 3000, halfClose = true } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const got = [];
    let closed = false;
    const finish = () => {
      if (closed) return;
      closed = true;
      sock.destroy();
      resolve({ text: Buffer.concat(got).toString('latin1'), closedByServer: sock.readableEnded });
    };
    sock.on('data', (d) => got.push(d));
    sock.on('end', finish);
    sock.on('close', finish);
    sock.on('error', () => {});
    sock.on('connect', async () => {
      for (const c of chunks) {
        if (closed) return;
        sock.write(c);
      }
      if (halfClose) sock.end();
    });
    setTimeout(finish, waitMs);
  });
}

const statusOf = (text) => {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  return m ? Number(m[1]) : null;
};

describe('bad input', () => {
  let server;
  let member;
  before(async () => {
    server = await startServer();
    member = await server.createUser();
  });
  after(async () => {
    await server.stopCleanly();
  });

  const alive = async () => expectStatus(await server.client().get('/healthz'), 200);

  test('CSRF-01: text/plain and form bodies on a JSON route -> 415', async () => {
    const c = server.client();
    const body = JSON.stringify({ email: 'a@example.com', password: 'whatever-123' });
    for (const ct of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await c.request('POST', '/api/v1/auth/login', { body, contentType: ct });
      expectProblem(res, 415);
    }
    // No Content-Type at all on a JSON route is refused as well.
    expectProblem(await c.request('POST', '/api/v1/auth/login', { body }), 415);
    // A signed-in user's cookie does not help a cross-site text/plain form.
    const res = await member.client.request('POST', '/api/v1/me/tokens', {
      body: JSON.stringify({ name: 'csrf' }),
      contentType: 'text/plain',
    });
    expectProblem(res, 415);
  });

  test('body over 1 MiB -> 413 (declared length, answered before reading the body)', async () => {
    const head =
      'POST /api/v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${1024 * 1024 + 1}\r\n\r\n`;
    const r = await rawExchange(server.port, [head], { halfClose: false, waitMs: 1500 });
    assert.equal(statusOf(r.text), 413, `raw answer: ${r.text.slice(0, 300)}`);
    assert.match(r.text, /application\/problem\+json/i);
    await alive();
  });

  test('body over 1 MiB sent in full -> 413 or connection closed, server survives', async () => {
    const big = JSON.stringify({ email: 'big@example.com', password: 'x'.repeat(1024 * 1024 + 10), display_name: 'B' });
    try {
      const res = await server.client().request('POST', '/api/v1/auth/register', { body: big, contentType: 'application/json' });
      expectProblem(res, 413);
    } catch (err) {
      // The server may close the connection before reading the whole body.
      assert.match(String(err.cause?.code || err.message), /ECONNRESET|EPIPE|UND_ERR|other side closed|fetch failed/);
    }
    // Chunked transfer without a length, over the limit.
    const chunk = 'a'.repeat(64 * 1024);
    const parts = ['POST /api/v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n'];
    for (let i = 0; i < 18; i++) parts.push(`${(chunk.length).toString(16)}\r\n${chunk}\r\n`);
    parts.push('0\r\n\r\n');
    const r = await rawExchange(server.port, parts);
    const st = statusOf(r.text);
    assert.ok(st === 413 || st === null, `chunked oversize: ${r.text.slice(0, 200)}`);
    await alive();
  });

  test('malformed JSON -> 400 urn:trivium:problem:bad-request', async () => {
    const c = server.client();
    for (const body of ['{"email":', '{email: "a"}', '[1,2', '{"a":1}}', "{'a':1}", 'nul', '{"a":1,}', '\u0000', ' ']) {
      const res = await c.request('POST', '/api/v1/auth/login', { body, contentType: 'application/json' });
      expectProblem(res, 400, 'urn:trivium:problem:bad-request');
    }
  });

  test('bad UTF-8 inside JSON -> 400', async () => {
    const c = server.client();
    const variants = [
      Buffer.concat([Buffer.from('{"email":"'), Buffer.from([0xff, 0xfe]), Buffer.from('@example.com","password":"whatever-123"}')]),
      Buffer.concat([Buffer.from('{"email":"a@example.com","password":"'), Buffer.from([0xc3]), Buffer.from('"}')]),
      Buffer.concat([Buffer.from('{"display_name":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]), // UTF-16 surrogate
      Buffer.concat([Buffer.from('{"email":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]), // overlong "/"
    ];
    for (const body of variants) {
      const res = await c.request('POST', '/api/v1/auth/login', { body, contentType: 'application/json' });
      expectProblem(res, 400, 'urn:trivium:problem:bad-request');
    }
    // A lone surrogate escape is not valid text either.
    const esc = await c.request('POST', '/api/v1/auth/login', {
      body: '{"email":"\\ud800@example.com","password":"whatever-123"}',
      contentType: 'application/json',
    });
    assert.ok([400, 422].includes(esc.status), esc.describe());
  });

  test('nesting deeper than 32 -> 400; 100 000 levels do not crash the server', async () => {
    const c = server.client();
    const nested = (n) => `{"email":${'['.repeat(n)}${']'.repeat(n)},"password":"whatever-123"}`;
    const deep = await c.request('POST', '/api/v1/auth/login', { body: nested(40), contentType: 'application/json' });
    expectProblem(deep, 400, 'urn:trivium:problem:bad-request');
    const objs = `${'{"a":'.repeat(33)}1${'}'.repeat(33)}`;
    expectProblem(await c.request('POST', '/api/v1/auth/login', { body: objs, contentType: 'application/json' }), 400);
    const huge = await c.request('POST', '/api/v1/auth/login', { body: nested(100000), contentType: 'application/json' });
    expectProblem(huge, 400);
    // Within the limit, the same shape is understood and fails validation instead.
    const shallow = await c.request('POST', '/api/v1/auth/login', { body: nested(3), contentType: 'application/json' });
    assert.ok([400, 422].includes(shallow.status) && shallow.isProblem, shallow.describe());
    await alive();
  });

  test('unknown field -> 422 naming it (no mass assignment, AC-03)', async () => {
    const res = await server.client().post('/api/v1/auth/register', {
      email: server.newEmail(),
      password: strongPassword(),
      display_name: 'Mallory',
      platform_role: 'admin',
    });
    expectInvalidField(res, 'platform_role');
  });

  test('validation errors -> 422 urn:trivium:problem:invalid with field errors', async () => {
    const c = server.client();
    expectInvalidField(await c.post('/api/v1/auth/register', { email: 'not-an-email', password: strongPassword(), display_name: 'X' }), 'email');
    expectInvalidField(await c.post('/api/v1/auth/register', { email: server.newEmail(), password: 'short', display_name: 'X' }), 'password');
    expectInvalidField(await c.post('/api/v1/auth/register', { email: server.newEmail(), password: strongPassword() }), 'display_name');
    expectInvalidField(await c.post('/api/v1/auth/register', { email: 42, password: strongPassword(), display_name: 'X' }), 'email');
    expectInvalidField(
      await c.post('/api/v1/auth/register', { email: server.newEmail(), password: strongPassword(), display_name: 'X', locale: 'xx-INVALID' }),
      'locale',
    );
    expectInvalidField(
      await c.post('/api/v1/auth/register', { email: server.newEmail(), password: strongPassword(), display_name: 'X', time_zone: 'Mars/Olympus' }),
      'time_zone',
    );
    // A JSON array where an object is expected is a 4xx as well.
    const arr = await c.post('/api/v1/auth/register', [1, 2, 3]);
    assert.ok([400, 422].includes(arr.status) && arr.isProblem, arr.describe());
  });

  test('huge numbers and wrong types in any field -> 4xx problem, never 500', async () => {
    const c = member.client;
    const bodies = [
      '{"email":1e400,"password":"whatever-123"}',
      '{"email":123456789012345678901234567890123456789,"password":"whatever-123"}',
      '{"email":-0.0,"password":1e-400}',
      '{"email":"a@example.com","password":18446744073709551616}',
    ];
    for (const body of bodies) {
      const res = await server.client().request('POST', '/api/v1/auth/login', { body, contentType: 'application/json' });
      assert.ok([400, 422].includes(res.status) && res.isProblem, res.describe());
    }
    for (const n of ['1e400', '99999999999999999999999', '-1', '1.5', '9223372036854775808', '"10"', 'true', '[]']) {
      const res = await c.request('POST', '/api/v1/me/tokens', {
        body: `{"name":"n","expires_in_days":${n}}`,
        contentType: 'application/json',
      });
      assert.ok([400, 422].includes(res.status) && res.isProblem, `expires_in_days=${n}: ${res.describe()}`);
    }
    await alive();
  });

  test('INJ-01 / XSS: SQL meta-characters and <script> are stored verbatim and returned as JSON', async () => {
    const nasty = `Robert'); DROP TABLE users;-- <script>alert("x")</script> \\ " ' % _ \u00e9\u{1F600}`;
    const u = await server.createUser({ display_name: nasty });
    const me = await u.client.get('/api/v1/me');
    expectStatus(me, 200);
    assert.match(me.contentType, /^application\/json/);
    assert.equal(me.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(me.json.display_name, nasty);
    // PATCH with the same payload in every string field it accepts.
    const patched = await u.client.patch('/api/v1/me', { display_name: `${nasty} 2` });
    expectStatus(patched, 200);
    assert.equal((await u.client.get('/api/v1/me')).json.display_name, `${nasty} 2`);
    // The users table is still there: others can still log in.
    expectStatus(await member.client.get('/api/v1/me'), 200);
    // An e-mail address with an apostrophe is valid and round-trips.
    const quoted = await server.createUser({ email: `o'hara.${Date.now()}@example.com` });
    expectStatus(await quoted.client.get('/api/v1/me'), 200);
    // SQL meta-characters in a login e-mail are just a failed login.
    const res = await server.client().post('/api/v1/auth/login', { email: "' OR '1'='1' --@example.com", password: "' OR '1'='1" });
    assert.ok([401, 422].includes(res.status), res.describe());
  });

  test('control characters and NUL in strings are refused or stored verbatim, never a 500', async () => {
    const res = await member.client.patch('/api/v1/me', { display_name: 'nul\u0000byte\u0007' });
    if (res.status === 200) {
      // Stored verbatim, or with the control characters removed: nothing else.
      const stored = (await member.client.get('/api/v1/me')).json.display_name;
      assert.ok(['nul\u0000byte\u0007', 'nulbyte'].includes(stored), JSON.stringify(stored));
    } else {
      expectInvalidField(res, 'display_name');
    }
  });

  test('truncated and malformed HTTP over a raw socket -> 400 or close, never a crash', async () => {
    // Each case: the bytes, and the answers allowed besides closing the
    // connection without one (a 2xx is never right for these).
    const reject = (st) => st >= 400 && st < 500;
    const cases = [
      [['POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"em'], reject],
      [['GET /healthz HTTP/1.1\r\nHost: x\r\nX-Trunc'], reject],
      [['GARBAGE\r\n\r\n'], reject],
      [['GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n'], (st) => reject(st) || st === 505 || st === 200],
      [['GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n'], reject],
      [['POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n{"a":1}'], reject],
      [['POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'], reject],
      [[`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`], reject],
      [['GET /api/v1/%zz%00%ff HTTP/1.1\r\nHost: x\r\n\r\n'], reject],
      [[Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03])], reject], // a TLS ClientHello
      [['\r\n\r\n\r\n'], reject],
    ];
    for (const [chunks, allowed] of cases) {
      const r = await rawExchange(server.port, chunks, { waitMs: 2000 });
      const st = statusOf(r.text);
      assert.ok(st === null || allowed(st), `${JSON.stringify(String(chunks[0]).slice(0, 70))} -> ${r.text.slice(0, 200)}`);
      await alive();
    }
    // Bytes in dribbles, then a valid request: the server still answers it.
    const r = await rawExchange(server.port, ['GE', 'T /hea', 'lthz HTTP/1.1\r\nHo', 'st: x\r\nConnection: close\r\n\r\n']);
    assert.equal(statusOf(r.text), 200, r.text.slice(0, 200));
  });

  test('a bad percent-escape in a path parameter is a 4xx, not a 500', async () => {
    const res = await member.client.del('/api/v1/me/tokens/%zz');
    assert.ok(res.status >= 400 && res.status < 500, res.describe());
    const res2 = await member.client.del('/api/v1/me/tokens/%C0%AF');
    assert.ok(res2.status >= 400 && res2.status < 500, res2.describe());
  });
});
