/**
 * bounce guard: delivery status notifications and auto-replies come with the null sender
 * (MAIL FROM:<>) or from MAILER-DAEMON / postmaster, so envelope and header identities
 * naturally differ. Lowers the weak discrepancy rules only; a bounce that fails DMARC or
 * claims our domain from outside is still weighed in full.
 */
import type { RuleId } from '../rule-ids.js';
import type { Guard } from './guard.js';

const RULES: Partial<Record<RuleId, number>> = {
  'header-from-envelope-mismatch': 0.2,
  'return-path-sender-divergence': 0.2,
  'dkim-unaligned': 0.2,
  'message-id-domain': 0.2,
};

export const bounceGuard: Guard = (ctx) => {
  if (ctx.envFrom === '')
    return [
      { name: 'bounce', reason: 'null envelope sender (delivery status notification)', factors: RULES },
    ];
  const env = ctx.envLocal?.toLowerCase();
  const from = ctx.from?.local?.toLowerCase();
  if (env === 'mailer-daemon' || env === 'postmaster' || from === 'mailer-daemon' || from === 'postmaster') {
    return [{ name: 'bounce', reason: 'sent by MAILER-DAEMON / postmaster', factors: RULES }];
  }
  return [];
};
