import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { LogLine } from '../ingest/line.js';
import type { LogEvent } from './event.js';
import {
  authResultOf,
  domainOfAddress,
  looksLikeIp,
  queueIdLength,
  splitQueueId,
  stripAngles,
  valueAfter,
} from './milter-common.js';
import { parseOpendkim, SAMPLES as DKIM } from './opendkim.js';
import { parseOpendmarc, SAMPLES as DMARC } from './opendmarc.js';
import { parsePolicydSpf, SAMPLES as SPF } from './policyd-spf.js';
import { parseAmavis, SAMPLES as AMAVIS } from './amavis.js';
import { parseRspamd, SAMPLES as RSPAMD } from './rspamd.js';
import { parseSpamd, SAMPLES as SPAMD } from './spamd.js';

test('queue ids: Postfix short/long, Sendmail, Exim; words are not ids', () => {
  assert.equal(queueIdLength('4F9D195432: x'), 10);
  assert.equal(queueIdLength('ABCDEF: x'), 6, 'upper-case hex without a digit');
  assert.equal(queueIdLength('4PbC4x469Jz3tBr: x'), 15);
  assert.equal(queueIdLength('u2IEEfKL062480: x'), 14);
  assert.equal(queueIdLength('1tXyzA-000Abc-12: x'), 16);
  assert.equal(queueIdLength('Warning: x'), 0);
  assert.equal(queueIdLength('ignoring x'), 0);
  assert.equal(queueIdLength('1234: x'), 0, 'too short');
  assert.equal(queueIdLength('A'.repeat(41) + '1: x'), 0, 'too long');
  assert.deepEqual(splitQueueId('4F9D195432: rest'), { queueId: '4F9D195432', rest: 'rest' });
  assert.equal(splitQueueId('4F9D195432 rest'), null);
  assert.deepEqual(splitQueueId('4F9D195432 rest', true), { queueId: '4F9D195432', rest: 'rest' });
  assert.deepEqual(splitQueueId('(unknown-jobid): rest'), { queueId: undefined, rest: 'rest' });
  assert.deepEqual(splitQueueId('NOQUEUE: rest'), { queueId: undefined, rest: 'rest' });
});

test('small helpers', () => {
  assert.equal(authResultOf('Pass'), 'pass');
  assert.equal(authResultOf('TempFail'), 'temperror');
  assert.equal(authResultOf('hardfail'), 'fail');
  assert.equal(authResultOf('bogus'), undefined);
  assert.equal(domainOfAddress('a@Example.COM'), 'example.com');
  assert.equal(domainOfAddress('a@b@example.org'), 'example.org');
  assert.equal(domainOfAddress('nobody'), undefined);
  assert.equal(domainOfAddress('x@'), undefined);
  assert.equal(stripAngles('<a@b>'), 'a@b');
  assert.equal(stripAngles('<>'), '');
  assert.equal(stripAngles('a'), 'a');
  assert.equal(valueAfter('a=1; helo=x; xhelo=y', 'helo=', ';'), 'x');
  assert.equal(valueAfter('xhelo=y; helo=z', 'helo=', ';'), 'z');
  assert.equal(valueAfter('none', 'helo=', ';'), undefined);
  assert.ok(looksLikeIp('192.0.2.1'));
  assert.ok(looksLikeIp('2001:db8::1'));
  assert.ok(!looksLikeIp('mail.example.com'));
});

const PARSERS: [string, (l: LogLine) => LogEvent, readonly { message: string }[]][] = [
  ['opendkim', parseOpendkim, DKIM],
  ['opendmarc', parseOpendmarc, DMARC],
  ['policyd-spf', parsePolicydSpf, SPF],
  ['amavis', parseAmavis, AMAVIS],
  ['rspamd', parseRspamd, RSPAMD],
  ['spamd', parseSpamd, SPAMD],
];

function lineOf(program: string, message: string): LogLine {
  return { time: 0, host: 'h', program, pid: 1, message, raw: message, src: { file: 'f', line: 1 } };
}

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 300);

test('property: every parser returns one event for its own line, whatever is spliced into a real line', () => {
  for (const [name, parse, samples] of PARSERS) {
    const real = fc.constantFrom(...samples.map((s) => s.message));
    const noiseText = fc.string({ unit: 'binary', maxLength: 200 });
    const separators = fc.constantFrom(
      ';',
      ',',
      ']',
      '}',
      '{',
      '[',
      '(',
      ')',
      '<',
      '>',
      '"',
      '\\',
      ': ',
      '=',
      ' ',
    );
    const junk = fc.array(fc.oneof(noiseText, separators), { maxLength: 30 }).map((a) => a.join(''));
    fc.assert(
      fc.property(real, junk, fc.nat(), (msg, ins, at) => {
        const pos = msg.length === 0 ? 0 : at % msg.length;
        const text = msg.slice(0, pos) + ins + msg.slice(pos);
        const l = lineOf(name, text);
        const ev = parse(l);
        assert.equal(ev.line, l);
        assert.ok(typeof ev.kind === 'string');
        // strings the event carries are bounded by the line they came from
        for (const v of Object.values(ev)) if (typeof v === 'string') assert.ok(v.length <= text.length + 64);
      }),
      { numRuns: RUNS },
    );
  }
});
