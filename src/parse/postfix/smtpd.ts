/**
 * postfix/smtpd: the SMTP server. Sessions (connect, TLS, SASL, disconnect), the queue
 * id bound to a client (`client=`), and every access decision (`NOQUEUE: reject: ...`,
 * milter-reject, discard, hold ...) with the envelope and HELO it carries.
 */
import type {
  LogEvent,
  MessageClientEvent,
  RejectEvent,
  SessionAuthEvent,
  SessionConnectEvent,
  SessionDisconnectEvent,
  SessionNoteEvent,
  SessionTlsEvent,
} from '../event.js';
import {
  type Ctx,
  type EnvSuffix,
  type Sample,
  after,
  cap,
  effectiveCode,
  messageNoteEv,
  noiseEv,
  parseAccessLine,
  parseEnvSuffix,
  parseHostAddr,
  parseReply,
  queueIdLength,
  setClient,
  stageOf,
  suffixStart,
  unrecognisedEv,
} from './common.js';

export const SAMPLES: readonly Sample[] = [
  {
    program: 'postfix/smtpd',
    message: 'bare <LF> received after DATA from unknown[203.0.113.9]',
    kind: 'session.note',
  },
  {
    program: 'postfix/smtpd',
    message: 'setting up TLS connection from mail.example.net[192.0.2.10]',
    kind: 'session.note',
  },
  { program: 'postfix/smtpd', message: 'NOQUEUE: client=mail.example.net[192.0.2.10]', kind: 'session.note' },
  {
    program: 'postfix/smtpd',
    message:
      'warning: Message delivery request rate limit exceeded: 101 from unknown[203.0.113.9] for service smtp',
    kind: 'session.note',
  },
  {
    program: 'postfix/smtpd',
    message: 'warning: unknown[203.0.113.9] sent non-SMTP command: GET / HTTP/1.1',
    kind: 'session.note',
  },
  {
    program: 'postfix/smtpd',
    message: 'warning: 4F9D195432: sender_canonical_maps map lookup problem for a@example.com',
    kind: 'message.note',
  },
  { program: 'postfix/smtpd', message: 'discarding EHLO keywords: CHUNKING', kind: 'noise' },
  {
    program: 'postfix/smtpd',
    message: 'table hash:/etc/postfix/helo_access has changed -- restarting',
    kind: 'noise',
  },
  { program: 'postfix/smtpd', message: 'fatal: no SASL authentication mechanisms', kind: 'noise' },
  {
    program: 'postfix/smtpd',
    message:
      'NOQUEUE: reject_warning: RCPT from unknown[198.51.100.7]: 450 4.7.1 Client host rejected: cannot find your hostname, [198.51.100.7]; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<x.test>',
    kind: 'reject',
  },
  {
    program: 'postfix/smtpd',
    message:
      'NOQUEUE: reject: VRFY from unknown[198.51.100.7]: 550 5.1.1 <x@example.org>: Recipient address rejected: User unknown; to=<x@example.org> proto=SMTP helo=<x.test>',
    kind: 'reject',
  },

  { program: 'postfix/smtpd', message: 'connect from mail.example.net[192.0.2.10]', kind: 'session.connect' },
  { program: 'postfix/smtpd', message: 'connect from unknown[2001:db8::25]', kind: 'session.connect' },
  {
    program: 'postfix/smtpd',
    message: 'disconnect from mail.example.net[192.0.2.10] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5',
    kind: 'session.disconnect',
  },
  { program: 'postfix/smtpd', message: 'disconnect from unknown[198.51.100.7]', kind: 'session.disconnect' },
  {
    program: 'postfix/smtpd',
    message: '4F9D195432: client=mail.example.net[192.0.2.10]',
    kind: 'message.client',
  },
  {
    program: 'postfix/submission/smtpd',
    message:
      '4F9D195432: client=unknown[203.0.113.5]:52814, sasl_method=PLAIN, sasl_username=alice@example.com',
    kind: 'message.client',
  },
  {
    program: 'postfix/smtpd',
    message:
      '3A1B2C3D4E: client=localhost[127.0.0.1], orig_queue_id=4F9D195432, orig_client=mail.example.net[192.0.2.10]',
    kind: 'message.client',
  },
  {
    program: 'postfix/smtpd',
    message:
      'NOQUEUE: reject: RCPT from unknown[198.51.100.7]: 550 5.7.1 <bob@example.org>: Recipient address rejected: Access denied; from=<ceo@example.org> to=<bob@example.org> proto=ESMTP helo=<example.org>',
    kind: 'reject',
  },
  {
    program: 'postfix/smtpd',
    message:
      'NOQUEUE: reject: RCPT from unknown[198.51.100.7]: 554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/198.51.100.7; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<x.test>',
    kind: 'reject',
  },
  {
    program: 'postfix/smtpd',
    message:
      'NOQUEUE: reject: RCPT from mx.example.net[192.0.2.44]: 450 4.7.1 <bob@example.org>: Recipient address rejected: Greylisted; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    kind: 'reject',
  },
  {
    program: 'postfix/smtpd',
    message:
      '4F9D195432: reject: DATA from mx.example.net[192.0.2.44]: 550 5.7.1 Message rejected due to: SPF fail - not authorized; from=<a@example.org> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    kind: 'reject',
  },
  {
    program: 'postfix/smtpd',
    message:
      'NOQUEUE: milter-reject: MAIL from unknown[198.51.100.7]: 550 5.7.1 Command rejected; from=<a@example.net> proto=ESMTP helo=<x.test>',
    kind: 'reject',
  },
  {
    program: 'postfix/smtpd',
    message:
      '4F9D195432: milter-reject: END-OF-MESSAGE from mx.example.net[192.0.2.44]: 5.7.1 rejected by DMARC policy for example.org; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    kind: 'reject',
  },
  {
    program: 'postfix/smtpd',
    message:
      '4F9D195432: milter-hold: END-OF-MESSAGE from mx.example.net[192.0.2.44]: milter triggers HOLD action; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    kind: 'reject',
  },
  {
    program: 'postfix/smtpd',
    message:
      'NOQUEUE: discard: RCPT from mx.example.net[192.0.2.44]: <bob@example.org>: Recipient address triggers DISCARD action; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    kind: 'reject',
  },
  {
    program: 'postfix/smtpd',
    message:
      'NOQUEUE: reject: CONNECT from unknown[198.51.100.7]: 554 5.7.1 <unknown[198.51.100.7]>: Client host rejected: Access denied; proto=SMTP',
    kind: 'reject',
  },
  {
    program: 'postfix/smtpd',
    message:
      'proxy-accept: END-OF-MESSAGE: 250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 5C2E3F4A1B; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    kind: 'message.client',
  },
  {
    program: 'postfix/smtpd',
    message:
      '4F9D195432: proxy-reject: END-OF-MESSAGE: 554 5.7.0 Reject, id=12345-01 - spam; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    kind: 'reject',
  },
  {
    program: 'postfix/smtpd',
    message:
      'Anonymous TLS connection established from mail.example.net[192.0.2.10]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256',
    kind: 'session.tls',
  },
  {
    program: 'postfix/smtpd',
    message:
      'Trusted TLS connection established from relay.example.net[192.0.2.11]: TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)',
    kind: 'session.tls',
  },
  {
    program: 'postfix/smtpd',
    message: 'warning: unknown[203.0.113.9]: SASL LOGIN authentication failed: UGFzc3dvcmQ6',
    kind: 'session.auth',
  },
  {
    program: 'postfix/smtpd',
    message:
      'warning: unknown[203.0.113.9]:40112: SASL PLAIN authentication failed: authentication failure, sasl_username=alice@example.com',
    kind: 'session.auth',
  },
  {
    program: 'postfix/smtpd',
    message: 'lost connection after EHLO from unknown[203.0.113.9]',
    kind: 'session.note',
  },
  {
    program: 'postfix/smtpd',
    message: 'timeout after DATA (0 bytes) from unknown[203.0.113.9]',
    kind: 'session.note',
  },
  {
    program: 'postfix/smtpd',
    message: 'too many errors after RCPT from unknown[203.0.113.9]',
    kind: 'session.note',
  },
  {
    program: 'postfix/smtpd',
    message:
      'improper command pipelining after CONNECT from unknown[203.0.113.9]: EHLO x.test\\r\\nMAIL FROM:<a@x.test>\\r\\n',
    kind: 'session.note',
  },
  {
    program: 'postfix/smtpd',
    message:
      'warning: hostname mail.example.net does not resolve to address 192.0.2.10: Name or service not known',
    kind: 'session.note',
  },
  {
    program: 'postfix/smtpd',
    message: 'warning: 192.0.2.10: hostname mail.example.net verification failed: Name or service not known',
    kind: 'session.note',
  },
  {
    program: 'postfix/smtpd',
    message: 'warning: 192.0.2.10: address not listed for hostname mail.example.net',
    kind: 'session.note',
  },
  {
    program: 'postfix/smtpd',
    message: 'warning: non-SMTP command from unknown[203.0.113.9]: GET / HTTP/1.1',
    kind: 'session.note',
  },
  {
    program: 'postfix/smtpd',
    message: 'warning: Illegal address syntax from unknown[203.0.113.9] in MAIL command: <a@b@c>',
    kind: 'session.note',
  },
  {
    program: 'postfix/smtpd',
    message: 'SSL_accept error from unknown[203.0.113.9]: lost connection',
    kind: 'session.note',
  },
  {
    program: 'postfix/smtpd',
    message: 'warning: Connection rate limit exceeded: 61 from unknown[203.0.113.9] for service smtp',
    kind: 'session.note',
  },
  {
    program: 'postfix/smtpd',
    message: 'warning: TLS library problem: error:0A000126:SSL routines::unexpected eof while reading',
    kind: 'noise',
  },
];

function sessionNote(c: Ctx, note: string, s: string, hostAt: number): SessionNoteEvent {
  const ev: SessionNoteEvent = {
    kind: 'session.note',
    line: c.line,
    producer: 'postfix',
    daemon: c.daemon,
    instance: c.instance,
    note: cap(note),
  };
  if (hostAt >= 0) setClient(ev, parseHostAddr(s, hostAt));
  return ev;
}

/** `lost connection after X from h[ip]`, `timeout after`, `too many errors after`, `improper command pipelining after`. */
function afterLine(c: Ctx, s: string, prefixLen: number): SessionNoteEvent | null {
  const f = s.indexOf(' from ', prefixLen);
  if (f < 0) return null;
  return sessionNote(c, s.slice(0, f), s, f + 6);
}

function tlsLine(c: Ctx, s: string, trust: string, fromAt: number): SessionTlsEvent | null {
  const ha = parseHostAddr(s, fromAt);
  if (ha === null) return null;
  // `: TLSv1.3 with cipher NAME (256/256 bits) ...`
  let protocol: string | undefined;
  let cipher: string | undefined;
  if (s.charCodeAt(ha.end) === 58) {
    const p0 = ha.end + 2;
    const w = s.indexOf(' with cipher ', p0);
    if (w > p0) {
      protocol = tlsProtocolOf(s, p0, w);
      const c0 = w + 13;
      const e = s.indexOf(' ', c0);
      cipher = cap(e < 0 ? s.slice(c0) : s.slice(c0, e));
    }
  }
  if (ha.port === undefined && ha.host !== '' && protocol !== undefined) {
    // smtpd's usual line in one literal (see connect in parseSmtpd)
    return {
      kind: 'session.tls',
      line: c.line,
      producer: 'postfix',
      daemon: c.daemon,
      instance: c.instance,
      tlsTrust: trust,
      clientHost: cap(ha.host),
      clientIp: ha.ip,
      tlsProtocol: protocol,
      tlsCipher: cipher,
    };
  }
  const ev: SessionTlsEvent = {
    kind: 'session.tls',
    line: c.line,
    producer: 'postfix',
    daemon: c.daemon,
    instance: c.instance,
    tlsTrust: trust,
  };
  setClient(ev, ha);
  if (protocol !== undefined) {
    ev.tlsProtocol = protocol;
    ev.tlsCipher = cipher;
  }
  return ev;
}

/** Protocol names OpenSSL logs, as constants: the common ones need no string of their own. */
const TLS_PROTOCOLS = ['TLSv1.3', 'TLSv1.2', 'TLSv1.1', 'TLSv1', 'SSLv3'];

/** The TLS protocol name in s[from, end), a constant when it is a known one. */
export function tlsProtocolOf(s: string, from: number, end: number): string {
  for (const p of TLS_PROTOCOLS) if (p.length === end - from && s.startsWith(p, from)) return p;
  return cap(s.slice(from, end));
}

/** `warning: h[ip]: SASL LOGIN authentication failed: reason[, sasl_username=u]`. */
function saslFailure(c: Ctx, s: string, at: number): SessionAuthEvent | null {
  const ha = parseHostAddr(s, at);
  if (ha === null || !s.startsWith(': SASL ', ha.end)) return null;
  const m0 = ha.end + 7;
  const m1 = s.indexOf(' authentication failed', m0);
  if (m1 < 0 || m1 - m0 > 40) return null;
  const ev: SessionAuthEvent = {
    kind: 'session.auth',
    line: c.line,
    producer: 'postfix',
    daemon: c.daemon,
    instance: c.instance,
    ok: false,
    saslMethod: s.slice(m0, m1),
  };
  setClient(ev, ha);
  const r0 = m1 + 22;
  if (s.startsWith(': ', r0)) {
    let reason = s.slice(r0 + 2);
    const u = reason.lastIndexOf(', sasl_username=');
    if (u >= 0) {
      ev.saslUsername = cap(reason.slice(u + 16));
      reason = reason.slice(0, u);
    }
    ev.reason = cap(reason);
  }
  return ev;
}

function warning(c: Ctx, s: string): LogEvent {
  // s starts after "warning: "
  if (s.startsWith('hostname ')) {
    // hostname NAME does not resolve to address IP[: reason]
    const d = s.indexOf(' does not resolve to address ', 9);
    if (d > 9) {
      const ev = sessionNote(c, 'hostname does not resolve to address', s, -1);
      // The name failed forward confirmation: Postfix calls the client "unknown".
      ev.clientHost = 'unknown';
      ev.clientHostUnverified = cap(s.slice(9, d));
      const a0 = d + 29;
      // IPv6 addresses hold colons: the reason starts at ": " only.
      const colon = s.indexOf(': ', a0);
      ev.clientIp = cap(colon >= 0 ? s.slice(a0, colon) : s.slice(a0));
      return ev;
    }
    return noiseEv(c, 'warning');
  }
  const f = s.indexOf(': hostname ');
  if (f > 0 && f < 64 && s.indexOf(' verification failed', f) > 0) {
    const ev = sessionNote(c, 'hostname verification failed', s, -1);
    ev.clientIp = s.slice(0, f);
    const h0 = f + 11;
    const h1 = s.indexOf(' ', h0);
    ev.clientHost = 'unknown';
    if (h1 > h0) ev.clientHostUnverified = cap(s.slice(h0, h1));
    return ev;
  }
  const nl = s.indexOf(': address not listed for hostname ');
  if (nl > 0 && nl < 64) {
    const ev = sessionNote(c, 'address not listed for hostname', s, -1);
    ev.clientIp = s.slice(0, nl);
    ev.clientHost = 'unknown';
    ev.clientHostUnverified = cap(s.slice(nl + 34));
    return ev;
  }
  if (s.startsWith('non-SMTP command from ')) return sessionNote(c, 'non-SMTP command', s, 22);
  if (s.startsWith('Illegal address syntax from ')) return sessionNote(c, 'Illegal address syntax', s, 28);
  if (
    s.startsWith('Connection rate limit exceeded') ||
    s.startsWith('Connection concurrency limit exceeded')
  ) {
    const fr = s.indexOf(' from ');
    return sessionNote(c, s.slice(0, s.indexOf(':')), s, fr < 0 ? -1 : fr + 6);
  }
  if (
    s.startsWith('Message delivery request rate limit exceeded') ||
    s.startsWith('Recipient address rate limit')
  ) {
    const fr = s.indexOf(' from ');
    return sessionNote(c, s.slice(0, s.indexOf(':')), s, fr < 0 ? -1 : fr + 6);
  }
  // h[ip]: SASL ... authentication failed / h[ip] sent non-SMTP command
  const sasl = s.indexOf(': SASL ');
  if (sasl > 0) {
    const ev = saslFailure(c, s, 0);
    if (ev !== null) return ev;
  }
  const sent = s.indexOf(' sent non-SMTP command');
  if (sent > 0) return sessionNote(c, 'non-SMTP command', s, 0);
  return warningEv(c, s);
}

/** `warning: QID: text` is about one message (a note); any other warning is noise. `s` follows "warning: ". */
function warningEv(c: Ctx, s: string): LogEvent {
  const n = queueIdLength(s);
  if (n === 0) return noiseEv(c, 'warning');
  return messageNoteEv(c, s.slice(0, n), 'warning: ' + s.slice(n + 2));
}

function clientLine(c: Ctx, s: string, qid: string, at: number): MessageClientEvent | null {
  // client=h[ip][:port][, sasl_method=M, sasl_username=U][, sasl_sender=S][, orig_queue_id=Q, orig_client=C]
  const ha = parseHostAddr(s, at);
  if (ha === null) return null;
  if (ha.end === s.length && ha.host !== '' && ha.port === undefined) {
    // The usual `client=host[ip]` in one literal (see connect in parseSmtpd)
    return {
      kind: 'message.client',
      line: c.line,
      producer: 'postfix',
      daemon: c.daemon,
      instance: c.instance,
      queueId: qid,
      clientHost: cap(ha.host),
      clientIp: ha.ip,
    };
  }
  const ev: MessageClientEvent = {
    kind: 'message.client',
    line: c.line,
    producer: 'postfix',
    daemon: c.daemon,
    instance: c.instance,
    queueId: qid,
  };
  setClient(ev, ha);
  if (ha.end < s.length) {
    const m = after(s, ', sasl_method=', ha.end);
    if (m >= 0) ev.saslMethod = cap(field(s, m));
    const u = after(s, ', sasl_username=', ha.end);
    if (u >= 0) ev.saslUsername = cap(field(s, u));
    const q = after(s, ', orig_queue_id=', ha.end);
    if (q >= 0) ev.origQueueId = cap(field(s, q));
    const o = after(s, ', orig_client=', ha.end);
    if (o >= 0) ev.origClient = cap(field(s, o));
  }
  return ev;
}

/** Longest key name in a `, key=value` list (sasl_username, orig_queue_id ...). */
const MAX_KEY = 24;

/**
 * Value up to the next `, key=` (a run of [a-z_] then `=`), or the end. Each candidate
 * is checked over at most MAX_KEY characters, so a value full of ", " stays linear.
 */
function field(s: string, at: number): string {
  let e = s.indexOf(', ', at);
  while (e >= 0) {
    let j = e + 2;
    const lim = Math.min(s.length, j + MAX_KEY);
    while (j < lim) {
      const ch = s.charCodeAt(j);
      if (!((ch >= 97 && ch <= 122) || ch === 95)) break;
      j++;
    }
    if (j > e + 2 && s.charCodeAt(j) === 61 /* = */) break;
    e = s.indexOf(', ', e + 2);
  }
  return e < 0 ? s.slice(at) : s.slice(at, e);
}

/** `QID: proxy-accept|proxy-reject: END-OF-MESSAGE: reply; from=<..> ...` (smtpd_proxy_filter). */
function proxyLine(c: Ctx, s: string, qid: string | undefined, wordLen: number): LogEvent | null {
  const w0 = wordLen + 2;
  const w1 = s.indexOf(': ', w0);
  if (w1 < 0 || w1 - w0 > 20) return null;
  const semi = suffixStart(s, w1);
  const replyText = semi > w1 ? s.slice(w1 + 2, semi) : s.slice(w1 + 2);
  const reply = parseReply(replyText);
  if (s.startsWith('proxy-accept')) {
    // The before-queue filter's MTA took the message as "queued as X": that binds this
    // SMTP session (the real client, its HELO) to X, like a `client=` line would.
    const qa = reply.text.lastIndexOf('queued as ');
    const id = qa >= 0 ? queuedAsId(reply.text, qa + 10) : undefined;
    if (id === undefined) {
      if (qid === undefined) return noiseEv(c, 'proxy-accept');
      return messageNoteEv(c, qid, 'proxy-accept: ' + reply.text);
    }
    const ev: MessageClientEvent = {
      kind: 'message.client',
      line: c.line,
      producer: 'postfix',
      daemon: c.daemon,
      instance: c.instance,
      queueId: id,
    };
    if (qid !== undefined && qid !== id) ev.origQueueId = qid;
    if (semi > w1) {
      const env: EnvSuffix = {};
      parseEnvSuffix(s, env, semi + 1);
      if (env.helo !== undefined) ev.helo = env.helo;
      if (env.proto !== undefined) ev.proto = env.proto;
    }
    return ev;
  }
  const ev: RejectEvent = {
    kind: 'reject',
    line: c.line,
    producer: 'postfix',
    daemon: c.daemon,
    instance: c.instance,
    stage: stageOf(s.slice(w0, w1)),
    action: (effectiveCode(reply) ?? 500) < 500 ? 'defer' : 'reject',
    reason: cap(reply.text),
    by: 'proxy',
  };
  if (qid !== undefined) ev.queueId = qid;
  if (reply.code !== undefined) ev.code = reply.code;
  if (reply.dsn !== undefined) ev.dsn = reply.dsn;
  if (semi > w1) parseEnvSuffix(s, ev, semi + 1);
  return ev;
}

/** The queue id in `queued as X` (followed by end, space, `)` or `;`), or undefined. */
export function queuedAsId(s: string, at: number): string | undefined {
  let e = at;
  while (e < s.length && e - at <= 20) {
    const ch = s.charCodeAt(e);
    if (ch === 32 || ch === 41 || ch === 59 || ch === 44) break;
    e++;
  }
  const id = s.slice(at, e);
  return queueIdLength(id + ': ') === id.length && id.length > 0 ? id : undefined;
}

const TLS_TRUST = ['Anonymous', 'Trusted', 'Verified', 'Untrusted'];

/** The TLS_TRUST word that is all of s[0, end), or undefined (no slice taken to compare). */
function trustWord(s: string, end: number): string | undefined {
  for (const t of TLS_TRUST) if (t.length === end && s.startsWith(t)) return t;
  return undefined;
}

export function parseSmtpd(c: Ctx, s: string): LogEvent {
  const c0 = s.charCodeAt(0);
  if (c0 === 99 /* c */ && s.startsWith('connect from ')) {
    const ha = parseHostAddr(s, 13);
    if (ha !== null) {
      if (ha.port === undefined && ha.host !== '') {
        // smtpd's usual `host[ip]` in one literal: fields added after an object's literal
        // go to a second, growable store (one more allocation for an event kept while its
        // session is open).
        return {
          kind: 'session.connect',
          line: c.line,
          producer: 'postfix',
          daemon: c.daemon,
          instance: c.instance,
          clientHost: cap(ha.host),
          clientIp: ha.ip,
        };
      }
      const ev: SessionConnectEvent = {
        kind: 'session.connect',
        line: c.line,
        producer: 'postfix',
        daemon: c.daemon,
        instance: c.instance,
      };
      setClient(ev, ha);
      return ev;
    }
  } else if (c0 === 100 /* d */ && s.startsWith('disconnect from ')) {
    const ha = parseHostAddr(s, 16);
    if (ha !== null) {
      if (ha.port === undefined && ha.host !== '' && s.charCodeAt(ha.end) === 32) {
        // `host[ip] ehlo=1 ... commands=N` in one literal, as for connect
        return {
          kind: 'session.disconnect',
          line: c.line,
          producer: 'postfix',
          daemon: c.daemon,
          instance: c.instance,
          clientHost: cap(ha.host),
          clientIp: ha.ip,
          commands: cap(s.slice(ha.end + 1)),
        };
      }
      const ev: SessionDisconnectEvent = {
        kind: 'session.disconnect',
        line: c.line,
        producer: 'postfix',
        daemon: c.daemon,
        instance: c.instance,
      };
      setClient(ev, ha);
      if (s.charCodeAt(ha.end) === 32) ev.commands = cap(s.slice(ha.end + 1));
      return ev;
    }
  } else if (c0 === 108 /* l */ && s.startsWith('lost connection after ')) {
    const ev = afterLine(c, s, 22);
    if (ev !== null) return ev;
  } else if (c0 === 116 /* t */) {
    if (s.startsWith('timeout after ')) {
      const ev = afterLine(c, s, 14);
      if (ev !== null) return ev;
    } else if (s.startsWith('too many errors after ')) {
      const ev = afterLine(c, s, 22);
      if (ev !== null) return ev;
    }
  } else if (c0 === 105 /* i */ && s.startsWith('improper command pipelining after ')) {
    const ev = afterLine(c, s, 34);
    if (ev !== null) return ev;
  } else if (c0 === 119 /* w */ && s.startsWith('warning: ')) {
    return warning(c, s.slice(9));
  } else if (c0 === 78 /* N */ && s.startsWith('NOQUEUE: ')) {
    const rest = s.slice(9);
    // smtpd_proxy_filter: the client is announced before any queue id exists.
    if (rest.startsWith('client=')) return sessionNote(c, 'NOQUEUE client', rest, 7);
    // `NOQUEUE: lost connection after ...` (some builds prefix session lines)
    if (rest.startsWith('lost connection after ')) {
      const ev = afterLine(c, rest, 22);
      if (ev !== null) return ev;
    }
    if (rest.startsWith('proxy-')) {
      const ev = proxyLine(c, rest, undefined, rest.indexOf(':'));
      if (ev !== null) return ev;
    }
    const ev = parseAccessLine(c, rest, undefined);
    if (ev !== null) return ev;
    return unrecognisedEv(c);
  } else if (c0 === 83 /* S */ && s.startsWith('SSL_accept error from ')) {
    const ev = sessionNote(c, 'SSL_accept error', s, 22);
    return ev;
  } else if (s.startsWith('setting up TLS connection from ')) {
    return sessionNote(c, 'setting up TLS connection', s, 31);
  } else if (c0 === 98 /* b */ && s.startsWith('bare <LF> received after ')) {
    const ev = afterLine(c, s, 26);
    if (ev !== null) return ev;
  } else if (c0 === 112 /* p */ && s.startsWith('proxy-')) {
    // Without a queue id (before-queue filter): `proxy-accept: END-OF-MESSAGE: ... queued as X; from=<..>`
    const ev = proxyLine(c, s, undefined, s.indexOf(':'));
    if (ev !== null) return ev;
  }
  // TLS summary: `Anonymous|Trusted|Verified|Untrusted TLS connection established from ...`
  if (c0 === 65 || c0 === 84 || c0 === 86 || c0 === 85) {
    const sp = s.indexOf(' ');
    const trust =
      sp > 0 && sp <= 9 && s.startsWith(' TLS connection established from ', sp)
        ? trustWord(s, sp)
        : undefined;
    if (trust !== undefined) {
      const ev = tlsLine(c, s, trust, sp + 33);
      if (ev !== null) return ev;
    }
  }
  const n = queueIdLength(s);
  if (n > 0) {
    const qid = s.slice(0, n);
    // `client=` is read from s itself (clientLine only looks forward from its start)
    if (s.startsWith('client=', n + 2)) {
      const ev = clientLine(c, s, qid, n + 9);
      if (ev !== null) return ev;
      return unrecognisedEv(c, qid);
    }
    const rest = s.slice(n + 2);
    if (rest.startsWith('proxy-')) {
      const ev = proxyLine(c, rest, qid, rest.indexOf(':'));
      if (ev !== null) return ev;
    } else {
      const ev = parseAccessLine(c, rest, qid);
      if (ev !== null) return ev;
    }
    return unrecognisedEv(c, qid);
  }
  return generic(c, s);
}

/** Lines every Postfix daemon may write: warnings, fatal errors, statistics. */
export function generic(c: Ctx, s: string): LogEvent {
  if (s.startsWith('warning: ')) return warningEv(c, s.slice(9));
  if (s.startsWith('fatal: ') || s.startsWith('panic: ') || s.startsWith('error: ')) {
    return noiseEv(c, s.slice(0, s.indexOf(':')));
  }
  if (s.startsWith('statistics: ')) return noiseEv(c, 'statistics');
  if (s.startsWith('table ') && s.endsWith(' has changed -- restarting')) return noiseEv(c, 'table changed');
  if (s.startsWith('discarding EHLO keywords: ')) return noiseEv(c, 'discarding EHLO keywords');
  if (s.startsWith('cache ') && (s.indexOf(' full cleanup: ') > 0 || s.indexOf(' partial cleanup: ') > 0)) {
    return noiseEv(c, 'cache cleanup');
  }
  return unrecognisedEv(c);
}
