/** The `--workers N` option shared by scan, messages and parse. */
import { SpoofwatchError } from '../errors.js';
import { availableParallelism } from 'node:os';
import { MAX_AUTO_WORKERS, MAX_WORKERS } from './bounds.js';
import { splitByPosition } from './index.js';
import { MIN_PART_BYTES } from './ranges.js';
import type { JobSpec } from './job.js';

const MIN_SPLIT_MIB = (2 * MIN_PART_BYTES) / (1024 * 1024);

export const WORKERS_HELP = `      --workers N|auto     threads (default 1; auto: one per core, at most ${MAX_AUTO_WORKERS}, for log
                           files of ${MIN_SPLIT_MIB} MiB or more). Files are split by position: each
                           thread reads its part and a little on either side, so a
                           message that crosses a split is still reported once, whole.
                           For stdin and small files, lines are spread by mail host.
                           Output lines of different threads interleave; what a run
                           learns (protected domains guessed when none are configured,
                           third-party pairs) is learned per thread; each thread has its
                           own heap, so peak memory grows with N`;

/**
 * The thread count: 1 without --workers; `auto` is one thread per core (at most
 * MAX_AUTO_WORKERS) when the inputs are files large enough to split by position, else 1,
 * so small inputs and stdin run exactly as a single thread does.
 */
export async function resolveWorkers(
  value: string | undefined,
  inputs: string[],
  kind: JobSpec['kind'],
): Promise<number> {
  if (value !== 'auto') return workersOption(value);
  const n = Math.min(availableParallelism(), MAX_AUTO_WORKERS);
  if (n < 2) return 1;
  const parts = await splitByPosition(inputs, n, kind);
  return parts === null || parts.length < 2 ? 1 : parts.length;
}

/** 1 when absent; a usage error unless an integer from 1 to MAX_WORKERS. */
export function workersOption(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS)
    throw new SpoofwatchError(
      'USAGE',
      `--workers: expected "auto" or a whole number from 1 to ${MAX_WORKERS}, got "${value}"`,
    );
  return n;
}
