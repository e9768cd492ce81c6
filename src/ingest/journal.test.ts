import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJournal } from './journal.js';

const src = { file: 'journal.json', line: 3 };

test('a journal entry with SYSLOG_PID, repeated fields and a byte-array MESSAGE', () => {
  const bytes = [...Buffer.from('from=<a@example.org> ', 'utf8'), 0xfc, 0x21];
  const l = parseJournal(
    JSON.stringify({
      __REALTIME_TIMESTAMP: '1764244800999999',
      _HOSTNAME: ['mx2', 'ignored'],
      SYSLOG_IDENTIFIER: 'opendkim',
      SYSLOG_PID: '77',
      _PID: '78',
      MESSAGE: bytes,
    }),
    src,
  );
  assert.ok(l !== null);
  assert.equal(l.time, 1764244800999);
  assert.equal(l.host, 'mx2');
  assert.equal(l.program, 'opendkim');
  assert.equal(l.pid, 77);
  assert.equal(l.message, 'from=<a@example.org> \\xfc!');
  assert.equal(l.src, src);
});

test('falls back to _COMM, tolerates a missing timestamp, shows NUL', () => {
  const l = parseJournal(JSON.stringify({ _COMM: 'smtpd', MESSAGE: 'a\u0000b' }), src);
  assert.ok(l !== null);
  assert.equal(l.program, 'smtpd');
  assert.equal(l.time, null);
  assert.equal(l.pid, null);
  assert.equal(l.message, 'a\\x00b');
});

test('not a journal entry: null', () => {
  for (const t of [
    '{',
    '{}',
    '[1]',
    '{"a":1}',
    '{"MESSAGE":[300]}',
    'null',
    '{"__REALTIME_TIMESTAMP":"12x"}',
  ]) {
    assert.equal(parseJournal(t, src), null, t);
  }
});

test('a __REALTIME_TIMESTAMP no Date can hold gives no time, not an invalid one', () => {
  const at = (micros: string) =>
    parseJournal(JSON.stringify({ __REALTIME_TIMESTAMP: micros, MESSAGE: 'x' }), src)?.time;
  assert.equal(at('8640000000000000000'), 8.64e15); // the last instant a Date holds
  assert.equal(at('8640000000000001000'), null);
  assert.equal(at('99999999999999999999'), null);
  assert.equal(at('0'), 0);
});
