/**
 * Evidence lines with their SHA-256. The hash is over the line exactly as ingest read it
 * (LogLine.raw, UTF-8 encoded): for a line of valid UTF-8 this is the line's bytes in the
 * (decompressed) file without its line terminator (and a trailing CR), so
 * `sed -n 'Np' FILE | tr -d '\n' | sha256sum` reproduces it. Lines that were not valid
 * UTF-8 (bytes shown as `\xNN`) or that were cut at MAX_LINE_BYTES are marked `exact: false`:
 * their hash is over the decoded text, not over the file's bytes.
 */
import { createHash } from 'node:crypto';
import type { LogLine } from '../ingest/line.js';
import { isoTime } from '../output/json-line.js';

export interface EvidenceLine {
  file: string;
  line: number;
  /** ISO time, or null when the stamp could not be read. */
  time: string | null;
  host: string;
  program: string;
  /** The line as read (raw, unescaped: escape it for the sink you write to). */
  raw: string;
  sha256: string;
  /** False when the hash cannot equal the file's bytes (undecodable bytes, or a cut line). */
  exact: boolean;
  /** True when the correlator attached this line to the record; false for lines found by the second look. */
  attached: boolean;
  /** Record ids (`host/queueid`) this line belongs to. */
  records: string[];
  /** Parsed kind of the line (envelope, delivery, auth.dkim ...), when known. */
  kind?: string;
}

export function sha256Hex(raw: string): string {
  return createHash('sha256').update(raw, 'utf8').digest('hex');
}

/** True when LogLine.raw may differ from the file's bytes. */
function inexact(raw: string, truncatedBytes: number | undefined): boolean {
  return truncatedBytes !== undefined || raw.includes('\\x');
}

export function evidenceFromLine(
  line: LogLine,
  attached: boolean,
  records: string[],
  kind?: string,
): EvidenceLine {
  return {
    file: line.src.file,
    line: line.src.line,
    time: isoTime(line.time) ?? null,
    host: line.host,
    program: line.program,
    raw: line.raw,
    sha256: sha256Hex(line.raw),
    exact: !inexact(line.raw, line.truncatedBytes),
    attached,
    records,
    ...(kind !== undefined ? { kind } : {}),
  };
}

export function refKey(file: string, line: number): string {
  return `${file}\u0000${line}`;
}
