/** The identities a message claimed, side by side, with the domain of each. */
import type { MessageRecord } from '../correlate/record.js';
import { normalizeDomain, orgDomain } from '../detect/domains.js';
import { addressesIn, bareMessageId, domainOf, firstHeader, headerValues } from '../output/record-fields.js';

export interface Identity {
  /** Which identity: header From, envelope from, DKIM d= ... */
  name: string;
  /** As logged (raw: escape it for your sink). */
  value: string;
  /** Domain part, lower case, where there is one. */
  domain?: string;
  /** Where it came from, e.g. "header_checks", "qmgr from=", "opendkim". */
  source?: string;
  truncated?: boolean;
  /** Organisational domain (Public Suffix List), for alignment at a glance. */
  org?: string;
  /** Whether `org` is the header From's organisational domain (relaxed alignment). */
  sameOrgAsFrom?: boolean;
}

export type Identities = Identity[];

function fromHeader(r: MessageRecord, header: string, name: string): Identity[] {
  const vals = r.headers[header] ?? [];
  return vals.map((h) => {
    const addr = addressesIn(h.value)[0];
    const d = domainOf(addr);
    return {
      name,
      value: h.value,
      ...(d !== undefined ? { domain: d } : {}),
      source: h.milter === true ? 'header added by a milter on this host' : 'header (as logged)',
      ...(h.truncated ? { truncated: true } : {}),
    };
  });
}

export function identitiesOf(r: MessageRecord): Identities {
  const out: Identity[] = [];
  out.push(...fromHeader(r, 'from', 'header From'));
  if (r.envelope.from !== undefined) {
    const d = domainOf(r.envelope.from);
    out.push({
      name: 'envelope from (MAIL FROM)',
      value: r.envelope.from === '' ? '<> (null sender)' : r.envelope.from,
      ...(d !== undefined ? { domain: d } : {}),
    });
  }
  for (const k of r.auth.dkim) {
    if (k.domain === undefined) continue;
    out.push({
      name: 'DKIM d=',
      value: `${k.domain}${k.selector !== undefined ? ` (s=${k.selector})` : ''}: ${k.result}`,
      domain: k.domain.toLowerCase(),
      source: k.source,
    });
  }
  for (const s of r.auth.spf) {
    out.push({
      name: `SPF ${s.scope}`,
      value: `${s.result}${s.domain !== undefined ? ` for ${s.domain}` : ''}`,
      ...(s.domain !== undefined ? { domain: s.domain.toLowerCase() } : {}),
      source: s.source,
    });
  }
  if (r.auth.dmarc !== undefined) {
    const m = r.auth.dmarc;
    out.push({
      name: 'DMARC',
      value: `${m.result}${m.policy !== undefined ? ` (p=${m.policy})` : ''}${m.disposition !== undefined ? `, disposition ${m.disposition}` : ''}`,
      ...(m.domain !== undefined ? { domain: m.domain.toLowerCase() } : {}),
      source: m.source,
    });
  }
  if (r.auth.arc !== undefined)
    out.push({ name: 'ARC', value: r.auth.arc.result, source: r.auth.arc.source });
  const s = r.session;
  if (s.helo !== undefined) out.push({ name: 'HELO', value: s.helo, domain: s.helo.toLowerCase() });
  if (s.clientHost !== undefined)
    out.push({
      name: 'reverse DNS',
      value: s.clientHost,
      ...(s.clientHost !== 'unknown' ? { domain: s.clientHost.toLowerCase() } : {}),
    });
  if (s.clientIp !== undefined)
    out.push({
      name: 'client IP',
      value: s.clientPort !== undefined ? `${s.clientIp} port ${s.clientPort}` : s.clientIp,
    });
  if (s.saslUsername !== undefined) out.push({ name: 'SASL user', value: s.saslUsername });
  if (s.proxy?.peerIp !== undefined)
    out.push({
      name: `proxy peer (${s.proxy.kind})`,
      value: s.proxy.peerIp,
      source: s.proxy.actions.join(', '),
    });
  out.push(...fromHeader(r, 'reply-to', 'Reply-To'));
  out.push(...fromHeader(r, 'return-path', 'Return-Path'));
  out.push(...fromHeader(r, 'sender', 'Sender'));
  const mid = r.messageId ?? firstHeader(r, 'message-id');
  if (mid !== undefined) {
    const bare = bareMessageId(mid) ?? mid;
    const at = bare.lastIndexOf('@');
    out.push({
      name: 'Message-ID',
      value: mid,
      ...(at > 0 ? { domain: bare.slice(at + 1).toLowerCase() } : {}),
    });
  }
  for (const v of headerValues(r, 'list-id')) out.push({ name: 'List-Id', value: v });
  return withOrgDomains(out);
}

/** Adds each identity's organisational domain and whether it matches the header From's. */
function withOrgDomains(ids: Identity[]): Identity[] {
  for (const i of ids) {
    const d = normalizeDomain(i.domain);
    if (d !== undefined && d.includes('.')) i.org = orgDomain(d).org;
  }
  const fromOrg = ids.find((i) => i.name === 'header From' && i.org !== undefined)?.org;
  if (fromOrg !== undefined)
    for (const i of ids)
      if (i.org !== undefined && i.name !== 'header From') i.sameOrgAsFrom = i.org === fromOrg;
  return ids;
}
