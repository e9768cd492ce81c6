/**
 * own-domain-from-outside: a protected domain in the header From or the envelope sender,
 * arriving from a client outside the trusted networks, without SMTP AUTH, and without
 * anything authenticating that domain (DMARC pass / aligned DKIM pass for the From; SPF
 * pass for the envelope). The classic "from the CEO to staff" spoof: strong.
 * Spares: trusted networks, SASL, local pickup; configured third-party senders (guard);
 * weighs 30% when the client's reverse DNS is itself under a protected domain (an own host
 * missing from trustedNetworks, the usual gap when running without config).
 * Guards for forwarding, lists and learned pairs never lower it.
 * Anchors: Postfix reject_sender_login_mismatch / check_sender_access on own domains;
 * SpamAssassin "whitelist_auth" inverse; Rspamd FORGED_SENDER local-domain maps.
 */
import type { MessageRecord } from '../../correlate/record.js';
import { SPOOFING } from '../attack.js';
import { normalizeDomain } from '../domains.js';
import { finding, NO_FINDINGS, type Rule } from '../finding.js';
import type { Finding } from '../verdict.js';

function clientText(s: MessageRecord['session']): string {
  return `${s.clientHost ?? 'unknown'}[${s.clientIp ?? '?'}]`;
}

function ownHostNote(ownHost: boolean, rdns: string | undefined): string {
  return ownHost
    ? `; the client's reverse DNS ${rdns ?? ''} is under a protected domain (add it to trustedNetworks if it is ours)`
    : '';
}

export const ownDomainFromOutside: Rule = (ctx) => {
  if (!ctx.outside) return NO_FINDINGS;
  const s = ctx.record.session;
  let out: Finding[] | undefined; // made by the first finding: most messages have none
  const guessed = ctx.protectedGuessed ? ' (protected domain guessed from recipients)' : '';
  // A client whose (forward-confirmed) reverse name is under a protected domain is most
  // likely one of our own hosts missing from trustedNetworks: reported, weighed at 30%.
  const rdns =
    s.clientHost !== undefined && s.clientHost !== 'unknown' ? normalizeDomain(s.clientHost) : undefined;
  const ownHost = rdns !== undefined && rdns.includes('.') && ctx.isProtected(rdns);
  if (ctx.fromDomain !== undefined && ctx.isProtected(ctx.fromDomain) && !ctx.fromAuthenticated) {
    const client = clientText(s);
    const hostNote = ownHostNote(ownHost, rdns);
    (out ??= []).push(
      finding(ctx, 'own-domain-from-outside', {
        severity: ownHost ? 'medium' : 'critical',
        factor: ownHost ? 0.3 : 1,
        summary:
          `Header From uses protected domain ${ctx.fromDomain} but came from ${client}, outside the trusted ` +
          `networks, without SMTP AUTH and without DMARC or aligned DKIM pass${guessed}${hostNote}`,
        fields: {
          identity: 'header.from',
          header_from: ctx.fromDomain,
          envelope_from: ctx.envFrom ?? null,
          client_ip: s.clientIp ?? null,
          client_host: s.clientHost ?? null,
          client_host_protected: ownHost,
          dmarc_result: ctx.auth.dmarc?.result ?? null,
          protected_guessed: ctx.protectedGuessed,
        },
        attack: SPOOFING,
      }),
    );
  } else if (ctx.envDomain !== undefined && ctx.isProtected(ctx.envDomain) && !ctx.fromAuthenticated) {
    const envDomain = ctx.envDomain;
    const spfPass = ctx.auth.spf.some(
      (r) =>
        r.result === 'pass' &&
        r.scope !== 'helo' &&
        (r.domain === undefined || ctx.aligned(r.domain, envDomain)),
    );
    if (!spfPass) {
      const client = clientText(s);
      const hostNote = ownHostNote(ownHost, rdns);
      (out ??= []).push(
        finding(ctx, 'own-domain-from-outside', {
          severity: ownHost ? 'medium' : 'high',
          factor: ownHost ? 0.24 : 0.8,
          summary:
            `Envelope sender uses protected domain ${envDomain} but came from ${client}, outside the trusted ` +
            `networks, without SMTP AUTH and without SPF pass${guessed}${hostNote}`,
          fields: {
            identity: 'envelope.from',
            header_from: ctx.fromDomain ?? null,
            envelope_from: ctx.envFrom ?? null,
            client_ip: s.clientIp ?? null,
            client_host: s.clientHost ?? null,
            client_host_protected: ownHost,
            protected_guessed: ctx.protectedGuessed,
          },
          attack: SPOOFING,
        }),
      );
    }
  }
  return out ?? NO_FINDINGS;
};
