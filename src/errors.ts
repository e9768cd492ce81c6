/**
 * The one error type for the user's own mistakes (bad usage, unreadable input, bad config).
 * Parsers and rules never throw: they return results. Stable codes let scripts and tests
 * tell errors apart without matching text.
 */
export type ErrorCode =
  | 'USAGE'
  | 'INPUT_UNREADABLE'
  | 'INPUT_IS_DIRECTORY'
  | 'INPUT_BINARY'
  | 'INPUT_TRUNCATED_GZIP'
  | 'INPUT_SHRUNK'
  | 'CONFIG_INVALID'
  | 'CONFIG_UNREADABLE'
  | 'OUTPUT_UNWRITABLE'
  | 'NOT_FOUND';

export class SpoofwatchError extends Error {
  readonly code: ErrorCode;
  /** Process exit code this error maps to (2 for every user mistake). */
  readonly exitCode: number;
  constructor(code: ErrorCode, message: string, exitCode = 2) {
    super(message);
    this.name = 'SpoofwatchError';
    this.code = code;
    this.exitCode = exitCode;
  }
}
