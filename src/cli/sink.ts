/**
 * Buffered text output with back-pressure: formatters write synchronously, the pipeline
 * awaits `drain()` between batches so a slow consumer (a pipe, a file) bounds memory.
 * A closed pipe (`spoofwatch scan | head`) ends output quietly instead of crashing.
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { TextSink } from '../output/index.js';

const FLUSH_AT = 64 * 1024;

export class BufferedSink implements TextSink {
  private buf: string[] = [];
  private size = 0;
  private closed = false;
  private readonly stream: Writable;
  private readonly ownsStream: boolean;

  constructor(stream: Writable, ownsStream = false) {
    this.stream = stream;
    this.ownsStream = ownsStream;
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') this.closed = true;
      else throw err;
    });
  }

  static toFile(path: string): BufferedSink {
    return new BufferedSink(createWriteStream(path), true);
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

  async end(): Promise<void> {
    this.flushSync();
    if (this.ownsStream) {
      await new Promise<void>((resolve) => this.stream.end(resolve));
    } else {
      await this.drain();
    }
  }
}
