/**
 * The configuration turned into the lookup structures the rules use once per message:
 * sets of organisational domains, BlockLists for networks, normalised VIP names.
 */
import type { Config } from './config.js';
import { normalizeDomain, orgDomain } from './domains.js';
import { DEFAULT_FREEMAIL_DOMAINS } from './freemail.js';
import { MAX_PROTECTED_COMPARED } from './limits.js';
import { ALWAYS_TRUSTED, NetSet } from './networks.js';
import { DEFAULT_WEIGHTS, type RuleId } from './rule-ids.js';
import { normalizeName } from './skeleton.js';

export interface ThirdParty {
  domains: Set<string>; // organisational domains
  dkimDomains: Set<string>; // organisational domains
  networks: NetSet;
}

export interface Vip {
  name: string;
  norm: string;
  /** "doe jane" for "Jane Doe": names are also written last-name first. */
  reversed: string;
}

export interface CompiledConfig {
  config: Config;
  /** Organisational domains of configured protected domains. */
  protectedOrgs: Set<string>;
  trusted: NetSet;
  forwarders: NetSet;
  arcSealers: Set<string>;
  /** List-Id values and list addresses / domains, lower-cased. */
  mailingLists: Set<string>;
  thirdParty: Map<string, ThirdParty>;
  vips: Vip[];
  freemail: Set<string>;
  authserv: Set<string>;
  weights: Record<RuleId, number>;
  notes: string[];
}

function orgsOf(list: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const d of list) {
    const n = normalizeDomain(d);
    if (n !== undefined) out.add(orgDomain(n).org);
  }
  return out;
}

export function compileConfig(config: Config): CompiledConfig {
  const notes: string[] = [];
  let prot = config.protectedDomains;
  if (prot.length > MAX_PROTECTED_COMPARED) {
    notes.push(`only the first ${MAX_PROTECTED_COMPARED} of ${prot.length} protected domains are compared`);
    prot = prot.slice(0, MAX_PROTECTED_COMPARED);
  }
  const thirdParty = new Map<string, ThirdParty>();
  for (const [key, tp] of Object.entries(config.thirdPartySenders)) {
    const d = normalizeDomain(key);
    if (d === undefined) continue;
    thirdParty.set(orgDomain(d).org, {
      domains: orgsOf(tp.domains),
      dkimDomains: orgsOf(tp.dkimDomains),
      networks: new NetSet(tp.networks),
    });
  }
  const vips: Vip[] = [];
  for (const name of config.vips.slice(0, MAX_PROTECTED_COMPARED)) {
    const norm = normalizeName(name);
    if (norm.length < 3) continue;
    const parts = norm.split(' ');
    vips.push({ name, norm, reversed: parts.length > 1 ? [...parts.slice(1), parts[0]].join(' ') : norm });
  }
  const weights = { ...DEFAULT_WEIGHTS } as Record<RuleId, number>;
  for (const [k, v] of Object.entries(config.weights)) {
    if (v !== undefined && k in weights) weights[k as RuleId] = v;
  }
  return {
    config,
    protectedOrgs: orgsOf(prot),
    trusted: new NetSet([...ALWAYS_TRUSTED, ...config.trustedNetworks]),
    forwarders: new NetSet(config.trustedForwarders),
    arcSealers: orgsOf(config.trustedArcSealers),
    mailingLists: new Set(config.mailingLists.map((s) => s.trim().toLowerCase().replace(/^<|>$/g, ''))),
    thirdParty,
    vips,
    freemail: orgsOf([...DEFAULT_FREEMAIL_DOMAINS, ...config.freemailDomains]),
    authserv: new Set(config.authservId.map((s) => s.trim().toLowerCase())),
    weights,
    notes,
  };
}
