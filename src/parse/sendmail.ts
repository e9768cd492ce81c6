// PLACEHOLDER: replaced by the sendmail parser work.
import type { LogLine } from '../ingest/line.js';
import type { LogEvent } from './event.js';
import { unrecognised } from './base.js';

export function parseSendmail(line: LogLine): LogEvent {
  return unrecognised(line, 'sendmail');
}
