import { test } from 'node:test';
import assert from 'node:assert/strict';
import { internalErrorText, emptyRunNotice } from './run.js';

test('an internal error quoting log content reaches stderr with its control characters escaped', () => {
  const err = new Error('cannot fold header "\x1b]0;pwned\x07\x1b[2J" from mx1');
  const text = internalErrorText(err);
  assert.ok(text.startsWith('spoofwatch: internal error: Error: cannot fold header'));
  assert.ok(!text.includes('\x1b') && !text.includes('\x07'), text);
  assert.ok(text.endsWith('\n'));
  assert.equal(internalErrorText('\x1b[31mplain'), 'spoofwatch: internal error: \\x1b[31mplain\n');
});

test('lines read but none recognised: a notice naming the programs seen, escaped', () => {
  const notice = emptyRunNotice({
    lines: 1200,
    recognised: 0,
    byProgram: { sshd: 700, '(none)': 3, 'dove\x1b[2Jcot': 400, cron: 90, kernel: 7 },
  });
  assert.ok(notice !== null);
  assert.match(notice, /^spoofwatch: none of the 1,200 lines read is a mail-log line/);
  assert.match(notice, /programs seen: sshd 700, dove\\x1b\[2Jcot 400, cron 90\)/);
  assert.ok(!notice.includes('\x1b'), 'the escape character itself never reaches stderr');
  assert.ok(notice.endsWith('\n') && notice.split('\n').length === 2, 'one line');
  assert.match(emptyRunNotice({ lines: 1, recognised: 0, byProgram: { x: 1 } })!, /the one line read is not/);
});

test('no notice when a line was recognised, or when nothing was read (an empty or filtered day)', () => {
  assert.equal(emptyRunNotice({ lines: 1000, recognised: 1, byProgram: { sshd: 999 } }), null);
  assert.equal(emptyRunNotice({ lines: 0, recognised: 0, byProgram: {} }), null);
});

test('a selection that no line falls within: a notice giving the range as understood, in UTC', () => {
  const empty = { lines: 0, recognised: 0, byProgram: {} };
  const notice = emptyRunNotice(empty, {
    since: Date.UTC(2026, 10, 20, 5),
    syslogNames: ['postfix-in', 'x\x1b[2J'],
  });
  assert.equal(
    notice,
    'spoofwatch: no line read falls within --since 2026-11-20T05:00:00.000Z, --syslog-name postfix-in, ' +
      '--syslog-name x\\x1b[2J; check the range, and --tz for log stamps that carry no zone\n',
  );
  assert.match(emptyRunNotice(empty, { until: 0 })!, /--until 1970-01-01T00:00:00\.000Z/);
  assert.equal(emptyRunNotice(empty, {}), null);
  assert.equal(emptyRunNotice({ lines: 5, recognised: 5, byProgram: {} }, { since: 0 }), null);
});
