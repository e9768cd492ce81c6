/**
 * What the corpus suites share: where the public corpus is, the skip reason when it is
 * absent, a file walk, upstream expectation files and the envelope split (ingest's own).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEnvelopeContext, parseEnvelope } from '../../src/ingest/envelope.js';

/** `<repo root>/../shared/corpus/public`. */
export const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus/public');
/** `false` when the corpus is there, else the reason the suites skip (for `{ skip }`). */
export const SKIP: string | false = existsSync(CORPUS) ? false : `public corpus not found at ${CORPUS}`;

/** Every file below `dir` (recursively), appended to `out`, in directory order. */
export function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** The rows of a JSON-lines file (`*.expected.jsonl`); none when the file is absent. */
export function readJsonl<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** Year and zone for yearless stamps; the suites compare programs and messages, not times. */
const ENVELOPE_CONTEXT = createEnvelopeContext(Date.UTC(2026, 10, 27), 'UTC');
const NO_SOURCE = { file: '', line: 0 };

export interface Envelope {
  program: string;
  pid: number | null;
  message: string;
}

/**
 * Takes a log line's envelope apart with ingest's own reader (parseEnvelope), so the parser
 * suites see each line as the product hands it to them. Null when the line has no program
 * tag (message-only lines, Rspamd's own file log).
 */
export function splitEnvelope(raw: string): Envelope | null {
  const l = parseEnvelope(raw, NO_SOURCE, ENVELOPE_CONTEXT);
  if (l.program === '') return null;
  return { program: l.program, pid: l.pid, message: l.message };
}
