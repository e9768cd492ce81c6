/**
 * Small field readers shared by the Sendmail and Exim parsers: addresses in angle
 * brackets, "name [ip]:port" client specs, SMTP reply codes, delays. Hand-written scans
 * (no regex over the whole line) so each is linear and allocation-light on the hot path.
 */
import type { LogLine } from '../ingest/line.js';
import type { ClientInfo, EventBase, EventKind, LogEvent, Producer } from './event.js';

/** Longest host name or HELO kept (RFC 1035 name limit plus slack for junk). */
export const MAX_HOST_CHARS = 512;
/** Longest IP literal kept (IPv6 with zone id). */
export const MAX_IP_CHARS = 64;
/** Longest address kept (RFC 5321 path limit plus slack). */
export const MAX_ADDRESS_CHARS = 1024;
/** Recipients read from one line. */
export const MAX_LINE_RECIPIENTS = 1000;
/** Longest free text kept in notes, reasons and details. */
export const MAX_TEXT_CHARS = 1024;

/** What every event of one MTA line shares; the queue id is set once the line names one. */
export interface MtaCtx {
  line: LogLine;
  producer: Producer;
  daemon: string;
  instance: string;
  queueId?: string;
}

export type EventOf<K extends EventKind> = Extract<LogEvent, { kind: K }>;
export type FieldsOf<K extends EventKind> = Omit<EventOf<K>, keyof EventBase | 'kind'>;

/**
 * Builds an event: the common fields first, then the kind's own. (Object.assign onto a
 * literal; object spread of the shared part was ~50x slower on the hot path.)
 */
export function make<K extends EventKind>(c: MtaCtx, kind: K, fields: FieldsOf<K>): EventOf<K> {
  const b: EventBase & { kind: K } = {
    kind,
    line: c.line,
    producer: c.producer,
    daemon: c.daemon,
    instance: c.instance,
  };
  if (c.queueId !== undefined) b.queueId = c.queueId;
  return Object.assign(b, fields) as EventOf<K>;
}

/** `s` cut to at most `max` characters. */
export function cut(s: string, max = MAX_TEXT_CHARS): string {
  return s.length > max ? s.slice(0, max) : s;
}

/**
 * Where the header name of `Name: value` ends (the colon), or -1 when `s` does not start
 * with one: 1..76 printable, non-space ASCII characters (RFC 5322 field names, with slack).
 */
export function headerNameEnd(s: string): number {
  const colon = s.indexOf(':');
  if (colon <= 0 || colon > 76) return -1;
  for (let i = 0; i < colon; i++) {
    const ch = s.charCodeAt(i);
    if (ch <= 32 || ch >= 127) return -1;
  }
  return colon;
}

/** Removes one pair of surrounding angle brackets: "<a@x>" -> "a@x", "<>" -> "". */
export function stripAngles(s: string): string {
  if (s.length >= 2 && s.charCodeAt(0) === 60 /* < */ && s.charCodeAt(s.length - 1) === 62 /* > */) {
    return s.slice(1, -1);
  }
  return s;
}

/** True when every character could belong to an IPv4/IPv6 literal. */
export function looksLikeIp(s: string): boolean {
  if (s.length < 2 || s.length > MAX_IP_CHARS) return false;
  let dots = 0;
  let colons = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) dots++;
    else if (c === 58) colons++;
    else if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) || c === 37)) {
      return false;
    }
  }
  return dots === 3 || colons >= 2;
}

/** "IPv6:2001:db8::1" -> "2001:db8::1"; other values unchanged. */
export function stripIpv6Tag(s: string): string {
  return s.length > 5 && (s.startsWith('IPv6:') || s.startsWith('IPV6:') || s.startsWith('ipv6:'))
    ? s.slice(5)
    : s;
}

/** Parses a decimal run; undefined when absent or not all digits. */
export function toInt(s: string | undefined): number | undefined {
  if (s === undefined || s.length === 0 || s.length > 15) return undefined;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    n = n * 10 + c;
  }
  return n;
}

/** A port after the closing bracket: "]:4321" -> 4321. */
function portAfter(s: string, close: number): { port?: number; end: number } {
  if (s.charCodeAt(close + 1) !== 58 /* : */) return { end: close + 1 };
  let j = close + 2;
  while (j < s.length && j < close + 8) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) break;
    j++;
  }
  const port = toInt(s.slice(close + 2, j));
  return port === undefined ? { end: close + 1 } : { port, end: j };
}

export interface HostSpec extends ClientInfo {
  helo?: string;
  /** Index just past the spec in the source string. */
  end: number;
}

/**
 * Reads an Exim-style host spec at `start`: `name (helo) [ip]:port`, `(helo) [ip]`,
 * `[ip]:port`, `name [ip]`, optionally followed by `*` (DNSSEC) — or Sendmail's
 * `name [ip] (may be forged)`. Stops at the first token that is none of these.
 */
export function readHostSpec(s: string, start: number): HostSpec {
  const out: HostSpec = { end: start };
  let i = start;
  const n = s.length;
  // bare name (no parenthesis / bracket at the front)
  const c0 = s.charCodeAt(i);
  if (c0 !== 40 /* ( */ && c0 !== 91 /* [ */) {
    let j = i;
    while (j < n && j - i <= MAX_HOST_CHARS) {
      const c = s.charCodeAt(j);
      if (c === 32 || c === 44 /* , */) break;
      j++;
    }
    if (j === i) return out;
    let name = s.slice(i, j);
    if (name.length > 1 && name.endsWith('.')) name = name.slice(0, -1);
    out.clientHost = name;
    i = j;
    out.end = i;
  }
  // (helo)
  if (s.charCodeAt(i) === 32 && s.charCodeAt(i + 1) === 40) i++;
  if (s.charCodeAt(i) === 40 /* ( */) {
    const close = s.indexOf(')', i + 1);
    if (close > i && close - i <= MAX_HOST_CHARS + 1) {
      const inner = s.slice(i + 1, close);
      if (inner === 'may be forged') {
        if (out.clientHost !== undefined) {
          out.clientHostUnverified = out.clientHost;
          out.clientHost = 'unknown';
        }
      } else {
        out.helo = inner;
      }
      i = close + 1;
      out.end = i;
    }
  }
  // [ip]:port
  if (s.charCodeAt(i) === 32 && s.charCodeAt(i + 1) === 91) i++;
  if (s.charCodeAt(i) === 91 /* [ */) {
    const close = s.indexOf(']', i + 1);
    if (close > i && close - i <= MAX_IP_CHARS + 6) {
      const ip = stripIpv6Tag(s.slice(i + 1, close));
      out.clientIp = ip;
      const p = portAfter(s, close);
      if (p.port !== undefined) out.clientPort = p.port;
      i = p.end;
      if (s.charCodeAt(i) === 42 /* * */) i++;
      out.end = i;
      // Sendmail: "name [ip] (may be forged)"
      if (s.startsWith(' (may be forged)', i)) {
        if (out.clientHost !== undefined) {
          out.clientHostUnverified = out.clientHost;
          out.clientHost = 'unknown';
        }
        out.end = i + 16;
      }
    }
  }
  return out;
}

/** Copies the client fields of a host spec onto an event object. */
export function assignClient(target: ClientInfo, h: ClientInfo): void {
  if (h.clientHost !== undefined) target.clientHost = h.clientHost;
  if (h.clientIp !== undefined) target.clientIp = h.clientIp;
  if (h.clientPort !== undefined) target.clientPort = h.clientPort;
  if (h.clientHostUnverified !== undefined) target.clientHostUnverified = h.clientHostUnverified;
}

export interface SmtpReply {
  code?: number;
  dsn?: string;
  /** The text after code and enhanced status. */
  text: string;
}

/** "550 5.7.1 text" -> {code: 550, dsn: "5.7.1", text}; tolerant of either part missing. */
export function readSmtpReply(s: string): SmtpReply {
  let i = 0;
  const out: SmtpReply = { text: s };
  if (
    s.length >= 3 &&
    isDigit(s, 0) &&
    isDigit(s, 1) &&
    isDigit(s, 2) &&
    (s.length === 3 || s[3] === ' ' || s[3] === '-')
  ) {
    out.code = (s.charCodeAt(0) - 48) * 100 + (s.charCodeAt(1) - 48) * 10 + (s.charCodeAt(2) - 48);
    i = s.length === 3 ? 3 : 4;
  }
  const d = readDsnAt(s, i);
  if (d !== undefined) {
    out.dsn = d;
    i += d.length;
    if (s.charCodeAt(i) === 32) i++;
  }
  out.text = s.slice(i);
  return out;
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** An enhanced status code "X.Y.Z" (RFC 3463) starting at i, or undefined. */
export function readDsnAt(s: string, i: number): string | undefined {
  const c = s.charCodeAt(i);
  if (!(c === 50 || c === 52 || c === 53) || s.charCodeAt(i + 1) !== 46) return undefined;
  let j = i + 2;
  const a = j;
  while (j < s.length && j - a < 3 && isDigit(s, j)) j++;
  if (j === a || s.charCodeAt(j) !== 46) return undefined;
  j++;
  const b = j;
  while (j < s.length && j - b < 3 && isDigit(s, j)) j++;
  if (j === b) return undefined;
  const end = s.charCodeAt(j);
  if (j < s.length && end !== 32 && end !== 44 && end !== 41) return undefined;
  return s.slice(i, j);
}

/** Sendmail delays "00:00:01", "1+02:03:04" -> seconds. */
export function readSendmailDelay(s: string | undefined): number | undefined {
  if (s === undefined || s.length > 20) return undefined;
  let days = 0;
  let rest = s;
  const plus = s.indexOf('+');
  if (plus > 0) {
    const d = toInt(s.slice(0, plus));
    if (d === undefined) return undefined;
    days = d;
    rest = s.slice(plus + 1);
  }
  const parts = rest.split(':');
  if (parts.length !== 3) return undefined;
  const h = toInt(parts[0]);
  const m = toInt(parts[1]);
  const sec = toInt(parts[2]);
  if (h === undefined || m === undefined || sec === undefined) return undefined;
  return days * 86400 + h * 3600 + m * 60 + sec;
}

/**
 * The next-hop queue id in a delivery confirmation: "queued as X", "OK id=X" (Exim),
 * "X Message accepted for delivery" (Sendmail).
 */
export function queuedAsIn(text: string): string | undefined {
  let i = text.indexOf('queued as ');
  if (i >= 0) return idAt(text, i + 10);
  i = text.indexOf(' id=');
  if (i >= 0) return idAt(text, i + 4);
  i = text.indexOf(' Message accepted for delivery');
  if (i > 0) {
    let j = i;
    while (j > 0 && text.charCodeAt(j - 1) !== 32 && text.charCodeAt(j - 1) !== 40 && i - j < 40) j--;
    const id = text.slice(j, i);
    return isIdChars(id) ? id : undefined;
  }
  return undefined;
}

function idAt(text: string, i: number): string | undefined {
  let j = i;
  while (j < text.length && j - i < 40) {
    const c = text.charCodeAt(j);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95))
      break;
    j++;
  }
  return j - i >= 5 ? text.slice(i, j) : undefined;
}

function isIdChars(id: string): boolean {
  if (id.length < 5) return false;
  for (let k = 0; k < id.length; k++) {
    const c = id.charCodeAt(k);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45)) return false;
  }
  return true;
}
