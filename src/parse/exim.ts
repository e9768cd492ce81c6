// PLACEHOLDER: replaced by the exim parser work.
import type { LogLine } from '../ingest/line.js';
import type { LogEvent } from './event.js';
import { unrecognised } from './base.js';

export function parseExim(line: LogLine): LogEvent {
  return unrecognised(line, 'exim');
}
