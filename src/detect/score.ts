/**
 * Scoring: the sum of finding weights (after guards; findings reading the same evidence
 * counted once) against configurable thresholds.
 * `spoof` needs strong evidence (the default weights let only a DMARC failure under
 * p=reject/quarantine, our own domain from outside unauthenticated, forged
 * Authentication-Results, an enforced SPF reject, or a look-alike with other evidence
 * reach it). `clean` needs the logs to carry enough to decide: the header-From domain and
 * either an authentication pass (SPF/DKIM/DMARC/ARC) or a trusted origin; otherwise the
 * verdict is `unknown` with the missing fields named.
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
  if (ctx.fromDomain === undefined) missing.push('header.from');
  if (r.envelope.from === undefined) missing.push('envelope.from');
  const smtp = r.local !== true;
  if (smtp && (r.session.clientIp === undefined || r.session.clientIp === ''))
    missing.push('session.client_ip');
  if (smtp && r.session.helo === undefined) missing.push('session.helo');
  const trusted = ctx.origin === 'sasl' || ctx.origin === 'trusted-network' || ctx.origin === 'local';
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
  const groups = new Map<string, { max: number; sum: number }>();
  for (const f of findings) {
    const g = EVIDENCE_GROUP[f.rule];
    if (g === undefined) {
      total += f.weight;
      continue;
    }
    const cur = groups.get(g) ?? { max: 0, sum: 0 };
    cur.max = Math.max(cur.max, f.weight);
    cur.sum += f.weight;
    groups.set(g, cur);
  }
  for (const { max, sum } of groups.values()) total += max + GROUP_REST_FACTOR * (sum - max);
  return Math.round(total * 10) / 10;
}

export function scoreFindings(findings: readonly Finding[], ctx: RuleContext, t: Thresholds): Score {
  const total = totalScore(findings);
  const missing = missingFields(ctx);
  const top = [...findings].sort((a, b) => b.weight - a.weight)[0];
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
  if (!trusted && !anyAuthPass(ctx)) {
    return {
      level: 'unknown',
      score: total,
      missing,
      explanation:
        ctx.auth.spf.length + ctx.auth.dkim.length > 0 || ctx.auth.dmarc !== undefined
          ? 'No authentication check passed (SPF/DKIM/DMARC none or inconclusive) and the client is not trusted: nothing vouches for the sender.'
          : 'No authentication results were logged and the client is not trusted: nothing vouches for the sender.',
    };
  }
  return {
    level: 'clean',
    score: total,
    missing,
    explanation: trusted
      ? `Score ${total} below ${t.suspicious}; trusted origin (${ctx.origin}).`
      : `Score ${total} below ${t.suspicious}; authentication passed.`,
  };
}
