/**
 * Ingest: files (plain, gzip, or xz/zstd/bzip2 through the system's tools, told apart by
 * their magic bytes: decompress.ts), "-" for stdin (the same), rotated sets oldest first -> batches of LogLine with the syslog envelope taken
 * apart. Streams in constant memory: large chunked reads split on `\n`, over-long lines cut
 * at MAX_LINE_BYTES. An input that cannot be read is reported through opts.onError and
 * reading goes on with the next one; lines already read from it are kept.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogLine } from './line.js';
import { SpoofwatchError } from '../errors.js';
import { MAX_LINE_BYTES } from '../limits.js';
import { LineSplitter } from './splitter.js';
import { decodeLine } from './decode.js';
import { parseEnvelope, parseEnvelopeBytes } from './envelope.js';
import { createEnvelopeContext, type EnvelopeContext, type TimeZoneMode } from './timestamp.js';
import { isEmptySelection, selectInPlace, type LineSelection } from './select.js';
import { binaryReason, COMPRESSION_MAGIC_BYTES, SNIFF_BYTES } from './magic.js';
import { orderInputs, rotatedSet } from './rotation.js';
import { DecompressError, decompressionFor } from './decompress.js';

export { parseEnvelope, createEnvelopeContext } from './envelope.js';
export type { EnvelopeContext } from './envelope.js';
export { orderInputs } from './rotation.js';

export interface ReadOptions {
  /** Called for each input that cannot be read (or ends early); reading goes on with the next input. */
  onError?: (err: SpoofwatchError) => void;
  /** Lines per yielded batch. */
  batchLines?: number;
  /** Stream used for "-" (defaults to process.stdin). */
  stdin?: NodeJS.ReadableStream;
  /**
   * How stamps without a zone are read: 'local' (default) is the local time of the
   * machine running spoofwatch; 'UTC' when the logs were written in UTC elsewhere.
   */
  tz?: TimeZoneMode;
  /** Reference time (epoch ms) for the year of yearless stamps read from stdin (default: now). */
  now?: number;
  /** Only these lines (time range, Postfix instances); all when absent. */
  select?: LineSelection;
  /**
   * Read only bytes [start, end) of each plain file, numbering its first line `firstLine`
   * (`start` must be the beginning of a line). For `--workers`, which gives each thread a
   * part of a large file. Not for gzip input or stdin (they cannot be read from the middle).
   */
  range?: ByteRange;
}

/** A part of a plain file, from the start of a line; see ReadOptions.range. */
export interface ByteRange {
  start: number;
  end: number;
  firstLine: number;
}

/** Default lines per batch. */
export const DEFAULT_BATCH_LINES = 2048;
/**
 * Characters of line text per batch at most (a batch ends at whichever limit comes first):
 * lines may be MAX_LINE_BYTES long, and 2048 of those (a log of huge header lines, a binary
 * dump) held at once would pass the heap a run is given.
 */
export const MAX_BATCH_CHARS = 1024 * 1024;
/** Bytes per read from a file: large reads keep the per-chunk overhead low. */
export const READ_CHUNK_BYTES = 1024 * 1024;

/** Appended to `raw` of a line cut at MAX_LINE_BYTES (the exact count is in `truncatedBytes`). */
function cutMarker(cut: number): string {
  return ` …[line cut at ${MAX_LINE_BYTES} bytes: ${cut} more bytes skipped]`;
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EIO':
      return 'input/output error';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

/** Chunks as Buffers (a stream may have been given an encoding). */
async function* asBuffers(source: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    if (Buffer.isBuffer(chunk)) yield chunk;
    else if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
    else if (chunk instanceof Uint8Array) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
}

/** The chunks unchanged, telling `add` each one's length. */
async function* counted(source: AsyncIterable<Buffer>, add: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const b of source) {
    add(b.length);
    yield b;
  }
}

/** The already-read head, then the rest of the iterator. */
async function* prefixed(head: Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  for (const b of head) yield b;
  for (;;) {
    const r = await rest.next();
    if (r.done === true) return;
    yield r.value;
  }
}

/** Reads one input; yields batches; reports its problem (after the lines read) via report. */
async function* readOne(
  path: string,
  opts: ReadOptions,
  batchSize: number,
  report: (e: SpoofwatchError) => void,
): AsyncGenerator<LogLine[]> {
  const label = path === '-' ? 'standard input' : path;
  let handle: FileHandle | null = null;
  let refTime: number;
  /** A regular file's size when opened: reading less than that means it shrank meanwhile. */
  let fileSize = -1;
  let source: AsyncIterable<unknown>;
  const toDestroy: { destroy(): void }[] = [];
  if (path === '-') {
    source = (opts.stdin ?? process.stdin) as AsyncIterable<unknown>;
    refTime = opts.now ?? Date.now();
  } else {
    try {
      handle = await open(path, 'r');
    } catch (err) {
      if (errorCode(err) === 'EISDIR') report(directoryError(path));
      else report(new SpoofwatchError('INPUT_UNREADABLE', `cannot read ${path}: ${describeFsError(err)}`));
      return;
    }
    try {
      const st = await handle.stat();
      if (st.isDirectory()) {
        await handle.close();
        report(directoryError(path));
        return;
      }
      refTime = st.mtimeMs;
      if (st.isFile()) fileSize = st.size;
    } catch (err) {
      await handle.close().catch(() => undefined);
      report(new SpoofwatchError('INPUT_UNREADABLE', `cannot read ${path}: ${describeFsError(err)}`));
      return;
    }
    const r = opts.range;
    if (r !== undefined && r.end <= r.start) {
      await handle.close();
      return;
    }
    const stream = handle.createReadStream(
      r === undefined
        ? { highWaterMark: READ_CHUNK_BYTES }
        : { highWaterMark: READ_CHUNK_BYTES, start: r.start, end: r.end - 1 },
    );
    toDestroy.push(stream);
    source = stream;
  }

  const ctx = createEnvelopeContext(refTime, opts.tz ?? 'local');
  if (opts.range !== undefined && opts.range.start > 0 && handle !== null) await seedYear(handle, path, ctx);
  const ready: LogLine[][] = [];
  let current: LogLine[] = [];
  let currentChars = 0;
  let lineNo = opts.range === undefined ? 0 : opts.range.firstLine - 1;
  const splitter = new LineSplitter((buf, s, e, clean, cut, ascii) => {
    lineNo++;
    if (s === e && cut === 0) return; // empty line: counted, not yielded
    let text = decodeLine(buf, s, e, clean, ascii);
    let line: LogLine;
    if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) {
      text = text.slice(1); // UTF-8 byte order mark
      line = parseEnvelope(text, { file: path, line: lineNo }, ctx);
    } else line = parseEnvelopeBytes(text, buf, s, e, { file: path, line: lineNo }, ctx);
    if (cut > 0) {
      line.raw = text + cutMarker(cut);
      line.truncatedBytes = cut;
    }
    current.push(line);
    currentChars += text.length;
    if (current.length >= batchSize || currentChars >= MAX_BATCH_CHARS) {
      ready.push(current);
      current = [];
      currentChars = 0;
    }
  });

  let failure: SpoofwatchError | null = null;
  let caught: unknown = null;
  // The compression read through ('gzip', 'xz' ...), or null for plain text.
  let compressed: string | null = null;
  let sniffed = false;
  const pending: Buffer[] = [];
  let pendingLen = 0;
  let bytesRead = 0;
  try {
    const raw = counted(asBuffers(source), (n) => (bytesRead += n))[Symbol.asyncIterator]();
    // Peek at the first bytes: compression is recognised by its magic number, not by the name.
    const head: Buffer[] = [];
    let headLen = 0;
    while (headLen < COMPRESSION_MAGIC_BYTES) {
      const r = await raw.next();
      if (r.done === true) break;
      head.push(r.value);
      headLen += r.value.length;
    }
    const decompression = decompressionFor(head.length === 1 ? head[0]! : Buffer.concat(head));
    compressed = decompression?.format ?? null;
    const content = decompression === null ? prefixed(head, raw) : decompression.decode(prefixed(head, raw));

    // Sniff the first SNIFF_BYTES of the (decompressed) content for binary data.
    for await (const chunk of content) {
      if (!sniffed) {
        pending.push(chunk);
        pendingLen += chunk.length;
        if (pendingLen < SNIFF_BYTES) continue;
        sniffed = true;
        const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
        pending.length = 0;
        const reason = binaryReason(all.subarray(0, SNIFF_BYTES));
        if (reason !== null) {
          failure = binaryError(label, reason, compressed);
          break;
        }
        splitter.push(all);
      } else {
        splitter.push(chunk);
      }
      for (const b of ready) yield b;
      ready.length = 0;
    }
  } catch (err) {
    caught = err;
  } finally {
    for (const s of toDestroy) s.destroy();
    if (handle !== null) await handle.close().catch(() => undefined);
  }
  // A short input (or one that failed early) was not sniffed yet: do it now.
  if (!sniffed && pendingLen > 0) {
    const all = Buffer.concat(pending);
    const reason = binaryReason(all);
    if (reason !== null) failure = binaryError(label, reason, compressed);
    else splitter.push(all);
  }
  // Binary input: nothing of it is read. Otherwise every line decoded so far is kept,
  // including a last line without a newline.
  if (failure === null || failure.code !== 'INPUT_BINARY') splitter.end();
  if (caught !== null && failure === null) failure = readFailure(caught, label, lineNo);
  if (failure === null && fileSize >= 0) {
    const r = opts.range;
    const expected = r === undefined ? fileSize : Math.min(r.end, fileSize) - r.start;
    if (bytesRead < expected) failure = shrankError(label, lineNo - (r === undefined ? 0 : r.firstLine - 1));
  }
  if (current.length > 0) ready.push(current);
  for (const b of ready) yield b;
  if (failure !== null) report(failure);
}

/** Lines at the head of a file read for its first yearless stamp (see seedYear). */
const SEED_LINES = 64;

/**
 * A part of a file (ReadOptions.range) first reads the stamps at the head of the file, so
 * that its yearless stamps get the years a read of the whole file gives them: the year is
 * inferred from the first stamp on, and a jump back from December to January after it is
 * still seen as the new year.
 */
async function seedYear(handle: FileHandle, path: string, ctx: EnvelopeContext): Promise<void> {
  const buf = Buffer.alloc(64 * 1024);
  const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
  const lines = buf.toString('utf8', 0, bytesRead).split('\n', SEED_LINES);
  for (let i = 0; i < lines.length && ctx.year === undefined; i++) {
    const text = lines[i]!.charCodeAt(0) === 0xfeff ? lines[i]!.slice(1) : lines[i]!;
    if (text !== '') parseEnvelope(text, { file: path, line: i + 1 }, ctx);
  }
}

/** The error for an input that failed part-way, after `lines` lines were read from it. */
function readFailure(err: unknown, label: string, lines: number): SpoofwatchError {
  if (err instanceof DecompressError) {
    return new SpoofwatchError(
      'INPUT_UNREADABLE',
      `${label}: the ${err.format} data ends early or is corrupt (${err.detail}); ` +
        `the ${lines} lines before were read`,
    );
  }
  const code = errorCode(err);
  if (code === 'Z_BUF_ERROR') {
    return new SpoofwatchError(
      'INPUT_TRUNCATED_GZIP',
      `${label}: the gzip data ends early (file cut off or still being written); ` +
        `the ${lines} lines before the cut were read`,
    );
  }
  if (code === 'Z_DATA_ERROR' || code === 'Z_NEED_DICT') {
    return new SpoofwatchError(
      'INPUT_UNREADABLE',
      `${label}: the gzip data is corrupt after line ${lines}; the lines before were read`,
    );
  }
  if (code === 'EISDIR') return directoryError(label);
  return new SpoofwatchError(
    'INPUT_UNREADABLE',
    `stopped reading ${label} after line ${lines}: ${describeFsError(err)}`,
  );
}

/** A file cut short while it was read (logrotate's copytruncate): the lines read are kept. */
function shrankError(label: string, lines: number): SpoofwatchError {
  return new SpoofwatchError(
    'INPUT_SHRUNK',
    `${label} shrank while it was read (truncated, e.g. by logrotate copytruncate); ` +
      `the ${lines} lines before the cut were read, the rest of the file was not`,
  );
}

function directoryError(path: string): SpoofwatchError {
  return new SpoofwatchError(
    'INPUT_IS_DIRECTORY',
    `${path} is a directory, not a log file (name the files in it, e.g. ${join(path, 'mail.log*')})`,
  );
}

function binaryError(label: string, reason: string, compressed: string | null): SpoofwatchError {
  return new SpoofwatchError(
    'INPUT_BINARY',
    `${label} is not a text log: ${compressed !== null ? `its ${compressed} content is` : 'it is'} ${reason}; skipped`,
  );
}

/** Reads files (plain, .gz), "-" for stdin; rotated sets oldest first; yields batches of parsed envelopes. */
export async function* readLogLines(paths: string[], opts: ReadOptions = {}): AsyncGenerator<LogLine[]> {
  const batchSize = Math.max(1, Math.floor(opts.batchLines ?? DEFAULT_BATCH_LINES));
  const report = (e: SpoofwatchError): void => opts.onError?.(e);
  const sel = opts.select !== undefined && !isEmptySelection(opts.select) ? opts.select : null;
  for (const path of orderInputs(paths)) {
    if (sel === null) yield* readOne(path, opts, batchSize, report);
    else
      for await (const batch of readOne(path, opts, batchSize, report)) {
        const kept = selectInPlace(sel, batch);
        if (kept.length > 0) yield kept;
      }
  }
}

/**
 * Where each system's syslog puts mail, in the order tried: Debian and Ubuntu (rsyslog),
 * Red Hat, Fedora and the BSDs, openSUSE (`/var/log/mail`, rotated to `mail-20261128.xz`).
 * `mail.info`, `mail.warn` and `mail.err` beside them hold a subset of the same lines.
 */
const DEFAULT_LOG_SETS = ['mail.log', 'maillog', 'mail'];

/**
 * The inputs used when the user names none: the first of DEFAULT_LOG_SETS found in /var/log,
 * oldest first; [] when there is none. `dir` is for tests.
 */
export async function defaultInputs(dir = '/var/log'): Promise<string[]> {
  for (const base of DEFAULT_LOG_SETS) {
    const set = await rotatedSet(dir, base);
    if (set.length > 0) return set;
  }
  return [];
}
