// The server core seen from outside: health, readiness, metrics, request ids,
// common headers, routing errors, and CORS (CSRF-04).
import { describe, before, after, test, assert, expectStatus, expectProblem } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';

// Prometheus text -> [{name, labels, value}]
function parseMetrics(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    assert.ok(m, `not a Prometheus sample line: ${line}`);
    const labels = {};
    if (m[3]) {
      for (const l of m[3].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    }
    out.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return out;
}

describe('core', () => {
  let server;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.stopCleanly();
  });

  test('GET /healthz answers 200 {"status":"ok"}', async () => {
    const res = await server.client().get('/healthz');
    expectStatus(res, 200);
    assert.match(res.contentType, /^application\/json/);
    assert.deepEqual(res.json, { status: 'ok' });
  });

  test('GET /readyz answers 200 when the store answers', async () => {
    const res = await server.client().get('/readyz');
    expectStatus(res, 200);
  });

  test('GET /metrics is Prometheus text with request counters, latency histogram, connections, store pool', async () => {
    const c = server.client();
    const count = async () => {
      const res = await c.get('/metrics');
      expectStatus(res, 200);
      assert.match(res.contentType, /^text\/plain/);
      return parseMetrics(res.text);
    };
    const healthzCount = (samples) =>
      samples
        .filter((s) => s.name === 'trivium_http_requests_total' && s.labels.route === '/healthz' && s.labels.method === 'GET' && s.labels.status === '200')
        .reduce((a, s) => a + s.value, 0);
    const before_ = healthzCount(await count());
    for (let i = 0; i < 3; i++) expectStatus(await c.get('/healthz'), 200);
    const samples = await count();
    assert.ok(healthzCount(samples) >= before_ + 3, 'trivium_http_requests_total{route="/healthz"} grew by at least 3');
    const names = new Set(samples.map((s) => s.name));
    for (const n of [
      'trivium_http_request_duration_seconds_bucket',
      'trivium_http_request_duration_seconds_sum',
      'trivium_http_request_duration_seconds_count',
      'trivium_http_open_connections',
    ]) {
      assert.ok(names.has(n), `metric ${n} present`);
    }
    assert.ok([...names].some((n) => n.startsWith('trivium_store_connections')), 'a trivium_store_connections metric');
    const inf = samples.find((s) => s.name === 'trivium_http_request_duration_seconds_bucket' && s.labels.le === '+Inf');
    assert.ok(inf, 'histogram has an le="+Inf" bucket');
    // Unknown paths must not create a label per path (cardinality).
    await c.get('/no/such/path/' + Date.now());
    const after_ = await count();
    assert.ok(!after_.some((s) => (s.labels.route || '').includes('/no/such/path')), 'unknown paths are not route labels');
  });

  test('every response carries X-Request-Id, nosniff and Referrer-Policy; /api answers Cache-Control: no-store', async () => {
    const c = server.client();
    for (const p of ['/healthz', '/api/v1/me', '/api/v1/nope', '/api/v1/openapi.json']) {
      const res = await c.get(p);
      assert.match(res.requestId || '', /^[A-Za-z0-9._-]{1,64}$/, `X-Request-Id on ${p}`);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `nosniff on ${p}`);
      assert.ok(res.headers.get('referrer-policy'), `Referrer-Policy on ${p}`);
      // The OpenAPI document is public and the same for everyone: it may be
      // cached (no-cache); every other /api answer must not be stored.
      if (p.startsWith('/api') && p !== '/api/v1/openapi.json') {
        assert.match(res.headers.get('cache-control') || '', /no-store/, `no-store on ${p}`);
      }
    }
  });

  test('a valid incoming X-Request-Id is echoed; an invalid one is replaced; generated ids differ', async () => {
    const c = server.client();
    const good = 'abc-123.X_y';
    assert.equal((await c.get('/healthz', { headers: { 'x-request-id': good } })).requestId, good);
    const long = 'a'.repeat(64);
    assert.equal((await c.get('/healthz', { headers: { 'x-request-id': long } })).requestId, long);
    for (const bad of ['a'.repeat(65), 'has space', 'semi;colon', '<script>', '']) {
      const res = await c.get('/healthz', { headers: { 'x-request-id': bad } });
      assert.notEqual(res.requestId, bad, `invalid id "${bad}" must not be echoed`);
      assert.match(res.requestId || '', /^[A-Za-z0-9._-]{1,64}$/);
    }
    const a = (await c.get('/healthz')).requestId;
    const b = (await c.get('/healthz')).requestId;
    assert.notEqual(a, b);
    // The problem document carries the same id.
    const res = await c.get('/api/v1/nope', { headers: { 'x-request-id': 'trace-404' } });
    assert.equal(expectProblem(res, 404).request_id, 'trace-404');
  });

  test('unknown route -> 404 urn:trivium:problem:not-found', async () => {
    const res = await server.client().get('/api/v1/does-not-exist');
    expectProblem(res, 404, 'urn:trivium:problem:not-found');
  });

  test('wrong method -> 405 with Allow', async () => {
    const c = server.client();
    const res = await c.request('PUT', '/api/v1/auth/login', { json: {} });
    expectProblem(res, 405);
    assert.match(res.headers.get('allow') || '', /POST/);
    const h = await c.request('DELETE', '/healthz');
    expectStatus(h, 405);
    assert.match(h.headers.get('allow') || '', /GET/);
  });

  test('GET /api/v1/openapi.json is an OpenAPI 3.1 document whose operations name x-trivium-action', async () => {
    const res = await server.client().get('/api/v1/openapi.json');
    expectStatus(res, 200);
    assert.match(res.json.openapi, /^3\.1/);
    const ops = Object.entries(res.json.paths).flatMap(([p, item]) =>
      Object.entries(item)
        .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map(([m, op]) => ({ p, m, op })),
    );
    assert.ok(ops.length >= 30, `at least 30 operations (got ${ops.length})`);
    for (const { p, m, op } of ops) assert.ok(op['x-trivium-action'], `${m.toUpperCase()} ${p} names x-trivium-action`);
    assert.ok(res.json.paths['/api/v1/auth/login'], 'documents /api/v1/auth/login');
  });

  test('CSRF-04: CORS never reflects a foreign Origin, and never * with credentials', async () => {
    const c = server.client();
    const origin = 'https://evil.example';
    for (const [method, p] of [
      ['GET', '/api/v1/me'],
      ['OPTIONS', '/api/v1/auth/login'],
      ['POST', '/api/v1/auth/login'],
    ]) {
      const res = await c.request(method, p, {
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
        ...(method === 'POST' ? { json: { email: 'x@example.com', password: 'whatever-123' } } : {}),
      });
      const acao = res.headers.get('access-control-allow-origin');
      assert.notEqual(acao, origin, `${method} ${p} reflects Origin`);
      if (acao === '*') assert.notEqual(res.headers.get('access-control-allow-credentials'), 'true');
      assert.ok(res.status < 500, res.describe());
    }
  });
});
