// PLACEHOLDER: replaced by the opendkim parser work.
import type { LogLine } from '../ingest/line.js';
import type { LogEvent } from './event.js';
import { unrecognised } from './base.js';

export function parseOpendkim(line: LogLine): LogEvent {
  return unrecognised(line, 'opendkim');
}
