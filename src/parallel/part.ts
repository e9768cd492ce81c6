/**
 * A worker's own reading when the inputs are split by position (ranges.ts): it reads its
 * part itself, lead-in, own lines, then tail, and calls `send` after each batch of its own
 * lines or tail, to take the job's output. Plain functions over a Job, so tests run a part
 * without threads.
 */
import { readLogLines, type ReadOptions } from '../ingest/index.js';
import type { LogLine } from '../ingest/line.js';
import type { SpoofwatchError } from '../errors.js';
import type { Job, JobResult } from './job.js';
import { countLinesBefore, type Part, type Piece } from './ranges.js';

/** Part k's lines are numbered from k * PART_SEQ_STRIDE, so first appearances order across parts. */
export const PART_SEQ_STRIDE = 2 ** 40;

/**
 * The line number of each piece's first line. Pieces of one file follow each other (lead-in,
 * own, tail), so each count goes on from where the last one stopped instead of from byte 0.
 */
function lineNumbers(): (piece: Piece) => number {
  let path = '';
  let pos = 0;
  let lines = 0;
  return (piece) => {
    if (piece.start === 0 || piece.gzip) return 1;
    if (piece.path !== path || piece.start < pos) {
      path = piece.path;
      pos = 0;
      lines = 0;
    }
    lines += countLinesBefore(piece.path, piece.start, pos);
    pos = piece.start;
    return lines + 1;
  };
}

/** The batches holding the last `bytes` bytes of lines of a file (read whole). */
async function lastLines(path: string, read: ReadOptions, bytes: number): Promise<LogLine[][]> {
  const kept: LogLine[][] = [];
  let size = 0;
  for await (const batch of readLogLines([path], read)) {
    kept.push(batch);
    for (const l of batch) size += l.raw.length + 1;
    // Drop whole batches from the front while the rest still holds `bytes`.
    while (kept.length > 1) {
      let first = 0;
      for (const l of kept[0]!) first += l.raw.length + 1;
      if (size - first < bytes) break;
      kept.shift();
      size -= first;
    }
  }
  return kept;
}

export interface PartOptions {
  index: number;
  read?: Omit<ReadOptions, 'onError' | 'range'>;
  /** After a batch of own or tail lines, with the part's lines read so far: the job's output may be taken; awaited (back-pressure). */
  send: (lines: number) => Promise<void> | void;
  onError?: (err: SpoofwatchError) => void;
}

export async function runPart(job: Job, part: Part, o: PartOptions): Promise<JobResult> {
  let seq = o.index * PART_SEQ_STRIDE;
  let lines = 0;
  let seqs = new Float64Array(4096);
  let zone: Piece['zone'] | null = null;
  const firstLineOf = lineNumbers();
  pieces: for (const piece of part.pieces) {
    const firstLine = firstLineOf(piece);
    if (piece.zone !== zone) {
      job.enter(piece.zone, { file: piece.path, line: firstLine });
      zone = piece.zone;
      if (zone === 'tail' && !job.pending()) break;
    }
    const read: ReadOptions = {
      ...o.read,
      // Errors reading lines of another part are that part's to report.
      onError: piece.zone === 'own' ? o.onError : () => undefined,
    };
    if (!piece.gzip && (piece.start > 0 || piece.end < piece.size))
      read.range = { start: piece.start, end: piece.end, firstLine };
    if (piece.keep !== undefined) {
      // A gzip lead-in: decompressed whole, only its last `keep` bytes of lines are used.
      for (const batch of await lastLines(piece.path, read, piece.keep)) job.push(batch, seqs);
      continue;
    }
    // Bytes of lines read from a gzip tail (it is bounded by `limit`, not by an end).
    let tailBytes = 0;
    for await (const batch of readLogLines([piece.path], read)) {
      if (batch.length > seqs.length) seqs = new Float64Array(batch.length);
      for (let i = 0; i < batch.length; i++) seqs[i] = seq++;
      job.push(batch, seqs);
      if (piece.zone === 'own') lines += batch.length;
      if (piece.zone !== 'lead') await o.send(lines);
      if (piece.zone === 'tail') {
        // Done when nothing begun in the part is open (a single-threaded run would follow it
        // as long), or after the tail's bytes.
        if (!job.pending()) break pieces;
        if (piece.limit !== undefined) {
          for (const l of batch) tailBytes += l.raw.length + 1;
          if (tailBytes >= piece.limit) break pieces;
        }
      }
    }
  }
  // A part with a tail stops following what is still open: those messages are aged out.
  return job.finish({ cut: part.pieces.some((p) => p.zone === 'tail') });
}
