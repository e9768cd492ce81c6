/**
 * dmarc-fail: the header-From domain's DMARC evaluation failed (neither SPF nor DKIM
 * passed aligned with it), weighted by the policy the domain published: p=reject or
 * p=quarantine means the owner says such mail is forged. A reject the MTA enforced is a
 * blocked spoof (still reported as spoof; the summary says it was blocked). Also read from
 * a reject reason ("rejected by DMARC policy") when no result line was logged.
 * Spares: p=none is weighed low (monitoring only); forwarding and lists are lowered by guards.
 * Anchors: RFC 7489 section 6.6; Rspamd DMARC_POLICY_REJECT / _QUARANTINE / _SOFTFAIL;
 * SpamAssassin DMARC_REJECT / DMARC_QUAR / DMARC_NONE.
 */
import { SPOOFING } from '../attack.js';
import { finding, type Rule } from '../finding.js';
import { actionText, blockingActionMentioning } from './reasons.js';

export const dmarcFail: Rule = (ctx) => {
  const d = ctx.auth.dmarc;
  const domain = d?.domain ?? ctx.fromDomain ?? null;
  if (d !== undefined && d.result === 'fail') {
    const policy = d.policy?.toLowerCase();
    const disp = d.disposition?.toLowerCase();
    const strong =
      policy === 'reject' || policy === 'quarantine' || disp === 'reject' || disp === 'quarantine';
    const factor = strong ? 1 : policy === 'none' ? 0.4 : 0.6;
    const enforced = (disp === 'reject' || disp === 'quarantine') && ctx.blocked !== undefined;
    let summary = `Header From ${domain ?? '(unknown domain)'} failed DMARC`;
    summary += policy !== undefined ? ` (published policy p=${policy}` : ' (policy not logged';
    summary += disp !== undefined ? `, disposition ${disp})` : ')';
    if (enforced) summary += `; the ${disp} was enforced`;
    if (d.arcOverride === true) summary += '; the evaluator applied an ARC override';
    return [
      finding(ctx, 'dmarc-fail', {
        severity: strong ? 'critical' : 'medium',
        factor,
        summary,
        fields: {
          header_from: domain,
          dmarc_result: d.result,
          policy: d.policy ?? null,
          disposition: d.disposition ?? null,
          envelope_from: ctx.envFrom ?? null,
          spf_aligned: ctx.alignedSpfPass,
          dkim_aligned: ctx.alignedDkimPass,
          arc_override: d.arcOverride ?? false,
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
  return [];
};
