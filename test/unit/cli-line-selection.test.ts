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

test('--tz ZONE reads a copied log as its host wrote it: the same times as TZ=ZONE on that host', async () => {
  // Lines every 20 minutes across New York's fall-back night (2026-11-01, 02:00 EDT -> 01:00
  // EST) and across New Year, where the yearless stamps roll over.
  const lines: string[] = [];
  const stamp = (mon: string, day: number, h: number, m: number): string =>
    `${mon} ${String(day).padStart(2, ' ')} ${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:07`;
  let n = 0;
  const message = (s: string): void => {
    const q = `5${(n++).toString(16).toUpperCase().padStart(9, '0')}`;
    lines.push(`${s} mx1 postfix/smtpd[300]: ${q}: client=mail.example.net[198.51.100.20]`);
    lines.push(`${s} mx1 postfix/qmgr[302]: ${q}: from=<a@example.net>, size=900, nrcpt=1 (queue active)`);
    lines.push(`${s} mx1 postfix/qmgr[302]: ${q}: removed`);
  };
  for (let h = 0; h < 4; h++) for (const m of [0, 20, 40]) message(stamp('Nov', 1, h, m));
  for (const m of [0, 20, 40]) message(stamp('Dec', 31, 23, m));
  for (const m of [0, 20, 40]) message(stamp('Jan', 1, 0, m));
  const copied = join(dir, 'copied.log');
  writeFileSync(copied, lines.join('\n') + '\n');
  // The file's mtime decides the year of its yearless stamps: the same for both runs.
  const seen = (stdout: string): string[] =>
    stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const r = JSON.parse(l) as { queueId: string; firstSeen: number };
        return `${r.queueId} ${new Date(r.firstSeen).toISOString()}`;
      });
  const [onHost, elsewhere, utc] = await Promise.all([
    runCli(['messages', copied], { env: { ...process.env, TZ: 'America/New_York' } }),
    runCli(['messages', '--tz', 'America/New_York', copied], { env: { ...process.env, TZ: 'Asia/Tokyo' } }),
    runCli(['messages', '--tz', 'UTC', copied], { env: { ...process.env, TZ: 'Asia/Tokyo' } }),
  ]);
  for (const r of [onHost, elsewhere, utc]) assert.equal(r.code, 0, r.stderr);
  assert.equal(seen(onHost.stdout).length, 18);
  assert.deepEqual(seen(elsewhere.stdout), seen(onHost.stdout));
  // Spot checks: 00:20 EDT is 04:20Z; 01:20 is read as its first (EDT) occurrence; 03:20 EST.
  const times = seen(elsewhere.stdout).map((s) => s.slice(11, 30));
  assert.ok(
    times.some((t) => t.endsWith('-11-01T04:20:07')),
    times.join(' '),
  );
  assert.ok(
    times.some((t) => t.endsWith('-11-01T05:20:07')),
    times.join(' '),
  );
  assert.ok(
    times.some((t) => t.endsWith('-11-01T08:20:07')),
    times.join(' '),
  );
  assert.notDeepEqual(seen(utc.stdout), seen(onHost.stdout));
});

test('--tz: a zone name this Node does not know is a usage error, not UTC in disguise', async () => {
  for (const cmd of ['scan', 'messages', 'parse', 'coverage']) {
    const r = await runCli([cmd, '--tz', 'Europe/Berln', log]);
    assert.equal(r.code, 2, cmd);
    assert.match(r.stderr, /--tz: expected local, UTC or a time zone name .*got "Europe\/Berln"/);
    assert.equal(r.stdout, '');
  }
});
