// PLACEHOLDER (contract only): replaced by the ingest work.
import type { LogLine } from './line.js';
import type { SpoofwatchError } from '../errors.js';

export interface ReadOptions {
  /** Called for each input that cannot be read (or ends early); reading goes on with the next input. */
  onError?: (err: SpoofwatchError) => void;
  /** Lines per yielded batch. */
  batchLines?: number;
  /** Stream used for "-" (defaults to process.stdin). */
  stdin?: NodeJS.ReadableStream;
}

/** Reads files (plain, .gz), "-" for stdin; rotated sets oldest first; yields batches of parsed envelopes. */
export async function* readLogLines(_paths: string[], _opts: ReadOptions = {}): AsyncGenerator<LogLine[]> {
  throw new Error('not implemented');
}

/** The inputs used when the user names none: /var/log/mail.log* (or maillog*), oldest first. */
export async function defaultInputs(): Promise<string[]> {
  return [];
}
