/**
 * investigate and coverage take scan's line selection: --tz, so their times agree with
 * scan's verdicts on logs written in UTC elsewhere, and --since / --until, to narrow a
 * search or an audit over months.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/mail-fixtures.js';

const { dir, cleanup } = tempDir('spoofwatch-inv-select-');
after(cleanup);

const log = join(dir, 'mail.log');
writeFileSync(
  log,
  [
    'Nov 27 09:00:01 mx1 postfix/smtpd[300]: 4A1B2C3D4E: client=mail.example.net[198.51.100.20]',
    'Nov 27 09:00:01 mx1 postfix/qmgr[302]: 4A1B2C3D4E: from=<a@example.net>, size=900, nrcpt=1 (queue active)',
    'Nov 27 09:00:02 mx1 postfix/qmgr[302]: 4A1B2C3D4E: removed',
    '',
  ].join('\n'),
);

test('investigate --tz UTC reads yearless stamps as UTC, whatever the machine zone', async () => {
  const env = { ...process.env, TZ: 'America/New_York' };
  const utc = await runCli(['investigate', '--tz', 'UTC', '-f', 'json', '4A1B2C3D4E', log], { env });
  assert.equal(utc.code, 0, utc.stderr);
  assert.match(JSON.parse(utc.stdout).messages[0].firstSeen, /T09:00:01\.000Z$/);
  const local = await runCli(['investigate', '-f', 'json', '4A1B2C3D4E', log], { env });
  assert.match(JSON.parse(local.stdout).messages[0].firstSeen, /T14:00:01\.000Z$/);
});

test('investigate --since / --until skip lines outside the range; bad values are usage errors', async () => {
  const year = new Date().getUTCFullYear();
  const inside = await runCli([
    'investigate',
    '--tz',
    'UTC',
    '--since',
    `${year - 1}-01-01`,
    '4A1B2C3D4E',
    log,
  ]);
  const before = await runCli(['investigate', '--tz', 'UTC', '--until', '2000-01-01', '4A1B2C3D4E', log]);
  // A yearless stamp reads as the latest Nov 27 not in the future: this year's or last year's.
  assert.equal(inside.code, 0, inside.stderr);
  assert.equal(before.code, 2);
  assert.match(before.stderr, /no message with queue id/);
  const bad = await runCli(['investigate', '--since', 'soon', '4A1B2C3D4E', log]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--since/);
});

test('coverage --since / --until audit only the lines in the range', async () => {
  const all = await runCli(['coverage', '--format', 'json', log]);
  const none = await runCli(['coverage', '--format', 'json', '--until', '2000-01-01', log]);
  assert.equal(all.code, 0, all.stderr);
  assert.equal(none.code, 0, none.stderr);
  assert.equal(JSON.parse(all.stdout).inventory.lines, 3);
  assert.equal(JSON.parse(none.stdout).inventory.lines, 0);
  const bad = await runCli(['coverage', '--tz', 'Mars', log]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--tz/);
});
