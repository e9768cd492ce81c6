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
import { authFromSymbols } from '../parse/rspamd/auth.js';

export interface AuthView {
  spf: SpfResult[];
  dkim: DkimResult[];
  dmarc?: DmarcResult;
  arc?: { result: AuthResult; source: string };
}

/** Whether a result's source may be believed (log-native results always are). */
export type SourceTrust = (source: string) => boolean;

/** Results the trust check lets through; the same array when it refuses none (the usual case). */
function trusted<T extends { source: string }>(list: T[], trust: SourceTrust | undefined): T[] {
  if (trust === undefined) return list;
  let i = 0;
  while (i < list.length && trust(list[i]!.source)) i++;
  if (i === list.length) return list;
  const out = list.slice(0, i);
  for (i++; i < list.length; i++) if (trust(list[i]!.source)) out.push(list[i]!);
  return out;
}

/** `trust` undefined: every source is believed. */
export function authView(record: MessageRecord, trust?: SourceTrust): AuthView {
  const a = record.auth;
  const view: AuthView = { spf: trusted(a.spf, trust), dkim: trusted(a.dkim, trust) };
  if (a.dmarc !== undefined && (trust === undefined || trust(a.dmarc.source))) view.dmarc = a.dmarc;
  if (a.arc !== undefined && (trust === undefined || trust(a.arc.source))) view.arc = a.arc;
  const needSpf = view.spf.length === 0;
  const needDkim = view.dkim.length === 0;
  const needDmarc = view.dmarc === undefined;
  if (!needSpf && !needDkim && !needDmarc) return view;
  for (const f of record.filters) {
    if (f.symbols === undefined) continue;
    // One reading of Rspamd's symbols for the whole project: the parser's, which also
    // refuses contradicting symbols (option text imitating a symbol) and looks names up
    // as own properties only.
    const stated = authFromSymbols({ symbols: f.symbols, duplicates: [] });
    if (stated === undefined) continue;
    const source = `${f.source}-symbols`;
    if (needSpf && stated.spf !== undefined)
      view.spf = [...view.spf, { result: stated.spf, scope: 'mfrom', source }];
    if (needDkim && stated.dkim !== undefined) {
      view.dkim = [
        ...view.dkim,
        ...stated.dkim.map((d) => (d.domain === undefined ? { result: d.result, source } : { ...d, source })),
      ];
    }
    if (needDmarc && view.dmarc === undefined && stated.dmarc !== undefined) {
      const r: DmarcResult = { result: stated.dmarc.result, source };
      if (stated.dmarc.domain !== undefined) r.domain = stated.dmarc.domain;
      if (stated.dmarc.policy !== undefined) r.policy = stated.dmarc.policy;
      view.dmarc = r;
    }
  }
  return view;
}
