import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, mkdir, rm, chmod, utimes, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { MAX_BATCH_CHARS, readLogLines, type ReadOptions } from './index.js';
import type { LogLine } from './line.js';
import type { SpoofwatchError } from '../errors.js';
import { MAX_LINE_BYTES } from '../limits.js';

const L1 = 'Nov 20 10:00:01 mx1 postfix/smtpd[101]: connect from a.example.net[192.0.2.1]';
const L2 = 'Nov 20 10:00:02 mx1 postfix/smtpd[101]: 4BC3D1A2B: client=a.example.net[192.0.2.1]';
const L3 = 'Nov 20 10:00:03 mx1 postfix/cleanup[102]: 4BC3D1A2B: message-id=<m1@example.org>';

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'spoofwatch-ingest-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

interface Run {
  lines: LogLine[];
  batches: number[];
  errors: SpoofwatchError[];
  /** Events in order: "L<file>:<line>" per line, "E<code>" per error. */
  events: string[];
}

async function run(paths: string[], opts: ReadOptions = {}): Promise<Run> {
  const r: Run = { lines: [], batches: [], errors: [], events: [] };
  for await (const batch of readLogLines(paths, {
    tz: 'UTC',
    ...opts,
    onError: (e) => {
      r.errors.push(e);
      r.events.push(`E${e.code}`);
    },
  })) {
    r.batches.push(batch.length);
    for (const l of batch) {
      r.lines.push(l);
      r.events.push(`L${l.src.file}:${l.src.line}`);
    }
  }
  return r;
}

test('plain file: envelopes parsed, CRLF tolerated, empty lines counted not yielded', async (t) => {
  const dir = await tempDir(t);
  const f = join(dir, 'mail.log');
  await writeFile(f, `${L1}\r\n\n${L2}\n${L3}`);
  await utimes(f, new Date(Date.UTC(2026, 10, 21)), new Date(Date.UTC(2026, 10, 21)));
  const r = await run([f]);
  assert.equal(r.errors.length, 0);
  assert.deepEqual(
    r.lines.map((l) => [l.src.line, l.program, l.pid, l.time, l.raw]),
    [
      [1, 'postfix/smtpd', 101, Date.UTC(2026, 10, 20, 10, 0, 1), L1],
      [3, 'postfix/smtpd', 101, Date.UTC(2026, 10, 20, 10, 0, 2), L2],
      [4, 'postfix/cleanup', 102, Date.UTC(2026, 10, 20, 10, 0, 3), L3],
    ],
  );
  assert.equal(r.lines[0]!.src.file, f);
});

test('a UTF-8 byte order mark at the start of a file is not part of the first line', async (t) => {
  const dir = await tempDir(t);
  const f = join(dir, 'mail.log');
  await writeFile(f, `\ufeff${L1}\n\ufeff${L2}\n`);
  const r = await run([f]);
  assert.equal(r.lines[0]!.raw, L1);
  assert.equal(r.lines[0]!.program, 'postfix/smtpd');
  assert.equal(r.lines[1]!.raw, `\ufeff${L2}`, 'only at the start of the input');
});

test('the year of yearless stamps comes from the file mtime', async (t) => {
  const dir = await tempDir(t);
  const f = join(dir, 'mail.log');
  await writeFile(f, `Dec 31 23:59:59 mx1 a[1]: x\nJan  1 00:00:01 mx1 a[1]: y\n`);
  await utimes(f, new Date(Date.UTC(2031, 0, 1, 1)), new Date(Date.UTC(2031, 0, 1, 1)));
  const r = await run([f]);
  assert.deepEqual(
    r.lines.map((l) => l.time),
    [Date.UTC(2030, 11, 31, 23, 59, 59), Date.UTC(2031, 0, 1, 0, 0, 1)],
  );
});

test('batches hold at most batchLines lines', async (t) => {
  const dir = await tempDir(t);
  const f = join(dir, 'mail.log');
  await writeFile(f, Array.from({ length: 10 }, (_, i) => `${L1} #${i}`).join('\n'));
  const r = await run([f], { batchLines: 4 });
  assert.deepEqual(r.batches, [4, 4, 2]);
  assert.equal(r.lines[9]!.message.endsWith('#9'), true);
});

test('batches of long lines end at MAX_BATCH_CHARS of text, so a log of huge lines never sits in memory whole', async (t) => {
  const dir = await tempDir(t);
  const f = join(dir, 'mail.log');
  const long = `${L1} ${'x'.repeat(60_000)}`;
  await writeFile(f, Array.from({ length: 100 }, () => long).join('\n') + '\n');
  const r = await run([f]);
  assert.equal(r.lines.length, 100);
  const per = Math.ceil(MAX_BATCH_CHARS / long.length);
  assert.ok(per < 100);
  for (const n of r.batches.slice(0, -1)) assert.equal(n, per);
  assert.equal(
    r.batches.reduce((a, b) => a + b, 0),
    100,
  );
});

test('gzip files are read transparently, recognised by magic bytes not by name', async (t) => {
  const dir = await tempDir(t);
  const gz = join(dir, 'mail.log.2.gz');
  const disguised = join(dir, 'mail.log.1');
  const live = join(dir, 'mail.log');
  await writeFile(gz, gzipSync(`${L1}\n`));
  await writeFile(disguised, gzipSync(`${L2}\n`));
  await writeFile(live, `${L3}\n`);
  const r = await run([live, disguised, gz]);
  assert.equal(r.errors.length, 0);
  assert.deepEqual(
    r.lines.map((l) => [l.src.file, l.raw]),
    [
      [gz, L1],
      [disguised, L2],
      [live, L3],
    ],
  );
});

test('concatenated gzip members are all read', async (t) => {
  const dir = await tempDir(t);
  const f = join(dir, 'mail.log.1.gz');
  await writeFile(f, Buffer.concat([gzipSync(`${L1}\n`), gzipSync(`${L2}\n`)]));
  const r = await run([f]);
  assert.deepEqual(
    r.lines.map((l) => l.raw),
    [L1, L2],
  );
});

test('truncated gzip: the lines decoded so far are yielded, then INPUT_TRUNCATED_GZIP, then the next input', async (t) => {
  const dir = await tempDir(t);
  const f = join(dir, 'mail.log.1.gz');
  const body = Array.from({ length: 5000 }, (_, i) => `${L1} n=${i}`).join('\n') + '\n';
  const whole = gzipSync(body);
  await writeFile(f, whole.subarray(0, Math.floor(whole.length * 0.6)));
  const next = join(dir, 'other.log');
  await writeFile(next, `${L3}\n`);
  const r = await run([f, next]);
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0]!.code, 'INPUT_TRUNCATED_GZIP');
  assert.match(r.errors[0]!.message, /mail\.log\.1\.gz.*ends early/);
  const fromGz = r.lines.filter((l) => l.src.file === f);
  assert.ok(fromGz.length > 100, `read ${fromGz.length} lines before the cut`);
  assert.ok(fromGz.length < 5000);
  // Every whole line read is intact and in order.
  for (let i = 0; i < fromGz.length - 1; i++) assert.equal(fromGz[i]!.raw, `${L1} n=${i}`);
  // The error comes after the lines of that file and before the next file's lines.
  const errAt = r.events.indexOf('EINPUT_TRUNCATED_GZIP');
  assert.equal(errAt, fromGz.length);
  assert.equal(r.events[errAt + 1], `L${next}:1`);
});

test('a small truncated gzip keeps every line that can be decoded', async (t) => {
  const dir = await tempDir(t);
  const f = join(dir, 'mail.log.1.gz');
  const body = Array.from({ length: 50 }, (_, i) => `${L1} n=${i}`).join('\n') + '\n';
  const whole = gzipSync(body);
  await writeFile(f, whole.subarray(0, whole.length - 12));
  const r = await run([f]);
  assert.deepEqual(
    r.errors.map((e) => e.code),
    ['INPUT_TRUNCATED_GZIP'],
  );
  assert.ok(r.lines.length >= 45, `read ${r.lines.length} of 50 lines`);
  assert.equal(r.lines[44]!.raw, `${L1} n=44`);
  assert.match(r.errors[0]!.message, new RegExp(`the ${r.lines.length} lines before the cut were read`));
});

test('corrupt gzip: the lines before the damage are kept, then INPUT_UNREADABLE', async (t) => {
  const dir = await tempDir(t);
  const f = join(dir, 'mail.log.1.gz');
  const body =
    Array.from({ length: 40_000 }, (_, i) => `${L2} n=${i} ${(i * 7919) % 10007}`).join('\n') + '\n';
  const gz = Buffer.from(gzipSync(body));
  const at = Math.floor(gz.length * 0.7);
  for (let i = at; i < at + 64; i++) gz[i] = 0xff - gz[i]!;
  await writeFile(f, gz);
  const r = await run([f]);
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0]!.code, 'INPUT_UNREADABLE');
  assert.match(r.errors[0]!.message, /gzip data is corrupt after line \d+/);
  assert.ok(r.lines.length > 1000, `kept ${r.lines.length} lines`);
  for (let i = 0; i < 1000; i++) assert.equal(r.lines[i]!.raw, `${L2} n=${i} ${(i * 7919) % 10007}`);
});

test('stdin ("-"): plain and gzip, given as a stream', async () => {
  const plain = await run(['-'], {
    stdin: Readable.from([Buffer.from(`${L1}\n${L2.slice(0, 20)}`), Buffer.from(`${L2.slice(20)}\n`)]),
  });
  assert.deepEqual(
    plain.lines.map((l) => [l.src.file, l.src.line, l.raw]),
    [
      ['-', 1, L1],
      ['-', 2, L2],
    ],
  );
  const gz = gzipSync(`${L3}\n`);
  // Even a first chunk of a single byte does not hide the gzip magic.
  const zipped = await run(['-'], { stdin: Readable.from([gz.subarray(0, 1), gz.subarray(1)]) });
  assert.deepEqual(
    zipped.lines.map((l) => l.raw),
    [L3],
  );
  const text = await run(['-'], { stdin: Readable.from([`${L1}\n`]) });
  assert.equal(text.lines[0]!.raw, L1, 'string chunks are accepted');
});

test('stdin: yearless stamps take the year of opts.now', async () => {
  const r = await run(['-'], {
    stdin: Readable.from([Buffer.from('Dec 31 23:00:00 mx1 a[1]: x\n')]),
    now: Date.UTC(2029, 0, 2),
  });
  assert.equal(r.lines[0]!.time, Date.UTC(2028, 11, 31, 23, 0, 0));
});

test('a huge line without newline is cut at MAX_LINE_BYTES in bounded memory', async () => {
  const chunk = Buffer.alloc(1024 * 1024, 0x61); // the same 1 MiB reused: the input costs no memory
  const total = 1024; // 1 GiB
  const prefix = 'Nov 20 10:00:01 mx1 postfix/smtpd[1]: ';
  async function* huge(): AsyncGenerator<Buffer> {
    yield Buffer.from(prefix);
    for (let i = 0; i < total; i++) yield chunk;
    yield Buffer.from(`\n${L2}\n`);
  }
  const before = process.memoryUsage().rss;
  const r = await run(['-'], { stdin: Readable.from(huge()) });
  const grown = process.memoryUsage().rss - before;
  assert.equal(r.lines.length, 2);
  const cut = r.lines[0]!;
  assert.equal(cut.program, 'postfix/smtpd');
  assert.equal(Buffer.byteLength(cut.message) + prefix.length, MAX_LINE_BYTES);
  assert.equal(cut.truncatedBytes, prefix.length + total * 1024 * 1024 - MAX_LINE_BYTES);
  assert.match(cut.raw, /line cut at 65536 bytes/);
  assert.equal(r.lines[1]!.raw, L2);
  assert.equal(r.lines[1]!.src.line, 2);
  assert.ok(grown < 256 * 1024 * 1024, `rss grew by ${grown} bytes`);
});

test('invalid UTF-8 and NUL bytes are kept visible, never fatal', async (t) => {
  const dir = await tempDir(t);
  const f = join(dir, 'mail.log');
  const bad = Buffer.concat([
    Buffer.from('Nov 20 10:00:01 mx1 postfix/cleanup[5]: 4BC3D1A2B: warning: header Subject: J'),
    Buffer.from([0xfc, 0x72, 0x00, 0x67]),
    Buffer.from('en from a.example.net\n'),
  ]);
  await writeFile(f, Buffer.concat([Buffer.from(`${L1}\n`), bad, Buffer.from(`${L3}\n`)]));
  const r = await run([f]);
  assert.equal(r.errors.length, 0);
  assert.equal(r.lines.length, 3);
  assert.equal(r.lines[1]!.program, 'postfix/cleanup');
  assert.equal(r.lines[1]!.message, '4BC3D1A2B: warning: header Subject: J\\xfcr\\x00gen from a.example.net');
  assert.equal(r.lines[2]!.raw, L3);
});

test('missing, unreadable and directory inputs are reported and reading goes on', async (t) => {
  const dir = await tempDir(t);
  const ok = join(dir, 'ok.log');
  await writeFile(ok, `${L1}\n`);
  const sub = join(dir, 'logs');
  await mkdir(sub);
  const missing = join(dir, 'nope.log');
  const locked = join(dir, 'locked.log');
  await writeFile(locked, `${L2}\n`);
  await chmod(locked, 0o000);
  const r = await run([missing, sub, locked, ok]);
  assert.equal(r.lines.length >= 1, true);
  assert.equal(r.lines.at(-1)!.src.file, ok);
  const codes = r.errors.map((e) => e.code);
  assert.equal(codes[0], 'INPUT_UNREADABLE');
  assert.match(r.errors[0]!.message, /nope\.log: no such file/);
  assert.equal(codes[1], 'INPUT_IS_DIRECTORY');
  assert.match(r.errors[1]!.message, /logs is a directory/);
  if (process.getuid?.() !== 0) {
    // root reads the file anyway
    assert.equal(codes[2], 'INPUT_UNREADABLE');
    assert.match(r.errors[2]!.message, /locked\.log: permission denied/);
  }
  for (const e of r.errors) assert.equal(e.exitCode, 2);
});

test('binary inputs are refused (known magic, or mostly control bytes), even inside gzip', async (t) => {
  const dir = await tempDir(t);
  const elf = join(dir, 'a.out');
  await writeFile(elf, Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(100)]));
  const zeros = join(dir, 'zeros.log');
  await writeFile(zeros, Buffer.concat([Buffer.alloc(8192), Buffer.from(`\n${L1}\n`)]));
  const tgz = join(dir, 'logs.tar.gz');
  await writeFile(
    tgz,
    gzipSync(Buffer.concat([Buffer.from('mail.log'), Buffer.alloc(600), Buffer.from(`${L1}\n`)])),
  );
  const small = join(dir, 'small.bin');
  await writeFile(small, Buffer.from([1, 2, 3, 4, 5, 6, 0, 0]));
  const ok = join(dir, 'ok.log');
  await writeFile(ok, `${L1}\n`);
  const r = await run([elf, zeros, tgz, small, ok]);
  assert.deepEqual(
    r.errors.map((e) => e.code),
    ['INPUT_BINARY', 'INPUT_BINARY', 'INPUT_BINARY', 'INPUT_BINARY'],
  );
  assert.match(r.errors[0]!.message, /a\.out is not a text log: it is an ELF executable/);
  assert.match(r.errors[2]!.message, /gzip content/);
  assert.deepEqual(
    r.lines.map((l) => l.src.file),
    [ok],
  );
});

test('a log with random bytes after the start is not binary', async (t) => {
  const dir = await tempDir(t);
  const f = join(dir, 'mail.log');
  const noise = Buffer.alloc(2000);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 37) & 0xff;
  await writeFile(f, Buffer.concat([Buffer.from(`${L1}\n`.repeat(100)), noise, Buffer.from(`\n${L3}\n`)]));
  const r = await run([f]);
  assert.equal(r.errors.length, 0);
  assert.equal(r.lines.at(-1)!.raw, L3);
});

test('stopping early closes the input', async (t) => {
  const dir = await tempDir(t);
  const f = join(dir, 'mail.log');
  await writeFile(f, `${L1}\n`.repeat(10_000));
  let n = 0;
  for await (const batch of readLogLines([f], { batchLines: 10 })) {
    n += batch.length;
    if (n >= 30) break;
  }
  assert.equal(n, 30);
});

test('a file cut short while it is read (logrotate copytruncate) is reported: the lines before are kept', async (t) => {
  const dir = await tempDir(t);
  const f = join(dir, 'mail.log');
  const g = join(dir, 'next.log');
  await writeFile(f, `${L1}\n`.repeat(50_000)); // about 4 MiB: more than the stream reads ahead
  await writeFile(g, `${L2}\n`);
  const errors: SpoofwatchError[] = [];
  let n = 0;
  let next = 0;
  for await (const batch of readLogLines([f, g], {
    tz: 'UTC',
    batchLines: 100,
    onError: (e) => errors.push(e),
  })) {
    if (n === 0) await truncate(f, 0);
    for (const l of batch)
      if (l.src.file === f) n++;
      else next++;
  }
  assert.ok(n > 0 && n < 50_000, `${n} lines read`);
  assert.equal(next, 1, 'reading goes on with the next input');
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.code, 'INPUT_SHRUNK');
  assert.match(errors[0]!.message, new RegExp(`${f}.*shrank while it was read.*${n} lines`));
});

test('an empty file and an empty path list yield nothing', async (t) => {
  const dir = await tempDir(t);
  const f = join(dir, 'empty.log');
  await writeFile(f, '');
  assert.deepEqual((await run([f])).lines, []);
  assert.deepEqual((await run([])).lines, []);
});
