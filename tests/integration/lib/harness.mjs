// What every test file imports: node:test's functions, with `test` wrapped so
// that a failure carries the tail of the running servers' logs, and the
// assertions the suite shares (status codes, problem documents).
import nodeTest, { describe, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';

import { running } from './server.mjs';

export { describe, before, after, beforeEach, afterEach, assert };

function withLogs(fn) {
  return async function wrapped(...args) {
    try {
      return await fn.apply(this, args);
    } catch (err) {
      const logs = [...running].map((s) => s.logTail(60)).join('\n');
      if (logs && err && typeof err === 'object') {
        try {
          err.message = `${err.message}\n${logs}`;
          if (typeof err.stack === 'string') err.stack = `${err.stack}\n${logs}`;
        } catch {
          // some errors have a read-only message
        }
      }
      throw err;
    }
  };
}

// test(name, fn) or test(name, options, fn), like node:test.
export function test(name, a, b) {
  if (typeof a === 'function') return nodeTest(name, withLogs(a));
  return nodeTest(name, a, withLogs(b));
}

// Asserts the status, showing the response when it differs.
export function expectStatus(res, status) {
  const ok = Array.isArray(status) ? status.includes(res.status) : res.status === status;
  assert.ok(ok, `expected ${Array.isArray(status) ? status.join('|') : status}: ${res.describe()}`);
  return res;
}

// Asserts an RFC 9457 problem document of this status (and type, if given),
// whose request_id is the response's X-Request-Id.
export function expectProblem(res, status, type) {
  expectStatus(res, status);
  assert.ok(res.isProblem, `expected application/problem+json, got "${res.contentType}": ${res.describe()}`);
  const p = res.json;
  assert.ok(p && typeof p === 'object', `problem body is not JSON: ${res.describe()}`);
  assert.equal(p.status, res.status, `problem.status: ${res.describe()}`);
  assert.equal(typeof p.title, 'string', `problem.title: ${res.describe()}`);
  assert.ok(p.title.length > 0, `problem.title empty: ${res.describe()}`);
  assert.equal(typeof p.type, 'string', `problem.type: ${res.describe()}`);
  assert.ok('detail' in p, `problem.detail missing: ${res.describe()}`);
  assert.equal(p.request_id, res.requestId, `problem.request_id must equal X-Request-Id: ${res.describe()}`);
  if (type) assert.equal(p.type, type, `problem.type: ${res.describe()}`);
  return p;
}

// A 422 whose field errors name `field`.
export function expectInvalidField(res, field) {
  const p = expectProblem(res, 422, 'urn:trivium:problem:invalid');
  assert.ok(Array.isArray(p.errors), `422 without errors[]: ${res.describe()}`);
  for (const e of p.errors) {
    assert.equal(typeof e.field, 'string');
    assert.equal(typeof e.code, 'string');
    assert.equal(typeof e.message, 'string');
  }
  assert.ok(
    p.errors.some((e) => e.field === field || e.field.startsWith(`${field}/`)),
    `no field error for "${field}": ${res.describe()}`,
  );
  return p;
}

export const is2xx = (res) => res.status >= 200 && res.status < 300;
