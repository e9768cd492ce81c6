import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFormatter } from './index.js';
import fc from 'fast-check';
import { isoTime, JSON_ESCAPED, jsonLine } from './json-line.js';
import { JsonWriter } from './json-writer.js';
import { verdictJsonBytes, verdictJsonLine, verdictToJson, WRITTEN_FIELDS } from './jsonl.js';
import { domain, time, w as writer } from './record-json.js';
import { domainOf } from './record-fields.js';
import { fullVerdict, sampleRecord, sampleVerdict, StringSink, T0, textBiasedTo } from './test-support.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

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
  assert.deepEqual(a.evidence, [{ file: '/var/log/mail.log', lines: [10, 11] }]);
  assert.equal(a.evidence_refs, undefined, 'the evidence is cited once, per file');
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
  // What a terminal would obey (8-bit CSI, DEL, bidi override, tag characters, soft hyphen,
  // zero-width space, BOM) is written as escapes; the values read back unchanged.
  const obeyed = 'a\u009b2Jb\x7fc\u202ed\u{e0041}e\u00adf\u200bg\ufeff';
  const line = jsonLine({ s: obeyed });
  assert.equal(line, '{"s":"a\\u009b2Jb\\u007fc\\u202ed\\udb40\\udc41e\\u00adf\\u200bg\\ufeff"}\n');
  assert.deepEqual(JSON.parse(line), { s: obeyed });
  const w = new JsonWriter();
  w.string(obeyed);
  assert.equal(w.take(), line.slice(5, -2));
  // Printable text past ASCII is written as itself.
  assert.equal(jsonLine('é€😀 İß'), '"é€😀 İß"\n');
  assert.equal(jsonLine({ a: '\u0085' }), '{"a":"\\u0085"}\n');
  assert.equal(jsonLine({ a: 'plain' }), '{"a":"plain"}\n');
});

/** What the writer must produce: the reference object through JSON.stringify. */
function reference(v: Parameters<typeof verdictToJson>[0], includeLines = false): unknown {
  return JSON.parse(jsonLine(verdictToJson(v, { includeLines })));
}

test('the direct JSONL writer gives the same JSON values as the reference object, every field set', () => {
  const v = fullVerdict();
  for (const includeLines of [false, true]) {
    const line = verdictJsonLine(v, { includeLines });
    assert.equal(line.indexOf('\n'), line.length - 1);
    assert.deepEqual(JSON.parse(line), reference(v, includeLines));
  }
  const o = JSON.parse(verdictJsonLine(v)) as Record<string, unknown>;
  for (const k of Object.keys(WRITTEN_FIELDS.record)) {
    if (k !== 'lines') assert.ok(k in o, `record field ${k} is written`);
  }
  assert.deepEqual(o.evidence, [
    { file: '/var/log/mail.log', lines: [10, 11] },
    { file: 'C:\\logs\\mail:1.log', lines: [1] },
    { file: '/var/log/mail.log', lines: [12] },
  ]);
  assert.equal((o.findings as { fields: Record<string, unknown> }[])[0]!.fields.inf, null);
});

test('a document that fails half-way leaves nothing behind for the next one', () => {
  const v = fullVerdict();
  const bad = fullVerdict();
  bad.record.filters = [{ source: 'x', action: 'y', symbols: { big: { score: 1n as unknown as number } } }];
  assert.throws(() => verdictJsonLine(bad), TypeError);
  assert.deepEqual(JSON.parse(verdictJsonLine(v)), reference(v));
});

test('a value of the wrong type still comes out as JSON.stringify writes it', () => {
  const broken = (x: unknown) => x as never;
  const v = sampleVerdict(
    'spoof',
    {},
    sampleRecord({
      host: broken(42),
      queueIds: broken(['a', undefined, 7]),
      local: broken('yes'),
      envelope: {
        from: 'a@b.example',
        recipients: broken(['c@d.example', 5]),
        size: broken('12'),
        nrcpt: broken(null),
      },
      session: {
        clientIp: '192.0.2.1',
        clientPort: broken({ p: 1 }),
        helo: broken(true),
        tlsCipher: broken(7),
      },
    }),
  );
  const line = verdictJsonLine(v);
  assert.deepEqual(JSON.parse(line), reference(v));
});

test('the direct JSONL writer with absent optional fields and empty arrays', () => {
  const r = sampleRecord({
    queueId: undefined,
    messageId: undefined,
    firstSeen: null,
    lastSeen: null,
    session: {},
    envelope: { recipients: [] },
    headers: {},
    auth: { spf: [], dkim: [] },
    recipients: [],
    actions: [],
    producers: [],
    evidence: [],
    lines: [],
  });
  for (const level of ['clean', 'unknown', 'spoof'] as const) {
    const v = sampleVerdict(level, {}, r);
    assert.deepEqual(JSON.parse(verdictJsonLine(v)), reference(v));
    assert.deepEqual(JSON.parse(verdictJsonLine(v, { includeLines: true })), reference(v, true));
  }
});

test('the direct JSONL writer agrees with the reference for any strings a log can hold', () => {
  const anyString = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ maxLength: 40 }),
    fc
      .array(
        fc.constantFrom(
          '"',
          '\\',
          '\n',
          '\r',
          '\u0085',
          '\u2028',
          '\u2029',
          '\ud800',
          '\udc00',
          'é',
          'a',
          ':',
          '\x7f',
        ),
        {
          maxLength: 12,
        },
      )
      .map((a) => a.join('')),
  );
  fc.assert(
    fc.property(fc.array(anyString, { minLength: 70, maxLength: 70 }), (strs) => {
      const v = fullVerdict((i) => strs[i]!);
      const line = verdictJsonLine(v, { includeLines: true });
      assert.equal(line.indexOf('\n'), line.length - 1, 'one line');
      assert.doesNotMatch(line.slice(0, -1), /[\r\u2028\u2029\u0085]/);
      assert.deepEqual(JSON.parse(line), reference(v, true));
    }),
    { numRuns: RUNS },
  );
});

test('JsonWriter writes a string as JSON.stringify does, with the line separators, C1, bidi and invisible characters escaped', () => {
  const w = new JsonWriter();
  const expected = (s: string) =>
    JSON.stringify(s).replace(JSON_ESCAPED, (c) =>
      Array.from({ length: c.length }, (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join(
        '',
      ),
    );
  fc.assert(
    fc.property(
      fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 30 })),
      (s) => {
        w.string(s);
        assert.equal(w.take(), expected(s));
        w.open('{');
        w.key('"a":');
        w.json(expected(s));
        w.key('"b":');
        w.string(s);
        w.close('}');
        assert.deepEqual(JSON.parse(w.take()), { a: s, b: s });
      },
    ),
    { numRuns: RUNS },
  );
  for (const s of [
    '\u2028',
    '\u0085\u2029',
    '\ud800x\udfff',
    '\ud83d\ude00',
    '\x00\x1f\x7f\b\t\n\f\r"\\',
    'é€😀',
  ]) {
    w.string(s);
    assert.equal(w.take(), expected(s));
  }
  for (const n of [
    0,
    -0,
    7,
    9,
    10,
    99999999,
    1e8,
    100000001,
    1767225600123,
    Number.MAX_SAFE_INTEGER,
    2 ** 53,
    -1,
    1.5,
    -2.5e-7,
    1e21,
    NaN,
    Infinity,
    -Infinity,
  ]) {
    w.number(n);
    assert.equal(w.take(), JSON.stringify(n), String(n));
  }
  fc.assert(
    fc.property(fc.oneof(fc.nat(), fc.maxSafeNat(), fc.double()), (n) => {
      w.number(n);
      assert.equal(w.take(), JSON.stringify(n));
    }),
    { numRuns: RUNS },
  );
  const big = 'x'.repeat(300_000) + '\u00e9'.repeat(300_000);
  w.string(big);
  assert.equal(w.take(), JSON.stringify(big), 'grows past its start size and back');
});

test('isoTime (the date cached per day) matches Date#toISOString', () => {
  const at = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : undefined);
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.integer({ min: T0 - 5000, max: T0 + 5000 }),
          fc.integer({ min: -8.64e15, max: 8.64e15 }),
          fc.double({ min: -1e13, max: 1e13, noNaN: true }),
        ),
        { maxLength: 20 },
      ),
      (times) => {
        for (const ms of times) assert.equal(isoTime(ms), at(ms), String(ms));
      },
    ),
    { numRuns: RUNS },
  );
  assert.equal(isoTime(null), undefined);
  assert.equal(isoTime(NaN), undefined);
  assert.equal(isoTime(8.64e15 + 1), undefined);
  assert.equal(isoTime(-1), '1969-12-31T23:59:59.999Z');
  assert.equal(isoTime(-1000), '1969-12-31T23:59:59.000Z');
  assert.equal(isoTime(253_402_300_799_999), '9999-12-31T23:59:59.999Z');
  assert.equal(isoTime(253_402_300_800_000), '+010000-01-01T00:00:00.000Z');
  assert.equal(isoTime(0), '1970-01-01T00:00:00.000Z');
});

test('times and domains written straight to bytes match isoTime and domainOf', () => {
  const w = writer;
  const asJson = (s: string | undefined): string => (s === undefined ? '' : JSON.stringify(s));
  const written = (write: () => void): string => {
    w.reset();
    w.open('{');
    write();
    const doc = w.take();
    return doc === '{' ? '' : doc.slice(doc.indexOf(':') + 1);
  };
  fc.assert(
    fc.property(
      fc.oneof(
        fc.integer({ min: T0 - 5000, max: T0 + 5000 }),
        fc.integer({ min: -8.64e15, max: 8.64e15 }),
        fc.double({ min: -1e13, max: 1e13 }),
      ),
      (ms) => {
        assert.equal(
          written(() => time('"t":', ms)),
          asJson(isoTime(ms)),
          String(ms),
        );
      },
    ),
    { numRuns: RUNS },
  );
  for (const ms of [0, 999, 86_399_999, 253_402_300_799_999, 253_402_300_800_000, -1, null, undefined])
    assert.equal(
      written(() => time('"t":', ms)),
      asJson(isoTime(ms)),
      String(ms),
    );
  const address = textBiasedTo(
    ['@', 'A', 'z', 'Z', '.', '"', '\\', '\n', 'İ', 'ß', 'É', '\u2028', '\ud800'],
    30,
    12,
  );
  fc.assert(
    fc.property(address, (a) => {
      const expected = domainOf(a);
      assert.equal(
        written(() => domain('"d":', a)),
        expected === undefined ? '' : jsonLine(expected).slice(0, -1),
      );
    }),
    { numRuns: RUNS },
  );
  assert.equal(
    written(() => domain('"d":', 'X@Mail.EXAMPLE')),
    '"mail.example"',
  );
  assert.equal(
    written(() => domain('"d":', 'x@İ.example')),
    JSON.stringify('i̇.example'),
  );
  assert.equal(
    written(() => domain('"d":', undefined)),
    '',
  );
  assert.equal(
    written(() => domain('"d":', 'x@')),
    '',
  );
});

test('verdictJsonBytes is verdictJsonLine as UTF-8 bytes, for any strings a log can hold', () => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { minLength: 70, maxLength: 70 }),
      (strs) => {
        const v = fullVerdict((i) => strs[i]!);
        const line = verdictJsonLine(v);
        assert.deepEqual(Buffer.from(verdictJsonBytes(v)), Buffer.from(line, 'utf8'));
      },
    ),
    { numRuns: RUNS },
  );
});

test('a sink that takes bytes gets the same text as one that takes strings', () => {
  const v = fullVerdict();
  const bytes: Buffer[] = [];
  const byteSink = {
    write: (s: string) => bytes.push(Buffer.from(s, 'utf8')),
    writeBytes: (b: Uint8Array) => bytes.push(Buffer.from(b)),
  };
  const strings = new StringSink();
  for (const out of [byteSink, strings]) {
    const f = createFormatter('jsonl', out, { color: false, minVerdict: 'clean' });
    f.write(v);
    f.write(sampleVerdict('clean'));
  }
  assert.equal(Buffer.concat(bytes).toString('utf8'), strings.text);
});
