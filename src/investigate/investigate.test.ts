import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { runPipeline } from '../pipeline.js';
import { createDetector } from '../detect/index.js';
import { defaultConfig } from '../detect/config.js';
import type { MessageRecord } from '../correlate/record.js';
import { SpoofwatchError } from '../errors.js';
import { renderInvestigate, runInvestigate, TimelineBuilder } from './index.js';
import { parseQuery } from './match.js';
import { postfixMessage, BASE_TIME } from '../coverage/test-support.js';
import type { Verdict } from '../detect/verdict.js';

const Q = '4F2A1C0B7D';
const OTHER = '7D3E9A1B22';
// One inbound message whose From claims example.com, interleaved with an unrelated one.
const LINES = [
  'Nov 27 10:00:00 mx1 postfix/smtpd[2001]: connect from mail.example.net[198.51.100.20]',
  'Nov 27 10:00:00 mx1 postfix/smtpd[2101]: connect from relay.example.org[203.0.113.9]',
  'Nov 27 10:00:01 mx1 policyd-spf[2003]: prepend Received-SPF: Pass (mailfrom) identity=mailfrom; client-ip=198.51.100.20; helo=mail.example.net; envelope-from=sender@example.net; receiver=<UNKNOWN>',
  `Nov 27 10:00:01 mx1 postfix/smtpd[2001]: ${Q}: client=mail.example.net[198.51.100.20]`,
  `Nov 27 10:00:01 mx1 postfix/smtpd[2101]: ${OTHER}: client=relay.example.org[203.0.113.9]`,
  `Nov 27 10:00:01 mx1 postfix/cleanup[2002]: ${Q}: message-id=<20261127.abc@example.net>`,
  `Nov 27 10:00:01 mx1 postfix/cleanup[2002]: ${Q}: warning: header From: "CEO" <ceo@example.com> from mail.example.net[198.51.100.20]; from=<sender@example.net> to=<bob@example.com> proto=ESMTP helo=<mail.example.net>`,
  `Nov 27 10:00:01 mx1 postfix/cleanup[2002]: ${Q}: warning: header Subject: \`\`\`\x1b[2J pay now\`\`\`\` from mail.example.net[198.51.100.20]; from=<sender@example.net> to=<bob@example.com> proto=ESMTP helo=<mail.example.net>`,
  // A program no parser knows, naming the queue id: only the second look finds it.
  `Nov 27 10:00:01 mx1 headerlog[161]: ${Q}: header name="X-Mailer", value="Example Mailer 1.0"`,
  `Nov 27 10:00:01 mx1 postfix/cleanup[2002]: ${OTHER}: message-id=<x1@example.org>`,
  `Nov 27 10:00:02 mx1 opendkim[2004]: ${Q}: mail.example.net [198.51.100.20] not internal`,
  `Nov 27 10:00:02 mx1 opendmarc[2005]: ${Q}: example.com fail`,
  `Nov 27 10:00:02 mx1 postfix/qmgr[2006]: ${Q}: from=<sender@example.net>, size=1843, nrcpt=1 (queue active)`,
  `Nov 27 10:00:02 mx1 postfix/qmgr[2006]: ${OTHER}: from=<list@example.org>, size=900, nrcpt=1 (queue active)`,
  'Nov 27 10:00:02 mx1 postfix/smtpd[2001]: disconnect from mail.example.net[198.51.100.20] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5',
  `Nov 27 10:00:03 mx1 postfix/local[2007]: ${Q}: to=<bob@example.com>, relay=local, delay=0.4, delays=0.1/0/0/0.3, dsn=2.0.0, status=sent (delivered to mailbox)`,
  `Nov 27 10:00:03 mx1 postfix/local[2008]: ${OTHER}: to=<carol@example.com>, relay=local, delay=0.2, delays=0.1/0/0/0.1, dsn=2.0.0, status=sent (delivered to mailbox)`,
  `Nov 27 10:00:03 mx1 postfix/qmgr[2006]: ${Q}: removed`,
  `Nov 27 10:00:03 mx1 postfix/qmgr[2006]: ${OTHER}: removed`,
];
const OURS = LINES.map((l, i) => ({ l, n: i + 1 })).filter(
  ({ l }) => !l.includes(OTHER) && !l.includes('[2101]'),
);

function sha(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

function withLog<T>(fn: (path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'spoofwatch-inv-'));
  const path = join(dir, 'mail.log');
  writeFileSync(path, LINES.join('\n') + '\n');
  return fn(path).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('investigate by queue id: every line of the message in order, hashed as read, verdict equal to scan', () =>
  withLog(async (path) => {
    const config = defaultConfig();
    const report = await runInvestigate(Q, [path], { config });
    assert.equal(report.messages.length, 1);
    const m = report.messages[0]!;
    assert.equal(m.id, `mx1/${Q}`);
    assert.equal(m.matchedBy, 'queue-id');

    // All of its lines (session, SPF check, MTA, milters, delivery), none of the other message's.
    assert.deepEqual(
      report.timeline.map((l) => l.line),
      OURS.map((o) => o.n),
    );
    for (const l of report.timeline) {
      const original = LINES[l.line - 1]!;
      assert.equal(l.raw, original);
      assert.equal(l.sha256, sha(original), `hash of line ${l.line}`);
      assert.equal(l.exact, true);
      assert.equal(l.file, path);
    }
    assert.ok(
      report.timeline.some((l) => !l.attached),
      'the second look adds lines the correlator left out',
    );

    // Same verdict as scan: the same detector fed every record in input order.
    const detector = createDetector(config);
    const verdicts: Verdict[] = [];
    await runPipeline([path], { onRecord: (r: MessageRecord) => verdicts.push(detector.detect(r)) });
    const scanned = verdicts.find((v) => v.record.queueIds.includes(Q))!;
    assert.equal(m.verdict.verdict, scanned.verdict);
    assert.equal(m.verdict.score, scanned.score);
    assert.deepEqual(m.verdict.findings, scanned.findings);
    assert.deepEqual(m.verdict.missing, scanned.missing);

    // Identities side by side.
    const names = m.identities.map((i) => `${i.name}=${i.value}`);
    assert.ok(names.includes('header From="CEO" <ceo@example.com>'));
    assert.ok(names.includes('envelope from (MAIL FROM)=sender@example.net'));
    assert.ok(names.includes('HELO=mail.example.net'));
    assert.ok(names.includes('reverse DNS=mail.example.net'));
    assert.ok(names.some((n) => n.startsWith('client IP=198.51.100.20')));
    assert.ok(names.some((n) => n.startsWith('Message-ID=')));
    const env = m.identities.find((i) => i.name === 'envelope from (MAIL FROM)')!;
    assert.equal(env.org, 'example.net');
    assert.equal(env.sameOrgAsFrom, false, 'envelope org differs from the header From org');
    assert.equal(m.identities.find((i) => i.name === 'header From')!.org, 'example.com');
  }));

test('investigate by Message-ID with and without angle brackets finds the same message', () =>
  withLog(async (path) => {
    const config = defaultConfig();
    const a = await runInvestigate('<20261127.abc@example.net>', [path], { config });
    const b = await runInvestigate('20261127.abc@example.net', [path], { config });
    assert.equal(a.messages[0]!.id, `mx1/${Q}`);
    assert.equal(a.messages[0]!.matchedBy, 'message-id');
    assert.deepEqual(
      a.timeline.map((l) => l.line),
      b.timeline.map((l) => l.line),
    );
  }));

test('investigate from standard input: the same lines (read twice through a private copy), cited as "-"', async () => {
  const report = await runInvestigate(Q, ['-'], {
    config: defaultConfig(),
    read: { stdin: Readable.from([Buffer.from(LINES.join('\n') + '\n')]) },
  });
  assert.deepEqual(
    report.timeline.map((l) => l.line),
    OURS.map((o) => o.n),
  );
  assert.ok(report.timeline.every((l) => l.file === '-'));
  assert.deepEqual(report.files, ['-']);
  for (const l of report.timeline) assert.equal(l.sha256, sha(LINES[l.line - 1]!));
});

test('investigate by Message-ID follows the message across hosts, in time order across files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spoofwatch-inv-'));
  try {
    const edge = join(dir, 'edge.log');
    const inner = join(dir, 'inner.log');
    writeFileSync(
      edge,
      [
        'Nov 27 11:00:00 edge postfix/smtpd[300]: 1A2B3C4D5E: client=mail.example.net[198.51.100.20]',
        'Nov 27 11:00:00 edge postfix/cleanup[301]: 1A2B3C4D5E: message-id=<hop-1@example.net>',
        'Nov 27 11:00:00 edge postfix/qmgr[302]: 1A2B3C4D5E: from=<sender@example.net>, size=900, nrcpt=1 (queue active)',
        'Nov 27 11:00:02 edge postfix/smtp[303]: 1A2B3C4D5E: to=<bob@example.com>, relay=inner.example.com[192.0.2.25]:25, delay=2, delays=0.1/0/1/0.9, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9F8E7D6C5B)',
        'Nov 27 11:00:02 edge postfix/qmgr[302]: 1A2B3C4D5E: removed',
      ].join('\n') + '\n',
    );
    writeFileSync(
      inner,
      [
        'Nov 27 11:00:01 inner postfix/smtpd[400]: 9F8E7D6C5B: client=edge.example.com[192.0.2.24]',
        'Nov 27 11:00:01 inner postfix/cleanup[401]: 9F8E7D6C5B: message-id=<hop-1@example.net>',
        'Nov 27 11:00:02 inner postfix/qmgr[402]: 9F8E7D6C5B: from=<sender@example.net>, size=1200, nrcpt=1 (queue active)',
        'Nov 27 11:00:03 inner postfix/local[403]: 9F8E7D6C5B: to=<bob@example.com>, relay=local, delay=2, delays=1/0/0/1, dsn=2.0.0, status=sent (delivered to mailbox)',
        'Nov 27 11:00:03 inner postfix/qmgr[402]: 9F8E7D6C5B: removed',
      ].join('\n') + '\n',
    );
    const report = await runInvestigate('hop-1@example.net', [edge, inner], { config: defaultConfig() });
    assert.deepEqual(report.messages.map((m) => m.host).sort(), ['edge', 'inner']);
    assert.equal(report.timeline.length, 10);
    const hosts = report.timeline.map((l) => l.host);
    assert.deepEqual(hosts.slice(0, 3), ['edge', 'edge', 'edge'], 'edge received first');
    assert.ok(hosts.indexOf('inner') < hosts.lastIndexOf('edge'), 'the hops interleave in time');
    const times = report.timeline.map((l) => l.time!);
    assert.deepEqual([...times].sort(), times);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('investigate: NOT_FOUND when nothing matches', () =>
  withLog(async (path) => {
    await assert.rejects(
      runInvestigate('ABCDEF0123', [path], { config: defaultConfig() }),
      (err: unknown) => err instanceof SpoofwatchError && err.code === 'NOT_FOUND' && err.exitCode === 2,
    );
  }));

test('investigate markdown: values escaped, raw lines fenced so ``` cannot break out, evidence hashes listed', () =>
  withLog(async (path) => {
    const report = await runInvestigate(Q, [path], { config: defaultConfig() });
    const md = renderInvestigate(report, 'md');
    assert.ok(!md.includes('\x1b'), 'no raw ESC in markdown');
    const fenceLine = md.split('\n').find((l) => /^`{3,}text$/.test(l))!;
    const fence = fenceLine.slice(0, -4);
    assert.ok(fence.length >= 5, 'fence longer than the ```` inside the Subject line');
    const start = md.indexOf(fenceLine);
    const end = md.indexOf(`\n${fence}\n`, start + fenceLine.length);
    const block = md.slice(start + fenceLine.length + 1, end);
    assert.equal(block.split('\n').length, report.timeline.length);
    assert.ok(block.includes('\\x1b[2J'));
    for (const l of report.timeline) assert.ok(md.includes(`| ${l.line} | ${l.sha256} |`));
    assert.match(md, /### Verdict: \*\*(SPOOF|SUSPICIOUS|UNKNOWN|CLEAN)\*\*/);
    assert.ok(md.includes('| header From | "CEO" `<ceo@example.com>` | example.com | example.com |  |'));
    assert.ok(
      md.includes(
        '| envelope from \\(MAIL FROM\\) | `sender@example.net` | example.net | example.net | **no** |',
      ),
    );

    const json = JSON.parse(renderInvestigate(report, 'json')) as { timeline: { raw: string }[] };
    assert.equal(json.timeline.find((l) => l.raw.includes('Subject'))!.raw, LINES[7]);
  }));

test('TimelineBuilder on hand-built events: attached lines, second-look lines, time order', () => {
  const built = postfixMessage({ queueId: 'AB12CD34EF', time: BASE_TIME, headerFrom: 'a@example.net' });
  const record = {
    ...built.record,
    evidence: built.record.evidence.slice(0, 3),
    lines: built.record.lines.slice(0, 3),
  };
  const v: Verdict = { record, verdict: 'unknown', score: 0, findings: [], missing: ['auth.dkim'] };
  const b = new TimelineBuilder([v], parseQuery('AB12CD34EF'));
  for (const e of [...built.events].reverse()) b.onEvent(e);
  const tl = b.timeline();
  assert.equal(tl.length, built.events.length);
  assert.equal(tl.filter((l) => l.attached).length, 3);
  for (let i = 1; i < tl.length; i++) assert.ok((tl[i - 1]!.time ?? '') <= (tl[i]!.time ?? ''));
  for (const l of tl) assert.equal(l.sha256, sha(l.raw));
});
