// Malformed, truncated and oversized HTTP over raw sockets: a 4xx answer or a
// closed connection, never a crash; the server answers /healthz afterwards
// (issue "Bad input"; INJ-06). Each test starts its own server, so that one
// crash does not hide what the others would show.
import net from 'node:net';

import { describe, test, assert, expectStatus, expectProblem } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';

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

async function withServer(fn) {
  const server = await startServer();
  try {
    await fn(server);
    expectStatus(await server.client().get('/healthz'), 200);
  } finally {
    await server.stopCleanly();
  }
}

describe('HTTP framing', () => {
  test('body over 1 MiB -> 413 (declared length, answered before reading the body)', async () => withServer(async (server) => {
    const head =
      'POST /api/v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${1024 * 1024 + 1}\r\n\r\n`;
    const r = await rawExchange(server.port, [head], { halfClose: false, waitMs: 1500 });
    assert.equal(statusOf(r.text), 413, `raw answer: ${r.text.slice(0, 300)}`);
    assert.match(r.text, /application\/problem\+json/i);
  }));

  test('body over 1 MiB sent in full -> 413 or connection closed, server survives', async () => withServer(async (server) => {
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
  }));

  // Each case: a name, the bytes, and the answers allowed besides closing the
  // connection without one (a 2xx is never right for these).
  const reject = (st) => st >= 400 && st < 500;
  const cases = [
    ['a body shorter than its Content-Length, then EOF',
      ['POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"em'], reject],
    ['headers cut in the middle', ['GET /healthz HTTP/1.1\r\nHost: x\r\nX-Trunc'], reject],
    ['no request line', ['GARBAGE\r\n\r\n'], reject],
    ['an unknown HTTP version', ['GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n'], (st) => reject(st) || st === 505 || st === 200],
    ['a negative Content-Length', ['GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n'], reject],
    ['two different Content-Lengths',
      ['POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n{"a":1}'], reject],
    ['a bad chunk size',
      ['POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'], reject],
    ['a 64 KiB header', [`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`], reject],
    ['bad percent-escapes in the path', ['GET /api/v1/%zz%00%ff HTTP/1.1\r\nHost: x\r\n\r\n'], reject],
    ['a TLS ClientHello', [Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03])], reject],
    ['empty lines only', ['\r\n\r\n\r\n'], reject],
  ];
  for (const [name, chunks, allowed] of cases) {
    test(`malformed HTTP: ${name} -> 4xx or close, never a crash`, async () => withServer(async (server) => {
      const r = await rawExchange(server.port, chunks, { waitMs: 2000 });
      const st = statusOf(r.text);
      assert.ok(st === null || allowed(st), `answer: ${r.text.slice(0, 200)}`);
    }));
  }

  test('a request sent in dribbles is still understood', async () => withServer(async (server) => {
    const r = await rawExchange(server.port, ['GE', 'T /hea', 'lthz HTTP/1.1\r\nHo', 'st: x\r\nConnection: close\r\n\r\n']);
    assert.equal(statusOf(r.text), 200, r.text.slice(0, 200));
  }));
});
