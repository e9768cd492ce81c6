/**
 * The pipeline wired once: ingest -> parse -> correlate -> (detect). The CLI commands,
 * coverage and investigate all run through here so they see the same records.
 */
import { readLogLines, type ReadOptions } from './ingest/index.js';
import type { LogLine, SourceRef } from './ingest/line.js';
import { parseLine } from './parse/index.js';
import type { LogEvent } from './parse/event.js';
import { createCorrelator, type CorrelatorOptions } from './correlate/index.js';
import type { CorrelatorStats, MessageRecord } from './correlate/record.js';
import type { SpoofwatchError } from './errors.js';

export interface PipelineHandlers {
  /** Every parsed event, in input order (before correlation). */
  onEvent?: (event: LogEvent) => void;
  /** Every assembled record, when it closes or ages out (and at the end of input). */
  onRecord?: (record: MessageRecord) => void;
  /** Inputs that could not be read; the run goes on. */
  onError?: (err: SpoofwatchError) => void;
  /**
   * Called after each batch of lines; awaited, so a slow output can apply back-pressure.
   * The counters are those so far, except byProgram (empty) and correlator (null): both are
   * written only at the end (see LinePipeline.stats).
   */
  afterBatch?: (stats: PipelineStats) => Promise<void> | void;
}

export interface PipelineOptions extends PipelineHandlers {
  correlator?: CorrelatorOptions;
  read?: Omit<ReadOptions, 'onError'>;
  /** Skip correlation entirely (the `parse` command). */
  correlate?: boolean;
}

export interface PipelineStats {
  lines: number;
  recognised: number;
  unrecognised: number;
  /** Lines per program tag (recognised or not); filled in by finish() (and freezeCounts()). */
  byProgram: Record<string, number>;
  /** Unrecognised lines per program tag. */
  unrecognisedByProgram: Record<string, number>;
  correlator: CorrelatorStats | null;
  errors: number;
}

/** The per-line half of the pipeline (parse -> correlate), fed batches of lines by a reader. */
export interface LinePipeline {
  /**
   * Counters so far (the same object throughout). byProgram and correlator are not kept
   * per line: they hold their final values only after freezeCounts() or finish().
   */
  readonly stats: PipelineStats;
  push(batch: readonly LogLine[]): void;
  /**
   * Zero the counters (lines, programs, correlator events and records) while keeping the
   * correlator's state: a `--workers` part's lead-in is read but not counted.
   */
  resetCounts(): void;
  /** See Correlator.earliestOpen (Infinity without a correlator). */
  earliestOpen(rank: (ref: SourceRef) => number): number;
  /** Keep the counters as they are now: what is pushed after this (a part's tail) is not counted. */
  freezeCounts(): void;
  /**
   * End of input: open records are emitted (with `cut`, as aged out: a `--workers` part
   * stops following them there); returns the final counters.
   */
  finish(opts?: { cut?: boolean }): PipelineStats;
}

export function emptyStats(): PipelineStats {
  return {
    lines: 0,
    recognised: 0,
    unrecognised: 0,
    byProgram: Object.create(null) as Record<string, number>,
    unrecognisedByProgram: Object.create(null) as Record<string, number>,
    correlator: null,
    errors: 0,
  };
}

/**
 * Parse and correlate lines handed over in batches. runPipeline feeds it from files; the
 * `--workers` threads feed it the lines of their hosts, so both see exactly the same stages.
 */
export function createLinePipeline(
  opts: Pick<PipelineOptions, 'onEvent' | 'onRecord' | 'correlator' | 'correlate'> = {},
): LinePipeline {
  const stats = emptyStats();
  const onRecord = opts.onRecord;
  const correlator =
    opts.correlate === false ? null : createCorrelator((r) => onRecord?.(r), opts.correlator ?? {});
  const onEvent = opts.onEvent;
  // Correlator counters at the last resetCounts(), subtracted at the end.
  let countedFrom: CorrelatorStats | null = null;
  // Counters kept by freezeCounts(), reported by finish() instead of the running ones.
  let frozen: PipelineStats | null = null;
  // Lines per program tag, counted in boxes (one Map lookup per line, where a store into
  // the dictionary-mode byProgram object costs a second lookup) and written into
  // stats.byProgram in first-seen order when the counts are read.
  const programCounts = new Map<string, { n: number }>();
  const writePrograms = (): void => {
    const out = Object.create(null) as Record<string, number>;
    for (const [program, c] of programCounts) out[program] = c.n;
    stats.byProgram = out;
  };
  let frozenCorrelator: CorrelatorStats | null = null;
  return {
    stats,
    push(batch) {
      for (let i = 0; i < batch.length; i++) {
        const line = batch[i]!;
        const event = parseLine(line);
        stats.lines++;
        const program = line.program || '(none)';
        let count = programCounts.get(program);
        if (count === undefined) {
          count = { n: 0 };
          programCounts.set(program, count);
        }
        count.n++;
        if (event.kind === 'unrecognised') {
          stats.unrecognised++;
          stats.unrecognisedByProgram[program] = (stats.unrecognisedByProgram[program] ?? 0) + 1;
        } else {
          stats.recognised++;
        }
        if (onEvent !== undefined) onEvent(event);
        if (correlator !== null) correlator.push(event);
      }
    },
    resetCounts() {
      stats.lines = 0;
      stats.recognised = 0;
      stats.unrecognised = 0;
      programCounts.clear();
      stats.byProgram = Object.create(null) as Record<string, number>;
      stats.unrecognisedByProgram = Object.create(null) as Record<string, number>;
      if (correlator !== null) countedFrom = correlator.stats();
    },
    earliestOpen(rank) {
      return correlator === null ? Infinity : correlator.earliestOpen(rank);
    },
    freezeCounts() {
      writePrograms();
      frozen = {
        ...stats,
        byProgram: { ...stats.byProgram },
        unrecognisedByProgram: { ...stats.unrecognisedByProgram },
      };
      frozenCorrelator = correlator === null ? null : correlator.stats();
    },
    finish(opts = {}) {
      writePrograms();
      if (correlator !== null) {
        correlator.flush(opts.cut === true);
        const now = frozenCorrelator ?? correlator.stats();
        stats.correlator = countedFrom === null ? now : countsSince(now, countedFrom);
      }
      if (frozen === null) return stats;
      Object.assign(stats, frozen, { correlator: stats.correlator });
      return stats;
    },
  };
}

/** Correlator counters since `from` (a part's lead-in is not its own). */
function countsSince(now: CorrelatorStats, from: CorrelatorStats): CorrelatorStats {
  const out = { ...now };
  for (const k of ['events', 'records', 'agedOut', 'evicted', 'orphanEvents'] as const)
    out[k] = now[k] - from[k];
  return out;
}

export async function runPipeline(paths: string[], opts: PipelineOptions = {}): Promise<PipelineStats> {
  const lines = createLinePipeline(opts);
  const stats = lines.stats;
  const readOpts: ReadOptions = {
    ...opts.read,
    onError: (err) => {
      stats.errors++;
      opts.onError?.(err);
    },
  };
  for await (const batch of readLogLines(paths, readOpts)) {
    lines.push(batch);
    if (opts.afterBatch !== undefined) await opts.afterBatch(stats);
  }
  return lines.finish();
}
