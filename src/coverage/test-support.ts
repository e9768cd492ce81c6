/**
 * Hand-built event streams and the records a correlator would assemble from them, for the
 * coverage and investigate tests (no pipeline, no files).
 */
import type { LogLine } from '../ingest/line.js';
import type { LogEvent } from '../parse/event.js';
import type { MessageRecord } from '../correlate/record.js';

export const BASE_TIME = Date.UTC(2026, 10, 20, 8, 0, 0);

let lineNo = 0;

export function resetLines(): void {
  lineNo = 0;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function stamp(t: number): string {
  const d = new Date(t);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

export function logLine(
  time: number,
  host: string,
  program: string,
  pid: number,
  message: string,
  file = 'mail.log',
): LogLine {
  lineNo++;
  const raw = `${stamp(time)} ${host} ${program}[${pid}]: ${message}`;
  return { time, host, program, pid, message, raw, src: { file, line: lineNo } };
}

export interface BuiltMessage {
  events: LogEvent[];
  record: MessageRecord;
}

export interface PostfixMessageOptions {
  host?: string;
  queueId: string;
  time: number;
  clientIp?: string;
  clientHost?: string;
  helo?: string;
  envelopeFrom?: string;
  to?: string;
  /** Header From as logged by header_checks WARN; omitted: not logged. */
  headerFrom?: string;
  replyTo?: string;
  messageId?: string;
  milters?: boolean;
  sasl?: string;
}

/** One Postfix message: smtpd client=, cleanup message-id (and header_checks lines), qmgr from=, milters, delivery, removed. */
export function postfixMessage(o: PostfixMessageOptions): BuiltMessage {
  const host = o.host ?? 'mx1';
  const q = o.queueId;
  const ip = o.clientIp ?? '198.51.100.20';
  const rdns = o.clientHost ?? 'mail.example.net';
  const helo = o.helo ?? rdns;
  const from = o.envelopeFrom ?? 'sender@example.net';
  const to = o.to ?? 'bob@example.com';
  const mid = o.messageId ?? `<${q}@example.net>`;
  const base = { producer: 'postfix' as const, instance: 'postfix', queueId: q };
  const t = o.time;
  const events: LogEvent[] = [];
  const saslPart = o.sasl !== undefined ? `, sasl_method=PLAIN, sasl_username=${o.sasl}` : '';
  events.push({
    ...base,
    kind: 'message.client',
    daemon: 'smtpd',
    clientIp: ip,
    clientHost: rdns,
    ...(o.sasl !== undefined ? { saslUsername: o.sasl, saslMethod: 'PLAIN' } : {}),
    line: logLine(t, host, 'postfix/smtpd', 2001, `${q}: client=${rdns}[${ip}]${saslPart}`),
  });
  events.push({
    ...base,
    kind: 'message.id',
    daemon: 'cleanup',
    messageId: mid,
    line: logLine(t + 100, host, 'postfix/cleanup', 2002, `${q}: message-id=${mid}`),
  });
  const headers: MessageRecord['headers'] = {};
  const headerLine = (name: string, value: string): void => {
    events.push({
      ...base,
      kind: 'header',
      daemon: 'cleanup',
      name,
      value,
      truncated: false,
      action: 'warning',
      from,
      to,
      proto: 'ESMTP',
      helo,
      line: logLine(
        t + 150,
        host,
        'postfix/cleanup',
        2002,
        `${q}: warning: header ${name}: ${value} from ${rdns}[${ip}]; from=<${from}> to=<${to}> proto=ESMTP helo=<${helo}>`,
      ),
    });
    headers[name.toLowerCase()] = [{ value, truncated: false }];
  };
  if (o.headerFrom !== undefined) headerLine('From', o.headerFrom);
  if (o.replyTo !== undefined) headerLine('Reply-To', o.replyTo);
  const auth: MessageRecord['auth'] = { spf: [], dkim: [] };
  const producers = ['postfix'];
  if (o.milters !== false) {
    events.push({
      kind: 'auth.spf',
      producer: 'policyd-spf',
      daemon: '',
      instance: '',
      result: 'pass',
      scope: 'mfrom',
      domain: 'example.net',
      clientIp: ip,
      line: logLine(
        t + 50,
        host,
        'policyd-spf',
        2003,
        `prepend Received-SPF: Pass (mailfrom) identity=mailfrom; client-ip=${ip}; helo=${helo}; envelope-from=${from}; receiver=<UNKNOWN>`,
      ),
    });
    events.push({
      kind: 'auth.dkim',
      producer: 'opendkim',
      daemon: '',
      instance: '',
      queueId: q,
      result: 'pass',
      domain: 'example.net',
      selector: 's1',
      line: logLine(t + 200, host, 'opendkim', 2004, `${q}: DKIM verification successful`),
    });
    events.push({
      kind: 'auth.dmarc',
      producer: 'opendmarc',
      daemon: '',
      instance: '',
      queueId: q,
      result: 'pass',
      domain: 'example.net',
      line: logLine(t + 250, host, 'opendmarc', 2005, `${q}: example.net pass`),
    });
    auth.spf.push({ result: 'pass', scope: 'mfrom', domain: 'example.net', source: 'policyd-spf' });
    auth.dkim.push({ result: 'pass', domain: 'example.net', selector: 's1', source: 'opendkim' });
    auth.dmarc = { result: 'pass', domain: 'example.net', source: 'opendmarc' };
    producers.push('policyd-spf', 'opendkim', 'opendmarc');
  }
  events.push({
    ...base,
    kind: 'envelope',
    daemon: 'qmgr',
    from,
    size: 1843,
    nrcpt: 1,
    line: logLine(
      t + 300,
      host,
      'postfix/qmgr',
      2006,
      `${q}: from=<${from}>, size=1843, nrcpt=1 (queue active)`,
    ),
  });
  events.push({
    ...base,
    kind: 'delivery',
    daemon: 'local',
    to,
    relay: 'local',
    status: 'sent',
    dsn: '2.0.0',
    line: logLine(
      t + 400,
      host,
      'postfix/local',
      2007,
      `${q}: to=<${to}>, relay=local, delay=0.4, delays=0.1/0/0/0.3, dsn=2.0.0, status=sent (delivered to mailbox)`,
    ),
  });
  events.push({
    ...base,
    kind: 'message.closed',
    daemon: 'qmgr',
    reason: 'removed',
    line: logLine(t + 500, host, 'postfix/qmgr', 2006, `${q}: removed`),
  });
  const inOrder = [...events].sort((a, b) => (a.line.time ?? 0) - (b.line.time ?? 0));
  const record: MessageRecord = {
    id: `${host}/${q}`,
    host,
    mta: 'postfix',
    queueId: q,
    queueIds: [q],
    messageId: mid,
    firstSeen: t,
    lastSeen: t + 500,
    session: {
      clientIp: ip,
      clientHost: rdns,
      helo,
      ...(o.sasl !== undefined ? { saslUsername: o.sasl, saslMethod: 'PLAIN' } : {}),
    },
    envelope: { from, recipients: [to], size: 1843, nrcpt: 1 },
    headers,
    auth,
    filters: [],
    actions: [
      { action: 'queued', time: t },
      { action: 'delivered', time: t + 400 },
    ],
    recipients: [{ to, status: 'sent', relay: 'local', dsn: '2.0.0' }],
    disposition: 'delivered',
    producers,
    evidence: inOrder.map((e) => e.line.src),
    lines: inOrder.map((e) => e.line.raw),
  };
  return { events: inOrder, record };
}

export interface SendmailMessageOptions {
  host?: string;
  queueId: string;
  time: number;
  clientIp?: string;
  clientHost?: string;
}

/** One Sendmail message: from= (with relay=), to= stat=Sent; no header From (Sendmail cannot log it). */
export function sendmailMessage(o: SendmailMessageOptions): BuiltMessage {
  const host = o.host ?? 'mail2';
  const q = o.queueId;
  const ip = o.clientIp ?? '203.0.113.7';
  const rdns = o.clientHost ?? 'out.example.org';
  const t = o.time;
  const base = { producer: 'sendmail' as const, daemon: 'mta', instance: '', queueId: q };
  const mid = `<${q}.1@example.org>`;
  const events: LogEvent[] = [
    {
      ...base,
      kind: 'envelope',
      from: 'news@example.org',
      size: 5120,
      nrcpt: 1,
      messageId: mid,
      proto: 'ESMTP',
      clientIp: ip,
      clientHost: rdns,
      line: logLine(
        t,
        host,
        'sm-mta',
        3001,
        `${q}: from=<news@example.org>, size=5120, class=0, nrcpts=1, msgid=${mid}, proto=ESMTP, daemon=MTA-v4, relay=${rdns} [${ip}]`,
      ),
    },
    {
      ...base,
      kind: 'delivery',
      to: 'carol@example.com',
      status: 'sent',
      relay: 'local',
      line: logLine(
        t + 300,
        host,
        'sm-mta',
        3002,
        `${q}: to=<carol@example.com>, ctladdr=<carol@example.com> (1000/1000), delay=00:00:00, xdelay=00:00:00, mailer=local, pri=35120, dsn=2.0.0, stat=Sent`,
      ),
    },
  ];
  const record: MessageRecord = {
    id: `${host}/${q}`,
    host,
    mta: 'sendmail',
    queueId: q,
    queueIds: [q],
    messageId: mid,
    firstSeen: t,
    lastSeen: t + 300,
    session: { clientIp: ip, clientHost: rdns },
    envelope: { from: 'news@example.org', recipients: ['carol@example.com'], size: 5120, nrcpt: 1 },
    headers: {},
    auth: { spf: [], dkim: [] },
    filters: [],
    actions: [{ action: 'delivered', time: t + 300 }],
    recipients: [{ to: 'carol@example.com', status: 'sent', relay: 'local' }],
    disposition: 'delivered',
    producers: ['sendmail'],
    evidence: events.map((e) => e.line.src),
    lines: events.map((e) => e.line.raw),
  };
  return { events, record };
}
