/** Test helpers for the parsers' unit tests: LogLines as syslog writes them, and kind narrowing. */
import type { LogLine } from '../ingest/line.js';
import type { LogEvent } from './event.js';

/**
 * `Nov 20 10:00:00 mx1 PROGRAM[PID]: MESSAGE` as ingest would hand it to a parser. `time`
 * is the parsed stamp (0 where a test does not care; the raw text keeps the stamp).
 */
export function syslogLine(program: string, pid: number, message: string, time = 0): LogLine {
  return {
    time,
    host: 'mx1',
    program,
    pid,
    message,
    raw: `Nov 20 10:00:00 mx1 ${program}[${pid}]: ${message}`,
    src: { file: 't', line: 1 },
  };
}

/** Narrows an event to one kind, or fails the test saying what it was instead. */
export function as<K extends LogEvent['kind']>(ev: LogEvent, kind: K): Extract<LogEvent, { kind: K }> {
  if (ev.kind !== kind) throw new Error(`expected ${kind}, got ${ev.kind}`);
  return ev as Extract<LogEvent, { kind: K }>;
}
