/**
 * proxy-pregreet: the SMTP proxy in front of the MTA (postscreen, HAProxy) saw the client
 * talk before the greeting, pipeline without permission, send bare newlines or non-SMTP
 * commands — bulk spoofing tools, not real MTAs — and the message still got a record.
 * Spares: clean proxy passes.
 * Anchors: Postfix postscreen PREGREET / COMMAND PIPELINING / BARE NEWLINE / NON-SMTP COMMAND.
 */
import { finding, type Rule } from '../finding.js';

const BAD = ['pregreet', 'protocol-violation', 'bare-newline', 'non-smtp-command', 'command-pipelining'];

export const proxyPregreet: Rule = (ctx) => {
  const p = ctx.record.session.proxy;
  if (p === undefined) return [];
  const hits = p.actions.filter((a) => BAD.some((b) => a.toLowerCase().startsWith(b)));
  if (hits.length === 0) return [];
  const list = [...new Set(hits)].slice(0, 5).join(', ');
  return [
    finding(ctx, 'proxy-pregreet', {
      severity: 'medium',
      summary: `${p.kind} saw SMTP protocol violations from ${p.peerIp ?? ctx.record.session.clientIp ?? '?'}: ${list}`,
      fields: { proxy: p.kind, actions: list, client_ip: p.peerIp ?? ctx.record.session.clientIp ?? null },
    }),
  ];
};
