/**
 * Exim mainlog (native file or through syslog as exim[pid]: / exim4[pid]:) -> LogEvent.
 *
 * Exim writes `[stamp] [[pid]] [message-id] text`. Ingest strips the stamp of native lines;
 * lines relayed through syslog may still carry it (and `[pid]`), so both are skipped here.
 * Message ids: `1tXyzA-000Abc-12` (6-6-2, before 4.97) and `1tXyzA-000000001Ab-Xy` (6-11-4).
 *
 *   <=  arrival (envelope: sender, H=name (helo) [ip]:port, P=, S=, id=, A=, X=, for rcpts)
 *   =>  ->  >>  delivered (first, additional address, cutthrough); *> suppressed
 *   **  bounced; == deferred; Completed closes the message.
 *   H=... F=<a> rejected RCPT <b>: why      policy rejects (no message id)
 *   ID DKIM: d=.. s=.. [verification ...]   DKIM verification result per signature
 *   ID DMARC results: spf_domain=.. dmarc_domain=.. ... enforcement='..' (log_selector +dmarc_verbose)
 *
 * Header logging convention (Exim logs no header by itself): in acl_smtp_data add
 *     warn  logwrite = :main:header From: $h_from:
 *     warn  condition = ${if def:h_reply-to:}
 *           logwrite = :main:header Reply-To: $h_reply-to:
 *     warn  logwrite = :main:${authresults{$primary_hostname}}
 * giving `ID header From: "Alice" <alice@example.com>`; the parser turns `ID header NAME: value`
 * (and `ID Authentication-Results: ...`, `ID Received-SPF: ...`) into header events.
 * SPF through an ACL: `warn logwrite = :main:SPF: $spf_result ($spf_header_comment)` ->
 * `ID SPF: fail (example.com: domain of a@example.com does not designate 192.0.2.1 as permitted sender)`.
 */
import { authResultWord } from './auth-result.js';
import type { LogLine } from '../ingest/line.js';
import type {
  AuthResult,
  DeliveryEvent,
  DkimEvent,
  DmarcEvent,
  EnvelopeEvent,
  FilterEvent,
  HeaderEvent,
  EventKind,
  LogEvent,
  MessageNoteEvent,
  ProxyEvent,
  RejectEvent,
  SessionAuthEvent,
  SessionNoteEvent,
  SpfEvent,
} from './event.js';
import { detached, noise, unrecognised } from './base.js';
import { MAX_HEADER_VALUE_CHARS } from '../limits.js';
import {
  assignClient,
  headerNameEnd,
  queuedAsIn,
  readHostSpec,
  readSmtpReply,
  stripAngles,
  toInt,
  cut,
  make,
  type HostSpec,
  type MtaCtx,
  MAX_ADDRESS_CHARS,
  MAX_LINE_RECIPIENTS,
} from './mta-fields.js';

/**
 * What to add to Exim's configuration so its mainlog carries what spoof detection needs
 * (the header-logging convention this parser reads; DKIM lines come with +dkim_verbose).
 */
export const EXIM_LOGGING_ADVICE = [
  'log_selector = +smtp_connection +incoming_port +incoming_interface +received_recipients +tls_cipher +dkim_verbose +subject',
  'acl_smtp_data:',
  '  warn  logwrite = :main:header From: $h_from:',
  '  warn  condition = ${if def:h_reply-to:}',
  '        logwrite = :main:header Reply-To: $h_reply-to:',
  '  warn  logwrite = :main:${authresults{$primary_hostname}}',
].join('\n');

/** Fields read from one line. */
const MAX_FIELDS = 48;
/** Longest field name (`dmarc_domain=`). */
const MAX_KEY_CHARS = 24;
/** Longest quoted value (T="subject", C="250 ...") scanned. */
const MAX_QUOTED_CHARS = 4096;

type Ctx = MtaCtx;

/** The context of one Exim line: every event of it is the `mta` daemon, its instance the program tag. */
function ctxOf(line: LogLine): Ctx {
  return { line, producer: 'exim', daemon: 'mta', instance: line.program };
}

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

function isAlnumAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isUpperAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 65 && c <= 90;
}

function alnumRun(s: string, i: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (!isAlnumAt(s, i + k)) return false;
  return true;
}

/** True at the end of the string or at a space. */
function endsAt(s: string, j: number): boolean {
  return j === s.length || s.charCodeAt(j) === 32;
}

/** Length of an Exim message id at i (16 or 23), followed by a space or the end; else 0. */
export function eximIdLength(s: string, i: number): number {
  if (!alnumRun(s, i, 6) || s.charCodeAt(i + 6) !== 45 /* - */) return 0;
  if (s.charCodeAt(i + 13) === 45 && alnumRun(s, i + 7, 6) && alnumRun(s, i + 14, 2) && endsAt(s, i + 16))
    return 16;
  if (s.charCodeAt(i + 18) === 45 && alnumRun(s, i + 7, 11) && alnumRun(s, i + 19, 4) && endsAt(s, i + 23))
    return 23;
  return 0;
}

/** Skips `YYYY-MM-DD hh:mm:ss[.fff][ +zzzz] ` and `[pid] ` that syslog-relayed lines may keep. */
function skipStampAndPid(m: string): number {
  let i = 0;
  if (
    m.length > 20 &&
    isDigitAt(m, 0) &&
    isDigitAt(m, 3) &&
    m.charCodeAt(4) === 45 &&
    m.charCodeAt(7) === 45 &&
    m.charCodeAt(10) === 32 &&
    m.charCodeAt(13) === 58 &&
    m.charCodeAt(16) === 58
  ) {
    i = 19;
    if (m.charCodeAt(i) === 46) {
      i++;
      while (i < 26 && isDigitAt(m, i)) i++;
    }
    if (
      m.charCodeAt(i) === 32 &&
      (m.charCodeAt(i + 1) === 43 || m.charCodeAt(i + 1) === 45) &&
      isDigitAt(m, i + 2)
    ) {
      i += 6;
    }
    if (m.charCodeAt(i) === 32) i++;
  }
  if (m.charCodeAt(i) === 91 /* [ */ && isDigitAt(m, i + 1)) {
    let j = i + 1;
    while (j < m.length && j - i < 16 && (isDigitAt(m, j) || m.charCodeAt(j) === 47)) j++;
    if (m.charCodeAt(j) === 93 && m.charCodeAt(j + 1) === 32) i = j + 2;
  }
  return i;
}

// ---- field tokenizer: KEY=value pairs (H= host specs, quoted values), bare words ----

interface Fields {
  kv: Record<string, string>;
  /** Host specs of H= and I= (and the first H= only). */
  host?: HostSpec;
  iface?: HostSpec;
  words: string[];
  /** Text after a `: ` that ended the fields (reason of ** / == / rejects). */
  reason?: string;
  /** Addresses after ` for ` (arrival lines). */
  forList?: string[];
  /** With stopAtWord: index of the first token that is not KEY=value. */
  wordAt?: number;
}

function keyLength(s: string, i: number): number {
  let j = i;
  const c = s.charCodeAt(j);
  if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return 0;
  j++;
  while (j < s.length && j - i <= MAX_KEY_CHARS) {
    const d = s.charCodeAt(j);
    if (d === 61 /* = */) return j - i;
    if (!((d >= 65 && d <= 90) || (d >= 97 && d <= 122) || (d >= 48 && d <= 57) || d === 95)) return 0;
    j++;
  }
  return 0;
}

/** Index of the closing quote of a quoted value starting at i (the opening quote). */
function quotedEnd(s: string, i: number): number {
  let j = i + 1;
  const stop = Math.min(s.length, i + MAX_QUOTED_CHARS);
  while (j < stop) {
    const c = s.charCodeAt(j);
    if (c === 92 /* \ */) {
      j += 2;
      continue;
    }
    if (c === 34) return j;
    j++;
  }
  return -1;
}

function unquote(v: string): string {
  if (v.length >= 2 && v.charCodeAt(0) === 34 && v.charCodeAt(v.length - 1) === 34) {
    const inner = v.slice(1, -1);
    return inner.indexOf('\\') < 0 ? inner : inner.replace(/\\(.)/gu, '$1');
  }
  return v;
}

/**
 * Reads fields from i. `stopAtFor` ends at ` for ` (arrival lines), `stopAtColon` ends at
 * `: ` after a field (delivery failures, rejects), putting the rest in `reason`.
 */
function readFields(
  s: string,
  i: number,
  stopAtFor: boolean,
  stopAtColon: boolean,
  stopAtWord = false,
): Fields {
  const f: Fields = { kv: Object.create(null) as Record<string, string>, words: [] };
  const n = s.length;
  let count = 0;
  while (i < n && count < MAX_FIELDS) {
    while (s.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    count++;
    if (stopAtFor && s.startsWith('for ', i)) {
      f.forList = splitSpaces(s.slice(i + 4));
      return f;
    }
    const kl = keyLength(s, i);
    let end: number;
    if (kl > 0) {
      const key = s.slice(i, i + kl);
      const v = i + kl + 1;
      if ((key === 'H' || key === 'I') && (f.kv[key] === undefined || key === 'I')) {
        const h = readHostSpec(s, v);
        end = h.end > v ? h.end : tokenEnd(s, v);
        // a port Exim could not print as digits ("]:PORT_D") still belongs to this field
        const ce = s.charCodeAt(end);
        if (end < n && ce !== 32 && !(ce === 58 && (end + 1 === n || s.charCodeAt(end + 1) === 32))) {
          end = tokenEnd(s, end);
        }
        f.kv[key] = s.slice(v, end);
        if (key === 'H') f.host = h;
        else f.iface = h;
      } else if (s.charCodeAt(v) === 34) {
        const q = quotedEnd(s, v);
        end = q < 0 ? n : q + 1;
        if (f.kv[key] === undefined) f.kv[key] = unquote(s.slice(v, end));
      } else if (s.charCodeAt(v) === 60 /* < */) {
        // an address may hold quoted spaces: F=<"a b"@example.com>
        const q = s.charCodeAt(v + 1) === 34 ? quotedEnd(s, v + 1) : v;
        const gt = s.indexOf('>', q < 0 ? v : q);
        end = gt > v && gt - v <= MAX_ADDRESS_CHARS + 2 ? gt + 1 : tokenEnd(s, v);
        if (f.kv[key] === undefined) f.kv[key] = s.slice(v, end);
      } else {
        end = tokenEnd(s, v);
        if (f.kv[key] === undefined) f.kv[key] = s.slice(v, end);
      }
    } else {
      if (stopAtWord) {
        f.wordAt = i;
        return f;
      }
      end = tokenEnd(s, i);
      if (f.words.length < MAX_FIELDS) f.words.push(s.slice(i, end));
    }
    if (stopAtColon && s.charCodeAt(end) === 58 /* : */ && (end + 1 === n || s.charCodeAt(end + 1) === 32)) {
      f.reason = s.slice(Math.min(n, end + 2));
      return f;
    }
    if (stopAtColon && end > i && s.charCodeAt(end - 1) === 58 && s.charCodeAt(end) === 32) {
      // a bare token ending in ':' ("defer (-44):")
      f.reason = s.slice(end + 1);
      return f;
    }
    i = end;
  }
  return f;
}

function tokenEnd(s: string, i: number): number {
  const sp = s.indexOf(' ', i);
  let end = sp < 0 ? s.length : sp;
  // "value:" followed by ": reason" -> stop before the colon
  if (end > i + 1 && s.charCodeAt(end - 1) === 58 && end < s.length) end--;
  return end;
}

function splitSpaces(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length && out.length < MAX_LINE_RECIPIENTS) {
    let j = s.indexOf(' ', i);
    if (j < 0) j = s.length;
    if (j > i) {
      const a = stripAngles(s.slice(i, j));
      out.push(a.length > MAX_ADDRESS_CHARS ? a.slice(0, MAX_ADDRESS_CHARS) : a);
    }
    i = j + 1;
  }
  return out;
}

// ---- <= arrival ----

function parseArrival(c: Ctx, s: string): EnvelopeEvent {
  // s = text after "<= "
  let sp = s.indexOf(' ');
  if (sp < 0) sp = s.length;
  let from = s.slice(0, sp);
  from = from === '<>' ? '' : stripAngles(from);
  const f = readFields(s, sp, true, false);
  const ev: EnvelopeEvent = make(c, 'envelope', { from: cut(from, MAX_ADDRESS_CHARS) });
  if (f.host !== undefined) {
    assignClient(ev, f.host);
    // Exim shows the HELO name in parentheses only when it differs from the host name.
    const helo = f.host.helo ?? f.host.clientHost;
    if (helo !== undefined) ev.helo = helo;
  }
  const size = toInt(f.kv.S);
  if (size !== undefined) ev.size = size;
  if (f.kv.P !== undefined) ev.proto = f.kv.P;
  if (f.kv.id !== undefined) ev.messageId = stripAngles(f.kv.id);
  if (f.kv.A !== undefined) {
    // A=<authenticator name>:<authenticated id>
    const colon = f.kv.A.indexOf(':');
    if (colon >= 0) ev.saslUsername = f.kv.A.slice(colon + 1);
    ev.saslMethod = colon >= 0 ? f.kv.A.slice(0, colon) : f.kv.A;
  }
  if (f.kv.X !== undefined) ev.tlsCipher = f.kv.X;
  if (f.forList !== undefined) {
    ev.recipients = f.forList;
    ev.nrcpt = f.forList.length;
  }
  return ev;
}

// ---- => -> >> *> ** == deliveries ----

const DELIVERY_STATUS: Record<string, string> = {
  '=>': 'sent',
  '->': 'sent',
  '>>': 'sent',
  '*>': 'suppressed',
  '**': 'bounced',
  '==': 'deferred',
};

function parseDelivery(c: Ctx, flag: string, s: string): DeliveryEvent {
  // address part: up to the first field ("R=", "T=", "H=", "F=", "P=" ...) or ": "
  let end = s.length;
  let k = s.indexOf(' ');
  while (k >= 0) {
    if (keyLength(s, k + 1) > 0 || s.startsWith(' routing defer', k) || s.startsWith(' defer (', k)) {
      end = k;
      break;
    }
    k = s.indexOf(' ', k + 1);
  }
  let addrPart = s.slice(0, end);
  let reasonFromAddr: string | undefined;
  const colon = addrPart.indexOf(': ', addrPart.startsWith(':blackhole:') ? 11 : 0);
  if (colon > 0) {
    reasonFromAddr = s.slice(colon + 2);
    addrPart = addrPart.slice(0, colon);
    end = s.length;
  } else if (addrPart.endsWith(':')) {
    addrPart = addrPart.slice(0, -1);
  }
  let to = addrPart;
  let origTo: string | undefined;
  const lt = addrPart.lastIndexOf(' <');
  if (lt > 0 && addrPart.endsWith('>')) {
    origTo = addrPart.slice(lt + 2, -1);
    to = addrPart.slice(0, lt);
  }
  const paren = to.indexOf(' (');
  if (paren > 0) to = to.slice(0, paren);
  const status = DELIVERY_STATUS[flag] ?? 'unknown';
  const blackhole = to === ':blackhole:' || to === 'blackhole';
  // local deliveries name the local part / file / pipe first: report the address
  if (origTo !== undefined && to.indexOf('@') < 0) {
    to = origTo;
    origTo = undefined;
  }
  const ev: DeliveryEvent = make(c, 'delivery', {
    to: cut(to, MAX_ADDRESS_CHARS),
    status: blackhole ? 'discarded' : status,
  });
  if (origTo !== undefined && origTo !== to) ev.origTo = cut(origTo, MAX_ADDRESS_CHARS);
  const f = reasonFromAddr === undefined ? readFields(s, end, false, true) : undefined;
  if (f?.host !== undefined) {
    const h = f.host;
    const name = h.clientHost ?? '';
    if (h.clientIp !== undefined)
      ev.relay = `${name}[${h.clientIp}]${h.clientPort !== undefined ? `:${h.clientPort}` : ''}`;
    else if (name.length > 0) ev.relay = name;
  }
  const confirm = f?.kv.C;
  let reason = reasonFromAddr ?? f?.reason;
  // +deliver_time appends " DT=1.2s" after the error text of ** lines
  if (reason !== undefined) {
    const dt = reason.lastIndexOf(' DT=');
    if (dt > 0 && reason.indexOf(' ', dt + 1) < 0) reason = reason.slice(0, dt);
  }
  if (reason !== undefined && reason.length > 0) {
    ev.detail = cut(reason);
    const r = dsnIn(reason);
    if (r !== undefined) ev.dsn = r;
  } else if (confirm !== undefined) {
    ev.detail = cut(confirm);
  }
  if (confirm !== undefined && status === 'sent') {
    const q = queuedAsIn(confirm);
    if (q !== undefined) ev.queuedAs = q;
  }
  return ev;
}

/** First enhanced status code in a reply text ("550 5.1.1 ..." -> "5.1.1"). */
function dsnIn(text: string): string | undefined {
  let i = text.search(/\b[245]\d\d[ -][245]\.\d{1,3}\.\d{1,3}\b/u);
  if (i < 0) return undefined;
  i += 4;
  const r = readSmtpReply(`000 ${text.slice(i, i + 16)}`);
  return r.dsn;
}

// ---- rejects, verification failures, ACL warnings ----

/** Stage from the word after "rejected": RCPT, MAIL, after DATA, connection ... */
function rejectStage(verb: string): string {
  if (verb.startsWith('RCPT')) return 'rcpt';
  if (verb.startsWith('MAIL')) return 'mail';
  if (verb.startsWith('after DATA')) return 'end-of-data';
  if (verb.startsWith('DATA')) return 'data';
  if (verb.startsWith('connection')) return 'connect';
  if (verb.startsWith('EHLO') || verb.startsWith('HELO')) return 'helo';
  if (verb.startsWith('by local_scan') || verb.startsWith('by non-SMTP ACL')) return 'end-of-data';
  return 'unknown';
}

/**
 * `H=.. F=<a> rejected RCPT <b>: why`, `H=.. temporarily rejected connection in "connect" ACL: why`,
 * `F=<a> H=.. P=smtp rejected by local_scan(): why`, `H=[ip] dropped by 'connect' ACL: why`,
 * `H=.. sender verify fail for <a>: why`, `H=.. Warning: text`.
 */
function parseClientPhrase(c: Ctx, s: string): LogEvent | null {
  // the phrase starts at the first token after the KEY=value fields (values are read
  // whole, so an address or HELO holding "rejected " cannot move the phrase)
  const f = readFields(s, 0, false, false, true);
  const rej = f.wordAt === undefined ? null : findPhrase(s, f.wordAt);
  if (rej === null) return null;
  const { at, phrase } = rej;
  const tail = s.slice(at + phrase.length);
  if (phrase === 'discarded by ') {
    // "F=<a> RCPT <b>: discarded by RCPT ACL[: why]": accepted in SMTP, then thrown away
    const ev: RejectEvent = make(c, 'reject', {
      stage: tail.startsWith('MAIL') ? 'mail' : tail.startsWith('DATA') ? 'end-of-data' : 'rcpt',
      action: 'discard',
      reason: cut(tail),
      by: 'acl',
    });
    applyClientFields(ev, f);
    const rc = s.indexOf(' RCPT <');
    if (rc >= 0 && rc < at) {
      const e = s.indexOf('>', rc + 7);
      if (e > rc) ev.to = cut(s.slice(rc + 7, e), MAX_ADDRESS_CHARS);
    }
    return ev;
  }
  if (phrase === 'rejected ' || phrase === 'temporarily rejected ' || phrase === 'dropped by ') {
    const colon = tail.indexOf(': ');
    const verb = colon >= 0 ? tail.slice(0, colon) : tail;
    const reasonText = colon >= 0 ? tail.slice(colon + 2) : '';
    const ev: RejectEvent = make(c, 'reject', {
      stage: phrase === 'dropped by ' ? dropStage(verb) : rejectStage(verb),
      action: phrase === 'temporarily rejected ' ? 'defer' : 'reject',
      reason: cut(reasonText.length > 0 ? unquote(reasonText) : verb),
      by: verb.startsWith('by local_scan') ? 'local_scan' : 'acl',
    });
    const r = readSmtpReply(ev.reason);
    if (r.code !== undefined) ev.code = r.code;
    if (r.dsn !== undefined) ev.dsn = r.dsn;
    applyClientFields(ev, f);
    if (verb.startsWith('RCPT ')) {
      const rc = verb.slice(5).trim();
      ev.to = cut(stripAngles(rc), MAX_ADDRESS_CHARS);
    } else if (verb.startsWith('MAIL ') && ev.from === undefined) {
      const mf = verb.slice(5).trim();
      ev.from = cut(stripAngles(mf.startsWith('FROM:') ? mf.slice(5) : mf), MAX_ADDRESS_CHARS);
    }
    return ev;
  }
  // verification failures, ACL warnings, dropped calls: worth keeping on the session
  if (c.queueId !== undefined && phrase === 'Warning: ') {
    const ev: MessageNoteEvent = make(c, 'message.note', { note: cut(s.slice(at)) });
    return ev;
  }
  const ev: SessionNoteEvent = make(c, 'session.note', { note: cut(s.slice(at)) });
  if (f.host !== undefined) assignClient(ev, f.host);
  return ev;
}

function dropStage(verb: string): string {
  const q = verb.indexOf("'");
  const acl = q >= 0 ? verb.slice(q + 1, verb.indexOf("'", q + 1)) : '';
  switch (acl) {
    case 'connect':
      return 'connect';
    case 'HELO':
    case 'EHLO':
      return 'helo';
    case 'MAIL':
      return 'mail';
    case 'RCPT':
      return 'rcpt';
    case 'DATA':
      return 'end-of-data';
    default:
      return 'unknown';
  }
}

function applyClientFields(ev: RejectEvent, f: Fields): void {
  if (f.host !== undefined) {
    assignClient(ev, f.host);
    const helo = f.host.helo ?? undefined;
    if (helo !== undefined) ev.helo = helo;
  }
  if (f.kv.F !== undefined) ev.from = cut(f.kv.F === '<>' ? '' : stripAngles(f.kv.F), MAX_ADDRESS_CHARS);
  if (f.kv.P !== undefined) ev.proto = f.kv.P;
}

const PHRASES = [
  'discarded by ',
  'temporarily rejected ',
  'rejected ',
  'dropped by ',
  'sender verify fail',
  'sender verify defer',
  'recipient verify fail',
  'recipient verify defer',
  'Warning: ',
  'dropped: ',
  'incomplete transaction ',
] as const;

/** The phrase at `at` (or after `RCPT <b>:` for ACL discards). */
function findPhrase(s: string, at: number): { at: number; phrase: string } | null {
  let i = at;
  if (s.startsWith('RCPT <', i)) {
    const gt = s.indexOf('>: ', i);
    if (gt < 0 || gt - i > MAX_ADDRESS_CHARS + 8) return null;
    i = gt + 3;
  }
  for (const p of PHRASES) if (s.startsWith(p, i)) return { at: i, phrase: p };
  return null;
}

// ---- authentication: DKIM, SPF (ACL logwrite), DMARC ----

function parseDkim(c: Ctx, s: string): LogEvent {
  // s = text after "DKIM: "
  const open = s.lastIndexOf(' [');
  if (!s.startsWith('d=') || open < 0 || !s.endsWith(']')) {
    return make(c, 'auth.dkim-note', { note: 'other', detail: cut(s) });
  }
  const f = readFields(s.slice(0, open), 0, false, false);
  const verdict = s.slice(open + 2, -1);
  // "[failed key import]" precedes the signature's own result line: a diagnostic, not a verdict
  if (verdict === 'failed key import') {
    const note = make(c, 'auth.dkim-note', { note: 'key-import-failed', failure: 'key', detail: cut(s) });
    if (f.kv.d !== undefined) note.domains = [f.kv.d];
    if (f.kv.s !== undefined) note.selector = f.kv.s;
    return note;
  }
  let result: AuthResult = 'unknown';
  let failure: DkimEvent['failure'];
  if (verdict === 'verification succeeded') result = 'pass';
  else if (verdict.startsWith('verification failed')) {
    result = 'fail';
    if (verdict.indexOf('body hash mismatch') >= 0) failure = 'body';
    else if (verdict.indexOf('signature did not verify') >= 0) failure = 'header';
    else if (verdict.indexOf('key') >= 0) failure = 'key';
    else if (verdict.indexOf('expired') >= 0) failure = 'expired';
    else failure = 'other';
  } else if (verdict.startsWith('invalid')) {
    result = verdict.indexOf('unavailable') >= 0 ? 'temperror' : 'permerror';
    failure = verdict.indexOf('key') >= 0 ? 'key' : 'other';
  } else if (verdict.indexOf('key') >= 0) {
    result = 'permerror';
    failure = 'key';
  }
  const ev: DkimEvent = make(c, 'auth.dkim', { result, detail: cut(verdict) });
  if (f.kv.d !== undefined) ev.domain = f.kv.d;
  if (f.kv.s !== undefined) ev.selector = f.kv.s;
  if (failure !== undefined) ev.failure = failure;
  return ev;
}

function authResult(word: string): AuthResult | undefined {
  const std = authResultWord(word);
  if (std !== undefined) return std;
  const w = word.toLowerCase();
  if (w === 'err_temp') return 'temperror';
  if (w === 'err_perm') return 'permerror';
  return undefined;
}

/** `SPF: fail (comment)` / `SPF: pass smtp.mailfrom=a@example.com` (ACL logwrite convention). */
function parseSpf(c: Ctx, s: string): LogEvent | null {
  let sp = s.indexOf(' ');
  if (sp < 0) sp = s.length;
  const result = authResult(s.slice(0, sp));
  if (result === undefined) return null;
  const ev: SpfEvent = make(c, 'auth.spf', { result, scope: 'mfrom' });
  const rest = s.slice(sp + 1);
  if (rest.length > 0) ev.reason = cut(rest);
  const dof = rest.indexOf('domain of ');
  if (dof >= 0) {
    let e = rest.indexOf(' ', dof + 10);
    if (e < 0) e = rest.length;
    const who = rest.slice(dof + 10, e);
    const at = who.lastIndexOf('@');
    ev.envelopeFrom = cut(who, MAX_ADDRESS_CHARS);
    ev.domain = at >= 0 ? who.slice(at + 1) : who;
  }
  const mf = rest.indexOf('smtp.mailfrom=');
  if (mf >= 0) {
    let e = rest.indexOf(' ', mf);
    if (e < 0) e = rest.length;
    const who = rest.slice(mf + 14, e).replace(/;$/u, '');
    const at = who.lastIndexOf('@');
    ev.envelopeFrom = cut(who, MAX_ADDRESS_CHARS);
    ev.domain = at >= 0 ? who.slice(at + 1) : who;
  }
  if (rest.indexOf('smtp.helo=') >= 0 || rest.startsWith('(helo')) ev.scope = 'helo';
  return ev;
}

/** `DMARC results: spf_domain=.. dmarc_domain=.. spf_align=no dkim_align=no enforcement='Reject'` */
function parseDmarcResults(c: Ctx, s: string): LogEvent {
  const q = s.indexOf("enforcement='");
  const enforcement =
    q >= 0 ? s.slice(q + 13, s.indexOf("'", q + 13) >= 0 ? s.indexOf("'", q + 13) : s.length) : '';
  const f = readFields(q >= 0 ? s.slice(0, q) : s, 0, false, false);
  let result: AuthResult = 'unknown';
  let policy: string | undefined;
  switch (enforcement) {
    case 'Accept':
      result = 'pass';
      break;
    case 'None, Accept':
      result = 'fail';
      policy = 'none';
      break;
    case 'Reject':
      result = 'fail';
      policy = 'reject';
      break;
    case 'Quarantine':
      result = 'fail';
      policy = 'quarantine';
      break;
    case 'No DMARC record':
    case 'No From: domain found':
      result = 'none';
      break;
    case 'Internal Policy Error':
      result = 'temperror';
      break;
    default:
      break;
  }
  const ev: DmarcEvent = make(c, 'auth.dmarc', { result, detail: cut(s) });
  if (f.kv.dmarc_domain !== undefined) ev.domain = f.kv.dmarc_domain;
  if (policy !== undefined) ev.policy = policy;
  return ev;
}

function headerEvent(c: Ctx, name: string, value: string): HeaderEvent {
  let v = value.startsWith(' ') ? value.slice(1) : value;
  const truncated = v.length > MAX_HEADER_VALUE_CHARS;
  if (truncated) v = v.slice(0, MAX_HEADER_VALUE_CHARS);
  const n = c.line.raw.length;
  return make(c, 'header', { name: detached(name, n), value: detached(v, n), truncated, action: 'logwrite' });
}

/** `header NAME: value` -> header event; name must look like a header field name. */
function parseHeaderConvention(c: Ctx, s: string): LogEvent | null {
  const colon = headerNameEnd(s);
  if (colon < 0) return null;
  const name = s.slice(0, colon);
  const value = s.slice(colon + 1);
  if (value.trim().length === 0)
    return noise(c.line, 'exim', `header ${name} not present`, 'mta', c.line.program);
  return headerEvent(c, name, value);
}

/** SA-Exim: `SA: Action: flagged as Spam but accepted: score=8.2 required=5.0 (...). From <a> (host=..) for b` */
function parseSaExim(c: Ctx, s: string): LogEvent {
  let action = 'other';
  if (s.startsWith('Action: flagged as Spam')) action = 'spam';
  else if (s.startsWith('Action: scanned but message isn')) action = 'clean';
  else if (s.startsWith('Action: silently tossed')) action = 'blocked';
  else if (s.startsWith('Action: permanently rejected')) action = 'reject';
  else if (s.startsWith('Action: temporarily rejected')) action = 'soft-reject';
  else if (s.startsWith('Action: teergrube')) action = 'greylist';
  const ev: FilterEvent = make(c, 'filter', { action, detail: cut(s) });
  const score = numberAfter(s, 'score=');
  if (score !== undefined) ev.score = score;
  const req = numberAfter(s, 'required=');
  if (req !== undefined) ev.threshold = req;
  const mid = s.indexOf('Message-Id: ');
  if (mid >= 0) {
    let e = s.indexOf(')', mid);
    if (e < 0) e = s.length;
    ev.messageId = stripAngles(s.slice(mid + 12, e).trim());
  }
  const from = s.indexOf('. From <');
  if (from >= 0) {
    const e = s.indexOf('>', from + 8);
    if (e >= 0) ev.envelopeFrom = cut(s.slice(from + 8, e), MAX_ADDRESS_CHARS);
    const hostAt = s.indexOf('(host=', from);
    if (hostAt >= 0) {
      const h = readHostSpec(s, hostAt + 6);
      if (h.clientHost !== undefined && h.clientHost !== 'NULL') ev.clientHost = h.clientHost;
      if (h.clientIp !== undefined) ev.clientIp = h.clientIp;
    }
    const forAt = s.indexOf(' for ', from);
    if (forAt >= 0) ev.recipients = splitSpaces(s.slice(forAt + 5));
  }
  return ev;
}

function numberAfter(s: string, key: string): number | undefined {
  const i = s.indexOf(key);
  if (i < 0) return undefined;
  let j = i + key.length;
  const start = j;
  while (j < s.length && j - start < 12) {
    const ch = s.charCodeAt(j);
    if (!((ch >= 48 && ch <= 57) || ch === 46 || ch === 45)) break;
    j++;
  }
  const n = Number(s.slice(start, j));
  return j > start && Number.isFinite(n) ? n : undefined;
}

// ---- connection-level lines ----

/** `... from <host spec>` -> client info on a session event. */
function clientAfter(s: string, marker: string): HostSpec | undefined {
  const i = s.indexOf(marker);
  if (i < 0) return undefined;
  let j = i + marker.length;
  if (s.startsWith('H=', j)) j += 2;
  const h = readHostSpec(s, j);
  return h.clientIp !== undefined || h.clientHost !== undefined ? h : undefined;
}

function withClient<T extends object>(ev: T, h: HostSpec | undefined): T {
  if (h !== undefined) assignClient(ev, h);
  return ev;
}

function parseSmtpConnection(c: Ctx, s: string): LogEvent {
  // "SMTP connection from <spec> (TCP/IP connection count = 1)" | "... closed by QUIT" | "... lost ..."
  // "SMTP connection from root" (a local user on -bs): no network client, and nothing after
  // the user name means the session just started
  const from = s.indexOf(' from ');
  const spec = from >= 0 ? readHostSpec(s, from + 6) : undefined;
  const h = spec !== undefined && spec.clientIp !== undefined ? spec : undefined;
  let tail = spec !== undefined ? s.slice(spec.end) : '';
  if (tail.startsWith(' I=')) tail = tail.slice(readHostSpec(tail, 3).end);
  if (tail.length === 0 || tail.startsWith(' (TCP/IP connection count')) {
    return withClient(make(c, 'session.connect', {}), h);
  }
  const ev = withClient(make(c, 'session.disconnect', {}), h) as LogEvent & { kind: 'session.disconnect' };
  const cc = s.indexOf(' C=');
  if (cc > 0) ev.commands = cut(s.slice(cc + 3).split(' ', 1)[0] ?? '', 256);
  return ev;
}

/** `SMTP protocol synchronization error (input sent without waiting for greeting): rejected connection from H=[ip]:port ...` */
function parseSyncError(c: Ctx, s: string): ProxyEvent {
  const pregreet = s.indexOf('without waiting for greeting') > 0;
  const ev: ProxyEvent = make(c, 'proxy', {
    action: pregreet ? 'pregreet' : 'protocol-violation',
    detail: cut(s),
  });
  const h = s.indexOf(' H=');
  if (h > 0) assignClient(ev, readHostSpec(s, h + 3));
  return ev;
}

/** `NAME authenticator failed for [H=]host (helo) [ip]:port [I=..] [U=..]: 535 ... (set_id=user)` */
function parseAuthFailed(c: Ctx, s: string, at: number): SessionAuthEvent {
  const ev: SessionAuthEvent = make(c, 'session.auth', { ok: false });
  const name = s.slice(0, at).trim();
  if (name.length > 0 && name.length < 64 && name.indexOf(' ') < 0) ev.saslMethod = name;
  const h = clientAfter(s, ' failed for ') ?? clientAfter(s, ' failed ');
  if (h !== undefined) assignClient(ev, h);
  const sid = s.lastIndexOf('(set_id=');
  if (sid >= 0) {
    const e = s.indexOf(')', sid);
    ev.saslUsername = cut(s.slice(sid + 8, e > sid ? e : s.length), 256);
  }
  const colon = s.indexOf(': ', at);
  if (colon > 0) ev.reason = cut(s.slice(colon + 2, sid > colon ? sid : s.length).trim());
  return ev;
}

/** Lines about the daemon, queue runs and configuration: nothing for the correlator. */
const NOISE_PREFIXES: readonly string[] = [
  'Start queue run',
  'End queue run',
  "Start '",
  "End '",
  'Start ODMR',
  'exim ',
  'daemon started',
  'Exim configuration error',
  'Exim version',
  'ACL for QUIT',
  'ACL "',
  'WARNING: ',
  'configured error code',
  'failed to expand',
  'expansion of ',
  'exec of ',
  'invalid value for',
  'invalid message_size_limit',
  'Daemon cannot be run',
  'EHLO/HELO response must not contain newlines',
  'pid written to',
  'daemon_smtp_port',
  'listening for SMTP',
  'Failed to ',
  'bounce_message_file',
  'Tainted ',
  'test write to LOG_PANIC',
  'unable to set gid',
  'queue_size:',
  'using queue ',
  'cwd=',
  'User 0 set for',
  'LOG: ',
  '(SSL_CTX_',
  'spool directory space check failed',
  'bind of ',
  'DNS list lookup ',
  '"discard" verb not allowed',
  'test write to LOG_',
  'Child mail process returned',
  'internal scanner error',
  'Spool file ',
  'pid ',
  'listen backlog',
  'Expansion of ',
  'Warning: No server certificate',
];

/** Message-level notes (with an id): freezing, removal by hand, delivery-side diagnostics. */
const MESSAGE_NOTE_PREFIXES: readonly string[] = [
  'Frozen',
  'frozen',
  'Message is frozen',
  'Unfrozen',
  'cancelled by',
  'no immediate delivery',
  'Spool file is locked',
  'moved from',
  'original recipients ignored',
  'SMTP error from remote',
  'PRDR ',
  'malware acl condition',
  'Remote host ',
  'TLS session',
  'DANE ',
  'ARC: ',
  'Server certificate',
  'Required TLS certificate',
  'OCSP ',
  'retry time not reached',
  'Message ',
  'error ignored',
  'message contains',
  'qualify/rewrite: ',
  'no recipients found in headers',
  'failed to ',
  'Error in system filter',
  'tainted search query',
  're-exec of exim',
  'home directory ',
  'local_scan() function',
  'remote host address is the local host',
  'unfrozen',
  'Error while reading message',
  'sender address changed',
  'spam acl condition',
  'Delivery deferred by',
  'SMTP connection lost after final dot',
  'Warning: ',
  'Sender identification ',
];

function parseWithId(c: Ctx, s: string): LogEvent | null {
  const c0 = s.charCodeAt(0);
  const c1 = s.charCodeAt(1);
  if (s.charCodeAt(2) === 32 && (c0 === 60 || c0 === 61 || c0 === 45 || c0 === 42 || c0 === 62)) {
    const flag = s.slice(0, 2);
    if (flag === '<=') return parseArrival(c, s.slice(3));
    if (DELIVERY_STATUS[flag] !== undefined) return parseDelivery(c, flag, s.slice(3));
    if (c0 === 60 && c1 === 60) return null;
  }
  if (s === 'Completed' || s.startsWith('Completed '))
    return make(c, 'message.closed', { reason: 'completed' });
  if (s.startsWith('removed by ')) return make(c, 'message.closed', { reason: 'removed' });
  if (s.startsWith('DKIM: ')) return parseDkim(c, s.slice(6));
  if (s.startsWith('DMARC results: ')) return parseDmarcResults(c, s.slice(15));
  if (s.startsWith('SPF: ')) return parseSpf(c, s.slice(5));
  if (s.startsWith('header ')) return parseHeaderConvention(c, s.slice(7));
  if (s.startsWith('Authentication-Results:')) return headerEvent(c, 'Authentication-Results', s.slice(23));
  if (s.startsWith('Received-SPF:')) return headerEvent(c, 'Received-SPF', s.slice(13));
  if (s.startsWith('SA: ')) return parseSaExim(c, s.slice(4));
  if (s.startsWith('local_scan() function ') && s.indexOf('rejected') > 0) {
    const ev: RejectEvent = make(c, 'reject', {
      stage: 'end-of-data',
      action: s.indexOf('temporarily rejected') > 0 ? 'defer' : 'reject',
      reason: cut(s),
      by: 'local_scan',
    });
    return ev;
  }
  for (const p of MESSAGE_NOTE_PREFIXES) {
    if (s.startsWith(p)) return make(c, 'message.note', { note: cut(s) }) as MessageNoteEvent;
  }
  // "<addr>: error ignored", "H=host [ip]: SMTP error from remote mail server after RCPT TO:<..>: 550 ..."
  if (
    s.indexOf(': error ignored') > 0 ||
    (s.startsWith('recipient <') && s.indexOf('> added by ') > 0) ||
    s.indexOf(' transport output: ') > 0 ||
    s.indexOf(' transport process returned ') > 0 ||
    s.indexOf(' router: skipped error') > 0 ||
    s.indexOf(' tmp-reject from cutthrough') > 0
  ) {
    return make(c, 'message.note', { note: cut(s) }) as MessageNoteEvent;
  }
  if (s.indexOf(' marked delivered by ') > 0)
    return make(c, 'message.note', { note: cut(s) }) as MessageNoteEvent;
  if (s.startsWith('H=') && isDeliveryDiagnostic(s)) {
    return make(c, 'message.note', { note: cut(s) }) as MessageNoteEvent;
  }
  if (s.startsWith('[') && s.indexOf('] SSL verify error') > 0) {
    return make(c, 'message.note', { note: cut(s) }) as MessageNoteEvent;
  }
  // outbound connection failures without H=: "mx.example.org [192.0.2.5] Connection refused"
  const h = keyLength(s, 0) === 0 ? readHostSpec(s, 0) : undefined;
  if (
    h !== undefined &&
    h.clientIp !== undefined &&
    h.clientHost !== undefined &&
    s.charCodeAt(h.end) === 32 &&
    isUpperAt(s, h.end + 1)
  ) {
    return make(c, 'message.note', { note: cut(s) }) as MessageNoteEvent;
  }
  return null;
}

/** Outbound connection problems logged under the message id: `H=mx [ip] Connection refused` ... */
function isDeliveryDiagnostic(s: string): boolean {
  const h = readHostSpec(s, 2);
  if (h.clientIp === undefined) return false;
  // "H=mx [ip]: SMTP error ...", "H=mx [ip] Connection refused", "H=mx [ip]:PORT Network Error"
  const rest = s.slice(h.end);
  // "H=.. [ip] I=.. F=<a> rejected after DATA" is a reject, read by parseClientPhrase
  if (rest.startsWith(' ') && keyLength(rest, 1) > 0) return false;
  return rest.startsWith(':') || rest.startsWith(' ');
}

function parseNoId(c: Ctx, s: string): LogEvent | null {
  if (s.startsWith('SMTP connection from ') || s.startsWith('SMTP connection Ci='))
    return parseSmtpConnection(c, s);
  if (s.startsWith('SMTP protocol synchronization error')) return parseSyncError(c, s);
  if (
    s.startsWith('no MAIL in SMTP connection from ') ||
    s.startsWith('unexpected disconnection while reading SMTP command from ')
  ) {
    const h = clientAfter(s, ' from ');
    const ev = withClient(make(c, 'session.disconnect', {}), h) as LogEvent & {
      kind: 'session.disconnect';
    };
    const cc = s.indexOf(' C=');
    if (cc > 0) ev.commands = cut(s.slice(cc + 3).split(' ', 1)[0] ?? '', 256);
    return ev;
  }
  if (
    s.startsWith('SMTP call from ') ||
    s.startsWith('SMTP protocol error') ||
    s.startsWith('SMTP syntax error') ||
    s.startsWith('SMTP command timeout') ||
    s.startsWith('SMTP data timeout') ||
    s.startsWith('SMTP incomplete transaction') ||
    s.startsWith('TLS error on connection') ||
    s.startsWith('TLS client disconnected') ||
    s.startsWith('Connection from ') ||
    s.startsWith('no IP address found for host ') ||
    s.startsWith('VRFY failed for ') ||
    s.startsWith('EXPN ') ||
    s.startsWith('ignoring AUTH=') ||
    s.startsWith('overlong message header') ||
    s.startsWith('ridiculously long message header') ||
    s.startsWith('sender verify defer') ||
    s.startsWith('recipient verify defer') ||
    s.startsWith('sender verify fail') ||
    s.startsWith('recipient verify fail') ||
    s.startsWith('timed out while reading local message') ||
    (s.indexOf(' authenticator (') > 0 && s.indexOf(' authenticator (') < 64) ||
    s.startsWith('ETRN ') ||
    s.startsWith('ATRN ')
  ) {
    // the quoted command may itself contain " H=...": Exim's own H= is the last one
    const lh = s.lastIndexOf(' H=');
    const h = (lh >= 0 ? clientAfter(s.slice(lh), ' H=') : undefined) ?? clientAfter(s, ' from ');
    return withClient(make(c, 'session.note', { note: cut(s) }) as SessionNoteEvent, h);
  }
  if (s.startsWith('no host name found for IP address ')) {
    const ev: SessionNoteEvent = make(c, 'session.note', { note: cut(s) });
    const ip = s.slice(34).trim();
    if (ip.length > 0 && ip.length < 64) ev.clientIp = ip;
    return ev;
  }
  if (s.startsWith('refused connection from ')) {
    const ev: RejectEvent = make(c, 'reject', {
      stage: 'connect',
      action: 'reject',
      reason: cut(s.slice(24)),
      by: 'host_reject_connection',
    });
    assignClient(ev, readHostSpec(s, 24));
    return ev;
  }
  // "rejected MAIL from host [ip]: why", "rejected HELO from ...", "rejected XCLIENT from ..."
  if (s.startsWith('rejected ') || s.startsWith('unqualified ') || s.startsWith('too many recipients')) {
    const colon = s.indexOf(': ');
    const verb = s.startsWith('rejected ') ? s.slice(9) : s;
    const ev: RejectEvent = make(c, 'reject', {
      stage: s.startsWith('rejected ') ? rejectStage(verb) : 'rcpt',
      action: s.indexOf('temporarily rejected') >= 0 ? 'defer' : 'reject',
      reason: cut(colon > 0 ? s.slice(colon + 2) : s),
      by: 'acl',
    });
    const h = clientAfter(s, ' from ');
    if (h !== undefined) {
      assignClient(ev, h);
      if (h.helo !== undefined) ev.helo = h.helo;
    }
    return ev;
  }
  return null;
}

/** Rejectlog header dump lines: `Envelope-from: <a>`, `Envelope-to: <b>`, `P Received: ...`, `F From: ...`. */
export function parseEximRejectlogLine(line: LogLine): LogEvent | null {
  const m = line.message;
  const c = ctxOf(line);
  if (m.startsWith('Envelope-from: ') || m.startsWith('Envelope-to: ') || m === 'Recipients:') {
    return make(c, 'message.note', { note: cut(m) }) as MessageNoteEvent;
  }
  // "<flag><space>Name: value" where flag is a spool header flag letter or a space
  // an unflagged header must start with a capital ("  Subject: ..."); this keeps other
  // programs' indented text ("  smtp: ...") from passing as a header
  const flag = m[0] ?? '';
  const unflaggedOk = flag !== ' ' || (m.charCodeAt(2) >= 65 && m.charCodeAt(2) <= 90);
  if (m.length > 4 && m.charCodeAt(1) === 32 && 'BCFIPRST* '.indexOf(flag) >= 0 && unflaggedOk) {
    const colon = m.indexOf(':', 2);
    if (colon > 2 && colon < 80) {
      const name = m.slice(2, colon);
      if (/^[A-Za-z0-9-]{1,76}$/u.test(name)) {
        const ev = headerEvent(c, name, m.slice(colon + 1));
        ev.action = m[0] === '*' ? 'rejectlog-deleted' : 'rejectlog';
        return ev;
      }
    }
  }
  return null;
}

export function parseExim(line: LogLine): LogEvent {
  const m = line.message;
  let i = skipStampAndPid(m);
  const c = ctxOf(line);
  const idLen = eximIdLength(m, i);
  if (idLen > 0) {
    c.queueId = m.slice(i, i + idLen);
    i += idLen + 1;
  }
  const s = i === 0 ? m : m.slice(i);
  let ev: LogEvent | null = null;
  if (c.queueId !== undefined) ev = parseWithId(c, s);
  if (ev === null) ev = parseCommon(c, s);
  if (ev === null && c.queueId === undefined && i === 0) ev = parseEximRejectlogLine(line);
  return ev ?? unrecognised(line, 'exim', 'mta', line.program);
}

/** Shapes that occur with or without a message id. */
function parseCommon(c: Ctx, s: string): LogEvent | null {
  if (s.startsWith('DKIM: ')) return parseDkim(c, s.slice(6));
  if (s.startsWith('Authentication-Results:')) return headerEvent(c, 'Authentication-Results', s.slice(23));
  if (s.startsWith('SMTP connection lost after final dot')) {
    return withClient(make(c, 'session.disconnect', {}), clientAfter(s, ' H='));
  }
  if ((s.startsWith('[') && s.indexOf('] SSL verify error') > 0) || s.startsWith('TLS session')) {
    return make(c, 'session.note', { note: cut(s) }) as SessionNoteEvent;
  }
  if (
    s.indexOf(' authenticator cancelled authentication') > 0 ||
    s.indexOf(' SMTP peer appears to have seen our banner') > 0
  ) {
    return withClient(make(c, 'session.note', { note: cut(s) }) as SessionNoteEvent, clientAfter(s, ' H='));
  }
  const auth = s.indexOf('authenticator failed');
  if (auth >= 0 && auth < 80) return parseAuthFailed(c, s, auth);
  if (s.startsWith('authenticator failed')) return parseAuthFailed(c, s, 0);
  const noId = parseNoId(c, s);
  if (noId !== null) return noId;
  // client-field lines: H=... / U=... / F=... followed by rejected / dropped / verify / Warning
  if (keyLength(s, 0) > 0) {
    const r = parseClientPhrase(c, s);
    if (r !== null) return r;
  }
  for (const p of NOISE_PREFIXES) {
    if (s.startsWith(p)) return noise(c.line, 'exim', cut(s, 200), 'mta', c.line.program);
  }
  return null;
}

/** One realistic line per recognised shape (message part as ingest hands it over). */
export const SAMPLES: readonly { program: string; message: string; kind: EventKind }[] = [
  {
    program: 'exim',
    message:
      '1tXyzA-000Abc-12 <= alice@example.com H=mail.example.net (helo.example.net) [192.0.2.1]:4321 I=[198.51.100.2]:25 P=esmtps X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no A=plain:alice S=1234 id=20261120.abc@example.net T="Quarterly report" for bob@example.org carol@example.org',
    kind: 'envelope',
  },
  {
    program: 'exim4',
    message:
      '1tXyzA-000000001Ab-0Xy2 <= <> R=1tXyz9-000000001Aa-0Ab1 U=Debian-exim P=local S=2345 for alice@example.com',
    kind: 'envelope',
  },
  {
    program: 'exim',
    message:
      '1tXyzA-000Abc-12 => bob@example.org R=dnslookup T=remote_smtp H=mx.example.org [198.51.100.5] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes C="250 2.0.0 Ok: queued as 4XyZ1r2Abc"',
    kind: 'delivery',
  },
  {
    program: 'exim',
    message:
      '1tXyzA-000Abc-12 -> carol@example.org R=dnslookup T=remote_smtp H=mx.example.org [198.51.100.5] C="250 OK id=1tXyzB-000Abd-34"',
    kind: 'delivery',
  },
  {
    program: 'exim',
    message: '1tXyzA-000Abc-12 *> dave@example.org R=dnslookup T=remote_smtp',
    kind: 'delivery',
  },
  {
    program: 'exim',
    message:
      '1tXyzA-000Abc-12 ** nobody@example.org R=dnslookup T=remote_smtp H=mx.example.org [198.51.100.5]: SMTP error from remote mail server after RCPT TO:<nobody@example.org>: 550 5.1.1 User unknown',
    kind: 'delivery',
  },
  {
    program: 'exim',
    message:
      '1tXyzA-000Abc-12 == erin@example.org R=dnslookup T=remote_smtp defer (-44) H=mx.example.org [198.51.100.5]: SMTP error from remote mail server after RCPT TO:<erin@example.org>: 451 4.7.1 Greylisted',
    kind: 'delivery',
  },
  { program: 'exim', message: '1tXyzA-000Abc-12 Completed', kind: 'message.closed' },
  { program: 'exim', message: '1tXyzA-000Abc-12 Frozen (delivery error message)', kind: 'message.note' },
  { program: 'exim', message: '1tXyzA-000Abc-12 removed by root', kind: 'message.closed' },
  {
    program: 'exim',
    message:
      '1tXyzA-000Abc-12 H=dsl.example.net (example.com) [203.0.113.5]:5123 I=[198.51.100.2]:25 F=<ceo@example.com> rejected after DATA: DMARC policy of example.com says reject',
    kind: 'reject',
  },
  {
    program: 'exim',
    message:
      'H=(example.com) [203.0.113.6]:5124 F=<ceo@example.com> rejected RCPT <staff@example.org>: SPF check failed',
    kind: 'reject',
  },
  {
    program: 'exim',
    message:
      'H=dsl.example.net [203.0.113.7]:5125 temporarily rejected connection in "connect" ACL: "Host is ratelimited"',
    kind: 'reject',
  },
  {
    program: 'exim',
    message: 'SMTP connection from [203.0.113.8]:5126 (TCP/IP connection count = 1)',
    kind: 'session.connect',
  },
  {
    program: 'exim',
    message: 'SMTP connection from mail.example.net (helo.example.net) [192.0.2.1]:4321 closed by QUIT',
    kind: 'session.disconnect',
  },
  { program: 'exim', message: 'no host name found for IP address 203.0.113.9', kind: 'session.note' },
  {
    program: 'exim',
    message:
      'SMTP protocol synchronization error (input sent without waiting for greeting): rejected connection from H=[203.0.113.10]:5127 I=[198.51.100.2]:25 input="EHLO x\\r\\n"',
    kind: 'proxy',
  },
  {
    program: 'exim',
    message:
      'SMTP protocol error in "AUTH LOGIN" H=(client) [203.0.113.11]:5128 I=[198.51.100.2]:25 AUTH command used when not advertised',
    kind: 'session.note',
  },
  {
    program: 'exim',
    message:
      'SMTP command timeout on connection from dsl.example.net [203.0.113.12]:5129 I=[198.51.100.2]:25',
    kind: 'session.note',
  },
  {
    program: 'exim',
    message:
      'TLS error on connection from dsl.example.net [203.0.113.13]:5130 I=[198.51.100.2]:25 (SSL_accept): error:0A000418:SSL routines::tlsv1 alert unknown ca',
    kind: 'session.note',
  },
  {
    program: 'exim',
    message:
      'dovecot_login authenticator failed for (client) [203.0.113.14]:5131 I=[198.51.100.2]:587: 535 Incorrect authentication data (set_id=admin@example.com)',
    kind: 'session.auth',
  },
  {
    program: 'exim',
    message:
      '1tXyzA-000Abc-12 DKIM: d=example.com s=sel2026 c=relaxed/relaxed a=rsa-sha256 b=2048 [verification succeeded]',
    kind: 'auth.dkim',
  },
  {
    program: 'exim',
    message:
      '1tXyzA-000Abc-12 DKIM: d=example.com s=sel2026 c=relaxed/relaxed a=rsa-sha256 b=2048 [verification failed - body hash mismatch (body probably modified in transit)]',
    kind: 'auth.dkim',
  },
  {
    program: 'exim',
    message:
      '1tXyzA-000Abc-12 DKIM: d=example.com s=sel2026 c=relaxed/relaxed a=rsa-sha256 b=2048 [verification failed - signature did not verify (headers probably modified in transit)]',
    kind: 'auth.dkim',
  },
  {
    program: 'exim',
    message:
      "1tXyzA-000Abc-12 DMARC results: spf_domain=example.net dmarc_domain=example.com spf_align=no dkim_align=no enforcement='Reject'",
    kind: 'auth.dmarc',
  },
  {
    program: 'exim',
    message:
      '1tXyzA-000Abc-12 SPF: fail (example.com: domain of ceo@example.com does not designate 203.0.113.5 as permitted sender)',
    kind: 'auth.spf',
  },
  {
    program: 'exim',
    message: '1tXyzA-000Abc-12 header From: "Chief Executive" <ceo@example.com>',
    kind: 'header',
  },
  {
    program: 'exim',
    message:
      '1tXyzA-000Abc-12 Authentication-Results: mx.example.org;\\n dkim=pass header.d=example.com header.s=sel2026 header.a=rsa-sha256',
    kind: 'header',
  },
  {
    program: 'exim',
    message:
      '1tXyzA-000Abc-12 SA: Action: flagged as Spam but accepted: score=8.2 required=5.0 (scanned in 2/2 secs | Message-Id: x1@example.net). From <alice@example.net> (host=mail.example.net [192.0.2.1]) for bob@example.org',
    kind: 'filter',
  },
  { program: 'exim', message: 'Start queue run: pid=12345', kind: 'noise' },
  { program: 'exim', message: 'SMTP connection from root', kind: 'session.connect' },
  {
    program: 'exim',
    message:
      'H=(client.example.net) [203.0.113.21]:5140 F=<a@example.net> RCPT <trap@example.org>: discarded by RCPT ACL',
    kind: 'reject',
  },
  {
    program: 'exim',
    message:
      'H=(client.example.net) [203.0.113.21]:5140 I=[198.51.100.2]:25 incomplete transaction (QUIT) from <a@example.net>',
    kind: 'session.note',
  },
  {
    program: 'exim',
    message: '1tXyzA-000Abc-12 DKIM: d=example.com s=sel2026 [failed key import]',
    kind: 'auth.dkim-note',
  },
  {
    program: 'exim',
    message: '1tXyzA-000Abc-12 local_scan() function timed out - message temporarily rejected (size 2900)',
    kind: 'reject',
  },
  { program: 'exim', message: 'F From: "Chief Executive" <ceo@example.com>', kind: 'header' },
  {
    program: 'exim',
    message: '1tXyzA-000Abc-12 == bob@example.org routing defer (-52) DT=0s: retry time not reached',
    kind: 'delivery',
  },
  {
    program: 'exim',
    message: 'exim 4.97 daemon started: pid=1234, -q30m, listening for SMTP on port 25 (IPv4)',
    kind: 'noise',
  },
  {
    program: 'exim',
    message:
      'H=dsl.example.net [203.0.113.15] sender verify fail for <nobody@example.com>: Unrouteable address',
    kind: 'session.note',
  },
  {
    program: 'exim',
    message:
      'no MAIL in SMTP connection from dsl.example.net [203.0.113.16]:5132 I=[198.51.100.2]:25 D=21s C=EHLO,STARTTLS',
    kind: 'session.disconnect',
  },
];
