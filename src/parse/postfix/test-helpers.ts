/** Test helpers: build a LogLine for a Postfix program and parse it the way src/parse/index.ts does. */
import type { LogLine } from '../../ingest/line.js';
import type { LogEvent } from '../event.js';
import { parsePostfix } from './index.js';

export function lineOf(program: string, message: string): LogLine {
  return {
    time: Date.UTC(2026, 10, 27, 10, 15, 0),
    host: 'mx1',
    program,
    pid: 4321,
    message,
    raw: `Nov 27 10:15:00 mx1 ${program}[4321]: ${message}`,
    src: { file: 'test', line: 1 },
  };
}

/** Parse `message` as written by `program` (e.g. "postfix/smtpd", "postfix-in/cleanup"). */
export function parse(program: string, message: string): LogEvent {
  const slash = program.lastIndexOf('/');
  return parsePostfix(lineOf(program, message), program.slice(slash + 1), program.slice(0, slash));
}

/** Narrow an event to one kind or fail the test with what it was instead. */
export function as<K extends LogEvent['kind']>(ev: LogEvent, kind: K): Extract<LogEvent, { kind: K }> {
  if (ev.kind !== kind)
    throw new Error(`expected ${kind}, got ${ev.kind}: ${JSON.stringify({ ...ev, line: undefined })}`);
  return ev as Extract<LogEvent, { kind: K }>;
}

/** The event without its line, for deepEqual against the fields we expect. */
export function fields(ev: LogEvent): Record<string, unknown> {
  const { line: _line, ...rest } = ev;
  return rest;
}
