/** Messages between the main thread and the `--workers` threads. */
import type { JobResult } from './job.js';
import type { WireBatch } from './wire.js';
import type { ErrorCode } from '../errors.js';

export type ToWorker =
  | { type: 'lines'; batch: WireBatch }
  | { type: 'end' }
  /** A part's output was written: the worker may send more (back-pressure). */
  | { type: 'ack' };

export type ToMain =
  /** Answer to one `lines` message (or a batch a part read): the output it produced, records and lines so far. */
  | { type: 'output'; text: string; records: number; lines?: number }
  | { type: 'done'; text: string; result: JobResult }
  /** An input a part could not read (the part goes on with the next). */
  | { type: 'error'; code: ErrorCode; message: string };
