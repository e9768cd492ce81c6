/**
 * Worker thread entry for `--workers N`. Either the main thread routes lines here (by mail
 * host) and each batch is answered with the output text it produced, or the worker reads
 * its own part of the inputs (split by position, see ranges.ts) and sends output as it
 * goes, at most MAX_INFLIGHT_BATCHES unacknowledged.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createJob, type JobLimits, type JobSpec } from './job.js';
import { readWireBatch, type WireBatch } from './wire.js';
import type { ToMain, ToWorker } from './messages.js';
import type { Part } from './ranges.js';
import { runPart } from './part.js';
import type { ReadOptions } from '../ingest/index.js';
import { MAX_INFLIGHT_BATCHES } from './bounds.js';

const port = parentPort;
if (port === null) throw new Error('src/parallel/worker.ts runs only as a worker thread');
const data = workerData as {
  spec: JobSpec;
  limits: JobLimits;
  part?: { part: Part; index: number; inputs: string[]; read?: Omit<ReadOptions, 'onError' | 'range'> };
};
const job = createJob(
  data.spec,
  data.limits,
  data.part === undefined ? undefined : { inputs: data.part.inputs },
);

function send(msg: ToMain): void {
  port!.postMessage(msg);
}

if (data.part === undefined) {
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'lines') {
      const b: WireBatch = msg.batch;
      const text = job.push(readWireBatch(b), b.seq);
      send({ type: 'output', text, records: job.records });
    } else if (msg.type === 'end') {
      const { text, result } = job.finish();
      send({ type: 'done', text, result });
      port!.close();
    }
  });
} else {
  const p = data.part;
  let inflight = 0;
  let wake: (() => void) | null = null;
  port.on('message', (msg: ToWorker) => {
    if (msg.type !== 'ack') return;
    inflight--;
    const w = wake;
    wake = null;
    w?.();
  });
  const { text, result } = await runPart(job, p.part, {
    index: p.index,
    ...(p.read === undefined ? {} : { read: p.read }),
    onError: (err) => send({ type: 'error', code: err.code, message: err.message }),
    send: async (out, lines) => {
      while (inflight >= MAX_INFLIGHT_BATCHES) await new Promise<void>((resolve) => (wake = resolve));
      inflight++;
      send({ type: 'output', text: out, records: job.records, lines });
    },
  });
  send({ type: 'done', text, result });
  port.close();
}
