/**
 * Worker thread entry for `--workers N`: runs a Job over the batches of lines the main
 * thread routes here, and answers each batch with the output text it produced.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createJob, type JobLimits, type JobSpec } from './job.js';
import { readWireBatch, type WireBatch } from './wire.js';
import type { ToMain, ToWorker } from './messages.js';

const port = parentPort;
if (port === null) throw new Error('src/parallel/worker.ts runs only as a worker thread');
const data = workerData as { spec: JobSpec; limits: JobLimits };
const job = createJob(data.spec, data.limits);

function send(msg: ToMain): void {
  port!.postMessage(msg);
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'lines') {
    const b: WireBatch = msg.batch;
    const text = job.push(readWireBatch(b), b.seq);
    send({ type: 'output', text, records: job.records });
  } else {
    const { text, result } = job.finish();
    send({ type: 'done', text, result });
    port!.close();
  }
});
