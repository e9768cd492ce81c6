import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { DecompressError, decompressChunks, decompressorPath } from './decompress.js';
import { DECOMPRESSORS, decompressorFor, type Decompressor } from './magic.js';

const TEXT = Buffer.from(
  Array.from(
    { length: 3000 },
    (_, i) => `Nov 27 10:00:${String(i % 60).padStart(2, '0')} mx1 postfix/qmgr[302]: 4A${i}: removed\n`,
  ).join(''),
);

/** TEXT compressed by the tool itself, or null (with the reason) when it is not installed. */
function compressed(d: Decompressor): Buffer | null {
  const path = decompressorPath(d);
  if (path === null) return null;
  const r = spawnSync(path, ['-c', ...(d.format === 'zstd' ? ['-q'] : [])], { input: TEXT });
  assert.equal(r.status, 0, String(r.stderr));
  return r.stdout;
}

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const b of it) out.push(b);
  return Buffer.concat(out);
}

async function* chunks(buf: Buffer, size = 1000): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

test('each format is recognised by its magic number, not its name', () => {
  assert.equal(decompressorFor(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00]))?.format, 'xz');
  assert.equal(decompressorFor(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x24]))?.format, 'zstd');
  assert.equal(decompressorFor(Buffer.from('BZh91AY&SY', 'latin1'))?.format, 'bzip2');
  assert.equal(decompressorFor(Buffer.from('Nov 27 10:00:00 mx1')), null);
  assert.equal(decompressorFor(Buffer.from([0xfd, 0x37])), null, 'too short to tell');
});

for (const d of DECOMPRESSORS) {
  const packed = compressed(d);
  const skip = packed === null ? `${d.command} is not installed (Debian package ${d.pkg})` : false;

  test(`${d.format}: streamed through ${d.command}, byte for byte`, { skip }, async () => {
    const out = await collect(decompressChunks(d, decompressorPath(d)!, chunks(packed!)));
    assert.ok(out.equals(TEXT));
  });

  test(`${d.format}: a cut file yields what decodes, then fails naming the format`, { skip }, async () => {
    const cut = packed!.subarray(0, Math.floor(packed!.length / 2));
    const out: Buffer[] = [];
    await assert.rejects(
      (async () => {
        for await (const b of decompressChunks(d, decompressorPath(d)!, chunks(cut))) out.push(b);
      })(),
      (err: unknown) => err instanceof DecompressError && err.format === d.format && err.detail !== '',
    );
    const got = Buffer.concat(out);
    assert.ok(TEXT.subarray(0, got.length).equals(got), 'what was yielded is a prefix of the text');
  });

  test(`${d.format}: a reader that stops early does not leave the tool running`, { skip }, async () => {
    for await (const b of decompressChunks(d, decompressorPath(d)!, chunks(packed!))) {
      assert.ok(b.length > 0);
      break;
    }
    // Reaching here at all is the point: no wait on a tool blocked writing to a full pipe.
  });
}
