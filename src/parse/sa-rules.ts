/**
 * SpamAssassin rule hits (as spamd's `result:` line and Amavis' `Tests: [...]` list them)
 * that state an authentication result, mapped to FilterEvent.auth:
 *
 *   SPF   SPF_PASS pass, SPF_FAIL fail, SPF_SOFTFAIL softfail, SPF_NEUTRAL neutral, SPF_NONE none
 *         (SPF_HELO_* concern the HELO identity and are left out: FilterEvent.auth.spf is MAIL FROM)
 *   DKIM  DKIM_VALID pass, DKIM_INVALID fail (no domain: SpamAssassin does not log it here;
 *         both hit when one signature verified and another did not)
 *   DMARC DMARC_PASS pass, DMARC_REJECT fail (policy reject), DMARC_QUAR fail (policy
 *         quarantine), DMARC_NONE fail (policy none), DMARC_MISSING none (Mail::SpamAssassin::Plugin::DMARC)
 *
 * Contradicting hits of one family (SPF_PASS with SPF_FAIL) report that family as unknown.
 */
import type { AuthResult, FilterEvent } from './event.js';

type Auth = NonNullable<FilterEvent['auth']>;

const SPF: Record<string, AuthResult> = {
  SPF_PASS: 'pass',
  SPF_FAIL: 'fail',
  SPF_SOFTFAIL: 'softfail',
  SPF_NEUTRAL: 'neutral',
  SPF_NONE: 'none',
};
const DKIM: Record<string, AuthResult> = { DKIM_VALID: 'pass', DKIM_INVALID: 'fail' };
const DMARC: Record<string, { result: AuthResult; policy?: string }> = {
  DMARC_PASS: { result: 'pass' },
  DMARC_REJECT: { result: 'fail', policy: 'reject' },
  DMARC_QUAR: { result: 'fail', policy: 'quarantine' },
  DMARC_NONE: { result: 'fail', policy: 'none' },
  DMARC_MISSING: { result: 'none' },
};

function own(table: object, name: string): boolean {
  return Object.hasOwn(table, name);
}

/** Auth facts stated by the rule names (any iterable of names); undefined when none. */
export function authFromSaRules(names: Iterable<string>): Auth | undefined {
  let spf: AuthResult | undefined;
  let spfConflict = false;
  let dkimPass = false;
  let dkimFail = false;
  let dmarc: { result: AuthResult; policy?: string } | undefined;
  let dmarcConflict = false;
  for (const n of names) {
    if (own(SPF, n)) {
      if (spf !== undefined && spf !== SPF[n]) spfConflict = true;
      spf = SPF[n];
    } else if (own(DKIM, n)) {
      if (DKIM[n] === 'pass') dkimPass = true;
      else dkimFail = true;
    } else if (own(DMARC, n)) {
      if (dmarc !== undefined && dmarc !== DMARC[n]) dmarcConflict = true;
      dmarc = DMARC[n];
    }
  }
  const auth: Auth = {};
  if (spf !== undefined) auth.spf = spfConflict ? 'unknown' : spf;
  if (dkimPass || dkimFail) {
    auth.dkim = [];
    if (dkimPass) auth.dkim.push({ result: 'pass' });
    if (dkimFail) auth.dkim.push({ result: 'fail' });
  }
  if (dmarc !== undefined) auth.dmarc = dmarcConflict ? { result: 'unknown' } : { ...dmarc };
  return Object.keys(auth).length > 0 ? auth : undefined;
}
