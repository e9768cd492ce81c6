/**
 * return-path-sender-divergence: a Return-Path header logged on arrival that differs from
 * the envelope sender (Return-Path is written at final delivery: one arriving from the
 * sender was forged or left over from a replay), or a Sender header of another organisation
 * than the header From (acting on someone's behalf). Weak: lists and delegates do the latter.
 * Spares: matching organisations; lists and known third parties through guards.
 * Anchors: RFC 5321 section 4.4 (Return-Path added by the final MTA); RFC 5322 3.6.2 (Sender);
 * Rspamd HAS_REPLYTO-style header checks, SpamAssassin __SENDER_BOT-like rules.
 */
import { parseAddress, parseAddressHeader } from '../address.js';
import { finding, NO_FINDINGS, type Rule } from '../finding.js';
import type { Finding } from '../verdict.js';

export const returnPathSenderDivergence: Rule = (ctx) => {
  let out: Finding[] | undefined; // made by the first finding: most messages have none
  const rp = ctx.header('return-path')[0];
  if (rp !== undefined && ctx.envOrg !== undefined) {
    const p = parseAddress(rp.value);
    if (p?.domain !== undefined && ctx.org(p.domain) !== ctx.envOrg) {
      (out ??= []).push(
        finding(ctx, 'return-path-sender-divergence', {
          severity: 'low',
          summary: `Return-Path header ${p.address} arrived with the message and differs from envelope sender ${ctx.envFrom ?? ''}`,
          fields: { header: 'Return-Path', return_path: p.address, envelope_from: ctx.envFrom ?? null },
        }),
      );
    }
  }
  const sender = ctx.header('sender')[0];
  if (sender !== undefined && ctx.fromOrg !== undefined) {
    const b = parseAddressHeader(sender.value).mailboxes[0];
    if (b?.domain !== undefined && ctx.org(b.domain) !== ctx.fromOrg) {
      (out ??= []).push(
        finding(ctx, 'return-path-sender-divergence', {
          severity: 'low',
          summary: `Sender ${b.address ?? b.domain} is of another organisation than header From ${ctx.fromDomain ?? ''}`,
          fields: { header: 'Sender', sender: b.address ?? b.domain, header_from: ctx.fromDomain ?? null },
        }),
      );
    }
  }
  return out ?? NO_FINDINGS;
};
