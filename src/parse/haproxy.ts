// PLACEHOLDER: replaced by the haproxy parser work.
import type { LogLine } from '../ingest/line.js';
import type { LogEvent } from './event.js';
import { unrecognised } from './base.js';

export function parseHaproxy(line: LogLine): LogEvent {
  return unrecognised(line, 'haproxy');
}
