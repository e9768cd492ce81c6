import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countLinesBefore, lineStartAtOrAfter, planParts, type InputFile, type Piece } from './ranges.js';

function withFile<T>(text: string, fn: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'spoofwatch-ranges-'));
  const path = join(dir, 'mail.log');
  writeFileSync(path, text);
  try {
    return fn(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a split moves to the next line start; line numbers at a position are counted', () => {
  const text = 'aaaa\nbb\n\ncccccc\nd';
  withFile(text, (p) => {
    const size = text.length;
    assert.equal(lineStartAtOrAfter(p, 0, size), 0);
    assert.equal(lineStartAtOrAfter(p, 1, size), 5);
    assert.equal(lineStartAtOrAfter(p, 5, size), 5, 'already a line start');
    assert.equal(lineStartAtOrAfter(p, 8, size), 8, 'just after the newline of bb');
    assert.equal(lineStartAtOrAfter(p, 10, size), 16);
    assert.equal(lineStartAtOrAfter(p, 17, size), size, 'last line has no newline: no start after it');
    assert.equal(countLinesBefore(p, 0), 0);
    assert.equal(countLinesBefore(p, 5), 1);
    assert.equal(countLinesBefore(p, 16), 4);
    assert.equal(countLinesBefore(p, 16, 5), 3, 'counted on from a later start');
  });
});

/** A stand-in for lineStartAtOrAfter: lines of 10 bytes. */
const snap = (_p: string, pos: number, size: number): number => Math.min(size, Math.ceil(pos / 10) * 10);

const zones = (p: { pieces: Piece[] }): [string, string, number, number][] =>
  p.pieces.map((x) => [x.zone, x.path, x.start, x.end]);

test('one plain file: parts of about equal work, led in by the bytes before and followed by a tail', () => {
  const files: InputFile[] = [{ path: 'a', size: 1000, gzip: false }];
  const parts = planParts(files, 2, { leadIn: 100, minPart: 100, snap });
  assert.equal(parts.length, 2);
  // Part 1 is shorter by half its lead-in (a lead-in line costs about half an own line).
  assert.deepEqual(zones(parts[0]!), [
    ['own', 'a', 0, 530],
    ['tail', 'a', 530, 630],
  ]);
  assert.deepEqual(zones(parts[1]!), [
    ['lead', 'a', 430, 530],
    ['own', 'a', 530, 1000],
  ]);
});

test('own pieces cover every byte exactly once, in order, for any n and file mix', () => {
  const files: InputFile[] = [
    { path: 'old.gz', size: 300, gzip: true },
    { path: 'mid', size: 2000, gzip: false },
    { path: 'new', size: 1500, gzip: false },
  ];
  for (let n = 1; n <= 9; n++) {
    const parts = planParts(files, n, { leadIn: 250, minPart: 200, snap });
    assert.ok(parts.length >= 1 && parts.length <= n);
    const own = parts.flatMap((p) => p.pieces.filter((x) => x.zone === 'own'));
    const covered = new Map<string, number>();
    for (const x of own) {
      assert.equal(x.start, covered.get(x.path) ?? 0, `${x.path} continues where it stopped (n=${n})`);
      assert.ok(x.end > x.start);
      covered.set(x.path, x.end);
      if (x.gzip) assert.deepEqual([x.start, x.end], [0, x.size], 'a gzip file is never cut');
    }
    for (const f of files) assert.equal(covered.get(f.path), f.size, `${f.path} read to its end (n=${n})`);
    for (const [k, p] of parts.entries()) {
      const order = p.pieces.map((x) => x.zone).join(' ');
      assert.match(order, /^(lead )*(own ?)+( ?tail)*$/, `zones in order: ${order}`);
      const lead = p.pieces.filter((x) => x.zone === 'lead');
      assert.ok(
        lead.every((x) => !x.gzip || (x.keep !== undefined && x.start === 0 && x.end === x.size)),
        'a gzip lead-in is read whole, keeping its last lines',
      );
      assert.ok(lead.reduce((a, x) => a + (x.keep ?? x.end - x.start), 0) <= 250);
      assert.equal(k === 0 && lead.length > 0, false, 'the first part starts at the beginning');
      assert.equal(
        p.pieces.some((x) => x.zone === 'tail'),
        k < parts.length - 1 && parts.length > 1 ? p.pieces.some((x) => x.zone === 'tail') : false,
        'the last part has no tail',
      );
    }
  }
});

test('a lead-in crosses into the previous plain file', () => {
  const files: InputFile[] = [
    { path: 'a', size: 500, gzip: false },
    { path: 'b', size: 500, gzip: false },
  ];
  const parts = planParts(files, 2, { leadIn: 100, minPart: 100, snap });
  assert.equal(parts.length, 2);
  // The cut is at 530 of the 1000 bytes: 30 bytes into b; the lead-in takes b's first 30 and a's last 70.
  assert.deepEqual(zones(parts[1]!), [
    ['lead', 'a', 430, 500],
    ['lead', 'b', 0, 30],
    ['own', 'b', 30, 500],
  ]);
});

test('too little input for two parts worth a thread: one part, everything own', () => {
  const files: InputFile[] = [{ path: 'a', size: 150, gzip: false }];
  const parts = planParts(files, 4, { leadIn: 100, minPart: 100, snap });
  assert.equal(parts.length, 1);
  assert.deepEqual(zones(parts[0]!), [['own', 'a', 0, 150]]);
});

test('after a gzip file, the lead-in reads it whole and keeps its last bytes of lines', () => {
  const files: InputFile[] = [
    { path: 'old.gz', size: 100, gzip: true },
    { path: 'new', size: 500, gzip: false },
  ];
  // Weighted 500 + 500, the cut 30 bytes into the plain file: the lead-in takes those 30
  // bytes and the last 70 bytes of lines of the gzip file.
  const parts = planParts(files, 2, { leadIn: 100, minPart: 100, snap });
  assert.equal(parts.length, 2);
  assert.deepEqual(
    parts[1]!.pieces.map((x) => [x.zone, x.path, x.start, x.end, x.keep]),
    [
      ['lead', 'old.gz', 0, 100, 70],
      ['lead', 'new', 0, 30, undefined],
      ['own', 'new', 30, 500, undefined],
    ],
  );
});

test('a tail that reaches a gzip file reads it from its start for the bytes still wanted, not to its end', () => {
  const files: InputFile[] = [
    { path: 'a', size: 1000, gzip: false },
    { path: 'b.gz', size: 100, gzip: true },
  ];
  const parts = planParts(files, 2, { leadIn: 300, minPart: 100, snap });
  assert.equal(parts.length, 2);
  assert.deepEqual(
    parts[0]!.pieces.map((x) => [x.zone, x.path, x.start, x.end, x.limit]),
    [
      ['own', 'a', 0, 830, undefined],
      ['tail', 'a', 830, 1000, undefined],
      ['tail', 'b.gz', 0, 100, 130],
    ],
  );
});

test('a split moves past lines that would be refused as binary, but not further than 1 MiB', () => {
  const text = 'aaaa\n' + '\0'.repeat(3000) + '\nbbbb\ncccc\n';
  withFile(text, (p) => {
    assert.equal(lineStartAtOrAfter(p, 1, text.length), text.indexOf('bbbb'), 'past the NUL line');
    assert.equal(lineStartAtOrAfter(p, 0, text.length), 0, 'the start of a file stays');
  });
  // Binary data with a newline every 100 bytes, for 3 MiB.
  const noise = Buffer.alloc(3 * 1024 * 1024);
  for (let i = 99; i < noise.length; i += 100) noise[i] = 10;
  const big = Buffer.concat([Buffer.from('aaaa\n'), noise, Buffer.from('bbbb\n')]);
  withFile(big.toString('latin1'), (p) => {
    const at = lineStartAtOrAfter(p, 1, big.length);
    assert.ok(at >= 1024 * 1024 && at <= 1024 * 1024 + 200, `${at}`);
    assert.equal(big[at - 1], 10, 'still a line start');
  });
});
