/**
 * Program tags and words that are also names on Object.prototype: any local user can log
 * a line tagged `toString` (logger -t toString), so such a tag must be an ordinary
 * unrecognised line, never a lookup hit that crashes the scan.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEnvelope, createEnvelopeContext } from '../ingest/index.js';
import { parseLine, producerOf } from './index.js';
import { createCorrelator } from '../correlate/index.js';

const NAMES = ['toString', 'constructor', 'valueOf', 'hasOwnProperty', '__proto__', 'isPrototypeOf'];

test('lines tagged with Object.prototype names are unrecognised events and correlate without error', () => {
  const ctx = createEnvelopeContext(Date.UTC(2026, 10, 27), 'UTC');
  const correlator = createCorrelator(() => undefined);
  for (const [i, name] of NAMES.entries()) {
    for (const tag of [name, `postfix/${name}`, `${name}/smtpd`]) {
      const line = parseEnvelope(
        `Nov 27 10:00:0${i} mx1.example.com ${tag}[42]: 3F2A1C0D5E: hello`,
        {
          file: 'mail.log',
          line: i + 1,
        },
        ctx,
      );
      const ev = parseLine(line);
      assert.equal(typeof ev, 'object', tag);
      assert.equal(ev.line, line, tag);
      assert.equal(typeof ev.kind, 'string', tag);
      correlator.push(ev);
      assert.equal(typeof producerOf(tag), 'string');
    }
  }
  correlator.flush();
});
