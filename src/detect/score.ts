/**
 * Scoring: the sum of finding weights (after guards; findings reading the same evidence
 * counted once) against configurable thresholds.
 * `spoof` needs strong evidence (the default weights let only a DMARC failure under
 * p=reject/quarantine, our own domain from outside unauthenticated, forged
 * Authentication-Results, an enforced SPF reject, or a look-alike with other evidence
 * reach it). `clean` needs the logs to carry enough to decide: the header-From domain and
 * a trusted origin, or that From authenticated (DMARC pass, aligned DKIM or SPF pass), or a
 * forwarder / list / known third party that explains the discrepancy and itself passed an
 * authentication check; otherwise the verdict is `unknown` with the missing fields named.
 */
import type { RuleContext } from './context.js';
import type { Finding, VerdictLevel } from './verdict.js';

export interface Thresholds {
  suspicious: number;
  spoof: number;
}

export interface Score {
  level: VerdictLevel;
  score: number;
  missing: string[];
  explanation: string;
}

/** Fields the decision needs that the logs did not carry (dotted names, as coverage uses them). */
export function missingFields(ctx: RuleContext): string[] {
  const r = ctx.record;
  const missing: string[] = [];
  const trusted = ctx.origin === 'sasl' || ctx.origin === 'trusted-network' || ctx.origin === 'local';
  // A From domain known only from the DMARC verifier's line: the header itself (display
  // name, several From) was not logged, so the rules that read it could not run.
  if (ctx.fromDomain === undefined || (!trusted && ctx.fromDomainSource !== 'header'))
    missing.push('header.from');
  if (r.envelope.from === undefined) missing.push('envelope.from');
  const smtp = r.local !== true;
  if (smtp && (r.session.clientIp === undefined || r.session.clientIp === ''))
    missing.push('session.client_ip');
  if (smtp && r.session.helo === undefined) missing.push('session.helo');
  if (!trusted) {
    if (ctx.auth.spf.length === 0) missing.push('auth.spf');
    if (ctx.auth.dkim.length === 0) missing.push('auth.dkim');
    if (ctx.auth.dmarc === undefined) missing.push('auth.dmarc');
  }
  return missing;
}

export function anyAuthPass(ctx: RuleContext): boolean {
  const a = ctx.auth;
  return (
    a.spf.some((s) => s.result === 'pass' && s.scope !== 'helo') ||
    a.dkim.some((d) => d.result === 'pass') ||
    a.dmarc?.result === 'pass' ||
    a.arc?.result === 'pass'
  );
}

/**
 * Findings that read the same piece of evidence count once: the strongest in full, the
 * others at 20% (a display name that both names the CEO and shows her address is one
 * impersonation, and a look-alike domain in From and envelope is one domain).
 */
const EVIDENCE_GROUP: Record<string, string> = {
  'display-name-address': 'display-name',
  'display-name-vip': 'display-name',
  'lookalike-domain': 'lookalike-domain',
};
const GROUP_REST_FACTOR = 0.2;

/** The verdict score: sum of weights, evidence groups counted once (see EVIDENCE_GROUP). */
export function totalScore(findings: readonly Finding[]): number {
  let total = 0;
  let groups: Map<string, { max: number; sum: number }> | undefined; // only when a group is present
  for (const f of findings) {
    const g = EVIDENCE_GROUP[f.rule];
    if (g === undefined) {
      total += f.weight;
      continue;
    }
    groups ??= new Map();
    const cur = groups.get(g) ?? { max: 0, sum: 0 };
    cur.max = Math.max(cur.max, f.weight);
    cur.sum += f.weight;
    groups.set(g, cur);
  }
  if (groups !== undefined)
    for (const { max, sum } of groups.values()) total += max + GROUP_REST_FACTOR * (sum - max);
  return Math.round(total * 10) / 10;
}

/** Guards naming a sender that takes responsibility for the message (not bounces, not internal). */
const ACCOUNTABLE_GUARDS = new Set(['forwarding', 'mailing-list', 'third-party-sender', 'learned-sender']);

export function scoreFindings(findings: readonly Finding[], ctx: RuleContext, t: Thresholds): Score {
  const total = totalScore(findings);
  const missing = missingFields(ctx);
  // The first of the heaviest (what a stable descending sort puts first), without a sorted copy.
  let top: Finding | undefined;
  for (const f of findings) if (top === undefined || f.weight > top.weight) top = f;
  const blocked = ctx.blocked !== undefined ? ` The message was ${ctx.blocked}.` : '';
  if (total >= t.spoof) {
    return {
      level: 'spoof',
      score: total,
      missing,
      explanation: `Score ${total} reaches the spoof threshold ${t.spoof}; strongest: ${top?.summary ?? ''}.${blocked}`,
    };
  }
  if (total >= t.suspicious) {
    return {
      level: 'suspicious',
      score: total,
      missing,
      explanation: `Score ${total} reaches the suspicious threshold ${t.suspicious}; strongest: ${top?.summary ?? ''}.${blocked}`,
    };
  }
  if (ctx.fromDomain === undefined) {
    return {
      level: 'unknown',
      score: total,
      missing,
      explanation: 'The logs do not carry the header From domain, so the sender identity cannot be judged.',
    };
  }
  const trusted = ctx.origin === 'sasl' || ctx.origin === 'trusted-network' || ctx.origin === 'local';
  if (!trusted && ctx.fromDomainSource !== 'header') {
    return {
      level: 'unknown',
      score: total,
      missing,
      explanation: `The header From was not logged (its domain ${ctx.fromDomain} is known only from the DMARC verifier's line), so the display name and the From header itself could not be checked.`,
    };
  }
  if (trusted) {
    return {
      level: 'clean',
      score: total,
      missing,
      explanation: `Score ${total} below ${t.suspicious}; trusted origin (${ctx.origin}).`,
    };
  }
  if (ctx.fromAuthenticated) {
    return {
      level: 'clean',
      score: total,
      missing,
      explanation: `Score ${total} below ${t.suspicious}; the header From ${ctx.fromDomain} is authenticated (DMARC or aligned DKIM/SPF pass).`,
    };
  }
  // A forwarder, list or known third party that re-sent the message is the accountable
  // sender: its own authentication pass vouches for the hop the From cannot.
  const explainedBy = findings.find(
    (f) => f.guard !== undefined && ACCOUNTABLE_GUARDS.has(f.guard.name),
  )?.guard;
  if (explainedBy !== undefined && anyAuthPass(ctx)) {
    return {
      level: 'clean',
      score: total,
      missing,
      explanation: `Score ${total} below ${t.suspicious}; ${explainedBy.reason}, and that sender authenticated.`,
    };
  }
  const logged = ctx.auth.spf.length + ctx.auth.dkim.length > 0 || ctx.auth.dmarc !== undefined;
  return {
    level: 'unknown',
    score: total,
    missing,
    explanation: !logged
      ? 'No authentication results were logged and the client is not trusted: nothing vouches for the sender.'
      : anyAuthPass(ctx)
        ? `Authentication passed only for other identities than the header From ${ctx.fromDomain}, and nothing explains why: the From itself is not vouched for.`
        : 'No authentication check passed (SPF/DKIM/DMARC none or inconclusive) and the client is not trusted: nothing vouches for the sender.',
  };
}
