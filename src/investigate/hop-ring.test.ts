/**
 * The hop ring end to end: a central syslog of two hosts, where the sending host's record
 * closes before the receiving one's. Investigating the receiver's queue id must still find
 * the sender's record (kept in the ring), though the ring is only kept once a second mail
 * host has been seen, and the two records share no Message-ID.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../detect/config.js';
import { runInvestigate } from './index.js';

const LINES = [
  'Nov 27 11:00:00 edge postfix/smtpd[300]: connect from mail.example.net[198.51.100.20]',
  'Nov 27 11:00:00 edge postfix/smtpd[300]: 1A2B3C4D5E: client=mail.example.net[198.51.100.20]',
  'Nov 27 11:00:00 edge postfix/cleanup[301]: 1A2B3C4D5E: message-id=<a-1@example.net>',
  'Nov 27 11:00:00 edge postfix/qmgr[302]: 1A2B3C4D5E: from=<sender@example.net>, size=900, nrcpt=1 (queue active)',
  'Nov 27 11:00:01 inner postfix/smtpd[400]: connect from edge.example.com[192.0.2.24]',
  'Nov 27 11:00:01 inner postfix/smtpd[400]: 9F8E7D6C5B: client=edge.example.com[192.0.2.24]',
  'Nov 27 11:00:01 inner postfix/cleanup[401]: 9F8E7D6C5B: message-id=<b-2@inner.example.com>',
  'Nov 27 11:00:02 edge postfix/smtp[303]: 1A2B3C4D5E: to=<bob@example.com>, relay=inner.example.com[192.0.2.25]:25, delay=2, delays=0.1/0/1/0.9, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9F8E7D6C5B)',
  'Nov 27 11:00:02 edge postfix/qmgr[302]: 1A2B3C4D5E: removed',
  'Nov 27 11:00:02 edge postfix/smtpd[300]: disconnect from mail.example.net[198.51.100.20] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5',
  'Nov 27 11:00:02 inner postfix/qmgr[402]: 9F8E7D6C5B: from=<sender@example.net>, size=1200, nrcpt=1 (queue active)',
  'Nov 27 11:00:03 inner postfix/local[403]: 9F8E7D6C5B: to=<bob@example.com>, relay=local, delay=2, delays=1/0/0/1, dsn=2.0.0, status=sent (delivered to mailbox)',
  'Nov 27 11:00:03 inner postfix/qmgr[402]: 9F8E7D6C5B: removed',
  'Nov 27 11:00:04 inner postfix/smtpd[400]: disconnect from edge.example.com[192.0.2.24] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5',
];

async function investigate(id: string, lines: readonly string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'spoofwatch-ring-'));
  try {
    const log = join(dir, 'mail.log');
    writeFileSync(log, lines.join('\n') + '\n');
    return await runInvestigate(id, [log], { config: defaultConfig() });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('investigate finds the sending hop that closed first, through "queued as", in a two-host log', async () => {
  const report = await investigate('9F8E7D6C5B', LINES);
  const byHost = Object.fromEntries(report.messages.map((m) => [m.host, m.matchedBy]));
  assert.deepEqual(byHost, { edge: 'hop', inner: 'queue-id' });
  assert.ok(report.timeline.some((l) => l.host === 'edge' && l.raw.includes('queued as 9F8E7D6C5B')));
});

test('on a log of one host the same message is found alone (no ring is kept, none is needed)', async () => {
  const report = await investigate(
    '1A2B3C4D5E',
    LINES.filter((l) => l.includes(' edge ')),
  );
  assert.deepEqual(
    report.messages.map((m) => [m.host, m.matchedBy]),
    [['edge', 'queue-id']],
  );
});
