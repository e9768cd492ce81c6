import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFormatter, type ScanSummary } from './index.js';
import { fit, W_REASON_MAX } from './table.js';
import { sampleFinding, sampleRecord, sampleVerdict, StringSink } from './test-support.js';

// eslint-disable-next-line no-control-regex -- the test looks for raw controls
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

function summary(over: Partial<ScanSummary> = {}): ScanSummary {
  return {
    files: ['/var/log/mail.log'],
    lines: 1000,
    recognised: 982,
    unrecognised: 18,
    records: 4,
    byVerdict: { spoof: 2, suspicious: 1, unknown: 0, clean: 1 },
    correlator: { events: 1000, records: 4, openRecords: 0, agedOut: 3, evicted: 1, orphanEvents: 7 },
    notes: ['no protected domains configured: guessed example.com from recipients'],
    ...over,
  };
}

test('table shows verdicts at or above minVerdict, with time, host, queue id, flow, client, reason', () => {
  const sink = new StringSink();
  const f = createFormatter('table', sink, { color: false, minVerdict: 'unknown' });
  f.write(sampleVerdict('spoof'));
  f.write(sampleVerdict('clean', {}, sampleRecord({ queueId: 'CLEAN00001', queueIds: ['CLEAN00001'] })));
  f.end(summary());
  const text = sink.text;
  const rows = text.split('\n');
  assert.match(rows[0]!, /^TIME\s+HOST\s+QUEUE ID\s+VERDICT\s+STATUS\s+FROM → RCPT\s+CLIENT\s+REASON$/);
  const row = rows[1]!;
  assert.ok(row.startsWith('2026-11-27 10:00:01Z'));
  assert.ok(row.includes('mx1.example.com'));
  assert.ok(row.includes('4F2A1C0B7D'));
  assert.match(row, / spoof +delivered +ceo@/);
  assert.ok(row.includes('ceo@example.com → bob@example.com'));
  assert.ok(row.includes('mail.example.net[192.0.2.10]'));
  assert.ok(row.includes('DMARC fail for example.com'));
  assert.ok(!text.includes('CLEAN00001'), 'clean is below minVerdict unknown');
  assert.ok(!text.includes('\x1b['), 'no colour when color is false');
});

test('table summary: lines, recognised %, counts per verdict, blocked vs delivered spoofs, correlator, notes', () => {
  const sink = new StringSink();
  const f = createFormatter('table', sink, { color: false, minVerdict: 'suspicious' });
  f.write(sampleVerdict('spoof'));
  f.write(
    sampleVerdict(
      'spoof',
      {},
      sampleRecord({
        queueId: undefined,
        queueIds: [],
        id: 'mx1.example.com/NOQUEUE/1',
        disposition: 'rejected',
        recipients: [],
        actions: [{ action: 'rejected', stage: 'rcpt', time: null }],
      }),
    ),
  );
  f.end(summary());
  const text = sink.text;
  assert.match(text, /1,000 lines read, 98\.2% recognised \(18 unrecognised\)/);
  assert.match(text, /messages\s+4: spoof 2, suspicious 1, unknown 0, clean 1 \(2 shown\)/);
  assert.match(text, /spoofs\s+1 blocked, 1 delivered/);
  assert.match(text, /3 aged out, 1 evicted/);
  assert.match(text, /note\s+no protected domains configured/);
  assert.ok(text.includes('NOQUEUE'));
});

test('table escapes terminal control sequences from the log in every column', () => {
  const evil = sampleRecord({
    host: 'mx1\x1b]0;owned\x07',
    queueId: 'AB\rCD',
    headers: { from: [{ value: 'x <ceo@example.com\u202egnp.exe>', truncated: false }] },
    session: { clientIp: '192.0.2.66', clientHost: 'evil\x1b[2J.example.net' },
  });
  const v = sampleVerdict(
    'spoof',
    {
      findings: [
        sampleFinding({
          summary: 'From \x1b[32mlooks fine\x1b[0m\nfake row',
          guard: { name: 'list', reason: 'List-Id\x07' },
        }),
      ],
    },
    evil,
  );
  const sink = new StringSink();
  const f = createFormatter('table', sink, { color: true, minVerdict: 'unknown' });
  f.write(v);
  f.end(summary());
  const row = sink.text.split('\n')[1]!;
  // The only escape sequences are our own colour codes around the verdict.
  // eslint-disable-next-line no-control-regex -- stripping our own colour codes
  const stripped = row.replace(/\x1b\[[0-9;]*m/g, '');
  assert.doesNotMatch(stripped, RAW_CONTROL);
  assert.ok(row.includes('\x1b[1;31m'), 'spoof is coloured when color is on');
  assert.ok(row.includes('\\x1b[2J'));
  assert.ok(row.includes('lowered by list'));
  assert.equal(sink.text.split('\n').filter((l) => l.includes('fake row')).length, 1);
  assert.ok(!sink.text.split('\n').some((l) => l.startsWith('fake row')));
});

test('table says so when nothing reaches the minimum verdict', () => {
  const sink = new StringSink();
  const f = createFormatter('table', sink, { color: false, minVerdict: 'spoof' });
  f.write(sampleVerdict('unknown'));
  f.end(summary({ byVerdict: { spoof: 0, suspicious: 0, unknown: 1, clean: 0 } }));
  assert.match(sink.text, /No message at or above "spoof"/);
  assert.ok(!/spoofs\s+\d/.test(sink.text), 'no spoof outcome line without spoofs');
});

test('table shows the missing telemetry as the reason for unknown', () => {
  const sink = new StringSink();
  const f = createFormatter('table', sink, { color: false, minVerdict: 'unknown' });
  f.write(sampleVerdict('unknown'));
  f.end(summary());
  assert.match(sink.text, /logs lack: header\.from, auth\.dmarc/);
});

test('fit cuts with an ellipsis, pads, and never splits a surrogate pair', () => {
  assert.equal(fit('abc', 5), 'abc  ');
  assert.equal(fit('abcdefgh', 5), 'abcd…');
  const cut = fit('abc😀def', 5);
  assert.doesNotMatch(cut, /[\ud800-\udbff](?![\udc00-\udfff])/u);
  assert.equal(cut, 'abc… ');
});

test('table: C1 controls, bidi and zero-width characters are visible escapes; long values keep the columns', () => {
  // U+009B is CSI and U+009D OSC for a terminal that takes 8-bit controls; the others reorder
  // or hide text. The envelope sender is 6000 characters long.
  const hostile = '\u009b2J\u009d0;t\u009c\u0090q\u202egpj.exe\u2066\u200b\u2060\ufeff\u00ad';
  const longFrom = `${'a'.repeat(6000)}@evil.example`;
  const v = sampleVerdict(
    'spoof',
    { findings: [sampleFinding({ summary: `From ${hostile}` })] },
    sampleRecord({
      host: `mx${hostile}`,
      queueId: `Q${hostile}`,
      disposition: hostile,
      headers: {},
      envelope: { from: longFrom, recipients: ['bob@example.com'] },
      session: { clientIp: '192.0.2.66', clientHost: `h${hostile}` },
    }),
  );
  const sink = new StringSink();
  createFormatter('table', sink, { color: false, minVerdict: 'clean' }).write(v);
  const [header, row] = sink.text.split('\n');
  assert.doesNotMatch(row!, /[\p{Cc}\p{Cf}]/u);
  assert.ok(
    row!.includes('From \\x9b2J\\x9d0;t\\x9c\\x90q\\u{202e}gpj.exe\\u{2066}\\u{200b}\\u{2060}\\u{feff}\\xad'),
  );
  // Every column before REASON starts where the header says, however long the From was.
  const reasonAt = header!.indexOf('REASON');
  assert.equal(row!.indexOf(' From \\x9b'), reasonAt - 1);
  assert.ok(row!.includes('a'.repeat(40)) && !row!.includes('a'.repeat(48)));
});

test('table: a reason quoting a long hostile header is cut with an ellipsis, the row stays one line', () => {
  const v = sampleVerdict('spoof', {
    findings: [sampleFinding({ summary: `Display name impersonates ${'\u202e'.repeat(1000)}` })],
  });
  const sink = new StringSink();
  createFormatter('table', sink, { color: false, minVerdict: 'clean' }).write(v);
  const [header, row] = sink.text.split('\n');
  const reason = row!.slice(header!.indexOf('REASON'));
  assert.equal(reason.length, W_REASON_MAX);
  assert.ok(reason.startsWith('Display name impersonates \\u{202e}'));
  assert.ok(reason.endsWith('…'));
});
