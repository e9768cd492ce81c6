/**
 * ATT&CK technique names and the version each id belongs to. Ids move between versions
 * (T1672 Email Spoofing became T1684.002 in v19; T1656 Impersonation became T1684.001), so
 * every id is emitted with its version beside it.
 */
export interface TechniqueInfo {
  id: string;
  name: string;
  version: string;
  /** Tactic, where ATT&CK lists one we are sure of for that version. */
  tactic?: { id: string; name: string };
  /** The parent technique, for sub-techniques. */
  parent?: { id: string; name: string };
}

const DEFENSE_EVASION = { id: 'TA0005', name: 'Defense Evasion' };
const INITIAL_ACCESS = { id: 'TA0001', name: 'Initial Access' };

const KNOWN: Record<string, TechniqueInfo> = {
  T1672: { id: 'T1672', name: 'Email Spoofing', version: 'v18', tactic: DEFENSE_EVASION },
  'T1684.002': {
    id: 'T1684.002',
    name: 'Email Spoofing',
    version: 'v19',
    parent: { id: 'T1684', name: 'Impersonation' },
  },
  T1684: { id: 'T1684', name: 'Impersonation', version: 'v19' },
  T1656: { id: 'T1656', name: 'Impersonation', version: 'v18', tactic: DEFENSE_EVASION },
  'T1684.001': {
    id: 'T1684.001',
    name: 'Impersonation',
    version: 'v19',
    parent: { id: 'T1684', name: 'Impersonation' },
  },
  T1566: { id: 'T1566', name: 'Phishing', version: 'v18', tactic: INITIAL_ACCESS },
  'T1566.001': {
    id: 'T1566.001',
    name: 'Spearphishing Attachment',
    version: 'v18',
    tactic: INITIAL_ACCESS,
    parent: { id: 'T1566', name: 'Phishing' },
  },
  'T1566.002': {
    id: 'T1566.002',
    name: 'Spearphishing Link',
    version: 'v18',
    tactic: INITIAL_ACCESS,
    parent: { id: 'T1566', name: 'Phishing' },
  },
};

/** The technique ids spoofing always maps to when a finding names none. */
export const SPOOFING_TECHNIQUES = ['T1672', 'T1684.002'] as const;

export function techniqueInfo(id: string): TechniqueInfo {
  return KNOWN[id] ?? { id, name: id, version: 'unknown' };
}

export function techniqueUrl(id: string): string {
  return `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;
}

/** Technique ids of a set of findings, de-duplicated, in first-seen order. */
export function techniquesOf(findings: readonly { attack: readonly string[] }[]): string[] {
  const seen = new Set<string>();
  for (const f of findings) for (const id of f.attack) seen.add(id);
  return [...seen];
}
