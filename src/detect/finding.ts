/** Building findings the same way in every rule. */
import type { Finding, Severity } from './verdict.js';
import type { RuleContext } from './context.js';
import type { RuleId } from './rule-ids.js';
import { SPOOFING } from './attack.js';
import { MAX_FIELD_CHARS, MAX_SUMMARY_CHARS } from './limits.js';

export interface FindingInput {
  severity: Severity;
  /** Fraction of the rule's configured weight for this case (1 = main case). */
  factor?: number;
  summary: string;
  fields: Finding['fields'];
  attack?: readonly string[];
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function clipFields(input: Finding['fields']): Finding['fields'] {
  const fields: Finding['fields'] = {};
  for (const [k, v] of Object.entries(input))
    fields[k] = typeof v === 'string' ? clip(v, MAX_FIELD_CHARS) : v;
  return fields;
}

export function finding(ctx: RuleContext, rule: RuleId, f: FindingInput): Finding {
  const w = ctx.weight(rule, f.factor ?? 1);
  // Every rule builds its fields fresh for the finding: they are kept as they are unless a
  // value needs clipping (then copied, clipped).
  let fields = f.fields;
  for (const k in fields) {
    const v = fields[k];
    if (typeof v === 'string' && v.length > MAX_FIELD_CHARS) {
      fields = clipFields(f.fields);
      break;
    }
  }
  return {
    rule,
    severity: f.severity,
    weight: w,
    baseWeight: w,
    summary: clip(f.summary, MAX_SUMMARY_CHARS),
    fields,
    attack: [...(f.attack ?? SPOOFING)],
  };
}

/** A rule: a small pure function over one message (stateful ones keep their state in ctx.state). */
export type Rule = (ctx: RuleContext) => readonly Finding[];

/** What a rule returns when it does not fire: one shared, frozen empty list rather than an array per rule per message. */
export const NO_FINDINGS: readonly Finding[] = Object.freeze([]);
