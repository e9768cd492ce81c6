/** What a command returns, and how input errors are told to the user. */
import type { SpoofwatchError } from '../errors.js';
import { terminalSafe } from '../output/safe-text.js';
import { clearProgressLine } from './terminal.js';

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

/** Input errors go to stderr as they happen; the run continues and exits 2 at the end. */
/**
 * The stderr text for a bug (exit 3): the stack, escaped line by line like every message,
 * since an exception's text may quote log content (a worker thread's too).
 */
export function internalErrorText(err: unknown): string {
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return `spoofwatch: internal error: ${text.split('\n').map(terminalSafe).join('\n')}\n`;
}

export function reportInputError(err: SpoofwatchError): void {
  reportError(err);
}
