/**
 * The contract every producer parser keeps (one suite, run against all of them):
 * - its SAMPLES (lines its authors know real software writes) parse to the stated kind;
 * - it never throws and returns exactly one event, whatever the input;
 * - the event points back at the line it came from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogLine } from '../ingest/line.js';
import type { EventKind } from './event.js';
import { parseLine, parserFaults } from './index.js';

interface Sample {
  program: string;
  message: string;
  kind: EventKind;
}

const MODULES = [
  './postfix/index.js',
  './opendkim.js',
  './opendmarc.js',
  './policyd-spf.js',
  './amavis.js',
  './rspamd.js',
  './spamd.js',
  './sendmail.js',
  './exim.js',
  './haproxy.js',
];

function lineOf(program: string, message: string, n = 1): LogLine {
  return {
    time: Date.UTC(2026, 10, 20, 10, 0, 0),
    host: 'mx1',
    program,
    pid: 1234,
    message,
    raw: `Nov 20 10:00:00 mx1 ${program}[1234]: ${message}`,
    src: { file: 'contract', line: n },
  };
}

/** Hostile variations of a real line: cut, padded, control bytes, huge, injected separators. */
function mutations(message: string): string[] {
  const out = [
    '',
    ' ',
    message.slice(0, Math.floor(message.length / 2)),
    message.slice(0, 200),
    message + message,
    message.replace(/</g, '<<'),
    message.replace(/>/g, ''),
    message.replace(/=/g, '=='),
    message.replace(/ /g, '  '),
    message.replace(/\[/g, ''),
    message + '\x1b[31m\x07\x00\ud800',
    message.replace(/@/g, '@@'),
    'x'.repeat(70_000),
    message + '; from=<'.repeat(2000),
    '<'.repeat(50_000) + message,
    message.replace(/\d/g, '9'.repeat(400)),
  ];
  for (let i = 1; i < message.length; i += Math.max(1, Math.floor(message.length / 12))) {
    out.push(message.slice(0, i) + '#012' + message.slice(i));
  }
  return out;
}

for (const path of MODULES) {
  test(`parser contract: ${path}`, async (t) => {
    const mod = (await import(path)) as Record<string, unknown>;
    const samples = Object.entries(mod)
      .filter(([name, v]) => name.endsWith('SAMPLES') && Array.isArray(v))
      .flatMap(([, v]) => v as Sample[]);
    assert.ok(samples.length > 0, `${path} exports no SAMPLES`);
    for (const [i, s] of samples.entries()) {
      const line = lineOf(s.program, s.message, i + 1);
      const event = parseLine(line);
      assert.equal(event.kind, s.kind, `${s.program}: ${s.message}`);
      assert.equal(event.line, line);
    }
    let hostile = 0;
    const started = performance.now();
    for (const s of samples) {
      for (const m of mutations(s.message)) {
        const event = parseLine(lineOf(s.program, m));
        assert.equal(typeof event.kind, 'string');
        hostile++;
      }
    }
    assert.equal(parserFaults.count, 0, `a parser threw: ${parserFaults.last}`);
    t.diagnostic(
      `${samples.length} samples, ${hostile} hostile variants in ${(performance.now() - started).toFixed(0)} ms`,
    );
  });
}
