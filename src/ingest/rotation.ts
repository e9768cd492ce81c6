/**
 * Rotated log sets in time order. logrotate and newsyslog name older files
 * `mail.log.1`, `mail.log.2.gz` (higher number = older) or `mail.log-20261120[.gz]`
 * (dateext); the live file is `mail.log`. Members of one set are read oldest first
 * wherever the user listed them; files of no set, and the sets themselves, keep the order
 * the user gave. The same file given twice (e.g. by overlapping globs, or as `./mail.log`
 * and `mail.log`) is read once.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

const COMPRESSION_SUFFIXES = ['.gz', '.bz2', '.xz', '.zst'];
const NUMBERED = /\.(\d{1,4})$/;
const DATED = /[-.](\d{8}(?:\d{2})?|\d{4}-\d{2}-\d{2})(?:[-_]\d{1,10})?$/;

export interface RotationInfo {
  /** Directory + base name shared by the set (e.g. "/var/log/mail.log"). */
  key: string;
  /** Base name without rotation and compression suffixes. */
  base: string;
  /** 0 numbered rotation, 1 dated rotation, 2 the live file. */
  kind: 0 | 1 | 2;
  /** Rotation number (kind 0). */
  num: number;
  /** Date digits (kind 1), compared as strings. */
  date: string;
}

export function rotationInfo(path: string): RotationInfo {
  const dir = dirname(path);
  let name = basename(path);
  for (const ext of COMPRESSION_SUFFIXES) {
    if (name.endsWith(ext) && name.length > ext.length) {
      name = name.slice(0, -ext.length);
      break;
    }
  }
  const n = NUMBERED.exec(name);
  if (n !== null && n.index > 0) {
    const base = name.slice(0, n.index);
    return { key: join(dir, base), base, kind: 0, num: Number(n[1]), date: '' };
  }
  const d = DATED.exec(name);
  if (d !== null && d.index > 0) {
    const base = name.slice(0, d.index);
    // Date with any extra counter (`-20261120-1700000000`), digits only, for comparison.
    const digits = d[0].slice(1).replace(/\D/g, '');
    return { key: join(dir, base), base, kind: 1, num: 0, date: digits };
  }
  return { key: join(dir, name), base: name, kind: 2, num: 0, date: '' };
}

/** Oldest first within one rotated set. */
function compareRotation(a: RotationInfo, b: RotationInfo): number {
  if (a.kind !== b.kind) return a.kind - b.kind;
  if (a.kind === 0) return b.num - a.num;
  if (a.kind === 1) return a.date < b.date ? -1 : a.date > b.date ? 1 : 0;
  return 0;
}

/** The inputs in reading order (see the file comment). "-" (stdin) stays where it was given. */
export function orderInputs(paths: readonly string[]): string[] {
  const seen = new Set<string>();
  const groups = new Map<string, { path: string; info: RotationInfo }[]>();
  const order: string[] = [];
  for (const path of paths) {
    if (path !== '-') {
      const abs = resolve(path);
      if (seen.has(abs)) continue;
      seen.add(abs);
    }
    if (path === '-') {
      const key = `\0stdin${order.length}`;
      groups.set(key, [{ path, info: { key, base: '-', kind: 2, num: 0, date: '' } }]);
      order.push(key);
      continue;
    }
    const info = rotationInfo(path);
    let group = groups.get(info.key);
    if (group === undefined) {
      group = [];
      groups.set(info.key, group);
      order.push(info.key);
    }
    group.push({ path, info });
  }
  const out: string[] = [];
  for (const key of order) {
    const group = groups.get(key)!;
    // Array.prototype.sort is stable: equal ranks keep the user's order.
    group.sort((a, b) => compareRotation(a.info, b.info));
    for (const g of group) out.push(g.path);
  }
  return out;
}

/** Files of the rotated set `base` in dir (regular files only), oldest first; [] when none. */
export async function rotatedSet(dir: string, base: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const name of names) {
    if (name !== base && !name.startsWith(base + '.') && !name.startsWith(base + '-')) continue;
    if (rotationInfo(name).base !== base) continue;
    const path = join(dir, name);
    try {
      if (!(await stat(path)).isFile()) continue;
    } catch {
      continue;
    }
    found.push(path);
  }
  found.sort();
  return orderInputs(found);
}
