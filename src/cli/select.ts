/** --tz / --since / --until / --syslog-name: their help, and the ingest line selection they make. */
import { parseTimeOption, type LineSelection } from '../ingest/select.js';
import { SpoofwatchError } from '../errors.js';

/** The help lines of the options that choose which lines are read (scan, messages, parse). */
export const SELECT_HELP = `      --tz local|UTC       time zone of log stamps that carry none (default: this machine's)
      --since TIME         skip lines before TIME (2026-11-20, 2026-11-20T10:00Z, or an age: 36h, 7d)
      --until TIME         skip lines at or after TIME
      --syslog-name NAME   only this Postfix instance's lines (repeatable: postfix-in, postfix/submission);
                           milter, policy and proxy lines are always read`;

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
