/**
 * spf-fail: the client is not authorised by the SPF record of the envelope sender
 * (mfrom) or of the HELO name (helo; weighed lower, RFC 7208 section 2.3). A fail that made
 * the MTA reject the message (policyd-spf "Message rejected due to: SPF fail") is a blocked
 * spoof and weighs double. Also read from such a reject reason when no result line exists.
 * Spares: weighed at 30% when the header From passed DMARC or aligned DKIM (the signature
 * survived a forward the SPF check did not); forwarding (SRS, trusted forwarders/ARC) through
 * guards; softfail is spf-softfail.
 * Anchors: RFC 7208 section 8.4; Rspamd R_SPF_FAIL; SpamAssassin SPF_FAIL / SPF_HELO_FAIL.
 */
import { finding, NO_FINDINGS, type Rule } from '../finding.js';
import type { Finding } from '../verdict.js';
import { actionText, blockingActionMentioning } from './reasons.js';
import { spfFields, spfResultsWith } from './spf.js';

export const spfFail: Rule = (ctx) => {
  let out: Finding[] | undefined; // made by the first finding: most messages have none
  const rejected = blockingActionMentioning(ctx.record, 'spf');
  // DKIM survives forwarding where SPF does not: an authenticated From explains a fail.
  const explained = ctx.fromAuthenticated && !ctx.alignedSpfPass;
  const results = spfResultsWith(ctx, 'fail');
  // Indexed: for-of over the shared frozen empty list would allocate iterator results.
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    const f = spfFields(ctx, r);
    const enforced = rejected !== undefined && r.scope !== 'helo';
    const what =
      r.scope === 'helo'
        ? `HELO name ${f.helo ?? '(not logged)'}`
        : `envelope sender domain ${f.domain ?? '(not logged)'}`;
    (out ??= []).push(
      finding(ctx, 'spf-fail', {
        severity: r.scope === 'helo' ? 'low' : 'high',
        factor: (r.scope === 'helo' ? 0.32 : enforced ? 2 : 1) * (explained ? 0.3 : 1),
        summary:
          `SPF fail: client ${f.client_ip ?? '(unknown)'} is not authorised to send for ${what}` +
          (enforced ? '; the MTA rejected it for that' : '') +
          (explained ? '; the header From passed DMARC / aligned DKIM (typical of forwarding)' : ''),
        fields: enforced ? { ...f, action: actionText(rejected) } : f,
      }),
    );
  }
  if (out === undefined && rejected !== undefined) {
    const reason = (rejected.reason ?? '').toLowerCase();
    if (reason.includes('fail') && !reason.includes('softfail') && !reason.includes('temperror')) {
      (out ??= []).push(
        finding(ctx, 'spf-fail', {
          severity: 'high',
          factor: 2,
          summary: `The MTA blocked the message for an SPF fail (envelope sender ${ctx.envFrom ?? 'not logged'})`,
          fields: {
            spf_result: 'fail',
            scope: 'mfrom',
            domain: ctx.envDomain ?? null,
            envelope_from: ctx.envFrom ?? null,
            client_ip: ctx.record.session.clientIp ?? null,
            action: actionText(rejected),
            source: rejected.by ?? 'reject',
          },
        }),
      );
    }
  }
  return out ?? NO_FINDINGS;
};
