/**
 * ATT&CK techniques as outputs write them (ECS threat.*, OCSF finding_info.attacks[]).
 * Names and versions come from the detector's table (src/detect/attack.ts), the one
 * source: ids move between versions (T1672 Email Spoofing became T1684.002 in v19; T1656
 * Impersonation became T1684.001), so every id is emitted with its version beside it. This
 * module adds only what outputs need on top: the parent of a sub-technique and the tactic.
 */
import { ATTACK, SPOOFING } from '../detect/attack.js';

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

/** Tactics of the v18 techniques (v19's Impersonation family lists none we are sure of). */
const TACTICS: Readonly<Record<string, { id: string; name: string }>> = {
  T1672: DEFENSE_EVASION,
  T1656: DEFENSE_EVASION,
  T1566: INITIAL_ACCESS,
};

/** The technique ids spoofing always maps to when a finding names none. */
export const SPOOFING_TECHNIQUES: readonly string[] = SPOOFING;

/**
 * A parent technique's name: the detector's table when it lists the parent, else the
 * "Parent: Sub" prefix ATT&CK gives its sub-techniques ("Impersonation: Email Spoofing").
 */
function parentName(parentId: string): string {
  const own = ATTACK[parentId]?.name;
  if (own !== undefined && own !== '') return own;
  for (const [id, ref] of Object.entries(ATTACK)) {
    if (!id.startsWith(`${parentId}.`)) continue;
    const colon = ref.name.indexOf(': ');
    if (colon > 0) return ref.name.slice(0, colon);
  }
  return parentId;
}

function parentVersion(parentId: string): string | undefined {
  const own = ATTACK[parentId]?.version;
  if (own !== undefined && own !== '') return own;
  for (const [id, ref] of Object.entries(ATTACK)) if (id.startsWith(`${parentId}.`)) return ref.version;
  return undefined;
}

export function techniqueInfo(id: string): TechniqueInfo {
  const dot = id.indexOf('.');
  const parentId = dot > 0 ? id.slice(0, dot) : undefined;
  const ref = ATTACK[id];
  const tactic = TACTICS[id] ?? (parentId !== undefined ? TACTICS[parentId] : undefined);
  let info: TechniqueInfo;
  if (ref !== undefined) info = { id, name: ref.name, version: ref.version };
  else if (parentId === undefined && parentVersion(id) !== undefined)
    // A parent the table knows only through its sub-techniques (T1684 in v19).
    info = { id, name: parentName(id), version: parentVersion(id) ?? 'unknown' };
  else return { id, name: id, version: 'unknown' };
  if (tactic !== undefined) info.tactic = tactic;
  if (parentId !== undefined) info.parent = { id: parentId, name: parentName(parentId) };
  return info;
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
