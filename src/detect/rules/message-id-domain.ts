/**
 * message-id-domain: the Message-ID was generated under an unrelated organisation's domain
 * while the header From claims a protected domain (our own systems write our domains or a
 * configured provider's). Weak: many clients write their host's name.
 * Spares: From outside the protected domains; trusted origins through guards.
 * Anchors: Rspamd MID_RHS_NOT_FQDN / MID_CONTAINS_FROM family; SpamAssassin MSGID_* rules.
 */
import { messageIdDomain as midDomain } from '../address.js';
import { finding, NO_FINDINGS, type Rule } from '../finding.js';

export const messageIdDomain: Rule = (ctx) => {
  if (ctx.fromOrg === undefined || !ctx.isProtected(ctx.fromDomain)) return NO_FINDINGS;
  const mid = ctx.record.messageId ?? ctx.header('message-id')[0]?.value;
  if (mid === undefined) return NO_FINDINGS;
  const d = midDomain(mid);
  if (d === undefined || !d.includes('.') || ctx.org(d) === ctx.fromOrg || ctx.isProtected(d))
    return NO_FINDINGS;
  return [
    finding(ctx, 'message-id-domain', {
      severity: 'low',
      summary: `Message-ID was made under ${d} while header From claims protected domain ${ctx.fromDomain ?? ''}`,
      fields: { message_id: mid.slice(0, 256), message_id_domain: d, header_from: ctx.fromDomain ?? null },
    }),
  ];
};
