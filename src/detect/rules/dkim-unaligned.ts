/**
 * dkim-unaligned: DKIM passed, but only for domains not aligned with the header From
 * (an ESP's own d=, or an attacker signing with their own domain). Weak alone: many
 * legitimate senders sign only with their provider's domain.
 * Spares: messages where DMARC passed (via aligned SPF) and messages with an aligned pass.
 * Anchors: RFC 7489 section 3.1.1; Rspamd DKIM alignment in DMARC module; parsedmarc dkim_aligned.
 */
import { finding, NO_FINDINGS, type Rule } from '../finding.js';

export const dkimUnaligned: Rule = (ctx) => {
  const from = ctx.fromDomain;
  if (from === undefined || ctx.alignedDkimPass || ctx.auth.dmarc?.result === 'pass') return NO_FINDINGS;
  const passed = ctx.auth.dkim.filter((d) => d.result === 'pass' && d.domain !== undefined);
  if (passed.length === 0) return NO_FINDINGS;
  const domains = [...new Set(passed.map((d) => d.domain!))].slice(0, 5).join(', ');
  return [
    finding(ctx, 'dkim-unaligned', {
      severity: 'low',
      summary: `DKIM passed only for ${domains}, not aligned with header From ${from}`,
      fields: { header_from: from, dkim_domains: domains, dkim_aligned: false },
    }),
  ];
};
