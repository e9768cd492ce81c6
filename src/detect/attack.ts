/**
 * ATT&CK techniques cited by findings, with the ATT&CK version each id belongs to.
 * T1672 Email Spoofing became T1684.002 in v19; T1656 Impersonation became T1684.001.
 * Outputs (ECS threat.*, OCSF finding_info.attacks[]) read names and versions from here.
 */
import type { AttackRef } from './verdict.js';

export const ATTACK: Readonly<Record<string, AttackRef>> = {
  T1672: { id: 'T1672', name: 'Email Spoofing', version: 'v18' },
  'T1684.002': { id: 'T1684.002', name: 'Impersonation: Email Spoofing', version: 'v19' },
  T1656: { id: 'T1656', name: 'Impersonation', version: 'v18' },
  'T1684.001': { id: 'T1684.001', name: 'Impersonation', version: 'v19' },
  T1566: { id: 'T1566', name: 'Phishing', version: 'v18' },
};

/** MITRE ATT&CK analytic this detection implements. */
export const ANALYTIC = { id: 'AN1203', technique: 'T1672' } as const;

/** Every spoofing finding. */
export const SPOOFING: readonly string[] = ['T1672', 'T1684.002'];
/** Impersonation of a person or brand (display name, look-alike domain). */
export const IMPERSONATION: readonly string[] = ['T1672', 'T1684.002', 'T1656', 'T1684.001'];
/** Spoofing that sets up a phishing conversation (Reply-To hijack). */
export const PHISHING: readonly string[] = ['T1672', 'T1684.002', 'T1566'];

/** Resolves ids to references; unknown ids are returned with an empty name rather than dropped. */
export function attackRefs(ids: readonly string[]): AttackRef[] {
  return ids.map((id) => ATTACK[id] ?? { id, name: '', version: '' });
}
