/**
 * ECS 8.x documents, one per message. Field names follow the ECS reference: `email.*`
 * (8.2+; `email.local_id` is the MTA queue id), the SMTP client in `source.*`, the MTA in
 * `observer.*` and `host.*`, the top finding in `rule.*`, ATT&CK in `threat.*`. ECS has no
 * SPF/DKIM/DMARC fields, so those, every finding and the missing telemetry go in the
 * capitalised custom namespace `Spoofwatch.*` (ECS reserves lower-case top-level names).
 */
import type { Verdict, VerdictLevel } from '../detect/verdict.js';
import { isoTime } from './json-line.js';
import { SPOOFING_TECHNIQUES, techniqueInfo, techniquesOf, techniqueUrl } from './attack.js';
import {
  directionOf,
  firstHeader,
  headerAddresses,
  mainSpf,
  messageIdOf,
  topFinding,
  validIp,
  wasBlocked,
  wasDelivered,
} from './record-fields.js';

export const ECS_VERSION = '8.11.0';

/** event.severity per verdict (the 0-100 scale of Elastic detection rules). */
const SEVERITY: Record<VerdictLevel, number> = { spoof: 73, suspicious: 47, unknown: 21, clean: 0 };

function nonEmpty<T>(a: T[]): T[] | undefined {
  return a.length > 0 ? a : undefined;
}

export function verdictToEcs(v: Verdict, now: number = Date.now()): Record<string, unknown> {
  const r = v.record;
  const top = topFinding(v);
  const alert = v.verdict === 'spoof' || v.verdict === 'suspicious';
  const ids = techniquesOf(v.findings);
  if (alert && ids.length === 0) ids.push(...SPOOFING_TECHNIQUES);
  const techniques: string[] = [];
  const subtechniques: string[] = [];
  for (const id of ids) {
    const info = techniqueInfo(id);
    if (info.parent !== undefined) {
      subtechniques.push(id);
      if (!techniques.includes(info.parent.id)) techniques.push(info.parent.id);
    } else if (!techniques.includes(id)) techniques.push(id);
  }
  const tactics = new Map<string, string>();
  for (const id of ids) {
    const t = techniqueInfo(id).tactic;
    if (t !== undefined) tactics.set(t.id, t.name);
  }
  const spf = mainSpf(r);
  const outcome = wasDelivered(r) ? 'success' : wasBlocked(r) ? 'failure' : 'unknown';
  const from = headerAddresses(r, 'from');
  const sender = headerAddresses(r, 'sender')[0];
  const ips = [validIp(r.session.clientIp), validIp(r.session.proxy?.peerIp)].filter(
    (x): x is string => x !== undefined,
  );
  const hosts = [r.host, r.session.clientHost, r.session.helo].filter(
    (x): x is string => x !== undefined && x !== '' && x !== 'unknown',
  );
  return {
    '@timestamp': isoTime(r.firstSeen ?? r.lastSeen) ?? isoTime(now),
    ecs: { version: ECS_VERSION },
    message: `${v.verdict}: ${top?.summary ?? (v.missing.length > 0 ? `logs lack ${v.missing.join(', ')}` : 'no findings')}`,
    tags: ['spoofwatch', v.verdict],
    event: {
      kind: alert ? 'alert' : 'event',
      category: ['email'],
      type: ['info'],
      dataset: 'spoofwatch.verdict',
      module: 'spoofwatch',
      provider: r.mta,
      outcome,
      action: r.disposition,
      severity: SEVERITY[v.verdict],
      risk_score: v.score,
      reason: top?.summary,
      start: isoTime(r.firstSeen),
      end: isoTime(r.lastSeen),
      created: isoTime(now),
      id: r.id,
    },
    email: {
      from: nonEmpty(from) && { address: from },
      to: nonEmpty(r.envelope.recipients) && { address: r.envelope.recipients },
      reply_to: nonEmpty(headerAddresses(r, 'reply-to')) && { address: headerAddresses(r, 'reply-to') },
      sender: sender !== undefined ? { address: sender } : undefined,
      message_id: messageIdOf(r),
      local_id: r.queueId,
      subject: firstHeader(r, 'subject'),
      direction: directionOf(r),
    },
    source: {
      ip: validIp(r.session.clientIp),
      domain: r.session.clientHost !== 'unknown' ? r.session.clientHost : undefined,
      port: r.session.clientPort,
    },
    observer: { hostname: r.host, type: 'mta', product: r.mta },
    host: { hostname: r.host },
    user: r.session.saslUsername !== undefined ? { name: r.session.saslUsername } : undefined,
    related: { ip: nonEmpty([...new Set(ips)]), hosts: nonEmpty([...new Set(hosts)]) },
    rule:
      top === undefined
        ? undefined
        : {
            id: top.rule,
            name: top.rule,
            description: top.summary,
            ruleset: 'spoofwatch',
            category: 'email-spoofing',
          },
    threat:
      ids.length === 0
        ? undefined
        : {
            framework: 'MITRE ATT&CK',
            technique: {
              id: techniques,
              name: techniques.map((id) => techniqueInfo(id).name),
              reference: techniques.map(techniqueUrl),
              subtechnique: nonEmpty(subtechniques) && {
                id: subtechniques,
                name: subtechniques.map((id) => techniqueInfo(id).name),
                reference: subtechniques.map(techniqueUrl),
              },
            },
            tactic: tactics.size > 0 ? { id: [...tactics.keys()], name: [...tactics.values()] } : undefined,
          },
    Spoofwatch: {
      verdict: v.verdict,
      score: v.score,
      findings: v.findings,
      missing: v.missing,
      attack_versions: ids.map((id) => `${id}@${techniqueInfo(id).version}`),
      disposition: r.disposition,
      queue_ids: r.queueIds,
      envelope: { from: r.envelope.from, recipients_count: r.envelope.nrcpt },
      helo: r.session.helo,
      client_host: r.session.clientHost,
      client_ip: r.session.clientIp,
      proxy: r.session.proxy,
      auth: {
        spf: spf && { result: spf.result, scope: spf.scope, domain: spf.domain, source: spf.source },
        spf_all: nonEmpty(r.auth.spf),
        dkim: nonEmpty(r.auth.dkim),
        dmarc: r.auth.dmarc,
        arc: r.auth.arc,
      },
      evidence: r.evidence.map((e) => `${e.file}:${e.line}`),
      org_domain_method: v.orgDomainMethod,
    },
  };
}
