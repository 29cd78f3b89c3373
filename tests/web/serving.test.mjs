// How `trivium serve` serves the built app (src/webapp), seen over HTTP:
// the page at every client-side path, its headers (CSP, caching, the API's
// security headers), precompressed assets, conditional requests, the API
// left as it was, no file outside the app's folder (FILE-05), and a server
// without a build that still runs the API.
import { describe, before, after, test } from 'node:test';
import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';

import { startServer } from '../integration/lib/server.mjs';
import { assert, webRoot } from './lib/web.mjs';

// A raw GET (node's fetch would decompress and normalise the path).
function get(base, path, headers = {}, method = 'GET') {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path, method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

// The request line exactly as written, for paths no client library sends.
function rawGet(base, target) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (c) => { data += c; });
    socket.on('end', () => resolve({ status: Number(data.slice(9, 12)), text: data }));
    socket.on('error', reject);
  });
}

describe('serving the web app', () => {
  let server;
  let base;
  let page;
  let script;

  before(async () => {
    server = await startServer({ env: { TRIVIUM_WEB_ROOT: webRoot, TRIVIUM_CONTENT_PEERTUBE_HOSTS: 'tube.example.org' } });
    base = server.base;
    page = await get(base, '/');
    script = /<script type="module"[^>]* src="(\/assets\/[^"]+\.js)"/.exec(page.body.toString())?.[1];
  });
  after(async () => {
    if (server) await server.stopCleanly();
  });

  test('HDR-02: the page carries a strict CSP and the API\'s security headers', () => {
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    const csp = page.headers['content-security-policy'];
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /object-src 'none'/);
    assert.match(csp, /base-uri 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /frame-src https:\/\/www\.youtube-nocookie\.com https:\/\/player\.vimeo\.com https:\/\/tube\.example\.org/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    assert.ok(page.headers['x-request-id']);
    assert.equal(page.headers['cache-control'], 'no-cache');
    assert.match(page.headers.etag, /^"[0-9a-f]{32}"$/);
    // No inline script in the page itself.
    assert.doesNotMatch(page.body.toString(), /<script(?![^>]*\bsrc=)[^>]*>/);
    assert.ok(script, 'the page loads its script from /assets/');
  });

  test('client-side paths get the page; HEAD gets its headers', async () => {
    for (const path of ['/catalog?q=data', '/courses/0192abc', '/verify-email?token=abc', '/learning', '/no/such/page']) {
      const res = await get(base, path);
      assert.equal(res.status, 200, path);
      assert.deepEqual(res.body, page.body, path);
      assert.equal(res.headers['cache-control'], 'no-cache', path);
    }
    const head = await get(base, '/courses/x', {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(Number(head.headers['content-length']), page.body.length);
  });

  test('hashed assets are immutable, sent precompressed by Accept-Encoding', async () => {
    const plain = await get(base, script);
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(plain.headers.vary, 'Accept-Encoding');
    assert.equal(plain.headers['content-encoding'], undefined);
    const br = await get(base, script, { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.ok(br.body.length < plain.body.length / 2, `brotli ${br.body.length} < ${plain.body.length} / 2`);
    assert.deepEqual(zlib.brotliDecompressSync(br.body), plain.body);
    const gz = await get(base, script, { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.deepEqual(zlib.gunzipSync(gz.body), plain.body);
    assert.notEqual(br.headers.etag, gz.headers.etag);
  });

  test('a matching If-None-Match is answered 304 without a body', async () => {
    const again = await get(base, '/', { 'if-none-match': page.headers.etag });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    assert.equal(again.headers.etag, page.headers.etag);
    const changed = await get(base, '/', { 'if-none-match': '"0000"' });
    assert.equal(changed.status, 200);
  });

  test('the API and the service routes are untouched: JSON problems, never the page', async () => {
    for (const path of ['/api/v1/nope', '/api/v1', '/xapi/nope', '/metrics/x', '/assets/no-such-file.js']) {
      const res = await get(base, path);
      assert.equal(res.status, 404, path);
      assert.match(res.headers['content-type'], /^application\/problem\+json/, path);
    }
    assert.equal((await get(base, '/healthz')).status, 200);
    const post = await get(base, '/courses/x', {}, 'POST');
    assert.equal(post.status, 404);
    assert.match(post.headers['content-type'], /^application\/problem\+json/);
  });

  test('FILE-05: no path reaches a file outside the app\'s folder', async () => {
    // Paths that climb, hide a NUL or use backslashes are refused outright.
    for (const target of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/%2E%2E/%2e%2e/%2e%2e/etc/passwd',
      '/assets/..%2f..%2fpackage.json',
      '/..%5c..%5cpackage.json',
      '/..\\..\\etc\\passwd',
      '/index.html%00.js',
      '/%00',
      '/./index.html',
    ]) {
      const res = await rawGet(base, target);
      assert.equal(res.status, 400, `${target}: ${res.text.slice(0, 300)}`);
      assert.doesNotMatch(res.text, /root:x:0:0|"devDependencies"/, target);
    }
    // Clean paths to files that are not part of the build are app routes.
    for (const target of ['/.git/config', '/src/main.tsx', '/package.json', '/assets/../index.html.br']) {
      const res = await rawGet(base, target);
      if (res.status === 400) continue; // '..' again
      assert.equal(res.status, 200, target);
      assert.ok(res.text.includes('<div id="root">'), `${target} is the app's page, not a file`);
      assert.doesNotMatch(res.text, /createRoot|"devDependencies"/, target);
    }
  });

  test('without a built app the API runs and the page says why', async () => {
    const bare = await startServer({ env: { TRIVIUM_WEB_ROOT: '/nonexistent/trivium-web' } });
    try {
      const res = await get(bare.base, '/');
      assert.equal(res.status, 404);
      assert.match(res.headers['content-type'], /^application\/problem\+json/);
      assert.match(JSON.parse(res.body.toString()).detail, /web app is not built/);
      assert.equal((await get(bare.base, '/api/v1/courses')).status, 200);
    } finally {
      await bare.stopCleanly();
    }
  });
});
