/**
 * Hand-built records and verdicts for the output, coverage and investigate tests (plain
 * values, no pipeline). Addresses use documentation ranges and example domains.
 */
import type { MessageRecord } from '../correlate/record.js';
import type { Finding, Verdict, VerdictLevel } from '../detect/verdict.js';

export const T0 = Date.UTC(2026, 10, 27, 10, 0, 1);

export function sampleRecord(over: Partial<MessageRecord> = {}): MessageRecord {
  return {
    id: 'mx1.example.com/4F2A1C0B7D',
    host: 'mx1.example.com',
    mta: 'postfix',
    queueId: '4F2A1C0B7D',
    queueIds: ['4F2A1C0B7D'],
    messageId: '<20261127100001.abc@mail.example.net>',
    firstSeen: T0,
    lastSeen: T0 + 2000,
    session: {
      clientIp: '192.0.2.10',
      clientHost: 'mail.example.net',
      clientPort: 52100,
      helo: 'mail.example.net',
    },
    envelope: { from: 'bounce@example.net', recipients: ['bob@example.com'], size: 2048, nrcpt: 1 },
    headers: {
      from: [{ value: '"CEO" <ceo@example.com>', truncated: false }],
      'reply-to': [{ value: 'ceo.office@example.org', truncated: false }],
      subject: [{ value: 'Urgent wire transfer', truncated: false }],
    },
    auth: {
      spf: [{ result: 'pass', scope: 'mfrom', domain: 'example.net', source: 'policyd-spf' }],
      dkim: [{ result: 'none', source: 'opendkim' }],
      dmarc: {
        result: 'fail',
        domain: 'example.com',
        policy: 'reject',
        disposition: 'none',
        source: 'opendmarc',
      },
    },
    filters: [],
    actions: [
      { action: 'queued', time: T0 },
      { action: 'delivered', time: T0 + 2000 },
    ],
    recipients: [{ to: 'bob@example.com', status: 'sent', relay: 'local' }],
    disposition: 'delivered',
    producers: ['postfix', 'opendkim', 'opendmarc', 'policyd-spf'],
    evidence: [
      { file: '/var/log/mail.log', line: 10 },
      { file: '/var/log/mail.log', line: 11 },
    ],
    lines: [
      'Nov 27 10:00:01 mx1 postfix/smtpd[123]: 4F2A1C0B7D: client=mail.example.net[192.0.2.10]',
      'Nov 27 10:00:03 mx1 opendmarc[456]: 4F2A1C0B7D: example.com fail',
    ],
    ...over,
  };
}

export function sampleFinding(over: Partial<Finding> = {}): Finding {
  return {
    rule: 'dmarc-fail',
    severity: 'high',
    weight: 60,
    baseWeight: 60,
    summary: 'DMARC fail for example.com (p=reject) but delivered',
    fields: { header_from_domain: 'example.com', dmarc: 'fail', policy: 'reject' },
    attack: ['T1672', 'T1684.002'],
    ...over,
  };
}

export function sampleVerdict(
  level: VerdictLevel = 'spoof',
  over: Partial<Verdict> = {},
  record: MessageRecord = sampleRecord(),
): Verdict {
  return {
    record,
    verdict: level,
    score: level === 'spoof' ? 80 : level === 'suspicious' ? 40 : 0,
    findings: level === 'clean' || level === 'unknown' ? [] : [sampleFinding()],
    missing: level === 'unknown' ? ['header.from', 'auth.dmarc'] : [],
    ...over,
  };
}

/** Collects everything written to a sink. */
export class StringSink {
  chunks: string[] = [];
  write(chunk: string): void {
    this.chunks.push(chunk);
  }
  get text(): string {
    return this.chunks.join('');
  }
}
