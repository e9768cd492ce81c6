/**
 * The authentication results a decision can use: the record's own (OpenDKIM, OpenDMARC,
 * policyd-spf, Exim ...), else those Rspamd logged as symbols (R_SPF_*, R_DKIM_*,
 * DMARC_POLICY_*), so an Rspamd-only setup is not judged blind.
 *
 * Results the correlator read from logged headers (source `header` for Received-SPF,
 * `header:<authserv-id>` for Authentication-Results) are the sender's word unless our own
 * systems wrote them: the caller's `trust` decides (see context.ts).
 */
import type { DkimResult, DmarcResult, MessageRecord, SpfResult } from '../correlate/record.js';
import type { AuthResult } from '../parse/event.js';
import { normalizeDomain } from './domains.js';

export interface AuthView {
  spf: SpfResult[];
  dkim: DkimResult[];
  dmarc?: DmarcResult;
  arc?: { result: AuthResult; source: string };
}

const SPF_SYMBOLS: Record<string, AuthResult> = {
  R_SPF_ALLOW: 'pass',
  R_SPF_FAIL: 'fail',
  R_SPF_SOFTFAIL: 'softfail',
  R_SPF_NEUTRAL: 'neutral',
  R_SPF_NA: 'none',
  R_SPF_DNSFAIL: 'temperror',
  R_SPF_PERMFAIL: 'permerror',
};
const DKIM_SYMBOLS: Record<string, AuthResult> = {
  R_DKIM_ALLOW: 'pass',
  R_DKIM_REJECT: 'fail',
  R_DKIM_TEMPFAIL: 'temperror',
  R_DKIM_PERMFAIL: 'permerror',
  R_DKIM_NA: 'none',
};
const DMARC_SYMBOLS: Record<string, { result: AuthResult; policy?: string }> = {
  DMARC_POLICY_ALLOW: { result: 'pass' },
  DMARC_POLICY_ALLOW_WITH_FAILURES: { result: 'pass' },
  DMARC_POLICY_REJECT: { result: 'fail', policy: 'reject' },
  DMARC_POLICY_QUARANTINE: { result: 'fail', policy: 'quarantine' },
  DMARC_POLICY_SOFTFAIL: { result: 'fail', policy: 'none' },
  DMARC_NA: { result: 'none' },
  DMARC_BAD_POLICY: { result: 'permerror' },
  DMARC_DNSFAIL: { result: 'temperror' },
};

/** "example.com:s=sel" / "example.com : SPF not aligned" -> "example.com". */
function optionDomain(opt: string | undefined): string | undefined {
  if (opt === undefined) return undefined;
  let end = opt.length;
  for (let i = 0; i < opt.length && i < 260; i++) {
    const c = opt.charCodeAt(i);
    if (c === 58 || c === 32 || c === 59) {
      end = i;
      break;
    }
  }
  return normalizeDomain(opt.slice(0, Math.min(end, 260)));
}

/** Whether a result's source may be believed (log-native results always are). */
export type SourceTrust = (source: string) => boolean;

export function authView(record: MessageRecord, trust: SourceTrust = () => true): AuthView {
  const a = record.auth;
  const spf = a.spf.filter((r) => trust(r.source));
  const dkim = a.dkim.filter((r) => trust(r.source));
  const view: AuthView = {
    spf: spf.length === a.spf.length ? a.spf : spf,
    dkim: dkim.length === a.dkim.length ? a.dkim : dkim,
  };
  if (a.dmarc !== undefined && trust(a.dmarc.source)) view.dmarc = a.dmarc;
  if (a.arc !== undefined && trust(a.arc.source)) view.arc = a.arc;
  const needSpf = view.spf.length === 0;
  const needDkim = view.dkim.length === 0;
  const needDmarc = view.dmarc === undefined;
  if (!needSpf && !needDkim && !needDmarc) return view;
  for (const f of record.filters) {
    if (f.symbols === undefined) continue;
    const source = `${f.source}-symbols`;
    for (const name of Object.keys(f.symbols)) {
      const sym = f.symbols[name];
      const spf = SPF_SYMBOLS[name];
      if (spf !== undefined && needSpf) {
        view.spf = [...view.spf, { result: spf, scope: 'mfrom', source }];
        continue;
      }
      const dkim = DKIM_SYMBOLS[name];
      if (dkim !== undefined && needDkim) {
        const opts = sym?.options ?? [];
        if (opts.length === 0) view.dkim = [...view.dkim, { result: dkim, source }];
        for (const o of opts.slice(0, 10)) {
          const d = optionDomain(o);
          view.dkim = [
            ...view.dkim,
            d === undefined ? { result: dkim, source } : { result: dkim, domain: d, source },
          ];
        }
        continue;
      }
      const dmarc = DMARC_SYMBOLS[name];
      if (dmarc !== undefined && needDmarc && view.dmarc === undefined) {
        const d = optionDomain(sym?.options?.[0]);
        const r: DmarcResult = { result: dmarc.result, source };
        if (d !== undefined) r.domain = d;
        if (dmarc.policy !== undefined) r.policy = dmarc.policy;
        view.dmarc = r;
      }
    }
  }
  return view;
}
