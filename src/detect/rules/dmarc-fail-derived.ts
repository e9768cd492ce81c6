/**
 * dmarc-fail-derived: no DMARC verifier logged (Debian's Exim, Sendmail or Postfix without
 * OpenDMARC), so spoofwatch does what one would from the results the logs hold: the header
 * From, the SPF result (its domain, else the envelope sender's, as RFC 7208 checks MAIL
 * FROM) and the DKIM results with their d=. Neither an SPF pass nor a DKIM pass aligned
 * (relaxed: same organisational domain) with the From is a DMARC fail in substance. What
 * the logs cannot show is whether the domain publishes a DMARC record and its policy, so
 * the finding says it was derived and lists `auth.dmarc.policy` as missing.
 *
 * Only decided when every half is known:
 * - DKIM: results were logged for the message, or the message came through an Exim host
 *   that logs a line for every signature it verifies (seen for earlier messages), so none
 *   logged means none carried;
 * - SPF: an SPF pass could only align if the envelope sender is of the From's
 *   organisation; then an SPF result must have been logged (temperror decides nothing).
 *   A null envelope (bounce: SPF would check the HELO) is not decided.
 *
 * Weight: in full (like dmarc-fail) when nothing of the domain owner's touched the message
 * (no DKIM signature of the From's organisation, not even a broken one, and an envelope of
 * another organisation): the From is simply unauthenticated. Otherwise 0.7 (the From's own
 * signature broke, or its own SPF failed). Forwarding, list and third-party guards apply as
 * to dmarc-fail.
 * Anchors: RFC 7489 3.1 (identifier alignment), 4.2 (a pass needs an aligned SPF or DKIM pass).
 */
import { SPOOFING } from '../attack.js';
import type { RuleContext } from '../context.js';
import { finding, NO_FINDINGS, type Rule } from '../finding.js';
import { blockingActionMentioning } from './reasons.js';

/** Weight factor when the From's owner did touch the message (its signature, its envelope). */
const OWNER_TOUCHED_FACTOR = 0.7;

export const dmarcFailDerived: Rule = (ctx) => {
  if (ctx.auth.dmarc !== undefined) return NO_FINDINGS;
  // dmarc-fail already reports an MTA's reject for DMARC.
  if (blockingActionMentioning(ctx.record, 'dmarc') !== undefined) return NO_FINDINGS;
  const from = ctx.fromDomain;
  if (from === undefined || ctx.fromDomainSource !== 'header' || ctx.fromOrg === undefined)
    return NO_FINDINGS;
  if (ctx.alignedDkimPass || ctx.alignedSpfPass) return NO_FINDINGS;
  if (ctx.envFrom === undefined || ctx.envFrom === '' || ctx.envOrg === undefined) return NO_FINDINGS;

  const dkimLogged = ctx.auth.dkim.length > 0;
  const dkimHostLogsAll =
    !dkimLogged && ctx.record.mta === 'exim' && ctx.state.dkimLoggingHosts.has(ctx.record.host);
  if (!dkimLogged && !dkimHostLogsAll) return NO_FINDINGS;

  const foreignEnvelope = ctx.envOrg !== ctx.fromOrg;
  const spf = ctx.auth.spf.find((r) => r.scope !== 'helo');
  const ownerSigned = ctx.auth.dkim.some((k) => k.domain !== undefined && ctx.aligned(k.domain, from));
  if (!foreignEnvelope) {
    if (spf === undefined || spf.result === 'temperror') return NO_FINDINGS;
    // The From's own envelope, SPF none/neutral and no signature of its own: a domain that
    // publishes no SPF and signs nothing most likely has no DMARC record either (DMARC
    // "none", not "fail"): unauthenticated, which `unknown` already says.
    if (!ownerSigned && spf.result !== 'fail' && spf.result !== 'softfail') return NO_FINDINGS;
  }
  const untouched = !ownerSigned && foreignEnvelope;
  const spfDomain = spf?.domain ?? ctx.envDomain ?? null;
  const dkimText = dkimSummary(ctx, dkimHostLogsAll);
  const spfText =
    spf === undefined
      ? `no SPF result, but the envelope sender is of ${ctx.envOrg}`
      : `SPF ${spf.result} for ${spfDomain ?? '?'}${foreignEnvelope ? ` (${ctx.envOrg}, not aligned)` : ''}`;
  return [
    finding(ctx, 'dmarc-fail-derived', {
      severity: untouched ? 'critical' : 'high',
      factor: untouched ? 1 : OWNER_TOUCHED_FACTOR,
      summary:
        `Header From ${from} fails DMARC alignment: ${spfText}; ${dkimText}. Derived by spoofwatch from the logged ` +
        `SPF/DKIM results because no DMARC verifier logged; the domain's published policy is unknown from logs`,
      fields: {
        header_from: from,
        from_org: ctx.fromOrg,
        dmarc_result: 'fail',
        evaluated_by: 'spoofwatch',
        alignment: ctx.cfg.config.alignment,
        policy: null,
        envelope_from: ctx.envFrom,
        envelope_org: ctx.envOrg,
        spf_result: spf?.result ?? null,
        spf_domain: spfDomain,
        spf_aligned: false,
        dkim_domains: dkimDomains(ctx),
        dkim_aligned: false,
        dkim_absent_on_logging_host: dkimHostLogsAll,
        from_domain_signed: ownerSigned,
      },
      attack: SPOOFING,
    }),
  ].map((f) => ({ ...f, missing: ['auth.dmarc', 'auth.dmarc.policy'] }));
};

function dkimDomains(ctx: RuleContext): string | null {
  if (ctx.auth.dkim.length === 0) return null;
  return ctx.auth.dkim
    .slice(0, 5)
    .map((k) => `${k.domain ?? '?'}=${k.result}${k.failure !== undefined ? `(${k.failure})` : ''}`)
    .join(' ');
}

function dkimSummary(ctx: RuleContext, absentOnLoggingHost: boolean): string {
  if (absentOnLoggingHost)
    return `no DKIM signature (Exim host ${ctx.record.host} logs every signature it verifies, none for this message)`;
  const list = dkimDomains(ctx) ?? '';
  return `no aligned DKIM pass (DKIM ${list})`;
}
