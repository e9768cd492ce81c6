/**
 * display-name-vip: the From display name is (or contains) a protected person's name
 * (config `vips`), compared after RFC 2047 decoding and Unicode confusable folding, while
 * the address is outside the protected domains — or inside them but unauthenticated from
 * outside. Business e-mail compromise's first move (ATT&CK T1656 / T1684.001).
 * Spares: the person's own authenticated mail; names written "Last, First" still match.
 * Anchors: Rspamd/SpamAssassin display-name "VIP" lists (e.g. SA's __FROM_NAME_VIP user rules).
 */
import { IMPERSONATION } from '../attack.js';
import { finding, NO_FINDINGS, type Rule } from '../finding.js';
import { normalizeName } from '../skeleton.js';

export const displayNameVip: Rule = (ctx) => {
  const display = ctx.from?.display;
  if (display === undefined || ctx.cfg.vips.length === 0) return NO_FINDINGS;
  const prot = ctx.isProtected(ctx.fromDomain);
  if (prot && !(ctx.outside && !ctx.fromAuthenticated)) return NO_FINDINGS;
  const norm = normalizeName(display);
  if (norm.length < 3) return NO_FINDINGS;
  const padded = ` ${norm} `;
  for (const vip of ctx.cfg.vips) {
    if (!padded.includes(` ${vip.norm} `) && !padded.includes(` ${vip.reversed} `)) continue;
    const free = ctx.fromOrg !== undefined && ctx.cfg.freemail.has(ctx.fromOrg);
    return [
      finding(ctx, 'display-name-vip', {
        severity: 'high',
        factor: free ? 1.2 : 1,
        summary:
          `From display name "${display}" matches protected person ${vip.name} but the address is ` +
          `${ctx.from?.address ?? '?'}${free ? ' (a free-mail provider)' : prot ? ' (unauthenticated, from outside)' : ''}`,
        fields: {
          display_name: display,
          vip: vip.name,
          header_from: ctx.fromDomain ?? null,
          freemail: free,
          protected: prot,
        },
        attack: IMPERSONATION,
      }),
    ];
  }
  return NO_FINDINGS;
};
