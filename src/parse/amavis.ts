// PLACEHOLDER: replaced by the amavis parser work.
import type { LogLine } from '../ingest/line.js';
import type { LogEvent } from './event.js';
import { unrecognised } from './base.js';

export function parseAmavis(line: LogLine): LogEvent {
  return unrecognised(line, 'amavis');
}
