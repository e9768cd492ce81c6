// PLACEHOLDER: replaced by the spamd parser work.
import type { LogLine } from '../ingest/line.js';
import type { LogEvent } from './event.js';
import { unrecognised } from './base.js';

export function parseSpamd(line: LogLine): LogEvent {
  return unrecognised(line, 'spamd');
}
