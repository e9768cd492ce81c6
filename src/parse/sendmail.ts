/**
 * Sendmail (sendmail, sm-mta, sm-msp-queue, sm-acceptingconnections ...) -> LogEvent.
 *
 * Sendmail writes one line per fact, most of them `QID: key=value, key=value, ...`:
 *   from=  envelope (sender, size, nrcpts, msgid, proto, relay = the SMTP client)
 *   to=    delivery per recipient (stat= Sent / Deferred / error text)
 *   ruleset=check_* ... reject=   policy rejects (check_relay, check_mail, check_rcpt ...)
 *   Milter add/insert/change: header: ...   headers added by milters (Authentication-Results)
 *   Milter: data, reject=...      milter rejects
 *   AUTH=server / STARTTLS=server session facts; DSN / return to sender notes.
 * Queue ids are `YMDhmsNN` + pid (8 alphanumerics + 5..10 digits, e.g. u9LHfL3Q012345).
 *
 * What closes a message: Sendmail has no `removed` line. A queue id is finished when every
 * recipient got a final `to=` status (Sent or a permanent error); fluent-plugin style
 * `QID: done` lines (some builds / patches) are reported as message.closed. Sendmail
 * never logs the header From by default; only milters' added headers are visible.
 */
import type { LogLine } from '../ingest/line.js';
import type {
  DeliveryEvent,
  EnvelopeEvent,
  HeaderEvent,
  EventKind,
  LogEvent,
  MessageNoteEvent,
  RejectEvent,
  SessionAuthEvent,
  SessionConnectEvent,
  SessionNoteEvent,
  SessionTlsEvent,
} from './event.js';
import { detached, noise, unrecognised } from './base.js';
import { MAX_HEADER_VALUE_CHARS } from '../limits.js';
import {
  assignClient,
  headerNameEnd,
  looksLikeIp,
  queuedAsIn,
  readHostSpec,
  readSendmailDelay,
  readSmtpReply,
  MAX_LINE_RECIPIENTS,
  stripAngles,
  toInt,
  cut,
  make,
  type MtaCtx,
  MAX_ADDRESS_CHARS,
} from './mta-fields.js';

/** Keys read from one `key=value, ...` line. */
const MAX_KV_PAIRS = 40;
/** Longest key name in a `key=value` list. */
const MAX_KEY_CHARS = 24;
/** Longest `from OLD to NEW` text searched for a tagged value (longer ones split at the last " to "). */
const MAX_CHANGE_SCAN_CHARS = 4096;
/** Longest milter name in `Milter (name) ...`. */
const MAX_MILTER_NAME_CHARS = 64;

type Kv = Record<string, string>;

function daemonOf(program: string): string {
  return program.startsWith('sm-msp') ? 'msp' : 'mta';
}

type Ctx = MtaCtx;

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * Length of a Sendmail queue id at `i` followed by ": " (0 when none). 8.12+ ids are
 * 8 alphanumerics then the pid (5..10 digits); pre-8.12 ids are 7 alphanumerics + 5 digits.
 */
export function sendmailQueueIdLength(s: string, i: number): number {
  let j = i;
  while (j < s.length && j - i < 19 && isAlnum(s.charCodeAt(j))) j++;
  const len = j - i;
  if (len < 12 || len > 18 || s.charCodeAt(j) !== 58 /* : */ || s.charCodeAt(j + 1) !== 32) return 0;
  // trailing digits: at least 5
  let d = j;
  while (d > i && s.charCodeAt(d - 1) >= 48 && s.charCodeAt(d - 1) <= 57) d--;
  const digits = j - d;
  if (digits < 5) return 0;
  // the alphanumeric head must leave room for 7..8 characters (the head may end in digits)
  if (len - 5 < 7) return 0;
  return len;
}

/** Reads `key=value, key=value` (values end at ", key="); `stat`/`reject` run to the end. */
export function readKv(s: string, start: number): Kv | null {
  const kv: Kv = Object.create(null) as Kv;
  let i = start;
  let pairs = 0;
  while (i < s.length && pairs < MAX_KV_PAIRS) {
    const eq = s.indexOf('=', i);
    if (eq <= i || eq - i > MAX_KEY_CHARS) return pairs > 0 ? kv : null;
    const key = s.slice(i, eq);
    if (!isKey(key)) return pairs > 0 ? kv : null;
    const vStart = eq + 1;
    let vEnd = s.length;
    if (key !== 'stat' && key !== 'reject') {
      // addresses and message-ids are attacker-written: read <...> (and <a>,<b>) whole
      // before looking for the next ", key="
      let k = s.indexOf(', ', anglesEnd(s, vStart));
      while (k >= 0) {
        if (keyFollows(s, k + 2)) break;
        k = s.indexOf(', ', k + 2);
      }
      if (k >= 0) vEnd = k;
    }
    let v = s.slice(vStart, vEnd);
    if (v.endsWith(',')) v = v.slice(0, -1);
    kv[key] = v;
    pairs++;
    i = vEnd + 2;
  }
  return kv;
}

/** `<a>,<"b, c"@x>,root` -> addresses; quoted local parts may hold commas. */
function splitRecipients(v: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < v.length && out.length < MAX_LINE_RECIPIENTS) {
    let end = v.indexOf(',', i);
    if (v.charCodeAt(i) === 60 /* < */) {
      let from = i + 1;
      if (v.charCodeAt(from) === 34) {
        const q = v.indexOf('"', from + 1);
        if (q > 0) from = q + 1;
      }
      const gt = v.indexOf('>', from);
      if (gt > 0) end = gt + 1;
    }
    if (end < 0) end = v.length;
    const a = stripAngles(v.slice(i, end).trim());
    if (a.length > 0) out.push(a.length > MAX_ADDRESS_CHARS ? a.slice(0, MAX_ADDRESS_CHARS) : a);
    i = end + 1;
    if (v.charCodeAt(end) !== 44 && end < v.length) {
      // junk after '>' up to the next comma
      const next = v.indexOf(',', end);
      i = next < 0 ? v.length : next + 1;
    }
  }
  return out;
}

/** End of `<..>` / `<"..">` / `<a>,<b>` at i (i itself when no angle bracket starts there). */
function anglesEnd(s: string, i: number): number {
  let j = i;
  while (s.charCodeAt(j) === 60 /* < */) {
    let from = j + 1;
    if (s.charCodeAt(from) === 34 /* " */) {
      const q = s.indexOf('"', from + 1);
      if (q < 0 || q - j > MAX_ADDRESS_CHARS) return i;
      from = q + 1;
    }
    const gt = s.indexOf('>', from);
    if (gt < 0 || gt - j > MAX_ADDRESS_CHARS) return i;
    j = gt + 1;
    if (s.charCodeAt(j) !== 44 /* , */ || s.charCodeAt(j + 1) !== 60) break;
    j++;
  }
  return j;
}

function isKey(k: string): boolean {
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95)) return false;
  }
  return k.length > 0;
}

function keyFollows(s: string, i: number): boolean {
  let j = i;
  while (j < s.length && j - i <= MAX_KEY_CHARS) {
    const c = s.charCodeAt(j);
    if (c === 61 /* = */) return j > i;
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95)) return false;
    j++;
  }
  return false;
}

function addr(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const a = stripAngles(v.trim());
  return a.length > MAX_ADDRESS_CHARS ? a.slice(0, MAX_ADDRESS_CHARS) : a;
}

/** Applies `relay=name [ip] (may be forged)` to an event as the SMTP client. */
function relayClient(target: object, relay: string | undefined): void {
  if (relay === undefined || relay.length === 0) return;
  // local submissions: relay=root@localhost -> not an SMTP client
  if (relay.indexOf('[') < 0 && relay.indexOf('@') > 0) return;
  const h = readHostSpec(relay, 0);
  // without the $_ macro Sendmail writes "name (ip)": the parenthesis holds the address
  if (h.clientIp === undefined && h.helo !== undefined && looksLikeIp(h.helo)) {
    h.clientIp = h.helo;
    h.helo = undefined;
  }
  assignClient(target, h);
}

/** `relay=mx.example.org. [192.0.2.5]` -> "mx.example.org[192.0.2.5]" (Postfix's shape). */
function relayText(relay: string | undefined): string | undefined {
  if (relay === undefined || relay.length === 0) return undefined;
  const h = readHostSpec(relay, 0);
  const name = h.clientHostUnverified ?? h.clientHost;
  if (h.clientIp !== undefined) return `${name ?? ''}[${h.clientIp}]`;
  return name ?? relay;
}

function parseFrom(c: Ctx, kv: Kv): EnvelopeEvent {
  const ev: EnvelopeEvent = make(c, 'envelope', { from: addr(kv.from) ?? '' });
  const size = toInt(kv.size);
  if (size !== undefined) ev.size = size;
  const nr = toInt(kv.nrcpts);
  if (nr !== undefined) ev.nrcpt = nr;
  if (kv.msgid !== undefined) ev.messageId = stripAngles(kv.msgid);
  if (kv.proto !== undefined) ev.proto = kv.proto;
  // auth= is the SASL mechanism ({auth_type}); the user name is on the AUTH=server line
  if (kv.auth !== undefined && kv.auth !== 'NONE') ev.saslMethod = kv.auth;
  relayClient(ev, kv.relay);
  return ev;
}

/** stat= text -> delivery status. */
export function sendmailStatus(stat: string, dsn: string | undefined): string {
  if (stat.startsWith('Sent')) return 'sent';
  if (stat.startsWith('Deferred')) return 'deferred';
  if (stat === 'queued' || stat.startsWith('queued')) return 'queued';
  if (stat.startsWith('Quarantined')) return 'quarantined';
  if (dsn !== undefined && dsn.startsWith('4.')) return 'deferred';
  // any other stat is the error text of a failed delivery: the sender gets a DSN
  return 'bounced';
}

function parseTo(c: Ctx, kv: Kv): DeliveryEvent {
  const rcpts = splitRecipients(kv.to ?? '');
  const stat = kv.stat ?? '';
  const ev: DeliveryEvent = make(c, 'delivery', { to: rcpts[0] ?? '', status: sendmailStatus(stat, kv.dsn) });
  if (rcpts.length > 1) ev.recipients = rcpts;
  const orig = addr(kv.orcpt ?? kv.ctladdr);
  if (kv.orcpt !== undefined && orig !== undefined) ev.origTo = orig;
  const relay = relayText(kv.relay);
  if (relay !== undefined) ev.relay = relay;
  if (kv.dsn !== undefined) ev.dsn = kv.dsn;
  const delay = readSendmailDelay(kv.delay);
  if (delay !== undefined) ev.delay = delay;
  if (stat.length > 0) {
    // 8.15+ logs the remote server's words in reply=; keep them when stat= does not
    const reply = kv.reply;
    ev.detail = cut(reply !== undefined && stat.indexOf(reply) < 0 ? `${stat} (${reply})` : stat);
    if (ev.status === 'sent') {
      const q = queuedAsIn(stat);
      if (q !== undefined) ev.queuedAs = q;
    }
  }
  return ev;
}

/** ruleset=check_* -> SMTP stage. */
function rulesetStage(rs: string): string {
  switch (rs) {
    case 'check_relay':
      return 'connect';
    case 'check_mail':
      return 'mail';
    case 'check_rcpt':
    case 'check_compat':
      return 'rcpt';
    case 'check_data':
      return 'data';
    case 'check_eoh':
      return 'header';
    case 'check_eom':
      return 'end-of-data';
    default:
      return 'unknown';
  }
}

function actionOfCode(code: number | undefined, dsn: string | undefined): string {
  if (code !== undefined) return code >= 400 && code < 500 ? 'defer' : 'reject';
  if (dsn !== undefined && dsn.startsWith('4.')) return 'defer';
  return 'reject';
}

/** Fills code/dsn/reason/action from `reject=`, `discard`, `quarantine=` of a kv list. */
function applyOutcome(ev: RejectEvent, kv: Kv): boolean {
  if (kv.reject !== undefined) {
    const r = readSmtpReply(kv.reject);
    if (r.code !== undefined) ev.code = r.code;
    if (r.dsn !== undefined) ev.dsn = r.dsn;
    ev.reason = cut(r.text);
    ev.action = actionOfCode(r.code, r.dsn);
    return true;
  }
  if (kv.quarantine !== undefined) {
    ev.action = 'quarantine';
    ev.reason = cut(kv.quarantine);
    return true;
  }
  return false;
}

function parseRuleset(c: Ctx, kv: Kv, msg: string): LogEvent {
  const rs = kv.ruleset ?? '';
  // tls_server / tls_rcpt judge the remote server while Sendmail delivers: relay= is that
  // server, not an SMTP client of ours
  if (rs === 'tls_server' || rs === 'tls_rcpt') return sessionNote(c, msg, undefined);
  const ev: RejectEvent = make(c, 'reject', {
    stage: rulesetStage(rs),
    action: 'reject',
    reason: '',
    by: `ruleset=${rs}`,
  });
  relayClient(ev, kv.relay);
  if (rs === 'check_mail') {
    const f = addr(kv.arg1);
    if (f !== undefined) ev.from = f;
  } else if (rs === 'check_rcpt') {
    const t = addr(kv.arg1);
    if (t !== undefined) ev.to = t;
  }
  if (applyOutcome(ev, kv)) return ev;
  // `..., discard` (no '=') ends the list
  if (msg.endsWith(', discard')) {
    ev.action = 'discard';
    ev.reason = 'discard';
    return ev;
  }
  // a ruleset line cut before its outcome: recognised, but it decides nothing
  const note: SessionNoteEvent = make(c, 'session.note', { note: cut(`ruleset ${rs} (outcome not logged)`) });
  assignClient(note, ev);
  return note;
}

function milterHeader(c: Ctx, name: string, value: string, action: string): HeaderEvent {
  let v = value.startsWith(' ') ? value.slice(1) : value;
  const truncated = v.length > MAX_HEADER_VALUE_CHARS;
  if (truncated) v = v.slice(0, MAX_HEADER_VALUE_CHARS);
  const n = c.line.raw.length;
  return make(c, 'header', {
    name: detached(cut(name, 200), n),
    value: detached(v, n),
    truncated,
    action,
    milter: true,
  });
}

/**
 * `from OLD to NEW`: OLD may itself hold " to ". Prefer the longest OLD that NEW contains
 * (milters tag values: "[SPAM] " + OLD), else split at the last " to ".
 */
function splitChange(t: string): { old: string; now: string } | null {
  if (!t.startsWith('from ')) return null;
  let tagged = -1;
  let last = -1;
  let k = t.indexOf(' to ', 5);
  for (let tries = 0; k >= 0 && tries < 32; tries++) {
    last = k;
    const old = t.slice(5, k);
    if (old.length > 0 && t.length <= MAX_CHANGE_SCAN_CHARS && t.slice(k + 4).includes(old)) tagged = k;
    k = t.indexOf(' to ', k + 4);
  }
  const at = tagged >= 0 ? tagged : last;
  return at < 0 ? null : { old: t.slice(5, at), now: t.slice(at + 4) };
}

/**
 * Milter header actions as Sendmail logs them (MilterLogLevel > 8):
 *   Milter add: header: NAME: VALUE            Milter insert (IDX): header: NAME: VALUE
 *   Milter change (add): header: NAME: VALUE   Milter change: default header NAME value with VALUE
 *   Milter change: header[ (default header)] NAME: from OLD to NEW
 *   Milter delete: header[ (default header)] NAME:OLD
 *   Milter chgfrom: <sender>   Milter add: rcpt: <x>   Milter delete: rcpt <x>
 */
function parseMilterAction(c: Ctx, line: string): LogEvent | null {
  // 8.17 names the milter first: "Milter (opendkim) insert (0): header: DKIM-Signature: ..."
  let rest = line;
  if (line.startsWith('Milter (')) {
    const close = line.indexOf(') ', 8);
    if (close < 0 || close > 8 + MAX_MILTER_NAME_CHARS) return null;
    rest = 'Milter ' + line.slice(close + 2);
  }
  let h = rest.indexOf(': header: ');
  if (h > 6 && h < 32) {
    const verb = rest.startsWith('Milter insert')
      ? 'insert'
      : rest.startsWith('Milter change')
        ? 'change'
        : 'add';
    const body = rest.slice(h + 10);
    const colon = body.indexOf(':');
    if (colon <= 0 || colon > 200) return null;
    return milterHeader(c, body.slice(0, colon), body.slice(colon + 1), verb);
  }
  if (rest.startsWith('Milter change: default header ')) {
    const body = rest.slice(30);
    const w = body.indexOf(' value with ');
    if (w <= 0) return null;
    return milterHeader(c, body.slice(0, w), body.slice(w + 12), 'change');
  }
  const isChange = rest.startsWith('Milter change: header ');
  const isDelete = rest.startsWith('Milter delete: header ');
  if (isChange || isDelete) {
    let body = rest.slice(22);
    if (body.startsWith('(default header) ')) body = body.slice(17);
    h = body.indexOf(':');
    if (h <= 0 || h > 200) return null;
    const name = body.slice(0, h);
    if (isDelete) return milterHeader(c, name, body.slice(h + 1), 'delete');
    const ch = splitChange(body.slice(h + 2));
    return ch === null ? null : milterHeader(c, name, ch.now, 'change');
  }
  if (
    rest.startsWith('Milter chgfrom: ') ||
    rest.startsWith('Milter add: rcpt: ') ||
    rest.startsWith('Milter delete: rcpt ')
  ) {
    return make(c, 'message.note', { note: cut(line) });
  }
  return null;
}

function parseMilter(c: Ctx, rest: string): LogEvent {
  const action = parseMilterAction(c, rest);
  if (action !== null) return action;
  if (rest.startsWith('Milter: ')) {
    const kvText = rest.slice(8);
    // "Milter: data, reject=..." / "Milter: from=<..>, reject=..." / "Milter: to=<..>, reject=..."
    // "Milter: connect: host=.., addr=.., reject=..." / "Milter: helo=.., reject=..."
    const r = kvText.indexOf('reject=');
    const q = kvText.indexOf('quarantine=');
    const d = kvText.endsWith(', discard') || kvText === 'data, discard';
    if (r >= 0 || q >= 0 || d) {
      const ev: RejectEvent = make(c, 'reject', {
        stage: milterStage(kvText),
        action: 'reject',
        reason: '',
        by: 'milter',
      });
      if (r >= 0) {
        const reply = readSmtpReply(kvText.slice(r + 7));
        if (reply.code !== undefined) ev.code = reply.code;
        if (reply.dsn !== undefined) ev.dsn = reply.dsn;
        ev.reason = cut(reply.text);
        ev.action = actionOfCode(reply.code, reply.dsn);
      } else if (q >= 0) {
        ev.action = 'quarantine';
        ev.reason = cut(kvText.slice(q + 11));
      } else {
        ev.action = 'discard';
        ev.reason = 'discard';
      }
      const kv = readKv(kvText.startsWith('connect: ') ? kvText.slice(9) : kvText, 0);
      if (kv !== null) {
        if (kv.from !== undefined) ev.from = addr(kv.from) ?? '';
        if (kv.to !== undefined) ev.to = addr(kv.to) ?? '';
        if (kv.helo !== undefined) ev.helo = kv.helo;
        if (kv.addr !== undefined) ev.clientIp = kv.addr;
        if (kv.host !== undefined) ev.clientHost = kv.host;
      }
      return ev;
    }
    // "Milter: no active filter", "Milter: sender: ...", timeouts, ...
    return noise(c.line, 'sendmail', 'milter', c.daemon, c.instance);
  }
  // "Milter (opendkim): init success to negotiate", "Milter (x): to error state",
  // "Milter accept: message", "Milter message: body replaced", "Milter: ..."
  if (rest.startsWith('Milter (') || rest.startsWith('Milter accept') || rest.startsWith('Milter message')) {
    return noise(c.line, 'sendmail', 'milter', c.daemon, c.instance);
  }
  return noise(c.line, 'sendmail', 'milter', c.daemon, c.instance);
}

function milterStage(s: string): string {
  if (s.startsWith('data')) return 'end-of-data';
  if (s.startsWith('from=')) return 'mail';
  if (s.startsWith('to=')) return 'rcpt';
  if (s.startsWith('connect')) return 'connect';
  if (s.startsWith('helo=')) return 'helo';
  if (s.startsWith('header')) return 'header';
  if (s.startsWith('eoh')) return 'header';
  if (s.startsWith('body')) return 'body';
  return 'unknown';
}

/** `AUTH=server, relay=.., authid=user, mech=PLAIN, bits=0` and `AUTH failure (MECH): ...`. */
function parseAuth(c: Ctx, rest: string): LogEvent | null {
  if (rest.startsWith('AUTH=server, ')) {
    const kv = readKv(rest, 0);
    if (kv === null) return null;
    const ev: SessionAuthEvent = make(c, 'session.auth', { ok: true });
    relayClient(ev, kv.relay);
    if (kv.mech !== undefined) ev.saslMethod = kv.mech;
    if (kv.authid !== undefined) ev.saslUsername = kv.authid;
    return ev;
  }
  if (rest.startsWith('AUTH=client, ')) {
    return sessionNote(c, rest, undefined);
  }
  if (rest.startsWith('AUTH failure (')) {
    const close = rest.indexOf('): ', 14);
    const ev: SessionAuthEvent = make(c, 'session.auth', { ok: false });
    if (close > 14 && close < 60) ev.saslMethod = rest.slice(14, close).toUpperCase();
    // the SASL text may contain commas; user= and relay= are the last pairs
    const u = rest.lastIndexOf(', user=');
    const r = rest.lastIndexOf(', relay=');
    if (r > 0) relayClient(ev, rest.slice(r + 8));
    if (u > 0) {
      const end = r > u ? r : rest.length;
      ev.saslUsername = cut(rest.slice(u + 7, end), 256);
    }
    const reasonEnd = u > 0 ? u : r > 0 ? r : rest.length;
    ev.reason = cut(rest.slice(close > 0 ? close + 3 : 0, reasonEnd));
    return ev;
  }
  if (rest.startsWith('AUTH warning') || rest.startsWith('AUTH: ') || rest.startsWith('AUTH ')) {
    return sessionNote(c, rest, undefined);
  }
  return null;
}

function tlsTrust(verify: string | undefined): string | undefined {
  switch (verify) {
    case 'OK':
      return 'Verified';
    case 'NO':
    case 'NONE':
    case 'NOT':
      return 'Anonymous';
    case 'FAIL':
      return 'Untrusted';
    default:
      return undefined;
  }
}

function parseStartTls(c: Ctx, rest: string): LogEvent {
  if (rest.startsWith('STARTTLS=server, relay=')) {
    const kv = readKv(rest, 0);
    if (kv !== null && (kv.version !== undefined || kv.cipher !== undefined)) {
      const ev: SessionTlsEvent = make(c, 'session.tls', {});
      relayClient(ev, kv.relay);
      if (kv.version !== undefined) ev.tlsProtocol = kv.version;
      if (kv.cipher !== undefined) ev.tlsCipher = kv.cipher;
      const trust = tlsTrust(kv.verify);
      if (trust !== undefined) ev.tlsTrust = trust;
      return ev;
    }
  }
  // outbound TLS (STARTTLS=client: relay= is the remote server, not our client), handshake
  // and read/write errors: recognised, but nothing about the inbound session
  if (rest.startsWith('STARTTLS=server')) {
    const rel = rest.indexOf('relay=');
    if (rel >= 0)
      return sessionNote(
        c,
        rest,
        rest.slice(rel + 6, rest.indexOf(', ', rel) > 0 ? rest.indexOf(', ', rel) : rest.length),
      );
  }
  return sessionNote(c, rest, undefined);
}

function sessionNote(c: Ctx, text: string, relay: string | undefined): SessionNoteEvent {
  const ev: SessionNoteEvent = make(c, 'session.note', { note: cut(text) });
  if (relay !== undefined) relayClient(ev, relay);
  return ev;
}

/**
 * Connection-level lines that start with the client: `[ip]: possible SMTP attack ...`,
 * `host [ip] did not issue MAIL/EXPN/VRFY/ETRN during connection to MTA`,
 * `host [ip]: EXPN root [rejected]`.
 */
function parseClientFirst(c: Ctx, rest: string): LogEvent | null {
  const h = readHostSpec(rest, 0);
  if (h.clientIp === undefined) return null;
  let tail = rest.slice(h.end);
  if (tail.startsWith(':')) tail = tail.slice(1);
  tail = tail.trimStart();
  if (tail.length === 0) return null;
  const ev: SessionNoteEvent = make(c, 'session.note', { note: cut(tail) });
  assignClient(ev, h);
  return ev;
}

/** `<addr>... User unknown` — Sendmail's own RCPT (or MAIL) refusal. */
function parseAddrDots(c: Ctx, rest: string): LogEvent | null {
  const end = rest.indexOf('>... ');
  if (end <= 0 || end > MAX_ADDRESS_CHARS) return null;
  const who = cut(rest.slice(1, end), MAX_ADDRESS_CHARS);
  const text = rest.slice(end + 5);
  // "<a@x>... Domain of sender address a@x does not exist" refuses MAIL FROM
  const sender = text.startsWith('Sender ') || text.indexOf('sender address') >= 0;
  const ev: RejectEvent = make(c, 'reject', {
    stage: sender ? 'mail' : 'rcpt',
    action: 'reject',
    reason: cut(text),
  });
  if (sender) ev.from = who;
  else ev.to = who;
  return ev;
}

/** `rejecting commands from host [ip] due to pre-greeting traffic after N seconds` */
function parsePregreet(c: Ctx, rest: string): LogEvent {
  const ev = make(c, 'proxy', { action: 'pregreet', detail: cut(rest) }) as LogEvent & { kind: 'proxy' };
  const from = rest.indexOf(' from ');
  if (from > 0) {
    // "from  [ip]" (empty name) also occurs
    let i = from + 6;
    while (rest.charCodeAt(i) === 32 && i < from + 10) i++;
    assignClient(ev, readHostSpec(rest, i));
  }
  return ev;
}

/** `lost input channel from host [ip] to MTA after rcpt`, `timeout waiting for input from host [ip] during ...` */
function parseFromHost(c: Ctx, rest: string, marker: string): LogEvent {
  const ev: SessionNoteEvent = make(c, 'session.note', { note: cut(rest) });
  const i = rest.indexOf(marker);
  if (i >= 0) assignClient(ev, readHostSpec(rest, i + marker.length));
  return ev;
}

/** DSN / return-to-sender / postmaster notify, optionally naming the new queue id first. */
function parseNotify(c: Ctx, rest: string): LogEvent | null {
  let related: string | undefined;
  let body = rest;
  const qlen = sendmailQueueIdLength(rest, 0);
  if (qlen > 0) {
    related = rest.slice(0, qlen);
    body = rest.slice(qlen + 2);
  }
  if (
    body.startsWith('DSN: ') ||
    body.startsWith('return to sender: ') ||
    body.startsWith('postmaster notify: ') ||
    body.startsWith('sender notify: ') ||
    body.startsWith('warning: ') ||
    body === 'postmaster notify' ||
    body.startsWith('Warning: ')
  ) {
    const ev: MessageNoteEvent = make(c, 'message.note', { note: cut(body) });
    if (related !== undefined) ev.relatedQueueId = related;
    return ev;
  }
  return null;
}

/**
 * Other recognised lines, by prefix, and what they are about: the daemon itself (noise),
 * the SMTP session (a session note), or the queued message (a message note).
 */
const MISC: readonly (readonly [string, 'noise' | 'session' | 'message'])[] = [
  ['starting daemon', 'noise'],
  ['restarting ', 'noise'],
  ['stopping daemon', 'noise'],
  ['started as:', 'noise'],
  ['alias database ', 'noise'],
  ['runqueue', 'noise'],
  ['grew WorkList', 'noise'],
  ['SMTP outgoing connect', 'noise'],
  ['SYSERR', 'noise'],
  ['low on space', 'noise'],
  ['rejecting connections on daemon', 'noise'],
  ['accepting connections again', 'noise'],
  ['Abort', 'noise'],
  ['Losing ', 'noise'],
  ['engine=', 'noise'],
  ['error: safesasl', 'noise'],
  ['looking for plugins', 'noise'],
  ['unable to write pid', 'noise'],
  ['Authentication-Warning: ', 'message'],
  ['X-Authentication-Warning: ', 'message'],
  ['clone ', 'message'],
  ['sender notify', 'message'],
  ['savemail', 'message'],
  ['forward ', 'message'],
  ['alias ', 'message'],
  ['discarded', 'message'],
  ['setsender: ', 'message'],
  ['headers too large', 'session'],
  ['collect: ', 'session'],
];

function parseMisc(c: Ctx, rest: string): LogEvent | null {
  for (const [p, what] of MISC) {
    if (!rest.startsWith(p)) continue;
    if (what === 'message' && c.queueId !== undefined) return make(c, 'message.note', { note: cut(rest) });
    if (what === 'session') {
      // "collect: relay=[ip], from=<a>, info=unexpected close" / "... from host [ip] during message collect"
      const rel = rest.indexOf('relay=');
      if (rel >= 0) {
        const end = rest.indexOf(', ', rel);
        return sessionNote(c, rest, rest.slice(rel + 6, end > rel ? end : rest.length));
      }
      return rest.indexOf(' from ') > 0 ? parseFromHost(c, rest, ' from ') : sessionNote(c, rest, undefined);
    }
    return noise(c.line, 'sendmail', cut(rest, 200), c.daemon, c.instance);
  }
  // "/etc/mail/aliases: 45 aliases, longest 10 bytes, 765 bytes total"
  if (rest.indexOf(' aliases, longest ') > 0)
    return noise(c.line, 'sendmail', 'aliases', c.daemon, c.instance);
  return null;
}

/**
 * The header-logging convention for Sendmail (it logs no header by itself): a syslog map
 * called from header rulesets, in sendmail.mc. Sendmail logs the tokenised value under the
 * queue id: `QID: header.From:Chief Executive<ceo@example.com>` (quote marks and the
 * blanks between tokens are dropped; the address and the display-name words survive).
 */
export const SENDMAIL_HEADER_LOGGING_MC = [
  'LOCAL_CONFIG',
  'Klog syslog -L info',
  'HFrom: $>+LogHeaderFrom',
  'HReply-To: $>+LogHeaderReplyTo',
  'LOCAL_RULESETS',
  'SLogHeaderFrom',
  'R$*\t$: $(log header From: $1 $) $1',
  'SLogHeaderReplyTo',
  'R$*\t$: $(log header Reply-To: $1 $) $1',
].join('\n');

/** `From:value` after the `header.` / `header ` marker. */
function parseHeaderConvention(c: Ctx, s: string): HeaderEvent | null {
  const colon = headerNameEnd(s);
  if (colon < 0) return null;
  const name = s.slice(0, colon);
  let v = s.slice(colon + 1);
  if (v.startsWith(' ')) v = v.slice(1);
  const truncated = v.length > MAX_HEADER_VALUE_CHARS;
  const n = c.line.raw.length;
  return make(c, 'header', {
    name: detached(name, n),
    value: detached(truncated ? v.slice(0, MAX_HEADER_VALUE_CHARS) : v, n),
    truncated,
    action: 'logged',
  });
}

/** Solaris syslogd prefixes messages with `[ID 801593 mail.notice] `. */
function skipSolarisId(m: string): number {
  if (!m.startsWith('[ID ')) return 0;
  const close = m.indexOf('] ', 4);
  return close > 4 && close < 48 ? close + 2 : 0;
}

export function parseSendmail(line: LogLine): LogEvent {
  const daemon = daemonOf(line.program);
  const instance = line.program;
  const m = line.message;
  let i = skipSolarisId(m);
  const c: Ctx = { line, producer: 'sendmail', daemon, instance };
  const qlen = sendmailQueueIdLength(m, i);
  if (qlen > 0) {
    c.queueId = m.slice(i, i + qlen);
    i += qlen + 2;
  } else if (m.startsWith('NOQUEUE: ', i)) {
    i += 9;
  }
  const rest = i === 0 ? m : m.slice(i);
  return parseBody(c, rest) ?? unrecognised(line, 'sendmail', daemon, instance);
}

function parseBody(c: Ctx, rest: string): LogEvent | null {
  const c0 = rest.charCodeAt(0);
  if (rest.startsWith('from=')) {
    const kv = readKv(rest, 0);
    if (kv === null) return null;
    return parseFrom(c, kv);
  }
  if (rest.startsWith('to=')) {
    const kv = readKv(rest, 0);
    if (kv === null || (kv.stat === undefined && kv.dsn === undefined && kv.mailer === undefined))
      return null;
    return parseTo(c, kv);
  }
  // small-syslog builds split the from= line: "QID: msgid=<..>", "QID: size=.., class=.., nrcpts=.."
  if (rest.startsWith('msgid=')) {
    const id = stripAngles(rest.slice(6).trim());
    if (id.length > 0) return make(c, 'message.id', { messageId: cut(id, MAX_ADDRESS_CHARS) });
  }
  if (rest.startsWith('size=') || rest.startsWith('bodytype='))
    return make(c, 'message.note', { note: cut(rest) });
  if (rest.startsWith('ruleset=')) {
    const kv = readKv(rest, 0);
    if (kv === null) return null;
    return parseRuleset(c, kv, rest);
  }
  if (rest.startsWith('Milter')) return parseMilter(c, rest);
  // "milter=opendkim, action=rcpt, continue" (MilterLogLevel > 10): per-command verdicts; a
  // reject is logged again as "Milter: ..., reject=" with its reply, read above
  if (rest.startsWith('milter=')) return noise(c.line, 'sendmail', cut(rest, 200), c.daemon, c.instance);
  if (rest.startsWith('header.') || rest.startsWith('header ')) {
    const h = parseHeaderConvention(c, rest.slice(7));
    if (h !== null) return h;
  }
  if (rest.startsWith('AUTH')) return parseAuth(c, rest);
  if (rest.startsWith('STARTTLS')) {
    // "STARTTLS: ServerCertFile missing", "STARTTLS=client, init=1": configuration chatter
    if (rest.startsWith('STARTTLS: ') && rest.endsWith(' missing'))
      return noise(c.line, 'sendmail', cut(rest, 200), c.daemon, c.instance);
    if (rest.indexOf(', init=') > 0 && rest.length < 40)
      return noise(c.line, 'sendmail', cut(rest, 200), c.daemon, c.instance);
    return parseStartTls(c, rest);
  }
  if (rest === 'done' || rest.startsWith('done;')) {
    return make(c, 'message.closed', { reason: 'completed' });
  }
  if (rest.startsWith('connect from ')) {
    const ev: SessionConnectEvent = make(c, 'session.connect', {});
    // "connect from root@localhost" is a local submission: no network client
    if (rest.indexOf('[', 13) > 0) assignClient(ev, readHostSpec(rest, 13));
    return ev;
  }
  if (rest.startsWith('rejecting commands')) return parsePregreet(c, rest);
  // "tcpwrappers (dsl.example.net, 203.0.113.5) rejection"
  if (rest.startsWith('tcpwrappers (')) {
    const ev: RejectEvent = make(c, 'reject', {
      stage: 'connect',
      action: 'reject',
      reason: cut(rest),
      by: 'tcpwrappers',
    });
    const comma = rest.indexOf(', ', 13);
    const close = rest.indexOf(')', 13);
    if (comma > 13 && close > comma && close - 13 < 600) {
      const host = rest.slice(13, comma);
      const ip = rest.slice(comma + 2, close);
      if (host !== 'unknown' && host !== ip) ev.clientHost = host;
      ev.clientIp = ip;
    }
    return ev;
  }
  if (rest.startsWith('lost input channel from ')) return parseFromHost(c, rest, ' from ');
  if (rest.startsWith('timeout waiting for input from ')) return parseFromHost(c, rest, ' from ');
  if (rest.startsWith('Connection rate limit exceeded') || rest.startsWith('too many ')) {
    return sessionNote(c, rest, undefined);
  }
  if (c0 === 60 /* < */) {
    const r = parseAddrDots(c, rest);
    if (r !== null) return r;
  }
  const notify = parseNotify(c, rest);
  if (notify !== null) return notify;
  const misc = parseMisc(c, rest);
  if (misc !== null) return misc;
  // "[ip]: possible SMTP attack", "host [ip] did not issue MAIL/EXPN/VRFY/ETRN ..."
  const client = parseClientFirst(c, rest);
  if (client !== null) return client;
  return null;
}

/** One realistic line per recognised shape (message part after `prog[pid]: `). */
export const SAMPLES: readonly { program: string; message: string; kind: EventKind }[] = [
  {
    program: 'sm-mta',
    message:
      'u9LHfL3Q012345: from=<alice@example.com>, size=1234, class=0, nrcpts=1, msgid=<20261120100001.u9LHfL3Q012345@mail.example.com>, bodytype=8BITMIME, proto=ESMTPS, daemon=MTA, tls_verify=NONE, auth=NONE, relay=mail.example.net [192.0.2.1]',
    kind: 'envelope',
  },
  {
    program: 'sendmail',
    message:
      'u9LHfL3Q012345: from=<bob@example.net>, size=88, class=0, nrcpts=1, msgid=<x1@example.net>, proto=ESMTP, daemon=MTA, relay=host.example.net [IPv6:2001:db8::1] (may be forged)',
    kind: 'envelope',
  },
  {
    program: 'sm-mta',
    message:
      'u9LHfL3Q012345: to=<carol@example.org>, ctladdr=<alice@example.com> (1000/1000), delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=121234, relay=mx.example.org. [198.51.100.7], dsn=2.0.0, stat=Sent (Ok: queued as 4XyZ1r2Abc)',
    kind: 'delivery',
  },
  {
    program: 'sm-mta',
    message:
      'u9LHfL3Q012345: to=<dave@example.org>, delay=1+02:00:00, xdelay=00:00:05, mailer=esmtp, pri=301234, relay=mx.example.org. [198.51.100.7], dsn=5.1.1, stat=User unknown',
    kind: 'delivery',
  },
  {
    program: 'sm-msp-queue',
    message:
      'u9LHfM1a012399: to=root, ctladdr=root (0/0), delay=00:04:00, xdelay=00:00:00, mailer=relay, pri=120112, relay=[127.0.0.1], dsn=4.0.0, stat=Deferred: Connection refused by [127.0.0.1]',
    kind: 'delivery',
  },
  {
    program: 'sm-mta',
    message:
      'u9LHfL3Q012346: ruleset=check_mail, arg1=<ceo@example.com>, relay=[203.0.113.9], reject=553 5.1.8 <ceo@example.com>... Domain of sender address ceo@example.com does not exist',
    kind: 'reject',
  },
  {
    program: 'sm-mta',
    message:
      'u9LHfL3Q012347: ruleset=check_rcpt, arg1=<user@example.org>, relay=dsl.example.net [203.0.113.10] (may be forged), reject=550 5.7.1 <user@example.org>... Relaying denied',
    kind: 'reject',
  },
  {
    program: 'sm-mta',
    message:
      'ruleset=check_relay, arg1=dsl.example.net, arg2=203.0.113.11, relay=dsl.example.net [203.0.113.11], reject=421 4.3.2 Connection rate limit exceeded.',
    kind: 'reject',
  },
  {
    program: 'sm-mta',
    message:
      'u9LHfL3Q012345: Milter add: header: Authentication-Results: mx.example.org; dkim=pass (2048-bit key) header.d=example.com header.i=@example.com header.b=AbCdEf12',
    kind: 'header',
  },
  {
    program: 'sm-mta',
    message:
      'u9LHfL3Q012345: Milter insert (1): header: Received-SPF: Pass (mailfrom) identity=mailfrom; client-ip=192.0.2.1',
    kind: 'header',
  },
  {
    program: 'sm-mta',
    message: 'u9LHfL3Q012348: Milter: data, reject=550 5.7.1 rejected by DMARC policy for example.com',
    kind: 'reject',
  },
  {
    program: 'sm-mta',
    message: 'u9LHfL3Q012349: Milter: from=<ceo@example.com>, reject=550 5.7.1 Sender address rejected',
    kind: 'reject',
  },
  {
    program: 'sm-mta',
    message: 'u9LHfL3Q012345: Milter (opendkim): init success to negotiate',
    kind: 'noise',
  },
  {
    program: 'sm-mta',
    message: 'AUTH=server, relay=client.example.net [192.0.2.44], authid=alice, mech=PLAIN, bits=0',
    kind: 'session.auth',
  },
  {
    program: 'sendmail',
    message:
      'u9LHfL3Q012350: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, user=admin, relay=[203.0.113.12]',
    kind: 'session.auth',
  },
  {
    program: 'sm-mta',
    message:
      'STARTTLS=server, relay=mail.example.net [192.0.2.1], version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256',
    kind: 'session.tls',
  },
  {
    program: 'sm-mta',
    message:
      'STARTTLS=client, relay=mx.example.org., version=TLSv1.2, verify=OK, cipher=ECDHE-RSA-AES256-GCM-SHA384, bits=256/256',
    kind: 'session.note',
  },
  {
    program: 'sm-mta',
    message: 'u9LHfL3Q012345: u9LHfL3R012351: DSN: User unknown',
    kind: 'message.note',
  },
  { program: 'sm-mta', message: 'u9LHfL3Q012345: done; delay=00:00:02, ntries=1', kind: 'message.closed' },
  {
    program: 'sm-mta',
    message: 'NOQUEUE: connect from dsl.example.net [203.0.113.13]',
    kind: 'session.connect',
  },
  {
    program: 'sm-mta',
    message:
      'u9LHfL3Q012352: rejecting commands from dsl.example.net [203.0.113.14] due to pre-greeting traffic after 0 seconds',
    kind: 'proxy',
  },
  {
    program: 'sm-mta',
    message:
      'u9LHfL3Q012353: dsl.example.net [203.0.113.15] did not issue MAIL/EXPN/VRFY/ETRN during connection to MTA',
    kind: 'session.note',
  },
  {
    program: 'sm-mta',
    message: 'u9LHfL3Q012354: lost input channel from dsl.example.net [203.0.113.16] to MTA after rcpt',
    kind: 'session.note',
  },
  {
    program: 'sm-mta',
    message:
      'u9LHfL3Q012355: timeout waiting for input from dsl.example.net [203.0.113.17] during server cmd read',
    kind: 'session.note',
  },
  {
    program: 'sm-mta',
    message: 'u9LHfL3Q012356: [203.0.113.18]: possible SMTP attack: command=AUTH, count=5',
    kind: 'session.note',
  },
  { program: 'sm-mta', message: 'u9LHfL3Q012357: <nobody@example.org>... User unknown', kind: 'reject' },
  { program: 'sm-mta', message: 'starting daemon (8.17.1): SMTP+queueing@00:10:00', kind: 'noise' },
  {
    program: 'sm-mta',
    message: 'u9LHfL3Q012345: header.From:Chief Executive<ceo@example.com>',
    kind: 'header',
  },
  {
    program: 'sm-mta',
    message: 'u9LHfL3Q012345: Milter change: header Subject: from Invoice to [SPAM] Invoice',
    kind: 'header',
  },
  {
    program: 'sm-mta',
    message: 'u9LHfL3Q012345: Milter delete: header Authentication-Results: mx.example.org; dkim=pass',
    kind: 'header',
  },
  {
    program: 'sm-mta',
    message: 'u9LHfL3Q012345: Milter chgfrom: <bounces+x@example.net>',
    kind: 'message.note',
  },
  {
    program: 'sm-mta',
    message:
      'u9LHfL3Q012345: Milter (opendkim) insert (0): header: DKIM-Signature:  v=1; a=rsa-sha256; d=example.org; s=sel',
    kind: 'header',
  },
  { program: 'sm-mta', message: 'u9LHfL3Q012345: milter=opendkim, action=rcpt, continue', kind: 'noise' },
  {
    program: 'sm-mta',
    message: 'NOQUEUE: tcpwrappers (dsl.example.net, 203.0.113.19) rejection',
    kind: 'reject',
  },
  { program: 'sendmail', message: 'u9LHfL3Q012345: msgid=<x9@example.net>', kind: 'message.id' },
  {
    program: 'sm-mta',
    message: 'u9LHfL3Q012345: collect: relay=[203.0.113.20], from=<a@example.net>, info=unexpected close',
    kind: 'session.note',
  },
  {
    program: 'sm-msp-queue',
    message:
      'u9LHfM2b012400: from=root, size=312, class=0, nrcpts=1, msgid=<202611201000.u9LHfM2b012400@host.example.com>, relay=root@localhost',
    kind: 'envelope',
  },
];
