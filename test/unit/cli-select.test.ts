/** --since / --until / --syslog-name: the lines a run reads, end to end. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

const LOG = [
  '2026-11-20T09:59:59.000000+00:00 mx1 postfix-in/smtpd[10]: connect from mail.example.net[192.0.2.10]',
  '2026-11-20T10:00:00.000000+00:00 mx1 postfix-in/smtpd[10]: 4F9D195432: client=mail.example.net[192.0.2.10]',
  '2026-11-20T10:00:01.000000+00:00 mx1 opendkim[20]: 4F9D195432: DKIM verification successful',
  '2026-11-20T10:00:02.000000+00:00 mx1 postfix-out/smtp[30]: 5A6B7C8D9E: to=<b@example.org>, relay=mx.example.org[198.51.100.5]:25, delay=0.2, delays=0/0/0.1/0.1, dsn=2.0.0, status=sent (250 2.0.0 Ok)',
  '2026-11-20T10:00:03.000000+00:00 mx1 postfix-in/qmgr[11]: 4F9D195432: removed',
].join('\n');

test('--since, --until and --syslog-name select lines before parsing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spoofwatch-select-'));
  try {
    const log = join(dir, 'mail.log');
    writeFileSync(log, LOG + '\n');
    const count = async (...args: string[]): Promise<number> => {
      const r = await runCli(['parse', '--summary', ...args, log]);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { lines: number }).lines;
    };
    assert.equal(await count(), 5);
    assert.equal(await count('--since', '2026-11-20T10:00:00Z'), 4);
    assert.equal(await count('--until', '2026-11-20T10:00:01Z'), 2);
    assert.equal(await count('--since', '2026-11-20T10:00:00Z', '--until', '2026-11-20T10:00:02Z'), 2);
    // postfix-out's line is dropped; OpenDKIM serves every instance and stays.
    assert.equal(await count('--syslog-name', 'postfix-in'), 4);
    const bad = await runCli(['scan', '--since', '2026-11-21', '--until', '2026-11-20', log]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--since must be earlier than --until/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a range no line falls within: empty output, exit 0, and stderr gives the range as understood', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spoofwatch-select-'));
  try {
    const log = join(dir, 'mail.log');
    writeFileSync(log, LOG + '\n');
    for (const cmd of ['scan', 'messages']) {
      // A date without a zone is read in --tz: midnight in New York is 05:00 UTC.
      const r = await runCli([cmd, '--tz', 'America/New_York', '--since', '2026-11-21', log]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '');
      assert.equal(
        r.stderr,
        'spoofwatch: no line read falls within --since 2026-11-21T05:00:00.000Z; ' +
          'check the range, and --tz for log stamps that carry no zone\n',
      );
    }
    const inRange = await runCli(['scan', '--since', '2026-11-20T10:00:00Z', log]);
    assert.equal(inRange.code, 0, inRange.stderr);
    assert.equal(inRange.stderr, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
