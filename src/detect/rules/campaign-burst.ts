/**
 * campaign-burst: one outside client sends mail under many distinct header-From
 * organisations within a short window (config `campaign`), none of them authenticated —
 * a spoofing run cycling identities. Stateful across records, bounded (see DetectorState).
 * Spares: trusted / authenticated clients, messages whose From is authenticated (an ESP's
 * shared address sending for its customers passes DMARC); lists through guards.
 * Anchors: Rspamd ratelimit / "bounce"-style per-IP stats; SIEM "many senders one source" analytics.
 */
import { finding, NO_FINDINGS, type Rule } from '../finding.js';

export const campaignBurst: Rule = (ctx) => {
  if (!ctx.outside || ctx.fromAuthenticated || ctx.fromOrg === undefined) return NO_FINDINGS;
  const ip = ctx.record.session.clientIp;
  const t = ctx.record.firstSeen ?? ctx.record.lastSeen;
  if (ip === undefined || t === null) return NO_FINDINGS;
  const c = ctx.cfg.config.campaign;
  if (ctx.state.observeCampaignCount(ip, t, ctx.fromOrg, c.windowSeconds * 1000) < c.distinctFromDomains)
    return NO_FINDINGS;
  const orgs = ctx.state.campaignOrgs(ip, t);
  return [
    finding(ctx, 'campaign-burst', {
      severity: 'medium',
      summary: `Client ${ip} sent unauthenticated mail under ${orgs.size} different From domains within ${c.windowSeconds}s`,
      fields: {
        client_ip: ip,
        distinct_from_domains: orgs.size,
        window_seconds: c.windowSeconds,
        examples: [...orgs].slice(0, 5).join(', '),
      },
    }),
  ];
};
