/** Shared by spf-fail and spf-softfail: one finding per SPF scope with the given result. */
import type { SpfResult } from '../../correlate/record.js';
import type { RuleContext } from '../context.js';

const NONE: readonly SpfResult[] = Object.freeze([]);

/** First result per scope (mfrom before helo) matching `want`. */
export function spfResultsWith(ctx: RuleContext, want: string): readonly SpfResult[] {
  // Made for the first match only (most messages have none); the few results already taken
  // are compared directly (no Set per message).
  let out: SpfResult[] | undefined;
  for (const r of ctx.auth.spf) {
    if (r.result !== want || out?.some((o) => o.scope === r.scope) === true) continue;
    (out ??= []).push(r);
  }
  return out ?? NONE;
}

export function spfFields(ctx: RuleContext, r: SpfResult): Record<string, string | null> {
  return {
    spf_result: r.result,
    scope: r.scope,
    domain:
      r.domain ??
      (r.scope === 'helo' ? (r.helo ?? ctx.record.session.helo ?? null) : (ctx.envDomain ?? null)),
    envelope_from: r.envelopeFrom ?? ctx.envFrom ?? null,
    helo: r.helo ?? ctx.record.session.helo ?? null,
    client_ip: ctx.record.session.clientIp ?? null,
    reason: r.reason ?? null,
    source: r.source,
  };
}
