import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { BufferedSink } from './sink.js';

/** Text and bytes of every size around the chunk size, in one known order. */
function pieces(): (string | Uint8Array)[] {
  const out: (string | Uint8Array)[] = [];
  for (const n of [0, 1, 100, 40_000, 70_000, 140_000, 400_000, 3]) {
    out.push(`t${n}é€😀`.padEnd(n, 'x') + '\n');
    out.push(Buffer.from(`b${n}\u2028`.padEnd(n, 'y') + '\n', 'utf8'));
  }
  return out;
}

function feed(sink: BufferedSink): string {
  let expected = '';
  const scratch = Buffer.alloc(500_000);
  for (const p of pieces()) {
    if (typeof p === 'string') {
      sink.write(p);
      expected += p;
    } else {
      // The caller's buffer is reused at once: the sink must have copied it.
      scratch.set(p);
      sink.writeBytes(scratch.subarray(0, p.length));
      scratch.fill(0x21, 0, p.length);
      expected += Buffer.from(p).toString('utf8');
    }
  }
  return expected;
}

test('text and bytes reach a stream whole and in order, with back-pressure', async () => {
  const got: Buffer[] = [];
  const slow = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, cb) {
      got.push(Buffer.from(chunk));
      setImmediate(cb);
    },
  });
  const sink = new BufferedSink(slow);
  const expected = feed(sink);
  await sink.drain();
  await sink.end();
  assert.equal(Buffer.concat(got).toString('utf8'), expected);
});

test('an output file gets the same bytes; a closed reader ends output quietly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sink-'));
  try {
    const path = join(dir, 'out.jsonl');
    const sink = BufferedSink.toFile(path);
    const expected = feed(sink);
    await sink.end();
    assert.equal(readFileSync(path, 'utf8'), expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const gone = new Writable({
    write(_chunk, _enc, cb) {
      const err = Object.assign(new Error('EPIPE'), { code: 'EPIPE' });
      cb(err);
    },
  });
  const sink = new BufferedSink(gone);
  feed(sink);
  await sink.end();
  assert.equal(sink.isClosed, true);
});
