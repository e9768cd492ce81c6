/**
 * LogLines as one structured-clone-friendly message: strings in arrays, numbers in typed
 * arrays whose buffers are transferred (not copied). Host, program and file names repeat
 * from line to line, so they go once per batch in a string table. A line's `message` is
 * nearly always the tail of `raw`; then only its offset travels.
 */
import type { LogLine } from '../ingest/line.js';
import { WIRE_BATCH_CHARS } from './bounds.js';

export interface WireBatch {
  /** Host, program and file names used in this batch. */
  names: string[];
  host: Uint32Array;
  program: Uint32Array;
  file: Uint32Array;
  lineNo: Float64Array;
  /** Epoch ms; NaN for null. */
  time: Float64Array;
  /** NaN for null. */
  pid: Float64Array;
  /** truncatedBytes; 0 when the line was whole (the field is then absent). */
  truncated: Float64Array;
  /** Position of the line in the whole input (0-based), for merging per-key first appearances. */
  seq: Float64Array;
  raw: string[];
  /** Start of `message` in `raw`, or -1 when it is not raw's tail (then it is the next of `messages`). */
  msgStart: Int32Array;
  messages: string[];
  length: number;
}

/** Collects lines for one worker until take(). */
export class WireBuilder {
  private names: string[] = [];
  private ids = new Map<string, number>();
  private host!: Uint32Array;
  private program!: Uint32Array;
  private file!: Uint32Array;
  private lineNo!: Float64Array;
  private time!: Float64Array;
  private pid!: Float64Array;
  private truncated!: Float64Array;
  private seq!: Float64Array;
  private msgStart!: Int32Array;
  private raw: string[] = [];
  private messages: string[] = [];
  length = 0;
  /** Characters of the strings added since the last take(). */
  private chars = 0;

  /** Full at `capacity` lines or `maxChars` characters of line text, whichever comes first. */
  constructor(
    private readonly capacity: number,
    private readonly maxChars = WIRE_BATCH_CHARS,
  ) {
    this.reset();
  }

  private reset(): void {
    const n = this.capacity;
    this.names = [];
    this.ids = new Map();
    this.host = new Uint32Array(n);
    this.program = new Uint32Array(n);
    this.file = new Uint32Array(n);
    this.lineNo = new Float64Array(n);
    this.time = new Float64Array(n);
    this.pid = new Float64Array(n);
    this.truncated = new Float64Array(n);
    this.seq = new Float64Array(n);
    this.msgStart = new Int32Array(n);
    this.raw = [];
    this.messages = [];
    this.length = 0;
    this.chars = 0;
  }

  private name(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(s);
      this.ids.set(s, id);
    }
    return id;
  }

  get full(): boolean {
    return this.length >= this.capacity || this.chars >= this.maxChars;
  }

  add(line: LogLine, seq: number): void {
    const i = this.length++;
    this.host[i] = this.name(line.host);
    this.program[i] = this.name(line.program);
    this.file[i] = this.name(line.src.file);
    this.lineNo[i] = line.src.line;
    this.time[i] = line.time ?? NaN;
    this.pid[i] = line.pid ?? NaN;
    this.truncated[i] = line.truncatedBytes ?? 0;
    this.seq[i] = seq;
    const raw = line.raw;
    const msg = line.message;
    this.raw.push(raw);
    this.chars += raw.length;
    const start = raw.length - msg.length;
    if (start >= 0 && raw.endsWith(msg)) this.msgStart[i] = start;
    else {
      this.msgStart[i] = -1;
      this.messages.push(msg);
      this.chars += msg.length;
    }
  }

  /** The batch so far (and the buffers to transfer); the builder starts a new one. */
  take(): { batch: WireBatch; transfer: ArrayBuffer[] } {
    const batch: WireBatch = {
      names: this.names,
      host: this.host,
      program: this.program,
      file: this.file,
      lineNo: this.lineNo,
      time: this.time,
      pid: this.pid,
      truncated: this.truncated,
      seq: this.seq,
      raw: this.raw,
      msgStart: this.msgStart,
      messages: this.messages,
      length: this.length,
    };
    const transfer = [
      batch.host,
      batch.program,
      batch.file,
      batch.lineNo,
      batch.time,
      batch.pid,
      batch.truncated,
      batch.seq,
      batch.msgStart,
    ].map((a) => a.buffer as ArrayBuffer);
    this.reset();
    return { batch, transfer };
  }
}

/** The LogLines of a batch, equal field for field to those added. */
export function readWireBatch(b: WireBatch): LogLine[] {
  const out: LogLine[] = new Array<LogLine>(b.length);
  const files = new Map<number, string>();
  let extra = 0;
  for (let i = 0; i < b.length; i++) {
    const raw = b.raw[i]!;
    const start = b.msgStart[i]!;
    const message = start >= 0 ? raw.slice(start) : (b.messages[extra++] ?? '');
    const t = b.time[i]!;
    const p = b.pid[i]!;
    const fileId = b.file[i]!;
    let file = files.get(fileId);
    if (file === undefined) {
      file = b.names[fileId] ?? '';
      files.set(fileId, file);
    }
    const line: LogLine = {
      time: Number.isNaN(t) ? null : t,
      host: b.names[b.host[i]!] ?? '',
      program: b.names[b.program[i]!] ?? '',
      pid: Number.isNaN(p) ? null : p,
      message,
      raw,
      src: { file, line: b.lineNo[i]! },
    };
    const cut = b.truncated[i]!;
    if (cut > 0) line.truncatedBytes = cut;
    out[i] = line;
  }
  return out;
}
