/**
 * Rotated logs compressed with xz, zstd or bzip2 (logrotate's `compresscmd`; openSUSE's
 * default is xz), read through the system's own decompressor as `xzcat`, `zstdcat` and
 * `bzcat` do. Node has no decoder for them (zlib does gzip and brotli only), and the
 * Debian packages xz-utils, zstd and bzip2 are the well-kept implementations. When the tool
 * is not installed, the input is refused by name with the package to install (magic.ts).
 *
 * The tool's output is read in chunks with back-pressure (memory stays bounded); its
 * exit status and first line of stderr tell a cut or corrupt file apart from a clean end,
 * and every line decoded before a failure is kept, as for gzip.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Decompressor {
  /** The format, as users name it: "xz", "zstd", "bzip2". */
  format: string;
  command: string;
  args: string[];
  /** The Debian package that installs the command. */
  pkg: string;
  magic: number[];
}

export const DECOMPRESSORS: readonly Decompressor[] = [
  {
    format: 'xz',
    command: 'xz',
    args: ['-dc'],
    pkg: 'xz-utils',
    magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
  },
  { format: 'zstd', command: 'zstd', args: ['-dcq'], pkg: 'zstd', magic: [0x28, 0xb5, 0x2f, 0xfd] },
  { format: 'bzip2', command: 'bzip2', args: ['-dc'], pkg: 'bzip2', magic: [0x42, 0x5a, 0x68] },
];

/** Bytes needed to recognise every format above. */
export const DECOMPRESSOR_MAGIC_BYTES = 6;

/** The decompressor for the leading bytes `head`, or null when they are none of these formats. */
export function decompressorFor(head: Buffer): Decompressor | null {
  for (const d of DECOMPRESSORS) {
    if (head.length >= d.magic.length && d.magic.every((b, i) => head[i] === b)) return d;
  }
  return null;
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

/** Longest stderr text kept from the tool (it may quote nothing hostile, but is bounded anyway). */
const MAX_STDERR_CHARS = 400;

/**
 * Streams `input` (the compressed bytes) through `path` and yields what it writes. Throws a
 * DecompressError after the last decoded chunk when the tool fails.
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
  // The tool stops reading when it fails (or is killed): its stdin then errors with EPIPE,
  // which is its exit status's to report.
  child.stdin.on('error', () => undefined);
  const feeding = (async () => {
    for await (const chunk of input) {
      if (child.stdin.destroyed) return;
      if (!child.stdin.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            child.stdin.off('drain', done);
            child.stdin.off('close', done);
            resolve();
          };
          child.stdin.on('drain', done);
          child.stdin.on('close', done);
        });
      }
    }
    child.stdin.end();
  })();
  let fed: unknown = null;
  feeding.catch((err: unknown) => {
    fed = err;
    child.kill();
  });
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
  await feeding.catch(() => undefined);
  if (fed !== null) throw fed;
  if (code !== 0) {
    const first = stderr.split('\n').find((l) => l.trim() !== '') ?? '';
    throw new DecompressError(d.format, first.trim() || `${d.command} exited with status ${String(code)}`);
  }
}
