/**
 * The detector: MessageRecord -> Verdict. Builds the context once, runs every rule,
 * lowers findings with the guards, scores, and learns (bounded) from what it has seen:
 * protected domains from inbound recipients when none are configured, and
 * (From org, envelope org) pairs from DMARC passes.
 */
import type { MessageRecord } from '../correlate/record.js';
import type { Verdict } from './verdict.js';
import type { Config } from './config.js';
import { compileConfig } from './compiled.js';
import { buildContext, originOf } from './context.js';
import { normalizeDomain, orgDomain } from './domains.js';
import { GUARDS } from './guards/index.js';
import { applyGuards, type GuardDecision } from './guards/guard.js';
import { parseAddress } from './address.js';
import { MAX_ADDRESS_CACHE } from './limits.js';
import { NetSet, PRIVATE_NETWORKS } from './networks.js';
import { RULES } from './rules/index.js';
import { scoreFindings } from './score.js';
import { DetectorState } from './state.js';
import type { Finding } from './verdict.js';

export { ATTACK, ANALYTIC, attackRefs } from './attack.js';
export { RULE_INFO, type RuleInfo } from './rule-info.js';
export { RULE_IDS, DEFAULT_WEIGHTS, DEFAULT_THRESHOLDS, type RuleId } from './rule-ids.js';
export type { Config } from './config.js';

export interface Detector {
  detect(record: MessageRecord): Verdict;
  /** Notes for the user (e.g. "no protected domains configured: guessed example.com from recipients"). */
  notes(): string[];
}

const PRIVATE = new NetSet(PRIVATE_NETWORKS);

/** Recipients looked at per record when learning protected domains. */
const LEARN_RECIPIENTS_PER_RECORD = 50;

function domainOf(addr: string): string | undefined {
  const p = parseAddress(addr);
  return p?.domain === undefined ? undefined : normalizeDomain(p.domain);
}

/** Organisational domain an address teaches as protected, or null when it teaches none. */
function learnableOrg(addr: string): string | null {
  const d = domainOf(addr);
  return d !== undefined && d.includes('.') ? orgDomain(d).org : null;
}

export function createDetector(config: Config): Detector {
  const cfg = compileConfig(config);
  const state = new DetectorState();
  const guessing = cfg.protectedOrgs.size === 0;
  let learnedSet: ReadonlySet<string> = new Set<string>();
  let learnedSize = 0;
  // The same recipients come back message after message: each address is read once
  // (bounded, cleared when full: recipients are attacker-chosen).
  const learnable = new Map<string, string | null>();
  const learnFrom = (addr: string): void => {
    let org = learnable.get(addr);
    if (org === undefined) {
      org = learnableOrg(addr);
      if (learnable.size >= MAX_ADDRESS_CACHE) learnable.clear();
      learnable.set(addr, org);
    }
    if (org !== null) state.learnProtected(org);
  };

  /** `inbound`: from a client outside the trusted and private networks, without SASL, not local. */
  const learnProtected = (record: MessageRecord, inbound: boolean, sasl: boolean): void => {
    if (inbound) {
      // Only recipients the MTA accepted: a rejected relay attempt to gmail.com says
      // nothing about which domains are ours.
      if (record.queueId === undefined || record.disposition === 'rejected') return finishLearning();
      // Hand-written loops: this runs for every inbound message, and most refuse no one.
      let refused: Set<string> | undefined;
      for (const r of record.recipients) if (r.status === 'rejected') (refused ??= new Set()).add(r.to);
      const envelope = record.envelope.recipients;
      const fromEnvelope = envelope.length > 0;
      const n = fromEnvelope ? envelope.length : record.recipients.length;
      let taken = 0;
      for (let i = 0; i < n && taken < LEARN_RECIPIENTS_PER_RECORD; i++) {
        const r = fromEnvelope ? envelope[i]! : record.recipients[i]!.to;
        if (refused?.has(r) === true) continue;
        taken++;
        learnFrom(r);
      }
    } else if (sasl && record.envelope.from !== undefined && record.envelope.from !== '') {
      learnFrom(record.envelope.from);
    }
    finishLearning();
  };
  const finishLearning = (): void => {
    if (state.learnedProtected.size !== learnedSize) {
      learnedSize = state.learnedProtected.size;
      learnedSet = new Set(state.learnedProtected.keys());
    }
  };

  return {
    detect(record: MessageRecord): Verdict {
      state.records++;
      const origin = originOf(record, cfg);
      const ip = record.session.clientIp;
      // Outside, or no usable client address: whether it is private decides both learning and a note.
      const priv = (origin === 'outside' || origin === 'unknown') && ip !== undefined && PRIVATE.hasIp(ip);
      if (guessing) {
        const inbound = (origin === 'outside' || origin === 'unknown') && ip !== undefined && !priv;
        learnProtected(record, inbound, origin === 'sasl');
      }
      const protectedOrgs = guessing ? learnedSet : cfg.protectedOrgs;
      if (record.mta === 'exim' && record.auth.dkim.some((k) => k.source === 'exim'))
        state.learnDkimLoggingHost(record.host);
      const ctx = buildContext(record, cfg, state, protectedOrgs, guessing, origin);
      if (ctx.outside && priv) {
        state.privateOutside++;
        state.privateExample ??= record.session.clientIp;
      }
      let findings: Finding[] = [];
      for (const rule of RULES) {
        const got = rule(ctx);
        // Indexed: for-of over the shared frozen NO_FINDINGS would allocate iterator results.
        for (let i = 0; i < got.length; i++) findings.push(got[i]!);
      }
      if (findings.length > 0) {
        const decisions: GuardDecision[] = [];
        for (const g of GUARDS) decisions.push(...g(ctx));
        findings = applyGuards(findings, decisions);
        if (ctx.blocked !== undefined) {
          const blocked = ctx.blocked;
          findings = findings.map((f) => ({
            ...f,
            summary: `${f.summary} (message ${blocked})`,
            fields: { ...f.fields, disposition: record.disposition },
          }));
        }
      }
      const s = scoreFindings(findings, ctx, config.thresholds);
      if (ctx.auth.dmarc?.result === 'pass' && ctx.fromOrg !== undefined && ctx.envOrg !== undefined) {
        if (ctx.fromOrg !== ctx.envOrg) state.learnPair(ctx.fromOrg, ctx.envOrg);
      }
      const verdict: Verdict = {
        record,
        verdict: s.level,
        score: s.score,
        findings,
        missing: s.missing,
        orgDomainMethod: ctx.orgFallback ? 'fallback-last-two-labels' : 'psl',
        explanation: s.explanation,
        origin: ctx.origin,
      };
      return verdict;
    },
    notes(): string[] {
      const notes = [...cfg.notes];
      if (guessing) {
        const top = [...state.learnedProtected.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
        notes.push(
          top.length === 0
            ? 'no protectedDomains configured and none could be guessed (no inbound recipients seen): own-domain and look-alike checks did not run'
            : `no protectedDomains configured: guessed ${state.learnedProtected.size} from recipients of inbound mail and authenticated senders: ${top.map(([d]) => d).join(', ')}${state.learnedProtected.size > top.length ? ', ...' : ''} (messages seen before a domain was learned were not checked against it)`,
        );
        if (state.learnedProtectedFull)
          notes.push('learned protected domains reached their limit; later ones were ignored');
      }
      if (state.privateOutside > 0) {
        notes.push(
          `${state.privateOutside} message(s) came from private addresses not in trustedNetworks (e.g. ${state.privateExample ?? ''}) and were judged as from outside: add your relays to trustedNetworks`,
        );
      }
      if (cfg.authserv.size === 0) {
        notes.push(
          "authservId not configured: Authentication-Results headers were compared with each MTA's own host name",
        );
      }
      if (state.pairs.size > 0) {
        notes.push(
          `learned ${state.pairs.size} third-party sender pair(s) (From org, envelope org) from DMARC passes`,
        );
      }
      if (state.pairsFull)
        notes.push('learned third-party pairs reached their limit; later ones were not learned');
      if (state.campaignEvicted > 0) {
        notes.push(
          `campaign tracking forgot ${state.campaignEvicted} client(s) to stay within its memory limit`,
        );
      }
      return notes;
    },
  };
}
