/** Property tests: any string a log can hold stays inert in every sink. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { csvSafe, markdownCodeBlock, markdownSafe, terminalSafe } from './safe-text.js';
import { createFormatter } from './index.js';
import {
  readMarkdownInline,
  sampleRecord,
  sampleVerdict,
  sampleFinding,
  StringSink,
  textBiasedTo,
} from './test-support.js';

/** Controls, format characters (bidi, zero-width, tags), separators, and what is drawn as nothing. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** Strings biased toward the characters that matter. */
const hostile = textBiasedTo(
  [
    '\x1b',
    '[',
    '2J',
    '\x07',
    '\r',
    '\n',
    '\u202e',
    '\u2066',
    '\u200b',
    '\u{e0041}',
    '\u3164',
    '`',
    '|',
    '<',
    '>',
    '=',
    '+',
    '-',
    '@',
    '"',
    'a',
    ' ',
    '\\',
    '://',
    'http',
    'www.',
    'WwW.',
    '.',
    '1',
    '#',
    '\x00',
    '&lt;',
  ],
  80,
  40,
);

test('terminalSafe never lets a control, bidi or invisible character through', () => {
  fc.assert(
    fc.property(hostile, (s) => {
      assert.doesNotMatch(terminalSafe(s), UNSAFE);
    }),
    { numRuns: RUNS },
  );
});

test('markdownSafe output is one line that shows the value and leaves GFM nothing to act on', () => {
  fc.assert(
    fc.property(hostile, (s) => {
      const out = markdownSafe(s);
      assert.doesNotMatch(out, UNSAFE);
      const r = readMarkdownInline(out);
      assert.equal(r.strayBackticks, 0);
      assert.equal(r.shown, terminalSafe(s), 'a renderer shows the (terminal-safe) value');
      // Outside escapes, entities and code spans: no tag, table bar, link, emphasis, autolink.
      assert.doesNotMatch(r.bare, /[<>|`[\]()*_~!#\\&@]|:\/\/|www\./i);
      for (const c of r.code) assert.ok(!c.includes('|'));
      assert.doesNotMatch(r.bare, /^(\d{1,9}[.)]|[-+])( |$)/, 'no list marker at the start');
    }),
    { numRuns: RUNS },
  );
});

test('csvSafe output is one quoted field that reads back to the (neutralised) value', () => {
  fc.assert(
    fc.property(hostile, (s) => {
      const out = csvSafe(s);
      assert.ok(out.startsWith('"') && out.endsWith('"'));
      const inner = out.slice(1, -1);
      assert.doesNotMatch(inner.replaceAll('""', ''), /"/);
      assert.doesNotMatch(inner, UNSAFE);
      const back = inner.replaceAll('""', '"');
      const safe = terminalSafe(s);
      assert.ok(back === safe || back === `'${safe}`);
      assert.ok(!/^ *[=+\-@\uff1d\uff0b\uff0d\uff20]/.test(back));
    }),
    { numRuns: RUNS },
  );
});

test('markdownCodeBlock cannot be closed early by its content', () => {
  fc.assert(
    fc.property(fc.array(hostile, { maxLength: 6 }), (lines) => {
      const block = markdownCodeBlock(lines);
      const rows = block.split('\n');
      const fence = rows[0]!.slice(0, rows[0]!.indexOf('text'));
      assert.equal(rows.length, lines.length + 3);
      for (const r of rows.slice(1, -2)) assert.ok(!r.trimStart().startsWith(fence));
    }),
    { numRuns: RUNS },
  );
});

test('every format writes one valid line per document and the table stays inert, for any record strings', () => {
  fc.assert(
    fc.property(hostile, hostile, hostile, (a, b, c) => {
      const v = sampleVerdict(
        'spoof',
        { findings: [sampleFinding({ summary: a, guard: { name: b, reason: c } })] },
        sampleRecord({
          host: a,
          queueId: b,
          headers: { from: [{ value: c, truncated: false }], subject: [{ value: a, truncated: true }] },
          envelope: { from: b, recipients: [c] },
          session: { clientIp: a, clientHost: b, helo: c },
        }),
      );
      for (const fmt of ['jsonl', 'ecs', 'ocsf'] as const) {
        const sink = new StringSink();
        createFormatter(fmt, sink, { color: false, minVerdict: 'clean', now: () => 0 }).write(v);
        const docs = sink.text.slice(0, -1).split('\n');
        assert.equal(docs.length, fmt === 'ocsf' ? 2 : 1);
        for (const d of docs) JSON.parse(d);
        assert.doesNotMatch(sink.text.slice(0, -1), /[\r\u2028\u2029\u0085]/);
        assert.ok(sink.text.endsWith('\n'));
      }
      const sink = new StringSink();
      createFormatter('table', sink, { color: false, minVerdict: 'clean' }).write(v);
      const rows = sink.text.split('\n');
      assert.equal(rows.length, 3, 'header, one row, trailing newline');
      assert.doesNotMatch(rows[1]!, UNSAFE);
    }),
    { numRuns: RUNS },
  );
});
