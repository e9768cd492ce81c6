/**
 * Every parser, fed attacker-shaped text: real sample lines with mutated fields, arbitrary
 * unicode and bytes, cut lines, NULs, CR/LF and #012, huge values. Invariants: no parser
 * throws (parserFaults stays 0), one event per line that points back at the line, and no
 * line takes long (catastrophic regex backtracking shows up as seconds, not microseconds).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { LogLine } from '../../src/ingest/line.js';
import type { EventKind } from '../../src/parse/event.js';
import { parseLine, parserFaults } from '../../src/parse/index.js';
import { FUZZ_RUNS } from './runs.js';

interface Sample {
  program: string;
  message: string;
  kind: EventKind;
}

const MODULES = [
  '../../src/parse/postfix/index.js',
  '../../src/parse/opendkim.js',
  '../../src/parse/opendmarc.js',
  '../../src/parse/policyd-spf.js',
  '../../src/parse/amavis.js',
  '../../src/parse/rspamd.js',
  '../../src/parse/spamd.js',
  '../../src/parse/sendmail.js',
  '../../src/parse/exim.js',
  '../../src/parse/haproxy.js',
];

async function allSamples(): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const path of MODULES) {
    const mod = (await import(path)) as Record<string, unknown>;
    for (const [name, v] of Object.entries(mod))
      if (name.endsWith('SAMPLES') && Array.isArray(v)) out.push(...(v as Sample[]));
  }
  return out;
}

function lineOf(program: string, message: string): LogLine {
  return {
    time: 0,
    host: 'mx1',
    program,
    pid: 1,
    message,
    raw: message,
    src: { file: 'fuzz', line: 1 },
  };
}

/** Per-line budget: generous for a loaded CI machine, far below what backtracking costs. */
const SLOW_MS = 250;

function check(program: string, message: string): void {
  const line = lineOf(program, message);
  const t0 = performance.now();
  const event = parseLine(line);
  const ms = performance.now() - t0;
  assert.equal(event.line, line);
  assert.equal(typeof event.kind, 'string');
  assert.ok(
    ms < SLOW_MS,
    `${program}: ${ms.toFixed(0)} ms on a ${message.length}-char line: ${JSON.stringify(message.slice(0, 120))}`,
  );
}

const HOSTILE = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom(
    '\x1b[2J',
    '\x07',
    '\r',
    '\n',
    '#012',
    '\u202e',
    '\x00',
    '\ufffd',
    '<',
    '>',
    ';',
    '=',
    ',',
    '[',
    ']',
    '(',
    ')',
    '"',
    '{',
    '}',
    ' ',
  ),
);

test('parsers survive mutated real lines', async () => {
  const samples = await allSamples();
  assert.ok(samples.length > 50, 'parser SAMPLES are missing');
  const before = parserFaults.count;
  fc.assert(
    fc.property(
      fc.constantFrom(...samples),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), HOSTILE), { maxLength: 6 }),
      (s, edits) => {
        let m = s.message;
        for (const [at, del, ins] of edits) {
          const i = m.length === 0 ? 0 : at % (m.length + 1);
          m = m.slice(0, i) + ins + m.slice(i + del);
        }
        check(s.program, m);
      },
    ),
    { numRuns: FUZZ_RUNS * 10 },
  );
  assert.equal(parserFaults.count - before, 0, `a parser threw: ${parserFaults.last}`);
});

test('parsers survive arbitrary text under every program tag', async () => {
  const samples = await allSamples();
  const programs = [
    ...new Set(samples.map((s) => s.program)),
    'postfix-in/smtpd',
    'postfix/submission/cleanup',
    'x/smtpd',
  ];
  const before = parserFaults.count;
  fc.assert(
    fc.property(fc.constantFrom(...programs), fc.string({ unit: 'grapheme-ascii', maxLength: 400 }), (p, m) =>
      check(p, m),
    ),
    { numRuns: FUZZ_RUNS * 5 },
  );
  fc.assert(
    fc.property(fc.constantFrom(...programs), fc.string({ unit: 'binary', maxLength: 400 }), (p, m) =>
      check(p, m),
    ),
    { numRuns: FUZZ_RUNS * 5 },
  );
  assert.equal(parserFaults.count - before, 0, `a parser threw: ${parserFaults.last}`);
});

test('adversarial repetition does not make any parser backtrack', async () => {
  const samples = await allSamples();
  // Long runs of the characters regexes split on, placed inside real lines.
  const pumps = [
    '<',
    '>',
    '[',
    ']',
    ' ',
    '=',
    ';',
    ',',
    'a',
    '@',
    '.',
    ':',
    '"',
    '(',
    '{',
    '#012',
    'from=<',
    ' from ',
    'a@b.',
    '\\"',
  ];
  const before = parserFaults.count;
  for (const s of samples) {
    for (const p of pumps) {
      const pump = p.repeat(Math.ceil(20_000 / p.length));
      const half = Math.floor(s.message.length / 2);
      check(s.program, s.message.slice(0, half) + pump + s.message.slice(half));
      check(s.program, s.message + pump);
      check(s.program, pump + s.message);
    }
  }
  assert.equal(parserFaults.count - before, 0, `a parser threw: ${parserFaults.last}`);
});
