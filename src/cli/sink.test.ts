import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
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

test('drain() returns when the stream drained before it was called', async () => {
  // The stream finishes each write on a later turn, as a pipe whose reader keeps up does.
  const stream = new Writable({
    write(_chunk, _enc, cb) {
      setImmediate(cb);
    },
  });
  const sink = new BufferedSink(stream);
  sink.writeBytes(Buffer.alloc(70_000, 0x61)); // past the flush size: handed to the stream now
  // Other events run before the caller asks to drain (--workers output arrives between batches).
  await new Promise((resolve) => setTimeout(resolve, 20));
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    sink.drain().then(() => 'drained'),
    new Promise((resolve) => (timer = setTimeout(() => resolve('still waiting'), 2000))),
  ]);
  clearTimeout(timer);
  assert.equal(outcome, 'drained');
  await sink.end();
});

test('standard output to a slow pipe gets every byte, though its chunk is reused', async () => {
  // A child writes to its stdout (a pipe) through the sink, without waiting for 'drain':
  // the pipe fills, writes are left pending, and a chunk still pending must not be reused.
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `import { BufferedSink } from ${JSON.stringify(new URL('./sink.ts', import.meta.url).href)};
       const sink = new BufferedSink(process.stdout);
       const scratch = Buffer.alloc(400);
       for (let i = 0; i < 60000; i++) {
         const n = scratch.write(i + ' ' + 'x'.repeat(i % 300) + '\\n');
         sink.writeBytes(scratch.subarray(0, n));
       }
       await sink.end();`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // Read nothing for a while, so the pipe is full and the child's writes wait.
  child.stdout.pause();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const got: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => got.push(b));
  child.stdout.resume();
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 0);
  const lines = Buffer.concat(got).toString('utf8').split('\n');
  assert.equal(lines.pop(), '');
  assert.equal(lines.length, 60000);
  lines.forEach((l, i) => {
    if (l !== `${i} ${'x'.repeat(i % 300)}`) assert.fail(`line ${i}: ${l.slice(0, 80)}`);
  });
});

test('an output file whose reader went away (-o on a FIFO piped to head) ends output quietly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sink-'));
  try {
    const fifo = join(dir, 'out.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const sink = BufferedSink.toFile(fifo);
    closeSync(reader);
    feed(sink);
    assert.equal(sink.isClosed, true);
    await sink.end();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
