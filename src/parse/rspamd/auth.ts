/**
 * The authentication facts Rspamd states through its symbols (names as in Rspamd's spf,
 * dkim, dmarc and arc modules):
 *
 *   SPF   R_SPF_ALLOW pass, R_SPF_FAIL fail, R_SPF_SOFTFAIL softfail, R_SPF_NEUTRAL neutral,
 *         R_SPF_DNSFAIL temperror, R_SPF_PERMFAIL permerror, R_SPF_NA none
 *   DKIM  R_DKIM_ALLOW pass, R_DKIM_REJECT fail, R_DKIM_TEMPFAIL temperror,
 *         R_DKIM_PERMFAIL permerror, R_DKIM_NA none; options `domain[:s=selector]` per signature
 *   DMARC DMARC_POLICY_ALLOW(_WITH_FAILURES) pass, DMARC_POLICY_REJECT / _QUARANTINE /
 *         _SOFTFAIL fail (policy reject / quarantine / none), DMARC_NA none,
 *         DMARC_BAD_POLICY permerror, DMARC_DNSFAIL temperror; options `domain;policy`
 *   ARC   ARC_ALLOW pass, ARC_REJECT fail, ARC_INVALID permerror, ARC_DNSFAIL temperror, ARC_NA none
 *
 * Rspamd names each of these families once per message. Two contradicting symbols of one
 * family (or a family symbol seen twice) can only come from option text imitating a
 * symbol, so that family is reported as `unknown` rather than trusted.
 */
import type { AuthResult, FilterEvent } from '../event.js';
import type { ScannedSymbols } from './symbols.js';

type Auth = NonNullable<FilterEvent['auth']>;

const SPF: Record<string, AuthResult> = {
  R_SPF_ALLOW: 'pass',
  R_SPF_FAIL: 'fail',
  R_SPF_SOFTFAIL: 'softfail',
  R_SPF_NEUTRAL: 'neutral',
  R_SPF_DNSFAIL: 'temperror',
  R_SPF_PERMFAIL: 'permerror',
  R_SPF_NA: 'none',
};
const DKIM: Record<string, AuthResult> = {
  R_DKIM_ALLOW: 'pass',
  R_DKIM_REJECT: 'fail',
  R_DKIM_TEMPFAIL: 'temperror',
  R_DKIM_PERMFAIL: 'permerror',
  R_DKIM_NA: 'none',
};
const DMARC: Record<string, { result: AuthResult; policy?: string }> = {
  DMARC_POLICY_ALLOW: { result: 'pass' },
  DMARC_POLICY_ALLOW_WITH_FAILURES: { result: 'pass' },
  DMARC_POLICY_REJECT: { result: 'fail', policy: 'reject' },
  DMARC_POLICY_QUARANTINE: { result: 'fail', policy: 'quarantine' },
  DMARC_POLICY_SOFTFAIL: { result: 'fail', policy: 'none' },
  DMARC_NA: { result: 'none' },
  DMARC_BAD_POLICY: { result: 'permerror' },
  DMARC_DNSFAIL: { result: 'temperror' },
};
const ARC: Record<string, AuthResult> = {
  ARC_ALLOW: 'pass',
  ARC_REJECT: 'fail',
  ARC_INVALID: 'permerror',
  ARC_DNSFAIL: 'temperror',
  ARC_NA: 'none',
};

/** Most DKIM results kept from one line. */
export const MAX_RSPAMD_DKIM_RESULTS = 16;

function has(table: object, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(table, name);
}

function domainOfOption(opt: string): string | undefined {
  const colon = opt.indexOf(':');
  const d = (colon >= 0 ? opt.slice(0, colon) : opt).trim().toLowerCase();
  return d === '' || d.length > 253 ? undefined : d;
}

export function authFromSymbols(scan: Pick<ScannedSymbols, 'symbols' | 'duplicates'>): Auth | undefined {
  const auth: Auth = {};
  const dup = new Set(scan.duplicates);
  let spf: AuthResult | undefined;
  let spfConflict = false;
  let dmarcName: string | undefined;
  let dmarcConflict = false;
  let arc: AuthResult | undefined;
  let arcConflict = false;
  const dkim: { result: AuthResult; domain?: string }[] = [];
  for (const name in scan.symbols) {
    const sym = scan.symbols[name];
    if (sym === undefined) continue;
    if (has(SPF, name)) {
      if (spf !== undefined || dup.has(name)) spfConflict = true;
      spf = SPF[name];
    } else if (has(DKIM, name)) {
      const result = DKIM[name] as AuthResult;
      const opts = sym.options ?? [];
      if (opts.length === 0 && dkim.length < MAX_RSPAMD_DKIM_RESULTS) dkim.push({ result });
      for (const o of opts) {
        if (dkim.length >= MAX_RSPAMD_DKIM_RESULTS) break;
        const d = domainOfOption(o);
        dkim.push(d === undefined ? { result } : { result, domain: d });
      }
    } else if (has(DMARC, name)) {
      if (dmarcName !== undefined || dup.has(name)) dmarcConflict = true;
      dmarcName = name;
    } else if (has(ARC, name)) {
      if (arc !== undefined || dup.has(name)) arcConflict = true;
      arc = ARC[name];
    }
  }
  if (spf !== undefined) auth.spf = spfConflict ? 'unknown' : spf;
  if (dkim.length > 0) auth.dkim = dkim;
  if (dmarcName !== undefined) {
    if (dmarcConflict) auth.dmarc = { result: 'unknown' };
    else {
      const m = DMARC[dmarcName] as { result: AuthResult; policy?: string };
      const d: NonNullable<Auth['dmarc']> = { result: m.result };
      const opts = scan.symbols[dmarcName]?.options ?? [];
      const domain = opts[0] === undefined ? undefined : domainOfOption(opts[0]);
      if (domain !== undefined) d.domain = domain;
      const policy = opts[1]?.trim().toLowerCase();
      if (policy === 'reject' || policy === 'quarantine' || policy === 'none') d.policy = policy;
      else if (m.policy !== undefined) d.policy = m.policy;
      auth.dmarc = d;
    }
  }
  if (arc !== undefined) auth.arc = arcConflict ? 'unknown' : arc;
  return Object.keys(auth).length > 0 ? auth : undefined;
}
