/**
 * proxy-client-mismatch: the client the proxy (HAProxy / postscreen) saw differs from the
 * client the MTA logged — a PROXY-protocol header that lies, or a path around the proxy —
 * so the MTA's client address (and every check on it) cannot be trusted.
 * Spares: matching clients, records without a proxy.
 * Anchors: HAProxy PROXY protocol spec (trusted sources only); Postfix smtpd_upstream_proxy_protocol.
 */
import { finding, NO_FINDINGS, type Rule } from '../finding.js';

export const proxyClientMismatch: Rule = (ctx) => {
  const p = ctx.record.session.proxy;
  if (p?.clientMismatch !== true) return NO_FINDINGS;
  return [
    finding(ctx, 'proxy-client-mismatch', {
      severity: 'medium',
      summary: `${p.kind} saw client ${p.peerIp ?? '?'} but the MTA logged ${ctx.record.session.clientIp ?? '?'}`,
      fields: {
        proxy: p.kind,
        proxy_client: p.peerIp ?? null,
        mta_client: ctx.record.session.clientIp ?? null,
      },
    }),
  ];
};
