/** Messages between the main thread and the `--workers` threads. */
import type { JobResult } from './job.js';
import type { WireBatch } from './wire.js';
import type { ErrorCode } from '../errors.js';

export type ToWorker =
  | { type: 'lines'; batch: WireBatch }
  | { type: 'end' }
  /**
   * Output was written: a part may send more (back-pressure); `chunk` is the buffer of the
   * bytes written, back for reuse (chunks.ts).
   */
  | { type: 'ack'; chunk?: ArrayBuffer };

export type ToMain =
  /**
   * Answer to one `lines` message (or batches a part read): the output they produced (UTF-8,
   * whole lines, its buffer transferred), records and lines so far.
   */
  | { type: 'output'; bytes: Uint8Array | null; records: number; lines?: number }
  | { type: 'done'; bytes: Uint8Array | null; result: JobResult }
  /** An input a part could not read (the part goes on with the next). */
  | { type: 'error'; code: ErrorCode; message: string };
