/**
 * Writing the parts of a MessageRecord and its findings straight to JSON bytes, for the
 * documents scan writes once per message (JSONL, ECS). The fields of each shape are
 * written in the order of its type; a document is the same JSON values JSON.stringify
 * would give for the same objects.
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
import type { Finding } from '../detect/verdict.js';
import { MS_PER_DAY, YEAR_10000, isoDay, isoTime, jsonValue } from './json-line.js';
import { domainStart } from './record-fields.js';
import { JsonWriter } from './json-writer.js';

/*
 * The direct writer (json-writer.ts) writes bytes into one reusable buffer. Optional
 * fields write nothing when absent, as JSON.stringify drops undefined; shapes not spelled
 * out here (content-filter symbols) go through jsonValue.
 */
export const w = new JsonWriter();

// The types say which values are strings, numbers or booleans, but a value of another type
// (a stage that broke its type) must still come out as JSON.stringify would write it, never
// as broken JSON: each writer checks the type it writes directly and hands anything else to any().

export function str(name: string, s: string | undefined): void {
  if (typeof s === 'string') {
    w.key(name);
    w.string(s);
  } else if (s !== undefined) any(name, s);
}

export function num(name: string, n: number | null | undefined): void {
  if (typeof n === 'number') {
    w.key(name);
    w.number(n);
  } else if (n !== undefined) any(name, n);
}

/** isoTime(ms) as a string value, written without making the string (two per message). */
export function time(name: string, ms: number | null | undefined): void {
  if (typeof ms === 'number' && Number.isInteger(ms) && ms >= 0 && ms < YEAR_10000) {
    const day = Math.floor(ms / MS_PER_DAY);
    w.key(name);
    w.isoTime(isoDay(day), ms - day * MS_PER_DAY);
  } else str(name, isoTime(ms));
}

/** domainOf(address) as a string value, written without making the string (two per message). */
export function domain(name: string, address: string | undefined): void {
  if (address === undefined) return;
  const from = domainStart(address);
  if (from < 0) return;
  w.key(name);
  w.lowerString(address, from);
}

export function bool(name: string, b: boolean | undefined): void {
  if (typeof b === 'boolean') {
    w.key(name);
    w.raw(b ? 'true' : 'false');
  } else if (b !== undefined) any(name, b);
}

/** A value of a shape not spelled out here (nothing when JSON drops it). */
export function any(name: string, value: unknown): void {
  const j = jsonValue(value);
  if (j === undefined) return;
  w.key(name);
  w.json(j);
}

/** An array of strings (an item of another type is written as JSON.stringify would: undefined as null). */
export function strArray(name: string, a: readonly (string | undefined)[] | undefined): void {
  if (a === undefined) return;
  if (!Array.isArray(a)) {
    any(name, a);
    return;
  }
  w.key(name);
  w.open('[');
  for (let i = 0; i < a.length; i++) {
    w.item();
    const x = a[i];
    if (typeof x === 'string') w.string(x);
    else w.json(jsonValue(x) ?? 'null');
  }
  w.close(']');
}

export function objArray<T>(name: string, a: readonly T[], write: (x: T) => void): void {
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
export function dynamicKey(name: string): void {
  w.item();
  w.string(name);
  w.raw(':');
}

/** `"name":{` ... `}` around fields written by `write`. */
export function object<T>(name: string, o: T | undefined, write: (x: T) => void): void {
  if (o === undefined) return;
  w.key(name);
  w.open('{');
  write(o);
  w.close('}');
}

export function writeSession(s: RecordSession): void {
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

export function writeProxy(p: NonNullable<RecordSession['proxy']>): void {
  str('"kind":', p.kind);
  str('"peerIp":', p.peerIp);
  num('"peerPort":', p.peerPort);
  strArray('"actions":', p.actions);
  bool('"clientMismatch":', p.clientMismatch);
}

export function writeEnvelope(e: MessageRecord['envelope']): void {
  str('"from":', e.from);
  strArray('"recipients":', e.recipients);
  num('"size":', e.size);
  num('"nrcpt":', e.nrcpt);
}

export function writeHeaderValue(h: HeaderValue): void {
  str('"value":', h.value);
  bool('"truncated":', h.truncated);
  bool('"milter":', h.milter);
}

export function writeHeaders(headers: MessageRecord['headers']): void {
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

export function writeSpf(s: SpfResult): void {
  str('"result":', s.result);
  str('"scope":', s.scope);
  str('"domain":', s.domain);
  str('"envelopeFrom":', s.envelopeFrom);
  str('"helo":', s.helo);
  str('"reason":', s.reason);
  str('"source":', s.source);
}

export function writeDkim(d: DkimResult): void {
  str('"result":', d.result);
  str('"domain":', d.domain);
  str('"selector":', d.selector);
  str('"failure":', d.failure);
  str('"source":', d.source);
}

export function writeDmarc(d: DmarcResult): void {
  str('"result":', d.result);
  str('"domain":', d.domain);
  str('"policy":', d.policy);
  str('"disposition":', d.disposition);
  bool('"arcOverride":', d.arcOverride);
  str('"source":', d.source);
}

export function writeAuth(a: MessageRecord['auth']): void {
  objArray('"spf":', a.spf, writeSpf);
  objArray('"dkim":', a.dkim, writeDkim);
  object('"dmarc":', a.dmarc, writeDmarc);
  object('"arc":', a.arc, writeArc);
}

export function writeArc(a: NonNullable<MessageRecord['auth']['arc']>): void {
  str('"result":', a.result);
  str('"source":', a.source);
}

export function writeFilter(f: MessageRecord['filters'][number]): void {
  str('"source":', f.source);
  str('"action":', f.action);
  num('"score":', f.score);
  any('"symbols":', f.symbols);
}

export function writeAction(a: RecordAction): void {
  str('"action":', a.action);
  str('"stage":', a.stage);
  str('"by":', a.by);
  num('"code":', a.code);
  str('"dsn":', a.dsn);
  str('"reason":', a.reason);
  num('"time":', a.time);
}

export function writeRecipient(r: RecipientStatus): void {
  str('"to":', r.to);
  str('"origTo":', r.origTo);
  str('"status":', r.status);
  str('"relay":', r.relay);
  str('"dsn":', r.dsn);
  str('"detail":', r.detail);
}

export function writeFinding(f: Finding): void {
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

export function writeGuard(g: NonNullable<Finding['guard']>): void {
  str('"name":', g.name);
  str('"reason":', g.reason);
}

/** Rule-chosen keys with string, number, boolean or null values. */
export function writeFindingFields(fields: Finding['fields']): void {
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
export function writeEvidence(evidence: readonly SourceRef[]): void {
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
