/**
 * Streaming gunzip that keeps everything decoded before a failure.
 *
 * Iterating a zlib stream directly loses the output still buffered when it errors, so a
 * small truncated .gz would yield nothing at all (where `zcat` shows every line but the
 * last). Here compressed input is fed in bounded pieces, each piece's output is handed
 * on before the next is written (back-pressure on the input side, so memory stays
 * bounded), and an error is raised only after every decoded byte has been yielded.
 * Concatenated gzip members are read as one stream.
 *
 * Truncated input loses nothing that can be decoded (as with `zcat`). Corrupt input
 * (or non-gzip bytes after the last member) stops the stream; the output of the piece
 * being decoded when zlib failed (from at most FEED_BYTES of compressed input) is lost,
 * since zlib reports the error before handing that output back.
 */
import { createGunzip } from 'node:zlib';

/** Compressed bytes written per step; the output of one step is held at most. */
const FEED_BYTES = 32 * 1024;
/** Size of the decompressed chunks zlib hands back. */
const OUT_CHUNK_BYTES = 64 * 1024;

export async function* gunzipChunks(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const gz = createGunzip({ chunkSize: OUT_CHUNK_BYTES });
  const out: Buffer[] = [];
  let error: unknown = null;
  let finished = false;
  let wake: (() => void) | null = null;
  let stopped: () => void = () => undefined;
  // Settles when zlib fails or closes: a write whose callback zlib never calls then ends.
  const stop = new Promise<void>((resolve) => {
    stopped = resolve;
  });
  const notify = (): void => {
    stopped();
    const w = wake;
    wake = null;
    if (w !== null) w();
  };
  // Flowing mode: every chunk zlib pushes is emitted at once, so none is left in the
  // stream's own buffer (which an error would discard).
  gz.on('data', (chunk: Buffer) => out.push(chunk));
  gz.on('error', (err) => {
    error ??= err;
    finished = true;
    notify();
  });
  gz.on('end', () => {
    finished = true;
    const w = wake;
    wake = null;
    if (w !== null) w();
  });
  gz.on('close', () => {
    finished = true;
    notify();
  });
  const write = (piece: Buffer): Promise<void> =>
    Promise.race([
      new Promise<void>((resolve) => {
        gz.write(piece, () => resolve());
      }),
      stop,
    ]);
  try {
    for await (const chunk of input) {
      for (let off = 0; off < chunk.length && error === null; off += FEED_BYTES) {
        await write(chunk.subarray(off, off + FEED_BYTES));
        while (out.length > 0) yield out.shift()!;
      }
      if (error !== null) break;
    }
    if (error === null && !finished) {
      const done = new Promise<void>((resolve) => {
        wake = resolve;
      });
      gz.end();
      await done;
    }
    while (out.length > 0) yield out.shift()!;
    if (error !== null) throw error;
  } finally {
    gz.destroy();
  }
}
