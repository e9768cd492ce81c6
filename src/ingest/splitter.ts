/**
 * Splits a stream of byte chunks into lines on `\n` (a trailing `\r` is dropped) in
 * bounded memory: a line longer than the limit keeps its first `maxBytes` bytes (cut on a
 * UTF-8 character boundary) and the rest, up to the next newline, is skipped and only
 * counted. A 1 GiB line without a newline therefore costs `maxBytes` of memory, not 1 GiB.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { MAX_LINE_BYTES } from '../limits.js';

/**
 * Receives one physical line: bytes buf[start, end) (valid only during the call: the buffer
 * is reused), `clean` when they are already known to be UTF-8 without NUL, how many
 * bytes were cut off the end (0 for a whole line), and `ascii` when they are known to be
 * ASCII without NUL (clean too, and cheaper to decode).
 */
export type LineSink = (
  buf: Buffer,
  start: number,
  end: number,
  clean: boolean,
  cutBytes: number,
  ascii: boolean,
) => void;

const LF = 10;
const CR = 13;

export class LineSplitter {
  private readonly sink: LineSink;
  private readonly maxBytes: number;
  private carry: Buffer | null = null;
  private carryLen = 0;
  /** Bytes of the current line already dropped past maxBytes (>0 means: skip to the newline). */
  private dropped = 0;

  constructor(sink: LineSink, maxBytes = MAX_LINE_BYTES) {
    this.sink = sink;
    this.maxBytes = Math.max(4, maxBytes);
  }

  push(chunk: Buffer): void {
    const len = chunk.length;
    if (len === 0) return;
    // One check per chunk: nearly every chunk of a real log is clean UTF-8, most are ASCII.
    const noNul = chunk.indexOf(0) === -1;
    const ascii = noNul && isAscii(chunk);
    const clean = ascii || (noNul && isUtf8(chunk));
    let pos = 0;
    while (pos < len) {
      const nl = chunk.indexOf(LF, pos);
      if (nl === -1) {
        this.stash(chunk, pos, len);
        return;
      }
      this.finishLine(chunk, pos, nl, clean, ascii);
      pos = nl + 1;
    }
  }

  /** Input ended: a last line without a newline is still a line. */
  end(): void {
    if (this.carryLen > 0 || this.dropped > 0) {
      const carry = this.carry!;
      const len = this.carryLen;
      const dropped = this.dropped;
      this.carryLen = 0;
      this.dropped = 0;
      this.emit(carry, 0, len, false, dropped);
    }
  }

  private finishLine(chunk: Buffer, s: number, e: number, clean: boolean, ascii: boolean): void {
    if (this.dropped > 0) {
      const dropped = this.dropped + (e - s);
      this.dropped = 0;
      const len = this.carryLen;
      this.carryLen = 0;
      this.emit(this.carry!, 0, len, false, dropped);
      return;
    }
    if (this.carryLen > 0) {
      const carry = this.carry!;
      const have = this.carryLen;
      this.carryLen = 0;
      const total = have + (e - s);
      if (total > this.maxBytes) {
        const take = this.maxBytes - have;
        chunk.copy(carry, have, s, s + take);
        this.emit(carry, 0, this.maxBytes, false, total - this.maxBytes);
      } else {
        chunk.copy(carry, have, s, e);
        this.emit(carry, 0, total, false, 0);
      }
      return;
    }
    const n = e - s;
    if (n > this.maxBytes) this.emit(chunk, s, s + this.maxBytes, false, n - this.maxBytes);
    else this.emit(chunk, s, e, clean, 0, ascii);
  }

  /** Keeps the tail of a chunk that has no newline (up to maxBytes of it). */
  private stash(chunk: Buffer, s: number, e: number): void {
    const n = e - s;
    if (this.dropped > 0) {
      this.dropped += n;
      return;
    }
    if (this.carry === null) this.carry = Buffer.allocUnsafe(this.maxBytes);
    const room = this.maxBytes - this.carryLen;
    if (n <= room) {
      chunk.copy(this.carry, this.carryLen, s, e);
      this.carryLen += n;
    } else {
      chunk.copy(this.carry, this.carryLen, s, s + room);
      this.carryLen = this.maxBytes;
      this.dropped = n - room;
    }
  }

  private emit(buf: Buffer, s: number, e: number, clean: boolean, cutBytes: number, ascii = false): void {
    if (cutBytes > 0) {
      // Do not split a UTF-8 sequence at the cut: move its leading bytes to the cut part.
      let i = e - 1;
      let k = 0;
      while (k < 3 && i > s && (buf[i]! & 0xc0) === 0x80) {
        i--;
        k++;
      }
      const lead = buf[i]!;
      const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
      if (need > e - i) {
        cutBytes += e - i;
        e = i;
      }
      this.sink(buf, s, e, false, cutBytes, false);
      return;
    }
    if (e > s && buf[e - 1] === CR) e--;
    this.sink(buf, s, e, clean, 0, ascii);
  }
}
