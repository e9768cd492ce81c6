/** --since / --until / --syslog-name into the ingest line selection. */
import { parseTimeOption, type LineSelection } from '../ingest/select.js';
import { SpoofwatchError } from '../errors.js';

export function lineSelection(values: {
  since?: string | undefined;
  until?: string | undefined;
  'syslog-name'?: string[] | undefined;
}): LineSelection {
  const sel: LineSelection = {};
  if (values.since !== undefined) sel.since = parseTimeOption(values.since, '--since');
  if (values.until !== undefined) sel.until = parseTimeOption(values.until, '--until');
  if (sel.since !== undefined && sel.until !== undefined && sel.since >= sel.until) {
    throw new SpoofwatchError('USAGE', '--since must be earlier than --until');
  }
  const names = values['syslog-name'];
  if (names !== undefined && names.length > 0)
    sel.syslogNames = names.map((n) => n.trim()).filter((n) => n !== '');
  return sel;
}
