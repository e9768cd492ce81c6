/**
 * Small helpers shared by the milter, policy and filter parsers (OpenDKIM, OpenDMARC,
 * policyd-spf, Amavis, Rspamd, spamd). Everything here reads attacker-written text:
 * plain index scans, no regex that could backtrack, every output bounded.
 */
import type { AuthResult, LogEvent } from './event.js';

/** Longest queue id accepted at the start of a milter line (Postfix long ids are 15-20). */
export const MAX_QUEUE_ID_CHARS = 40;
/** Shortest queue id accepted (Postfix short ids are at least 5 hex digits). */
const MIN_QUEUE_ID_CHARS = 5;

function isIdChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || // 0-9
    (c >= 65 && c <= 90) || // A-Z
    (c >= 97 && c <= 122) || // a-z
    c === 45 // -
  );
}

/**
 * Length of the queue id at the start of `msg` (0 when there is none). A queue id is
 * 5..40 characters of [A-Za-z0-9-] that either is upper-case hex (Postfix short ids)
 * or holds a digit (Postfix long ids, Sendmail and Exim ids), so that words such as
 * "Warning" or "ignoring" are never taken for one.
 */
export function queueIdLength(msg: string): number {
  let i = 0;
  let digit = false;
  let upperHex = true;
  const max = Math.min(msg.length, MAX_QUEUE_ID_CHARS + 1);
  while (i < max) {
    const c = msg.charCodeAt(i);
    if (!isIdChar(c)) break;
    if (c >= 48 && c <= 57) digit = true;
    else if (!(c >= 65 && c <= 70)) upperHex = false;
    i++;
  }
  if (i < MIN_QUEUE_ID_CHARS || i > MAX_QUEUE_ID_CHARS) return 0;
  if (!digit && !upperHex) return 0;
  return i;
}

/** Milters log this in place of a queue id when the MTA gave none. */
const NO_QUEUE_IDS = ['(unknown-jobid)', 'NOQUEUE'];

export interface QidSplit {
  /** The queue id, or undefined for `(unknown-jobid)` / `NOQUEUE`. */
  queueId: string | undefined;
  /** The message after `QID: ` (or after `QID ` when `sep` allowed a space). */
  rest: string;
}

/**
 * Splits `QID: rest`. With `allowSpace`, also `QID rest` (OpenDMARC writes
 * "QID ignoring Authentication-Results ..." without the colon). Returns null when the
 * line does not start with a queue id.
 */
export function splitQueueId(msg: string, allowSpace = false): QidSplit | null {
  for (const marker of NO_QUEUE_IDS) {
    if (msg.startsWith(marker) && msg.charCodeAt(marker.length) === 58 /* : */) {
      return { queueId: undefined, rest: trimStartOne(msg.slice(marker.length + 1)) };
    }
  }
  const n = queueIdLength(msg);
  if (n === 0) return null;
  const c = msg.charCodeAt(n);
  if (c === 58 /* : */) {
    // one slice for the rest (trimStartOne of a slice would cut a second one)
    return { queueId: msg.slice(0, n), rest: msg.slice(msg.charCodeAt(n + 1) === 32 ? n + 2 : n + 1) };
  }
  if (allowSpace && c === 32) return { queueId: msg.slice(0, n), rest: msg.slice(n + 1) };
  return null;
}

/** Sets the queue id a milter line named (left unset for `(unknown-jobid)` / `NOQUEUE`). */
export function withQueue<T extends LogEvent>(ev: T, queueId: string | undefined): T {
  if (queueId !== undefined) ev.queueId = queueId;
  return ev;
}

function trimStartOne(s: string): string {
  return s.charCodeAt(0) === 32 ? s.slice(1) : s;
}

/** Maps the result words milters and Received-SPF write (any case) to AuthResult. */
export function authResultOf(word: string): AuthResult | undefined {
  switch (word.toLowerCase()) {
    case 'pass':
      return 'pass';
    case 'fail':
    case 'hardfail':
      return 'fail';
    case 'softfail':
      return 'softfail';
    case 'neutral':
      return 'neutral';
    case 'none':
      return 'none';
    case 'temperror':
    case 'tempfail':
    case 'error':
      return 'temperror';
    case 'permerror':
    case 'permfail':
    case 'unknown':
      return 'permerror';
    case 'policy':
      return 'policy';
    default:
      return undefined;
  }
}

/** Domain part of an address (after the last '@'), lower-cased; undefined when empty. */
export function domainOfAddress(addr: string): string | undefined {
  const at = addr.lastIndexOf('@');
  if (at < 0) return undefined;
  const d = addr.slice(at + 1).toLowerCase();
  return d === '' ? undefined : d;
}

/** Strips one pair of surrounding angle brackets (the MTA parsers' own, re-exported). */
export { stripAngles } from './mta-fields.js';

/**
 * Value of `key` in a `k=v; k=v` or `k=v, k=v` list: the text after `key` up to the
 * first of `stops` (or the end). `key` includes its `=` (e.g. "client-ip="). The key must
 * start the text or follow a space, `;` or `(`, so "helo=" never matches inside "xhelo=".
 */
function isKeyBoundary(c: number): boolean {
  return c === 32 || c === 59 || c === 40; // space ; (
}

export function valueAfter(text: string, key: string, stops: string, from = 0): string | undefined {
  let at = text.indexOf(key, from);
  while (at > 0 && !isKeyBoundary(text.charCodeAt(at - 1))) {
    at = text.indexOf(key, at + key.length);
  }
  if (at < 0) return undefined;
  const start = at + key.length;
  let end = text.length;
  if (stops.length === 1) {
    const stop = text.indexOf(stops, start);
    if (stop >= 0) end = stop;
  } else {
    // Char codes against each stop: no one-character string per character of the value.
    scan: for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      for (let k = 0; k < stops.length; k++) {
        if (stops.charCodeAt(k) === c) {
          end = i;
          break scan;
        }
      }
    }
  }
  return text.slice(start, end);
}

/** Parses a decimal number ("-1.20", "15", "6.31"); undefined when not a finite number. */
export function numberOf(s: string | undefined): number | undefined {
  if (s === undefined || s === '' || s.length > 32) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** True for a dotted IPv4 or an IPv6 literal (cheap shape check, not a validator). */
export function looksLikeIp(s: string): boolean {
  if (s.length < 2 || s.length > 45) return false;
  let colon = false;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 58) colon = true;
    else if (c === 46) dots++;
    else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return colon || dots === 3;
}
