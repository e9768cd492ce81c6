/**
 * The part of a syslog line after the stamp: `[<facility.level>] [host] tag[pid]: message`.
 * Char-code scans only, bounded by named limits; never throws.
 */

import { sameAt } from './timestamp.js';

/** Longest program tag accepted (multi-instance Postfix tags are well below this). */
export const MAX_TAG_CHARS = 128;
/** Longest hostname token accepted (RFC 1035 name length). */
export const MAX_HOST_CHARS = 255;
/** Longest PID accepted, in digits. */
export const MAX_PID_DIGITS = 10;

/** Result of a tag scan (reused; read it right after the call). */
export interface TagResult {
  program: string;
  pid: number | null;
  /** Index where the message starts. */
  msgStart: number;
}

/**
 * Recently read tags and host names, one per slot: consecutive lines nearly always repeat
 * them, and handing back the same string (rather than a fresh slice per line) saves the
 * allocation and lets every later lookup keyed by it (the parser dispatch, per-program
 * counts) reuse its cached hash. Fixed size, so hostile input cannot grow it.
 */
const INTERN_SLOTS = 64;
/**
 * A slice of 13 characters or more is a view of its whole line, which a table entry keeps
 * alive: text from lines longer than this is not remembered, so the tables here and in
 * envelope.ts keep at most this much per slot (not MAX_LINE_BYTES) alive.
 */
export const MAX_REMEMBERED_LINE_CHARS = 4096;
const internedTags: string[] = new Array<string>(INTERN_SLOTS).fill('');
const internedHosts: string[] = new Array<string>(INTERN_SLOTS).fill('');

/** s.slice(start, end), or an equal string from `table` (end > start). */
function interned(table: string[], s: string, start: number, end: number): string {
  const n = end - start;
  // Slot from the length and three characters: cheap, and enough to keep a few dozen tags apart.
  const slot =
    (n * 7 + s.charCodeAt(start) * 3 + s.charCodeAt(end - 1) + s.charCodeAt(start + (n >> 1)) * 5) &
    (INTERN_SLOTS - 1);
  const known = table[slot]!;
  if (known.length === n && sameAt(s, start, known)) return known;
  const fresh = s.slice(start, end);
  if (s.length <= MAX_REMEMBERED_LINE_CHARS) table[slot] = fresh;
  return fresh;
}

/** The host name s[start, end) (end > start), shared with earlier lines that logged the same one. */
export function hostName(s: string, start: number, end: number): string {
  return interned(internedHosts, s, start, end);
}

/** Characters of a program tag: letters, digits and `_ - . / @ +`. */
function isTagChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || // a-z
    (c >= 65 && c <= 90) || // A-Z
    (c >= 48 && c <= 57) || // 0-9
    c === 95 || // _
    c === 45 || // -
    c === 46 || // .
    c === 47 || // /
    c === 64 || // @
    c === 43 // +
  );
}

/**
 * `tag[pid]: ` or `tag: ` at i (the colon must be followed by a space or the end of the
 * line). With `needPid`, only `tag[pid]:` is accepted. Fills out and returns true on a match.
 */
export function readTag(s: string, i: number, out: TagResult, needPid: boolean): boolean {
  const len = s.length;
  const limit = Math.min(len, i + MAX_TAG_CHARS);
  let j = i;
  while (j < limit && isTagChar(s.charCodeAt(j))) j++;
  if (j === i) return false;
  let c = s.charCodeAt(j);
  let pid: number | null = null;
  const tagEnd = j;
  if (c === 91) {
    // [
    let k = j + 1;
    let n = 0;
    let v = 0;
    while (n < MAX_PID_DIGITS) {
      const d = s.charCodeAt(k) - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
      n++;
      k++;
    }
    if (n === 0 || s.charCodeAt(k) !== 93) return false; // ]
    pid = v;
    j = k + 1;
    c = s.charCodeAt(j);
  } else if (needPid) {
    return false;
  }
  if (c !== 58) return false; // :
  j++;
  if (j < len) {
    if (s.charCodeAt(j) !== 32) return false;
    j++;
  }
  out.program = interned(internedTags, s, i, tagEnd);
  out.pid = pid;
  out.msgStart = j;
  return true;
}

/** Index after a FreeBSD `<facility.level> ` marker at i, or i when there is none. */
export function skipFacilityMarker(s: string, i: number): number {
  if (s.charCodeAt(i) !== 60) return i; // <
  let dot = false;
  const limit = Math.min(s.length, i + 32);
  for (let j = i + 1; j < limit; j++) {
    const c = s.charCodeAt(j);
    if (c === 62) return dot && j > i + 3 && s.charCodeAt(j + 1) === 32 ? j + 2 : i; // >
    if (c === 46) dot = true;
    else if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) return i;
  }
  return i;
}

/** Index after a Solaris `[ID 123456 facility.level] ` marker at i, or i when there is none. */
export function skipSolarisId(s: string, i: number): number {
  if (s.charCodeAt(i) !== 91 || !s.startsWith('[ID ', i)) return i; // [
  const close = s.indexOf(']', i + 4);
  if (close < 0 || close - i > 48 || s.charCodeAt(close + 1) !== 32) return i;
  return close + 2;
}

/** End index of the token starting at i (next space or end), bounded by max; -1 when too long. */
export function tokenEnd(s: string, i: number, max: number): number {
  let sp = s.indexOf(' ', i);
  if (sp < 0) sp = s.length;
  return sp - i > max ? -1 : sp;
}

const DOVECOT_LEVELS = ['Info: ', 'Warning: ', 'Warn: ', 'Error: ', 'Fatal: ', 'Panic: ', 'Debug: '];

/** Dovecot's own log file: `imap-login: Info: ...` (the level word follows the service). */
export function isDovecotLevelAt(s: string, i: number): boolean {
  for (const level of DOVECOT_LEVELS) if (s.startsWith(level, i)) return true;
  return false;
}
