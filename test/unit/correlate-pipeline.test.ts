/**
 * End to end over real parsers: syslog text -> LogLine -> LogEvent -> MessageRecord. The
 * correlator's own tests use hand-built events; this one checks that what the parsers
 * emit for a whole Postfix + milter + policy story is what the correlator joins.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEnvelopeContext, parseEnvelope } from '../../src/ingest/index.js';
import { parseLine } from '../../src/parse/index.js';
import { createCorrelator } from '../../src/correlate/index.js';
import type { MessageRecord } from '../../src/correlate/record.js';

function correlate(text: string): { records: MessageRecord[]; orphans: number } {
  const ctx = createEnvelopeContext(Date.UTC(2026, 0, 6), 'UTC');
  const records: MessageRecord[] = [];
  const c = createCorrelator((r) => records.push(r));
  text
    .trim()
    .split('\n')
    .forEach((raw, i) =>
      c.push(parseLine(parseEnvelope(raw.trim(), { file: 'story.log', line: i + 1 }, ctx))),
    );
  c.flush();
  return { records, orphans: c.stats().orphanEvents };
}

test('a spoof rejected by DMARC: SPF from policyd-spf, the two-line DKIM failure and the DMARC reject form one record', () => {
  const { records } = correlate(`
    2026-01-05T10:00:00.000000+00:00 mx1 postfix/smtpd[1001]: connect from mail.example.net[192.0.2.10]
    2026-01-05T10:00:01.000000+00:00 mx1 policyd-spf[2001]: prepend Received-SPF: Fail (mailfrom) identity=mailfrom; client-ip=192.0.2.10; helo=mail.example.net; envelope-from=ceo@example.com; receiver=mx1.example.org
    2026-01-05T10:00:01.100000+00:00 mx1 postfix/smtpd[1001]: 4F9D195432: client=mail.example.net[192.0.2.10]
    2026-01-05T10:00:01.200000+00:00 mx1 postfix/cleanup[1002]: 4F9D195432: message-id=<a1@example.com>
    2026-01-05T10:00:01.300000+00:00 mx1 opendkim[1003]: 4F9D195432: s=sel1 d=example.com SSL
    2026-01-05T10:00:01.300000+00:00 mx1 opendkim[1003]: 4F9D195432: bad signature data
    2026-01-05T10:00:01.400000+00:00 mx1 opendmarc[1004]: 4F9D195432: example.com fail
    2026-01-05T10:00:01.500000+00:00 mx1 postfix/cleanup[1002]: 4F9D195432: milter-reject: END-OF-MESSAGE from mail.example.net[192.0.2.10]: 5.7.1 rejected by DMARC policy for example.com; from=<ceo@example.com> to=<cfo@example.org> proto=ESMTP helo=<mail.example.net>
    2026-01-05T10:00:02.000000+00:00 mx1 postfix/smtpd[1001]: disconnect from mail.example.net[192.0.2.10] ehlo=1 mail=1 rcpt=1 data=0/1 quit=1 commands=4/5
  `);
  assert.equal(records.length, 1);
  const rec = records[0]!;
  assert.equal(rec.id, 'mx1/4F9D195432');
  assert.equal(rec.mta, 'postfix');
  assert.equal(rec.agedOut, undefined);
  assert.equal(rec.disposition, 'rejected');
  assert.equal(rec.messageId, 'a1@example.com');
  assert.equal(rec.envelope.from, 'ceo@example.com');
  assert.equal(rec.session.clientIp, '192.0.2.10');
  assert.equal(rec.session.helo, 'mail.example.net');
  assert.deepEqual(
    rec.auth.spf.map((s) => [s.source, s.result, s.scope]),
    [['policyd-spf', 'fail', 'mfrom']],
  );
  assert.deepEqual(
    rec.auth.dkim.map((d) => [d.source, d.result, d.domain, d.failure]),
    [['opendkim', 'fail', 'example.com', 'body']],
  );
  assert.equal(rec.auth.dmarc?.result, 'fail');
  assert.equal(rec.auth.dmarc?.domain, 'example.com');
  assert.equal(rec.evidence.length, 9);
  assert.deepEqual([...rec.producers].sort(), ['opendkim', 'opendmarc', 'policyd-spf', 'postfix']);
});

test('NOQUEUE rejects of one sender in one session become one record', () => {
  const { records } = correlate(`
    2026-01-05T11:00:00.000000+00:00 mx1 postfix/smtpd[1101]: connect from unknown[203.0.113.66]
    2026-01-05T11:00:01.000000+00:00 mx1 postfix/smtpd[1101]: NOQUEUE: reject: RCPT from unknown[203.0.113.66]: 554 5.7.1 <a@example.org>: Relay access denied; from=<ceo@example.org> to=<a@example.org> proto=ESMTP helo=<example.org>
    2026-01-05T11:00:01.100000+00:00 mx1 postfix/smtpd[1101]: NOQUEUE: reject: RCPT from unknown[203.0.113.66]: 554 5.7.1 <b@example.org>: Relay access denied; from=<ceo@example.org> to=<b@example.org> proto=ESMTP helo=<example.org>
    2026-01-05T11:00:02.000000+00:00 mx1 postfix/smtpd[1101]: disconnect from unknown[203.0.113.66] ehlo=1 mail=1 rcpt=0/2 quit=1 commands=3/5
  `);
  assert.equal(records.length, 1);
  const rec = records[0]!;
  assert.match(rec.id, /^mx1\/NOQUEUE\/.+:2$/, 'named by the line of the first reject');
  assert.deepEqual(rec.envelope.recipients, ['a@example.org', 'b@example.org']);
  assert.equal(rec.session.helo, 'example.org');
  assert.equal(rec.disposition, 'rejected');
});

test('Amavis content-filter loop: two queue ids, one message, the real client kept', () => {
  const { records } = correlate(`
    2026-01-05T12:00:00.000000+00:00 mx1 postfix/smtpd[1201]: connect from mail.example.net[192.0.2.20]
    2026-01-05T12:00:01.000000+00:00 mx1 postfix/smtpd[1201]: 1A2B3C4D5E: client=mail.example.net[192.0.2.20]
    2026-01-05T12:00:01.100000+00:00 mx1 postfix/cleanup[1202]: 1A2B3C4D5E: message-id=<b2@example.net>
    2026-01-05T12:00:01.200000+00:00 mx1 postfix/qmgr[1203]: 1A2B3C4D5E: from=<alice@example.net>, size=1500, nrcpt=1 (queue active)
    2026-01-05T12:00:01.300000+00:00 mx1 postfix/smtpd[1201]: disconnect from mail.example.net[192.0.2.20] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5
    2026-01-05T12:00:02.000000+00:00 mx1 postfix/smtpd[1204]: connect from localhost[127.0.0.1]
    2026-01-05T12:00:02.100000+00:00 mx1 postfix/smtpd[1204]: 6F7E8D9C0B: client=localhost[127.0.0.1]
    2026-01-05T12:00:02.200000+00:00 mx1 postfix/cleanup[1202]: 6F7E8D9C0B: message-id=<b2@example.net>
    2026-01-05T12:00:02.300000+00:00 mx1 postfix/qmgr[1203]: 6F7E8D9C0B: from=<alice@example.net>, size=2100, nrcpt=1 (queue active)
    2026-01-05T12:00:02.400000+00:00 mx1 postfix/smtpd[1204]: disconnect from localhost[127.0.0.1] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5
    2026-01-05T12:00:02.500000+00:00 mx1 postfix/smtp[1205]: 1A2B3C4D5E: to=<bob@example.org>, relay=127.0.0.1[127.0.0.1]:10024, delay=1.5, delays=0.1/0/0/1.4, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 6F7E8D9C0B)
    2026-01-05T12:00:02.600000+00:00 mx1 postfix/qmgr[1203]: 1A2B3C4D5E: removed
    2026-01-05T12:00:02.700000+00:00 mx1 postfix/local[1206]: 6F7E8D9C0B: to=<bob@example.org>, relay=local, delay=0.5, delays=0.4/0/0/0.1, dsn=2.0.0, status=sent (delivered to mailbox)
    2026-01-05T12:00:02.800000+00:00 mx1 postfix/qmgr[1203]: 6F7E8D9C0B: removed
  `);
  assert.equal(records.length, 1, records.map((r) => r.id).join(' '));
  const rec = records[0]!;
  assert.deepEqual(rec.queueIds, ['1A2B3C4D5E', '6F7E8D9C0B']);
  assert.equal(rec.session.clientIp, '192.0.2.20');
  assert.equal(rec.disposition, 'delivered');
  assert.deepEqual(
    rec.recipients.map((r) => [r.to, r.relay]),
    [['bob@example.org', 'local']],
  );
});

test('HAProxy in front of Postfix: its end-of-session line, logged last under another host, joins the message', () => {
  const { records, orphans } = correlate(`
    2026-01-05T13:00:00.000000+00:00 lb1 haproxy[300]: Connect from 198.51.100.9:43210 to 192.0.2.2:25 (fe_smtp/TCP)
    2026-01-05T13:00:00.100000+00:00 mx1 postfix/smtpd[1301]: connect from mail.example.net[198.51.100.9]:43210
    2026-01-05T13:00:01.000000+00:00 mx1 postfix/smtpd[1301]: 2B3C4D5E6F: client=mail.example.net[198.51.100.9]:43210
    2026-01-05T13:00:01.100000+00:00 mx1 postfix/qmgr[1303]: 2B3C4D5E6F: from=<alice@example.net>, size=900, nrcpt=1 (queue active)
    2026-01-05T13:00:01.200000+00:00 mx1 postfix/local[1306]: 2B3C4D5E6F: to=<bob@example.org>, relay=local, delay=0.2, delays=0.1/0/0/0.1, dsn=2.0.0, status=sent (delivered to mailbox)
    2026-01-05T13:00:01.300000+00:00 mx1 postfix/qmgr[1303]: 2B3C4D5E6F: removed
    2026-01-05T13:00:01.400000+00:00 mx1 postfix/smtpd[1301]: disconnect from mail.example.net[198.51.100.9]:43210 ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5
    2026-01-05T13:00:01.500000+00:00 lb1 haproxy[300]: 198.51.100.9:43210 [05/Jan/2026:13:00:00.000] fe_smtp be_smtp/postfix1 1/0/1500 1234 -- 1/1/0/0/0 0/0
  `);
  assert.equal(records.length, 1);
  assert.equal(records[0]?.session.proxy?.kind, 'haproxy');
  assert.equal(records[0]?.session.proxy?.peerIp, '198.51.100.9');
  assert.equal(records[0]?.session.proxy?.clientMismatch, undefined);
  assert.equal(orphans, 0);
});
