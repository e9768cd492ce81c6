// PLACEHOLDER: replaced by the rspamd parser work.
import type { LogLine } from '../ingest/line.js';
import type { LogEvent } from './event.js';
import { unrecognised } from './base.js';

export function parseRspamd(line: LogLine): LogEvent {
  return unrecognised(line, 'rspamd');
}
