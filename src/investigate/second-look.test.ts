/**
 * The second pass reads only the matched records' time span and a margin: lines outside it
 * are skipped before parsing (a month of logs costs a read, not a parse), and a queue id
 * Postfix reuses hours later, which names another message, stays out of the story.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rec } from '../detect/test-support.js';
import type { Verdict } from '../detect/verdict.js';
import type { MessageRecord } from '../correlate/record.js';
import { defaultConfig } from '../detect/config.js';
import { runInvestigate, SECOND_LOOK_MARGIN_MS, secondLookSelection } from './index.js';

const verdictOf = (record: MessageRecord): Verdict => ({
  record,
  verdict: 'clean',
  score: 0,
  findings: [],
  missing: [],
});

test('secondLookSelection: the records span plus the margin, within the run selection', () => {
  const a = verdictOf(rec({ firstSeen: 10_000_000, lastSeen: 10_060_000 }));
  const b = verdictOf(rec({ firstSeen: 9_000_000, lastSeen: 9_500_000 }));
  assert.deepEqual(secondLookSelection([a, b], undefined), {
    since: 9_000_000 - SECOND_LOOK_MARGIN_MS,
    until: 10_060_000 + SECOND_LOOK_MARGIN_MS + 1,
  });
  assert.deepEqual(secondLookSelection([a], { since: 9_900_000, syslogNames: ['postfix-in'] }), {
    since: 9_900_000,
    until: 10_060_000 + SECOND_LOOK_MARGIN_MS + 1,
    syslogNames: ['postfix-in'],
  });
  const untimed = verdictOf(rec({ firstSeen: null, lastSeen: null }));
  assert.equal(secondLookSelection([a, untimed], undefined), undefined, 'a record without time: read all');
});

test('a queue id reused hours later is not part of the story; the message and its session are', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spoofwatch-second-look-'));
  try {
    const log = join(dir, 'mail.log');
    writeFileSync(
      log,
      [
        'Nov 27 09:00:00 mx1 postfix/smtpd[300]: connect from mail.example.net[198.51.100.20]',
        'Nov 27 09:00:01 mx1 postfix/smtpd[300]: 4A1B2C3D4E: client=mail.example.net[198.51.100.20]',
        'Nov 27 09:00:01 mx1 postfix/cleanup[301]: 4A1B2C3D4E: message-id=<one@example.net>',
        'Nov 27 09:00:01 mx1 postfix/qmgr[302]: 4A1B2C3D4E: from=<a@example.net>, size=900, nrcpt=1 (queue active)',
        'Nov 27 09:00:02 mx1 postfix/local[303]: 4A1B2C3D4E: to=<b@example.com>, relay=local, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (delivered to mailbox)',
        'Nov 27 09:00:02 mx1 postfix/qmgr[302]: 4A1B2C3D4E: removed',
        'Nov 27 09:00:03 mx1 postfix/smtpd[300]: disconnect from mail.example.net[198.51.100.20] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5',
        'Nov 27 13:00:00 mx1 someapp[900]: cleanup of 4A1B2C3D4E done',
        '',
      ].join('\n'),
    );
    const report = await runInvestigate('4A1B2C3D4E', [log], { config: defaultConfig() });
    const lines = report.timeline.map((l) => l.line);
    assert.deepEqual(lines, [1, 2, 3, 4, 5, 6, 7]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
