/**
 * from-malformed: more than one From header, a From without a parsable address, an empty
 * From, or one From naming mailboxes of several organisations. RFC 5322 allows exactly one
 * From; DMARC cannot pick a domain to evaluate when there are several (RFC 7489 6.6.1), and
 * clients show one while filters check another.
 * Spares: values cut by the MTA's log limit (no verdict on a half header).
 * Anchors: Rspamd MULTIPLE_FROM / FROM_INVALID / MISSING_FROM; SpamAssassin
 * __MULTIPLE_FROM / FROM_NO_ADDRESS-like rules; OpenDMARC RejectMultiValueFrom.
 */
import type { Mailbox } from '../address.js';
import { finding, NO_FINDINGS, type Rule } from '../finding.js';
import type { Finding } from '../verdict.js';

function hasAddress(boxes: readonly Mailbox[]): boolean {
  for (const b of boxes) if (b.address !== undefined) return true;
  return false;
}

export const fromMalformed: Rule = (ctx) => {
  const values = ctx.fromValues;
  if (values.length === 0) return NO_FINDINGS;
  let out: Finding[] | undefined; // made by the first finding: most messages have none
  // One From header (the usual case) cannot disagree with itself: no Set for it.
  const distinct = values.length > 1 ? new Set(values.map((v) => v.value.trim())) : undefined;
  if (distinct !== undefined && distinct.size > 1) {
    (out ??= []).push(
      finding(ctx, 'from-malformed', {
        severity: 'high',
        summary: `Message carries ${values.length} different From headers: ${[...distinct].slice(0, 3).join(' | ').slice(0, 300)}`,
        fields: { kind: 'multiple-from', count: values.length },
      }),
    );
  }
  const first = values[0]!;
  const boxes = ctx.fromHeader?.mailboxes ?? [];
  if (first.value.trim() === '') {
    (out ??= []).push(
      finding(ctx, 'from-malformed', {
        severity: 'medium',
        factor: 0.75,
        summary: 'From header is empty',
        fields: { kind: 'empty', value: '' },
      }),
    );
  } else if (!first.truncated && !hasAddress(boxes)) {
    (out ??= []).push(
      finding(ctx, 'from-malformed', {
        severity: 'medium',
        factor: 0.75,
        summary: `From header has no parsable address: ${first.value.slice(0, 120)}`,
        fields: { kind: 'unparsable', value: first.value.slice(0, 256) },
      }),
    );
  } else if (boxes.length > 1) {
    // One mailbox is the From itself, whose organisation the context already has.
    const orgs = new Set<string>();
    for (const b of boxes) if (b.domain !== undefined) orgs.add(ctx.org(b.domain));
    if (orgs.size > 1) {
      (out ??= []).push(
        finding(ctx, 'from-malformed', {
          severity: 'high',
          summary: `From header names mailboxes of ${orgs.size} organisations: ${[...orgs].slice(0, 5).join(', ')}`,
          fields: { kind: 'several-mailboxes', count: ctx.fromHeader?.count ?? boxes.length },
        }),
      );
    }
  }
  return out ?? NO_FINDINGS;
};
