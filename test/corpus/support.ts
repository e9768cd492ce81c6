/**
 * What the corpus suites share: where the public corpus is, the skip reason when it is
 * absent, a file walk, upstream expectation files and the syslog envelope split.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** RFC 3164 stamp (also modoboa's templated `%(day)s` day), or an ISO 8601 stamp with a `T`. */
const STAMP = /^(?:[A-Z][a-z]{2} [ \d]\d|%\(day\)s) \d\d:\d\d:\d\d |^\d{4}-\d\d-\d\dT[\d:.+-]{8,40} /;

export interface Envelope {
  program: string;
  pid: number | null;
  message: string;
}

/**
 * Takes a syslog envelope apart (a small split of its own, so the parser suites do not
 * depend on the ingest stage): `STAMP host prog[pid]: msg`, or `prog[pid]: msg` with no
 * stamp and host. Null when the line has no envelope (message-only lines, Rspamd's file log).
 */
export function splitEnvelope(raw: string): Envelope | null {
  let rest = raw;
  const m = STAMP.exec(raw);
  if (m !== null) {
    rest = raw.slice(m[0].length);
    const sp = rest.indexOf(' ');
    if (sp < 0) return null;
    rest = rest.slice(sp + 1); // host
  }
  const colon = rest.indexOf(': ');
  if (colon <= 0 || colon > 120) return null;
  let tag = rest.slice(0, colon);
  if (tag.includes(' ')) return null;
  let pid: number | null = null;
  const open = tag.indexOf('[');
  if (open > 0 && tag.endsWith(']')) {
    const n = Number(tag.slice(open + 1, -1));
    if (!Number.isInteger(n)) return null;
    pid = n;
    tag = tag.slice(0, open);
  } else if (m === null) {
    return null; // `word: text` without stamp or pid is message text, not a tag
  }
  return { program: tag, pid, message: rest.slice(colon + 2) };
}
