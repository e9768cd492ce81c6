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
