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
 * writes the same document straight to a string, because scan writes one per message and
 * copying the record into a new object and stringifying it was the costliest part of the
 * output. Tests hold the two to the same JSON values.
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
import { directionOf, domainOf, headerAddresses, messageIdOf, topFinding } from './record-fields.js';
import { isoTime, jsonValue } from './json-line.js';
import { JsonWriter } from './json-writer.js';

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

/*
 * The direct writer (json-writer.ts) writes bytes into one reusable buffer. Optional
 * fields write nothing when absent, as JSON.stringify drops undefined; shapes not spelled
 * out here (content-filter symbols) go through jsonValue.
 */
const w = new JsonWriter();

function str(name: string, s: string | undefined): void {
  if (s === undefined) return;
  w.key(name);
  w.string(s);
}

function num(name: string, n: number | null | undefined): void {
  if (n === undefined) return;
  w.key(name);
  if (n === null) w.raw('null');
  else w.number(n);
}

function bool(name: string, b: boolean | undefined): void {
  if (b === undefined) return;
  w.key(name);
  w.raw(b ? 'true' : 'false');
}

/** A value of a shape not spelled out here (nothing when JSON drops it). */
function any(name: string, value: unknown): void {
  const j = jsonValue(value);
  if (j === undefined) return;
  w.key(name);
  w.json(j);
}

function strArray(name: string, a: readonly string[] | undefined): void {
  if (a === undefined) return;
  w.key(name);
  w.open('[');
  for (let i = 0; i < a.length; i++) {
    w.item();
    w.string(a[i]!);
  }
  w.close(']');
}

function objArray<T>(name: string, a: readonly T[], write: (x: T) => void): void {
  w.key(name);
  w.open('[');
  for (let i = 0; i < a.length; i++) {
    w.item();
    w.open('{');
    write(a[i]!);
    w.close('}');
  }
  w.close(']');
}

/** A key taken from the data (header names, finding fields): escaped like any value. */
function dynamicKey(name: string): void {
  w.item();
  w.string(name);
  w.raw(':');
}

/** `"name":{` ... `}` around fields written by `write`. */
function object<T>(name: string, o: T | undefined, write: (x: T) => void): void {
  if (o === undefined) return;
  w.key(name);
  w.open('{');
  write(o);
  w.close('}');
}

function writeSession(s: RecordSession): void {
  str('"clientIp":', s.clientIp);
  str('"clientHost":', s.clientHost);
  num('"clientPort":', s.clientPort);
  str('"helo":', s.helo);
  str('"tlsProtocol":', s.tlsProtocol);
  str('"tlsCipher":', s.tlsCipher);
  str('"saslMethod":', s.saslMethod);
  str('"saslUsername":', s.saslUsername);
  object('"proxy":', s.proxy, writeProxy);
}

function writeProxy(p: NonNullable<RecordSession['proxy']>): void {
  str('"kind":', p.kind);
  str('"peerIp":', p.peerIp);
  num('"peerPort":', p.peerPort);
  strArray('"actions":', p.actions);
  bool('"clientMismatch":', p.clientMismatch);
}

function writeEnvelope(e: MessageRecord['envelope']): void {
  str('"from":', e.from);
  strArray('"recipients":', e.recipients);
  num('"size":', e.size);
  num('"nrcpt":', e.nrcpt);
}

function writeHeaderValue(h: HeaderValue): void {
  str('"value":', h.value);
  bool('"truncated":', h.truncated);
  bool('"milter":', h.milter);
}

function writeHeaders(headers: MessageRecord['headers']): void {
  for (const name of Object.keys(headers)) {
    const values = headers[name];
    if (values === undefined) continue;
    dynamicKey(name);
    w.open('[');
    for (const h of values) {
      w.item();
      w.open('{');
      writeHeaderValue(h);
      w.close('}');
    }
    w.close(']');
  }
}

function writeSpf(s: SpfResult): void {
  str('"result":', s.result);
  str('"scope":', s.scope);
  str('"domain":', s.domain);
  str('"envelopeFrom":', s.envelopeFrom);
  str('"helo":', s.helo);
  str('"reason":', s.reason);
  str('"source":', s.source);
}

function writeDkim(d: DkimResult): void {
  str('"result":', d.result);
  str('"domain":', d.domain);
  str('"selector":', d.selector);
  str('"failure":', d.failure);
  str('"source":', d.source);
}

function writeDmarc(d: DmarcResult): void {
  str('"result":', d.result);
  str('"domain":', d.domain);
  str('"policy":', d.policy);
  str('"disposition":', d.disposition);
  bool('"arcOverride":', d.arcOverride);
  str('"source":', d.source);
}

function writeAuth(a: MessageRecord['auth']): void {
  objArray('"spf":', a.spf, writeSpf);
  objArray('"dkim":', a.dkim, writeDkim);
  object('"dmarc":', a.dmarc, writeDmarc);
  object('"arc":', a.arc, writeArc);
}

function writeArc(a: NonNullable<MessageRecord['auth']['arc']>): void {
  str('"result":', a.result);
  str('"source":', a.source);
}

function writeFilter(f: MessageRecord['filters'][number]): void {
  str('"source":', f.source);
  str('"action":', f.action);
  num('"score":', f.score);
  any('"symbols":', f.symbols);
}

function writeAction(a: RecordAction): void {
  str('"action":', a.action);
  str('"stage":', a.stage);
  str('"by":', a.by);
  num('"code":', a.code);
  str('"dsn":', a.dsn);
  str('"reason":', a.reason);
  num('"time":', a.time);
}

function writeRecipient(r: RecipientStatus): void {
  str('"to":', r.to);
  str('"origTo":', r.origTo);
  str('"status":', r.status);
  str('"relay":', r.relay);
  str('"dsn":', r.dsn);
  str('"detail":', r.detail);
}

function writeFinding(f: Finding): void {
  str('"rule":', f.rule);
  str('"severity":', f.severity);
  num('"weight":', f.weight);
  num('"baseWeight":', f.baseWeight);
  str('"summary":', f.summary);
  object('"fields":', f.fields, writeFindingFields);
  strArray('"attack":', f.attack);
  object('"guard":', f.guard, writeGuard);
  strArray('"missing":', f.missing);
}

function writeGuard(g: NonNullable<Finding['guard']>): void {
  str('"name":', g.name);
  str('"reason":', g.reason);
}

/** Rule-chosen keys with string, number, boolean or null values. */
function writeFindingFields(fields: Finding['fields']): void {
  for (const k of Object.keys(fields)) {
    const x = fields[k];
    if (typeof x === 'string') {
      dynamicKey(k);
      w.string(x);
    } else if (typeof x === 'number') {
      dynamicKey(k);
      w.number(x);
    } else if (typeof x === 'boolean' || x === null) {
      dynamicKey(k);
      w.raw(String(x));
    } else {
      const j = jsonValue(x);
      if (j === undefined) continue;
      dynamicKey(k);
      w.json(j);
    }
  }
}

/** Evidence as runs of one file's line numbers, written as they are found. */
function writeEvidence(evidence: readonly SourceRef[]): void {
  w.key('"evidence":');
  w.open('[');
  let file: string | undefined;
  for (let i = 0; i < evidence.length; i++) {
    const e = evidence[i]!;
    if (e.file !== file) {
      if (file !== undefined) w.raw(']}');
      w.item();
      w.raw('{"file":');
      w.string(e.file);
      w.raw(',"lines":[');
      file = e.file;
    } else w.raw(',');
    w.number(e.line);
  }
  if (file !== undefined) w.raw(']}');
  w.close(']');
}

/** The JSONL document of one verdict, newline included (the same JSON values as verdictToJson). */
export function verdictJsonLine(v: Verdict, opts: JsonlOptions = {}): string {
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

  const headerFrom = headerAddresses(r, 'from')[0];
  str('"first_seen":', isoTime(r.firstSeen));
  str('"last_seen":', isoTime(r.lastSeen));
  str('"direction":', directionOf(r));
  str('"header_from":', headerFrom);
  str('"header_from_domain":', domainOf(headerFrom));
  str('"envelope_from":', r.envelope.from);
  str('"envelope_from_domain":', domainOf(r.envelope.from));
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
  return w.take();
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
