/**
 * internal guard: the message came from inside — a client in the trusted networks, an
 * SMTP AUTH (SASL) login, or local submission (pickup). Internal relays re-send mail with
 * other envelopes and no authentication results. Lowers every finding (x0.2), but keeps
 * them visible: an authenticated account sending as someone else is still worth a look.
 * own-domain-from-outside and forged-auth-results never fire for such mail anyway.
 */
import { RULE_IDS, type RuleId } from '../rule-ids.js';
import type { Guard } from './guard.js';

const ALL: Partial<Record<RuleId, number>> = Object.fromEntries(RULE_IDS.map((r) => [r, 0.2]));

export const internalGuard: Guard = (ctx) => {
  const s = ctx.record.session;
  switch (ctx.origin) {
    case 'sasl':
      return [
        {
          name: 'internal',
          reason: `authenticated submission (SASL user ${s.saslUsername ?? ''})`,
          factors: ALL,
        },
      ];
    case 'local':
      return [{ name: 'internal', reason: 'local submission (pickup)', factors: ALL }];
    case 'trusted-network':
      return [
        { name: 'internal', reason: `client ${s.clientIp ?? ''} is in the trusted networks`, factors: ALL },
      ];
    default:
      return [];
  }
};
