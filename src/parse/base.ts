/** Small constructors shared by every producer parser. */
import type { LogLine } from '../ingest/line.js';
import type { LogEvent, Producer, UnrecognisedEvent, NoiseEvent } from './event.js';

export function unrecognised(
  line: LogLine,
  producer: Producer,
  daemon = '',
  instance = '',
): UnrecognisedEvent {
  return { kind: 'unrecognised', line, producer, daemon, instance };
}

export function noise(
  line: LogLine,
  producer: Producer,
  note: string,
  daemon = '',
  instance = '',
): NoiseEvent {
  return { kind: 'noise', line, producer, daemon, instance, note };
}

export type { LogEvent };

/** Characters of a line past which a header value is copied out of it rather than kept as a slice. */
export const DETACH_FROM_LINE_CHARS = 16 * 1024;

/**
 * `text`, cut from a line of `lineChars` characters, as a string of its own when that line is
 * long. V8 keeps a substring as a view into the string it was cut from, so a header value of
 * a few KiB (at most MAX_HEADER_VALUE_CHARS) held by a message record would keep its whole
 * line (up to MAX_LINE_BYTES) alive, past the evidence cap that bounds a record's raw lines:
 * 3,000 header lines of 60 KB for one message held 180 MB for 24 MB of values. Lines of
 * ordinary length keep the slice (no copy on the hot path).
 */
export function detached(text: string, lineChars: number): string {
  return lineChars <= DETACH_FROM_LINE_CHARS || text.length === 0 ? text : structuredClone(text);
}
