/**
 * Buffered output with back-pressure: formatters write synchronously, the pipeline awaits
 * `drain()` between batches so a slow consumer (a pipe) bounds memory. A closed pipe
 * (`spoofwatch scan | head`) ends output quietly instead of crashing.
 *
 * Text and the UTF-8 bytes of JSON documents (`writeBytes`) are copied into one byte chunk,
 * handed to the output when full: a document written as bytes is never decoded to a string,
 * joined with others and encoded again. An output file (`-o`) is written with fs.writeSync
 * (nothing to wait for on a local file, and the chunk is free again once the call returns).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { TextSink } from '../output/index.js';
import { SpoofwatchError } from '../errors.js';
import { clearProgressLine } from './terminal.js';

/** Bytes gathered before they are handed to the output. */
const FLUSH_AT = 64 * 1024;
/** The chunk has room past FLUSH_AT so that a document of up to that size never needs a flush of its own. */
const CHUNK_BYTES = 2 * FLUSH_AT;
/** UTF-8 bytes per UTF-16 code unit, at most. */
const MAX_UTF8_PER_UNIT = 3;

export class BufferedSink implements TextSink {
  private chunk: Buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private pos = 0;
  private closed = false;
  /** The stream written to, or null when writing to `fd` (an output file). */
  private readonly stream: Writable | null;
  private readonly fd: number;
  private readonly name: string;
  /** A write error other than EPIPE (disk full, I/O error): output stops, end() reports it. */
  private failure: NodeJS.ErrnoException | null = null;

  /**
   * A sink writing to a file, opened (created or truncated) now, so a path that cannot be
   * written is a user error before any log is read, not a crash after.
   */
  static toFile(path: string): BufferedSink {
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (err) {
      throw outputError(path, err);
    }
    return new BufferedSink(fd, path);
  }

  /** Output to a stream, or to an open file descriptor (written with fs.writeSync). */
  constructor(target: Writable | number, name = 'standard output') {
    if (typeof target === 'number') {
      this.stream = null;
      this.fd = target;
    } else {
      this.stream = target;
      this.fd = -1;
      target.on('error', (err: NodeJS.ErrnoException) => {
        this.closed = true;
        if (err.code !== 'EPIPE') this.failure = err;
      });
    }
    this.name = name;
  }

  /** True once the reader went away (EPIPE): callers may stop early. */
  get isClosed(): boolean {
    return this.closed;
  }

  write(text: string): void {
    if (this.closed) return;
    if (text.length * MAX_UTF8_PER_UNIT > CHUNK_BYTES - this.pos) {
      this.flush();
      if (text.length * MAX_UTF8_PER_UNIT > CHUNK_BYTES) {
        this.send(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.pos += this.chunk.write(text, this.pos, 'utf8');
    if (this.pos >= FLUSH_AT) this.flush();
  }

  /** UTF-8 text as bytes, copied before the call returns (the caller may reuse them). */
  writeBytes(bytes: Uint8Array): void {
    if (this.closed) return;
    if (bytes.length > CHUNK_BYTES - this.pos) {
      this.flush();
      if (bytes.length > CHUNK_BYTES) {
        this.send(Buffer.from(bytes));
        return;
      }
    }
    this.chunk.set(bytes, this.pos);
    this.pos += bytes.length;
    if (this.pos >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    if (this.pos === 0 || this.closed) return;
    const data = this.chunk.subarray(0, this.pos);
    this.pos = 0;
    this.send(data);
    // A stream may keep the chunk until it is written: then the next bytes go into a new one.
    // Standard output (a file, pipe or terminal) has let go of it once it holds nothing
    // queued; another stream (a Writable of the caller's) may keep what it was given.
    if (this.stream !== null && (this.stream !== process.stdout || this.stream.writableLength > 0))
      this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  }

  private send(data: Buffer): void {
    if (this.stream === null) {
      this.writeFile(data);
      return;
    }
    if (this.stream === process.stdout && process.stdout.isTTY === true) clearProgressLine();
    this.stream.write(data);
  }

  private writeFile(data: Buffer): void {
    try {
      for (let done = 0; done < data.length;) done += writeSync(this.fd, data, done, data.length - done);
    } catch (err) {
      // A reader that went away (-o /dev/stdout or a FIFO, piped to head) ends output quietly, as on stdout.
      this.closed = true;
      if ((err as NodeJS.ErrnoException).code !== 'EPIPE') this.failure = err as NodeJS.ErrnoException;
    }
  }

  /**
   * Flush and wait until the stream can take more. Whether to wait is asked of the stream
   * itself: a 'drain' that came before this call (the write done while other events ran,
   * as --workers output arrives between batches) must not leave us waiting for another.
   */
  async drain(): Promise<void> {
    this.flush();
    const stream = this.stream;
    if (stream === null || this.closed || stream.destroyed || !stream.writableNeedDrain) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        stream.off('drain', done);
        stream.off('error', done);
        stream.off('close', done);
        resolve();
      };
      stream.once('drain', done);
      stream.once('error', done);
      stream.once('close', done);
    });
  }

  /** Flush everything; throws SpoofwatchError('OUTPUT_UNWRITABLE') if a write failed. */
  async end(): Promise<void> {
    if (this.stream === null) {
      this.flush();
      try {
        closeSync(this.fd);
      } catch (err) {
        this.failure ??= err as NodeJS.ErrnoException;
      }
    } else {
      await this.drain();
      // A synchronous stream (stdout to a file) reports a failed write on a later tick.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (this.failure !== null) throw outputError(this.name, this.failure);
  }
}

function outputError(name: string, err: unknown): SpoofwatchError {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const why =
    code === 'ENOENT'
      ? 'no such directory'
      : code === 'EISDIR'
        ? 'it is a directory'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'ENOSPC'
            ? 'no space left on device'
            : err instanceof Error
              ? err.message
              : String(err);
  return new SpoofwatchError('OUTPUT_UNWRITABLE', `cannot write ${name}: ${why}`);
}
