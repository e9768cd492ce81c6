/**
 * What one worker does with the lines of its hosts: the same stages as a single-threaded
 * run (createLinePipeline, the detector, the formatters), writing output bytes (chunks.ts)
 * that the main thread prints. Plain functions over plain values, so tests run it without
 * threads.
 */
import type { LogLine, SourceRef } from '../ingest/line.js';
import type { Zone } from './ranges.js';
import type { LogEvent } from '../parse/event.js';
import type { MessageRecord } from '../correlate/record.js';
import { createLinePipeline, type PipelineStats } from '../pipeline.js';
import type { Config, createDetector } from '../detect/index.js';
import type { VerdictLevel } from '../detect/verdict.js';
import type { createFormatter, OutputFormat, SpoofOutcomes } from '../output/index.js';
import type { passes, tableHeader } from '../output/table.js';
import { OutputChunks } from './chunks.js';
import { jsonLine } from '../output/json-line.js';
import type { recordToJson } from '../cli/commands/messages.js';
import type { eventToJson } from '../cli/commands/parse.js';

export type JobSpec =
  | {
      kind: 'scan';
      config: Config;
      format: OutputFormat;
      color: boolean;
      minVerdict: VerdictLevel;
      windowMs?: number;
    }
  | { kind: 'messages'; withLines: boolean; windowMs?: number }
  | { kind: 'parse'; summaryOnly: boolean };

/** What a worker reports at the end of input. */
export interface JobResult {
  stats: PipelineStats;
  /** For each program: the input position of its first line / first unrecognised line (parse only). */
  firstSeen: Record<string, number>;
  firstUnrecognised: Record<string, number>;
  records: number;
  byVerdict: Record<VerdictLevel, number>;
  /** Verdicts written (at or above --min-verdict). */
  shown: number;
  spoofs: SpoofOutcomes;
  notes: string[];
}

export interface Job {
  /** Runs a batch of lines (`seq`: their positions in the whole input); its output goes to `output`. */
  push(lines: readonly LogLine[], seq: ArrayLike<number>): void;
  /** What the job wrote, whole lines between two batches. */
  readonly output: OutputChunks;
  /**
   * Splitting by position (ranges.ts): the zone of the lines pushed next. `lead`: lines
   * before the part, which rebuild what is open and teach the detector, uncounted and
   * unreported. `own` from `at` (the part's first line): counted; a message is reported
   * when its first line is at or after `at`. `tail` from `at` (the first line after the
   * part): uncounted; a message is reported when its first line is in the part.
   */
  enter(zone: Zone, at?: SourceRef): void;
  /** In the tail: whether a message or session that began in the part is still open. */
  pending(): boolean;
  /**
   * End of input: the records still open are written to `output`; returns the counters
   * (`cut`: a part stops following its open records there, which ages them out).
   */
  finish(opts?: { cut?: boolean }): JobResult;
  readonly records: number;
}

/**
 * Correlator bounds of one worker. runParallel gives each of N workers 1/N of the
 * single-threaded limits, so --workers does not multiply the memory a run may hold.
 */
export interface JobLimits {
  maxOpenRecords?: number;
  maxOpenSessions?: number;
  maxOpenEvidenceChars?: number;
}

/** Split by position: the order of all inputs, which ranks evidence (file, line) across files. */
export interface JobSplit {
  inputs: readonly string[];
}

/**
 * What a kind of job runs beyond the pipeline. A thread imports only its kind's modules
 * (loadKit): the detector's (tldts, libmime, the confusables table) and the formatters are
 * a large part of a thread's start, and `parse` needs neither.
 */
export type JobKit =
  | {
      kind: 'scan';
      createDetector: typeof createDetector;
      createFormatter: typeof createFormatter;
      passes: typeof passes;
      tableHeader: typeof tableHeader;
    }
  | { kind: 'messages'; recordToJson: typeof recordToJson }
  | { kind: 'parse'; eventToJson: typeof eventToJson };

export async function loadKit(kind: JobSpec['kind']): Promise<JobKit> {
  if (kind === 'scan') {
    const [detect, output, table] = await Promise.all([
      import('../detect/index.js'),
      import('../output/index.js'),
      import('../output/table.js'),
    ]);
    return {
      kind,
      createDetector: detect.createDetector,
      createFormatter: output.createFormatter,
      passes: table.passes,
      tableHeader: table.tableHeader,
    };
  }
  if (kind === 'messages')
    return { kind, recordToJson: (await import('../cli/commands/messages.js')).recordToJson };
  return { kind, eventToJson: (await import('../cli/commands/parse.js')).eventToJson };
}

export function createJob(spec: JobSpec, kit: JobKit, limits: JobLimits = {}, split?: JobSplit): Job {
  if (kit.kind !== spec.kind) throw new Error(`a ${spec.kind} job given the ${kit.kind} modules`);
  const out = new OutputChunks();
  const firstSeen: Record<string, number> = Object.create(null) as Record<string, number>;
  const firstUnrecognised: Record<string, number> = Object.create(null) as Record<string, number>;
  const byVerdict: Record<VerdictLevel, number> = { spoof: 0, suspicious: 0, unknown: 0, clean: 0 };
  let records = 0;
  let shown = 0;
  let notes: () => string[] = () => [];
  let spoofs: () => SpoofOutcomes = () => ({ blocked: 0, delivered: 0, other: 0 });
  let onRecord: ((record: MessageRecord) => void) | undefined;
  let onEvent: ((event: LogEvent) => void) | undefined;
  // Position of the line being parsed, for first-appearance order (parse only).
  let seqOf: ArrayLike<number> = [];
  let at = 0;
  // Splitting by position: the zone of the lines being pushed, and the part's first line and
  // the first line after it, as positions (file order * 2^32 + line).
  let zone: Zone = 'own';
  let ownStart = -Infinity;
  let tailStart = Infinity;
  const fileOrder = new Map((split?.inputs ?? []).map((p, i) => [p, i]));
  const posOf = (ref: SourceRef): number => (fileOrder.get(ref.file) ?? 0) * 2 ** 32 + ref.line;
  /** Whether this job reports the record (another part does when its first line is not ours). */
  const ours = (r: MessageRecord): boolean => {
    if (split === undefined) return true;
    if (zone === 'lead') return false;
    let first = Infinity;
    for (const e of r.evidence) {
      const p = posOf(e);
      if (p < first) first = p;
    }
    if (first === Infinity) return zone === 'own';
    return first >= ownStart && first < tailStart;
  };

  if (spec.kind === 'scan') {
    const { createDetector, createFormatter, passes, tableHeader } = kit as Extract<JobKit, { kind: 'scan' }>;
    const detector = createDetector(spec.config);
    // A table's header is written once by the main thread, before the first row of any worker.
    const header = spec.format === 'table' ? tableHeader() : null;
    let headerSkipped = false;
    const sink = {
      write(chunk: string): void {
        if (header !== null && !headerSkipped && chunk === header) {
          headerSkipped = true;
          return;
        }
        out.write(chunk);
      },
      writeBytes(bytes: Uint8Array): void {
        out.writeBytes(bytes);
      },
    };
    const formatter = createFormatter(spec.format, sink, { color: spec.color, minVerdict: spec.minVerdict });
    onRecord = (record) => {
      if (!ours(record)) {
        // Another part reports it; what closes before this part still teaches the detector.
        if (zone === 'lead') detector.detect(record);
        return;
      }
      records++;
      const v = detector.detect(record);
      byVerdict[v.verdict]++;
      if (passes(v, spec.minVerdict)) shown++;
      formatter.write(v);
    };
    notes = () => detector.notes();
    if (formatter.spoofOutcomes !== undefined) spoofs = formatter.spoofOutcomes.bind(formatter);
  } else if (spec.kind === 'messages') {
    const withLines = spec.withLines;
    const { recordToJson } = kit as Extract<JobKit, { kind: 'messages' }>;
    onRecord = (r) => {
      if (!ours(r)) return;
      records++;
      out.write(jsonLine(recordToJson(r, withLines)));
    };
  } else {
    const summaryOnly = spec.summaryOnly;
    const { eventToJson } = kit as Extract<JobKit, { kind: 'parse' }>;
    onEvent = (e) => {
      if (zone !== 'own') return;
      const program = e.line.program || '(none)';
      const seq = seqOf[at++] ?? 0;
      if (firstSeen[program] === undefined) firstSeen[program] = seq;
      if (e.kind === 'unrecognised' && firstUnrecognised[program] === undefined)
        firstUnrecognised[program] = seq;
      if (!summaryOnly) out.write(jsonLine(eventToJson(e)));
    };
  }

  const windowMs = spec.kind === 'parse' ? undefined : spec.windowMs;
  const pipeline = createLinePipeline({
    correlate: spec.kind !== 'parse',
    correlator: { ...limits, ...(windowMs === undefined ? {} : { windowMs }) },
    onRecord,
    onEvent,
  });

  return {
    push(lines, seq) {
      seqOf = seq;
      at = 0;
      pipeline.push(lines);
    },
    output: out,
    pending() {
      const rank = (ref: SourceRef): number => {
        const p = posOf(ref);
        return p >= ownStart && p < tailStart ? p : Infinity;
      };
      return pipeline.earliestOpen(rank) !== Infinity;
    },
    enter(next, ref) {
      if (next === 'own') {
        pipeline.resetCounts();
        if (ref !== undefined) ownStart = posOf(ref);
      } else if (next === 'tail') {
        pipeline.freezeCounts();
        if (ref !== undefined) tailStart = posOf(ref);
      }
      zone = next;
    },
    finish(opts = {}) {
      const stats = pipeline.finish({ cut: opts.cut === true });
      return {
        stats,
        firstSeen,
        firstUnrecognised,
        records,
        byVerdict,
        shown,
        spoofs: spoofs(),
        notes: notes(),
      };
    },
    get records() {
      return records;
    },
  };
}
