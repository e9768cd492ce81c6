/**
 * Log timestamps -> epoch milliseconds (UTC), read with fixed-position char-code checks
 * (no regex, no allocation on the common path).
 *
 * Zoneless stamps (RFC 3164 `Mmm dd hh:mm:ss`, Exim's and Rspamd's own `YYYY-MM-DD
 * hh:mm:ss`) are taken as the local time of the machine spoofwatch runs on, which is what
 * the logging machine wrote when both are the same host. `tz: 'UTC'` reads them as UTC, and
 * an IANA zone name (`Europe/Berlin`) as that zone's time: logs read away from their host.
 *
 * RFC 3164 stamps carry no year. It is inferred per input from a reference time (the
 * file's mtime, i.e. roughly when its last line was written; now for stdin):
 * - the first stamp gets the reference year, or the year before when that would put it
 *   more than two days after the reference (a Dec stamp in a file modified in Jan);
 * - after that, a jump back of nine months or more (Dec -> Jan) is a new year, so stamps
 *   never move backwards across a roll-over; a stray line jumping forward that much
 *   (a late Dec line after the first Jan lines) belongs to the year before.
 */

import { zonedWallClockMs, zonedYear } from './zone.js';

/** 'local' (this machine's zone), 'UTC', or an IANA zone name checked with isTimeZone. */
export type TimeZoneMode = string;

/** Per-input state for reading stamps. Create one per file with createEnvelopeContext. */
export interface EnvelopeContext {
  /** Reference time (epoch ms) for year inference: file mtime, or now for stdin. */
  refTime: number;
  /** How zoneless stamps are read (default: local time of this machine). */
  tz: TimeZoneMode;
  /** Inferred year of the last yearless stamp (undefined until the first one). */
  year: number | undefined;
  /** Month (0-11) of the last yearless stamp. */
  lastMonth: number;
  /** Cache of the local epoch ms of one hour (DST makes local -> UTC non-trivial). */
  hourKey: number;
  hourBase: number;
  /**
   * The minute of the last RFC 3164 stamp read through inferYear (`Mmm dd hh:mm:`, '' for
   * none) and its epoch ms: consecutive lines share the minute, and the year rules give a
   * repeated one the same year (see readBsdStamp).
   */
  bsdKey: string;
  /** bsdKey's characters (all ASCII), for reading a stamp from the line's bytes (envelope.ts). */
  bsdKeyCodes: Uint8Array;
  bsdTime: number;
  /** The minute of the last ISO 8601 stamp (`YYYY-MM-DD?hh:mm`, '' for none): its UTC and wall-clock epoch ms. */
  isoKey: string;
  /** isoKey's characters (all ASCII), for reading a stamp from the line's bytes (envelope.ts). */
  isoKeyCodes: Uint8Array;
  isoUtc: number;
  isoWall: number;
}

export function createEnvelopeContext(
  refTime: number = Date.now(),
  tz: TimeZoneMode = 'local',
): EnvelopeContext {
  return {
    refTime,
    tz,
    year: undefined,
    lastMonth: 0,
    hourKey: -1,
    hourBase: 0,
    bsdKey: '',
    bsdKeyCodes: new Uint8Array(KEY_CODES),
    bsdTime: 0,
    isoKey: '',
    isoKeyCodes: new Uint8Array(KEY_CODES),
    isoUtc: 0,
    isoWall: 0,
  };
}

/** Room for the character codes of bsdKey (12 or 13 characters) and isoKey (16). */
const KEY_CODES = 16;

/** Copies the codes of the ASCII key s[i, i + n) into codes. */
function keepCodes(s: string, i: number, n: number, codes: Uint8Array): void {
  for (let k = 0; k < n; k++) codes[k] = s.charCodeAt(i + k);
}

/** Slack for the first-stamp rule: clock skew and time zones between writer and reader. */
const YEAR_SLACK_MS = 2 * 24 * 60 * 60 * 1000;
/** A month jump at least this large between consecutive yearless stamps is a year change. */
const ROLLOVER_MONTHS = 9;

/** Two ASCII digits at i as a number, or -1 (also past the end of s, where charCodeAt is NaN). */
export function digits2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  if (!(a >= 0 && a <= 9 && b >= 0 && b <= 9)) return -1;
  return a * 10 + b;
}

/** Four ASCII digits at i as a number, or -1. */
export function digits4(s: string, i: number): number {
  const a = digits2(s, i);
  const b = digits2(s, i + 2);
  if (a < 0 || b < 0) return -1;
  return a * 100 + b;
}

/**
 * True when `key` is at s[i]. A substring (a view, not a copy, from 13 characters on) and
 * `===` compare in one builtin call: cheaper than a charCodeAt loop, where every call
 * checks the string's representation again, and than String#startsWith at an offset.
 */
export function sameAt(s: string, i: number, key: string): boolean {
  return s.substring(i, i + key.length) === key;
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Month index (0-11) of an English three-letter abbreviation at i, or -1. */
export function monthAt(s: string, i: number): number {
  const a = s.charCodeAt(i);
  const b = s.charCodeAt(i + 1);
  const c = s.charCodeAt(i + 2);
  switch (a) {
    case 74: // J
      if (b === 97 && c === 110) return 0; // Jan
      if (b === 117 && c === 110) return 5; // Jun
      if (b === 117 && c === 108) return 6; // Jul
      return -1;
    case 70: // F
      return b === 101 && c === 98 ? 1 : -1; // Feb
    case 77: // M
      if (b === 97 && c === 114) return 2; // Mar
      if (b === 97 && c === 121) return 4; // May
      return -1;
    case 65: // A
      if (b === 112 && c === 114) return 3; // Apr
      if (b === 117 && c === 103) return 7; // Aug
      return -1;
    case 83: // S
      return b === 101 && c === 112 ? 8 : -1; // Sep
    case 79: // O
      return b === 99 && c === 116 ? 9 : -1; // Oct
    case 78: // N
      return b === 111 && c === 118 ? 10 : -1; // Nov
    case 68: // D
      return b === 101 && c === 99 ? 11 : -1; // Dec
    default:
      return -1;
  }
}

/** Epoch ms of a zoneless wall-clock time, read in the context's zone. */
export function wallClockMs(
  ctx: EnvelopeContext,
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  sec: number,
  ms: number,
): number {
  if (ctx.tz === 'UTC') return Date.UTC(y, mo, d, h, mi, sec, ms);
  const key = ((y * 12 + mo) * 32 + d) * 24 + h;
  if (key !== ctx.hourKey) {
    ctx.hourKey = key;
    ctx.hourBase =
      ctx.tz === 'local'
        ? new Date(y, mo, d, h, 0, 0, 0).getTime()
        : zonedWallClockMs(ctx.tz, Date.UTC(y, mo, d, h));
  }
  return ctx.hourBase + mi * 60_000 + sec * 1000 + ms;
}

function yearOf(ctx: EnvelopeContext, t: number): number {
  if (ctx.tz === 'UTC') return new Date(t).getUTCFullYear();
  return ctx.tz === 'local' ? new Date(t).getFullYear() : zonedYear(ctx.tz, t);
}

/** The year of a yearless stamp in month `mo` (see the rules at the top of this file). */
export function inferYear(
  ctx: EnvelopeContext,
  mo: number,
  d: number,
  h: number,
  mi: number,
  sec: number,
): number {
  const year = ctx.year;
  if (year === undefined) {
    let y = yearOf(ctx, ctx.refTime);
    if (wallClockMs(ctx, y, mo, d, h, mi, sec, 0) > ctx.refTime + YEAR_SLACK_MS) y--;
    ctx.year = y;
    ctx.lastMonth = mo;
    return y;
  }
  const last = ctx.lastMonth;
  if (mo <= last - ROLLOVER_MONTHS) {
    ctx.year = year + 1;
    ctx.lastMonth = mo;
    return year + 1;
  }
  if (mo >= last + ROLLOVER_MONTHS) return year - 1;
  ctx.lastMonth = mo;
  return year;
}

/** Result of reading a stamp: epoch ms, and the index just after it. */
export interface StampResult {
  time: number;
  end: number;
}

/** Fraction `.d{1,9}` at i: writes milliseconds into out.time and returns the index after, or i. */
function fraction(s: string, i: number, out: StampResult): number {
  out.time = 0;
  if (s.charCodeAt(i) !== 46) return i; // '.'
  let j = i + 1;
  let ms = 0;
  let n = 0;
  while (n < 9 && isDigit(s.charCodeAt(j))) {
    if (n < 3) ms = ms * 10 + (s.charCodeAt(j) - 48);
    n++;
    j++;
  }
  if (n === 0) return i;
  while (n < 3) {
    ms *= 10;
    n++;
  }
  out.time = ms;
  return j;
}

/**
 * Zone at i: `Z`, `+hh:mm`, `+hhmm` (also after one space when `spaced`, Exim's ` +0100`).
 * Returns the offset in minutes and sets out.end, or returns null (no zone) leaving out.end.
 */
function zoneAt(s: string, i: number, out: StampResult, spaced: boolean): number | null {
  let j = i;
  if (spaced) {
    if (s.charCodeAt(j) !== 32) return null;
    j++;
  }
  const c = s.charCodeAt(j);
  if (c === 90 && !spaced) {
    out.end = j + 1;
    return 0;
  }
  if (c !== 43 && c !== 45) return null; // + -
  const hh = digits2(s, j + 1);
  if (hh < 0 || hh > 14) return null;
  let mm: number;
  let end: number;
  if (s.charCodeAt(j + 3) === 58) {
    mm = digits2(s, j + 4);
    end = j + 6;
  } else {
    mm = digits2(s, j + 3);
    end = j + 5;
  }
  if (mm < 0 || mm > 59) return null;
  out.end = end;
  const off = hh * 60 + mm;
  return c === 45 ? -off : off;
}

/**
 * ISO 8601 `YYYY-MM-DD[T ]hh:mm:ss[.frac][zone]` at i. `sep` is the date/time separator
 * expected ('T' or ' '). Zoneless stamps are wall-clock time in the context's zone.
 * Returns false when there is no valid stamp at i.
 */
export function readIsoStamp(
  s: string,
  i: number,
  sep: number,
  ctx: EnvelopeContext,
  out: StampResult,
  spacedZone: boolean,
): boolean {
  let utc = 0;
  let wall = 0;
  let known = false;
  // Same minute as the last stamp (the usual case): only the seconds, fraction and zone differ.
  const key = ctx.isoKey;
  if (key.length !== 0 && sameAt(s, i, key)) {
    const sec = digits2(s, i + 17);
    if (s.charCodeAt(i + 16) === 58 && sec >= 0 && sec <= 60) {
      utc = ctx.isoUtc + sec * 1000;
      wall = ctx.isoWall + sec * 1000;
      known = true;
    }
  }
  if (!known) {
    const y = digits4(s, i);
    if (y < 0 || s.charCodeAt(i + 4) !== 45 || s.charCodeAt(i + 7) !== 45 || s.charCodeAt(i + 10) !== sep) {
      return false;
    }
    const mo = digits2(s, i + 5);
    const d = digits2(s, i + 8);
    const h = digits2(s, i + 11);
    const mi = digits2(s, i + 14);
    const sec = digits2(s, i + 17);
    if (s.charCodeAt(i + 13) !== 58 || s.charCodeAt(i + 16) !== 58) return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60) {
      return false;
    }
    // Both readings are linear in the seconds and milliseconds: kept for the minute.
    ctx.isoKey = s.slice(i, i + 16);
    keepCodes(s, i, 16, ctx.isoKeyCodes);
    ctx.isoUtc = Date.UTC(y, mo - 1, d, h, mi, 0, 0);
    ctx.isoWall = wallClockMs(ctx, y, mo - 1, d, h, mi, 0, 0);
    utc = ctx.isoUtc + sec * 1000;
    wall = ctx.isoWall + sec * 1000;
  }
  const j = fraction(s, i + 19, out);
  const ms = out.time;
  out.end = j;
  const off = zoneAt(s, j, out, spacedZone);
  out.time = off === null ? wall + ms : utc + ms - off * 60_000;
  return true;
}

/**
 * RFC 3164 `Mmm dd hh:mm:ss` at i (day padded with a space or 0, or not padded), with an
 * optional `.frac`, an optional year before the time (`Mmm dd yyyy hh:mm:ss`) or after it
 * (`Mmm dd hh:mm:ss yyyy`). Returns false when there is no valid stamp at i.
 */
export function readBsdStamp(s: string, i: number, ctx: EnvelopeContext, out: StampResult): boolean {
  // Same `Mmm dd hh:mm:` as the last stamp given a year by inferYear (the usual case):
  // inferYear would return the same year again without changing its state (the month is
  // the one it saw last, or, for a stray line, the same jump again), so only the seconds
  // and the fraction are left to read.
  const key = ctx.bsdKey;
  if (key.length !== 0 && sameAt(s, i, key)) {
    const k = i + key.length;
    const sec = digits2(s, k);
    if (sec >= 0 && sec <= 60) {
      const j = fraction(s, k + 2, out);
      const ms = out.time;
      // A year after the time (`Mmm dd hh:mm:ss yyyy`) is read by the full parse below.
      if (!(s.charCodeAt(j) === 32 && s.charCodeAt(j + 5) === 32 && digits4(s, j + 1) >= 1970)) {
        out.time = ctx.bsdTime + sec * 1000 + ms;
        out.end = j;
        return true;
      }
    }
  }
  const mo = monthAt(s, i);
  if (mo < 0 || s.charCodeAt(i + 3) !== 32) return false;
  let j = i + 4;
  let d: number;
  const c0 = s.charCodeAt(j);
  if (c0 === 32) {
    const c1 = s.charCodeAt(j + 1) - 48;
    if (c1 < 1 || c1 > 9) return false;
    d = c1;
    j += 2;
  } else {
    d = digits2(s, j);
    if (d >= 0) j += 2;
    else {
      d = c0 - 48;
      if (d < 1 || d > 9) return false;
      j += 1;
    }
  }
  if (d < 1 || d > 31 || s.charCodeAt(j) !== 32) return false;
  j++;
  let year = -1;
  if (s.charCodeAt(j + 4) === 32 && s.charCodeAt(j + 2) !== 58) {
    year = digits4(s, j);
    if (year < 0) return false;
    j += 5;
  }
  const h = digits2(s, j);
  const mi = digits2(s, j + 3);
  const sec = digits2(s, j + 6);
  if (s.charCodeAt(j + 2) !== 58 || s.charCodeAt(j + 5) !== 58) return false;
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60) return false;
  const timeEnd = j + 8;
  j = fraction(s, timeEnd, out);
  const ms = out.time;
  if (year < 0 && s.charCodeAt(j) === 32 && s.charCodeAt(j + 5) === 32) {
    const y2 = digits4(s, j + 1);
    if (y2 >= 1970) {
      year = y2;
      j += 5;
    }
  }
  if (year < 0) {
    year = inferYear(ctx, mo, d, h, mi, sec);
    // With the colon: 13 characters for a padded day, where substring() makes a view, not a copy.
    ctx.bsdKey = s.slice(i, timeEnd - 2);
    keepCodes(s, i, timeEnd - 2 - i, ctx.bsdKeyCodes);
    ctx.bsdTime = wallClockMs(ctx, year, mo, d, h, mi, 0, 0);
  }
  out.time = wallClockMs(ctx, year, mo, d, h, mi, sec, ms);
  out.end = j;
  return true;
}
