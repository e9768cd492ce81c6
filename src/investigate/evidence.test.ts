import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evidenceFromLine } from './evidence.js';
import type { LogLine } from '../ingest/line.js';

function line(time: number | null): LogLine {
  return {
    time,
    host: 'mx1',
    program: 'postfix/smtpd',
    pid: 1,
    message: 'connect from unknown[192.0.2.1]',
    raw: 'Nov 27 10:00:01 mx1 postfix/smtpd[1]: connect from unknown[192.0.2.1]',
    src: { file: 'mail.log', line: 7 },
  };
}

test('an evidence line gives its time in ISO form, and none (not a crash) for a time no Date holds', () => {
  assert.equal(
    evidenceFromLine(line(Date.UTC(2026, 10, 27, 10, 0, 1)), true, []).time,
    '2026-11-27T10:00:01.000Z',
  );
  assert.equal(evidenceFromLine(line(null), true, []).time, null);
  assert.equal(evidenceFromLine(line(9e15), true, []).time, null);
  assert.equal(evidenceFromLine(line(Number.NaN), true, []).time, null);
});
