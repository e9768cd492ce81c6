/**
 * `--workers N`: the main thread reads and splits the input (ingest, unchanged) and routes
 * each line by its syslog host to one of N worker threads; each worker parses, correlates,
 * detects and formats the lines of its hosts and answers with output text, which the main
 * thread writes as it arrives. One host's lines stay in order in one worker, so its
 * messages are assembled exactly as in a single-threaded run; only the order of output
 * lines across hosts may differ. A log of a single host cannot be spread this way: it runs
 * in one worker, and only the reading (the main thread) overlaps with the rest.
 *
 * Each worker's correlator holds 1/N of the open records and sessions a single thread may
 * hold, so the memory bound of a run does not grow with N.
 *
 * What workers do not share: state learned during a run (protected domains guessed from
 * recipients when none are configured, third-party sender pairs, per-client campaign
 * windows) is learned per worker, and an HAProxy line logged under another host name than
 * the MTA it fronts only joins a session of a host in the same worker.
 */
import { Worker } from 'node:worker_threads';
import { readLogLines, type ReadOptions } from '../ingest/index.js';
import { emptyStats, type PipelineStats } from '../pipeline.js';
import type { CorrelatorStats } from '../correlate/record.js';
import type { SpoofwatchError } from '../errors.js';
import type { VerdictLevel } from '../detect/verdict.js';
import type { SpoofOutcomes } from '../output/index.js';
import type { JobLimits, JobResult, JobSpec } from './job.js';
import { MAX_OPEN_RECORDS, MAX_OPEN_SESSIONS } from '../limits.js';
import type { ToMain, ToWorker } from './messages.js';
import { HostRouter } from './route.js';
import { WireBuilder } from './wire.js';
import { MAX_INFLIGHT_BATCHES, MAX_WORKERS, WIRE_BATCH_LINES } from './bounds.js';

export { MAX_WORKERS } from './bounds.js';

export interface ParallelOptions {
  workers: number;
  spec: JobSpec;
  read?: Omit<ReadOptions, 'onError'>;
  /** Output text from a worker, in the order each worker produced it. */
  onOutput: (text: string) => void;
  onError?: (err: SpoofwatchError) => void;
  /** After each batch read; awaited (back-pressure from a slow output). */
  afterBatch?: (lines: number, records: number) => Promise<void> | void;
}

/** The workers' results merged: the same figures a single-threaded run would give. */
export interface ParallelResult {
  stats: PipelineStats;
  records: number;
  byVerdict: Record<VerdictLevel, number>;
  shown: number;
  spoofs: SpoofOutcomes;
  notes: string[];
}

/**
 * A worker running worker.js beside this file. When this file is the .ts source (tests run
 * through tsx), the worker registers tsx itself and imports worker.ts: Node starts no .ts
 * file, and hooks given with --import do not reach worker threads on Node 20.
 */
function startWorker(spec: JobSpec, limits: JobLimits): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./worker.js', import.meta.url), { workerData: { spec, limits } });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const src = JSON.stringify(new URL('./worker.ts', import.meta.url).href);
  return new Worker(`import(${tsx}).then((t) => { t.register(); return import(${src}); });`, {
    eval: true,
    workerData: { spec, limits },
  });
}

/** Each worker holds 1/n of the open records and sessions one thread may hold. */
export function workerLimits(n: number): JobLimits {
  return {
    maxOpenRecords: Math.ceil(MAX_OPEN_RECORDS / n),
    maxOpenSessions: Math.ceil(MAX_OPEN_SESSIONS / n),
  };
}

interface Slot {
  worker: Worker;
  builder: WireBuilder;
  inflight: number;
  records: number;
  wake: (() => void) | null;
  done: Promise<JobResult>;
}

export async function runParallel(paths: string[], opts: ParallelOptions): Promise<ParallelResult> {
  const n = Math.max(1, Math.min(MAX_WORKERS, Math.floor(opts.workers)));
  const limits = workerLimits(n);
  let failure: unknown = null;
  const slots: Slot[] = [];
  for (let i = 0; i < n; i++) {
    const worker = startWorker(opts.spec, limits);
    const slot: Slot = {
      worker,
      builder: new WireBuilder(WIRE_BATCH_LINES),
      inflight: 0,
      records: 0,
      wake: null,
      done: Promise.resolve(null as unknown as JobResult),
    };
    slot.done = new Promise<JobResult>((resolve, reject) => {
      worker.on('message', (msg: ToMain) => {
        if (msg.text.length > 0) opts.onOutput(msg.text);
        if (msg.type === 'output') {
          slot.inflight--;
          slot.records = msg.records;
        } else {
          resolve(msg.result);
        }
        const w = slot.wake;
        slot.wake = null;
        w?.();
      });
      worker.on('error', (err) => {
        failure ??= err;
        reject(err);
        const w = slot.wake;
        slot.wake = null;
        w?.();
      });
      worker.on('exit', (code) => {
        if (code !== 0) reject(new Error(`worker ${i} stopped with exit code ${code}`));
      });
    });
    slot.done.catch(() => undefined); // failures surface through `failure` and the final await
    slots.push(slot);
  }

  const post = (slot: Slot, msg: ToWorker, transfer: ArrayBuffer[] = []): void => {
    slot.worker.postMessage(msg, transfer);
  };
  const flush = async (slot: Slot): Promise<void> => {
    while (slot.inflight >= MAX_INFLIGHT_BATCHES && failure === null) {
      await new Promise<void>((resolve) => (slot.wake = resolve));
    }
    if (failure !== null) throw failure;
    const { batch, transfer } = slot.builder.take();
    slot.inflight++;
    post(slot, { type: 'lines', batch }, transfer);
  };

  const router = new HostRouter(n);
  let seq = 0;
  let errors = 0;
  const readOpts: ReadOptions = {
    ...opts.read,
    onError: (err) => {
      errors++;
      opts.onError?.(err);
    },
  };
  const recordsSoFar = (): number => slots.reduce((a, s) => a + s.records, 0);
  try {
    for await (const batch of readLogLines(paths, readOpts)) {
      for (let i = 0; i < batch.length; i++) {
        const line = batch[i]!;
        const slot = slots[router.route(line.host)]!;
        slot.builder.add(line, seq++);
        if (slot.builder.full) await flush(slot);
      }
      if (opts.afterBatch !== undefined) await opts.afterBatch(seq, recordsSoFar());
    }
    for (const slot of slots) {
      if (slot.builder.length > 0) await flush(slot);
      post(slot, { type: 'end' });
    }
    const results = await Promise.all(slots.map((s) => s.done));
    const merged = mergeResults(results);
    merged.stats.errors = errors;
    return merged;
  } finally {
    if (failure !== null || slots.some((s) => s.inflight > 0)) {
      await Promise.all(slots.map((s) => s.worker.terminate()));
    }
  }
}

function sumInto(into: Record<string, number>, from: Record<string, number>): void {
  for (const k of Object.keys(from)) into[k] = (into[k] ?? 0) + from[k]!;
}

/** Keys ordered by where they first appeared in the input (as a single-threaded run inserts them). */
function ordered(counts: Record<string, number>[], first: Record<string, number>[]): Record<string, number> {
  const total = Object.create(null) as Record<string, number>;
  for (const c of counts) sumInto(total, c);
  const pos = (k: string): number => Math.min(...first.map((f) => f[k] ?? Infinity));
  const out = Object.create(null) as Record<string, number>;
  for (const k of Object.keys(total).sort((a, b) => pos(a) - pos(b))) out[k] = total[k]!;
  return out;
}

export function mergeResults(results: JobResult[]): ParallelResult {
  const stats = emptyStats();
  const byVerdict: Record<VerdictLevel, number> = { spoof: 0, suspicious: 0, unknown: 0, clean: 0 };
  const spoofs: SpoofOutcomes = { blocked: 0, delivered: 0, other: 0 };
  let records = 0;
  let shown = 0;
  const notes: string[] = [];
  let correlator: CorrelatorStats | null = null;
  for (const r of results) {
    stats.lines += r.stats.lines;
    stats.recognised += r.stats.recognised;
    stats.unrecognised += r.stats.unrecognised;
    records += r.records;
    shown += r.shown;
    for (const k of Object.keys(byVerdict) as VerdictLevel[]) byVerdict[k] += r.byVerdict[k];
    spoofs.blocked += r.spoofs.blocked;
    spoofs.delivered += r.spoofs.delivered;
    spoofs.other += r.spoofs.other;
    for (const note of r.notes) if (!notes.includes(note)) notes.push(note);
    const c = r.stats.correlator;
    if (c !== null) {
      if (correlator === null) correlator = { ...c };
      else {
        const acc = correlator as unknown as Record<string, number>;
        const add = c as unknown as Record<string, number>;
        for (const k of Object.keys(add)) if (typeof add[k] === 'number') acc[k] = (acc[k] ?? 0) + add[k];
      }
    }
  }
  stats.byProgram = ordered(
    results.map((r) => r.stats.byProgram),
    results.map((r) => r.firstSeen),
  );
  stats.unrecognisedByProgram = ordered(
    results.map((r) => r.stats.unrecognisedByProgram),
    results.map((r) => r.firstUnrecognised),
  );
  stats.correlator = correlator;
  return { stats, records, byVerdict, shown, spoofs, notes };
}
