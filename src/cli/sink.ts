/**
 * Buffered text output with back-pressure: formatters write synchronously, the pipeline
 * awaits `drain()` between batches so a slow consumer (a pipe, a file) bounds memory.
 * A closed pipe (`spoofwatch scan | head`) ends output quietly instead of crashing.
 */
import { createWriteStream, openSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { TextSink } from '../output/index.js';
import { SpoofwatchError } from '../errors.js';
import { clearProgressLine } from './terminal.js';

const FLUSH_AT = 64 * 1024;

export class BufferedSink implements TextSink {
  private buf: string[] = [];
  private size = 0;
  private closed = false;
  private readonly stream: Writable;
  private readonly ownsStream: boolean;
  private readonly name: string;
  /** A write error other than EPIPE (disk full, I/O error): output stops, end() reports it. */
  private failure: NodeJS.ErrnoException | null = null;

  constructor(stream: Writable, ownsStream = false, name = 'standard output') {
    this.stream = stream;
    this.ownsStream = ownsStream;
    this.name = name;
    stream.on('error', (err: NodeJS.ErrnoException) => {
      this.closed = true;
      if (err.code !== 'EPIPE') this.failure = err;
    });
  }

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
    return new BufferedSink(createWriteStream(path, { fd }), true, path);
  }

  /** True once the reader went away (EPIPE): callers may stop early. */
  get isClosed(): boolean {
    return this.closed;
  }

  write(chunk: string): void {
    if (this.closed) return;
    this.buf.push(chunk);
    this.size += chunk.length;
    if (this.size >= FLUSH_AT) this.flushSync();
  }

  private flushSync(): boolean {
    if (this.size === 0 || this.closed) return true;
    const data = this.buf.join('');
    this.buf = [];
    this.size = 0;
    if (this.stream === process.stdout && process.stdout.isTTY === true) clearProgressLine();
    return this.stream.write(data);
  }

  /** Flush and wait until the stream can take more. */
  async drain(): Promise<void> {
    const ok = this.flushSync();
    if (!ok && !this.closed) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.stream.off('drain', done);
          this.stream.off('error', done);
          this.stream.off('close', done);
          resolve();
        };
        this.stream.once('drain', done);
        this.stream.once('error', done);
        this.stream.once('close', done);
      });
    }
  }

  /** Flush everything; throws SpoofwatchError('OUTPUT_UNWRITABLE') if a write failed. */
  async end(): Promise<void> {
    this.flushSync();
    if (this.ownsStream && this.failure === null) {
      await new Promise<void>((resolve) => {
        this.stream.once('error', () => resolve());
        this.stream.end(resolve);
      });
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
