/**
 * Look-alike comparison of one domain against protected organisational domains:
 * confusable skeleton (UTS #39), protected domain used as subdomain labels, TLD swap,
 * edit distance <= 2 on the registrable label, brand as a hyphenated token, and
 * mixed-script IDN labels. Pure; the caller caches.
 */
import { splitDomain, toUnicodeDomain } from '../domains.js';
import { MAX_LABEL_CHARS, MAX_LOOKALIKE_CACHE } from '../limits.js';
import { isMixedScript, skeleton } from '../skeleton.js';

export type LookalikeKind =
  | 'confusable'
  | 'protected-as-subdomain'
  | 'tld-swap'
  | 'edit-distance-1'
  | 'edit-distance-2'
  | 'brand-in-subdomain'
  | 'brand-in-domain'
  | 'mixed-script';

export interface LookalikeMatch {
  kind: LookalikeKind;
  /** The protected domain it imitates ('' for mixed-script without a target). */
  target: string;
  /** Fraction of the rule weight. */
  factor: number;
  punycode: boolean;
  unicode: string;
}

const FACTORS: Record<LookalikeKind, number> = {
  confusable: 1,
  'protected-as-subdomain': 0.875,
  'tld-swap': 0.75,
  'edit-distance-1': 0.75,
  'edit-distance-2': 0.5,
  'brand-in-subdomain': 0.5,
  'brand-in-domain': 0.375,
  'mixed-script': 0.25,
};

/** Optimal string alignment distance (transpositions count 1), stopping past `max`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a.length > MAX_LABEL_CHARS || b.length > MAX_LABEL_CHARS) return max + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (
        i > 1 &&
        j > 1 &&
        a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
        a.charCodeAt(i - 2) === b.charCodeAt(j - 1)
      ) {
        v = Math.min(v, prev2[j - 2]! + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n]!;
}

function match(kind: LookalikeKind, target: string, punycode: boolean, unicode: string): LookalikeMatch {
  return { kind, target, factor: FACTORS[kind], punycode, unicode };
}

interface Protected {
  org: string;
  label: string;
  suffix: string;
  skel: string;
}

const protectedInfo = new Map<string, Protected>();

function infoOf(org: string): Protected {
  let p = protectedInfo.get(org);
  if (p === undefined) {
    const s = splitDomain(org);
    p = { org, label: s.label, suffix: s.suffix, skel: skeleton(s.label) };
    if (protectedInfo.size >= MAX_LOOKALIKE_CACHE) protectedInfo.clear();
    protectedInfo.set(org, p);
  }
  return p;
}

/** The strongest look-alike relation of `domain` (normalised A-label) to any protected org, or null. */
export function compareLookalike(domain: string, protectedOrgs: Iterable<string>): LookalikeMatch | null {
  if (!domain.includes('.')) return null; // single labels are local names, not registrable look-alikes
  const c = splitDomain(domain);
  const cOrg = c.suffix === '' ? c.label : `${c.label}.${c.suffix}`;
  const punycode = domain.includes('xn--');
  const unicode = toUnicodeDomain(domain);
  const cLabelUni = toUnicodeDomain(c.label);
  const cSkel = skeleton(cLabelUni);
  const subPadded = c.sub === '' ? '' : `.${c.sub}.`;
  const subLabels = c.sub === '' ? [] : c.sub.split('.');
  let best: LookalikeMatch | null = null;
  const consider = (m: LookalikeMatch): void => {
    if (best === null || m.factor > best.factor) best = m;
  };
  for (const p of protectedOrgs) {
    if (cOrg === p) return null; // same organisation: not a look-alike of anything
    const ps = infoOf(p);
    const pl = ps.label;
    if (pl.length < 3) continue;
    if (subPadded !== '' && subPadded.includes(`.${p}.`))
      consider(match('protected-as-subdomain', p, punycode, unicode));
    if (c.label === pl && c.suffix !== ps.suffix) consider(match('tld-swap', p, punycode, unicode));
    if (c.label !== pl && cSkel === ps.skel) consider(match('confusable', p, punycode, unicode));
    if (c.label !== pl && pl.length >= 5) {
      const dist = editDistance(cLabelUni, pl, 2);
      if (dist === 1) consider(match('edit-distance-1', p, punycode, unicode));
      else if (dist === 2 && pl.length >= 8) consider(match('edit-distance-2', p, punycode, unicode));
    }
    if (pl.length >= 4) {
      if (subLabels.includes(pl) || subLabels.some((l) => l.split('-').includes(pl))) {
        consider(match('brand-in-subdomain', p, punycode, unicode));
      }
      if (c.label !== pl && c.label.includes('-') && c.label.split('-').includes(pl)) {
        consider(match('brand-in-domain', p, punycode, unicode));
      }
    }
  }
  if (best === null && isMixedScript(cLabelUni)) return match('mixed-script', '', punycode, unicode);
  return best;
}
