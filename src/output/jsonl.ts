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
import { isoTime, jsonNumber, jsonString, jsonValue } from './json-line.js';

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
 * The direct writer appends to one string (V8 joins the pieces once, when the sink
 * flattens it) instead of building nested strings that would each be copied into their
 * parent. `comma` says whether the object or array being written already holds a value.
 * Optional fields write nothing when absent, as JSON.stringify drops undefined. Every
 * string goes through jsonString; shapes not spelled out here (content-filter symbols)
 * go through jsonValue.
 */
let out = '';
let comma = false;

/** `"name":` with the comma before it when needed; `name` is a constant key, already quoted. */
function key(name: string): void {
  if (comma) out += ',';
  out += name;
  comma = true;
}

function open(brace: '{' | '['): void {
  out += brace;
  comma = false;
}

function close(brace: '}' | ']'): void {
  out += brace;
  comma = true;
}

function str(name: string, s: string | undefined): void {
  if (s === undefined) return;
  key(name);
  out += jsonString(s);
}

function num(name: string, n: number | null | undefined): void {
  if (n === undefined) return;
  key(name);
  out += n === null ? 'null' : jsonNumber(n);
}

function bool(name: string, b: boolean | undefined): void {
  if (b === undefined) return;
  key(name);
  out += b ? 'true' : 'false';
}

/** A value of a shape not spelled out here (nothing when JSON drops it). */
function any(name: string, value: unknown): void {
  const j = jsonValue(value);
  if (j === undefined) return;
  key(name);
  out += j;
}

function strArray(name: string, a: readonly string[] | undefined): void {
  if (a === undefined) return;
  key(name);
  out += '[';
  for (let i = 0; i < a.length; i++) {
    if (i > 0) out += ',';
    out += jsonString(a[i]!);
  }
  close(']');
}

function objArray<T>(name: string, a: readonly T[], write: (x: T) => void): void {
  key(name);
  out += '[';
  for (let i = 0; i < a.length; i++) {
    if (i > 0) out += ',';
    open('{');
    write(a[i]!);
    close('}');
  }
  close(']');
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
  const p = s.proxy;
  if (p !== undefined) {
    key('"proxy":');
    open('{');
    str('"kind":', p.kind);
    str('"peerIp":', p.peerIp);
    num('"peerPort":', p.peerPort);
    strArray('"actions":', p.actions);
    bool('"clientMismatch":', p.clientMismatch);
    close('}');
  }
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
  // Header names are attacker-written keys: escaped like any value.
  for (const name of Object.keys(headers)) {
    const values = headers[name];
    if (values !== undefined) objArray(`${jsonString(name)}:`, values, writeHeaderValue);
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
  if (a.dmarc !== undefined) {
    key('"dmarc":');
    open('{');
    writeDmarc(a.dmarc);
    close('}');
  }
  if (a.arc !== undefined) {
    key('"arc":');
    open('{');
    str('"result":', a.arc.result);
    str('"source":', a.arc.source);
    close('}');
  }
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
  key('"fields":');
  open('{');
  for (const k of Object.keys(f.fields)) {
    const x = f.fields[k];
    const name = `${jsonString(k)}:`;
    if (typeof x === 'string') str(name, x);
    else if (typeof x === 'number') num(name, x);
    else if (typeof x === 'boolean') bool(name, x);
    else any(name, x);
  }
  close('}');
  strArray('"attack":', f.attack);
  if (f.guard !== undefined) {
    key('"guard":');
    open('{');
    str('"name":', f.guard.name);
    str('"reason":', f.guard.reason);
    close('}');
  }
  strArray('"missing":', f.missing);
}

/** Evidence as runs of one file's line numbers, written as they are found. */
function writeEvidence(evidence: readonly SourceRef[]): void {
  key('"evidence":');
  out += '[';
  let file: string | undefined;
  for (let i = 0; i < evidence.length; i++) {
    const e = evidence[i]!;
    if (e.file !== file) {
      out += file === undefined ? '{"file":' : ']},{"file":';
      out += jsonString(e.file);
      out += ',"lines":[';
      file = e.file;
    } else out += ',';
    out += jsonNumber(e.line);
  }
  out += file === undefined ? ']' : ']}]';
}

/** The JSONL document of one verdict, newline included (the same JSON values as verdictToJson). */
export function verdictJsonLine(v: Verdict, opts: JsonlOptions = {}): string {
  const r = v.record;
  out = '';
  open('{');
  // The record's fields in the order of MessageRecord, then the added names, then evidence.
  str('"id":', r.id);
  str('"host":', r.host);
  str('"mta":', r.mta);
  str('"queueId":', r.queueId);
  strArray('"queueIds":', r.queueIds);
  str('"messageId":', r.messageId);
  num('"firstSeen":', r.firstSeen);
  num('"lastSeen":', r.lastSeen);
  key('"session":');
  open('{');
  writeSession(r.session);
  close('}');
  bool('"local":', r.local);
  key('"envelope":');
  open('{');
  writeEnvelope(r.envelope);
  close('}');
  key('"headers":');
  open('{');
  writeHeaders(r.headers);
  close('}');
  key('"auth":');
  open('{');
  writeAuth(r.auth);
  close('}');
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
  out += '}\n';
  const line = out;
  out = '';
  return line;
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
