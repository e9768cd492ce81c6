/**
 * dkim-fail: a DKIM signature did not verify. OpenDKIM tells what broke: "body" (body hash
 * mismatch: the body changed after signing — tampering, or a list footer / disclaimer),
 * "header" (the signed headers changed: a replayed or edited message), "key" (key missing
 * or malformed: the sender's DNS, not tampering — weighed very low), "expired".
 * Spares: a failed signature beside another one that passed aligned with the header From
 * (weighed low); lists and forwarders through guards.
 * Anchors: RFC 6376 section 6.3; Rspamd R_DKIM_REJECT; SpamAssassin DKIM_INVALID.
 */
import { finding, NO_FINDINGS, type Rule } from '../finding.js';
import type { Finding } from '../verdict.js';

const FACTOR = { header: 1, body: 0.75, expired: 0.5, other: 0.5, key: 0.1 } as const;

export const dkimFail: Rule = (ctx) => {
  let out: Finding[] | undefined; // made by the first finding: most messages have none
  let seen: Set<string> | undefined; // made for the first failure: most messages have none
  for (const d of ctx.auth.dkim) {
    if (d.result !== 'fail') continue;
    seen ??= new Set<string>();
    const failure = d.failure ?? 'other';
    const key = `${d.domain ?? ''} ${failure}`;
    if (seen.has(key)) continue;
    seen.add(key);
    let factor: number = FACTOR[failure];
    const dom = d.domain ?? '(unknown d=)';
    let summary =
      failure === 'body'
        ? `DKIM signature of ${dom} failed: the body was changed after signing (tampering, or a list footer)`
        : failure === 'header'
          ? `DKIM signature of ${dom} failed: signed headers were changed (tampered or replayed message)`
          : failure === 'key'
            ? `DKIM signature of ${dom} could not be checked: key problem at the sender (not tampering)`
            : failure === 'expired'
              ? `DKIM signature of ${dom} has expired`
              : `DKIM signature of ${dom} failed`;
    if (ctx.alignedDkimPass) {
      factor *= 0.2;
      summary += '; another signature aligned with the header From passed';
    }
    (out ??= []).push(
      finding(ctx, 'dkim-fail', {
        severity: failure === 'key' ? 'info' : failure === 'header' ? 'high' : 'medium',
        factor,
        summary,
        fields: {
          dkim_domain: d.domain ?? null,
          selector: d.selector ?? null,
          failure,
          header_from: ctx.fromDomain ?? null,
          dkim_aligned:
            d.domain !== undefined && ctx.fromDomain !== undefined
              ? ctx.aligned(d.domain, ctx.fromDomain)
              : null,
          source: d.source,
        },
      }),
    );
  }
  return out ?? NO_FINDINGS;
};
