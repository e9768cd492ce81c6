import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLogLines, type ReadOptions } from './index.js';
import type { LogLine } from './line.js';

async function read(path: string, opts: ReadOptions = {}): Promise<LogLine[]> {
  const out: LogLine[] = [];
  for await (const b of readLogLines([path], { tz: 'UTC', ...opts })) out.push(...b);
  return out;
}

const LINES = [
  'Nov 30 23:59:58 mx1 postfix/smtpd[1]: connect from a.example[192.0.2.1]',
  'Dec 31 23:59:59 mx1 postfix/smtpd[1]: 3F2A1C0D51: client=a.example[192.0.2.1]',
  'Jan  1 00:00:01 mx1 postfix/qmgr[2]: 3F2A1C0D51: from=<a@example.org>, size=1, nrcpt=1 (queue active)',
  'Jan  1 00:00:02 mx1 postfix/qmgr[2]: 3F2A1C0D51: removed',
];

test('a byte range reads only its lines, numbered as in the whole file, with the years of a whole-file read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spoofwatch-range-'));
  try {
    const path = join(dir, 'mail.log');
    const text = LINES.join('\n') + '\n';
    writeFileSync(path, text);
    // Copied long after it was written: the first stamp (November) is placed in the year of
    // the file's time, 2026, and January after it in 2027. A part that starts at January
    // must say 2027 too (on its own it would place January in 2026).
    const mtime = new Date(Date.UTC(2026, 11, 15));
    utimesSync(path, mtime, mtime);
    const whole = await read(path);
    const start = text.indexOf('Jan');
    const part = await read(path, { range: { start, end: text.length, firstLine: 3 } });
    assert.deepEqual(
      part.map((l) => [l.src.line, l.raw, l.time]),
      whole.slice(2).map((l) => [l.src.line, l.raw, l.time]),
    );
    assert.equal(new Date(part[0]!.time!).toISOString(), '2027-01-01T00:00:01.000Z');
    const head = await read(path, { range: { start: 0, end: start, firstLine: 1 } });
    assert.deepEqual(
      head.map((l) => l.raw),
      LINES.slice(0, 2),
    );
    assert.equal(new Date(head[0]!.time!).toISOString(), '2026-11-30T23:59:58.000Z');
    assert.deepEqual(await read(path, { range: { start: 10, end: 10, firstLine: 2 } }), [], 'an empty range');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
