// Writes precompressed twins (x.br, x.gz) of the built text files, so that
// the server sends them as they are (src/webapp chooses by Accept-Encoding).
// A twin that would not be smaller than its original is not written.
//   node scripts/compress.mjs DIST
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.svg', '.json', '.txt', '.webmanifest', '.xml']);

function* files(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (entry.isFile()) yield full;
  }
}

const dist = process.argv[2] || 'dist';
let written = 0;
let before = 0;
let after = 0;
for (const file of files(dist)) {
  if (!COMPRESSIBLE.has(path.extname(file))) continue;
  const bytes = fs.readFileSync(file);
  const br = zlib.brotliCompressSync(bytes, {
    params: {
      [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
  const gz = zlib.gzipSync(bytes, { level: zlib.constants.Z_BEST_COMPRESSION });
  before += bytes.length;
  for (const [ext, data] of [['.br', br], ['.gz', gz]]) {
    if (data.length >= bytes.length) continue;
    fs.writeFileSync(file + ext, data);
    written += 1;
  }
  after += Math.min(br.length, bytes.length);
}
console.log(`compress: ${written} twins written; ${before} bytes of text, ${after} with brotli`);
