/**
 * postfix/postscreen (the zombie blocker in front of smtpd), its DNS helper dnsblog and
 * the TLS helper tlsproxy. postscreen lines become `proxy` events keyed by the client's
 * ip:port; its NOQUEUE rejects become `reject` events (they carry MAIL FROM, RCPT TO
 * and HELO: a blocked spoof is evidence).
 */
import type { LogEvent, ProxyEvent, SessionNoteEvent, SessionTlsEvent } from '../event.js';
import { type Ctx, type Sample, cap, noiseEv, parseAccessLine, parseHostAddr, setClient } from './common.js';
import { generic, tlsProtocolOf } from './smtpd.js';

export const SAMPLES: readonly Sample[] = [
  { program: 'postfix/postscreen', message: 'ALLOWLIST VETO [198.51.100.7]:51234', kind: 'proxy' },
  {
    program: 'postfix/postscreen',
    message: 'cache btree:/var/lib/postfix/postscreen_cache full cleanup: retained=120 dropped=14 entries',
    kind: 'noise',
  },
  {
    program: 'postfix/postscreen',
    message:
      'NOQUEUE: reject: RCPT from [198.51.100.7]:51234: 450 4.3.2 Service currently unavailable; from=<a@example.net>, to=<bob@example.org>, proto=ESMTP, helo=<x.test>',
    kind: 'reject',
  },
  {
    program: 'postfix/dnsblog',
    message:
      'warning: dnsblog_query: lookup error for DNS query 7.100.51.198.zen.spamhaus.org: Host or domain name not found. Name service error for name=7.100.51.198.zen.spamhaus.org type=A: Host not found, try again',
    kind: 'noise',
  },

  {
    program: 'postfix/postscreen',
    message: 'CONNECT from [198.51.100.7]:51234 to [192.0.2.1]:25',
    kind: 'proxy',
  },
  { program: 'postfix/postscreen', message: 'PASS NEW [198.51.100.7]:51234', kind: 'proxy' },
  { program: 'postfix/postscreen', message: 'PASS OLD [2001:db8::7]:51234', kind: 'proxy' },
  {
    program: 'postfix/postscreen',
    message: 'PREGREET 11 after 0.14 from [198.51.100.7]:51234: EHLO x.test\\r\\n',
    kind: 'proxy',
  },
  {
    program: 'postfix/postscreen',
    message: 'HANGUP after 2.1 from [198.51.100.7]:51234 in tests after SMTP handshake',
    kind: 'proxy',
  },
  { program: 'postfix/postscreen', message: 'DNSBL rank 3 for [198.51.100.7]:51234', kind: 'proxy' },
  {
    program: 'postfix/postscreen',
    message: 'COMMAND PIPELINING from [198.51.100.7]:51234 after EHLO: MAIL FROM:<a@x.test>\\r\\n',
    kind: 'proxy',
  },
  {
    program: 'postfix/postscreen',
    message: 'BARE NEWLINE from [198.51.100.7]:51234 after RCPT',
    kind: 'proxy',
  },
  {
    program: 'postfix/postscreen',
    message: 'NON-SMTP COMMAND from [198.51.100.7]:51234 after CONNECT: GET / HTTP/1.1',
    kind: 'proxy',
  },
  {
    program: 'postfix/postscreen',
    message: 'COMMAND TIME LIMIT from [198.51.100.7]:51234 after EHLO',
    kind: 'proxy',
  },
  {
    program: 'postfix/postscreen',
    message: 'COMMAND COUNT LIMIT from [198.51.100.7]:51234 after RSET',
    kind: 'proxy',
  },
  {
    program: 'postfix/postscreen',
    message: 'COMMAND LENGTH LIMIT from [198.51.100.7]:51234 after DATA',
    kind: 'proxy',
  },
  { program: 'postfix/postscreen', message: 'WHITELISTED [192.0.2.20]:40000', kind: 'proxy' },
  { program: 'postfix/postscreen', message: 'ALLOWLISTED [192.0.2.20]:40000', kind: 'proxy' },
  { program: 'postfix/postscreen', message: 'BLACKLISTED [198.51.100.7]:51234', kind: 'proxy' },
  { program: 'postfix/postscreen', message: 'DENYLISTED [198.51.100.7]:51234', kind: 'proxy' },
  { program: 'postfix/postscreen', message: 'WHITELIST VETO [198.51.100.7]:51234', kind: 'proxy' },
  { program: 'postfix/postscreen', message: 'DISCONNECT [198.51.100.7]:51234', kind: 'proxy' },
  {
    program: 'postfix/postscreen',
    message:
      'NOQUEUE: reject: RCPT from [198.51.100.7]:51234: 550 5.7.1 Service unavailable; client [198.51.100.7] blocked using zen.spamhaus.org; from=<ceo@example.org>, to=<bob@example.org>, proto=ESMTP, helo=<example.org>',
    kind: 'reject',
  },
  {
    program: 'postfix/postscreen',
    message: 'NOQUEUE: reject: CONNECT from [198.51.100.7]:51234: too many connections',
    kind: 'reject',
  },
  {
    program: 'postfix/postscreen',
    message: 'warning: dnsblog reply timeout 10s for zen.spamhaus.org',
    kind: 'noise',
  },
  {
    program: 'postfix/postscreen',
    message: 'cache btree:/var/lib/postfix/postscreen_cache full cleanup: retained=120 dropped=14 entries',
    kind: 'noise',
  },
  {
    program: 'postfix/postscreen',
    message:
      'using backwards-compatible default setting respectful_logging=no for client [198.51.100.7]:51234',
    kind: 'noise',
  },
  {
    program: 'postfix/dnsblog',
    message: 'addr 198.51.100.7 listed by domain zen.spamhaus.org as 127.0.0.2',
    kind: 'proxy',
  },
  { program: 'postfix/tlsproxy', message: 'CONNECT from [198.51.100.7]:51234', kind: 'session.note' },
  { program: 'postfix/tlsproxy', message: 'DISCONNECT [198.51.100.7]:51234', kind: 'session.note' },
  {
    program: 'postfix/tlsproxy',
    message:
      'Anonymous TLS connection established from [198.51.100.7]:51234: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)',
    kind: 'session.tls',
  },
  {
    program: 'postfix/tlsproxy',
    message: 'TLS handshake failed for service=smtpd peer=[198.51.100.7]:51234',
    kind: 'session.note',
  },
];

function proxy(c: Ctx, action: string, s: string, at: number, detail?: string): ProxyEvent | null {
  const ha = parseHostAddr(s, at);
  if (ha === null) return null;
  if (ha.host === '' && ha.port !== undefined) {
    // postscreen's own `[ip]:port`, built in one literal: fields added to an object after
    // its literal go to a second, growable store (one more allocation per event, and these
    // events stay alive while their session is open).
    const ip = ha.ip;
    const port = ha.port;
    return detail === undefined
      ? {
          kind: 'proxy',
          line: c.line,
          producer: 'postfix',
          daemon: c.daemon,
          instance: c.instance,
          action,
          clientIp: ip,
          clientPort: port,
        }
      : {
          kind: 'proxy',
          line: c.line,
          producer: 'postfix',
          daemon: c.daemon,
          instance: c.instance,
          action,
          clientIp: ip,
          clientPort: port,
          detail: cap(detail),
        };
  }
  const ev: ProxyEvent = {
    kind: 'proxy',
    line: c.line,
    producer: 'postfix',
    daemon: c.daemon,
    instance: c.instance,
    action,
  };
  setClient(ev, ha);
  if (detail !== undefined) ev.detail = cap(detail);
  return ev;
}

/** `NAME from [ip]:port after CMD[: text]` protocol violations. */
const VIOLATIONS = [
  'COMMAND PIPELINING',
  'BARE NEWLINE',
  'NON-SMTP COMMAND',
  'COMMAND TIME LIMIT',
  'COMMAND COUNT LIMIT',
  'COMMAND LENGTH LIMIT',
];

function listed(c: Ctx, s: string, word: string, action: string): ProxyEvent | null {
  return s.startsWith(word) && s.charCodeAt(word.length) === 32 ? proxy(c, action, s, word.length + 1) : null;
}

export function parsePostscreen(c: Ctx, s: string): LogEvent {
  const c0 = s.charCodeAt(0);
  let ev: LogEvent | null = null;
  switch (c0) {
    case 67 /* C */:
      if (s.startsWith('CONNECT from ')) {
        const p = connect(c, s);
        if (p !== null) return p;
      } else if (s.startsWith('COMMAND ')) ev = violation(c, s);
      break;
    case 80 /* P */:
      if (s.startsWith('PASS NEW ')) ev = proxy(c, 'pass-new', s, 9);
      else if (s.startsWith('PASS OLD ')) ev = proxy(c, 'pass-old', s, 9);
      else if (s.startsWith('PREGREET ')) {
        // PREGREET 11 after 0.14 from [ip]:port: text
        const f = s.indexOf(' from ', 9);
        if (f > 0) {
          const text = s.indexOf(': ', f);
          ev = proxy(c, 'pregreet', s, f + 6, text > 0 ? s.slice(0, f) + s.slice(text) : s.slice(0, f));
        }
      }
      break;
    case 72 /* H */:
      if (s.startsWith('HANGUP after ')) {
        const f = s.indexOf(' from ', 13);
        if (f > 0) {
          const i = s.indexOf(' in ', f);
          ev = proxy(c, 'hangup', s, f + 6, i > 0 ? s.slice(0, f) + s.slice(i) : s.slice(0, f));
        }
      }
      break;
    case 68 /* D */:
      if (s.startsWith('DNSBL rank ')) {
        const f = s.indexOf(' for ', 11);
        if (f > 0) ev = proxy(c, 'dnsbl', s, f + 5, s.slice(0, f));
      } else if (s.startsWith('DISCONNECT ')) ev = proxy(c, 'disconnect', s, 11);
      else ev = listed(c, s, 'DENYLISTED', 'blacklisted');
      break;
    case 66 /* B */:
      if (s.startsWith('BARE NEWLINE ')) ev = violation(c, s);
      else ev = listed(c, s, 'BLACKLISTED', 'blacklisted');
      break;
    case 78 /* N */:
      if (s.startsWith('NON-SMTP COMMAND ')) ev = violation(c, s);
      else if (s.startsWith('NOQUEUE: ')) {
        const r = parseAccessLine(c, s.slice(9), undefined);
        if (r !== null) {
          if (r.by === undefined) r.by = 'postscreen';
          return r;
        }
      }
      break;
    case 87 /* W */:
      if (s.startsWith('WHITELIST VETO ')) ev = proxy(c, 'other', s, 15, 'WHITELIST VETO');
      else ev = listed(c, s, 'WHITELISTED', 'whitelisted');
      break;
    case 65 /* A */:
      if (s.startsWith('ALLOWLIST VETO ')) ev = proxy(c, 'other', s, 15, 'ALLOWLIST VETO');
      else ev = listed(c, s, 'ALLOWLISTED', 'whitelisted');
      break;
    case 117 /* u */:
      if (s.startsWith('using backwards-compatible default setting ')) return noiseEv(c, 'compatibility');
      break;
  }
  if (ev !== null) return ev;
  return generic(c, s);
}

/** `CONNECT from [ip]:port to [ip]:port`: the client, and the address it connected to. */
function connect(c: Ctx, s: string): ProxyEvent | null {
  const ha = parseHostAddr(s, 13);
  if (ha === null) return null;
  const to = s.indexOf(' to ', ha.end);
  const srv = to > 0 && s.indexOf(' to ', 13) === to ? parseHostAddr(s, to + 4) : null;
  if (ha.host === '' && ha.port !== undefined && srv !== null && srv.port !== undefined) {
    // The usual line in one literal (see proxy)
    return {
      kind: 'proxy',
      line: c.line,
      producer: 'postfix',
      daemon: c.daemon,
      instance: c.instance,
      action: 'connect',
      clientIp: ha.ip,
      clientPort: ha.port,
      serverIp: srv.ip,
      serverPort: srv.port,
    };
  }
  const p = proxy(c, 'connect', s, 13);
  if (p === null) return null;
  const to13 = s.indexOf(' to ', 13);
  const server = to13 > 0 ? parseHostAddr(s, to13 + 4) : null;
  if (server !== null) {
    p.serverIp = server.ip;
    if (server.port !== undefined) p.serverPort = server.port;
  }
  return p;
}

function violation(c: Ctx, s: string): ProxyEvent | null {
  for (const name of VIOLATIONS) {
    if (s.startsWith(name) && s.startsWith(' from ', name.length)) {
      const a = s.indexOf(' after ', name.length + 6);
      return proxy(c, 'protocol-violation', s, name.length + 6, a > 0 ? name + s.slice(a) : name);
    }
  }
  return null;
}

/** dnsblog: `addr IP listed by domain ZONE as 127.0.0.x`. */
export function parseDnsblog(c: Ctx, s: string): LogEvent {
  if (s.startsWith('addr ')) {
    const l = s.indexOf(' listed by domain ', 5);
    if (l > 5 && l < 70) {
      const ev: ProxyEvent = {
        kind: 'proxy',
        line: c.line,
        producer: 'postfix',
        daemon: c.daemon,
        instance: c.instance,
        action: 'dnsbl',
        clientIp: s.slice(5, l),
        detail: cap(s.slice(l + 1)),
      };
      return ev;
    }
    if (s.indexOf(' blocked by domain ', 5) > 0) return noiseEv(c, 'dnsbl blocked');
  }
  return generic(c, s);
}

function tlsproxyNote(c: Ctx, s: string, text: string, at: number): SessionNoteEvent | null {
  const ha = parseHostAddr(s, at);
  if (ha === null) return null;
  if (ha.host === '' && ha.port !== undefined) {
    // tlsproxy's own `[ip]:port` in one literal (see proxy)
    return {
      kind: 'session.note',
      line: c.line,
      producer: 'postfix',
      daemon: c.daemon,
      instance: c.instance,
      note: text,
      clientIp: ha.ip,
      clientPort: ha.port,
    };
  }
  const ev: SessionNoteEvent = {
    kind: 'session.note',
    line: c.line,
    producer: 'postfix',
    daemon: c.daemon,
    instance: c.instance,
    note: text,
  };
  setClient(ev, ha);
  return ev;
}

/** tlsproxy: the TLS side of postscreen's STARTTLS; its lines say little beyond the TLS summary. */
export function parseTlsproxy(c: Ctx, s: string): LogEvent {
  let ev: LogEvent | null = null;
  if (s.startsWith('CONNECT from ')) ev = tlsproxyNote(c, s, 'tlsproxy connect', 13);
  else if (s.startsWith('DISCONNECT ')) ev = tlsproxyNote(c, s, 'tlsproxy disconnect', 11);
  else if (s.startsWith('TLS handshake failed for service=')) {
    const p = s.indexOf(' peer=');
    if (p > 0) ev = tlsproxyNote(c, s, 'TLS handshake failed', p + 6);
  } else {
    const sp = s.indexOf(' ');
    if (sp > 0 && sp <= 9 && s.startsWith(' TLS connection established from ', sp)) {
      const ha = parseHostAddr(s, sp + 33);
      if (ha !== null) {
        const t: SessionTlsEvent = {
          kind: 'session.tls',
          line: c.line,
          producer: 'postfix',
          daemon: c.daemon,
          instance: c.instance,
          tlsTrust: s.slice(0, sp),
        };
        setClient(t, ha);
        const w = s.indexOf(' with cipher ', ha.end);
        if (w > 0 && s.charCodeAt(ha.end) === 58) {
          t.tlsProtocol = tlsProtocolOf(s, ha.end + 2, w);
          const e = s.indexOf(' ', w + 13);
          t.tlsCipher = cap(e < 0 ? s.slice(w + 13) : s.slice(w + 13, e));
        }
        return t;
      }
    }
  }
  return ev ?? generic(c, s);
}
