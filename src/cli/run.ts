/** What a command returns, and how input errors are told to the user. */
import type { SpoofwatchError } from '../errors.js';
import { terminalSafe } from '../output/safe-text.js';
import { clearProgressLine } from './terminal.js';
import type { LineSelection } from '../ingest/select.js';

export interface CommandResult {
  code: number;
  /** Text for stdout (help). */
  stdout?: string;
}

/**
 * An error for the user on stderr. Messages may span lines (a config with several bad keys):
 * each line is made terminal-safe on its own, so the line breaks stay breaks instead of
 * showing as escapes, while anything a log or file name smuggled in is still neutralised.
 */
export function reportError(err: SpoofwatchError): void {
  // Continuation lines are indented, so no part of a message can pass for a message of its own.
  const lines = err.message
    .split('\n')
    .map((l, i) => (i > 0 && !l.startsWith(' ') ? '  ' : '') + terminalSafe(l));
  clearProgressLine();
  process.stderr.write(`spoofwatch: ${lines.join('\n')}\n`);
}

/**
 * The stderr text for a bug (exit 3): the stack, escaped line by line like every message,
 * since an exception's text may quote log content (a worker thread's too).
 */
export function internalErrorText(err: unknown): string {
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return `spoofwatch: internal error: ${text.split('\n').map(terminalSafe).join('\n')}\n`;
}

/** Input errors go to stderr as they happen; the run continues and exits 2 at the end. */
export function reportInputError(err: SpoofwatchError): void {
  reportError(err);
}

/** How many program names the notice for unrecognised input lists. */
const NOTICE_PROGRAMS = 3;

/**
 * The stderr notice for a run that gives nothing to judge, or null: lines read but none
 * recognised (below), or none read within --since/--until/--syslog-name (emptySelectionNotice).
 * Without it, a wrong file (an auth log, a web server log, a log of an MTA not supported)
 * gives no verdict, no message and exit 0: the same as a day with no mail, which a cron job
 * or a SIEM feed would take for "nothing spoofed". The most frequent program names say what
 * was read.
 */
export function emptyRunNotice(
  stats: {
    lines: number;
    recognised: number;
    byProgram: Record<string, number>;
  },
  select: LineSelection = {},
): string | null {
  if (stats.lines === 0) return emptySelectionNotice(select);
  if (stats.recognised > 0) return null;
  const top = Object.entries(stats.byProgram)
    .sort((a, b) => b[1] - a[1])
    .slice(0, NOTICE_PROGRAMS)
    .map(([program, n]) => `${terminalSafe(program)} ${n.toLocaleString('en')}`);
  const which =
    stats.lines === 1
      ? 'the one line read is not'
      : `none of the ${stats.lines.toLocaleString('en')} lines read is`;
  return (
    `spoofwatch: ${which} a mail-log line spoofwatch knows, so there is nothing to judge ` +
    `(programs seen: ${top.join(', ')}); is this a mail log? ` +
    '"spoofwatch coverage" shows what was read and what is missing\n'
  );
}

/**
 * With --since, --until or --syslog-name and no line read: the range as it was understood
 * (in UTC, so a --tz misunderstanding shows), since an empty result is otherwise silent.
 * Without a selection, no line read is an empty input (a quiet day's rotated log): no notice.
 */
function emptySelectionNotice(select: LineSelection): string | null {
  const parts: string[] = [];
  if (select.since !== undefined) parts.push(`--since ${new Date(select.since).toISOString()}`);
  if (select.until !== undefined) parts.push(`--until ${new Date(select.until).toISOString()}`);
  for (const name of select.syslogNames ?? []) parts.push(`--syslog-name ${terminalSafe(name)}`);
  if (parts.length === 0) return null;
  return (
    `spoofwatch: no line read falls within ${parts.join(', ')}; ` +
    'check the range, and --tz for log stamps that carry no zone\n'
  );
}

export function reportEmptyRun(stats: Parameters<typeof emptyRunNotice>[0], select?: LineSelection): void {
  const notice = emptyRunNotice(stats, select);
  if (notice === null) return;
  clearProgressLine();
  process.stderr.write(notice);
}
