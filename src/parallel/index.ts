/**
 * `--workers N`, two ways.
 *
 * Split by position (ranges.ts, part.ts): when every input is a file and there is enough
 * of it, each worker reads its own part of the inputs (plus a lead-in and a tail, so that
 * the messages crossing a cut are reported once, whole) and runs every stage on it; the
 * main thread only writes the output bytes the workers send. This spreads a single-host
 * log, the common case.
 *
 * Routed by host: otherwise (stdin, small inputs) the main thread reads and splits the
 * input (ingest, unchanged) and routes each line by its syslog host to one of N worker
 * threads; each worker parses, correlates, detects and formats the lines of its hosts and
 * answers with output bytes. One host's lines stay in order in one worker.
 *
 * Either way each worker's correlator holds 1/N of the open records and sessions a single
 * thread may hold, so the memory bound of a run does not grow with N, and only the order
 * of output lines may differ from a single-threaded run.
 *
 * What workers do not share: state learned during a run (protected domains guessed from
 * recipients when none are configured, third-party sender pairs, per-client campaign
 * windows) is learned per worker (a part's worker learns from its lead-in too), and, when
 * routed by host, an HAProxy line logged under another host name than the MTA it fronts
 * only joins a session of a host in the same worker.
 */
import { Worker } from 'node:worker_threads';
import { readLogLines, type ReadOptions } from '../ingest/index.js';
import { emptyStats, type PipelineStats } from '../pipeline.js';
import type { CorrelatorStats } from '../correlate/record.js';
import type { VerdictLevel } from '../detect/verdict.js';
import type { SpoofOutcomes } from '../output/index.js';
import type { JobLimits, JobResult, JobSpec } from './job.js';
import { MAX_OPEN_EVIDENCE_CHARS, MAX_OPEN_RECORDS, MAX_OPEN_SESSIONS } from '../limits.js';
import type { ToMain, ToWorker } from './messages.js';
import { HostRouter } from './route.js';
import { WireBuilder } from './wire.js';
import { MAX_INFLIGHT_BATCHES, MAX_WORKERS, WIRE_BATCH_LINES } from './bounds.js';
import { decompressionFor } from '../ingest/decompress.js';
import { open, stat } from 'node:fs/promises';
import { orderInputs } from '../ingest/index.js';
import { binaryReason, SNIFF_BYTES } from '../ingest/magic.js';
import { SpoofwatchError } from '../errors.js';
import { LEAD_IN_BYTES, planParts, type InputFile, type Part } from './ranges.js';
import type { ReadOptions as PartRead } from '../ingest/index.js';

/** What a worker needs to read its own part (worker.ts). */
interface PartData {
  part: Part;
  index: number;
  /** Every input, in reading order (ranks evidence across files). */
  inputs: string[];
  read?: Omit<PartRead, 'onError' | 'range'>;
}

export { MAX_WORKERS } from './bounds.js';

export interface ParallelOptions {
  workers: number;
  spec: JobSpec;
  read?: Omit<ReadOptions, 'onError'>;
  /**
   * Output of a worker (UTF-8, whole lines), in the order each worker produced it. The bytes
   * are valid only during the call: their buffer goes back to the worker for reuse.
   */
  onOutput: (bytes: Uint8Array) => void;
  onError?: (err: SpoofwatchError) => void;
  /** After each batch read; awaited (back-pressure from a slow output). */
  afterBatch?: (lines: number, records: number) => Promise<void> | void;
  /** How inputs are split by position (tests use small sizes; see ranges.ts for the defaults). */
  split?: { leadIn?: number; minPart?: number };
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
function startWorker(spec: JobSpec, limits: JobLimits, part?: PartData): Worker {
  const workerData = part === undefined ? { spec, limits } : { spec, limits, part };
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./worker.js', import.meta.url), { workerData });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const src = JSON.stringify(new URL('./worker.ts', import.meta.url).href);
  return new Worker(`import(${tsx}).then((t) => { t.register(); return import(${src}); });`, {
    eval: true,
    workerData,
  });
}

/** Output was written: the worker may go on (a part), and has the chunk of those bytes back. */
function ack(worker: Worker, bytes: Uint8Array | null): void {
  if (bytes === null) worker.postMessage({ type: 'ack' } satisfies ToWorker);
  else {
    const chunk = bytes.buffer as ArrayBuffer;
    worker.postMessage({ type: 'ack', chunk } satisfies ToWorker, [chunk]);
  }
}

/** Each worker holds 1/n of the open records, sessions and evidence one thread may hold. */
export function workerLimits(n: number): JobLimits {
  return {
    maxOpenRecords: Math.ceil(MAX_OPEN_RECORDS / n),
    maxOpenSessions: Math.ceil(MAX_OPEN_SESSIONS / n),
    maxOpenEvidenceChars: Math.ceil(MAX_OPEN_EVIDENCE_CHARS / n),
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
  const parts = await splitByPosition(paths, n, opts.spec.kind, opts.split);
  if (parts !== null && parts.length > 1) return runParts(parts, orderInputs(paths), opts);
  return runRouted(paths, n, opts);
}

/**
 * The inputs split by position into at most n parts (ranges.ts), or null when they cannot
 * be: stdin, or an input that cannot be opened or is refused as binary (the routed mode
 * reads it and reports the error). `parse` needs no lead-in: it correlates nothing.
 */
export async function splitByPosition(
  paths: string[],
  n: number,
  kind: JobSpec['kind'],
  split: ParallelOptions['split'] = {},
): Promise<Part[] | null> {
  const leadIn = kind === 'parse' ? 0 : (split.leadIn ?? LEAD_IN_BYTES);
  const minPart = split.minPart;
  if (n < 2 || paths.includes('-')) return null;
  const files: InputFile[] = [];
  for (const path of orderInputs(paths)) {
    try {
      // Only regular files are split. The check comes before open(): opening a named pipe
      // (mkfifo, a shell's <(zcat ...)) to look at it and closing it again would consume
      // the writer's data or end it, and the read that follows would wait for ever.
      if (!(await stat(path)).isFile()) return null;
      const fh = await open(path, 'r');
      try {
        const st = await fh.stat();
        const head = Buffer.alloc(SNIFF_BYTES);
        const { bytesRead } = await fh.read(head, 0, SNIFF_BYTES, 0);
        const sniffed = head.subarray(0, bytesRead);
        // A compressed file (gzip, or xz/zstd/bzip2 with its tool installed) is one piece, read whole.
        const gzip = decompressionFor(sniffed) !== null;
        // A file refused as binary by its head is refused whole (read as one thread reads it),
        // not read from its middle by the parts after the first.
        if (!gzip && binaryReason(sniffed) !== null) return null;
        files.push({ path, size: st.size, gzip });
      } finally {
        await fh.close();
      }
    } catch {
      return null;
    }
  }
  return planParts(files, n, minPart === undefined ? { leadIn } : { leadIn, minPart });
}

/** Each worker reads its own part; output is written as it arrives, acknowledged for back-pressure. */
async function runParts(parts: Part[], inputs: string[], opts: ParallelOptions): Promise<ParallelResult> {
  const limits = workerLimits(parts.length);
  const lines = new Array<number>(parts.length).fill(0);
  const records = new Array<number>(parts.length).fill(0);
  const seenErrors = new Set<string>();
  let errors = 0;
  const workers: Worker[] = [];
  const done = parts.map(
    (part, index) =>
      new Promise<JobResult>((resolve, reject) => {
        // Plain values only cross to a thread (no stdin stream: parts read files).
        const { stdin: _stdin, ...read } = opts.read ?? {};
        const worker = startWorker(opts.spec, limits, {
          part,
          index,
          inputs,
          read,
        });
        workers.push(worker);
        // One message at a time per worker: the ack waits for the output to be taken.
        let chain = Promise.resolve();
        worker.on('message', (msg: ToMain) => {
          chain = chain
            .then(async () => {
              if (msg.type === 'error') {
                if (seenErrors.has(msg.message)) return;
                seenErrors.add(msg.message);
                errors++;
                opts.onError?.(new SpoofwatchError(msg.code, msg.message));
                return;
              }
              if (msg.bytes !== null) opts.onOutput(msg.bytes);
              if (msg.type === 'done') {
                lines[index] = msg.result.stats.lines;
                records[index] = msg.result.records;
              } else {
                lines[index] = msg.lines ?? lines[index]!;
                records[index] = msg.records;
              }
              if (opts.afterBatch !== undefined)
                await opts.afterBatch(
                  lines.reduce((a, b) => a + b, 0),
                  records.reduce((a, b) => a + b, 0),
                );
              if (msg.type === 'done') {
                resolve(msg.result);
                return;
              }
              ack(worker, msg.bytes);
            })
            .catch(reject);
        });
        worker.on('error', reject);
        worker.on('exit', (code) => {
          if (code !== 0) reject(new Error(`worker ${index} stopped with exit code ${code}`));
        });
      }),
  );
  try {
    const merged = mergeResults(await Promise.all(done));
    merged.stats.errors = errors;
    return merged;
  } catch (err) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw err;
  }
}

async function runRouted(paths: string[], n: number, opts: ParallelOptions): Promise<ParallelResult> {
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
    const wake = (): void => {
      const w = slot.wake;
      slot.wake = null;
      w?.();
    };
    slot.done = new Promise<JobResult>((resolve, reject) => {
      // A failure of the worker or of the output stops the reader (which may be waiting for
      // this worker) and the run; it does not escape an event handler as an uncaught exception.
      const fail = (err: unknown): void => {
        failure ??= err;
        reject(err);
        wake();
      };
      worker.on('message', (msg: ToMain) => {
        if (msg.type === 'error') return; // only parts read inputs themselves
        try {
          if (msg.bytes !== null) opts.onOutput(msg.bytes);
          if (msg.type === 'output') {
            slot.inflight--;
            slot.records = msg.records;
            if (msg.bytes !== null) ack(worker, msg.bytes);
          } else {
            resolve(msg.result);
          }
        } catch (err) {
          fail(err);
          return;
        }
        wake();
      });
      worker.on('error', fail);
      worker.on('exit', (code) => {
        // Also without an 'error' event: the reader must not wait for its answers.
        if (code !== 0) fail(new Error(`worker ${i} stopped with exit code ${code}`));
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
  let finished = false;
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
    finished = true;
    const merged = mergeResults(results);
    merged.stats.errors = errors;
    return merged;
  } finally {
    // Whatever stopped the run (a worker, the output, the reader), no worker is left waiting
    // for lines: an idle worker keeps the process alive.
    if (!finished) await Promise.all(slots.map((s) => s.worker.terminate()));
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
