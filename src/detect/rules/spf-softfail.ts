/**
 * spf-softfail: the domain's SPF record says the client is probably not authorised (~all),
 * for the envelope sender (mfrom) or the HELO name (weighed lower). Weak alone: many
 * domains publish ~all while they sort out their senders.
 * Spares: weighed at 30% when the header From passed DMARC / aligned DKIM; forwarding
 * through guards.
 * Anchors: RFC 7208 section 8.5; Rspamd R_SPF_SOFTFAIL; SpamAssassin SPF_SOFTFAIL / SPF_HELO_SOFTFAIL.
 */
import { finding, NO_FINDINGS, type Rule } from '../finding.js';
import { spfFields, spfResultsWith } from './spf.js';

export const spfSoftfail: Rule = (ctx) => {
  const results = spfResultsWith(ctx, 'softfail');
  if (results.length === 0) return NO_FINDINGS;
  return results.map((r) => {
    const f = spfFields(ctx, r);
    const what =
      r.scope === 'helo'
        ? `HELO name ${f.helo ?? '(not logged)'}`
        : `envelope sender domain ${f.domain ?? '(not logged)'}`;
    return finding(ctx, 'spf-softfail', {
      severity: 'low',
      factor: (r.scope === 'helo' ? 0.4 : 1) * (ctx.fromAuthenticated ? 0.3 : 1),
      summary:
        `SPF softfail: client ${f.client_ip ?? '(unknown)'} is probably not authorised to send for ${what}` +
        (ctx.fromAuthenticated ? '; the header From passed DMARC / aligned DKIM' : ''),
      fields: f,
    });
  });
};
