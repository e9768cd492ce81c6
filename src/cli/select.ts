/** --tz / --since / --until / --syslog-name: their help, and the ingest line selection they make. */
import { parseTimeOption, type LineSelection } from '../ingest/select.js';
import type { TimeZoneMode } from '../ingest/timestamp.js';
import { isTimeZone } from '../ingest/zone.js';
import { SpoofwatchError } from '../errors.js';

/** The help lines of the options that choose which lines are read (scan, messages, parse). */
export const SELECT_HELP = `      --tz ZONE            time zone of log stamps that carry none, and of --since/--until
                           times that carry none: local (this machine's, the default), UTC,
                           or the logging host's zone by name (Europe/Berlin) for a copy
                           read elsewhere
      --since TIME         skip lines before TIME (2026-11-20, 2026-11-20T10:00Z, or an age: 36h, 7d)
      --until TIME         skip lines at or after TIME
      --syslog-name NAME   only this Postfix instance's lines (repeatable: postfix-in, postfix/submission);
                           milter, policy and proxy lines are always read`;

/**
 * --tz: 'local' (default), 'UTC' (any case, or Z), or an IANA zone name; a usage error
 * otherwise. A name is checked against the zones Node's ICU knows, so a typo is not taken
 * for UTC, as Intl and TZ= quietly do.
 */
export function timeZoneOption(value: string | undefined): TimeZoneMode {
  if (value === undefined) return 'local';
  const v = value.trim();
  if (v === 'local') return 'local';
  if (/^(?:utc|z)$/i.test(v)) return 'UTC';
  if (v !== '' && isTimeZone(v)) return v;
  throw new SpoofwatchError(
    'USAGE',
    `--tz: expected local, UTC or a time zone name like Europe/Berlin or America/New_York; got "${value}"`,
  );
}

export function lineSelection(
  values: {
    since?: string | undefined;
    until?: string | undefined;
    'syslog-name'?: string[] | undefined;
  },
  tz: TimeZoneMode = 'local',
): LineSelection {
  const sel: LineSelection = {};
  const now = Date.now();
  if (values.since !== undefined) sel.since = parseTimeOption(values.since, '--since', now, tz);
  if (values.until !== undefined) sel.until = parseTimeOption(values.until, '--until', now, tz);
  if (sel.since !== undefined && sel.until !== undefined && sel.since >= sel.until) {
    throw new SpoofwatchError('USAGE', '--since must be earlier than --until');
  }
  const names = values['syslog-name'];
  if (names !== undefined && names.length > 0)
    sel.syslogNames = names.map((n) => n.trim()).filter((n) => n !== '');
  return sel;
}
