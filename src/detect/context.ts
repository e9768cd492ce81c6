/**
 * RuleContext: one message record with what every rule needs worked out once — header
 * From, envelope sender, their organisational domains, where the message came from
 * (trusted network, SASL, local pickup, outside), the protected domains in force, the
 * authentication results — so the rules stay small pure functions.
 */
import type { HeaderValue, MessageRecord } from '../correlate/record.js';
import { parseAddress, parseAddressHeader, type AddressHeader, type Mailbox } from './address.js';
import { authView, type AuthView } from './auth-view.js';
import { authservIdOf, isOurAuthserv, milterAdded, policyFromOurHeaders } from './authserv.js';
import type { CompiledConfig } from './compiled.js';
import { aligned as alignedDomains, normalizeDomain, orgDomain, type OrgMethod } from './domains.js';
import type { RuleId } from './rule-ids.js';
import type { DetectorState } from './state.js';

export type OriginKind = 'sasl' | 'trusted-network' | 'local' | 'outside' | 'unknown';

export interface RuleContext {
  record: MessageRecord;
  cfg: CompiledConfig;
  state: DetectorState;
  auth: AuthView;
  /** Values of the From header(s) as logged. */
  fromValues: HeaderValue[];
  /** First From header parsed. */
  fromHeader?: AddressHeader;
  /** First mailbox of the first From header. */
  from?: Mailbox;
  /** Header-From domain: from the From header, else the domain OpenDMARC evaluated. */
  fromDomain?: string;
  fromDomainSource?: 'header' | 'dmarc';
  fromOrg?: string;
  /** MAIL FROM: "" null sender, undefined when not logged. */
  envFrom?: string;
  envLocal?: string;
  envDomain?: string;
  envOrg?: string;
  origin: OriginKind;
  /** True only when the client address is known, not trusted, no SASL login, not local. */
  outside: boolean;
  /** Organisational domains treated as protected for this message. */
  protectedOrgs: ReadonlySet<string>;
  protectedGuessed: boolean;
  /** DMARC passed, or a DKIM pass aligned with the header From. */
  fromAuthenticated: boolean;
  alignedDkimPass: boolean;
  alignedSpfPass: boolean;
  /** DMARC policy p= as logged, else as our own Authentication-Results header wrote it. */
  dmarcPolicy?: string;
  /** Record disposition when the message did not get through (rejected, discarded, quarantined, held). */
  blocked?: string;
  /** Organisational-domain methods used for this message. */
  orgMethods: Set<OrgMethod>;
  org(domain: string): string;
  aligned(a: string, b: string): boolean;
  isProtected(domain: string | undefined): boolean;
  weight(rule: RuleId, factor?: number): number;
  header(name: string): HeaderValue[];
}

const BLOCKED = new Set(['rejected', 'discarded', 'quarantined', 'held', 'bounced-by-policy']);
const NO_HEADERS: HeaderValue[] = [];

function originOf(record: MessageRecord, cfg: CompiledConfig): OriginKind {
  const s = record.session;
  if (s.saslUsername !== undefined && s.saslUsername !== '') return 'sasl';
  if (record.local === true) return 'local';
  if (s.clientIp !== undefined && cfg.trusted.hasIp(s.clientIp)) return 'trusted-network';
  if (s.clientIp !== undefined && s.clientIp !== '' && s.clientIp !== 'unknown') return 'outside';
  return 'unknown';
}

/**
 * Header-borne results are believed only when our side wrote them: Received-SPF only on
 * mail from inside (an upstream hop of ours added it); Authentication-Results only with our
 * authserv-id, and on mail from outside only when a milter on this host added it.
 */
function headerTrust(
  record: MessageRecord,
  cfg: CompiledConfig,
  origin: OriginKind,
): (source: string) => boolean {
  const internal = origin === 'sasl' || origin === 'local' || origin === 'trusted-network';
  return (source) => {
    if (!source.startsWith('header')) return true;
    if (source === 'header') return internal;
    if (!source.startsWith('header:')) return false;
    const id = source.slice(7).toLowerCase();
    if (!isOurAuthserv(id, cfg.authserv, record.host)) return false;
    if (internal) return true;
    return (record.headers['authentication-results'] ?? []).some(
      (h) => authservIdOf(h.value, false) === id && milterAdded(record, h),
    );
  };
}

export function buildContext(
  record: MessageRecord,
  cfg: CompiledConfig,
  state: DetectorState,
  protectedOrgs: ReadonlySet<string>,
  protectedGuessed: boolean,
): RuleContext {
  const orgMethods = new Set<OrgMethod>();
  // Domains from auth results are as logged (case, trailing dot): normalise before comparing.
  const norm = (d: string): string => normalizeDomain(d) ?? d.toLowerCase();
  const org = (d: string): string => {
    const o = orgDomain(norm(d));
    orgMethods.add(o.method);
    return o.org;
  };
  const mode = cfg.config.alignment;
  const aligned = (a: string, b: string): boolean => {
    const na = norm(a);
    const nb = norm(b);
    if (mode === 'relaxed') {
      org(na);
      org(nb);
    }
    return alignedDomains(na, nb, mode);
  };
  const header = (name: string): HeaderValue[] => record.headers[name] ?? NO_HEADERS;
  const origin = originOf(record, cfg);
  const auth = authView(record, headerTrust(record, cfg, origin));

  const fromValues = header('from');
  const ctx: RuleContext = {
    record,
    cfg,
    state,
    auth,
    fromValues,
    origin: 'unknown',
    outside: false,
    protectedOrgs,
    protectedGuessed,
    fromAuthenticated: false,
    alignedDkimPass: false,
    alignedSpfPass: false,
    orgMethods,
    org,
    aligned,
    isProtected: (d) => d !== undefined && protectedOrgs.has(org(d)),
    weight: (rule, factor = 1) => Math.round(cfg.weights[rule] * factor * 10) / 10,
    header,
  };

  const first = fromValues[0];
  if (first !== undefined) {
    ctx.fromHeader = parseAddressHeader(first.value);
    const box = ctx.fromHeader.mailboxes[0];
    if (box !== undefined) ctx.from = box;
    if (box?.domain !== undefined) {
      ctx.fromDomain = box.domain;
      ctx.fromDomainSource = 'header';
    }
  }
  if (ctx.fromDomain === undefined && auth.dmarc?.domain !== undefined) {
    const d = normalizeDomain(auth.dmarc.domain);
    if (d !== undefined) {
      ctx.fromDomain = d;
      ctx.fromDomainSource = 'dmarc';
    }
  }
  if (ctx.fromDomain !== undefined) ctx.fromOrg = org(ctx.fromDomain);

  const env = record.envelope.from;
  if (env !== undefined) {
    ctx.envFrom = env;
    const p = env === '' ? undefined : parseAddress(env);
    if (p !== undefined) {
      ctx.envLocal = p.local;
      if (p.domain !== undefined) {
        ctx.envDomain = p.domain;
        ctx.envOrg = org(p.domain);
      }
    }
  }

  ctx.origin = origin;
  ctx.outside = origin === 'outside';

  if (ctx.fromDomain !== undefined) {
    const fd = ctx.fromDomain;
    ctx.alignedDkimPass = auth.dkim.some(
      (d) => d.result === 'pass' && d.domain !== undefined && aligned(d.domain, fd),
    );
    ctx.alignedSpfPass = auth.spf.some((r) => {
      if (r.result !== 'pass' || r.scope === 'helo') return false;
      const dom = r.domain ?? ctx.envDomain;
      return dom !== undefined && aligned(dom, fd);
    });
  }
  const dmarcPass = auth.dmarc?.result === 'pass';
  // An aligned SPF pass authenticates the From unless the DMARC evaluator, which saw more, said fail.
  ctx.fromAuthenticated =
    dmarcPass || ctx.alignedDkimPass || (auth.dmarc?.result !== 'fail' && ctx.alignedSpfPass);
  if (BLOCKED.has(record.disposition)) ctx.blocked = record.disposition;
  if (auth.dmarc !== undefined) {
    const internal = origin === 'sasl' || origin === 'local' || origin === 'trusted-network';
    const policy = auth.dmarc.policy?.toLowerCase() ?? policyFromOurHeaders(record, cfg.authserv, internal);
    if (policy !== undefined) ctx.dmarcPolicy = policy;
  }
  return ctx;
}
