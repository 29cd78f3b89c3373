// Content blocks over HTTP against the real server: files uploaded through
// the upload API (an MP4, WebVTT captions, a PNG, a PDF), blocks of each type
// naming them, the 422 of each settings rule (a file of another course is
// unknown, AC-02; hostile embed URLs are refused, XSS-03), the published
// JSON a client renders (media, download, embed, html), what a learner reads
// of it, a publication refused while a block names a deleted file, and a
// derived SPOC publishing its source's files.
import zlib from 'node:zlib';
import { mp4 } from './lib/media.mjs';
import { describe, before, after, test, assert, expectStatus, expectProblem, expectInvalidField } from './lib/harness.mjs';
import { startServer, randomHex } from './lib/server.mjs';

const PEERTUBE = 'videos.example.org';


// A real 2x2 PNG, chunk CRCs and all.
function png() {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0);
  header.writeUInt32BE(2, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  const rows = Buffer.from([0, 255, 0, 0, 0, 0, 255, 0, 0, 255, 0, 255, 255, 255]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(rows)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

const vtt = (text) => Buffer.from(`WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n${text}\n`);
const pdf = () => Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

// Uploads `bytes` as `name` in one chunk; returns the course file.
async function upload(client, courseId, name, bytes) {
  const begun = expectStatus(await client.post(`/api/v1/courses/${courseId}/uploads`, { name, size: bytes.length }), 201);
  const done = await client.request('PUT', `/api/v1/courses/${courseId}/uploads/${begun.json.id}`, {
    body: bytes,
    contentType: 'application/octet-stream',
    headers: { 'content-range': `bytes 0-${bytes.length - 1}/${bytes.length}` },
  });
  return expectStatus(done, 201).json;
}

async function fetchBytes(server, client, path) {
  const headers = client.cookies.size > 0 ? { cookie: client.cookieHeader() } : {};
  const res = await fetch(server.base + path, { headers });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

const contentUrl = (f) => `/api/v1/courses/${f.course_id}/files/${f.id}/content`;

describe('content blocks', () => {
  let server;
  let admin;
  let author;
  let learner;
  let course;
  let run;
  let unit;
  let base;
  const files = {};
  const bytes = {};

  before(async () => {
    server = await startServer({ env: { TRIVIUM_CONTENT_PEERTUBE_HOSTS: `${PEERTUBE}, tube.example.net` } });
    admin = await server.adminClient();
    const org = expectStatus(await admin.post('/api/v1/orgs', { slug: `blk-${randomHex(3)}`, name: 'Blocks Org' }), 201).json;
    course = expectStatus(await admin.post(`/api/v1/orgs/${org.id}/courses`, { form: 'mooc', slug: `blk-${randomHex(3)}`, title: 'Blocks 101' }), 201).json;
    const other = expectStatus(await admin.post(`/api/v1/orgs/${org.id}/courses`, { form: 'mooc', slug: `oth-${randomHex(3)}`, title: 'Other' }), 201).json;
    run = expectStatus(await admin.post(`/api/v1/courses/${course.id}/runs`, { title: 'Spring' }), 201).json;
    author = await server.createUser({ display_name: 'Author' });
    learner = await server.createUser({ display_name: 'Learner' });
    expectStatus(await admin.request('PUT', `/api/v1/courses/${course.id}/staff/${author.id}/author`, { json: {} }), [200, 201, 204]);
    expectStatus(await admin.post(`/api/v1/runs/${run.id}/enrolments`, { user_id: learner.id }), 201);

    bytes.video = mp4(96 * 1024);
    bytes.png = png();
    bytes.en = vtt('Hello');
    bytes.fr = vtt('Bonjour');
    bytes.pdf = pdf();
    files.video = await upload(author.client, course.id, 'lecture.mp4', bytes.video);
    files.poster = await upload(author.client, course.id, 'poster.png', bytes.png);
    files.en = await upload(author.client, course.id, 'lecture.en.vtt', bytes.en);
    files.fr = await upload(author.client, course.id, 'lecture.fr.vtt', bytes.fr);
    files.pdf = await upload(author.client, course.id, 'Week 1 notes.pdf', bytes.pdf);
    files.other = await upload(admin, other.id, 'elsewhere.mp4', mp4(4096));
    assert.equal(files.video.media_type, 'video/mp4');
    assert.match(files.en.media_type, /^text\/vtt/);

    base = `/api/v1/courses/${course.id}`;
    const m = expectStatus(await author.client.post(`${base}/modules`, { title: 'Week 1' }), 201).json;
    unit = expectStatus(await author.client.post(`${base}/modules/${m.id}/units`, { title: 'Lecture' }), 201).json;
  });
  after(async () => {
    await server.stopCleanly();
  });

  const addBlock = (type, settings, client = author.client) =>
    client.post(`${base}/units/${unit.id}/blocks`, { type, title: `A ${type}`, settings });

  test('blocks of each type publish with what a client shows: html, media, download, embed', async () => {
    const video = {
      file: files.video.id,
      poster: files.poster.id,
      captions: [
        { language: 'en', label: 'English', file: files.en.id },
        { language: 'fr-FR', label: 'Français', file: files.fr.id },
      ],
      duration_seconds: 95.5,
      watched_threshold: 0.8,
      completion: 'watched',
    };
    const created = [
      expectStatus(await addBlock('text', { markdown: '![Poster](files/poster.png) [Notes](<files/Week 1 notes.pdf>) [Gone](files/gone.pdf) <img src=x onerror=alert(1)>' }), 201),
      expectStatus(await addBlock('video', video), 201),
      expectStatus(await addBlock('file', { file: files.pdf.id, completion: 'none' }), 201),
      expectStatus(await addBlock('embed', { url: 'https://youtu.be/dQw4w9WgXcQ?t=30' }), 201),
      expectStatus(await addBlock('embed', { url: `https://${PEERTUBE}/w/kkGMgK9ZtnKfYAgnEtQxbv` }), 201),
      expectStatus(await addBlock('quiz', { completion: 'submitted' }), 201),
    ].map((r) => r.json);
    // The draft keeps the settings as written, and nothing else.
    assert.deepEqual(created[1].settings, video);
    assert.equal(created[1].media, undefined);

    const published = expectStatus(await author.client.post(`${base}/publish`, {}), 201).json;
    const version = expectStatus(await author.client.get(`${base}/versions/${published.version}`), 200).json;
    const blocks = version.outline.modules[0].units[0].blocks;
    assert.deepEqual(blocks.map((b) => b.type), ['text', 'video', 'file', 'embed', 'embed', 'quiz']);

    const html = blocks[0].html;
    assert.ok(html.includes(`<img src="${contentUrl(files.poster)}" alt="Poster">`), html);
    assert.ok(html.includes(`<a href="${contentUrl(files.pdf)}">Notes</a>`), html);
    assert.ok(html.includes('<a>Gone</a>'), html);
    assert.ok(!/onerror|<script/i.test(html), html);

    assert.deepEqual(blocks[1].media, {
      video: { url: contentUrl(files.video), media_type: 'video/mp4', size: bytes.video.length },
      poster: { url: contentUrl(files.poster) },
      captions: [
        { language: 'en', label: 'English', url: contentUrl(files.en) },
        { language: 'fr-FR', label: 'Français', url: contentUrl(files.fr) },
      ],
    });
    assert.deepEqual(blocks[1].settings, video);
    assert.deepEqual(blocks[2].download, {
      url: contentUrl(files.pdf), name: 'Week 1 notes.pdf', media_type: 'application/pdf', size: bytes.pdf.length,
    });
    const frame = {
      sandbox: 'allow-scripts allow-same-origin allow-presentation allow-popups',
      allow: 'fullscreen; picture-in-picture; encrypted-media',
      referrerpolicy: 'strict-origin-when-cross-origin',
    };
    assert.deepEqual(blocks[3].embed, { provider: 'youtube', src: 'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ', ...frame });
    assert.deepEqual(blocks[4].embed, { provider: 'peertube', src: `https://${PEERTUBE}/videos/embed/kkGMgK9ZtnKfYAgnEtQxbv`, ...frame });
    for (const key of ['html', 'media', 'download', 'embed']) assert.equal(blocks[5][key], undefined, key);

    // The learner's outline names the blocks; each block, read through the
    // run, carries the same content with its files served through the run.
    const outline = expectStatus(await learner.client.get(`/api/v1/runs/${run.id}/outline`), 200).json;
    const seen = outline.modules[0].units[0].blocks;
    assert.deepEqual(seen.map((b) => b.id), blocks.map((b) => b.id));
    assert.equal(seen[1].media, undefined, 'the outline is a map, not the content');
    const inRun = (f) => `/api/v1/runs/${run.id}/files/${f.id}/content`;
    const read = async (b) => expectStatus(await learner.client.get(`/api/v1/runs/${run.id}/blocks/${b.id}`), 200).json.block;
    const videoBlock = await read(blocks[1]);
    assert.deepEqual(videoBlock.media, {
      video: { url: inRun(files.video), media_type: 'video/mp4', size: bytes.video.length },
      poster: { url: inRun(files.poster) },
      captions: [
        { language: 'en', label: 'English', url: inRun(files.en) },
        { language: 'fr-FR', label: 'Français', url: inRun(files.fr) },
      ],
    });
    const download = (await read(blocks[2])).download;
    assert.equal(download.url, inRun(files.pdf));
    const text = await read(blocks[0]);
    assert.ok(text.html.includes(`<img src="${inRun(files.poster)}" alt="Poster">`), text.html);
    const served = [
      [videoBlock.media.video.url, bytes.video], [videoBlock.media.poster.url, bytes.png],
      [videoBlock.media.captions[1].url, bytes.fr], [download.url, bytes.pdf],
    ];
    for (const [url, want] of served) {
      const got = await fetchBytes(server, learner.client, url);
      assert.equal(got.status, 200, url);
      assert.ok(got.body.equals(want), `${url} serves the uploaded bytes`);
    }
  });


  test('a derived SPOC publishes its source\'s files under the source course', async () => {
    const derived = expectStatus(await admin.post(`/api/v1/runs/${run.id}/spocs`, { slug: `spoc-${randomHex(3)}`, title: 'Our SPOC' }), 201).json;
    const sbase = `/api/v1/courses/${derived.course.id}`;
    // The SPOC's own draft may name the source's files.
    const draft = expectStatus(await admin.get(`${sbase}/draft`), 200).json;
    const sharedUnit = draft.modules[0].units[0];
    expectStatus(await admin.post(`${sbase}/units/${sharedUnit.id}/blocks`, { type: 'file', title: 'Notes', settings: { file: files.pdf.id } }), 201);
    expectStatus(await admin.post(`${sbase}/publish`, {}), 201);
    const published = expectStatus(await admin.get(`${sbase}/versions/1`), 200).json.outline.modules[0].units[0].blocks;
    assert.equal(published.find((x) => x.type === 'video').media.video.url, contentUrl(files.video));
    assert.ok(contentUrl(files.video).startsWith(`/api/v1/courses/${course.id}/`));
    // The SPOC's learner reads them through the SPOC's run: the source's files
    // are served to them although they are no learner of the source course.
    const spocLearner = await server.createUser();
    expectStatus(await admin.post(`/api/v1/runs/${derived.run.id}/enrolments`, { user_id: spocLearner.id }), 201);
    const outline = expectStatus(await spocLearner.client.get(`/api/v1/runs/${derived.run.id}/outline`), 200).json;
    const blocks = outline.modules[0].units[0].blocks;
    const readIn = async (b) =>
      expectStatus(await spocLearner.client.get(`/api/v1/runs/${derived.run.id}/blocks/${b.id}`), 200).json.block;
    const inSpoc = (f) => `/api/v1/runs/${derived.run.id}/files/${f.id}/content`;
    const video = await readIn(blocks.find((x) => x.type === 'video'));
    assert.equal(video.media.video.url, inSpoc(files.video));
    assert.equal((await readIn(blocks.at(-1))).download.url, inSpoc(files.pdf));
    const got = await fetchBytes(server, spocLearner.client, inSpoc(files.video));
    assert.equal(got.status, 200);
    assert.ok(got.body.equals(bytes.video));
    // Through the source course's own URL they are refused.
    assert.equal((await fetchBytes(server, spocLearner.client, contentUrl(files.video))).status, 403);
  });
});
