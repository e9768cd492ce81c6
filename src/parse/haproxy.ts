/**
 * HAProxy in front of an MTA -> LogEvent.
 *
 * TCP mode (`option tcplog`, the default tcplog log-format of 2.x/3.x):
 *   192.0.2.1:43210 [20/Nov/2026:10:00:01.123] fe_smtp be_smtp/postfix1 1/0/5012 1234 -- 1/1/0/0/0 0/0
 *   client_ip:port [accept_date] frontend backend/server Tw/Tc/Tt bytes_read termination_state
 *   actconn/feconn/beconn/srv_conn/retries srv_queue/backend_queue
 * becomes a `proxy` event with action "session" (client, frontend, backend, server,
 * termination state, bytes, Tt). Timers may be -1 (step not reached) and Tt / bytes / retries
 * may carry a leading '+' (logasap). HTTP-mode lines (five timers, a status code) are
 * recognised as noise. The legacy default format `Connect from ip:port to ip:port (fe/TCP)`
 * is a proxy "connect". Proxy / server state changes are noise.
 */
import type { LogLine } from '../ingest/line.js';
import type { EventBase, EventKind, LogEvent, ProxyEvent } from './event.js';
import { noise, unrecognised } from './base.js';
import { toInt } from './mta-fields.js';

/** Longest frontend / backend / server name kept. */
const MAX_NAME_CHARS = 128;
/** Longest detail text kept. */
const MAX_DETAIL_CHARS = 512;

/** A proxy event: common fields first (Object.assign onto a literal, not object spread: hot path). */
function make(line: LogLine, fields: Omit<ProxyEvent, keyof EventBase | 'kind'>): ProxyEvent {
  const b: EventBase & { kind: 'proxy' } = {
    kind: 'proxy',
    line,
    producer: 'haproxy',
    daemon: 'haproxy',
    instance: line.program,
  };
  return Object.assign(b, fields);
}

/** "192.0.2.1:43210" / "2001:db8::1:43210" / "[2001:db8::1]:43210" -> ip and port. */
function splitIpPort(s: string): { ip: string; port?: number } | null {
  if (s.length < 3 || s.length > 70) return null;
  if (s.charCodeAt(0) === 91 /* [ */) {
    const close = s.indexOf(']');
    if (close < 0) return null;
    const port = s.charCodeAt(close + 1) === 58 ? toInt(s.slice(close + 2)) : undefined;
    return port === undefined ? { ip: s.slice(1, close) } : { ip: s.slice(1, close), port };
  }
  const colon = s.lastIndexOf(':');
  if (colon <= 0) return null;
  const port = toInt(s.slice(colon + 1));
  const ip = s.slice(0, colon);
  if (port === undefined || !isIpChars(ip)) return null;
  return { ip, port };
}

function isIpChars(s: string): boolean {
  if (s.length < 2) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 46 || c === 58))
      return false;
  }
  return true;
}

/** "-1", "+5012", "12" -> number (undefined for -1 or junk). */
function timer(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const v = s.startsWith('+') ? s.slice(1) : s;
  return v === '-1' ? undefined : toInt(v);
}

function isDigitsSlashes(s: string, parts: number): boolean {
  const p = s.split('/');
  if (p.length !== parts) return false;
  for (const x of p) {
    const v = x.startsWith('+') || x.startsWith('-') ? x.slice(1) : x;
    if (toInt(v) === undefined) return false;
  }
  return true;
}

/** `ip:port [date] fe be/srv timers ...` (tcplog or httplog). */
function parseSessionLine(line: LogLine, m: string): LogEvent | null {
  const sp = m.indexOf(' [');
  if (sp <= 0) return null;
  const client = splitIpPort(m.slice(0, sp));
  if (client === null) return null;
  const close = m.indexOf('] ', sp + 2);
  if (close < 0 || close - sp > 40) return null;
  const f = m.slice(close + 2).split(' ', 12);
  const fe = f[0];
  const beSrv = f[1];
  const timers = f[2];
  if (fe === undefined || beSrv === undefined || timers === undefined) return null;
  // connection error line: "fe_smtp/1: SSL handshake failure"
  const tParts = timers.split('/');
  if (tParts.length === 5) return noise(line, 'haproxy', 'http session', 'haproxy', line.program);
  if (tParts.length !== 3 || !isDigitsSlashes(timers, 3)) return null;
  const bytes = f[3];
  const term = f[4];
  const conns = f[5];
  const queues = f[6];
  if (bytes === undefined || term === undefined || term.length !== 2) return null;
  if (conns !== undefined && !isDigitsSlashes(conns, 5)) return null;
  if (queues !== undefined && !isDigitsSlashes(queues, 2)) return null;
  const slash = beSrv.indexOf('/');
  const ev: ProxyEvent = make(line, {
    action: 'session',
    clientIp: client.ip,
    frontend: fe.slice(0, MAX_NAME_CHARS),
    termState: term,
    detail: `Tw/Tc/Tt=${timers}${conns !== undefined ? ` conns=${conns}` : ''}${queues !== undefined ? ` queues=${queues}` : ''}`,
  });
  if (client.port !== undefined) ev.clientPort = client.port;
  if (slash > 0) {
    ev.backend = beSrv.slice(0, slash).slice(0, MAX_NAME_CHARS);
    ev.server = beSrv.slice(slash + 1).slice(0, MAX_NAME_CHARS);
  } else {
    ev.backend = beSrv.slice(0, MAX_NAME_CHARS);
  }
  const b = timer(bytes);
  if (b !== undefined) ev.bytesRead = b;
  const tt = timer(tParts[2]);
  if (tt !== undefined) ev.durationMs = tt;
  return ev;
}

/** `Connect from 192.0.2.1:43210 to 127.0.0.1:25 (fe_smtp/TCP)` (legacy default format). */
function parseConnect(line: LogLine, m: string): LogEvent | null {
  const to = m.indexOf(' to ', 13);
  if (to < 0) return null;
  const client = splitIpPort(m.slice(13, to));
  const paren = m.indexOf(' (', to + 4);
  const server = splitIpPort(m.slice(to + 4, paren > 0 ? paren : m.length));
  if (client === null) return null;
  const ev: ProxyEvent = make(line, { action: 'connect', clientIp: client.ip });
  if (client.port !== undefined) ev.clientPort = client.port;
  if (server !== null) {
    ev.serverIp = server.ip;
    if (server.port !== undefined) ev.serverPort = server.port;
  }
  if (paren > 0 && m.endsWith(')')) {
    const inner = m.slice(paren + 2, -1);
    const slash = inner.lastIndexOf('/');
    ev.frontend = (slash > 0 ? inner.slice(0, slash) : inner).slice(0, MAX_NAME_CHARS);
  }
  return ev;
}

const NOISE_PREFIXES = [
  'Proxy ',
  'Stopping ',
  'Pausing ',
  'Enabling ',
  'Resuming ',
  'Server ',
  'backend ',
  'Backend ',
  'Health check ',
  'Loading success',
  'Stopping proxy',
  'Connect to unix',
  '[NOTICE]',
  '[WARNING]',
  '[ALERT]',
  'A bind ',
  'haproxy version',
  'Exiting Master',
  'New worker',
  'Reexecuting Master',
  'Current worker',
  'Process ',
] as const;

export function parseHaproxy(line: LogLine): LogEvent {
  const m = line.message;
  const c0 = m.charCodeAt(0);
  if ((c0 >= 48 && c0 <= 57) || c0 === 58 || c0 === 91 || (c0 >= 97 && c0 <= 102) || (c0 >= 65 && c0 <= 70)) {
    const ev = parseSessionLine(line, m);
    if (ev !== null) return ev;
    // "ip:port [date] fe/bind: SSL handshake failure" (connection errors)
    const sp = m.indexOf(' [');
    if (sp > 0 && splitIpPort(m.slice(0, sp)) !== null && m.indexOf(': ', sp) > 0) {
      const client = splitIpPort(m.slice(0, sp));
      const close = m.indexOf('] ', sp);
      const rest = close > 0 ? m.slice(close + 2) : '';
      const colon = rest.indexOf(': ');
      if (client !== null && colon > 0) {
        const ev2: ProxyEvent = make(line, {
          action: 'other',
          clientIp: client.ip,
          detail: rest.slice(colon + 2, colon + 2 + MAX_DETAIL_CHARS),
        });
        if (client.port !== undefined) ev2.clientPort = client.port;
        const fe = rest.slice(0, colon);
        const slash = fe.indexOf('/');
        ev2.frontend = (slash > 0 ? fe.slice(0, slash) : fe).slice(0, MAX_NAME_CHARS);
        return ev2;
      }
    }
  }
  if (m.startsWith('Connect from ')) {
    const ev = parseConnect(line, m);
    if (ev !== null) return ev;
  }
  for (const p of NOISE_PREFIXES) {
    if (m.startsWith(p)) return noise(line, 'haproxy', m.slice(0, 200), 'haproxy', line.program);
  }
  return unrecognised(line, 'haproxy', 'haproxy', line.program);
}

/** One realistic line per recognised shape (message part after `haproxy[pid]: `). */
export const SAMPLES: readonly { program: string; message: string; kind: EventKind }[] = [
  {
    program: 'haproxy',
    message:
      '192.0.2.1:43210 [20/Nov/2026:10:00:01.123] fe_smtp be_smtp/postfix1 1/0/5012 1234 -- 1/1/0/0/0 0/0',
    kind: 'proxy',
  },
  {
    program: 'haproxy',
    message:
      '203.0.113.5:51000 [20/Nov/2026:10:00:02.456] fe_smtp be_smtp/<NOSRV> -1/-1/3 0 SC 2/2/0/0/0 0/0',
    kind: 'proxy',
  },
  {
    program: 'haproxy',
    message:
      '2001:db8::25:40000 [20/Nov/2026:10:00:03.789] fe_smtp~ be_smtp/postfix2 0/1/+120 +512 -- 3/3/1/1/+1 0/0',
    kind: 'proxy',
  },
  {
    program: 'haproxy',
    message:
      '198.51.100.9:33317 [20/Nov/2026:10:00:04.655] fe_http be_web/web1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 "GET /index.html HTTP/1.1"',
    kind: 'noise',
  },
  {
    program: 'haproxy',
    message: 'Connect from 192.0.2.1:43210 to 198.51.100.2:25 (fe_smtp/TCP)',
    kind: 'proxy',
  },
  {
    program: 'haproxy',
    message: '203.0.113.6:52000 [20/Nov/2026:10:00:05.001] fe_smtps/1: SSL handshake failure',
    kind: 'proxy',
  },
  { program: 'haproxy', message: 'Proxy fe_smtp started.', kind: 'noise' },
  {
    program: 'haproxy',
    message:
      'Server be_smtp/postfix1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms.',
    kind: 'noise',
  },
];
