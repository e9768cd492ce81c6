import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, linkSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { refuseOverwritingInput } from './inputs.js';

test('-o is refused when it is a log being read: named, linked, or redirected to stdin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inputs-'));
  const log = join(dir, 'mail.log');
  const other = join(dir, 'other.log');
  writeFileSync(log, 'a line\n');
  writeFileSync(other, 'another line\n');
  linkSync(log, join(dir, 'alias.log'));
  const fd = openSync(log, 'r'); // stdin redirected from mail.log
  const otherFd = openSync(other, 'r');
  try {
    const refused = { code: 'USAGE' };
    assert.throws(() => refuseOverwritingInput(log, [log]), refused);
    assert.throws(() => refuseOverwritingInput(join(dir, 'alias.log'), [other, log]), refused);
    assert.throws(() => refuseOverwritingInput(log, ['-'], fd), /is an input \(stdin\)/);
    refuseOverwritingInput(log, ['-', other], otherFd);
    refuseOverwritingInput(join(dir, 'new.jsonl'), ['-', log], fd);
  } finally {
    closeSync(fd);
    closeSync(otherFd);
    rmSync(dir, { recursive: true, force: true });
  }
});
