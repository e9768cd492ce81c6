/**
 * `investigate` follows a message across hosts whose logs are in the same input: mx1 relays
 * to mx2 (`status=sent (250 2.0.0 Ok: queued as X)`, X mx2's queue id), mx2 to mx3 whose
 * side alone is logged (same Message-ID, another host). A queue id of any hop finds them
 * all; a second message reusing the Message-ID on a host already in the story does not.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderInvestigate, runInvestigate } from '../../src/investigate/index.js';
import { queuedAsOf } from '../../src/investigate/hops.js';
import { runPipeline } from '../../src/pipeline.js';
import { createDetector } from '../../src/detect/index.js';
import { defaultConfig } from '../../src/detect/config.js';
import type { MessageRecord } from '../../src/correlate/record.js';
import type { Verdict } from '../../src/detect/verdict.js';

const MID = '20261120090000.77@example.net';
const LINES = [
  'Nov 20 09:00:00 mx1 postfix/smtpd[4101]: connect from mail.example.net[192.0.2.10]',
  'Nov 20 09:00:00 mx1 postfix/smtpd[4101]: 1A2B3C4D5E: client=mail.example.net[192.0.2.10]',
  `Nov 20 09:00:00 mx1 postfix/cleanup[4102]: 1A2B3C4D5E: message-id=<${MID}>`,
  'Nov 20 09:00:00 mx1 postfix/qmgr[700]: 1A2B3C4D5E: from=<news@example.net>, size=2100, nrcpt=1 (queue active)',
  'Nov 20 09:00:00 mx1 postfix/smtpd[4101]: disconnect from mail.example.net[192.0.2.10] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5',
  'Nov 20 09:00:01 mx2 postfix/smtpd[5201]: connect from mx1.example.com[198.51.100.5]',
  'Nov 20 09:00:01 mx2 postfix/smtpd[5201]: 9F8E7D6C5B: client=mx1.example.com[198.51.100.5]',
  `Nov 20 09:00:01 mx2 postfix/cleanup[5202]: 9F8E7D6C5B: message-id=<${MID}>`,
  'Nov 20 09:00:01 mx2 postfix/qmgr[800]: 9F8E7D6C5B: from=<news@example.net>, size=2300, nrcpt=1 (queue active)',
  'Nov 20 09:00:01 mx1 postfix/smtp[4103]: 1A2B3C4D5E: to=<bob@example.com>, relay=mx2.example.com[198.51.100.6]:25, delay=1.1, delays=0.1/0/0.5/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9F8E7D6C5B)',
  'Nov 20 09:00:01 mx1 postfix/qmgr[700]: 1A2B3C4D5E: removed',
  'Nov 20 09:00:01 mx2 postfix/smtpd[5201]: disconnect from mx1.example.com[198.51.100.5] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5',
  // mx2's delivery to mx3 is not in these logs; mx3's side is, with the same Message-ID.
  'Nov 20 09:00:02 mx2 postfix/qmgr[800]: 9F8E7D6C5B: removed',
  'Nov 20 09:00:03 mx3 postfix/smtpd[6301]: connect from mx2.example.com[198.51.100.6]',
  'Nov 20 09:00:03 mx3 postfix/smtpd[6301]: 0C1D2E3F4A: client=mx2.example.com[198.51.100.6]',
  `Nov 20 09:00:03 mx3 postfix/cleanup[6302]: 0C1D2E3F4A: message-id=<${MID}>`,
  'Nov 20 09:00:03 mx3 postfix/qmgr[900]: 0C1D2E3F4A: from=<news@example.net>, size=2500, nrcpt=1 (queue active)',
  'Nov 20 09:00:03 mx3 postfix/smtpd[6301]: disconnect from mx2.example.com[198.51.100.6] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5',
  'Nov 20 09:00:04 mx3 postfix/local[6303]: 0C1D2E3F4A: to=<bob@example.com>, relay=local, delay=0.3, delays=0.1/0/0/0.2, dsn=2.0.0, status=sent (delivered to mailbox)',
  'Nov 20 09:00:04 mx3 postfix/qmgr[900]: 0C1D2E3F4A: removed',
  // A later message on mx1 reusing the Message-ID (a resend): another message.
  'Nov 20 09:30:00 mx1 postfix/smtpd[4101]: connect from mail.example.net[192.0.2.10]',
  'Nov 20 09:30:00 mx1 postfix/smtpd[4101]: 5E6F7A8B9C: client=mail.example.net[192.0.2.10]',
  `Nov 20 09:30:00 mx1 postfix/cleanup[4102]: 5E6F7A8B9C: message-id=<${MID}>`,
  'Nov 20 09:30:00 mx1 postfix/qmgr[700]: 5E6F7A8B9C: from=<news@example.net>, size=2100, nrcpt=1 (queue active)',
  'Nov 20 09:30:00 mx1 postfix/smtpd[4101]: disconnect from mail.example.net[192.0.2.10] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5',
  'Nov 20 09:30:01 mx1 postfix/local[4105]: 5E6F7A8B9C: to=<carol@example.com>, relay=local, delay=0.3, delays=0.1/0/0/0.2, dsn=2.0.0, status=sent (delivered to mailbox)',
  'Nov 20 09:30:01 mx1 postfix/qmgr[700]: 5E6F7A8B9C: removed',
];
const HOPS = ['mx1/1A2B3C4D5E', 'mx2/9F8E7D6C5B', 'mx3/0C1D2E3F4A'];
/** Lines 1-20 are the three hops; 21-27 the resend. */
const STORY = LINES.slice(0, 20);

const dir = mkdtempSync(join(tmpdir(), 'spoofwatch-hops-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const log = join(dir, 'mail.log');
writeFileSync(log, LINES.join('\n') + '\n');

async function scan(): Promise<Verdict[]> {
  const detector = createDetector(defaultConfig());
  const out: Verdict[] = [];
  await runPipeline([log], { onRecord: (r) => out.push(detector.detect(r)) });
  return out;
}

for (const q of ['1A2B3C4D5E', '9F8E7D6C5B', '0C1D2E3F4A']) {
  test(`queue id ${q}: the message on all three hosts, and not the resend`, async () => {
    const r = await runInvestigate(q, [log], { config: defaultConfig() });
    assert.deepEqual(r.messages.map((m) => m.id).sort(), HOPS);
    for (const m of r.messages) assert.equal(m.matchedBy, m.queueIds.includes(q) ? 'queue-id' : 'hop');
    assert.deepEqual(
      r.timeline.map((l) => l.raw),
      STORY,
      'every line of the three hops, in time order',
    );
    for (const l of r.timeline)
      assert.equal(
        l.sha256,
        createHash('sha256')
          .update(LINES[l.line - 1]!)
          .digest('hex'),
      );
    assert.ok(
      r.notes.some((n) => /^Followed to other hosts \(mx\d, mx\d\)/.test(n)),
      r.notes.join(' | '),
    );
    const verdicts = await scan();
    for (const m of r.messages) {
      const v = verdicts.find((x) => x.record.id === m.id)!;
      assert.deepEqual(
        [m.verdict.verdict, m.verdict.score, m.verdict.findings.map((f) => f.rule)],
        [v.verdict, v.score, v.findings.map((f) => f.rule)],
      );
    }
  });
}

test('the Markdown report says which records are hops', async () => {
  const md = renderInvestigate(await runInvestigate('1A2B3C4D5E', [log], { config: defaultConfig() }), 'md');
  assert.equal(md.match(/^- Matched by: hop \(the same message on another host/gm)?.length, 2);
  assert.equal(md.match(/^- Matched by: queue-id$/gm)?.length, 1);
});

test('by Message-ID: every record carrying it, the resend included', async () => {
  const r = await runInvestigate(`<${MID}>`, [log], { config: defaultConfig() });
  assert.deepEqual(r.messages.map((m) => m.id).sort(), [...HOPS, 'mx1/5E6F7A8B9C'].sort());
  assert.equal(r.timeline.length, LINES.length);
});

test('queuedAsOf reads the remote queue id from a relay reply, bounded', () => {
  const rec = (detail: string): MessageRecord =>
    ({ recipients: [{ to: 'bob@example.com', status: 'sent', detail }] }) as unknown as MessageRecord;
  assert.deepEqual(queuedAsOf(rec('250 2.0.0 Ok: queued as 9F8E7D6C5B')), ['9F8E7D6C5B']);
  assert.deepEqual(queuedAsOf(rec('250 OK id=1xX42m-00075c-1F')), []);
  assert.deepEqual(queuedAsOf(rec('250 Ok: queued as 4XyZ1r2Abc (long)')), ['4XyZ1r2Abc']);
  assert.deepEqual(queuedAsOf(rec(`queued as ${'A'.repeat(100_000)}`)), []);
  assert.deepEqual(queuedAsOf(rec('queued as ab')), []);
});
