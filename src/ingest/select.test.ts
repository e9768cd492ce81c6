import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogLine } from './line.js';
import { parseTimeOption, selectInPlace, selects } from './select.js';

function line(program: string, time: number | null): LogLine {
  return { time, host: 'mx1', program, pid: 1, message: 'x', raw: 'x', src: { file: 't', line: 1 } };
}

test('time range keeps [since, until) and lines without a stamp', () => {
  const sel = { since: 1000, until: 2000 };
  assert.equal(selects(sel, line('postfix/smtpd', 999)), false);
  assert.equal(selects(sel, line('postfix/smtpd', 1000)), true);
  assert.equal(selects(sel, line('postfix/smtpd', 1999)), true);
  assert.equal(selects(sel, line('postfix/smtpd', 2000)), false);
  assert.equal(selects(sel, line('postfix/smtpd', null)), true);
});

test('syslog names pick Postfix instances and keep milters and proxies', () => {
  const sel = { syslogNames: ['postfix-in', 'postfix/submission'] };
  assert.equal(selects(sel, line('postfix-in/smtpd', 1)), true);
  assert.equal(selects(sel, line('postfix/submission/smtpd', 1)), true);
  assert.equal(selects(sel, line('postfix-out/smtp', 1)), false);
  assert.equal(selects(sel, line('postfix/smtpd', 1)), false);
  assert.equal(selects(sel, line('opendkim', 1)), true);
  assert.equal(selects(sel, line('policyd-spf', 1)), true);
  assert.equal(selects(sel, line('haproxy', 1)), true);
});

test('selectInPlace keeps order', () => {
  const batch = [line('a/smtpd', 1), line('b/smtpd', 2), line('a/qmgr', 3)];
  assert.deepEqual(
    selectInPlace({ syslogNames: ['a'] }, batch).map((l) => l.time),
    [1, 3],
  );
});

test('time options: ISO dates, ages, and a clear error', () => {
  const now = Date.UTC(2026, 10, 27, 12, 0, 0);
  assert.equal(parseTimeOption('2026-11-20T10:00:00Z', '--since'), Date.UTC(2026, 10, 20, 10, 0, 0));
  assert.equal(parseTimeOption('36h', '--since', now), now - 36 * 3600_000);
  assert.equal(parseTimeOption('7d', '--since', now), now - 7 * 86400_000);
  assert.equal(parseTimeOption('2026-11-20', '--since'), new Date(2026, 10, 20).getTime());
  assert.throws(() => parseTimeOption('yesterday-ish', '--until'), /--until: expected a date/);
});

test('a --since/--until time without a zone is read in --tz; out-of-range fields are refused', () => {
  const now = Date.UTC(2026, 10, 29, 12);
  assert.equal(parseTimeOption('2026-11-20', '--since', now, 'UTC'), Date.UTC(2026, 10, 20));
  assert.equal(parseTimeOption('2026-11-20', '--since', now, 'America/New_York'), Date.UTC(2026, 10, 20, 5));
  assert.equal(
    parseTimeOption('2026-11-20 10:00:30.5', '--since', now, 'UTC'),
    Date.UTC(2026, 10, 20, 10, 0, 30, 500),
  );
  assert.equal(parseTimeOption('2026-11-20T10:00', '--since', now), new Date(2026, 10, 20, 10).getTime());
  // A zone in the value wins over --tz.
  assert.equal(
    parseTimeOption('2026-11-20T10:00:00+01:00', '--since', now, 'America/New_York'),
    Date.UTC(2026, 10, 20, 9),
  );
  assert.equal(parseTimeOption('36h', '--since', now, 'Asia/Tokyo'), now - 36 * 3600_000);
  for (const bad of [
    '2026-02-30',
    '2026-13-01',
    '2026-00-10',
    '2026-11-00',
    '2026-11-20T25:00',
    '2026-11-20T10:61',
  ])
    assert.throws(() => parseTimeOption(bad, '--since', now, 'UTC'), /--since: expected a date/, bad);
});
