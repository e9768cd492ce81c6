/**
 * proxy-pregreet: the SMTP proxy in front of the MTA (postscreen, HAProxy) saw the client
 * talk before the greeting, pipeline without permission, send bare newlines or non-SMTP
 * commands — bulk spoofing tools, not real MTAs — and the message still got a record.
 * Also read from postscreen's own "550 5.5.1 Protocol error" reject when the proxy's
 * verdict line was not joined. Suspicious on its own: real MTAs never do this.
 * Spares: clean proxy passes.
 * Anchors: Postfix postscreen PREGREET / COMMAND PIPELINING / BARE NEWLINE / NON-SMTP COMMAND.
 */
import { finding, NO_FINDINGS, type Rule } from '../finding.js';

const BAD = ['pregreet', 'protocol-violation', 'bare-newline', 'non-smtp-command', 'command-pipelining'];

export const proxyPregreet: Rule = (ctx) => {
  const p = ctx.record.session.proxy;
  // Loops rather than filter/find with closures: this runs for every message.
  let hits: string[] | undefined;
  if (p !== undefined) {
    for (const a of p.actions) {
      const lower = a.toLowerCase();
      for (const b of BAD) {
        if (lower.startsWith(b)) {
          (hits ??= []).push(a);
          break;
        }
      }
    }
  }
  // postscreen enforcing its protocol tests answers "550 5.5.1 Protocol error" at RCPT.
  let rejected = false;
  for (const a of ctx.record.actions) {
    if (
      a.by === 'postscreen' &&
      a.reason !== undefined &&
      a.reason.toLowerCase().startsWith('protocol error')
    ) {
      rejected = true;
      break;
    }
  }
  if (hits === undefined && !rejected) return NO_FINDINGS;
  const list =
    hits !== undefined ? [...new Set(hits)].slice(0, 5).join(', ') : 'protocol error (postscreen reject)';
  const kind = p?.kind ?? 'postscreen';
  const client = p?.peerIp ?? ctx.record.session.clientIp ?? null;
  return [
    finding(ctx, 'proxy-pregreet', {
      severity: 'medium',
      summary: `${kind} saw SMTP protocol violations from ${client ?? '?'}: ${list} (a bulk tool, not a mail server)`,
      fields: { proxy: kind, actions: list, client_ip: client },
    }),
  ];
};
