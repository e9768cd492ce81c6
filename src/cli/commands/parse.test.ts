import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogEvent } from '../../parse/event.js';
import { eventToJson } from './parse.js';

function eventAt(time: number | null): LogEvent {
  return {
    kind: 'unrecognised',
    line: {
      time,
      host: 'mx',
      program: 'postfix/smtpd',
      pid: 12,
      message: 'hello',
      raw: 'hello',
      src: { file: 'mail.log', line: 1 },
    },
  } as LogEvent;
}

test('an event time a Date cannot hold is null, not a crash of the whole parse', () => {
  // A journal export's __REALTIME_TIMESTAMP may hold 20 digits: 1e17 ms is past year 275760.
  assert.equal(eventToJson(eventAt(1e17)).time, null);
  assert.equal(eventToJson(eventAt(-1e17)).time, null);
  assert.equal(eventToJson(eventAt(null)).time, null);
  for (const ms of [0, 1767225600123, -1, 253_402_300_800_000, 8.64e15])
    assert.equal(eventToJson(eventAt(ms)).time, new Date(ms).toISOString());
});
