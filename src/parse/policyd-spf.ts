// PLACEHOLDER: replaced by the policyd-spf parser work.
import type { LogLine } from '../ingest/line.js';
import type { LogEvent } from './event.js';
import { unrecognised } from './base.js';

export function parsePolicydSpf(line: LogLine): LogEvent {
  return unrecognised(line, 'policyd-spf');
}
