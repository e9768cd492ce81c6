/**
 * Pieces every Postfix daemon parser shares: queue ids, `host[ip]:port`, the
 * `; from=<..> to=<..> proto=.. helo=<..>` suffix and the SMTP reply of a reject.
 *
 * All input is attacker-written text: nothing here throws, every scan is a bounded
 * indexOf/charCodeAt walk, and the few regexes are anchored and linear.
 */
import type { LogLine } from '../../ingest/line.js';
import type {
  ClientInfo,
  LogEvent,
  MessageClosedEvent,
  MessageNoteEvent,
  NoiseEvent,
  RejectEvent,
  UnrecognisedEvent,
} from '../event.js';

export interface Ctx {
  line: LogLine;
  daemon: string;
  instance: string;
}

/** One realistic line per recognised shape, checked by the shared contract test. */
export interface Sample {
  program: string;
  message: string;
  kind: LogEvent['kind'];
}

export function noiseEv(c: Ctx, note: string, queueId?: string): NoiseEvent {
  const ev: NoiseEvent = {
    kind: 'noise',
    line: c.line,
    producer: 'postfix',
    daemon: c.daemon,
    instance: c.instance,
    note,
  };
  if (queueId !== undefined) ev.queueId = queueId;
  return ev;
}

export function unrecognisedEv(c: Ctx, queueId?: string): UnrecognisedEvent {
  const ev: UnrecognisedEvent = {
    kind: 'unrecognised',
    line: c.line,
    producer: 'postfix',
    daemon: c.daemon,
    instance: c.instance,
  };
  if (queueId !== undefined) ev.queueId = queueId;
  return ev;
}

/** Longest address, host or reason text kept from one Postfix field (Postfix's own line limit is ~2 KB). */
export const MAX_POSTFIX_FIELD_CHARS = 2048;

/** Cut a log-derived field to a sane length (a queue id or an address never needs more). */
export function cap(s: string): string {
  return s.length > MAX_POSTFIX_FIELD_CHARS ? s.slice(0, MAX_POSTFIX_FIELD_CHARS) : s;
}

/** A note about queued message `queueId` (bounce notices, hold/requeue, milter and warning lines). */
export function messageNoteEv(c: Ctx, queueId: string, note: string, related?: string): MessageNoteEvent {
  const ev: MessageNoteEvent = {
    kind: 'message.note',
    line: c.line,
    producer: 'postfix',
    daemon: c.daemon,
    instance: c.instance,
    queueId,
    note: cap(note),
  };
  if (related !== undefined) ev.relatedQueueId = related;
  return ev;
}

/** Queued message `queueId` left the queue (removed, expired). */
export function messageClosedEv(
  c: Ctx,
  queueId: string,
  reason: MessageClosedEvent['reason'],
): MessageClosedEvent {
  return {
    kind: 'message.closed',
    line: c.line,
    producer: 'postfix',
    daemon: c.daemon,
    instance: c.instance,
    queueId,
    reason,
  };
}

// ---- queue ids ----

function isUpperHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70);
}

/** Postfix's long-id alphabet (mail_queue.h): digits and letters without the vowels AEIOU/aeiou, base 52. */
function isLongIdChar(c: number): boolean {
  if (c >= 48 && c <= 57) return true;
  if (c >= 65 && c <= 90) return c !== 65 && c !== 69 && c !== 73 && c !== 79 && c !== 85;
  if (c >= 97 && c <= 122) return c !== 97 && c !== 101 && c !== 105 && c !== 111 && c !== 117;
  return false;
}

/**
 * Short ids are the microseconds (5 hex digits) then the queue file's inode number in
 * hex: 6 digits at least, and up to 21 with 64-bit inode numbers.
 */
export const SHORT_QID_MIN = 6;
export const SHORT_QID_MAX = 21;
export const LONG_QID_MIN = 12;
export const LONG_QID_MAX = 20;

/**
 * Length of the queue id that starts `s` at `from` and is followed by `: `, or 0.
 * Short ids are 6-21 upper-case hex digits. Long ids (enable_long_queue_ids) are at
 * least 10 time characters, the separator `z`, then the inode number written without
 * `z`: so the last `z` sits at offset >= 10 and is followed by at least one character.
 * A random word rarely passes both tests; `NOQUEUE` never does.
 */
export function queueIdLength(s: string, from = 0): number {
  const limit = Math.min(s.length, from + Math.max(LONG_QID_MAX, SHORT_QID_MAX) + 1);
  let i = from;
  let hex = true;
  let long = true;
  let lastZ = -1;
  for (; i < limit; i++) {
    const c = s.charCodeAt(i);
    if (c === 58 /* : */) break;
    if (hex && !isUpperHex(c)) hex = false;
    if (long && !isLongIdChar(c)) long = false;
    if (!hex && !long) return 0;
    if (c === 122 /* z */) lastZ = i - from;
  }
  if (i >= s.length || s.charCodeAt(i) !== 58 || s.charCodeAt(i + 1) !== 32) return 0;
  const n = i - from;
  if (hex && n >= SHORT_QID_MIN && n <= SHORT_QID_MAX) return n;
  if (long && n >= LONG_QID_MIN && n <= LONG_QID_MAX && lastZ >= 10 && lastZ < n - 1) return n;
  return 0;
}

/** True when the whole of `s` is a queue id (used for `queued as X`, `NEWQID`). */
export function isQueueId(s: string): boolean {
  return queueIdLength(s + ': ', 0) === s.length && s.length > 0;
}

// ---- host[ip]:port ----

export interface HostAddr {
  host: string;
  ip: string;
  /** Undefined when the log gave no port (the field is always there: one shape, see parseHostAddr). */
  port: number | undefined;
  /** Index just past the parsed text. */
  end: number;
}

/** Upper bounds on the parts of `host[ip]:port`. */
const MAX_HOST = 255;
const MAX_IP = 64;

/**
 * Parse `host[ip]` or `host[ip]:port` (host may be empty for postscreen's `[ip]:port`)
 * starting at `start`. The host ends at the first `[`; Postfix only logs validated names.
 */
export function parseHostAddr(s: string, start: number): HostAddr | null {
  const lb = s.indexOf('[', start);
  if (lb < 0 || lb - start > MAX_HOST) return null;
  const rb = s.indexOf(']', lb + 1);
  if (rb < 0 || rb - lb - 1 > MAX_IP || rb === lb + 1) return null;
  const host = s.slice(start, lb);
  if (host.indexOf(' ') >= 0) return null;
  const ip = s.slice(lb + 1, rb);
  let port: number | undefined;
  let end = rb + 1;
  if (s.charCodeAt(rb + 1) === 58 /* : */) {
    let j = rb + 2;
    let n = 0;
    while (j < s.length && j < rb + 8) {
      const c = s.charCodeAt(j);
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
      j++;
    }
    if (j > rb + 2) {
      port = n;
      end = j;
    }
  }
  // One literal with every field: an object whose shape never changes after it is made
  // can be replaced by plain values when the caller inlines this function.
  return { host, ip, port, end };
}

/** Copy a parsed client onto an event (omitting what the log did not say). */
export function setClient(ev: ClientInfo, h: HostAddr | null): void {
  if (h === null) return;
  if (h.host !== '') ev.clientHost = cap(h.host);
  ev.clientIp = h.ip;
  if (h.port !== undefined) ev.clientPort = h.port;
}

/**
 * s[from, end) as the constant in `words` it spells, else as a capped slice: the words a
 * log repeats on every line then need no string of their own (and compare by pointer).
 */
export function knownWord(s: string, from: number, end: number, words: readonly string[]): string {
  const n = end - from;
  for (const w of words) if (w.length === n && s.startsWith(w, from)) return w;
  return cap(s.slice(from, end));
}

/** Index of the text after `after`'s first occurrence at or past `from`, or -1. */
export function after(s: string, needle: string, from = 0): number {
  const i = s.indexOf(needle, from);
  return i < 0 ? -1 : i + needle.length;
}

// ---- `from=<..> to=<..> proto=.. helo=<..>` ----

export interface EnvSuffix {
  from?: string;
  to?: string;
  proto?: string;
  helo?: string;
}

/** Postfix's proto= words (smtpd's ESMTP/SMTP, lmtp, qmqpd), as constants. */
const PROTOS = ['ESMTP', 'SMTP', 'LMTP', 'QMQP'];

/** The fields Postfix may append after `;`, in the order it writes them. */
const SUFFIX_KEYS = ['; from=<', '; to=<', '; proto=', '; helo=<'];

/**
 * Index of the `;` that starts the envelope suffix, or -1. The suffix is the LAST
 * `; from=<` (or, with no sender yet, the last `; to=<` / `; proto=` / `; helo=<`): reply
 * text and header values before it are attacker-written and may imitate it, the HELO
 * after it cannot (it holds no spaces).
 */
export function suffixStart(s: string, min: number): number {
  for (const k of SUFFIX_KEYS) {
    const i = s.lastIndexOf(k);
    if (i >= min) return i;
  }
  return -1;
}

/**
 * Parse the envelope suffix Postfix appends to smtpd/cleanup/postscreen action lines:
 * `s` is the text after the `;`, e.g. ` from=<a> to=<b> proto=ESMTP helo=<h>`.
 * Fields are read from the end (helo and proto never hold spaces), so an address with
 * odd characters cannot shift the others. Postscreen separates the fields with `, `
 * instead of a space; both are accepted. Returns any trailing `: text` (cleanup).
 */
export function parseEnvSuffix(s: string, out: EnvSuffix, from = 0): string | undefined {
  // The suffix is s[from, end); `end` moves left past each field read, so no field
  // takes a copy of the text before it.
  let end = s.length;
  let text: string | undefined;
  // helo=<..> is the last field; anything after its `>` is `: optional text` (cleanup).
  const h = lastIn(s, ' helo=<', from, end);
  if (h >= 0) {
    const close = s.indexOf('>', h + 7);
    if (close >= 0) {
      out.helo = cap(s.slice(h + 7, close));
      if (close + 1 < end) text = s.slice(close + 1, end);
      end = h > from && s.charCodeAt(h - 1) === 44 ? h - 1 : h;
    }
  }
  const p = lastIn(s, ' proto=', from, end);
  if (p >= 0 && !hasSpace(s, p + 7, end)) {
    let vEnd = end;
    if (text === undefined) {
      const colon = s.indexOf(':', p + 7);
      if (colon >= 0 && colon < end) {
        text = s.slice(colon, end);
        vEnd = colon;
      }
    }
    if (vEnd > p + 7 && s.charCodeAt(vEnd - 1) === 44) vEnd--; // a trailing ','
    out.proto = knownWord(s, p + 7, vEnd, PROTOS);
    end = p > from && s.charCodeAt(p - 1) === 44 ? p - 1 : p;
  }
  const t = lastIn(s, ' to=<', from, end);
  if (t >= 0) {
    const close = lastIn(s, '>', from, end);
    if (close > t) {
      out.to = cap(s.slice(t + 5, close));
      if (text === undefined && close + 1 < end) text = s.slice(close + 1, end);
    }
    end = t > from && s.charCodeAt(t - 1) === 44 ? t - 1 : t;
  }
  if (end - from >= 7 && s.startsWith(' from=<', from)) {
    const close = lastIn(s, '>', from, end);
    if (close >= from + 7) {
      out.from = cap(s.slice(from + 7, close));
      if (text === undefined && close + 1 < end) text = s.slice(close + 1, end);
    }
  }
  return text;
}

/** Index of the last `needle` lying wholly inside s[from, end), or -1. */
function lastIn(s: string, needle: string, from: number, end: number): number {
  if (end - from < needle.length) return -1;
  const i = s.lastIndexOf(needle, end - needle.length);
  return i >= from ? i : -1;
}

/** True when s[from, end) holds a space. */
function hasSpace(s: string, from: number, end: number): boolean {
  const i = s.indexOf(' ', from);
  return i >= 0 && i < end;
}

// ---- SMTP replies ----

export interface Reply {
  code?: number;
  dsn?: string;
  /** The reply text after code and enhanced status code. */
  text: string;
}

/** Split `550 5.7.1 text` / `550 text` / `5.7.1 text` / `text`. Never allocates a regex match. */
export function parseReply(s: string): Reply {
  let i = 0;
  const out: Reply = { text: s };
  if (s.length >= 4 && isDigit(s, 0) && isDigit(s, 1) && isDigit(s, 2) && s.charCodeAt(3) === 32) {
    out.code = (s.charCodeAt(0) - 48) * 100 + (s.charCodeAt(1) - 48) * 10 + (s.charCodeAt(2) - 48);
    i = 4;
  }
  // enhanced status: d.ddd.ddd
  if (isDigit(s, i) && s.charCodeAt(i + 1) === 46) {
    let j = i + 2;
    let dots = 0;
    while (j < s.length && j < i + 12) {
      const c = s.charCodeAt(j);
      if (c === 46) dots++;
      else if (c < 48 || c > 57) break;
      j++;
    }
    if (dots === 1 && (j === s.length || s.charCodeAt(j) === 32)) {
      out.dsn = s.slice(i, j);
      i = j + 1;
    }
  }
  out.text = i > 0 ? s.slice(Math.min(i, s.length)) : s;
  return out;
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** The reply code, or for milter replies that give only `4.7.1 text`, 400/500 from the DSN class. */
export function effectiveCode(r: Reply): number | undefined {
  if (r.code !== undefined) return r.code;
  const k = r.dsn?.charCodeAt(0);
  return k === 52 ? 400 : k === 53 ? 500 : undefined;
}

/** Map Postfix's `where` word (RCPT, END-OF-MESSAGE ...) to our stage names. */
export function stageOf(where: string): string {
  switch (where) {
    case 'CONNECT':
      return 'connect';
    case 'HELO':
    case 'EHLO':
      return 'helo';
    case 'MAIL':
      return 'mail';
    case 'RCPT':
      return 'rcpt';
    case 'DATA':
    case 'BDAT':
      return 'data';
    case 'END-OF-MESSAGE':
      return 'end-of-data';
    case 'VRFY':
      return 'vrfy';
    case 'ETRN':
      return 'etrn';
    case 'header':
    case 'mime-header':
    case 'nested-header':
      return 'header';
    case 'body':
      return 'body';
    default:
      return 'unknown';
  }
}

/** Who rejected, from the reply wording: DNSBL, an SPF policy, greylisting, a milter. */
export function rejectedBy(text: string): string | undefined {
  if (text.indexOf(' blocked using ') >= 0) return 'dnsbl';
  if (
    text.indexOf('SPF') >= 0 ||
    text.indexOf('openspf.') >= 0 ||
    text.indexOf('/why.html?sender=') >= 0 ||
    text.indexOf('spf fail') >= 0
  ) {
    return 'policyd-spf';
  }
  if (text.indexOf('DMARC') >= 0) return 'dmarc';
  if (text.indexOf('reylist') >= 0) return 'greylisting';
  return undefined;
}

/** Postfix action words of smtpd/postscreen access decisions, and what they did. */
export function actionOf(word: string, code: number | undefined): string | null {
  switch (word) {
    case 'reject':
    case 'milter-reject':
    case 'proxy-reject':
      return code !== undefined && code >= 400 && code < 500 ? 'defer' : 'reject';
    case 'reject_warning':
      return 'warn';
    case 'discard':
    case 'milter-discard':
      return 'discard';
    case 'hold':
    case 'milter-hold':
      return 'hold';
    case 'filter':
    case 'redirect':
    case 'warn':
    case 'info':
      return word;
    default:
      return null;
  }
}

/**
 * Parse `ACTION: WHERE from host[ip]: REPLY; from=<..> to=<..> proto=.. helo=<..>` (smtpd,
 * postscreen, cleanup milter-reject). `s` starts at the action word. Returns null when
 * the line does not have this shape.
 */
export function parseAccessLine(c: Ctx, s: string, queueId: string | undefined): RejectEvent | null {
  const colon = s.indexOf(': ');
  if (colon <= 0 || colon > 20) return null;
  const word = s.slice(0, colon);
  let i = colon + 2;
  const sp = s.indexOf(' from ', i);
  if (sp < 0 || sp - i > 20) return null;
  const where = s.slice(i, sp);
  i = sp + 6;
  const ha = parseHostAddr(s, i);
  if (ha === null) return null;
  i = ha.end;
  if (s.charCodeAt(i) !== 58 /* : */) return null;
  i += s.charCodeAt(i + 1) === 32 ? 2 : 1;
  // The envelope suffix is the LAST `; from=<`: an attacker-written reply part (an
  // address, a HELO echoed back) cannot fake it.
  const semi = suffixStart(s, i);
  const replyText = semi >= i ? s.slice(i, semi) : s.slice(i);
  const reply = parseReply(replyText);
  const action = actionOf(word, effectiveCode(reply));
  if (action === null) return null;
  const ev: RejectEvent = {
    kind: 'reject',
    line: c.line,
    producer: 'postfix',
    daemon: c.daemon,
    instance: c.instance,
    stage: stageOf(where),
    action,
    reason: cap(reply.text),
  };
  if (queueId !== undefined) ev.queueId = queueId;
  setClient(ev, ha);
  if (reply.code !== undefined) ev.code = reply.code;
  if (reply.dsn !== undefined) ev.dsn = reply.dsn;
  if (semi >= i) parseEnvSuffix(s, ev, semi + 1);
  const by = word.startsWith('milter-')
    ? 'milter'
    : word.startsWith('proxy-')
      ? 'proxy'
      : rejectedBy(reply.text);
  if (by !== undefined) ev.by = by;
  return ev;
}
