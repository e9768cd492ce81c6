/**
 * parseEnvelope: one decoded line -> LogLine (stamp, host, program tag, pid, message).
 * Pure apart from the per-input year-inference state in ctx; never throws; dispatches on
 * the first character and fixed positions before anything else.
 *
 * Shapes read:
 * - RFC 3164 `Mmm dd hh:mm:ss host prog[pid]: msg` (day padded with a space, a 0, or not
 *   at all; optional `.frac`; optional year before or after the time), with an optional
 *   `<PRI>` prefix, FreeBSD's `<facility.level>` before the host, Solaris's
 *   `[ID 123456 facility.level]` after the tag, and no host at all;
 * - RFC 5424 `<PRI>1 stamp host app procid msgid [sd] msg` (NILVALUE `-`);
 * - rsyslog ISO 8601 `2023-03-14T00:00:31.185246+01:00 host prog[pid]: msg` (also
 *   journalctl's short-iso), journalctl's short-unix `1763629201.123456 host ...` and
 *   short-full `Fri 2026-11-20 10:00:01 CET host ...`;
 * - `YYYY-MM-DD hh:mm:ss host prog[pid]: msg` (syslog-ng style);
 * - Exim's own mainlog/rejectlog/paniclog `YYYY-MM-DD hh:mm:ss[.ms][ +zone][ [pid]] ...`
 *   -> program `exim`, host '';
 * - Rspamd's own log `YYYY-MM-DD hh:mm:ss[.ms] #pid(type) <id>; ...` -> program `rspamd`,
 *   message from `<id>` on (as in its syslog lines);
 * - Dovecot's own log `stamp service: Level: ...` -> program `dovecot`;
 * - `prog[pid]: msg` without stamp or host;
 * - `journalctl -o json` lines (leading `{`);
 * - an unknown stamp followed by `host prog[pid]: ` (time null);
 * - anything else: message = whole line, program ''.
 * `#012` escapes are kept as logged.
 */
import type { LogLine, SourceRef } from './line.js';
import { parseJournal } from './journal.js';
import {
  type EnvelopeContext,
  type StampResult,
  readBsdStamp,
  readIsoStamp,
  sameAt,
  isDigit,
  digits4,
} from './timestamp.js';
import {
  type TagResult,
  readTag,
  skipFacilityMarker,
  skipSolarisId,
  tokenEnd,
  hostName,
  isDovecotLevelAt,
  MAX_HOST_CHARS,
  MAX_TAG_CHARS,
  MAX_PID_DIGITS,
  MAX_REMEMBERED_LINE_CHARS,
} from './tag.js';

export { createEnvelopeContext, type EnvelopeContext } from './timestamp.js';
import { createEnvelopeContext } from './timestamp.js';

/** How far into a line the fallback looks for a time of day. */
const FALLBACK_SCAN_CHARS = 80;
/** RFC 5424 field limits (APP-NAME 48, PROCID 128, MSGID 32). */
const MAX_5424_APP = 48;
const MAX_5424_PROCID = 128;
const MAX_5424_MSGID = 32;
/** Longest Rspamd process type in `#pid(type)`. */
const MAX_RSPAMD_TYPE = 32;

// Scratch results, reused for every line (parseEnvelope is synchronous and not re-entrant).
const stamp: StampResult = { time: 0, end: 0 };
const tag: TagResult = { program: '', pid: null, msgStart: 0 };

function make(
  text: string,
  src: SourceRef,
  time: number | null,
  host: string,
  program: string,
  pid: number | null,
  msgStart: number,
): LogLine {
  return {
    time,
    host,
    program,
    pid,
    message: msgStart <= 0 ? text : msgStart >= text.length ? '' : text.slice(msgStart),
    raw: text,
    src,
  };
}

function bare(text: string, src: SourceRef): LogLine {
  return make(text, src, null, '', '', null, 0);
}

/** Index after `<PRI>` at 0, or 0. */
function priEnd(s: string): number {
  let i = 1;
  let v = 0;
  while (i <= 3 && isDigit(s.charCodeAt(i))) {
    v = v * 10 + (s.charCodeAt(i) - 48);
    i++;
  }
  if (i === 1 || s.charCodeAt(i) !== 62 || v > 191) return 0; // >
  return i + 1;
}

/** Message start after a tag (skipping Solaris's `[ID n facility.level] `). */
function messageAfterTag(s: string): number {
  return skipSolarisId(s, tag.msgStart);
}

/**
 * What afterStamp read from ` [<fac.lvl>] [host] tag[` (from the space after the stamp to
 * the bracket before the pid) when `pid]: ` followed: the same text followed by other pid
 * digits and `]: ` reads the same host and tag, as afterStamp only looks at those
 * characters when the tag has a pid. A host's few programs log nearly every line, each
 * process only a few (one message's cleanup, one smtpd session), so a small table keyed
 * without the pid saves most lines the host and tag scans. Fixed size: hostile input
 * cannot grow it.
 */
interface Segment {
  text: string;
  /** The codes of text when all are ASCII (and not NUL), for parseEnvelopeBytes; else null. */
  codes: Uint8Array | null;
  host: string;
  program: string;
}
const SEGMENT_SLOTS = 256;
const segments: (Segment | undefined)[] = new Array<Segment | undefined>(SEGMENT_SLOTS).fill(undefined);

/** Slot of the segment [i, end) (end - i >= 2): from its length and characters near its end (the tag's). */
function segmentSlot(s: string, i: number, end: number): number {
  return (
    ((end - i) * 31 +
      s.charCodeAt(end - 2) * 7 +
      s.charCodeAt(end - 3) * 5 +
      s.charCodeAt(i + ((end - i) >> 1)) * 3 +
      s.charCodeAt(i + 1)) &
    (SEGMENT_SLOTS - 1)
  );
}

/** Remembers the segment s[i, end) that afterStamp read the long way. */
function rememberSegment(s: string, i: number, end: number, host: string, program: string): void {
  if (s.length > MAX_REMEMBERED_LINE_CHARS) return;
  let codes: Uint8Array | null = new Uint8Array(end - i);
  for (let k = i; k < end; k++) {
    const c = s.charCodeAt(k);
    if (c === 0 || c > 127) {
      codes = null;
      break;
    }
    codes[k - i] = c;
  }
  segments[segmentSlot(s, i, end)] = { text: s.slice(i, end), codes, host, program };
}

/** The pid read by the last pidOpen. */
let pidRead = 0;

/**
 * Index of the `[` before the pid's digits that end at `close` (the `]` of `]: `), or -1:
 * 1 to MAX_PID_DIGITS digits after index i. Their value is left in pidRead (read from the
 * last digit back: one pass, and exact, as the value stays below 2^53).
 */
function pidOpen(s: string, i: number, close: number): number {
  let k = close - 1;
  let v = 0;
  let unit = 1;
  while (k > i && close - k <= MAX_PID_DIGITS) {
    const d = s.charCodeAt(k) - 48;
    if (d < 0 || d > 9) break;
    v += d * unit;
    unit *= 10;
    k--;
  }
  pidRead = v;
  return k < close - 1 && s.charCodeAt(k) === 91 ? k : -1; // [
}

/**
 * After a stamp ending at i: `[<fac.lvl>] [host] tag[pid]: msg`. With `needTag`, returns
 * null unless a tag is found (used by the fallback, where the stamp itself is unsure).
 */
function afterStamp(
  text: string,
  src: SourceRef,
  time: number | null,
  i: number,
  needTag: boolean,
): LogLine | null {
  const len = text.length;
  if (i >= len) return needTag ? null : make(text, src, time, '', '', null, len);
  if (text.charCodeAt(i) !== 32) return null;
  // The segment up to the pid before the first `]: ` was seen on an earlier line: read as it was then.
  const close = text.indexOf(']: ', i);
  const open = close > i ? pidOpen(text, i, close) : -1;
  if (open > i) {
    const end = open + 1;
    const seg = segments[segmentSlot(text, i, end)];
    if (seg !== undefined && seg.text.length === end - i && sameAt(text, i, seg.text)) {
      return make(text, src, time, seg.host, seg.program, pidRead, skipSolarisId(text, close + 3));
    }
  }
  const j = skipFacilityMarker(text, i + 1);
  // No host: `stamp tag[pid]: msg`.
  if (readTag(text, j, tag, false)) {
    // Dovecot's own log file: `imap-login: Info: ...`, or older `Info: imap-login: ...`.
    if (tag.pid === null && (isDovecotLevelAt(text, tag.msgStart) || isDovecotLevelAt(text, j))) {
      return make(text, src, time, '', 'dovecot', null, j);
    }
    if (tag.pid !== null && open > i && tag.msgStart === close + 3)
      rememberSegment(text, i, open + 1, '', tag.program);
    return make(text, src, time, '', tag.program, tag.pid, messageAfterTag(text));
  }
  const hostEnd = tokenEnd(text, j, MAX_HOST_CHARS);
  if (hostEnd < 0) return needTag ? null : make(text, src, time, '', '', null, j);
  const host = hostEnd > j ? hostName(text, j, hostEnd) : '';
  const k = hostEnd + 1;
  if (readTag(text, k, tag, false)) {
    if (tag.pid === null && isDovecotLevelAt(text, tag.msgStart)) {
      return make(text, src, time, host, 'dovecot', null, k);
    }
    if (tag.pid !== null && open > i && tag.msgStart === close + 3)
      rememberSegment(text, i, open + 1, host, tag.program);
    return make(text, src, time, host, tag.program, tag.pid, messageAfterTag(text));
  }
  // A stamp and a host but no tag (e.g. syslogd's own "last message repeated").
  return needTag ? null : make(text, src, time, host, '', null, k);
}

/** An Exim message id (`1tXyzA-000Abc-12` / `10HmaX-000000005vi-0000`) spanning [i, end). */
function isEximId(s: string, i: number, end: number): boolean {
  const n = end - i;
  if (n === 16) return s.charCodeAt(i + 6) === 45 && s.charCodeAt(i + 13) === 45;
  if (n === 23) return s.charCodeAt(i + 6) === 45 && s.charCodeAt(i + 18) === 45;
  return false;
}

/** Hostname characters: letters, digits, `. - _ :` (IPv6). */
function isHostToken(s: string, i: number, end: number): boolean {
  if (end <= i) return false;
  for (let k = i; k < end; k++) {
    const c = s.charCodeAt(k);
    if (!(
      (c >= 97 && c <= 122) ||
      (c >= 65 && c <= 90) ||
      (c >= 48 && c <= 57) ||
      c === 46 ||
      c === 45 ||
      c === 95 ||
      c === 58
    )) {
      return false;
    }
  }
  return true;
}

/**
 * `YYYY-MM-DD hh:mm:ss...` lines: a syslog-ng style envelope, Rspamd's or Dovecot's own
 * log, else Exim's own log (the format is Exim's unless something else is recognised).
 */
function spaceStamped(text: string, src: SourceRef, time: number, i: number): LogLine {
  const len = text.length;
  if (i >= len) return make(text, src, time, '', 'exim', null, len);
  if (text.charCodeAt(i) !== 32) return bare(text, src);
  const j = i + 1;
  const c = text.charCodeAt(j);
  if (c === 35) {
    // Rspamd: `#12345(normal) <abc123>; ...`
    let k = j + 1;
    let pid = 0;
    while (k - j <= 10 && isDigit(text.charCodeAt(k))) {
      pid = pid * 10 + (text.charCodeAt(k) - 48);
      k++;
    }
    if (k > j + 1 && text.charCodeAt(k) === 40) {
      const close = text.indexOf(')', k + 1);
      if (close > 0 && close - k <= MAX_RSPAMD_TYPE + 1) {
        const msg = text.charCodeAt(close + 1) === 32 ? close + 2 : close + 1;
        return make(text, src, time, '', 'rspamd', pid, msg);
      }
    }
  } else if (c === 91) {
    // Exim with log_selector +pid: `[1234] ...`
    let k = j + 1;
    let pid = 0;
    while (k - j <= 10 && isDigit(text.charCodeAt(k))) {
      pid = pid * 10 + (text.charCodeAt(k) - 48);
      k++;
    }
    if (k > j + 1 && text.charCodeAt(k) === 93 && text.charCodeAt(k + 1) === 32) {
      return make(text, src, time, '', 'exim', pid, k + 2);
    }
  } else {
    // `stamp prog[pid]: msg` or `stamp host prog[pid]: msg` (syslog written with ISO dates).
    if (readTag(text, j, tag, true)) {
      return make(text, src, time, '', tag.program, tag.pid, messageAfterTag(text));
    }
    const hostEnd = tokenEnd(text, j, MAX_HOST_CHARS);
    if (hostEnd > 0) {
      // The pid is required here (Exim writes lines like `1999-03-02 09:44:33 Messages
      // received: 4`), except for Dovecot, which logs to syslog without one.
      if (
        isHostToken(text, j, hostEnd) &&
        !isEximId(text, j, hostEnd) &&
        readTag(text, hostEnd + 1, tag, false) &&
        (tag.pid !== null || tag.program === 'dovecot')
      ) {
        return make(text, src, time, hostName(text, j, hostEnd), tag.program, tag.pid, messageAfterTag(text));
      }
      // Dovecot's own log: `imap-login: Info: ...`
      if (
        text.charCodeAt(hostEnd - 1) === 58 &&
        hostEnd - j <= MAX_TAG_CHARS &&
        isDovecotLevelAt(text, hostEnd + 1)
      ) {
        return make(text, src, time, '', 'dovecot', null, j);
      }
    }
  }
  return make(text, src, time, '', 'exim', null, j);
}

/** RFC 5424 after `<PRI>` at p (text[p] is the version digit). Null when malformed. */
function rfc5424(text: string, src: SourceRef, ctx: EnvelopeContext, p: number): LogLine | null {
  const len = text.length;
  let i = p + 2;
  let time: number | null = null;
  if (text.charCodeAt(i) === 45) i++;
  else {
    if (!readIsoStamp(text, i, 84, ctx, stamp, false)) return null;
    time = stamp.time;
    i = stamp.end;
  }
  if (text.charCodeAt(i) !== 32) return null;
  i++;
  const hostEnd = tokenEnd(text, i, MAX_HOST_CHARS);
  if (hostEnd < 0 || hostEnd >= len) return null;
  const host =
    hostEnd === i || (hostEnd === i + 1 && text.charCodeAt(i) === 45) ? '' : hostName(text, i, hostEnd);
  i = hostEnd + 1;
  const appEnd = tokenEnd(text, i, MAX_5424_APP);
  if (appEnd < 0 || appEnd >= len) return null;
  const app = appEnd === i + 1 && text.charCodeAt(i) === 45 ? '' : text.slice(i, appEnd);
  i = appEnd + 1;
  const procEnd = tokenEnd(text, i, MAX_5424_PROCID);
  if (procEnd < 0 || procEnd >= len) return null;
  let pid: number | null = null;
  if (procEnd > i && procEnd - i <= 10) {
    let v = 0;
    let k = i;
    while (k < procEnd && isDigit(text.charCodeAt(k))) {
      v = v * 10 + (text.charCodeAt(k) - 48);
      k++;
    }
    if (k === procEnd) pid = v;
  }
  i = procEnd + 1;
  const msgidEnd = tokenEnd(text, i, MAX_5424_MSGID);
  if (msgidEnd < 0 || msgidEnd >= len) return null;
  i = msgidEnd + 1;
  // STRUCTURED-DATA: `-` or one or more `[id k="v" ...]` (`\]`, `\"`, `\\` escaped in values).
  if (text.charCodeAt(i) === 45) i++;
  else if (text.charCodeAt(i) === 91) {
    while (text.charCodeAt(i) === 91) {
      i++;
      let quoted = false;
      for (; i < len; i++) {
        const c = text.charCodeAt(i);
        if (quoted) {
          if (c === 92) i++;
          else if (c === 34) quoted = false;
        } else if (c === 34) quoted = true;
        else if (c === 93) break;
      }
      if (i >= len) return null;
      i++;
    }
  } else return null;
  if (i < len) {
    if (text.charCodeAt(i) !== 32) return null;
    i++;
    if (text.charCodeAt(i) === 0xfeff) i++; // BOM before a UTF-8 MSG
  }
  return make(text, src, time, host, app, pid, i);
}

/**
 * `journalctl -o short-full` after the weekday: `2026-11-20 10:00:01 CET` (stamp at i). The
 * zone abbreviation is the one of the machine journalctl ran on: read as local time
 * (UTC for `UTC`/`GMT`). Sets stamp; false when there is no such stamp.
 */
function readFullStamp(s: string, i: number, ctx: EnvelopeContext): boolean {
  if (!readIsoStamp(s, i, 32, ctx, stamp, false) || s.charCodeAt(stamp.end) !== 32) return false;
  const z = stamp.end + 1;
  let k = z;
  while (k - z < 6 && ((s.charCodeAt(k) >= 65 && s.charCodeAt(k) <= 90) || isDigit(s.charCodeAt(k)))) k++;
  if (k === z || s.charCodeAt(k) !== 32) return false;
  if (ctx.tz !== 'UTC' && (s.startsWith('UTC ', z) || s.startsWith('GMT ', z))) {
    // Re-read the wall clock as UTC.
    const local = createEnvelopeContext(ctx.refTime, 'UTC');
    readIsoStamp(s, i, 32, local, stamp, false);
  }
  stamp.end = k;
  return true;
}

/** `journalctl -o short-unix`: `1763629201.123456 host prog[pid]: msg` (10-digit seconds). */
function readUnixStamp(s: string, i: number): boolean {
  let secs = 0;
  for (let k = i; k < i + 10; k++) {
    const d = s.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return false;
    secs = secs * 10 + d;
  }
  let k = i + 11;
  let ms = 0;
  let n = 0;
  while (n < 9 && isDigit(s.charCodeAt(k))) {
    if (n < 3) ms = ms * 10 + (s.charCodeAt(k) - 48);
    n++;
    k++;
  }
  if (n === 0) return false;
  for (let m = n; m < 3; m++) ms *= 10;
  stamp.time = secs * 1000 + ms;
  stamp.end = k;
  return true;
}

/** Epoch ms of a TAI64N label `@` + 24 hex digits at 0 (TAI is taken as UTC + 10 s), or null. */
function readTai64n(s: string): number | null {
  if (s.length < 25 || !s.startsWith('@4000000')) return null;
  let secs = 0;
  for (let i = 8; i < 17; i++) {
    const v = hexValue(s.charCodeAt(i));
    if (v < 0) return null;
    secs = secs * 16 + v;
  }
  let nanos = 0;
  for (let i = 17; i < 25; i++) {
    const v = hexValue(s.charCodeAt(i));
    if (v < 0) return null;
    nanos = nanos * 16 + v;
  }
  if (nanos > 999_999_999) return null;
  return (secs - 10) * 1000 + Math.floor(nanos / 1_000_000);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Unknown stamp (e.g. `%(day)s 11:00:20`, `Apr-07-13 07:08:36`) then `host prog[pid]: `. */
const TIME_OF_DAY = /\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?(?= )/;

function fallback(text: string, src: SourceRef): LogLine {
  const colon = text.indexOf(':');
  if (colon < 2 || colon > FALLBACK_SCAN_CHARS) return bare(text, src);
  const m = TIME_OF_DAY.exec(text.length > FALLBACK_SCAN_CHARS ? text.slice(0, FALLBACK_SCAN_CHARS) : text);
  // A `word: ` before the time means the time is inside a message, not a stamp.
  if (m === null || (colon < m.index && text.charCodeAt(colon + 1) === 32)) return bare(text, src);
  return afterStamp(text, src, null, m.index + m[0].length, true) ?? bare(text, src);
}

export function parseEnvelope(text: string, src: SourceRef, ctx: EnvelopeContext): LogLine {
  const len = text.length;
  if (len === 0) return bare(text, src);
  const c0 = text.charCodeAt(0);
  if (c0 === 123) return parseJournal(text, src) ?? bare(text, src); // {
  let p = 0;
  if (c0 === 60) {
    // <PRI>
    p = priEnd(text);
    if (p > 0 && text.charCodeAt(p) === 49 && text.charCodeAt(p + 1) === 32) {
      const line = rfc5424(text, src, ctx, p);
      if (line !== null) return line;
    }
  }
  const c = text.charCodeAt(p);
  if (c >= 65 && c <= 90) {
    if (readBsdStamp(text, p, ctx, stamp)) {
      const line = afterStamp(text, src, stamp.time, stamp.end, false);
      if (line !== null) return line;
    } else if (text.charCodeAt(p + 3) === 32 && readFullStamp(text, p + 4, ctx)) {
      const line = afterStamp(text, src, stamp.time, stamp.end, false);
      if (line !== null) return line;
    }
  } else if (isDigit(c) && text.charCodeAt(p + 10) === 46 && readUnixStamp(text, p)) {
    const line = afterStamp(text, src, stamp.time, stamp.end, false);
    if (line !== null) return line;
  } else if (isDigit(c) && len - p >= 19 && text.charCodeAt(p + 4) === 45 && digits4(text, p) >= 0) {
    const sep = text.charCodeAt(p + 10);
    if (sep === 84) {
      // T
      if (readIsoStamp(text, p, 84, ctx, stamp, false)) {
        const line = afterStamp(text, src, stamp.time, stamp.end, false);
        if (line !== null) return line;
      }
    } else if (sep === 32 && readIsoStamp(text, p, 32, ctx, stamp, true)) {
      return spaceStamped(text, src, stamp.time, stamp.end);
    }
  }
  // `prog[pid]: msg` without stamp or host, or `host prog[pid]: msg` without stamp.
  if (readTag(text, p, tag, true))
    return make(text, src, null, '', tag.program, tag.pid, messageAfterTag(text));
  const hostEnd = tokenEnd(text, p, MAX_HOST_CHARS);
  if (
    hostEnd > p &&
    text.charCodeAt(hostEnd - 1) !== 58 &&
    isHostToken(text, p, hostEnd) &&
    readTag(text, hostEnd + 1, tag, true)
  ) {
    return make(text, src, null, hostName(text, p, hostEnd), tag.program, tag.pid, messageAfterTag(text));
  }
  if (c0 === 64) {
    // daemontools/runit multilog TAI64N stamp: `@4000000063b6f2a11d2f8c14 prog: msg`
    const t = readTai64n(text);
    if (t !== null) {
      const line = afterStamp(text, src, t, 25, false);
      if (line !== null) return line;
    }
  }
  return fallback(text, src);
}

/** Shortest line parseEnvelopeBytes reads: every stamp position it looks at lies inside it. */
const BYTES_MIN_LINE = 48;
/** How far past the stamp parseEnvelopeBytes looks for the `]: ` after the pid. */
const BYTES_MAX_SEGMENT = 512;

/** Two ASCII digits at b[i] as a number, or -1. */
function digits2At(b: Buffer, i: number): number {
  const x = b[i]! - 48;
  const y = b[i + 1]! - 48;
  if (!(x >= 0 && x <= 9 && y >= 0 && y <= 9)) return -1;
  return x * 10 + y;
}

/** Milliseconds of the fraction read by fractionEnd. */
let fractionMs = 0;

/** As timestamp.ts's fraction, on bytes: the index after `.d{1,9}` at j (j when there is none). */
function fractionEnd(b: Buffer, j: number): number {
  fractionMs = 0;
  if (b[j] !== 46) return j; // .
  let k = j + 1;
  let ms = 0;
  let n = 0;
  while (n < 9) {
    const d = b[k]! - 48;
    if (d < 0 || d > 9) break;
    if (n < 3) ms = ms * 10 + d;
    n++;
    k++;
  }
  if (n === 0) return j;
  while (n < 3) {
    ms *= 10;
    n++;
  }
  fractionMs = ms;
  return k;
}

/** The time read by byteStamp. */
let bytesTime = 0;

/**
 * A stamp at b[s] (the line is at least BYTES_MIN_LINE bytes long) that parseEnvelope reads
 * from its context's cache: an rsyslog ISO 8601 stamp in the minute of the last ISO stamp,
 * or an RFC 3164 stamp in the minute of the last one. Returns the index after it with its
 * time in bytesTime, or -1 for any other line. Reads only bytes equal to ASCII characters it
 * expects, in order, so those bytes are the line's first characters whatever its encoding.
 */
function byteStamp(b: Buffer, s: number, ctx: EnvelopeContext): number {
  const c0 = b[s]!;
  if (c0 >= 48 && c0 <= 57) {
    // parseEnvelope -> readIsoStamp(sep 'T'): the key was checked there as `dddd-dd-ddTdd:dd`.
    const key = ctx.isoKeyCodes;
    if (ctx.isoKey.length === 0 || key[10] !== 84) return -1;
    for (let k = 1; k < 16; k++) if (b[s + k] !== key[k]) return -1;
    if (c0 !== key[0] || b[s + 16] !== 58) return -1; // :
    const sec = digits2At(b, s + 17);
    if (sec < 0 || sec > 60) return -1;
    const utc = ctx.isoUtc + sec * 1000;
    const wall = ctx.isoWall + sec * 1000;
    const j = fractionEnd(b, s + 19);
    const ms = fractionMs;
    // Zone (as zoneAt, not spaced): `Z`, `+hh:mm` or `+hhmm`; none when malformed.
    const c = b[j]!;
    if (c === 90) {
      bytesTime = utc + ms;
      return j + 1;
    }
    if (c === 43 || c === 45) {
      const hh = digits2At(b, j + 1);
      if (hh >= 0 && hh <= 14) {
        const colon = b[j + 3] === 58;
        const mm = digits2At(b, colon ? j + 4 : j + 3);
        if (mm >= 0 && mm <= 59) {
          const abs = hh * 60 + mm;
          const off = c === 45 ? -abs : abs;
          bytesTime = utc + ms - off * 60_000;
          return colon ? j + 6 : j + 5;
        }
      }
    }
    bytesTime = wall + ms;
    return j;
  }
  if (c0 >= 65 && c0 <= 90) {
    // parseEnvelope -> readBsdStamp: the key was checked there as `Mmm dd hh:mm:`.
    const n = ctx.bsdKey.length;
    if (n === 0) return -1;
    const key = ctx.bsdKeyCodes;
    for (let k = 0; k < n; k++) if (b[s + k] !== key[k]) return -1;
    const sec = digits2At(b, s + n);
    if (sec < 0 || sec > 60) return -1;
    const j = fractionEnd(b, s + n + 2);
    // A year after the time is read by readBsdStamp's full parse.
    if (b[j] === 32 && b[j + 5] === 32 && digits2At(b, j + 1) >= 0 && digits2At(b, j + 3) >= 0) {
      if (digits2At(b, j + 1) * 100 + digits2At(b, j + 3) >= 1970) return -1;
    }
    bytesTime = ctx.bsdTime + sec * 1000 + fractionMs;
    return j;
  }
  return -1;
}

/**
 * parseEnvelope(text, src, ctx) for a line whose bytes buf[start, end) decode to text (as
 * decodeLine does). The usual line, a stamp in the minute of the last one, then host and tag
 * as on an earlier line (afterStamp's segment table) and `pid]: `, is read from the bytes,
 * which is cheaper than from the string; every other line goes to parseEnvelope. The bytes
 * read are all ASCII, so byte and character indices agree up to the message.
 */
export function parseEnvelopeBytes(
  text: string,
  buf: Buffer,
  start: number,
  end: number,
  src: SourceRef,
  ctx: EnvelopeContext,
): LogLine {
  if (end - start >= BYTES_MIN_LINE) {
    const i = byteStamp(buf, start, ctx);
    if (i > 0 && buf[i] === 32) {
      // afterStamp: the first `]: `, the pid before it, the segment before the pid.
      const limit = Math.min(end - 2, i + BYTES_MAX_SEGMENT);
      let close = i + 1;
      while (close < limit && !(buf[close] === 93 && buf[close + 1] === 58 && buf[close + 2] === 32)) close++;
      if (close < limit) {
        let k = close - 1;
        let v = 0;
        let unit = 1;
        while (k > i && close - k <= MAX_PID_DIGITS) {
          const d = buf[k]! - 48;
          if (d < 0 || d > 9) break;
          v += d * unit;
          unit *= 10;
          k--;
        }
        if (k < close - 1 && buf[k] === 91) {
          const segEnd = k + 1;
          const n = segEnd - i;
          const slot =
            (n * 31 + buf[segEnd - 2]! * 7 + buf[segEnd - 3]! * 5 + buf[i + (n >> 1)]! * 3 + buf[i + 1]!) &
            (SEGMENT_SLOTS - 1);
          const seg = segments[slot];
          const codes = seg === undefined ? null : seg.codes;
          // Not a Solaris `[ID ...]` after the tag (skipSolarisId).
          if (codes !== null && codes.length === n && (close + 3 >= end || buf[close + 3] !== 91)) {
            let m = 0;
            while (m < n && buf[i + m] === codes[m]) m++;
            if (m === n) return make(text, src, bytesTime, seg!.host, seg!.program, v, close + 3 - start);
          }
        }
      }
    }
  }
  return parseEnvelope(text, src, ctx);
}
