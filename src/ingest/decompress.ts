/**
 * How an input's bytes are decompressed, decided from its first bytes: gzip through Node's
 * zlib (gunzip.ts), xz, zstd and bzip2 (logrotate's `compresscmd`; openSUSE's default is
 * xz) through the system's own decompressor as `xzcat`, `zstdcat` and `bzcat` do. Node has
 * no decoder for those (zlib does gzip and brotli only), and the Debian packages xz-utils,
 * zstd and bzip2 are the well-kept implementations. When the tool is not installed, the
 * input is read as it is and refused by the binary sniff, naming the package (magic.ts).
 *
 * A tool's output is read in chunks with back-pressure (memory stays bounded); its exit
 * status and first line of stderr tell a cut or corrupt file apart from a clean end, and
 * every line decoded before a failure is kept, as for gzip.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { gunzipChunks } from './gunzip.js';
import { decompressorFor, isGzip, type Decompressor } from './magic.js';

/** How to decode an input, and the format's name for messages. */
export interface Decompression {
  format: string;
  decode(input: AsyncIterable<Buffer>): AsyncIterable<Buffer>;
}

const GZIP: Decompression = { format: 'gzip', decode: gunzipChunks };

/**
 * The decompression for an input starting with `head` (at least COMPRESSION_MAGIC_BYTES of
 * it when it is that long), or null: plain text, or a format whose tool is not installed.
 */
export function decompressionFor(head: Buffer): Decompression | null {
  if (isGzip(head)) return GZIP;
  const d = decompressorFor(head);
  const path = d === null ? null : decompressorPath(d);
  if (d === null || path === null) return null;
  return { format: d.format, decode: (input) => decompressChunks(d, path, input) };
}

/** Directories searched for the tools: a fixed list, so a PATH entry cannot substitute one. */
const TOOL_DIRS = ['/usr/bin', '/bin', '/usr/local/bin'];

/** The absolute path of the decompressor's command, or null when it is not installed. */
export function decompressorPath(d: Decompressor): string | null {
  for (const dir of TOOL_DIRS) {
    const p = `${dir}/${d.command}`;
    if (existsSync(p)) return p;
  }
  return null;
}

/** Failure of the external decompressor: its status and first line of stderr. */
export class DecompressError extends Error {
  constructor(
    readonly format: string,
    readonly detail: string,
  ) {
    super(`${format}: ${detail}`);
  }
}

/** Longest stderr text kept from the tool. */
const MAX_STDERR_CHARS = 400;

/**
 * Streams `input` (the compressed bytes) through the tool at `path` and yields what it
 * writes. Throws a DecompressError after the last decoded chunk when the tool fails, or
 * the input's own error when reading the input failed.
 */
export async function* decompressChunks(
  d: Decompressor,
  path: string,
  input: AsyncIterable<Buffer>,
): AsyncGenerator<Buffer> {
  const child = spawn(path, d.args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    if (stderr.length < MAX_STDERR_CHARS) stderr += s;
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code) => resolve(code));
    child.on('error', () => resolve(null));
  });
  // Settles with the input's own error, or null. A tool that stops reading (it failed, or
  // was killed) breaks the pipe: its exit status reports that, not the feeding.
  const fed = pipeline(input, child.stdin).then(
    () => null,
    (err: unknown) => {
      const code = (err as { code?: unknown } | null)?.code;
      if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_PREMATURE_CLOSE')
        return null;
      child.kill();
      return err;
    },
  );
  let drained = false;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) yield chunk;
    drained = true;
  } finally {
    // Stopped early (an error downstream, or the consumer returned): do not leave it running.
    // After its whole output, it is left to exit by itself: its status is the verdict.
    if (!drained) child.kill();
  }
  const code = await exited;
  const inputError = await fed;
  if (inputError !== null) throw inputError;
  if (code !== 0) {
    const first = stderr.split('\n').find((l) => l.trim() !== '') ?? '';
    throw new DecompressError(d.format, first.trim() || `${d.command} exited with status ${String(code)}`);
  }
}
