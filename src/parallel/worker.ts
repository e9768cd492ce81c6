/**
 * Worker thread entry for `--workers N`. Either the main thread routes lines here (by mail
 * host) and each batch is answered with the output it produced, or the worker reads its own
 * part of the inputs (split by position, see ranges.ts) and sends output as it goes, at most
 * MAX_INFLIGHT_BATCHES unacknowledged. Output travels as UTF-8 bytes in transferred chunks
 * (chunks.ts), which the main thread sends back once written.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createJob, loadKit, type Job, type JobLimits, type JobSpec } from './job.js';
import { readWireBatch, type WireBatch } from './wire.js';
import type { ToMain, ToWorker } from './messages.js';
import type { Part } from './ranges.js';
import { runPart } from './part.js';
import type { ReadOptions } from '../ingest/index.js';
import { MAX_INFLIGHT_BATCHES, PART_PROGRESS_LINES, PART_SEND_BYTES } from './bounds.js';

const port = parentPort;
if (port === null) throw new Error('src/parallel/worker.ts runs only as a worker thread');
const data = workerData as {
  spec: JobSpec;
  limits: JobLimits;
  part?: { part: Part; index: number; inputs: string[]; read?: Omit<ReadOptions, 'onError' | 'range'> };
};
const job = createJob(
  data.spec,
  await loadKit(data.spec.kind),
  data.limits,
  data.part === undefined ? undefined : { inputs: data.part.inputs },
);

function send(msg: ToMain): void {
  port!.postMessage(msg);
}

/** The job's output so far in a message; its chunk is transferred, not copied. */
function sendOutput(
  j: Job,
  msg:
    { type: 'output'; records: number; lines?: number } | { type: 'done'; result: ReturnType<Job['finish']> },
): void {
  const bytes = j.output.take();
  port!.postMessage({ ...msg, bytes } satisfies ToMain, bytes === null ? [] : [bytes.buffer as ArrayBuffer]);
}

if (data.part === undefined) {
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'lines') {
      const b: WireBatch = msg.batch;
      job.push(readWireBatch(b), b.seq);
      sendOutput(job, { type: 'output', records: job.records });
    } else if (msg.type === 'ack') {
      if (msg.chunk !== undefined) job.output.give(msg.chunk);
    } else {
      sendOutput(job, { type: 'done', result: job.finish() });
      port!.close();
    }
  });
} else {
  const p = data.part;
  let inflight = 0;
  let wake: (() => void) | null = null;
  port.on('message', (msg: ToWorker) => {
    if (msg.type !== 'ack') return;
    if (msg.chunk !== undefined) job.output.give(msg.chunk);
    inflight--;
    const w = wake;
    wake = null;
    w?.();
  });
  // Output goes in chunks of about PART_SEND_BYTES (fewer, larger messages); progress at
  // least every PART_PROGRESS_LINES lines when little is written.
  let sentLines = 0;
  const result = await runPart(job, p.part, {
    index: p.index,
    ...(p.read === undefined ? {} : { read: p.read }),
    onError: (err) => send({ type: 'error', code: err.code, message: err.message }),
    send: async (lines) => {
      if (job.output.size < PART_SEND_BYTES && lines - sentLines < PART_PROGRESS_LINES) return;
      while (inflight >= MAX_INFLIGHT_BATCHES) await new Promise<void>((resolve) => (wake = resolve));
      inflight++;
      sentLines = lines;
      sendOutput(job, { type: 'output', records: job.records, lines });
    },
  });
  sendOutput(job, { type: 'done', result });
  port.close();
}
