/**
 * dmarc-fail: the header-From domain's DMARC evaluation failed (neither SPF nor DKIM
 * passed aligned with it), weighted by the policy the domain published: p=reject or
 * p=quarantine means the owner says such mail is forged. A reject the MTA enforced is a
 * blocked spoof (still reported as spoof; the summary says it was blocked). Also read from
 * a reject reason ("rejected by DMARC policy") when no result line was logged.
 * The policy comes from the evaluator's log line, else from our own Authentication-Results.
 * Spares: p=none (or no policy logged) is weighed low — unless nothing of the domain
 * owner's touched the message (no DKIM signature of the From's organisation, envelope of
 * another): then the From is simply unauthenticated and weighs in full whatever the policy.
 * Forwarding and lists are lowered by guards. Without any DMARC line, dmarc-fail-derived
 * evaluates the alignment from the logged SPF and DKIM results.
 * Anchors: RFC 7489 section 6.6; Rspamd DMARC_POLICY_REJECT / _QUARANTINE / _SOFTFAIL;
 * SpamAssassin DMARC_REJECT / DMARC_QUAR / DMARC_NONE.
 */
import { SPOOFING } from '../attack.js';
import { finding, NO_FINDINGS, type Rule } from '../finding.js';
import { actionText, blockingActionMentioning } from './reasons.js';

export const dmarcFail: Rule = (ctx) => {
  const d = ctx.auth.dmarc;
  const domain = d?.domain ?? ctx.fromDomain ?? null;
  if (d !== undefined && d.result === 'fail') {
    const policy = ctx.dmarcPolicy;
    const disp = d.disposition?.toLowerCase();
    const rejectAction = blockingActionMentioning(ctx.record, 'dmarc');
    const enforced =
      ctx.blocked !== undefined && (disp === 'reject' || disp === 'quarantine' || rejectAction !== undefined);
    const strong =
      enforced ||
      policy === 'reject' ||
      policy === 'quarantine' ||
      disp === 'reject' ||
      disp === 'quarantine';
    // Nothing of the domain owner's touched the message: no DKIM signature of the From's
    // organisation at all (not even a broken one) and an envelope of another organisation.
    const fromDomain = ctx.fromDomain;
    const ownerSigned =
      fromDomain !== undefined &&
      ctx.auth.dkim.some((k) => k.domain !== undefined && ctx.aligned(k.domain, fromDomain));
    const unsigned =
      fromDomain !== undefined && !ownerSigned && ctx.envOrg !== undefined && ctx.envOrg !== ctx.fromOrg;
    const factor = strong || unsigned ? 1 : policy === 'none' ? 0.4 : 0.6;
    let summary = `Header From ${domain ?? '(unknown domain)'} failed DMARC`;
    summary += policy !== undefined ? ` (published policy p=${policy}` : ' (policy not logged';
    summary += disp !== undefined ? `, disposition ${disp})` : ')';
    if (enforced) summary += '; the MTA enforced it';
    if (!strong && unsigned) {
      summary += `; no DKIM signature of ${ctx.fromOrg ?? ''} and envelope sender of ${ctx.envOrg ?? ''}: nothing of the domain owner's`;
    }
    if (d.arcOverride === true) summary += '; the evaluator applied an ARC override';
    return [
      finding(ctx, 'dmarc-fail', {
        severity: strong || unsigned ? 'critical' : 'medium',
        factor,
        summary,
        fields: {
          header_from: domain,
          dmarc_result: d.result,
          policy: policy ?? null,
          disposition: d.disposition ?? null,
          envelope_from: ctx.envFrom ?? null,
          spf_aligned: ctx.alignedSpfPass,
          dkim_aligned: ctx.alignedDkimPass,
          from_domain_signed: ownerSigned,
          arc_override: d.arcOverride ?? false,
          enforced,
          source: d.source,
        },
        attack: SPOOFING,
      }),
    ];
  }
  if (d === undefined || d.result !== 'pass') {
    const a = blockingActionMentioning(ctx.record, 'dmarc');
    if (a !== undefined) {
      return [
        finding(ctx, 'dmarc-fail', {
          severity: 'critical',
          summary: `The MTA blocked the message for DMARC${domain !== null ? ` (header From ${domain})` : ''}: ${a.action}`,
          fields: {
            header_from: domain,
            dmarc_result: 'fail',
            policy: null,
            disposition: a.action,
            envelope_from: ctx.envFrom ?? null,
            action: actionText(a),
            source: a.by ?? 'reject',
          },
          attack: SPOOFING,
        }),
      ];
    }
  }
  return NO_FINDINGS;
};
