/** Messages between the main thread and the `--workers` threads. */
import type { JobResult } from './job.js';
import type { WireBatch } from './wire.js';

export type ToWorker = { type: 'lines'; batch: WireBatch } | { type: 'end' };

export type ToMain =
  /** Answer to one `lines` message: the output it produced, and records so far. */
  { type: 'output'; text: string; records: number } | { type: 'done'; text: string; result: JobResult };
