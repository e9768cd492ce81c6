/**
 * reply-to-divergence: Reply-To points to another organisation than the header From, so
 * answers go to someone else — the set-up of invoice fraud and BEC conversations. Worse
 * when one of the two is a free-mail address and the other is not, worst when the From claims
 * a protected domain. ATT&CK T1566 as well as spoofing.
 * Spares: Reply-To within the From's organisation or at a protected domain; lists through guards.
 * Anchors: Rspamd FREEMAIL_REPLYTO / REPLYTO_DOM_NEQ_FROM_DOM; SpamAssassin FREEMAIL_FORGED_REPLYTO.
 */
import { parseAddressHeader } from '../address.js';
import { PHISHING } from '../attack.js';
import { finding, NO_FINDINGS, type Rule } from '../finding.js';

export const replyToDivergence: Rule = (ctx) => {
  const rt = ctx.header('reply-to')[0];
  if (rt === undefined || ctx.fromOrg === undefined) return NO_FINDINGS;
  const boxes = parseAddressHeader(rt.value).mailboxes;
  for (const b of boxes) {
    if (b.domain === undefined) continue;
    const org = ctx.org(b.domain);
    if (org === ctx.fromOrg || ctx.isProtected(b.domain)) continue;
    // A free-mail Reply-To on a company From, or a free-mail From whose answers go elsewhere.
    const free = ctx.cfg.freemail.has(org) !== ctx.cfg.freemail.has(ctx.fromOrg);
    const prot = ctx.isProtected(ctx.fromDomain);
    const factor = prot ? 2.5 : free ? 1.875 : 1;
    return [
      finding(ctx, 'reply-to-divergence', {
        severity: prot || free ? 'high' : 'low',
        factor,
        summary:
          `Reply-To ${b.address ?? b.domain} sends replies away from header From ${ctx.fromDomain ?? ctx.fromOrg}` +
          (free ? (ctx.cfg.freemail.has(org) ? ' to a free-mail provider' : ' (a free-mail sender)') : '') +
          (prot ? ' (the From claims a protected domain)' : ''),
        fields: {
          reply_to: b.address ?? b.domain,
          reply_to_org: org,
          header_from: ctx.fromDomain ?? null,
          freemail: ctx.cfg.freemail.has(org),
          protected_from: prot,
        },
        attack: PHISHING,
      }),
    ];
  }
  return NO_FINDINGS;
};
