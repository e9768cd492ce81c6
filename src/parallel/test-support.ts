/**
 * For the `--workers` tests: the single-threaded scan and messages a threaded run must match, and
 * JSONL text as sorted lines (threads may interleave their output).
 */
import { runPipeline, type PipelineStats } from '../pipeline.js';
import { createDetector, type Config } from '../detect/index.js';
import { createFormatter } from '../output/index.js';
import { recordToJson } from '../cli/commands/messages.js';

export interface SingleScan {
  /** The JSONL output, one document per message. */
  text: string;
  records: number;
  stats: PipelineStats;
}

/** `scan --format jsonl --workers 1` over the paths, as the reference for a threaded run. */
export async function scanOneThread(paths: string[], config: Config): Promise<SingleScan> {
  const out: string[] = [];
  const detector = createDetector(config);
  const formatter = createFormatter(
    'jsonl',
    { write: (s) => out.push(s) },
    { color: false, minVerdict: 'clean' },
  );
  let records = 0;
  const stats = await runPipeline(paths, {
    read: { tz: 'UTC' },
    onRecord: (r) => {
      records++;
      formatter.write(detector.detect(r));
    },
  });
  return { text: out.join(''), records, stats };
}

/** `messages --workers 1` over the paths: one JSON document per record. */
export async function messagesOneThread(paths: string[], withLines: boolean): Promise<string[]> {
  const out: string[] = [];
  await runPipeline(paths, {
    read: { tz: 'UTC' },
    onRecord: (r) => out.push(JSON.stringify(recordToJson(r, withLines))),
  });
  return out;
}

/** Output bytes of a worker as text (copied: the bytes are valid only during onOutput). */
export function decoded(bytes: Uint8Array | null): string {
  return bytes === null ? '' : Buffer.from(bytes).toString('utf8');
}

/** Output lines, sorted, without empty ones. */
export function sortedLines(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .sort();
}
