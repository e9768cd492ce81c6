/**
 * header-from-envelope-mismatch: header From and envelope sender (MAIL FROM / Return-Path)
 * belong to different organisational domains (relaxed alignment, Public Suffix List).
 * This is MITRE AN1203's literal check. Weighed low on its own: every ESP newsletter,
 * forward and list post does it; halved again when DMARC passed.
 * Spares: null sender (bounces), unknown domains; guards lower forwards, lists and known senders.
 * Anchors: MITRE ATT&CK AN1203; Rspamd FROM_NEQ_ENVFROM; SpamAssassin HEADER_FROM_DIFFERENT_DOMAINS.
 */
import { finding, NO_FINDINGS, type Rule } from '../finding.js';

export const headerFromEnvelopeMismatch: Rule = (ctx) => {
  const { fromDomain, fromOrg, envDomain, envOrg } = ctx;
  if (fromDomain === undefined || fromOrg === undefined || envDomain === undefined || envOrg === undefined)
    return NO_FINDINGS;
  if (fromOrg === envOrg) return NO_FINDINGS;
  const authed = ctx.fromAuthenticated;
  return [
    finding(ctx, 'header-from-envelope-mismatch', {
      severity: 'low',
      factor: authed ? 0.5 : 1,
      summary:
        `Header From ${fromDomain} does not align with envelope sender ${envDomain}` +
        (authed ? ' (DMARC / aligned DKIM passed for the header From)' : ''),
      fields: {
        header_from: fromDomain,
        envelope_from: ctx.envFrom ?? null,
        header_from_org: fromOrg,
        envelope_org: envOrg,
        from_authenticated: authed,
      },
    }),
  ];
};
