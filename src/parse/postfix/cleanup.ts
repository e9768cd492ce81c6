/**
 * postfix/cleanup: the Message-ID of each queued message, header_checks / body_checks
 * actions (the only place Postfix itself logs a header such as From: or Reply-To:),
 * milter_header_checks, and the milter verdicts applied at end of data.
 *
 * header_checks lines look like
 *   QID: warning: header From: "Alice" <alice@example.com> from host[ip]; from=<x> to=<y> proto=ESMTP helo=<h>[: text]
 * Postfix cuts the header text at 200 characters (60 for milter_header_checks) before
 * appending ` from host[ip];`, so a long header is marked truncated. The header value
 * is attacker-written and may itself hold `; from=<`: the real suffix is the LAST one.
 */
import type { HeaderEvent, LogEvent, MessageIdEvent, MessagePickupEvent } from '../event.js';
import {
  type Ctx,
  type EnvSuffix,
  knownWord,
  type HostAddr,
  type Sample,
  cap,
  messageNoteEv,
  noiseEv,
  parseAccessLine,
  parseEnvSuffix,
  parseHostAddr,
  queueIdLength,
  setClient,
  unrecognisedEv,
} from './common.js';
import { generic } from './smtpd.js';
import { MAX_HEADER_VALUE_CHARS } from '../../limits.js';
import { detached } from '../base.js';

export const SAMPLES: readonly Sample[] = [
  {
    program: 'postfix/cleanup',
    message:
      '4F9D195432: hold: mime-header Content-Disposition: attachment; filename="invoice.exe" from unknown[198.51.100.7]; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<x.test>',
    kind: 'header',
  },
  {
    program: 'postfix/cleanup',
    message:
      '4F9D195432: redirect: header From: "Payroll" <payroll@example.org> from unknown[198.51.100.7]; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<x.test>: security@example.org',
    kind: 'header',
  },
  {
    program: 'postfix/cleanup',
    message: '4F9D195432: warning: 4F9D195432: milter unix:/run/opendkim/opendkim.sock: malformed reply',
    kind: 'message.note',
  },

  {
    program: 'postfix/cleanup',
    message: '4F9D195432: message-id=<20261127101500.4F9D195432@mail.example.com>',
    kind: 'message.id',
  },
  { program: 'postfix/cleanup', message: '4F9D195432: message-id=', kind: 'message.id' },
  {
    program: 'postfix/cleanup',
    message: '4F9D195432: message-id=no-brackets@example.com',
    kind: 'message.id',
  },
  {
    program: 'postfix/cleanup',
    message: '4F9D195432: resent-message-id=<resent.1@example.com>',
    kind: 'message.note',
  },
  {
    program: 'postfix/cleanup',
    message:
      '4F9D195432: warning: header From: "Alice" <alice@example.com> from mx.example.net[192.0.2.44]; from=<bounce@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    kind: 'header',
  },
  {
    program: 'postfix/cleanup',
    message:
      '4F9D195432: info: header Reply-To: <pay@example.net> from mx.example.net[192.0.2.44]; from=<bounce@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>: logged reply-to',
    kind: 'header',
  },
  {
    program: 'postfix/cleanup',
    message:
      '4F9D195432: reject: header Subject: invoice.zip from mx.example.net[192.0.2.44]; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>: 5.7.1 Attachment rejected',
    kind: 'header',
  },
  {
    program: 'postfix/cleanup',
    message:
      '4F9D195432: replace: header MIME-Version: 1.0 from unknown[198.51.100.7]; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<x.test>: Mime-Version: 1.0',
    kind: 'header',
  },
  {
    program: 'postfix/cleanup',
    message:
      '4F9D195432: warning: header Received: by mail.example.com (Postfix, from userid 0)??id 1A2B3C4D5E; Fri, 27 Nov 2026 10:15:00 +0000 (UTC) from local; from=<root@mail.example.com> to=<ops@example.com>',
    kind: 'header',
  },
  {
    program: 'postfix/cleanup',
    message:
      '4F9D195432: discard: body Click here to claim from mx.example.net[192.0.2.44]; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>: spam body',
    kind: 'header',
  },
  {
    program: 'postfix/cleanup',
    message:
      '4F9D195432: milter-header-warning: header Authentication-Results: mail.example.org; dmarc=fail header.from=examp from mx.example.net[192.0.2.44]; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    kind: 'header',
  },
  {
    program: 'postfix/cleanup',
    message:
      '4F9D195432: milter-reject: END-OF-MESSAGE from mx.example.net[192.0.2.44]: 5.7.1 rejected by DMARC policy for example.org; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    kind: 'reject',
  },
  {
    program: 'postfix/cleanup',
    message:
      '4F9D195432: milter-discard: END-OF-MESSAGE from mx.example.net[192.0.2.44]: milter triggers DISCARD action; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    kind: 'reject',
  },
  {
    program: 'postfix/cleanup',
    message:
      '4F9D195432: milter-hold: END-OF-MESSAGE from mx.example.net[192.0.2.44]: milter triggers HOLD action; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    kind: 'reject',
  },
  { program: 'postfix/cleanup', message: '4F9D195432: uid=1000 from=<alice>', kind: 'message.pickup' },
  {
    program: 'postfix/cleanup',
    message:
      "warning: milter inet:127.0.0.1:8891: can't read SMFIC_BODYEOB reply packet header: Connection reset by peer",
    kind: 'noise',
  },
  {
    program: 'postfix/cleanup',
    message: '4F9D195432: milter inet:127.0.0.1:8891: service unavailable',
    kind: 'message.note',
  },
];

/** Header text Postfix keeps before appending ` from ...` (%.200s; %.60s for milter_header_checks). */
export const HEADER_CHECK_CUT = 200;
export const MILTER_HEADER_CHECK_CUT = 60;

/** What a header/body_checks rule matched: Postfix's `class` word in the log line. */
const CLASSES = ['header ', 'body ', 'mime-header ', 'nested-header ', 'content '];

/**
 * `ACTION: header NAME: VALUE from host[ip]; from=<..> ...` (and `body TEXT ...`).
 * `s` starts at the action word; `milter` when it is `milter-header-ACTION:`.
 */
function headerCheck(c: Ctx, s: string, qid: string): HeaderEvent | null {
  const colon = s.indexOf(': ');
  if (colon <= 0 || colon > 40) return null;
  let action = knownWord(s, 0, colon, ACTIONS);
  let milter = false;
  let cut = HEADER_CHECK_CUT;
  if (action.startsWith('milter-')) {
    // milter-header-warning, milter-body-reject ...
    const dash = action.indexOf('-', 7);
    if (dash < 0) return null;
    action = knownWord(s, dash + 1, colon, ACTIONS);
    milter = true;
    cut = MILTER_HEADER_CHECK_CUT;
  }
  if (action.length === 0 || action.indexOf(' ') >= 0) return null;
  const t0 = colon + 2;
  let cls = '';
  for (const k of CLASSES) {
    if (s.startsWith(k, t0)) {
      cls = k;
      break;
    }
  }
  if (cls === '') return null;
  const textStart = t0 + cls.length;
  // The suffix: last `; from=<` (sender known) or ` from local;`/` from h[ip];` alone.
  // Its parts are read into locals first, so the usual line's event is built in one
  // literal below (fields added after a literal need a second store, grown per field).
  let textEnd = -1;
  let ha: HostAddr | null = null;
  const env = ENV;
  env.from = env.to = env.proto = env.helo = undefined;
  const semi = s.lastIndexOf('; from=<');
  let suffixFound = false;
  if (semi > textStart) {
    const f = s.lastIndexOf(' from ', semi);
    if (f >= textStart) {
      if (s.startsWith(' from local', f) && f + 11 === semi) {
        textEnd = f;
        suffixFound = true;
      } else {
        ha = parseHostAddr(s, f + 6);
        if (ha !== null && ha.end === semi) {
          textEnd = f;
          suffixFound = true;
        } else ha = null;
      }
    }
    if (suffixFound) parseEnvSuffix(s, env, semi + 1);
  }
  if (!suffixFound) {
    // No sender known (rare) or the line was cut: ` from h[ip];` at the end.
    const semi2 = s.lastIndexOf(';');
    const f = semi2 > textStart ? s.lastIndexOf(' from ', semi2) : -1;
    if (f >= textStart) {
      ha = s.startsWith(' from local;', f) ? null : parseHostAddr(s, f + 6);
      if (s.startsWith(' from local;', f) || (ha !== null && ha.end === semi2)) {
        textEnd = f;
        suffixFound = true;
        // ` to=<y> proto=P helo=<h>` without a sender: nothing before the first field.
        if (semi2 + 1 < s.length) parseEnvSuffix(s, env, semi2 + 1);
      } else ha = null;
    }
  }
  // The header text is s[textStart, tEnd): name and value are cut from s itself.
  const tEnd = textEnd >= 0 ? textEnd : s.length;
  let truncated = !suffixFound || tEnd - textStart >= cut - 1;
  let name: string;
  let value = '';
  if (cls === 'body ' || cls === 'content ') {
    name = cls === 'body ' ? '(body)' : '(content)';
    value = s.slice(textStart, tEnd);
  } else {
    const nc = s.indexOf(':', textStart);
    if (nc <= textStart || nc >= tEnd) {
      name = cap(s.slice(textStart, tEnd));
    } else {
      name = headerName(s, textStart, nc);
      value = s.slice(nc + 1 < tEnd && s.charCodeAt(nc + 1) === 32 ? nc + 2 : nc + 1, tEnd);
    }
  }
  if (value.length > MAX_HEADER_VALUE_CHARS) {
    value = value.slice(0, MAX_HEADER_VALUE_CHARS);
    truncated = true;
  }
  // A record keeps name and value long after the line: not as views into a long line.
  name = detached(name, c.line.raw.length);
  value = detached(value, c.line.raw.length);
  const { from, to, proto, helo } = env;
  if (
    !milter &&
    ha !== null &&
    ha.host !== '' &&
    ha.port === undefined &&
    from !== undefined &&
    to !== undefined &&
    proto !== undefined &&
    helo !== undefined
  ) {
    // The usual header_checks line: `from host[ip]; from=<..> to=<..> proto=.. helo=<..>`.
    // Field order as the general path below gives it (parseEnvSuffix reads helo first).
    return {
      kind: 'header',
      line: c.line,
      producer: 'postfix',
      daemon: c.daemon,
      instance: c.instance,
      queueId: qid,
      name,
      value,
      truncated,
      action,
      clientHost: cap(ha.host),
      clientIp: ha.ip,
      helo,
      proto,
      to,
      from,
    };
  }
  const ev: HeaderEvent = {
    kind: 'header',
    line: c.line,
    producer: 'postfix',
    daemon: c.daemon,
    instance: c.instance,
    queueId: qid,
    name,
    value,
    truncated,
    action,
  };
  if (milter) ev.milter = true;
  setClient(ev, ha);
  if (helo !== undefined) ev.helo = helo;
  if (proto !== undefined) ev.proto = proto;
  if (to !== undefined) ev.to = to;
  if (from !== undefined) ev.from = from;
  return ev;
}

/** header_checks action words, as constants (no string of their own per line). */
const ACTIONS = [
  'warning',
  'info',
  'reject',
  'discard',
  'hold',
  'replace',
  'prepend',
  'redirect',
  'filter',
  'ignore',
];

/** Header names logged most, as constants; any other is cut from the line. */
const HEADER_NAMES = [
  'From',
  'Subject',
  'Reply-To',
  'To',
  'Received',
  'Message-ID',
  'Sender',
  'Return-Path',
  'Date',
];

/** The header name s[from, end) (capped like any field). */
function headerName(s: string, from: number, end: number): string {
  return knownWord(s, from, end, HEADER_NAMES);
}

/** headerCheck's envelope suffix, read into this one object (reset per line) rather than a new one. */
const ENV: EnvSuffix = { from: undefined, to: undefined, proto: undefined, helo: undefined };

/** `message-id=<ID>` (or a bare ID) whose value starts at s[from]: cut from s in one slice. */
function messageId(c: Ctx, qid: string, s: string, from: number): MessageIdEvent {
  let id: string;
  if (s.charCodeAt(from) === 60 /* < */) {
    const close = s.lastIndexOf('>');
    id = close > from ? s.slice(from + 1, close) : s.slice(from + 1);
  } else id = s.slice(from);
  return {
    kind: 'message.id',
    line: c.line,
    producer: 'postfix',
    daemon: c.daemon,
    instance: c.instance,
    queueId: qid,
    messageId: cap(id),
  };
}

/** `uid=N from=<x>` (pickup; cleanup logs the same for some local submissions). */
export function pickupLine(c: Ctx, qid: string, s: string): MessagePickupEvent | null {
  if (!s.startsWith('uid=')) return null;
  let i = 4;
  let uid = 0;
  while (i < s.length && i < 14) {
    const ch = s.charCodeAt(i);
    if (ch < 48 || ch > 57) break;
    uid = uid * 10 + (ch - 48);
    i++;
  }
  if (i === 4) return null;
  const ev: MessagePickupEvent = {
    kind: 'message.pickup',
    line: c.line,
    producer: 'postfix',
    daemon: c.daemon,
    instance: c.instance,
    queueId: qid,
    uid,
  };
  if (s.startsWith(' from=<', i)) {
    const close = s.lastIndexOf('>');
    if (close >= i + 7) ev.from = cap(s.slice(i + 7, close));
  }
  return ev;
}

export function parseCleanup(c: Ctx, s: string): LogEvent {
  const n = queueIdLength(s);
  if (n === 0) {
    if (s.startsWith('warning: ') && queueIdLength(s, 9) === 0) {
      return noiseEv(c, s.indexOf('milter') > 0 ? 'milter warning' : 'warning');
    }
    return generic(c, s);
  }
  const qid = s.slice(0, n);
  if (s.startsWith('message-id=', n + 2)) return messageId(c, qid, s, n + 13);
  const r = s.slice(n + 2);
  const c0 = r.charCodeAt(0);
  if (c0 === 109 /* m */) {
    if (r.startsWith('milter-')) {
      const word = r.slice(0, r.indexOf(':'));
      if (word === 'milter-reject' || word === 'milter-discard' || word === 'milter-hold') {
        const ev = parseAccessLine(c, r, qid);
        if (ev !== null) return ev;
      } else {
        const ev = headerCheck(c, r, qid);
        if (ev !== null) return ev;
      }
    } else if (r.startsWith('milter ')) return messageNoteEv(c, qid, r);
  } else if (c0 === 114 /* r */ && r.startsWith('resent-message-id=')) {
    return messageNoteEv(c, qid, r);
  } else if (c0 === 117 /* u */) {
    const ev = pickupLine(c, qid, r);
    if (ev !== null) return ev;
  }
  const hc = headerCheck(c, r, qid);
  if (hc !== null) return hc;
  if (r.startsWith('warning: ')) {
    // e.g. `QID: warning: ... milter ...` per-message warnings
    return messageNoteEv(c, qid, r);
  }
  return unrecognisedEv(c, qid);
}
