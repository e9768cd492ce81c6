/**
 * Folding one event into one record: evidence, envelope, headers, actions, deliveries and
 * authentication results. Every list is bounded (src/limits.ts, ./bounds.ts); hitting a
 * bound sets `capped`.
 */
import type {
  AuthResult,
  ArcEvent,
  DeliveryEvent,
  DmarcEvent,
  EnvelopeEvent,
  FilterEvent,
  HeaderEvent,
  LogEvent,
  MessageNoteEvent,
  RejectEvent,
  SpfEvent,
} from '../parse/event.js';
import type {
  HeaderValue,
  MessageRecord,
  RecipientStatus,
  RecordAction,
  RecordSession,
  SpfResult,
} from './record.js';
import { chargeEvidence, orderAfter, type OpenRecord } from './state.js';
import {
  MAX_EVIDENCE_LINES,
  MAX_HEADER_NAMES,
  MAX_HEADER_VALUES,
  MAX_RECIPIENTS,
  MAX_RECORD_CHARS,
} from '../limits.js';
import { MAX_ACTIONS, MAX_AUTH_RESULTS, MAX_FILTERS } from './bounds.js';
import { addDkimResult } from './dkim-join.js';
import { parseAuthenticationResults, parseReceivedSpf } from './auth-headers.js';
import { FINAL_STATUSES } from './emit.js';

/** Every contributing line: evidence, time span, producer. */
export function addLine(r: OpenRecord, ev: LogEvent): void {
  const rec = r.rec;
  const t = ev.line.time;
  if (t !== null) {
    if (rec.firstSeen === null || t < rec.firstSeen) rec.firstSeen = t;
    if (rec.lastSeen === null || t > rec.lastSeen) rec.lastSeen = t;
  }
  const n = rec.evidence.length;
  if (n < MAX_EVIDENCE_LINES && lineFits(r, ev.line.raw.length)) {
    const src = ev.line.src;
    if (n > 0) orderAfter(r, rec.evidence[n - 1]!, src);
    rec.evidence.push(src);
    rec.lines.push(ev.line.raw);
    chargeEvidence(r, ev.line.raw.length);
  } else {
    rec.capped = true;
  }
  const p = ev.producer;
  if (!hasString(rec.producers, p)) rec.producers.push(p);
}

/** A line of this many characters or fewer is kept as evidence whatever the record holds. */
const SHORT_LINE_CHARS = 1024;

/**
 * Room for one more evidence line of `chars` characters (MAX_EVIDENCE_LINES aside): a
 * short line always (the delivery and milter lines an audit cites are short), a long one
 * while the record holds less than MAX_RECORD_CHARS. Past it, hostile 64 KiB header lines
 * are counted (`capped`), not kept, and one message cannot grow to 500 of them (32 MiB).
 */
export function lineFits(r: OpenRecord, chars: number): boolean {
  return chars <= SHORT_LINE_CHARS || r.bytes + chars <= MAX_RECORD_CHARS;
}

/**
 * list.includes(s) for a short list of strings: a plain loop of `===`, which the compiler
 * inlines, where includes() compares every element through the generic SameValueZero.
 */
export function hasString(list: readonly string[], s: string): boolean {
  for (let i = 0; i < list.length; i++) if (list[i] === s) return true;
  return false;
}

/*
 * Lists a record mostly holds one item in (recipients, SPF and DKIM results, a header's
 * values) are made with their first item (`[item]`, one slot) instead of pushed into the
 * empty list the record starts with: pushing into an empty array allocates room for 16.
 * (Lists that nearly always grow past one, such as actions and producers, are pushed.)
 */

function addRecipientStatus(rec: MessageRecord, st: RecipientStatus): void {
  if (rec.recipients.length === 0) rec.recipients = [st];
  else rec.recipients.push(st);
}

/** Lines that came before the record existed (its session's connect, HELO, TLS ...): evidence first. */
export function prependLines(r: OpenRecord, evs: readonly LogEvent[]): void {
  if (evs.length === 0) return;
  const rec = r.rec;
  const room = Math.max(0, MAX_EVIDENCE_LINES - rec.evidence.length);
  const take = evs.length <= room ? evs : evs.slice(evs.length - room);
  if (take.length < evs.length) rec.capped = true;
  // Shift in place: no mapped copies and spread arguments per record.
  const ev = rec.evidence;
  const lines = rec.lines;
  const k = take.length;
  const n = ev.length;
  for (let i = 0; i < k; i++) {
    ev.push(ev[0]!);
    lines.push(lines[0]!);
  }
  for (let i = n - 1; i >= 0; i--) {
    ev[i + k] = ev[i]!;
    lines[i + k] = lines[i]!;
  }
  for (let i = 0; i < k; i++) {
    const line = take[i]!.line;
    ev[i] = line.src;
    lines[i] = line.raw;
    chargeEvidence(r, line.raw.length);
  }
  // The new pairs: within the block, and its last line before the old first.
  for (let i = 0; i < k && i + 1 < ev.length; i++) orderAfter(r, ev[i]!, ev[i + 1]!);
  for (const e of take) {
    const t = e.line.time;
    if (t !== null && (rec.firstSeen === null || t < rec.firstSeen)) rec.firstSeen = t;
    if (!hasString(rec.producers, e.producer)) rec.producers.push(e.producer);
  }
}

export function addAction(r: OpenRecord, a: RecordAction): void {
  const list = r.rec.actions;
  if (list.length < MAX_ACTIONS) list.push(a);
  else r.rec.capped = true;
}

/** Mark the message queued once (its queue file exists). */
export function markQueued(r: OpenRecord, time: number | null): void {
  if (r.queued || r.rec.queueIds.length === 0) return;
  r.queued = true;
  addAction(r, { action: 'queued', time });
}

/** Envelope recipients up to this many are deduplicated by a scan of the list; past it, by a set. */
const RCPT_SCAN_MAX = 16;

export function addRecipient(r: OpenRecord, to: string): void {
  const list = r.rec.envelope.recipients;
  // Most messages have one or two recipients: no set until the list grows past RCPT_SCAN_MAX.
  if (r.rcptSeen !== null) {
    if (r.rcptSeen.has(to)) return;
  } else if (hasString(list, to)) {
    return;
  }
  if (list.length >= MAX_RECIPIENTS) {
    r.rec.capped = true;
    return;
  }
  if (list.length === 0) r.rec.envelope.recipients = [to];
  else list.push(to);
  if (r.rcptSeen !== null) r.rcptSeen.add(to);
  else if (list.length > RCPT_SCAN_MAX) r.rcptSeen = new Set(list);
}

/** Fill session fields the record does not know yet (Exim / Sendmail envelope lines carry the client). */
export function fillSession(
  s: RecordSession,
  src: {
    clientIp?: string | undefined;
    clientHost?: string | undefined;
    clientPort?: number | undefined;
    helo?: string | undefined;
    saslMethod?: string | undefined;
    saslUsername?: string | undefined;
    tlsCipher?: string | undefined;
  },
): void {
  if (s.clientIp === undefined && src.clientIp !== undefined) s.clientIp = src.clientIp;
  if (s.clientHost === undefined && src.clientHost !== undefined) s.clientHost = src.clientHost;
  if (s.clientPort === undefined && src.clientPort !== undefined) s.clientPort = src.clientPort;
  if (s.helo === undefined && src.helo !== undefined) s.helo = src.helo;
  if (s.saslMethod === undefined && src.saslMethod !== undefined) s.saslMethod = src.saslMethod;
  if (s.saslUsername === undefined && src.saslUsername !== undefined) s.saslUsername = src.saslUsername;
  if (s.tlsCipher === undefined && src.tlsCipher !== undefined) s.tlsCipher = src.tlsCipher;
}

export function foldEnvelope(r: OpenRecord, ev: EnvelopeEvent): void {
  const env = r.rec.envelope;
  if (env.from === undefined) env.from = ev.from;
  if (ev.size !== undefined) env.size = ev.size;
  if (ev.nrcpt !== undefined) env.nrcpt = ev.nrcpt;
  if (ev.messageId !== undefined && r.rec.messageId === undefined) r.rec.messageId = ev.messageId;
  if (ev.recipients !== undefined) for (const to of ev.recipients) addRecipient(r, to);
  fillSession(r.rec.session, ev);
  markQueued(r, ev.line.time);
}

/** Header names lowered lately, by slot (fixed size): the same few names recur on every message. */
const LOWER_SLOTS = 32;
const lowerFrom: string[] = new Array<string>(LOWER_SLOTS).fill('');
const lowerTo: string[] = new Array<string>(LOWER_SLOTS).fill('');

/** name.toLowerCase(), the same string object for a name seen lately (no new string per line). */
function lowerName(name: string): string {
  const n = name.length;
  if (n === 0) return name;
  const slot = (n * 7 + name.charCodeAt(0) + name.charCodeAt(n - 1) * 3) & (LOWER_SLOTS - 1);
  if (lowerFrom[slot] === name) return lowerTo[slot]!;
  const low = name.toLowerCase();
  lowerFrom[slot] = name;
  lowerTo[slot] = low;
  return low;
}

/**
 * Header names something reads (detectors, derived output fields, coverage, investigate):
 * kept past MAX_HEADER_NAMES and MAX_RECORD_CHARS, so a flood of other headers cannot
 * push the From or Authentication-Results a rule needs out of the record. Each is still
 * bounded by MAX_HEADER_VALUES values of MAX_HEADER_VALUE_CHARS.
 */
const READ_HEADERS: ReadonlySet<string> = new Set([
  'from',
  'sender',
  'reply-to',
  'return-path',
  'to',
  'cc',
  'subject',
  'message-id',
  'authentication-results',
  'arc-authentication-results',
  'arc-seal',
  'received-spf',
  'list-id',
  'list-post',
  'list-unsubscribe',
  'precedence',
  'x-originating-ip',
]);

/**
 * Keep one header value on the record, within its bounds: MAX_HEADER_VALUES per name, and
 * for names nothing reads, MAX_HEADER_NAMES names and MAX_RECORD_CHARS characters. What is
 * left out sets `capped`. Kept values are charged to the evidence budget: a record's
 * headers count against the table's memory bound like its lines.
 */
export function keepHeader(r: OpenRecord, name: string, hv: HeaderValue): void {
  const rec = r.rec;
  const list = rec.headers[name];
  const chars = hv.value.length;
  if (list === undefined) {
    if (
      !READ_HEADERS.has(name) &&
      (r.headerNames >= MAX_HEADER_NAMES || r.bytes + chars > MAX_RECORD_CHARS)
    ) {
      rec.capped = true;
      return;
    }
    // A new name's list is made with its first value (no growth of an empty array).
    rec.headers[name] = [hv];
    r.headerNames++;
  } else if (
    list.length < MAX_HEADER_VALUES &&
    (r.bytes + chars <= MAX_RECORD_CHARS || READ_HEADERS.has(name))
  ) {
    list.push(hv);
  } else {
    rec.capped = true;
    return;
  }
  chargeEvidence(r, chars);
}

export function foldHeader(r: OpenRecord, ev: HeaderEvent): void {
  const rec = r.rec;
  const name = lowerName(ev.name);
  // A header a milter on this host added (milter_header_checks) says so: the detector must
  // not read it as one that came with the message, even when its line is past the evidence cap.
  const hv: HeaderValue = { value: ev.value, truncated: ev.truncated };
  if (ev.milter === true) hv.milter = true;
  keepHeader(r, name, hv);
  if (ev.from !== undefined && rec.envelope.from === undefined) rec.envelope.from = ev.from;
  if (ev.to !== undefined) addRecipient(r, ev.to);
  const act = ev.action;
  if (act !== undefined && act !== 'warning' && act !== 'info') {
    const a: RecordAction = {
      action: actionWord(act),
      stage: 'header',
      by: ev.milter === true ? 'milter_header_checks' : 'header_checks',
      time: ev.line.time,
    };
    addAction(r, a);
  }
  if (name === 'received-spf') {
    const spf = parseReceivedSpf(ev.value);
    if (spf !== null) addSpf(r, spf);
  } else if (name === 'authentication-results') {
    const ar = parseAuthenticationResults(ev.value);
    if (ar !== null) {
      for (const s of ar.spf) addSpf(r, s);
      for (const d of ar.dkim) addDkimResult(r, d);
      // The first header result stands in until a log-native one arrives (setDmarc/setArc).
      if (ar.dmarc !== undefined && rec.auth.dmarc === undefined) {
        rec.auth.dmarc = ar.dmarc;
        r.dmarcFromHeader = true;
      }
      if (ar.arc !== undefined && rec.auth.arc === undefined) {
        rec.auth.arc = ar.arc;
        r.arcFromHeader = true;
      }
    }
  }
}

/** Reject / milter / filter action words -> the record's action vocabulary. */
export function actionWord(action: string): string {
  switch (action) {
    case 'reject':
    case 'rejected':
      return 'rejected';
    case 'discard':
    case 'discarded':
      return 'discarded';
    case 'hold':
    case 'held':
      return 'held';
    case 'defer':
    case 'deferred':
    case 'soft-reject':
      return 'deferred';
    case 'quarantine':
    case 'quarantined':
      return 'quarantined';
    default:
      return action;
  }
}

export function foldReject(r: OpenRecord, ev: RejectEvent): void {
  const a: RecordAction = {
    action: actionWord(ev.action),
    stage: ev.stage,
    reason: ev.reason,
    time: ev.line.time,
  };
  if (ev.by !== undefined) a.by = ev.by;
  if (ev.code !== undefined) a.code = ev.code;
  if (ev.dsn !== undefined) a.dsn = ev.dsn;
  addAction(r, a);
  const rec = r.rec;
  if (ev.from !== undefined && rec.envelope.from === undefined) rec.envelope.from = ev.from;
  if (ev.to !== undefined) {
    addRecipient(r, ev.to);
    // A recipient refused at RCPT has its story ended.
    const refused = a.action === 'rejected' || a.action === 'deferred' || a.action === 'discarded';
    if (refused && ev.stage === 'rcpt' && rec.recipients.length < MAX_RECIPIENTS) {
      addRecipientStatus(rec, {
        to: ev.to,
        status: a.action === 'deferred' ? 'deferred' : 'rejected',
        detail: ev.reason,
      });
    }
  }
  fillSession(rec.session, ev);
}

/** One recipient's status from a delivery line. */
function recipientStatus(r: OpenRecord, ev: DeliveryEvent, to: string): void {
  addRecipient(r, to);
  const rec = r.rec;
  if (rec.recipients.length < MAX_RECIPIENTS) {
    const st: OpenRecord['rec']['recipients'][number] = { to, status: ev.status };
    if (ev.origTo !== undefined) st.origTo = ev.origTo;
    if (ev.relay !== undefined) st.relay = ev.relay;
    if (ev.dsn !== undefined) st.dsn = ev.dsn;
    if (ev.detail !== undefined) st.detail = ev.detail;
    addRecipientStatus(rec, st);
  } else {
    rec.capped = true;
  }
}

/** A delivery attempt or final status; returns the number of recipients it finished. */
export function foldDelivery(r: OpenRecord, ev: DeliveryEvent): number {
  const status = ev.status;
  const tos = ev.recipients;
  let n = 1;
  if (tos !== undefined && tos.length > 0) {
    for (const to of tos) recipientStatus(r, ev, to);
    n = tos.length;
  } else {
    recipientStatus(r, ev, ev.to);
  }
  const finals = FINAL_STATUSES.has(status) ? n : 0;
  const action = status === 'sent' ? 'delivered' : status === 'expired' ? 'expired' : actionWord(status);
  const a: RecordAction = { action, time: ev.line.time };
  if (ev.relay !== undefined) a.by = ev.relay;
  if (ev.dsn !== undefined) a.dsn = ev.dsn;
  if (ev.detail !== undefined) a.reason = ev.detail;
  addAction(r, a);
  return finals;
}

export function foldNote(r: OpenRecord, ev: MessageNoteEvent): void {
  const n = ev.note.toLowerCase();
  let action = 'note';
  if (n.startsWith('hold')) action = 'held';
  else if (n.startsWith('release')) action = 'released';
  else if (n.startsWith('quarantine')) action = 'quarantined';
  else if (n.startsWith('discard')) action = 'discarded';
  else if (n.startsWith('expire')) action = 'expired';
  const a: RecordAction = { action, reason: ev.note, time: ev.line.time };
  addAction(r, a);
}

/** Add an SPF result unless the same one is there; true when it was added. */
export function addSpf(r: OpenRecord, spf: SpfResult): boolean {
  const list = r.rec.auth.spf;
  for (const e of list) {
    if (
      e.source === spf.source &&
      e.scope === spf.scope &&
      e.result === spf.result &&
      e.domain === spf.domain &&
      e.envelopeFrom === spf.envelopeFrom
    ) {
      return false;
    }
  }
  if (list.length === 0) {
    r.rec.auth.spf = [spf];
    return true;
  }
  if (list.length < MAX_AUTH_RESULTS) {
    list.push(spf);
    return true;
  }
  r.rec.capped = true;
  return false;
}

export function spfFromEvent(ev: SpfEvent): SpfResult {
  const out: SpfResult = { result: ev.result, scope: ev.scope, source: ev.producer };
  if (ev.domain !== undefined) out.domain = ev.domain;
  if (ev.envelopeFrom !== undefined) out.envelopeFrom = ev.envelopeFrom;
  if (ev.helo !== undefined) out.helo = ev.helo;
  if (ev.reason !== undefined) out.reason = ev.reason;
  return out;
}

export function foldDmarc(r: OpenRecord, ev: DmarcEvent): void {
  const d: NonNullable<OpenRecord['rec']['auth']['dmarc']> = { result: ev.result, source: ev.producer };
  if (ev.domain !== undefined) d.domain = ev.domain;
  if (ev.policy !== undefined) d.policy = ev.policy;
  if (ev.disposition !== undefined) d.disposition = ev.disposition;
  if (ev.arcOverride !== undefined) d.arcOverride = ev.arcOverride;
  setDmarc(r, d);
  const disp = ev.disposition;
  if (disp === 'reject' || disp === 'quarantine') {
    addAction(r, {
      action: actionWord(disp),
      stage: 'end-of-data',
      by: ev.producer,
      reason: 'dmarc',
      time: ev.line.time,
    });
  }
}

/** A log-native DMARC result; a later one of the same source refines (OpenDMARC logs pass/fail, then policy). */
function setDmarc(r: OpenRecord, d: NonNullable<OpenRecord['rec']['auth']['dmarc']>): void {
  const cur = r.rec.auth.dmarc;
  if (cur === undefined || r.dmarcFromHeader || cur.source === d.source) {
    if (cur !== undefined && !r.dmarcFromHeader && cur.source === d.source) {
      // Keep what the earlier line knew and this one does not repeat.
      if (d.domain === undefined && cur.domain !== undefined) d.domain = cur.domain;
      if (d.policy === undefined && cur.policy !== undefined) d.policy = cur.policy;
      if (d.disposition === undefined && cur.disposition !== undefined) d.disposition = cur.disposition;
      if (d.arcOverride === undefined && cur.arcOverride !== undefined) d.arcOverride = cur.arcOverride;
      if (d.result === 'unknown') d.result = cur.result;
    }
    r.rec.auth.dmarc = d;
    r.dmarcFromHeader = false;
  }
}

function setArc(r: OpenRecord, result: AuthResult, source: string): void {
  if (r.rec.auth.arc === undefined || r.arcFromHeader || r.rec.auth.arc.source === source) {
    r.rec.auth.arc = { result, source };
    r.arcFromHeader = false;
  }
}

export function foldArc(r: OpenRecord, ev: ArcEvent): void {
  setArc(r, ev.result, ev.producer);
}

export function foldFilter(r: OpenRecord, ev: FilterEvent): void {
  const rec = r.rec;
  if (rec.filters.length < MAX_FILTERS) {
    const f: OpenRecord['rec']['filters'][number] = { source: ev.producer, action: ev.action };
    if (ev.score !== undefined) f.score = ev.score;
    if (ev.symbols !== undefined) f.symbols = ev.symbols;
    rec.filters.push(f);
  } else {
    rec.capped = true;
  }
  if (ev.messageId !== undefined && rec.messageId === undefined) rec.messageId = ev.messageId;
  if (ev.envelopeFrom !== undefined && rec.envelope.from === undefined) rec.envelope.from = ev.envelopeFrom;
  if (ev.recipients !== undefined) for (const to of ev.recipients) addRecipient(r, to);
  fillSession(rec.session, ev);
  const act = ev.action;
  if (act === 'blocked' || act === 'reject' || act === 'discard' || act === 'quarantine') {
    addAction(r, {
      action: act === 'blocked' ? 'rejected' : actionWord(act),
      stage: 'content',
      by: ev.producer,
      time: ev.line.time,
    });
  }
  const auth = ev.auth;
  if (auth === undefined) return;
  const source = ev.producer;
  if (auth.spf !== undefined) {
    const s: SpfResult = { result: auth.spf, scope: 'mfrom', source };
    if (ev.envelopeFrom !== undefined) s.envelopeFrom = ev.envelopeFrom;
    addSpf(r, s);
  }
  if (auth.dkim !== undefined) {
    for (const d of auth.dkim) {
      const res: OpenRecord['rec']['auth']['dkim'][number] = { result: d.result, source };
      if (d.domain !== undefined) res.domain = d.domain;
      addDkimResult(r, res);
    }
  }
  if (auth.dmarc !== undefined) {
    const d: NonNullable<OpenRecord['rec']['auth']['dmarc']> = { result: auth.dmarc.result, source };
    if (auth.dmarc.domain !== undefined) d.domain = auth.dmarc.domain;
    if (auth.dmarc.policy !== undefined) d.policy = auth.dmarc.policy;
    setDmarc(r, d);
  }
  if (auth.arc !== undefined) setArc(r, auth.arc, source);
}
