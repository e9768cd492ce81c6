/**
 * Queue manager and delivery agents: qmgr/oqmgr (envelope sender, size, recipient count,
 * removal, expiry) and smtp/lmtp/local/virtual/pipe/error/discard/retry (one status line
 * per recipient, with the next hop's "queued as X" when it is Postfix).
 */
import type { DeliveryEvent, EnvelopeEvent, LogEvent, MessageNoteEvent, SessionTlsEvent } from '../event.js';
import {
  type Ctx,
  type Sample,
  knownWord,
  MAX_POSTFIX_FIELD_CHARS,
  cap,
  messageClosedEv,
  messageNoteEv,
  noiseEv,
  parseHostAddr,
  queueIdLength,
  unrecognisedEv,
} from './common.js';
import { generic, queuedAsId } from './smtpd.js';

export const QMGR_SAMPLES: readonly Sample[] = [
  {
    program: 'postfix/qmgr',
    message: '4F9D195432: from=<alice@example.com>, status=force-expired, returned to sender',
    kind: 'message.closed',
  },
  {
    program: 'postfix/oqmgr',
    message: '4F9D195432: from=<alice@example.com>, size=2145, nrcpt=1 (queue active)',
    kind: 'envelope',
  },

  {
    program: 'postfix/qmgr',
    message: '4F9D195432: from=<alice@example.com>, size=2145, nrcpt=1 (queue active)',
    kind: 'envelope',
  },
  {
    program: 'postfix/qmgr',
    message: '4F9D195432: from=<>, size=3876, nrcpt=1 (queue active)',
    kind: 'envelope',
  },
  { program: 'postfix/qmgr', message: '4F9D195432: removed', kind: 'message.closed' },
  {
    program: 'postfix/qmgr',
    message: '4F9D195432: from=<alice@example.com>, status=expired, returned to sender',
    kind: 'message.closed',
  },
  {
    program: 'postfix/qmgr',
    message:
      '4F9D195432: to=<bob@example.org>, relay=none, delay=3600, delays=3600/0.01/0/0, dsn=4.4.1, status=deferred (delivery temporarily suspended: connect to mx.example.org[192.0.2.80]:25: Connection refused)',
    kind: 'delivery',
  },
  { program: 'postfix/qmgr', message: '4F9D195432: skipped, still being delivered', kind: 'message.note' },
  {
    program: 'postfix/qmgr',
    message: 'warning: private/smtp socket: malformed response',
    kind: 'noise',
  },
];

export const DELIVERY_SAMPLES: readonly Sample[] = [
  {
    program: 'postfix/smtp',
    message: 'SSL_connect error to mx.example.org[192.0.2.80]:25: lost connection',
    kind: 'noise',
  },
  {
    program: 'postfix/smtp',
    message:
      'certificate verification failed for mx.example.org[192.0.2.80]:25: untrusted issuer /CN=Example CA',
    kind: 'noise',
  },
  {
    program: 'postfix/smtp',
    message:
      '4F9D195432: to=<bob@example.org>, relay=none, delay=0.1, delays=0.1/0/0/0, dsn=5.1.0, status=undeliverable (bad address syntax)',
    kind: 'delivery',
  },
  {
    program: 'postfix/retry',
    message:
      '4F9D195432: to=<bob@example.org>, relay=none, delay=300, delays=300/0/0/0, dsn=4.4.1, status=deferred (delivery temporarily suspended: connect to mx.example.org[192.0.2.80]:25: Connection refused)',
    kind: 'delivery',
  },
  {
    program: 'postfix/lmtp',
    message:
      '4F9D195432: conversation with mail.example.org[private/dovecot-lmtp] timed out while sending end of data -- message may be sent more than once',
    kind: 'message.note',
  },

  {
    program: 'postfix/smtp',
    message: '4F9D195432: TLS is required, but was not offered by host mx.example.org[192.0.2.80]',
    kind: 'message.note',
  },
  {
    program: 'postfix/smtp',
    message:
      '4F9D195432: to=<bob@example.org>, relay=mx.example.org[192.0.2.80]:25, delay=0.5, delays=0.1/0.01/0.2/0.19, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 5C2E3F4A1B)',
    kind: 'delivery',
  },
  {
    program: 'postfix/smtp',
    message:
      '4Mh5z73yD5z9v0d: to=<bob@example.org>, orig_to=<b@example.org>, relay=mx.example.org[2001:db8::80]:25, conn_use=2, delay=1.2, delays=0.7/0/0.1/0.4, dsn=5.7.1, status=bounced (host mx.example.org[2001:db8::80] said: 550 5.7.1 Rejected (in reply to RCPT TO command))',
    kind: 'delivery',
  },
  {
    program: 'postfix/lmtp',
    message:
      '4F9D195432: to=<bob@example.org>, relay=mail.example.org[private/dovecot-lmtp], delay=0.1, delays=0.05/0/0/0.05, dsn=2.0.0, status=sent (250 2.0.0 <bob@example.org> Saved)',
    kind: 'delivery',
  },
  {
    program: 'postfix/local',
    message:
      '4F9D195432: to=<root@mail.example.com>, orig_to=<root>, relay=local, delay=0.02, delays=0.01/0/0/0.01, dsn=2.0.0, status=sent (forwarded as 5C2E3F4A1B)',
    kind: 'delivery',
  },
  {
    program: 'postfix/virtual',
    message:
      '4F9D195432: to=<bob@example.org>, relay=virtual, delay=0.1, delays=0.05/0/0/0.05, dsn=2.0.0, status=sent (delivered to maildir)',
    kind: 'delivery',
  },
  {
    program: 'postfix/pipe',
    message:
      '4F9D195432: to=<bob@example.org>, relay=dovecot, delay=0.1, delays=0.05/0/0/0.05, dsn=2.0.0, status=sent (delivered via dovecot service)',
    kind: 'delivery',
  },
  {
    program: 'postfix/error',
    message:
      '4F9D195432: to=<bob@example.org>, relay=none, delay=12, delays=12/0/0/0, dsn=4.4.1, status=deferred (delivery temporarily suspended: connect to mx.example.org[192.0.2.80]:25: Connection timed out)',
    kind: 'delivery',
  },
  {
    program: 'postfix/discard',
    message:
      '4F9D195432: to=<bob@example.org>, relay=none, delay=0.1, delays=0.1/0/0/0, dsn=2.0.0, status=discarded (example.org)',
    kind: 'delivery',
  },
  {
    program: 'postfix/smtp',
    message:
      '4F9D195432: host mx.example.org[192.0.2.80] said: 451 4.7.1 Greylisted, try again later (in reply to RCPT TO command)',
    kind: 'message.note',
  },
  {
    program: 'postfix/smtp',
    message:
      '4F9D195432: lost connection with mx.example.org[192.0.2.80] while sending end of data -- message may be sent more than once',
    kind: 'message.note',
  },
  {
    program: 'postfix/smtp',
    message:
      '4F9D195432: conversation with mx.example.org[192.0.2.80] timed out while receiving the initial server greeting',
    kind: 'message.note',
  },
  {
    program: 'postfix/smtp',
    message: 'connect to mx.example.org[192.0.2.80]:25: Connection refused',
    kind: 'noise',
  },
  {
    program: 'postfix/smtp',
    message:
      'Trusted TLS connection established to mx.example.org[192.0.2.80]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)',
    kind: 'session.tls',
  },
  { program: 'postfix/smtp', message: 'discarding EHLO keywords: CHUNKING', kind: 'noise' },
  {
    program: 'postfix/smtp',
    message:
      '4F9D195432: enabling PIX workarounds: disable_esmtp delay_dotcrlf for mx.example.org[192.0.2.80]:25',
    kind: 'message.note',
  },
];

/** Keys a delivery/queue status line may hold before `status=`. */
const MAX_FIELDS = 16;

interface Fields {
  to: string | undefined;
  origTo: string | undefined;
  from: string | undefined;
  relay: string | undefined;
  delay: number | undefined;
  dsn: string | undefined;
  size: number | undefined;
  nrcpt: number | undefined;
  status: string | undefined;
  /** Text after the status word (`(detail)`, `, returned to sender`, ` (queue active)`). */
  tail: string | undefined;
}

/**
 * The one Fields object parseFields fills (reset per line, read by its caller before the
 * next line): a status line costs no object of its own besides its event.
 */
const FIELDS: Fields = {
  to: undefined,
  origTo: undefined,
  from: undefined,
  relay: undefined,
  delay: undefined,
  dsn: undefined,
  size: undefined,
  nrcpt: undefined,
  status: undefined,
  tail: undefined,
};

/** The keys parseFields keeps ('' for the others, e.g. conn_use and delays, which are skipped). */
type Key = 'to' | 'orig_to' | 'from' | 'relay' | 'delay' | 'dsn' | 'size' | 'nrcpt' | 'status' | '';

/** Which key s[pos, eq) is, told apart by length then compared in place (no slice per key); the constants compare by pointer. */
function keyAt(s: string, pos: number, eq: number): Key {
  switch (eq - pos) {
    case 2:
      return s.startsWith('to', pos) ? 'to' : '';
    case 3:
      return s.startsWith('dsn', pos) ? 'dsn' : '';
    case 4:
      return s.startsWith('from', pos) ? 'from' : s.startsWith('size', pos) ? 'size' : '';
    case 5:
      if (s.startsWith('relay', pos)) return 'relay';
      if (s.startsWith('delay', pos)) return 'delay';
      return s.startsWith('nrcpt', pos) ? 'nrcpt' : '';
    case 6:
      return s.startsWith('status', pos) ? 'status' : '';
    case 7:
      return s.startsWith('orig_to', pos) ? 'orig_to' : '';
    default:
      return '';
  }
}

/** Words a status line repeats, as constants (no string of their own per line). */
const STATUSES = ['sent', 'deferred', 'bounced', 'expired', 'force-expired', 'deliverable', 'undeliverable'];
const RELAYS = ['local', 'none', 'virtual'];
const DSNS = ['2.0.0', '2.6.0', '4.4.1', '4.4.2', '4.4.3', '4.7.1', '4.0.0', '5.0.0', '5.1.1', '5.7.1'];

/** Digits in the fast path below: any 15-digit mantissa is exact in a double. */
const MAX_FAST_DIGITS = 15;
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Number(s.slice(from, end)) without the slice for the shapes Postfix writes (`78616`,
 * `0.8`): up to 15 digits with at most one inner `.`. The integer mantissa and the power
 * of ten are both exact, so one division rounds exactly as Number() parsing does; any
 * other text goes to Number() itself.
 */
export function numberIn(s: string, from: number, end: number): number {
  let m = 0;
  let digits = 0;
  let dot = -1;
  // Hand-written: reads the value in place instead of slicing a string per number.
  for (let i = from; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
    } else if (c === 46 && dot < 0 && i > from && i + 1 < end) dot = i;
    else return Number(s.slice(from, end));
  }
  if (digits === 0 || digits > MAX_FAST_DIGITS) return Number(s.slice(from, end));
  return dot < 0 ? m : m / (POW10[end - dot - 1] ?? 1);
}

/** Parse `key=value, key=<value>, ... status=word rest` starting at `s[0]`. */
function parseFields(s: string, start: number): Fields | null {
  const f = FIELDS;
  f.to = f.origTo = f.from = f.relay = f.dsn = f.status = f.tail = undefined;
  f.delay = f.size = f.nrcpt = undefined;
  let pos = start;
  for (let n = 0; n < MAX_FIELDS && pos < s.length; n++) {
    const eq = s.indexOf('=', pos);
    if (eq <= pos || eq - pos > 20) return null;
    const key = keyAt(s, pos, eq);
    if (key === 'status') {
      let e = eq + 1;
      while (e < s.length) {
        const ch = s.charCodeAt(e);
        if (ch === 32 || ch === 44) break;
        e++;
      }
      f.status =
        e - eq - 1 <= MAX_POSTFIX_FIELD_CHARS ? knownWord(s, eq + 1, e, STATUSES) : s.slice(eq + 1, e);
      if (e < s.length) f.tail = s.slice(e);
      return f;
    }
    let vStart: number;
    let vEnd: number;
    let next: number;
    if (s.charCodeAt(eq + 1) === 60 /* < */) {
      // `<addr>` then `, ` or the end / a space (nrcpt ... (queue active))
      let close = s.indexOf('>, ', eq + 2);
      if (close < 0) close = s.lastIndexOf('>');
      if (close < eq + 1) return null;
      vStart = eq + 2;
      vEnd = close;
      next = close + 1;
    } else {
      let e = s.indexOf(', ', eq + 1);
      if (e < 0) e = s.length;
      vStart = eq + 1;
      vEnd = e;
      next = e;
    }
    // Values of the keys nobody reads are not sliced out; numbers and the common words
    // are read in place.
    switch (key) {
      case 'to':
        f.to = cap(s.slice(vStart, vEnd));
        break;
      case 'orig_to':
        f.origTo = cap(s.slice(vStart, vEnd));
        break;
      case 'from':
        f.from = cap(s.slice(vStart, vEnd));
        break;
      case 'relay':
        f.relay = knownWord(s, vStart, vEnd, RELAYS);
        break;
      case 'delay': {
        const d = numberIn(s, vStart, vEnd);
        if (Number.isFinite(d)) f.delay = d;
        break;
      }
      case 'dsn':
        f.dsn = knownWord(s, vStart, vEnd, DSNS);
        break;
      case 'size': {
        const v = numberIn(s, vStart, vEnd);
        if (Number.isFinite(v)) f.size = v;
        break;
      }
      case 'nrcpt': {
        // `nrcpt=1 (queue active)`
        const sp = s.indexOf(' ', vStart);
        const hasSp = sp >= 0 && sp < vEnd;
        const v = numberIn(s, vStart, hasSp ? sp : vEnd);
        if (Number.isFinite(v)) f.nrcpt = v;
        if (hasSp && sp > vStart) f.tail = s.slice(sp, vEnd);
        break;
      }
    }
    if (next >= s.length) return f;
    if (s.charCodeAt(next) !== 44 || s.charCodeAt(next + 1) !== 32) {
      f.tail = s.slice(next);
      return f;
    }
    pos = next + 2;
  }
  return f;
}

function delivery(c: Ctx, qid: string | undefined, f: Fields): DeliveryEvent | null {
  const { to, status, origTo, relay, dsn, delay, tail } = f;
  if (to === undefined || status === undefined) return null;
  let detail: string | undefined;
  let queuedAs: string | undefined;
  if (tail !== undefined) {
    const open = tail.indexOf('(');
    const close = tail.lastIndexOf(')');
    if (open >= 0 && close > open) {
      const d = tail.slice(open + 1, close);
      detail = cap(d);
      const qa = d.lastIndexOf('queued as ');
      const fa = qa < 0 ? d.indexOf('forwarded as ') : -1;
      queuedAs = qa >= 0 ? queuedAsId(d, qa + 10) : fa >= 0 ? queuedAsId(d, fa + 13) : undefined;
    }
  }
  if (
    qid !== undefined &&
    origTo === undefined &&
    relay !== undefined &&
    dsn !== undefined &&
    delay !== undefined &&
    detail !== undefined &&
    queuedAs === undefined
  ) {
    // The usual status line in one literal: fields added after a literal go to a second
    // store, grown (copied) every few fields.
    return {
      kind: 'delivery',
      line: c.line,
      producer: 'postfix',
      daemon: c.daemon,
      instance: c.instance,
      to,
      status,
      queueId: qid,
      relay,
      dsn,
      delay,
      detail,
    };
  }
  const ev: DeliveryEvent = {
    kind: 'delivery',
    line: c.line,
    producer: 'postfix',
    daemon: c.daemon,
    instance: c.instance,
    to,
    status,
  };
  if (qid !== undefined) ev.queueId = qid;
  if (origTo !== undefined) ev.origTo = origTo;
  if (relay !== undefined) ev.relay = relay;
  if (dsn !== undefined) ev.dsn = dsn;
  if (delay !== undefined) ev.delay = delay;
  if (detail !== undefined) ev.detail = detail;
  if (queuedAs !== undefined) ev.queuedAs = queuedAs;
  return ev;
}

export function parseQmgr(c: Ctx, s: string): LogEvent {
  const n = queueIdLength(s);
  if (n === 0) return generic(c, s);
  const qid = s.slice(0, n);
  // The usual lines are read from s itself (no copy of the text after the queue id).
  const at = n + 2;
  if (s.length === at + 7 && s.startsWith('removed', at)) return messageClosedEv(c, qid, 'removed');
  if (s.startsWith('from=', at)) {
    const f = parseFields(s, at);
    if (f !== null && f.from !== undefined) {
      // `status=expired, returned to sender`; postsuper -e gives `force-expired`.
      if (f.status === 'expired' || f.status === 'force-expired') return messageClosedEv(c, qid, 'expired');
      if (f.status === undefined) {
        if (f.size !== undefined && f.nrcpt !== undefined) {
          // `from=<a>, size=N, nrcpt=N (queue active)` in one literal (see delivery)
          return {
            kind: 'envelope',
            line: c.line,
            producer: 'postfix',
            daemon: c.daemon,
            instance: c.instance,
            queueId: qid,
            from: f.from,
            size: f.size,
            nrcpt: f.nrcpt,
          };
        }
        const ev: EnvelopeEvent = {
          kind: 'envelope',
          line: c.line,
          producer: 'postfix',
          daemon: c.daemon,
          instance: c.instance,
          queueId: qid,
          from: f.from,
        };
        if (f.size !== undefined) ev.size = f.size;
        if (f.nrcpt !== undefined) ev.nrcpt = f.nrcpt;
        return ev;
      }
    }
  } else if (s.startsWith('to=', at)) {
    const ev = f2d(c, qid, s, at);
    if (ev !== null) return ev;
  } else if (s.startsWith('skipped, ', at) || s.startsWith('warning: ', at)) {
    return messageNoteEv(c, qid, s.slice(at));
  }
  return unrecognisedEv(c, qid);
}

function f2d(c: Ctx, qid: string | undefined, s: string, at: number): DeliveryEvent | null {
  const f = parseFields(s, at);
  return f === null ? null : delivery(c, qid, f);
}

/** Notes a delivery agent writes about one queued message. */
const NOTE_PREFIXES = [
  'host ',
  'lost connection with ',
  'conversation with ',
  'enabling PIX ',
  'Cannot start TLS',
  'TLS is required, but ',
  'SMTPUTF8 is required, but ',
  'Server certificate not ',
  'SASL authentication failed',
  'SASL [CACHED] authentication failed',
  'breaking line',
  'warning: ',
  'sender non-delivery notification: ',
  'sender delivery status notification: ',
  'sender delay notification: ',
  'postmaster non-delivery notification: ',
  'postmaster delay notification: ',
];

/** Bounce/defer/trace notices: `QID: sender non-delivery notification: NEWQID`. */
export function notificationNote(c: Ctx, qid: string, r: string): MessageNoteEvent | null {
  const k = r.indexOf(' notification: ');
  if (k <= 0 || k > 40) return null;
  const id = r.slice(k + 15);
  return messageNoteEv(c, qid, r.slice(0, k + 13), isId(id) ? id : undefined);
}

function isId(id: string): boolean {
  return id.length > 0 && queueIdLength(id + ': ') === id.length;
}

export function parseDeliveryAgent(c: Ctx, s: string): LogEvent {
  const n = queueIdLength(s);
  if (n > 0) {
    const qid = s.slice(0, n);
    if (s.startsWith('to=', n + 2)) {
      const ev = f2d(c, qid, s, n + 2);
      if (ev !== null) return ev;
    } else {
      const r = s.slice(n + 2);
      const nt = notificationNote(c, qid, r);
      if (nt !== null) return nt;
      for (const p of NOTE_PREFIXES) if (r.startsWith(p)) return messageNoteEv(c, qid, r);
      // smtp_header_checks / smtp_body_checks on the way out: `QID: replace: header Subject: ...`
      const hc = r.indexOf(': ');
      if (hc > 0 && hc < 16 && (r.startsWith('header ', hc + 2) || r.startsWith('body ', hc + 2))) {
        return messageNoteEv(c, qid, r);
      }
    }
    return unrecognisedEv(c, qid);
  }
  // A status line without queue id (some test suites strip it).
  if (s.startsWith('to=<')) {
    const ev = f2d(c, undefined, s, 0);
    if (ev !== null) return ev;
  }
  if (s.startsWith('connect to ')) return noiseEv(c, 'connect failed');
  // Outbound TLS trouble: about the next hop, not about any message's origin.
  if (
    s.startsWith('SSL_connect error to ') ||
    s.startsWith('certificate verification failed for ') ||
    s.startsWith('server certificate verification failed for ') ||
    s.startsWith('Host offered STARTTLS: ')
  ) {
    return noiseEv(c, 'outbound TLS');
  }
  const sp = s.indexOf(' ');
  if (sp > 0 && sp <= 9 && s.startsWith(' TLS connection established to ', sp)) {
    // The peer is a server here, not a client: kept in the raw line only.
    const ha = parseHostAddr(s, sp + 31);
    const ev: SessionTlsEvent = {
      kind: 'session.tls',
      line: c.line,
      producer: 'postfix',
      daemon: c.daemon,
      instance: c.instance,
      tlsTrust: s.slice(0, sp),
    };
    if (ha !== null && s.charCodeAt(ha.end) === 58) {
      const w = s.indexOf(' with cipher ', ha.end);
      if (w > 0) {
        ev.tlsProtocol = cap(s.slice(ha.end + 2, w));
        const e = s.indexOf(' ', w + 13);
        ev.tlsCipher = cap(e < 0 ? s.slice(w + 13) : s.slice(w + 13, e));
      }
    }
    return ev;
  }
  return generic(c, s);
}
