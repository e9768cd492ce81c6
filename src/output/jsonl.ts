/**
 * JSONL: one object per message, the MessageRecord fields (parsedmarc-style names where
 * they fit are added beside them) plus verdict, score, findings[] and missing[]. Evidence
 * is cited per file: `evidence: [{file, lines: [n, ...]}]`, one entry per run of lines from
 * the same file in evidence order (the path is written once, not once per line, and a path
 * containing ':' stays unambiguous). The raw lines stay out unless asked for (they are
 * bulky and the investigate command shows them with hashes); when asked for, `lines` lists
 * them in the same order as the line numbers of `evidence`.
 *
 * `verdictToJson` builds the document as an object (the reference shape); `verdictJsonLine`
 * writes the same document straight to a string (`verdictJsonBytes`: to UTF-8 bytes, which
 * scan hands to its sink as they are), because scan writes one per message and copying the
 * record into a new object and stringifying it was the costliest part of the output. Tests
 * hold them to the same JSON values.
 */
import type {
  DkimResult,
  DmarcResult,
  HeaderValue,
  MessageRecord,
  RecipientStatus,
  RecordAction,
  RecordSession,
  SpfResult,
} from '../correlate/record.js';
import type { SourceRef } from '../ingest/line.js';
import type { Finding, Verdict } from '../detect/verdict.js';
import {
  directionOf,
  domainOf,
  firstHeaderAddress,
  headerAddresses,
  messageIdOf,
  topFinding,
} from './record-fields.js';
import { isoTime } from './json-line.js';
import {
  bool,
  domain,
  num,
  object,
  objArray,
  str,
  strArray,
  time,
  w,
  writeAction,
  writeAuth,
  writeEnvelope,
  writeEvidence,
  writeFilter,
  writeFinding,
  writeHeaders,
  writeRecipient,
  writeSession,
} from './record-json.js';

export interface JsonlOptions {
  /** Keep the raw evidence lines (`lines`) in the output. */
  includeLines?: boolean;
}

/** One run of evidence lines from one file. */
export interface EvidenceRun {
  file: string;
  lines: number[];
}

/** Evidence refs grouped into runs of the same file, in order. */
export function evidenceRuns(evidence: readonly SourceRef[]): EvidenceRun[] {
  const runs: EvidenceRun[] = [];
  let cur: EvidenceRun | undefined;
  for (const e of evidence) {
    if (cur === undefined || cur.file !== e.file) {
      cur = { file: e.file, lines: [] };
      runs.push(cur);
    }
    cur.lines.push(e.line);
  }
  return runs;
}

export function verdictToJson(v: Verdict, opts: JsonlOptions = {}): Record<string, unknown> {
  const { lines, evidence, ...record } = v.record;
  const headerFrom = headerAddresses(v.record, 'from')[0];
  const top = topFinding(v);
  // Object.assign rather than `{ ...record, many: keys }`: V8 turns that literal into a slow
  // dictionary-mode object (measured 10x slower per message).
  return Object.assign({}, record, {
    first_seen: isoTime(v.record.firstSeen),
    last_seen: isoTime(v.record.lastSeen),
    direction: directionOf(v.record),
    header_from: headerFrom,
    header_from_domain: domainOf(headerFrom),
    envelope_from: v.record.envelope.from,
    envelope_from_domain: domainOf(v.record.envelope.from),
    message_id: messageIdOf(v.record),
    source_ip: v.record.session.clientIp,
    source_reverse_dns: v.record.session.clientHost,
    verdict: v.verdict,
    score: v.score,
    reason: top?.summary,
    findings: v.findings,
    missing: v.missing,
    orgDomainMethod: v.orgDomainMethod,
    evidence: evidenceRuns(evidence),
    lines: opts.includeLines === true ? lines : undefined,
  });
}

/** The JSONL document of one verdict, newline included (the same JSON values as verdictToJson). */
export function verdictJsonLine(v: Verdict, opts: JsonlOptions = {}): string {
  writeVerdict(v, opts);
  return w.take();
}

/**
 * The same document as verdictJsonLine, as UTF-8 bytes for a sink that takes bytes: a view
 * valid until the next document is written.
 */
export function verdictJsonBytes(v: Verdict, opts: JsonlOptions = {}): Uint8Array {
  writeVerdict(v, opts);
  return w.takeBytes();
}

function writeVerdict(v: Verdict, opts: JsonlOptions): void {
  const r = v.record;
  w.reset();
  w.open('{');
  // The record's fields in the order of MessageRecord, then the added names, then evidence.
  str('"id":', r.id);
  str('"host":', r.host);
  str('"mta":', r.mta);
  str('"queueId":', r.queueId);
  strArray('"queueIds":', r.queueIds);
  str('"messageId":', r.messageId);
  num('"firstSeen":', r.firstSeen);
  num('"lastSeen":', r.lastSeen);
  object('"session":', r.session, writeSession);
  bool('"local":', r.local);
  object('"envelope":', r.envelope, writeEnvelope);
  object('"headers":', r.headers, writeHeaders);
  object('"auth":', r.auth, writeAuth);
  objArray('"filters":', r.filters, writeFilter);
  objArray('"actions":', r.actions, writeAction);
  objArray('"recipients":', r.recipients, writeRecipient);
  str('"disposition":', r.disposition);
  strArray('"producers":', r.producers);
  bool('"agedOut":', r.agedOut);
  bool('"capped":', r.capped);

  const headerFrom = firstHeaderAddress(r, 'from');
  time('"first_seen":', r.firstSeen);
  time('"last_seen":', r.lastSeen);
  str('"direction":', directionOf(r));
  str('"header_from":', headerFrom);
  domain('"header_from_domain":', headerFrom);
  str('"envelope_from":', r.envelope.from);
  domain('"envelope_from_domain":', r.envelope.from);
  str('"message_id":', messageIdOf(r));
  str('"source_ip":', r.session.clientIp);
  str('"source_reverse_dns":', r.session.clientHost);
  str('"verdict":', v.verdict);
  num('"score":', v.score);
  str('"reason":', topFinding(v)?.summary);
  objArray('"findings":', v.findings, writeFinding);
  strArray('"missing":', v.missing);
  str('"orgDomainMethod":', v.orgDomainMethod);
  writeEvidence(r.evidence);
  if (opts.includeLines === true) strArray('"lines":', r.lines);
  w.raw('}\n');
}

/**
 * Every field of each shape the writer spells out. A field added to one of these types
 * fails the typecheck here (and the test that writes a record with every field set) until
 * verdictJsonLine writes it too.
 */
type AllKeys<T> = { readonly [K in keyof Required<T>]: true };
export const WRITTEN_FIELDS: {
  record: AllKeys<MessageRecord>;
  session: AllKeys<RecordSession>;
  proxy: AllKeys<NonNullable<RecordSession['proxy']>>;
  envelope: AllKeys<MessageRecord['envelope']>;
  header: AllKeys<HeaderValue>;
  auth: AllKeys<MessageRecord['auth']>;
  spf: AllKeys<SpfResult>;
  dkim: AllKeys<DkimResult>;
  dmarc: AllKeys<DmarcResult>;
  arc: AllKeys<NonNullable<MessageRecord['auth']['arc']>>;
  filter: AllKeys<MessageRecord['filters'][number]>;
  action: AllKeys<RecordAction>;
  recipient: AllKeys<RecipientStatus>;
  evidence: AllKeys<SourceRef>;
  finding: AllKeys<Finding>;
  guard: AllKeys<NonNullable<Finding['guard']>>;
  verdict: AllKeys<
    Pick<Verdict, 'record' | 'verdict' | 'score' | 'findings' | 'missing' | 'orgDomainMethod'>
  >;
} = {
  record: {
    id: true,
    host: true,
    mta: true,
    queueId: true,
    queueIds: true,
    messageId: true,
    firstSeen: true,
    lastSeen: true,
    session: true,
    local: true,
    envelope: true,
    headers: true,
    auth: true,
    filters: true,
    actions: true,
    recipients: true,
    disposition: true,
    producers: true,
    evidence: true,
    lines: true,
    agedOut: true,
    capped: true,
  },
  session: {
    clientIp: true,
    clientHost: true,
    clientPort: true,
    helo: true,
    tlsProtocol: true,
    tlsCipher: true,
    saslMethod: true,
    saslUsername: true,
    proxy: true,
  },
  proxy: { kind: true, peerIp: true, peerPort: true, actions: true, clientMismatch: true },
  envelope: { from: true, recipients: true, size: true, nrcpt: true },
  header: { value: true, truncated: true, milter: true },
  auth: { spf: true, dkim: true, dmarc: true, arc: true },
  spf: {
    result: true,
    scope: true,
    domain: true,
    envelopeFrom: true,
    helo: true,
    reason: true,
    source: true,
  },
  dkim: { result: true, domain: true, selector: true, failure: true, source: true },
  dmarc: { result: true, domain: true, policy: true, disposition: true, arcOverride: true, source: true },
  arc: { result: true, source: true },
  filter: { source: true, action: true, score: true, symbols: true },
  action: { action: true, stage: true, by: true, code: true, dsn: true, reason: true, time: true },
  recipient: { to: true, origTo: true, status: true, relay: true, dsn: true, detail: true },
  evidence: { file: true, line: true },
  finding: {
    rule: true,
    severity: true,
    weight: true,
    baseWeight: true,
    summary: true,
    fields: true,
    attack: true,
    guard: true,
    missing: true,
  },
  guard: { name: true, reason: true },
  verdict: { record: true, verdict: true, score: true, findings: true, missing: true, orgDomainMethod: true },
};
