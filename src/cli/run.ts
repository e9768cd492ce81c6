/** What a command returns, and how input errors are told to the user. */
import type { SpoofwatchError } from '../errors.js';
import { terminalSafe } from '../output/safe-text.js';

export interface CommandResult {
  code: number;
  /** Text for stdout (help). */
  stdout?: string;
}

/** Input errors go to stderr as they happen; the run continues and exits 2 at the end. */
export function reportInputError(err: SpoofwatchError): void {
  process.stderr.write(`spoofwatch: ${terminalSafe(err.message)}\n`);
}
