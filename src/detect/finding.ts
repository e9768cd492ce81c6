/** Building findings the same way in every rule. */
import type { Finding, Severity } from './verdict.js';
import type { RuleContext } from './context.js';
import type { RuleId } from './rule-ids.js';
import { SPOOFING } from './attack.js';

export interface FindingInput {
  severity: Severity;
  /** Fraction of the rule's configured weight for this case (1 = main case). */
  factor?: number;
  summary: string;
  fields: Finding['fields'];
  attack?: readonly string[];
}

export function finding(ctx: RuleContext, rule: RuleId, f: FindingInput): Finding {
  const w = ctx.weight(rule, f.factor ?? 1);
  return {
    rule,
    severity: f.severity,
    weight: w,
    baseWeight: w,
    summary: f.summary,
    fields: f.fields,
    attack: [...(f.attack ?? SPOOFING)],
  };
}

/** A rule: a small pure function over one message (stateful ones keep their state in ctx.state). */
export type Rule = (ctx: RuleContext) => Finding[];
