/**
 * A worker's output as UTF-8 bytes in large chunks that travel to the main thread by
 * transfer (no copy) and come back once written, for the next output. Posting the output as
 * strings cost a join in the worker, a structured-clone copy and a string per message in the
 * main thread (whose young generation then filled with them), and an encode to write them;
 * now each document is copied once, into the chunk, and the main thread hands the bytes to
 * the output as they are.
 *
 * Whatever is written between two take() calls is whole lines (a job takes only after a batch),
 * so the chunks of different workers can be written one after the other in any order.
 */

/** Bytes of a fresh chunk; a batch whose output needs more grows it (then it is not reused). */
export const CHUNK_BYTES = 1024 * 1024;
/** Chunks kept for reuse, at most (one per message in flight and the one being filled). */
const MAX_SPARE = 8;
/** UTF-8 bytes per UTF-16 code unit, at most. */
const MAX_UTF8_PER_UNIT = 3;

export class OutputChunks {
  private chunk: Buffer;
  private pos = 0;
  private spare: Buffer[] = [];

  constructor(private readonly bytes = CHUNK_BYTES) {
    this.chunk = Buffer.allocUnsafeSlow(bytes);
  }

  /** Bytes written since the last take(). */
  get size(): number {
    return this.pos;
  }

  write(text: string): void {
    const most = text.length * MAX_UTF8_PER_UNIT;
    if (most > this.chunk.length - this.pos) this.room(Buffer.byteLength(text, 'utf8'));
    this.pos += this.chunk.write(text, this.pos, 'utf8');
  }

  /** UTF-8 bytes, copied (the caller may reuse them). */
  writeBytes(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.chunk.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  private room(n: number): void {
    if (this.pos + n <= this.chunk.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(2 * this.chunk.length, this.pos + n));
    this.chunk.copy(bigger, 0, 0, this.pos);
    this.chunk = bigger;
  }

  /**
   * The bytes written since the last take(), or null when there are none. They are a view of
   * a chunk of their own (`bytes.buffer`, for a transfer list); writing goes on in another.
   */
  take(): Uint8Array | null {
    if (this.pos === 0) return null;
    const out = new Uint8Array(this.chunk.buffer, this.chunk.byteOffset, this.pos);
    this.chunk = this.spare.pop() ?? Buffer.allocUnsafeSlow(this.bytes);
    this.pos = 0;
    return out;
  }

  /** Takes back a chunk whose bytes were written (its contents are overwritten from now on). */
  give(buffer: ArrayBuffer): void {
    if (buffer.byteLength === this.bytes && this.spare.length < MAX_SPARE)
      this.spare.push(Buffer.from(buffer));
  }
}

/** Bytes handed to a sink at a time: a sink copies them into a chunk of its own, not a new buffer. */
const WRITE_SLICE = 64 * 1024;

/**
 * UTF-8 bytes of whole lines to a text sink: as bytes when it takes them (in slices, which
 * the sink copies into the chunk it reuses; nothing written between them), else as text.
 */
export function writeOutput(
  out: { write(text: string): unknown; writeBytes?(bytes: Uint8Array): unknown },
  bytes: Uint8Array,
): void {
  if (out.writeBytes === undefined) {
    out.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
    return;
  }
  for (let at = 0; at < bytes.length; at += WRITE_SLICE)
    out.writeBytes(bytes.subarray(at, Math.min(bytes.length, at + WRITE_SLICE)));
}
