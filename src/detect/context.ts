/**
 * RuleContext: one message record with what every rule needs worked out once — header
 * From, envelope sender, their organisational domains, where the message came from
 * (trusted network, SASL, local pickup, outside), the protected domains in force, the
 * authentication results — so the rules stay small pure functions.
 */
import type { HeaderValue, MessageRecord } from '../correlate/record.js';
import {
  parseAddress,
  parseAddressHeader,
  type AddressHeader,
  type Mailbox,
  type ParsedAddress,
} from './address.js';
import { authView, type AuthView } from './auth-view.js';
import { authservIdOf, isOurAuthserv, milterAdded, policyFromOurHeaders } from './authserv.js';
import type { CompiledConfig } from './compiled.js';
import { normalizeDomain, orgDomain } from './domains.js';
import { MAX_ORG_CACHE, MAX_PARSED_ADDRESS_CACHE } from './limits.js';
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
  /** True once an organisational domain of this message came from the last-two-labels fallback, not the PSL. */
  orgFallback: boolean;
  org(domain: string): string;
  aligned(a: string, b: string): boolean;
  isProtected(domain: string | undefined): boolean;
  weight(rule: RuleId, factor?: number): number;
  header(name: string): HeaderValue[];
}

const BLOCKED = new Set(['rejected', 'discarded', 'quarantined', 'held', 'bounced-by-policy']);
const NO_HEADERS: HeaderValue[] = [];

export function originOf(record: MessageRecord, cfg: CompiledConfig): OriginKind {
  const s = record.session;
  if (s.saslUsername !== undefined && s.saslUsername !== '') return 'sasl';
  if (record.local === true) return 'local';
  if (s.clientIp !== undefined && cfg.trusted.hasIp(s.clientIp)) return 'trusted-network';
  if (s.clientIp !== undefined && s.clientIp !== '' && s.clientIp !== 'unknown') return 'outside';
  return 'unknown';
}

/**
 * What the context needs about a domain as logged (auth results keep case and trailing
 * dots): its normalised form and organisational domain. Rules ask for the same few domains
 * many times per message and the same domains come back message after message, so each
 * distinct string is worked out once (bounded: cleared when full).
 */
interface DomainFacts {
  /** normalizeDomain(raw), else raw lower-cased. */
  norm: string;
  /** Organisational domain of `norm`. */
  org: string;
  fallback: boolean;
  /** Whether the organisational domain of norm(norm) is a fallback (norm is not idempotent for "x.."). */
  normFallback: boolean;
}

const domainFacts = new Map<string, DomainFacts>();

function normOf(d: string): string {
  return normalizeDomain(d) ?? d.toLowerCase();
}

/**
 * The last few domains asked, in front of the Map: one message asks about the same three
 * or four (From, envelope, DKIM d=) again and again, and comparing a short string is
 * cheaper than a lookup in a table of thousands.
 */
const RECENT = 4;
const recentRaw: string[] = ['', '', '', ''];
const recentFacts: (DomainFacts | undefined)[] = [undefined, undefined, undefined, undefined];
let recentNext = 0;

function factsOf(raw: string): DomainFacts {
  for (let i = 0; i < RECENT; i++) {
    if (recentRaw[i] === raw) {
      const f = recentFacts[i];
      if (f !== undefined) return f;
    }
  }
  const facts = factsFromTable(raw);
  recentRaw[recentNext] = raw;
  recentFacts[recentNext] = facts;
  recentNext = (recentNext + 1) % RECENT;
  return facts;
}

function factsFromTable(raw: string): DomainFacts {
  const hit = domainFacts.get(raw);
  if (hit !== undefined) return hit;
  const norm = normOf(raw);
  const o = orgDomain(norm);
  const norm2 = normOf(norm);
  const fallback = o.method === 'fallback-last-two-labels';
  const facts: DomainFacts = {
    norm,
    org: o.org,
    fallback,
    normFallback: norm2 === norm ? fallback : orgDomain(norm2).method === 'fallback-last-two-labels',
  };
  if (domainFacts.size >= MAX_ORG_CACHE) domainFacts.clear();
  domainFacts.set(raw, facts);
  return facts;
}

/**
 * From values and envelope senders already parsed: the same senders come back message
 * after message. Bounded (short values only, cleared when full); the parsed objects are
 * shared between messages, and rules only read them.
 */
const fromHeaders = new Map<string, AddressHeader>();
const envelopes = new Map<string, ParsedAddress | null>();
const MAX_CACHED_VALUE_CHARS = 256;

function fromHeaderOf(value: string): AddressHeader {
  if (value.length > MAX_CACHED_VALUE_CHARS) return parseAddressHeader(value);
  let h = fromHeaders.get(value);
  if (h === undefined) {
    h = parseAddressHeader(value);
    if (fromHeaders.size >= MAX_PARSED_ADDRESS_CACHE) fromHeaders.clear();
    fromHeaders.set(value, h);
  }
  return h;
}

function envelopeOf(addr: string): ParsedAddress | undefined {
  if (addr.length > MAX_CACHED_VALUE_CHARS) return parseAddress(addr);
  let p = envelopes.get(addr);
  if (p === undefined) {
    p = parseAddress(addr) ?? null;
    if (envelopes.size >= MAX_PARSED_ADDRESS_CACHE) envelopes.clear();
    envelopes.set(addr, p);
  }
  return p ?? undefined;
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

/** True when some result of the record was read from a logged header (and so needs headerTrust). */
function hasHeaderSource(record: MessageRecord): boolean {
  const a = record.auth;
  for (const r of a.spf) if (r.source.startsWith('header')) return true;
  for (const r of a.dkim) if (r.source.startsWith('header')) return true;
  return (
    (a.dmarc !== undefined && a.dmarc.source.startsWith('header')) ||
    (a.arc !== undefined && a.arc.source.startsWith('header'))
  );
}

/**
 * The context as a class: one object per message with its helpers on the prototype, rather
 * than a handful of closures per message; every field is set in the constructor so all
 * contexts share one shape.
 */
class Context implements RuleContext {
  auth: AuthView;
  fromValues: HeaderValue[];
  fromHeader: AddressHeader | undefined = undefined;
  from: Mailbox | undefined = undefined;
  fromDomain: string | undefined = undefined;
  fromDomainSource: 'header' | 'dmarc' | undefined = undefined;
  fromOrg: string | undefined = undefined;
  envFrom: string | undefined = undefined;
  envLocal: string | undefined = undefined;
  envDomain: string | undefined = undefined;
  envOrg: string | undefined = undefined;
  outside: boolean;
  fromAuthenticated = false;
  alignedDkimPass = false;
  alignedSpfPass = false;
  dmarcPolicy: string | undefined = undefined;
  blocked: string | undefined = undefined;
  orgFallback = false;

  constructor(
    readonly record: MessageRecord,
    readonly cfg: CompiledConfig,
    readonly state: DetectorState,
    readonly protectedOrgs: ReadonlySet<string>,
    readonly protectedGuessed: boolean,
    readonly origin: OriginKind,
  ) {
    this.outside = origin === 'outside';
    this.auth = authView(record, hasHeaderSource(record) ? headerTrust(record, cfg, origin) : undefined);
    this.fromValues = this.header('from');
  }

  org(domain: string): string {
    const f = factsOf(domain);
    if (f.fallback) this.orgFallback = true;
    return f.org;
  }

  aligned(a: string, b: string): boolean {
    const fa = factsOf(a);
    const fb = factsOf(b);
    if (this.cfg.config.alignment === 'relaxed') {
      // The organisational domains of both sides count toward the verdict's orgDomainMethod.
      if (fa.normFallback || fb.normFallback) this.orgFallback = true;
      return fa.norm === fb.norm || fa.org === fb.org;
    }
    return fa.norm === fb.norm;
  }

  isProtected(domain: string | undefined): boolean {
    return domain !== undefined && this.protectedOrgs.has(this.org(domain));
  }

  weight(rule: RuleId, factor = 1): number {
    return Math.round(this.cfg.weights[rule] * factor * 10) / 10;
  }

  header(name: string): HeaderValue[] {
    return this.record.headers[name] ?? NO_HEADERS;
  }
}

export function buildContext(
  record: MessageRecord,
  cfg: CompiledConfig,
  state: DetectorState,
  protectedOrgs: ReadonlySet<string>,
  protectedGuessed: boolean,
  origin: OriginKind = originOf(record, cfg),
): RuleContext {
  const ctx = new Context(record, cfg, state, protectedOrgs, protectedGuessed, origin);
  const auth = ctx.auth;

  const first = ctx.fromValues[0];
  if (first !== undefined) {
    ctx.fromHeader = fromHeaderOf(first.value);
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
  if (ctx.fromDomain !== undefined) ctx.fromOrg = ctx.org(ctx.fromDomain);

  const env = record.envelope.from;
  if (env !== undefined) {
    ctx.envFrom = env;
    const p = env === '' ? undefined : envelopeOf(env);
    if (p !== undefined) {
      ctx.envLocal = p.local;
      if (p.domain !== undefined) {
        ctx.envDomain = p.domain;
        ctx.envOrg = ctx.org(p.domain);
      }
    }
  }

  if (ctx.fromDomain !== undefined) {
    const fd = ctx.fromDomain;
    // Loops rather than some() with closures: this runs for every message.
    for (const d of auth.dkim) {
      if (d.result === 'pass' && d.domain !== undefined && ctx.aligned(d.domain, fd)) {
        ctx.alignedDkimPass = true;
        break;
      }
    }
    for (const r of auth.spf) {
      if (r.result !== 'pass' || r.scope === 'helo') continue;
      const dom = r.domain ?? ctx.envDomain;
      if (dom !== undefined && ctx.aligned(dom, fd)) {
        ctx.alignedSpfPass = true;
        break;
      }
    }
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
