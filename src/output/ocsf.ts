/**
 * OCSF 1.3.0 events. Per message one Email Activity (class 4009, category 4 Network
 * Activity): the envelope in `email.smtp_from` / `email.smtp_to`, the logged headers in
 * `email.from` / `to` / `reply_to` / `message_uid` / `subject`, the results in `email_auth`,
 * the SMTP client in `src_endpoint`, the MTA in `dst_endpoint`. For a spoof or suspicious
 * verdict, a Detection Finding (class 2004, category 2 Findings) follows it, with
 * `finding_info.attacks[]` carrying each ATT&CK technique with its version. Everything
 * OCSF has no attribute for (findings, guards, missing telemetry) is under `unmapped`.
 * (`is_alert` only exists from OCSF 1.4: with 1.3 the Detection Finding itself is the alert.)
 */
import type { MessageRecord } from '../correlate/record.js';
import type { Finding, Verdict, VerdictLevel } from '../detect/verdict.js';
import { SPOOFING_TECHNIQUES, techniqueInfo, techniquesOf } from './attack.js';
import {
  directionOf,
  firstHeader,
  headerAddresses,
  headerValues,
  mainSpf,
  messageIdOf,
  topFinding,
  validIp,
  wasBlocked,
  wasDelivered,
} from './record-fields.js';

export const OCSF_VERSION = '1.3.0';
export const PRODUCT = { name: 'spoofwatch', vendor_name: 'spoofwatch', version: '0.1.0' };

/** severity_id: 0 Unknown, 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical. */
const SEVERITY_ID: Record<VerdictLevel, number> = { clean: 1, unknown: 1, suspicious: 3, spoof: 4 };
const SEVERITY_NAME: Record<number, string> = {
  1: 'Informational',
  2: 'Low',
  3: 'Medium',
  4: 'High',
  5: 'Critical',
};

/** direction_id: 0 Unknown, 1 Inbound, 2 Outbound. */
const DIRECTION: Record<string, [number, string]> = {
  inbound: [1, 'Inbound'],
  outbound: [2, 'Outbound'],
  unknown: [0, 'Unknown'],
};

/**
 * Email Activity activity_id. One record is what one MTA did with the message: received
 * from the network (2 Receive) or sent on behalf of a local/authenticated user (1 Send);
 * with no client in the logs we cannot tell (0 Unknown).
 */
function activityOf(r: MessageRecord): [number, string] {
  const d = directionOf(r);
  if (d === 'inbound') return [2, 'Receive'];
  if (d === 'outbound') return [1, 'Send'];
  return [0, 'Unknown'];
}

/** disposition_id (OCSF 1.3): 1 Allowed, 2 Blocked, 3 Quarantined, 6 Dropped, 99 Other, 0 Unknown. */
function dispositionOf(r: MessageRecord): [number, string] {
  switch (r.disposition) {
    case 'delivered':
      return [1, 'Allowed'];
    case 'rejected':
      return [2, 'Blocked'];
    case 'quarantined':
    case 'held':
      return [3, 'Quarantined'];
    case 'discarded':
      return [6, 'Dropped'];
    case 'unknown':
    case '':
      return [0, 'Unknown'];
    default:
      return [99, r.disposition];
  }
}

function compact(o: Record<string, unknown>): Record<string, unknown> | undefined {
  let any = false;
  for (const k of Object.keys(o)) {
    if (o[k] === undefined) delete o[k];
    else any = true;
  }
  return any ? o : undefined;
}

function emailObject(r: MessageRecord): Record<string, unknown> | undefined {
  const from = headerAddresses(r, 'from');
  const to = headerAddresses(r, 'to');
  const cc = headerAddresses(r, 'cc');
  const replyTo = headerAddresses(r, 'reply-to');
  const origIp = firstHeader(r, 'x-originating-ip');
  const ar = headerValues(r, 'authentication-results');
  return compact({
    uid: r.queueId,
    message_uid: messageIdOf(r),
    // email_t: the null sender <> is not an address (it stays in unmapped.spoofwatch.envelope_from).
    smtp_from: r.envelope.from === '' ? undefined : r.envelope.from,
    smtp_to: r.envelope.recipients.length > 0 ? r.envelope.recipients : undefined,
    from: from[0],
    to: to.length > 0 ? to : undefined,
    cc: cc.length > 0 ? cc : undefined,
    reply_to: replyTo[0],
    subject: firstHeader(r, 'subject'),
    size: r.envelope.size,
    x_originating_ip: validIp(origIp?.replace(/^\[|\]$/g, '')),
    raw_header: ar.length > 0 ? ar.join('\n') : undefined,
  });
}

function emailAuth(r: MessageRecord): Record<string, unknown> | undefined {
  const spf = mainSpf(r);
  const dkim = r.auth.dkim.find((d) => d.result === 'pass') ?? r.auth.dkim[0];
  const dmarc = r.auth.dmarc;
  return compact({
    spf: spf?.result,
    dkim: dkim?.result,
    dkim_domain: dkim?.domain,
    dmarc: dmarc?.result,
    dmarc_policy: dmarc?.policy,
    dmarc_override: dmarc?.arcOverride === true ? 'arc' : undefined,
    raw_header: headerValues(r, 'authentication-results')[0],
  });
}

function baseTime(r: MessageRecord, now: number): number {
  return r.firstSeen ?? r.lastSeen ?? now;
}

export function verdictToOcsfActivity(v: Verdict, now: number = Date.now()): Record<string, unknown> {
  const r = v.record;
  const [activityId, activityName] = activityOf(r);
  const [directionId, direction] = DIRECTION[directionOf(r)] ?? [0, 'Unknown'];
  const [dispositionId, disposition] = dispositionOf(r);
  const severityId = SEVERITY_ID[v.verdict];
  const statusId = wasDelivered(r) ? 1 : wasBlocked(r) ? 2 : 0;
  const top = topFinding(v);
  return {
    class_uid: 4009,
    class_name: 'Email Activity',
    category_uid: 4,
    category_name: 'Network Activity',
    activity_id: activityId,
    activity_name: activityName,
    type_uid: 4009 * 100 + activityId,
    type_name: `Email Activity: ${activityName}`,
    time: baseTime(r, now),
    start_time: r.firstSeen ?? undefined,
    end_time: r.lastSeen ?? undefined,
    severity_id: severityId,
    severity: SEVERITY_NAME[severityId],
    status_id: statusId,
    status: statusId === 1 ? 'Success' : statusId === 2 ? 'Failure' : 'Unknown',
    disposition_id: dispositionId,
    disposition,
    direction_id: directionId,
    direction,
    action_id: dispositionId === 1 ? 1 : dispositionId === 2 || dispositionId === 6 ? 2 : 0,
    action:
      dispositionId === 1 ? 'Allowed' : dispositionId === 2 || dispositionId === 6 ? 'Denied' : 'Unknown',
    message: top?.summary,
    metadata: {
      version: OCSF_VERSION,
      // disposition/action come from the Security Control profile (the MTA accepts or rejects).
      profiles: ['security_control'],
      product: PRODUCT,
      uid: r.id,
      log_name: r.mta,
      logged_time: now,
    },
    email: emailObject(r),
    email_auth: emailAuth(r),
    smtp_hello: r.session.helo,
    src_endpoint: compact({
      ip: validIp(r.session.clientIp),
      hostname: r.session.clientHost !== 'unknown' ? r.session.clientHost : undefined,
      port: r.session.clientPort,
    }),
    dst_endpoint: compact({ hostname: r.host }),
    unmapped: {
      spoofwatch: {
        verdict: v.verdict,
        score: v.score,
        findings: v.findings,
        missing: v.missing,
        queue_ids: r.queueIds,
        envelope_from: r.envelope.from,
        client_ip: r.session.clientIp,
        disposition: r.disposition,
        auth: r.auth,
        evidence: r.evidence.map((e) => `${e.file}:${e.line}`),
      },
    },
  };
}

function attacksOf(findings: readonly Finding[]): Record<string, unknown>[] {
  const ids = techniquesOf(findings);
  if (ids.length === 0) ids.push(...SPOOFING_TECHNIQUES);
  return ids.map((id) => {
    const t = techniqueInfo(id);
    const attack: Record<string, unknown> = { version: t.version };
    if (t.parent !== undefined) {
      attack.technique = { uid: t.parent.id, name: t.parent.name };
      attack.sub_technique = { uid: t.id, name: t.name };
    } else {
      attack.technique = { uid: t.id, name: t.name };
    }
    if (t.tactic !== undefined) attack.tactic = { uid: t.tactic.id, name: t.tactic.name };
    return attack;
  });
}

/** A Detection Finding (2004) for a spoof or suspicious verdict; null otherwise. */
export function verdictToOcsfFinding(v: Verdict, now: number = Date.now()): Record<string, unknown> | null {
  if (v.verdict !== 'spoof' && v.verdict !== 'suspicious') return null;
  const r = v.record;
  const top = topFinding(v);
  const severityId = SEVERITY_ID[v.verdict];
  const title = `${v.verdict === 'spoof' ? 'Spoofed' : 'Suspicious'} email: ${top?.summary ?? 'sender identity discrepancy'}`;
  return {
    class_uid: 2004,
    class_name: 'Detection Finding',
    category_uid: 2,
    category_name: 'Findings',
    activity_id: 1,
    activity_name: 'Create',
    type_uid: 200401,
    type_name: 'Detection Finding: Create',
    time: baseTime(r, now),
    severity_id: severityId,
    severity: SEVERITY_NAME[severityId],
    status_id: 1,
    status: 'New',
    message: title,
    metadata: { version: OCSF_VERSION, product: PRODUCT, uid: `${r.id}#finding`, logged_time: now },
    finding_info: {
      uid: `${r.id}#${v.verdict}`,
      title,
      desc: v.findings.map((f) => f.summary).join('; '),
      types: ['Email Spoofing'],
      created_time: now,
      first_seen_time: r.firstSeen ?? undefined,
      last_seen_time: r.lastSeen ?? undefined,
      analytic:
        top === undefined
          ? undefined
          : { uid: top.rule, name: top.rule, type_id: 1, type: 'Rule', category: 'email-spoofing' },
      attacks: attacksOf(v.findings),
      related_events: [{ uid: r.id, type_uid: 400900 + activityOf(r)[0], product_uid: 'spoofwatch' }],
      data_sources: r.producers,
    },
    risk_score: v.score,
    src_endpoint: compact({
      ip: validIp(r.session.clientIp),
      hostname: r.session.clientHost !== 'unknown' ? r.session.clientHost : undefined,
      port: r.session.clientPort,
    }),
    unmapped: {
      spoofwatch: {
        verdict: v.verdict,
        score: v.score,
        findings: v.findings,
        missing: v.missing,
        email: emailObject(r),
        email_auth: emailAuth(r),
        evidence: r.evidence.map((e) => `${e.file}:${e.line}`),
      },
    },
  };
}
