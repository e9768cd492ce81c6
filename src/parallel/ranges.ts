/**
 * Splitting large logs between threads by position. The inputs, oldest first, are read as
 * one stream; each of N workers gets a contiguous part of it (its "own" lines), and reads
 * a little on either side:
 *   - a lead-in: up to LEAD_IN_BYTES just before its part, to know the sessions and
 *     messages already open there (their later lines must not start new messages);
 *   - a tail: the lines after its part, until nothing it began is open (at most
 *     LEAD_IN_BYTES), to finish the messages it began.
 *
 * Which worker reports a message: the one whose own lines hold the message's first line
 * (for a message in an SMTP session, the session's first line). Both workers around a
 * cut assemble the messages that cross it from the same lines, so each is reported once,
 * whole. Not so a message whose lines span more than the lead-in or the tail: one that
 * began more than a lead-in before the cut is reported in pieces, and one waiting at the
 * cut for a queue retry that comes after the tail's last byte (retries may come days
 * later) is reported as it stood at the end of the tail, aged out, without its later lines.
 *
 * Plain files are split at line starts. A gzip file cannot be read from the middle: it is
 * one piece, never cut; as a lead-in it is decompressed whole and only its last lines are
 * used (so a message open across a log rotation is still seen whole). A part reads the stamps at the head of
 * its file first, so yearless stamps get the years a whole-file read gives them (unless the
 * file's stamps are out of time order, or it spans more than a year).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { binaryReason, isGzip, SNIFF_BYTES } from '../ingest/magic.js';

/** Bytes of log read before a worker's own part (rebuilds sessions and open messages). */
export const LEAD_IN_BYTES = 4 * 1024 * 1024;
/** Smallest part worth a thread of its own: below this the lead-in costs more than it saves. */
export const MIN_PART_BYTES = 4 * LEAD_IN_BYTES;
/**
 * A lead-in line costs about half an own line (parsed and correlated; only messages that
 * close in it are checked, to learn from, and nothing is written). Parts after the first
 * are made that much shorter, so that all workers finish together. (A tail ends as soon
 * as nothing begun in the part is open, and its messages would be checked anyway.)
 */
export const LEAD_IN_COST = 0.5;

/** One input as the planner sees it. */
export interface InputFile {
  path: string;
  size: number;
  gzip: boolean;
}

export type Zone = 'lead' | 'own' | 'tail';

/** A piece of one file that a worker reads: [start, end) bytes, from the start of a line. */
export interface Piece {
  path: string;
  gzip: boolean;
  /** The file's size: a piece from 0 to `size` is the whole file. */
  size: number;
  start: number;
  end: number;
  /** lead: read to know what is open; own: counted and reported; tail: finishes own messages. */
  zone: Zone;
  /** A gzip lead-in is read whole, but only the lines of its last `keep` bytes are used. */
  keep?: number;
  /** A gzip tail is read from its start up to this many bytes of lines (it has no end of its own). */
  limit?: number;
}

function piece(f: InputFile, start: number, end: number, zone: Zone): Piece {
  return { path: f.path, gzip: f.gzip, size: f.size, start, end, zone };
}

/** What one worker reads: lead-in pieces, own pieces, tail pieces, in input order. */
export interface Part {
  pieces: Piece[];
}

/** Bytes of binary-looking lines a cut moves past, at most (see lineStartAtOrAfter). */
const MAX_BINARY_SKIP = 1024 * 1024;

/**
 * The first line start at or after `pos` in `path` (or the file's size when there is none)
 * whose next bytes would not be refused as binary: a part read from a line start sniffs
 * its first SNIFF_BYTES as a whole file's head is sniffed, and a run of NUL bytes (what a
 * crash leaves in a log) there must not lose the part. The start of the file is 0 whatever
 * it holds (it is sniffed in a single-threaded run too).
 */
export function lineStartAtOrAfter(path: string, pos: number, size: number): number {
  if (pos <= 0) return 0;
  if (pos >= size) return size;
  const fd = openSync(path, 'r');
  try {
    // Small reads: a line start is usually within a few hundred bytes.
    const buf = Buffer.allocUnsafe(SNIFF_BYTES);
    let start = nextLineStart(fd, buf, pos, size);
    // Bounded: past that much binary-looking data the part starts there anyway.
    while (start < size && start - pos < MAX_BINARY_SKIP) {
      const got = readSync(fd, buf, 0, SNIFF_BYTES, start);
      const head = buf.subarray(0, got);
      if (!isGzip(head) && binaryReason(head) === null) break;
      start = nextLineStart(fd, buf, start + 1, size);
    }
    return start;
  } finally {
    closeSync(fd);
  }
}

/** The first line start at or after `pos` (> 0): reads forward from `pos - 1` to the next newline. */
function nextLineStart(fd: number, buf: Buffer, pos: number, size: number): number {
  let at = pos - 1;
  while (at < size) {
    const got = readSync(fd, buf, 0, buf.length, at);
    if (got <= 0) return size;
    const nl = buf.indexOf(10);
    if (nl !== -1 && nl < got) return Math.min(size, at + nl + 1);
    at += got;
  }
  return size;
}

/**
 * Newlines in bytes [from, end) of a plain file (from 0 by default): the line number at
 * `end` is this + 1 (+ the newlines before `from`).
 */
export function countLinesBefore(path: string, end: number, from = 0): number {
  if (end <= from) return 0;
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let n = 0;
    let at = from;
    while (at < end) {
      const got = readSync(fd, buf, 0, Math.min(buf.length, end - at), at);
      if (got <= 0) break;
      // indexOf is a memchr: far faster than a byte loop.
      for (let i = buf.indexOf(10, 0); i !== -1 && i < got; i = buf.indexOf(10, i + 1)) n++;
      at += got;
    }
    return n;
  } finally {
    closeSync(fd);
  }
}

/**
 * Splits the inputs into at most `n` parts of about equal size (gzip files count their
 * compressed size five times over, roughly what they hold). Fewer parts when the inputs
 * are too small for each part to be worth a thread (MIN_PART_BYTES), and one part when
 * nothing can be split. `snap(path, pos, size)` moves a split to a line start.
 */
export function planParts(
  inputs: readonly InputFile[],
  n: number,
  opts: { leadIn?: number; minPart?: number; snap?: typeof lineStartAtOrAfter } = {},
): Part[] {
  const leadIn = opts.leadIn ?? LEAD_IN_BYTES;
  const minPart = opts.minPart ?? MIN_PART_BYTES;
  const snap = opts.snap ?? lineStartAtOrAfter;
  const weight = (f: InputFile): number => (f.gzip ? 5 * f.size : f.size);
  const total = inputs.reduce((a, f) => a + weight(f), 0);
  const parts = Math.max(1, Math.min(n, Math.floor(total / minPart)));
  if (parts === 1) return [{ pieces: inputs.map((f) => piece(f, 0, f.size, 'own')) }];

  // Cut points in the weighted stream, each moved to a line start (plain) or a file edge (gzip).
  // Part 0 has no lead-in: it gets X bytes, every later part X - LEAD_IN_COST * leadIn.
  const extra = LEAD_IN_COST * Math.min(leadIn, total / parts / 2);
  const first = (total + (parts - 1) * extra) / parts;
  const cuts: Cut[] = [];
  for (let k = 1; k < parts; k++) {
    let target = first + (k - 1) * (first - extra);
    for (let i = 0; i < inputs.length; i++) {
      const f = inputs[i]!;
      const w = weight(f);
      if (target >= w) {
        target -= w;
        continue;
      }
      if (f.gzip) cuts.push(target < w / 2 ? { file: i, pos: 0 } : { file: i + 1, pos: 0 });
      else cuts.push({ file: i, pos: snap(f.path, Math.floor(target), f.size) });
      break;
    }
  }
  const bounds: Cut[] = [{ file: 0, pos: 0 }, ...cuts, { file: inputs.length, pos: 0 }];
  const out: Part[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const from = bounds[k]!;
    const to = bounds[k + 1]!;
    const own: Piece[] = [];
    for (let i = from.file; i <= to.file && i < inputs.length; i++) {
      const f = inputs[i]!;
      const start = i === from.file ? from.pos : 0;
      const end = i === to.file ? to.pos : f.size;
      if (end > start) own.push(piece(f, start, end, 'own'));
    }
    if (own.length === 0) continue; // two cuts at the same place
    const lead = out.length === 0 ? [] : leadBefore(inputs, from, leadIn, snap);
    const tail = k + 2 === bounds.length ? [] : tailAfter(inputs, to, leadIn, snap);
    out.push({ pieces: [...lead, ...own, ...tail] });
  }
  if (out.length === 1) return [{ pieces: inputs.map((f) => piece(f, 0, f.size, 'own')) }];
  return out;
}

interface Cut {
  file: number;
  pos: number;
}

/** Up to `bytes` of plain files just before `at` (a lead-in stops at a gzip file). */
function leadBefore(
  inputs: readonly InputFile[],
  at: Cut,
  bytes: number,
  snap: typeof lineStartAtOrAfter,
): Piece[] {
  const lead: Piece[] = [];
  let need = bytes;
  for (let i = at.file, pos = at.pos; need > 0;) {
    if (pos === 0) {
      i--;
      if (i < 0) break;
      const f = inputs[i]!;
      if (f.gzip) {
        // Read whole (it cannot be read from the middle); only its last `need` bytes count.
        lead.unshift({ ...piece(f, 0, f.size, 'lead'), keep: need });
        break;
      }
      pos = f.size;
      continue;
    }
    const f = inputs[i]!;
    const start = need >= pos ? 0 : snap(f.path, pos - need, f.size);
    if (start < pos) lead.unshift(piece(f, start, pos, 'lead'));
    need -= pos - start;
    if (start > 0) break;
    pos = 0;
  }
  return lead;
}

/** Up to `bytes` after `at` (a gzip file from its start, up to the bytes still wanted). */
function tailAfter(
  inputs: readonly InputFile[],
  at: Cut,
  bytes: number,
  snap: typeof lineStartAtOrAfter,
): Piece[] {
  const tail: Piece[] = [];
  let need = bytes;
  for (let i = at.file, pos = at.pos; need > 0 && i < inputs.length; i++, pos = 0) {
    const f = inputs[i]!;
    if (pos >= f.size) continue;
    if (f.gzip) {
      tail.push({ ...piece(f, 0, f.size, 'tail'), limit: need });
      need -= 5 * f.size;
      continue;
    }
    const end = pos + need >= f.size ? f.size : snap(f.path, pos + need, f.size);
    if (end > pos) tail.push(piece(f, pos, end, 'tail'));
    need -= end - pos;
  }
  return tail;
}
