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

/** Matches lastIndexOf looks for forwards before it lets String#lastIndexOf search backwards. */
const MAX_FORWARD_MATCHES = 4;

/**
 * The last `needle` (non-empty) starting in s[from, upTo] (both clamped), i.e.
 * s.lastIndexOf(needle, upTo) limited to matches at or after `from`, or -1. Hand-written
 * because V8 runs indexOf in generated code but lastIndexOf through its runtime, at about
 * twice the cost per call; a needle that occurs once or twice (the envelope suffix keys)
 * takes one or two forward searches. A line repeating the needle (hostile input) is
 * handed to lastIndexOf after a few matches, so the cost stays linear.
 */
export function lastIndexOf(s: string, needle: string, from = 0, upTo = s.length): number {
  const start = from < 0 ? 0 : from;
  const stop = upTo < 0 ? 0 : upTo;
  let last = -1;
  let i = s.indexOf(needle, start);
  for (let n = 0; i >= 0 && i <= stop; n++) {
    if (n === MAX_FORWARD_MATCHES) {
      const k = s.lastIndexOf(needle, stop);
      return k >= start ? k : -1;
    }
    last = i;
    i = s.indexOf(needle, i + 1);
  }
  return last;
}
