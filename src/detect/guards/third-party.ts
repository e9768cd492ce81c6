/**
 * third-party-sender guard: a protected domain's mail sent by a provider the config names
 * (thirdPartySenders: protected domain -> envelope domains, DKIM d= domains, networks).
 * The only guard allowed to lower own-domain-from-outside.
 *
 * learned-sender guard: (header-From org, envelope org) pairs seen earlier in this run
 * with DMARC pass — an ESP sending for a customer. Lowers only the weak discrepancy rules
 * (envelope mismatch, unaligned DKIM, Message-ID, Return-Path/Sender), never a DMARC or
 * SPF failure or the own-domain rule.
 */
import type { RuleId } from '../rule-ids.js';
import type { Guard, GuardDecision } from './guard.js';

const CONFIGURED: Partial<Record<RuleId, number>> = {
  'own-domain-from-outside': 0.1,
  'header-from-envelope-mismatch': 0.1,
  'dkim-unaligned': 0.1,
  'message-id-domain': 0.1,
  'return-path-sender-divergence': 0.1,
  'helo-anomaly': 0.1,
  'spf-fail': 0.3,
  'spf-softfail': 0.3,
  'dmarc-fail': 0.3,
  'dmarc-fail-derived': 0.3,
};

const LEARNED: Partial<Record<RuleId, number>> = {
  'header-from-envelope-mismatch': 0.3,
  'dkim-unaligned': 0.3,
  'message-id-domain': 0.3,
  'return-path-sender-divergence': 0.3,
};

export const thirdPartyGuard: Guard = (ctx) => {
  const out: GuardDecision[] = [];
  const s = ctx.record.session;
  // The protected identity may be the header From or, for envelope-only claims, the envelope.
  const claimed = new Set<string>();
  if (ctx.fromOrg !== undefined) claimed.add(ctx.fromOrg);
  if (ctx.envOrg !== undefined) claimed.add(ctx.envOrg);
  for (const org of claimed) {
    const tp = ctx.cfg.thirdParty.get(org);
    if (tp === undefined) continue;
    let why: string | undefined;
    if (ctx.envOrg !== undefined && tp.domains.has(ctx.envOrg))
      why = `envelope domain ${ctx.envDomain ?? ''}`;
    if (why === undefined) {
      const d = ctx.auth.dkim.find(
        (k) => k.result === 'pass' && k.domain !== undefined && tp.dkimDomains.has(ctx.org(k.domain)),
      );
      if (d !== undefined) why = `DKIM pass d=${d.domain ?? ''}`;
    }
    if (why === undefined && tp.networks.matches(s.clientIp, s.clientHost)) {
      why = `client ${s.clientIp ?? s.clientHost ?? ''}`;
    }
    if (why !== undefined) {
      out.push({
        name: 'third-party-sender',
        reason: `configured third-party sender for ${org}: ${why}`,
        factors: CONFIGURED,
      });
      break;
    }
  }
  if (ctx.fromOrg !== undefined && ctx.envOrg !== undefined && ctx.state.hasPair(ctx.fromOrg, ctx.envOrg)) {
    out.push({
      name: 'learned-sender',
      reason: `${ctx.envOrg} was seen sending for ${ctx.fromOrg} with DMARC pass earlier in this run`,
      factors: LEARNED,
    });
  }
  return out;
};
