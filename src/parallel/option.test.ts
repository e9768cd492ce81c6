import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveWorkers } from './option.js';
import { MIN_PART_BYTES } from './ranges.js';
import { MAX_AUTO_WORKERS } from './bounds.js';
import { SpoofwatchError } from '../errors.js';

test('--workers N is taken as given, and checked', async () => {
  assert.equal(await resolveWorkers('3', ['-'], 'scan'), 3);
  await assert.rejects(resolveWorkers('0', [], 'scan'), SpoofwatchError);
  await assert.rejects(resolveWorkers('two', [], 'scan'), SpoofwatchError);
});

test('without --workers one thread; --workers auto: one for stdin and small files, one per core for large files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spoofwatch-workers-'));
  try {
    const small = join(dir, 'small.log');
    writeFileSync(small, 'Nov 27 10:00:00 mx1 postfix/qmgr[1]: 3F2A1C0D51: removed\n');
    assert.equal(await resolveWorkers('auto', ['-'], 'scan'), 1);
    assert.equal(await resolveWorkers('auto', [small], 'scan'), 1);
    const line = 'Nov 27 10:00:00 mx1 postfix/qmgr[1100]: 3F2A1C0D51: removed\n';
    const big = join(dir, 'big.log');
    writeFileSync(big, line.repeat(Math.ceil((2 * MIN_PART_BYTES + 1024) / line.length)));
    const cores = Math.min(availableParallelism(), MAX_AUTO_WORKERS);
    assert.equal(await resolveWorkers('auto', [big], 'scan'), cores < 2 ? 1 : 2);
    assert.equal(await resolveWorkers('auto', [big, '-'], 'scan'), 1, 'stdin cannot be split');
    // Each thread has its own heap: more threads only when asked for.
    assert.equal(await resolveWorkers(undefined, [big], 'scan'), 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
