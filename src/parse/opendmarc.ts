// PLACEHOLDER: replaced by the opendmarc parser work.
import type { LogLine } from '../ingest/line.js';
import type { LogEvent } from './event.js';
import { unrecognised } from './base.js';

export function parseOpendmarc(line: LogLine): LogEvent {
  return unrecognised(line, 'opendmarc');
}
