// Files whose type libmagic recognises from their first bytes, for the tests
// that upload course files.
import crypto from 'node:crypto';

// An MP4 as libmagic reads one: an ISO base media "ftyp" box, then an mdat
// header, then `size` bytes of noise in all.
export function mp4(size) {
  const buf = crypto.randomBytes(size);
  Buffer.concat([
    Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2'),
    Buffer.from([0, 0, 0, 0x10]), Buffer.from('mdat'),
  ]).copy(buf, 0);
  return buf;
}
