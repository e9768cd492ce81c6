/**
 * Guards: the legitimate reasons for a discrepancy (forwarding, mailing lists, third-party
 * senders, internal relays and authenticated submission, bounces). A guard lowers the
 * weight of the findings it explains and says why on each one; it never removes a finding.
 */
import type { RuleContext } from '../context.js';
import type { RuleId } from '../rule-ids.js';
import type { Finding } from '../verdict.js';

export interface GuardDecision {
  name: string;
  reason: string;
  /** Weight factor (0..1) for each rule this guard explains. */
  factors: Partial<Record<RuleId, number>>;
  /** Something worth telling without lowering anything (e.g. an ARC sealer we do not trust). */
  note?: string;
}

export type Guard = (ctx: RuleContext) => GuardDecision[];

/** Rules no guard lowers except a configured third party (see third-party.ts). */
const OWN_DOMAIN: RuleId = 'own-domain-from-outside';

/**
 * Applies the strongest (lowest factor) guard to each finding. own-domain-from-outside
 * keeps its weight unless the decision is from a configured third-party sender.
 */
export function applyGuards(findings: Finding[], decisions: readonly GuardDecision[]): Finding[] {
  const notes = decisions.filter((d) => d.note !== undefined).map((d) => `${d.name}: ${d.note!}`);
  return findings.map((f) => {
    let best: GuardDecision | undefined;
    let bestFactor = 1;
    for (const d of decisions) {
      const factor = d.factors[f.rule as RuleId];
      if (factor === undefined || factor >= bestFactor) continue;
      if (f.rule === OWN_DOMAIN && d.name !== 'third-party-sender') continue;
      best = d;
      bestFactor = factor;
    }
    let out = f;
    if (notes.length > 0) out = { ...out, fields: { ...out.fields, guard_notes: notes.join('; ') } };
    if (best === undefined) return out;
    return {
      ...out,
      weight: Math.round(f.baseWeight * bestFactor * 10) / 10,
      guard: { name: best.name, reason: best.reason },
    };
  });
}
