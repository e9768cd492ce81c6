import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFormatter } from './index.js';
import { jsonLine } from './json-line.js';
import { sampleRecord, sampleVerdict, StringSink } from './test-support.js';

test('jsonl writes one object per message with record fields, verdict, score, findings, missing', () => {
  const sink = new StringSink();
  const f = createFormatter('jsonl', sink, { color: false, minVerdict: 'clean' });
  f.write(sampleVerdict('spoof'));
  f.write(sampleVerdict('unknown'));
  f.end({} as never);
  const lines = sink.text.split('\n');
  assert.equal(lines.length, 3);
  assert.equal(lines[2], '');
  const a = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.equal(a.id, 'mx1.example.com/4F2A1C0B7D');
  assert.equal(a.queueId, '4F2A1C0B7D');
  assert.equal(a.verdict, 'spoof');
  assert.equal(a.score, 80);
  assert.equal((a.findings as { rule: string }[])[0]!.rule, 'dmarc-fail');
  assert.deepEqual(a.missing, []);
  assert.equal(a.header_from, 'ceo@example.com');
  assert.equal(a.envelope_from, 'bounce@example.net');
  assert.equal(a.source_ip, '192.0.2.10');
  assert.equal(a.direction, 'inbound');
  assert.deepEqual(a.evidence_refs, ['/var/log/mail.log:10', '/var/log/mail.log:11']);
  assert.equal(a.lines, undefined, 'raw lines are left out by default');
  const b = JSON.parse(lines[1]!) as Record<string, unknown>;
  assert.deepEqual(b.missing, ['header.from', 'auth.dmarc']);
});

test('jsonl honours minVerdict and includeLines', () => {
  const sink = new StringSink();
  const f = createFormatter('jsonl', sink, { color: false, minVerdict: 'suspicious', includeLines: true });
  f.write(sampleVerdict('clean'));
  f.write(sampleVerdict('suspicious'));
  const lines = sink.text.trimEnd().split('\n');
  assert.equal(lines.length, 1);
  const o = JSON.parse(lines[0]!) as { lines: string[]; verdict: string };
  assert.equal(o.verdict, 'suspicious');
  assert.equal(o.lines.length, 2);
});

test('jsonl stays valid JSON on one line for hostile values', () => {
  const hostile = 'a"b\\c\n{"x":1}\r\x1b[2J\u2028\u2029\u0085\ud800 end';
  const r = sampleRecord({
    host: hostile,
    headers: {
      [hostile]: [{ value: hostile, truncated: true }],
      from: [{ value: hostile, truncated: false }],
    },
    envelope: { from: hostile, recipients: [hostile] },
    lines: [hostile],
  });
  const sink = new StringSink();
  const f = createFormatter('jsonl', sink, { color: false, minVerdict: 'clean', includeLines: true });
  f.write(sampleVerdict('spoof', {}, r));
  const text = sink.text;
  assert.equal(text.indexOf('\n'), text.length - 1, 'exactly one line');
  assert.doesNotMatch(text, /[\r\u2028\u2029\u0085]/);
  const o = JSON.parse(text) as { host: string; lines: string[] };
  assert.equal(o.host, hostile, 'the value round-trips exactly');
  assert.deepEqual(o.lines, [hostile]);
});

test('jsonLine escapes line separators that JSON.stringify leaves raw', () => {
  assert.equal(jsonLine('\u2028'), '"\\u2028"\n');
  assert.equal(jsonLine({ a: '\u0085' }), '{"a":"\\u0085"}\n');
  assert.equal(jsonLine({ a: 'plain' }), '{"a":"plain"}\n');
});
