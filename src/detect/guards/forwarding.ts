/**
 * forwarding guard: the message was forwarded, which breaks SPF (new client) and often
 * DMARC, and changes the envelope. Three signs, strongest first:
 * - the client is a configured trusted forwarder (host name or network);
 * - an ARC chain sealed by a configured trusted sealer that validated (or OpenDMARC's ARC
 *   override); an ARC chain from any other sealer is only noted, never trusted;
 * - an SRS envelope (SRS0= / SRS1=) whose own SPF did not fail (anyone can write "SRS0=",
 *   so this lowers less, not SPF itself, and a DMARC failure only when the From's owner
 *   had signed the message).
 * Never lowers own-domain-from-outside or look-alike / display-name findings.
 */
import type { RuleId } from '../rule-ids.js';
import type { RuleContext } from '../context.js';
import type { Guard, GuardDecision } from './guard.js';
import { normalizeDomain } from '../domains.js';

const FORWARD_RULES: RuleId[] = [
  'spf-fail',
  'spf-softfail',
  'dmarc-fail',
  'dmarc-fail-derived',
  'header-from-envelope-mismatch',
  'return-path-sender-divergence',
  'dkim-unaligned',
  'helo-anomaly',
];

function factors(
  rules: RuleId[],
  f: number,
  extra: Partial<Record<RuleId, number>> = {},
): Partial<Record<RuleId, number>> {
  const out: Partial<Record<RuleId, number>> = {};
  for (const r of rules) out[r] = f;
  return { ...out, ...extra };
}

/** d= of the ARC-Seal with the highest i= (the last forwarder). */
export function arcSealer(ctx: RuleContext): string | undefined {
  let best: { i: number; d: string } | undefined;
  for (const h of ctx.header('arc-seal')) {
    const v = h.value.length > 2048 ? h.value.slice(0, 2048) : h.value;
    let i = 0;
    let d: string | undefined;
    for (const part of v.split(';')) {
      const t = part.trim();
      if (t.startsWith('i=')) i = Number.parseInt(t.slice(2), 10) || 0;
      else if (t.startsWith('d=')) d = normalizeDomain(t.slice(2));
    }
    if (d !== undefined && (best === undefined || i >= best.i)) best = { i, d };
  }
  return best?.d;
}

export const forwardingGuard: Guard = (ctx) => {
  const out: GuardDecision[] = [];
  const s = ctx.record.session;
  if (!ctx.cfg.forwarders.empty && ctx.cfg.forwarders.matches(s.clientIp, s.clientHost)) {
    out.push({
      name: 'forwarding',
      reason: `client ${s.clientHost ?? ''}[${s.clientIp ?? ''}] is a configured trusted forwarder`,
      factors: factors(FORWARD_RULES, 0.1, { 'dkim-fail': 0.3, 'forged-auth-results': 0.2 }),
    });
  }
  const sealer = arcSealer(ctx);
  const arcPass = ctx.auth.arc?.result === 'pass' || ctx.auth.dmarc?.arcOverride === true;
  if (sealer !== undefined || arcPass) {
    const trusted = sealer !== undefined && ctx.cfg.arcSealers.has(ctx.org(sealer));
    if (trusted && arcPass) {
      out.push({
        name: 'forwarding',
        reason: `ARC chain sealed by trusted sealer ${sealer} validated`,
        factors: factors(FORWARD_RULES, 0.1, { 'dkim-fail': 0.3 }),
      });
    } else {
      out.push({
        name: 'forwarding',
        reason: '',
        factors: {},
        note:
          sealer === undefined
            ? 'ARC override applied by the DMARC evaluator, sealer not logged (not trusted)'
            : `ARC chain sealed by ${sealer}${arcPass ? '' : ' (not validated)'}, not a trusted sealer`,
      });
    }
  }
  const local = ctx.envLocal?.toLowerCase();
  if (
    local !== undefined &&
    (local.startsWith('srs0=') ||
      local.startsWith('srs1=') ||
      local.startsWith('srs0+') ||
      local.startsWith('srs0-'))
  ) {
    const spfFailed = ctx.auth.spf.some(
      (r) => r.scope !== 'helo' && (r.result === 'fail' || r.result === 'softfail'),
    );
    if (!spfFailed) {
      // A DMARC failure is explained only when the From's owner had signed (the signature
      // broke on the way); an unsigned From behind "SRS0=" may be a forger's disguise.
      const from = ctx.fromDomain;
      const ownerSigned =
        from !== undefined &&
        ctx.auth.dkim.some(
          (k) => k.domain !== undefined && k.failure !== 'key' && ctx.aligned(k.domain, from),
        );
      const rules: RuleId[] = [
        'header-from-envelope-mismatch',
        'return-path-sender-divergence',
        'dkim-unaligned',
      ];
      if (ownerSigned) rules.push('dmarc-fail', 'dmarc-fail-derived');
      out.push({
        name: 'forwarding',
        reason:
          `SRS envelope ${ctx.envFrom ?? ''}: rewritten by forwarder ${ctx.envDomain ?? ''}` +
          (ownerSigned ? '' : ' (the From was not signed by its owner, so a DMARC failure stays)'),
        factors: factors(rules, 0.3),
      });
    }
  }
  return out;
};
