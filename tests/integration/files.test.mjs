// Course files over HTTP against the real server: a chunked, resumable upload
// that survives kill -9 in the middle (DUR) and ends byte-identical; byte
// ranges, conditional requests, HEAD and keep-alive on the content; the
// headers that keep an uploaded file from acting as a page (FILE-07,
// FILE-08); who may read it (AC-02, AC-04); and bad input, each with the
// status HTTP requires and nothing partial kept (FILE-02, FILE-03, FILE-09).
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { mp4 } from './lib/media.mjs';
import { describe, before, after, test, assert, expectStatus, expectProblem, expectInvalidField } from './lib/harness.mjs';
import { startServer, randomHex } from './lib/server.mjs';

const MiB = 1024 * 1024;
const LIMITS = {
  TRIVIUM_FILES_MAX_FILE_BYTES: String(24 * MiB),
  TRIVIUM_FILES_ORGANISATION_QUOTA_BYTES: String(40 * MiB),
};


const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

// A request whose body is bytes, not text (the shared client decodes text).
async function raw(server, client, method, path, headers = {}) {
  const h = { ...headers };
  if (client && client.cookies.size > 0) h.cookie = client.cookieHeader();
  const res = await fetch(server.base + path, { method, headers: h });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, body, describe: () => `${method} ${path} -> ${res.status} ${body.toString('utf8', 0, 300)}` };
}

function putChunk(client, path, bytes, start, total, options = {}) {
  const end = start + bytes.length - 1;
  return client.request('PUT', path, {
    body: bytes,
    contentType: options.contentType || 'application/octet-stream',
    headers: { 'content-range': options.contentRange || `bytes ${start}-${end}/${total}` },
  });
}

async function uploadWhole(client, courseId, name, bytes, chunk = 2 * MiB) {
  const begun = expectStatus(await client.post(`/api/v1/courses/${courseId}/uploads`, { name, size: bytes.length }), 201);
  const path = `/api/v1/courses/${courseId}/uploads/${begun.json.id}`;
  let last;
  for (let at = 0; at < bytes.length; at += chunk) {
    last = await putChunk(client, path, bytes.subarray(at, Math.min(bytes.length, at + chunk)), at, bytes.length);
    if (at + chunk < bytes.length) expectStatus(last, 200);
  }
  return { path, last };
}

// Writes `text` on a fresh connection and collects what comes back until the
// server closes it (or `ms` pass).
function rawExchange(port, text, ms = 5000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks = [];
    const timer = setTimeout(() => socket.destroy(), ms);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.write(text);
  });
}

function rebase(client, server) {
  client.base = server.base;
  return client;
}

describe('course files', () => {
  let server;
  let admin;
  let org;
  let course;
  let otherCourse;
  let author;
  let learner;
  let otherLearner;
  let stranger;
  let video;
  let file;

  before(async () => {
    server = await startServer({ env: LIMITS });
    admin = await server.adminClient();
    org = expectStatus(await admin.post('/api/v1/orgs', { slug: `files-${randomHex(3)}`, name: 'Files Org' }), 201).json;
    // A public MOOC: its catalog entry is public, its files are not.
    course = expectStatus(await admin.post(`/api/v1/orgs/${org.id}/courses`, { form: 'mooc', slug: `vid-${randomHex(3)}`, title: 'Videos 101' }), 201).json;
    otherCourse = expectStatus(await admin.post(`/api/v1/orgs/${org.id}/courses`, { form: 'mooc', slug: `oth-${randomHex(3)}`, title: 'Other' }), 201).json;
    const run = expectStatus(await admin.post(`/api/v1/courses/${course.id}/runs`, { title: 'Spring' }), 201).json;
    const otherRun = expectStatus(await admin.post(`/api/v1/courses/${otherCourse.id}/runs`, { title: 'Spring' }), 201).json;
    author = await server.createUser({ display_name: 'Author' });
    learner = await server.createUser({ display_name: 'Learner' });
    otherLearner = await server.createUser({ display_name: 'Other learner' });
    stranger = await server.createUser({ display_name: 'Stranger' });
    expectStatus(await admin.request('PUT', `/api/v1/courses/${course.id}/staff/${author.id}/author`, { json: {} }), [200, 201, 204]);
    expectStatus(await admin.post(`/api/v1/runs/${run.id}/enrolments`, { user_id: learner.id }), 201);
    expectStatus(await admin.post(`/api/v1/runs/${otherRun.id}/enrolments`, { user_id: otherLearner.id }), 201);
  });
  after(async () => {
    await server.stopCleanly();
  });

  test('DUR: a chunked upload survives kill -9 in the middle, resumes from its offset and ends byte-identical', async () => {
    video = mp4(5 * MiB + 12345);
    const name = 'Leçon 1 "intro".mp4';
    const begun = await author.client.post(`/api/v1/courses/${course.id}/uploads`, { name, size: video.length });
    expectStatus(begun, 201);
    assert.equal(begun.json.offset, 0);
    assert.ok(begun.json.chunk_size > 0 && begun.json.max_chunk_size >= begun.json.chunk_size, begun.text);
    const path = `/api/v1/courses/${course.id}/uploads/${begun.json.id}`;
    assert.equal(begun.headers.get('location'), path);
    for (let at = 0; at < 3 * MiB; at += MiB) {
      const res = expectStatus(await putChunk(author.client, path, video.subarray(at, at + MiB), at, video.length), 200);
      assert.equal(res.json.offset, at + MiB);
      assert.equal(res.headers.get('upload-offset'), String(at + MiB));
    }
    // Nothing of an unfinished upload is visible.
    assert.deepEqual(expectStatus(await author.client.get(`/api/v1/courses/${course.id}/files`), 200).json.items, []);

    server.signal('SIGKILL');
    await server.stop({ keepData: true });
    server = await startServer({ env: LIMITS, dataDir: server.dataDir, database: server.db });
    for (const c of [admin, author.client, learner.client, otherLearner.client, stranger.client]) rebase(c, server);

    const status = expectStatus(await author.client.get(path), 200);
    assert.equal(status.json.offset, 3 * MiB, 'every acknowledged chunk survived');
    assert.equal(status.json.complete, false);
    let res;
    for (let at = status.json.offset; at < video.length; at += MiB) {
      res = await putChunk(author.client, path, video.subarray(at, Math.min(video.length, at + MiB)), at, video.length);
    }
    expectStatus(res, 201);
    file = res.json;
    assert.equal(file.size, video.length);
    assert.equal(file.sha256, sha256(video));
    assert.equal(file.media_type, 'video/mp4');
    assert.equal(file.name, name);
    assert.equal(res.headers.get('location'), `/api/v1/courses/${course.id}/files/${file.id}`);
    const got = await raw(server, learner.client, 'GET', file.content_url);
    assert.equal(got.status, 200, got.describe());
    assert.equal(got.body.length, video.length);
    assert.ok(got.body.equals(video), 'byte-identical');
    // The last chunk again (its answer lost): the same file, no second one.
    const again = expectStatus(await putChunk(author.client, path, video.subarray(5 * MiB), 5 * MiB, video.length), 200);
    assert.equal(again.json.file_id, file.id);
    const listed = expectStatus(await author.client.get(`/api/v1/courses/${course.id}/files`), 200).json.items;
    assert.deepEqual(listed.map((f) => f.id), [file.id]);
  });

  test('FILE-07/FILE-08: the content is served with its type, nosniff, a safe Content-Disposition and a sandbox', async () => {
    const res = await raw(server, learner.client, 'GET', file.content_url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'video/mp4');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('content-length'), String(video.length));
    assert.equal(res.headers.get('accept-ranges'), 'bytes');
    assert.equal(res.headers.get('etag'), `"${file.sha256}"`);
    assert.ok(res.headers.get('last-modified').endsWith(' GMT'));
    assert.match(res.headers.get('cache-control'), /private/);
    assert.match(res.headers.get('content-security-policy'), /^sandbox/);
    assert.equal(res.headers.get('content-disposition'),
      "inline; filename=\"Le_on 1 _intro_.mp4\"; filename*=UTF-8''Le%C3%A7on%201%20%22intro%22.mp4");
  });

  test('Range: 206 with Content-Range, suffix ranges, several ranges as 200, 416 outside the file', async () => {
    const size = video.length;
    let res = await raw(server, learner.client, 'GET', file.content_url, { range: 'bytes=0-99' });
    assert.equal(res.status, 206);
    assert.equal(res.headers.get('content-range'), `bytes 0-99/${size}`);
    assert.equal(res.headers.get('content-length'), '100');
    assert.ok(res.body.equals(video.subarray(0, 100)));
    res = await raw(server, learner.client, 'GET', file.content_url, { range: `bytes=${MiB}-${2 * MiB - 1}` });
    assert.equal(res.status, 206);
    assert.ok(res.body.equals(video.subarray(MiB, 2 * MiB)));
    res = await raw(server, learner.client, 'GET', file.content_url, { range: 'bytes=-500' });
    assert.equal(res.status, 206);
    assert.equal(res.headers.get('content-range'), `bytes ${size - 500}-${size - 1}/${size}`);
    assert.ok(res.body.equals(video.subarray(size - 500)));
    res = await raw(server, learner.client, 'GET', file.content_url, { range: `bytes=${size - 10}-${size + 1000}` });
    assert.equal(res.status, 206);
    assert.equal(res.body.length, 10);
    res = await raw(server, learner.client, 'GET', file.content_url, { range: 'bytes=0-1, 10-11' });
    assert.equal(res.status, 200);
    assert.equal(res.body.length, size);
    for (const range of [`bytes=${size}-`, 'bytes=-0', `bytes=${size + 5}-${size + 9}`]) {
      res = await raw(server, learner.client, 'GET', file.content_url, { range });
      assert.equal(res.status, 416, range);
      assert.equal(res.headers.get('content-range'), `bytes */${size}`);
      assert.equal(JSON.parse(res.body.toString()).status, 416);
    }
    res = await raw(server, learner.client, 'GET', file.content_url, { range: 'bytes=9-1' });
    assert.equal(res.status, 200, 'an invalid range is ignored');
  });

  test('conditional requests: If-None-Match and If-Modified-Since 304, If-Range, If-Match 412; HEAD', async () => {
    const etag = `"${file.sha256}"`;
    let res = await raw(server, learner.client, 'GET', file.content_url, { 'if-none-match': etag });
    assert.equal(res.status, 304);
    assert.equal(res.body.length, 0);
    assert.equal(res.headers.get('etag'), etag);
    res = await raw(server, learner.client, 'GET', file.content_url, { 'if-none-match': '"stale", W/"other"' });
    assert.equal(res.status, 200);
    const lastModified = res.headers.get('last-modified');
    res = await raw(server, learner.client, 'GET', file.content_url, { 'if-modified-since': lastModified });
    assert.equal(res.status, 304);
    res = await raw(server, learner.client, 'GET', file.content_url, { 'if-modified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' });
    assert.equal(res.status, 200);
    res = await raw(server, learner.client, 'GET', file.content_url, { range: 'bytes=0-9', 'if-range': etag });
    assert.equal(res.status, 206);
    res = await raw(server, learner.client, 'GET', file.content_url, { range: 'bytes=0-9', 'if-range': '"another-version"' });
    assert.equal(res.status, 200);
    assert.equal(res.body.length, video.length);
    res = await raw(server, learner.client, 'GET', file.content_url, { 'if-match': '"another-version"' });
    assert.equal(res.status, 412);
    res = await raw(server, learner.client, 'GET', file.content_url, { 'if-match': etag, range: 'bytes=5-5' });
    assert.equal(res.status, 206);
    res = await raw(server, learner.client, 'HEAD', file.content_url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), String(video.length));
    assert.equal(res.headers.get('etag'), etag);
    assert.equal(res.body.length, 0);
  });

  test('keep-alive works after a file body, and a client leaving mid-file frees its connection', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = (range) => new Promise((resolve, reject) => {
      const req = http.get(`${server.base}${file.content_url}`, { agent, headers: { cookie: learner.client.cookieHeader(), range } }, (res) => {
        const chunks = [];
        res.on('data', (d) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks), reused: req.reusedSocket }));
      });
      req.on('error', reject);
    });
    const first = await get('bytes=0-1048575');
    const second = await get('bytes=100-199');
    const third = await get('bytes=-3');
    agent.destroy();
    assert.equal(first.status, 206);
    assert.ok(first.body.equals(video.subarray(0, MiB)));
    assert.ok(second.reused && third.reused, 'the connection is kept alive');
    assert.ok(second.body.equals(video.subarray(100, 200)));
    assert.ok(third.body.equals(video.subarray(video.length - 3)));

    // Ten clients ask for the whole file and hang up after its first bytes.
    await Promise.all(Array.from({ length: 10 }, () => new Promise((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1');
      socket.write(`GET ${file.content_url} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${learner.client.cookieHeader()}\r\n\r\n`);
      socket.once('data', () => socket.destroy());
      socket.on('close', resolve);
      socket.on('error', resolve);
    })));
    expectStatus(await server.client().get('/healthz'), 200);
    const after = await raw(server, learner.client, 'GET', file.content_url, { range: 'bytes=0-9' });
    assert.equal(after.status, 206);
  });

  test('AC-04: only the course\'s staff and learners read it; list and upload are for its editors', async () => {
    const url = file.content_url;
    assert.equal((await raw(server, null, 'GET', url)).status, 401, 'anonymous');
    assert.equal((await raw(server, null, 'HEAD', url)).status, 401, 'anonymous HEAD');
    assert.ok([403, 404].includes((await raw(server, otherLearner.client, 'GET', url)).status), 'a learner of another course');
    assert.ok([403, 404].includes((await raw(server, stranger.client, 'GET', url)).status), 'a signed-in stranger');
    expectProblem(await server.client().get(`/api/v1/courses/${course.id}/files/${file.id}`), 401);
    expectProblem(await otherLearner.client.get(`/api/v1/courses/${course.id}/files/${file.id}`), 403);
    expectStatus(await learner.client.get(`/api/v1/courses/${course.id}/files/${file.id}`), 200);
    expectProblem(await learner.client.get(`/api/v1/courses/${course.id}/files`), 403);
    expectProblem(await learner.client.post(`/api/v1/courses/${course.id}/uploads`, { name: 'x.mp4', size: 10 }), 403);
    expectProblem(await learner.client.del(`/api/v1/courses/${course.id}/files/${file.id}`), 403);
    // AC-02: the file is not found through another course, even by an admin of both.
    expectProblem(await admin.get(`/api/v1/courses/${otherCourse.id}/files/${file.id}`), 404);
    assert.equal((await raw(server, admin, 'GET', `/api/v1/courses/${otherCourse.id}/files/${file.id}/content`)).status, 404);
    expectProblem(await otherLearner.client.get(`/api/v1/courses/${otherCourse.id}/files/${file.id}`), 404);
  });

  test('bad chunks: the status HTTP requires, and the offset unchanged', async () => {
    const bytes = mp4(3 * MiB);
    const begun = expectStatus(await author.client.post(`/api/v1/courses/${course.id}/uploads`, { name: 'bad.mp4', size: bytes.length }), 201);
    const path = `/api/v1/courses/${course.id}/uploads/${begun.json.id}`;
    const first = bytes.subarray(0, MiB);
    expectProblem(await author.client.request('PUT', path, { body: first, contentType: 'application/octet-stream' }), 400);
    expectProblem(await putChunk(author.client, path, first, 0, bytes.length, { contentRange: 'bytes 0-10' }), 400);
    expectProblem(await putChunk(author.client, path, first, 0, bytes.length, { contentRange: `bytes 0-${MiB}/${bytes.length}` }), 400);
    expectProblem(await putChunk(author.client, path, first, 0, bytes.length, { contentType: 'video/mp4' }), 415);
    expectInvalidField(await putChunk(author.client, path, first, 0, bytes.length + 1), 'Content-Range');
    const gap = await putChunk(author.client, path, first, MiB, bytes.length);
    expectProblem(gap, 409);
    assert.equal(gap.json.offset, 0);
    assert.equal(gap.headers.get('upload-offset'), '0');
    expectStatus(await putChunk(author.client, path, first, 0, bytes.length), 200);
    const overlap = await putChunk(author.client, path, bytes.subarray(MiB / 2, MiB + MiB / 2), MiB / 2, bytes.length);
    expectProblem(overlap, 409);
    assert.equal(overlap.json.offset, MiB);
    // FILE-02: a chunk over 16 MiB is refused from its declared length, before its body is read.
    const reply = await rawExchange(server.port,
      `PUT ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${author.client.cookieHeader()}\r\nX-CSRF-Token: ${author.client.csrf}\r\n` +
      `Content-Type: application/octet-stream\r\nContent-Range: bytes ${MiB}-${MiB + 16 * MiB}/${bytes.length}\r\nContent-Length: ${16 * MiB + 1}\r\n\r\n`);
    assert.match(reply, /^HTTP\/1\.1 413 /, reply.slice(0, 200));
    expectStatus(await author.client.del(path), 204);
    expectProblem(await author.client.get(path), 404);
  });

  test('FILE-01/02/09: declared sizes over the file limit or the quota are refused before any byte (413)', async () => {
    const base = `/api/v1/courses/${course.id}/uploads`;
    expectProblem(await author.client.post(base, { name: 'huge.mp4', size: 24 * MiB + 1 }), 413);
    expectInvalidField(await author.client.post(base, { name: 'zero.mp4', size: 0 }), 'size');
    expectInvalidField(await author.client.post(base, { name: 'x.mp4' }), 'size');
    expectInvalidField(await author.client.post(base, { name: '../../x.mp4', size: 10 }), 'name');
    expectInvalidField(await author.client.post(base, { name: 'x.mp4', size: 10, path: '/etc' }), 'path');
    // 40 MiB per organisation: this course already holds the 5 MiB video; two 18 MiB uploads do not both fit.
    const a = expectStatus(await author.client.post(base, { name: 'a.mp4', size: 18 * MiB }), 201);
    const b = await author.client.post(base, { name: 'b.mp4', size: 18 * MiB });
    expectProblem(b, 413);
    assert.match(b.json.detail, /quota/);
    expectStatus(await author.client.del(`${base}/${a.json.id}`), 204);
    const c = expectStatus(await author.client.post(base, { name: 'c.mp4', size: 18 * MiB }), 201);
    expectStatus(await author.client.del(`${base}/${c.json.id}`), 204);
  });

  test('FILE-03: HTML named .mp4, a GIF/HTML polyglot and active types are refused, and nothing is kept', async () => {
    const html = Buffer.from('<!doctype html><html><body><script>fetch("/api/v1/me")</script></body></html>');
    const polyglot = Buffer.from('GIF89a/*<html><script>alert(document.cookie)</script></html>*/');
    for (const [name, bytes] of [['lecture.mp4', html], ['cat.gif', polyglot]]) {
      const { path, last } = await uploadWhole(author.client, course.id, name, bytes);
      expectProblem(last, 415);
      expectProblem(await author.client.get(path), 404);
    }
    for (const name of ['page.html', 'drawing.svg', 'data.xml', 'script.js']) {
      expectProblem(await author.client.post(`/api/v1/courses/${course.id}/uploads`, { name, size: 100 }), 415);
    }
    const listed = expectStatus(await author.client.get(`/api/v1/courses/${course.id}/files`), 200).json.items;
    assert.deepEqual(listed.map((f) => f.name), [file.name]);
  });

  test('subtitles and documents: WebVTT inline with its charset, other text as an attachment', async () => {
    const vtt = Buffer.from('WEBVTT\n\n00:00.000 --> 00:02.000\nBienvenue à tous\n');
    const sub = expectStatus((await uploadWhole(author.client, course.id, 'fr.vtt', vtt)).last, 201).json;
    assert.equal(sub.media_type, 'text/vtt; charset=utf-8');
    let res = await raw(server, learner.client, 'GET', sub.content_url);
    assert.equal(res.status, 200);
    assert.ok(res.body.equals(vtt));
    assert.equal(res.headers.get('content-type'), 'text/vtt; charset=utf-8');
    assert.match(res.headers.get('content-disposition'), /^inline; /);
    const notes = expectStatus((await uploadWhole(author.client, course.id, 'notes.txt', Buffer.from('Chapter 2 for Monday.\n'))).last, 201).json;
    res = await raw(server, learner.client, 'GET', notes.content_url);
    assert.match(res.headers.get('content-disposition'), /^attachment; filename="notes.txt"; filename\*=UTF-8''notes.txt$/);
    // The same subtitles in another course: a second record, the same content.
    const copy = expectStatus((await uploadWhole(admin, otherCourse.id, 'fr.vtt', vtt)).last, 201).json;
    assert.equal(copy.sha256, sub.sha256);
    assert.notEqual(copy.id, sub.id);
  });

  test('deleting a file: its editors only; then it is gone', async () => {
    const bytes = mp4(100000);
    const made = expectStatus((await uploadWhole(author.client, course.id, 'short.mp4', bytes)).last, 201).json;
    expectStatus(await author.client.del(`/api/v1/courses/${course.id}/files/${made.id}`), 204);
    expectProblem(await author.client.get(`/api/v1/courses/${course.id}/files/${made.id}`), 404);
    assert.equal((await raw(server, learner.client, 'GET', made.content_url)).status, 404);
    expectProblem(await author.client.del(`/api/v1/courses/${course.id}/files/${made.id}`), 404);
    // The video is untouched.
    assert.equal((await raw(server, learner.client, 'GET', file.content_url, { range: 'bytes=0-0' })).status, 206);
  });
});
