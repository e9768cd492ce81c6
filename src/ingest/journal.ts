/**
 * One line of `journalctl -o json` (one JSON object per line) -> LogLine.
 * Fields: __REALTIME_TIMESTAMP (µs since the epoch, as a string), _HOSTNAME,
 * SYSLOG_IDENTIFIER (else _COMM), SYSLOG_PID (else _PID), MESSAGE (a string, or an array
 * of byte values when the message is not valid UTF-8). A field logged more than once is
 * an array of values: the first is used. Never throws; null when the line is not a
 * journal entry.
 */
import type { LogLine, SourceRef } from './line.js';
import { decodeLine } from './decode.js';

/** Longest journal field value kept for host / program (longer values are not names). */
const MAX_NAME_CHARS = 255;

function firstString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    for (const x of v) if (typeof x === 'string') return x;
  }
  return undefined;
}

function name(v: unknown): string {
  const s = firstString(v);
  return s === undefined || s.length > MAX_NAME_CHARS ? '' : s;
}

function digitsNumber(v: unknown, maxDigits: number): number | null {
  const s = typeof v === 'number' ? String(v) : firstString(v);
  if (s === undefined || s.length === 0 || s.length > maxDigits) return null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  return Number(s);
}

function messageOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v.indexOf('\0') < 0 ? v : v.replaceAll('\0', '\\x00');
  if (Array.isArray(v)) {
    // Bytes (journald's form for messages that are not valid UTF-8) or repeated values.
    if (v.length > 0 && typeof v[0] === 'string') return messageOf(v[0]);
    const bytes = Buffer.allocUnsafe(v.length);
    for (let i = 0; i < v.length; i++) {
      const b = v[i] as unknown;
      if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) return undefined;
      bytes[i] = b;
    }
    return decodeLine(bytes, 0, bytes.length);
  }
  return undefined;
}

export function parseJournal(text: string, src: SourceRef): LogLine | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const o = parsed as Record<string, unknown>;
  const message = messageOf(o['MESSAGE']);
  const micros = digitsNumber(o['__REALTIME_TIMESTAMP'], 20);
  if (message === undefined && micros === null) return null;
  const program = name(o['SYSLOG_IDENTIFIER']) || name(o['_COMM']);
  const pid = digitsNumber(o['SYSLOG_PID'], 10) ?? digitsNumber(o['_PID'], 10);
  return {
    time: micros === null ? null : timeOf(micros),
    host: name(o['_HOSTNAME']),
    program,
    pid,
    message: message ?? '',
    raw: text,
    src,
  };
}

/** Largest epoch ms a Date holds (ECMA-262 time value range). */
const MAX_TIME_MS = 8.64e15;

/**
 * __REALTIME_TIMESTAMP (microseconds) as epoch ms, or null when no Date can hold it: the
 * field may claim any 20-digit number, and every later stage takes a LogLine time for a
 * valid instant.
 */
function timeOf(micros: number): number | null {
  const ms = Math.floor(micros / 1000);
  return ms <= MAX_TIME_MS ? ms : null;
}
