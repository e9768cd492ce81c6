/**
 * helo-anomaly: the HELO/EHLO name from a client outside the trusted networks claims a
 * protected domain (strong; weak when the client's reverse DNS is under that domain too),
 * or is a bare IP address (RFC 5321 4.1.3 wants a literal in
 * brackets), an address literal not matching the client, a name without a dot, or a name
 * of another organisation than the client's reverse DNS (very weak).
 * Spares: trusted networks / SASL / local (the rule only looks at outside clients).
 * Anchors: Postfix reject_invalid_helo_hostname / reject_non_fqdn_helo_hostname;
 * Rspamd HFILTER_HELO_* and FORGED_HELO; SpamAssassin HELO_DYNAMIC / RCVD_ILLEGAL_IP.
 */
import { isIP } from 'node:net';
import { normalizeDomain } from '../domains.js';
import type { RuleContext } from '../context.js';
import { finding, NO_FINDINGS, type Rule } from '../finding.js';
import { normalizeIp } from '../networks.js';
import type { Finding } from '../verdict.js';

type Severity = 'high' | 'low' | 'info';

/** The finding, built only once the rule fires (most outside clients say a fine HELO). */
function make(
  ctx: RuleContext,
  helo: string,
  factor: number,
  severity: Severity,
  summary: string,
  kind: string,
): Finding[] {
  const s = ctx.record.session;
  const fields = {
    helo: helo.slice(0, 255),
    client_ip: s.clientIp ?? null,
    client_host: s.clientHost ?? null,
    kind,
  };
  return [finding(ctx, 'helo-anomaly', { severity, factor, summary, fields })];
}

/** isIP answers 0 unless the text ends in a digit (IPv4) or has a colon (IPv6): skip its regexes for names. */
function couldBeIp(s: string): boolean {
  const last = s.charCodeAt(s.length - 1);
  return (last >= 48 && last <= 57) || s.includes(':');
}

export const heloAnomaly: Rule = (ctx) => {
  if (!ctx.outside) return NO_FINDINGS;
  const s = ctx.record.session;
  const helo = s.helo?.trim();
  if (helo === undefined || helo === '') return NO_FINDINGS;
  if (helo.startsWith('[') && helo.endsWith(']')) {
    const lit = normalizeIp(helo);
    const client = normalizeIp(s.clientIp);
    if (lit !== undefined && client !== undefined && lit.ip !== client.ip) {
      return make(
        ctx,
        helo,
        0.25,
        'low',
        `HELO address literal ${helo} does not match client ${s.clientIp ?? ''}`,
        'literal-mismatch',
      );
    }
    return make(
      ctx,
      helo,
      0.1,
      'info',
      `HELO is an address literal ${helo} rather than a host name`,
      'literal',
    );
  }
  if (couldBeIp(helo) && isIP(helo) !== 0)
    return make(ctx, helo, 0.25, 'low', `HELO is a bare IP address ${helo} (not a host name)`, 'bare-ip');
  const d = normalizeDomain(helo);
  if (d === undefined)
    return make(ctx, helo, 0.15, 'low', `HELO ${helo.slice(0, 80)} is not a valid host name`, 'invalid');
  const rdns =
    s.clientHost !== undefined && s.clientHost !== 'unknown' ? normalizeDomain(s.clientHost) : undefined;
  if (ctx.isProtected(d)) {
    // A client whose reverse name is ours too is most likely our own host outside trustedNetworks.
    if (rdns !== undefined && rdns.includes('.') && ctx.isProtected(rdns)) {
      return make(
        ctx,
        helo,
        0.25,
        'low',
        `HELO ${d} claims a protected domain; the client's reverse DNS ${rdns} is ours too (add it to trustedNetworks if it is)`,
        'protected-domain-own-host',
      );
    }
    return make(
      ctx,
      helo,
      1,
      'high',
      `HELO ${d} claims a protected domain from outside client ${s.clientIp ?? ''}`,
      'protected-domain',
    );
  }
  if (!d.includes('.'))
    return make(ctx, helo, 0.15, 'low', `HELO ${d} is not a fully qualified name`, 'non-fqdn');
  if (rdns !== undefined && rdns.includes('.') && ctx.org(rdns) !== ctx.org(d)) {
    return make(
      ctx,
      helo,
      0.05,
      'info',
      `HELO ${d} is of another organisation than reverse DNS ${rdns}`,
      'rdns-mismatch',
    );
  }
  return NO_FINDINGS;
};
