import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { orderInputs, rotationInfo, rotatedSet } from './rotation.js';
import { defaultInputs } from './index.js';

test('numbered rotations are read oldest first whatever the given order', () => {
  assert.deepEqual(orderInputs(['mail.log', 'mail.log.2.gz', 'mail.log.1', 'mail.log.10.gz']), [
    'mail.log.10.gz',
    'mail.log.2.gz',
    'mail.log.1',
    'mail.log',
  ]);
});

test('dated rotations are read by date, the live file last', () => {
  assert.deepEqual(
    orderInputs(['/var/log/maillog', '/var/log/maillog-20261120.gz', '/var/log/maillog-20261106']),
    ['/var/log/maillog-20261106', '/var/log/maillog-20261120.gz', '/var/log/maillog'],
  );
  assert.equal(rotationInfo('mail.log-2026-11-20.gz').date, '20261120');
  assert.equal(rotationInfo('mail.log-20261120-1763600000').date, '202611201763600000');
});

test('unrelated files keep the user order; sets sit where their first member was given', () => {
  assert.deepEqual(orderInputs(['exim_mainlog', 'mail.log', 'other.txt', 'mail.log.1', '-']), [
    'exim_mainlog',
    'mail.log.1',
    'mail.log',
    'other.txt',
    '-',
  ]);
  // Sets in different directories are different sets.
  assert.deepEqual(orderInputs(['b/mail.log', 'a/mail.log.1', 'b/mail.log.1']), [
    'b/mail.log.1',
    'b/mail.log',
    'a/mail.log.1',
  ]);
});

test('the same path given twice is read once; stdin may be given more than once', () => {
  assert.deepEqual(orderInputs(['mail.log', 'mail.log.1', 'mail.log']), ['mail.log.1', 'mail.log']);
  assert.deepEqual(orderInputs(['./mail.log', 'mail.log', 'x/../mail.log.1']), [
    'x/../mail.log.1',
    './mail.log',
  ]);
  assert.deepEqual(orderInputs(['-', '-']), ['-', '-']);
});

test('rotatedSet and defaultInputs find mail.log*, else maillog*, else mail*, oldest first', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'spoofwatch-rot-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  assert.deepEqual(await defaultInputs(dir), []);
  // openSUSE: /var/log/mail, dated and xz-compressed; mail.info holds a subset and is not read.
  for (const n of ['mail', 'mail-20261127.xz', 'mail-20261120.xz', 'mail.info', 'mail.info-20261127.xz'])
    await writeFile(join(dir, n), '');
  assert.deepEqual(await defaultInputs(dir), [
    join(dir, 'mail-20261120.xz'),
    join(dir, 'mail-20261127.xz'),
    join(dir, 'mail'),
  ]);
  // Red Hat's maillog comes first where both exist.
  await writeFile(join(dir, 'maillog'), '');
  await writeFile(join(dir, 'maillog.1.gz'), '');
  assert.deepEqual(await defaultInputs(dir), [join(dir, 'maillog.1.gz'), join(dir, 'maillog')]);
  for (const n of ['mail.log', 'mail.log.1', 'mail.log.2.gz', 'mail.log.3.gz', 'mail.logger', 'mail.err']) {
    await writeFile(join(dir, n), '');
  }
  await mkdir(join(dir, 'mail.log.d'));
  assert.deepEqual(await defaultInputs(dir), [
    join(dir, 'mail.log.3.gz'),
    join(dir, 'mail.log.2.gz'),
    join(dir, 'mail.log.1'),
    join(dir, 'mail.log'),
  ]);
  assert.deepEqual(await rotatedSet(join(dir, 'missing'), 'mail.log'), []);
});
