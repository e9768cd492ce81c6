import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTimeZone, zonedWallClockMs, zonedYear } from './zone.js';

const at = (zone: string, y: number, mo: number, d: number, h: number, mi = 0, s = 0, ms = 0): string =>
  new Date(zonedWallClockMs(zone, Date.UTC(y, mo - 1, d, h, mi, s, ms))).toISOString();

test('a wall clock in a named zone, either side of the date line and at odd offsets', () => {
  assert.equal(at('America/New_York', 2026, 11, 27, 22, 26, 47, 5), '2026-11-28T03:26:47.005Z');
  assert.equal(at('America/New_York', 2026, 7, 1, 12), '2026-07-01T16:00:00.000Z');
  assert.equal(at('Australia/Sydney', 2026, 1, 15, 12), '2026-01-15T01:00:00.000Z'); // summer, +11
  assert.equal(at('Asia/Kathmandu', 2026, 6, 1, 0), '2026-05-31T18:15:00.000Z'); // +05:45
  assert.equal(at('Etc/GMT+5', 2026, 6, 1, 0), '2026-06-01T05:00:00.000Z'); // POSIX sign: UTC-5
  assert.equal(at('UTC', 2026, 6, 1, 0), '2026-06-01T00:00:00.000Z');
});

test('DST changes are read as JavaScript reads local time: a skipped time moves forward, a repeated one is the first', () => {
  // Europe/Berlin springs forward at 01:00 UTC on 2026-03-29: 02:30 does not exist.
  assert.equal(at('Europe/Berlin', 2026, 3, 29, 1, 59), '2026-03-29T00:59:00.000Z');
  assert.equal(at('Europe/Berlin', 2026, 3, 29, 2, 30), '2026-03-29T01:30:00.000Z');
  assert.equal(at('Europe/Berlin', 2026, 3, 29, 3, 0), '2026-03-29T01:00:00.000Z');
  // It falls back at 01:00 UTC on 2026-10-25: 02:30 happens twice; the first is CEST.
  assert.equal(at('Europe/Berlin', 2026, 10, 25, 1, 59), '2026-10-24T23:59:00.000Z');
  assert.equal(at('Europe/Berlin', 2026, 10, 25, 2, 30), '2026-10-25T00:30:00.000Z');
  assert.equal(at('Europe/Berlin', 2026, 10, 25, 3, 30), '2026-10-25T02:30:00.000Z');
  // Southern hemisphere: Sydney falls back on 2026-04-05 (03:00 AEDT -> 02:00 AEST).
  assert.equal(at('Australia/Sydney', 2026, 4, 5, 2, 30), '2026-04-04T15:30:00.000Z');
  assert.equal(at('Australia/Sydney', 2026, 4, 5, 3, 30), '2026-04-04T17:30:00.000Z');
});

test('the year of an instant on the zone calendar', () => {
  const t = Date.UTC(2027, 0, 1, 3, 0); // 22:00 on New Year's Eve in New York
  assert.equal(zonedYear('America/New_York', t), 2026);
  assert.equal(zonedYear('Asia/Tokyo', Date.UTC(2026, 11, 31, 16, 0)), 2027);
});

test('zone names are checked against the zones this Node knows', () => {
  assert.equal(isTimeZone('Europe/Berlin'), true);
  assert.equal(isTimeZone('America/Argentina/Buenos_Aires'), true);
  assert.equal(isTimeZone('Mars/Olympus'), false);
  assert.equal(isTimeZone('Europe/Berlin\u001b[2J'), false);
});
