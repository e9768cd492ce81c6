import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogLine } from '../ingest/line.js';
import { readWireBatch, WireBuilder } from './wire.js';
import { WIRE_BATCH_CHARS, WIRE_BATCH_LINES } from './bounds.js';

function line(over: Partial<LogLine>): LogLine {
  const raw =
    over.raw ?? 'Nov 27 10:00:01 mx1 postfix/smtpd[1201]: connect from mail.example.net[198.51.100.7]';
  return {
    time: Date.UTC(2026, 10, 27, 10, 0, 1),
    host: 'mx1',
    program: 'postfix/smtpd',
    pid: 1201,
    message: 'connect from mail.example.net[198.51.100.7]',
    raw,
    src: { file: '/var/log/mail.log', line: 7 },
    ...over,
  };
}

test('lines cross the wire field for field: nulls, cut lines, messages that are not the tail of raw', () => {
  const lines: LogLine[] = [
    line({}),
    line({ time: null, pid: null, host: '', program: '', src: { file: '-', line: 1 } }),
    line({
      raw: 'Nov 27 10:00:02 mx2 opendkim[900]: 3F2A1C0D5E: DKIM verification successful …[line cut at 65536 bytes: 12 more bytes skipped]',
      message: '3F2A1C0D5E: DKIM verification successful',
      host: 'mx2',
      program: 'opendkim',
      pid: 900,
      truncatedBytes: 12,
    }),
    line({ raw: '{"MESSAGE":"connect from x","_HOSTNAME":"mx3"}', message: 'connect from x', host: 'mx3' }),
    line({ message: '', src: { file: '/var/log/mail.log.1', line: 99 } }),
  ];
  const b = new WireBuilder(8);
  lines.forEach((l, i) => b.add(l, 100 + i));
  assert.equal(b.length, lines.length);
  const { batch, transfer } = b.take();
  assert.equal(b.length, 0);
  assert.equal(transfer.length, 9);
  const sent = structuredClone(batch, { transfer });
  assert.equal(batch.seq.byteLength, 0, 'the number buffers were moved, not copied');
  assert.deepEqual(readWireBatch(sent), lines);
  assert.deepEqual([...sent.seq.subarray(0, 5)], [100, 101, 102, 103, 104]);
  // Names repeat once per batch.
  assert.ok(batch.names.filter((n) => n === 'postfix/smtpd').length === 1);
});

test('the builder reports full at its capacity and starts afresh after take()', () => {
  const b = new WireBuilder(2);
  b.add(line({}), 0);
  assert.equal(b.full, false);
  b.add(line({ host: 'mx2' }), 1);
  assert.equal(b.full, true);
  b.take();
  b.add(line({ host: 'mx3' }), 2);
  const { batch } = b.take();
  assert.deepEqual(batch.names, ['mx3', 'postfix/smtpd', '/var/log/mail.log']);
  assert.equal(readWireBatch(batch)[0]!.host, 'mx3');
});

test('a batch is full at WIRE_BATCH_CHARS of line text, long before WIRE_BATCH_LINES of long lines', () => {
  const b = new WireBuilder(WIRE_BATCH_LINES);
  const long = 'x'.repeat(60_000);
  const raw = `Nov 27 10:00:01 mx1 postfix/cleanup[7]: ${long}`;
  let n = 0;
  while (!b.full) {
    b.add(line({ raw, message: long }), n++);
    assert.ok(n <= WIRE_BATCH_LINES, 'never full');
  }
  assert.equal(n, Math.ceil(WIRE_BATCH_CHARS / raw.length));
  const { batch } = b.take();
  assert.equal(readWireBatch(batch).length, n);
  assert.equal(b.full, false, 'a new batch starts empty');
  // Short lines: full at the line count, as before.
  const s = new WireBuilder(4);
  for (let i = 0; i < 4; i++) {
    assert.equal(s.full, false);
    s.add(line({}), i);
  }
  assert.equal(s.full, true);
});
