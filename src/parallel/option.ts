/** The `--workers N` option shared by scan, messages and parse. */
import { SpoofwatchError } from '../errors.js';
import { MAX_WORKERS } from './bounds.js';

export const WORKERS_HELP = `      --workers N        run on N threads (default 1). Log files of 32 MiB or more
                           are split by position: each thread reads its part and a
                           little on either side, so a message that crosses a split is
                           still reported once, whole. Other input (stdin, small files)
                           is spread by mail host (syslog host field).
                           Output lines of different threads may interleave, and what a
                           run learns (protected domains guessed when none are
                           configured, third-party pairs) is learned per thread`;

/** 1 when absent; a usage error unless an integer from 1 to MAX_WORKERS. */
export function workersOption(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS)
    throw new SpoofwatchError(
      'USAGE',
      `--workers: expected a whole number from 1 to ${MAX_WORKERS}, got "${value}"`,
    );
  return n;
}
