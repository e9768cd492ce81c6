/** The `--workers N` option shared by scan, messages and parse. */
import { SpoofwatchError } from '../errors.js';
import { MAX_WORKERS } from './bounds.js';

export const WORKERS_HELP = `      --workers N        spread the work over N threads by mail host (syslog host
                           field), for central logs of several hosts: one host's lines
                           stay in one thread, so for a single-host log only the reading
                           runs beside the rest.
                           Lines of different hosts may come out in another order, and
                           what a run learns (protected domains guessed when none are
                           configured, third-party pairs) is learned per thread (default 1)`;

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
