/**
 * `scan --workers N`: the scan command's output through worker threads. For the JSON
 * formats each worker writes whole documents; for the table the main thread writes the
 * header once (before the first row of any worker) and the summary from merged counts.
 */
import type { Config } from '../detect/index.js';
import type { VerdictLevel } from '../detect/verdict.js';
import type { OutputFormat, ScanSummary, TextSink } from '../output/index.js';
import { renderSummary, tableHeader } from '../output/table.js';
import type { SpoofwatchError } from '../errors.js';
import type { ReadOptions } from '../ingest/index.js';
import { runParallel, type ParallelOptions, type ParallelResult } from './index.js';
import { writeOutput } from './chunks.js';

export interface ParallelScanOptions {
  workers: number;
  config: Config;
  format: OutputFormat;
  color: boolean;
  minVerdict: VerdictLevel;
  windowMs?: number;
  read?: Omit<ReadOptions, 'onError'>;
  out: TextSink;
  onError?: (err: SpoofwatchError) => void;
  afterBatch?: (lines: number, records: number) => Promise<void> | void;
  split?: ParallelOptions['split'];
}

export interface ParallelScan extends ParallelResult {
  /** What the formatter's end() writes for this format (the table's summary). */
  end(summary: ScanSummary): void;
}

export async function scanParallel(paths: string[], o: ParallelScanOptions): Promise<ParallelScan> {
  const table = o.format === 'table';
  let headerDone = false;
  const result = await runParallel(paths, {
    workers: o.workers,
    spec: {
      kind: 'scan',
      config: o.config,
      format: o.format,
      color: o.color,
      minVerdict: o.minVerdict,
      ...(o.windowMs === undefined ? {} : { windowMs: o.windowMs }),
    },
    read: o.read,
    onOutput: (bytes) => {
      if (table && !headerDone) {
        o.out.write(tableHeader());
        headerDone = true;
      }
      writeOutput(o.out, bytes);
    },
    onError: o.onError,
    afterBatch: o.afterBatch,
    ...(o.split === undefined ? {} : { split: o.split }),
  });
  return {
    ...result,
    end(summary) {
      if (!table) return;
      if (!headerDone) o.out.write(`No message at or above "${o.minVerdict}".\n`);
      o.out.write('\n');
      o.out.write(renderSummary(summary, result.spoofs, o.color, result.shown));
    },
  };
}
