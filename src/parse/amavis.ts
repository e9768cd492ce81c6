/**
 * Amavis (amavisd-new): the main log line per message and its many other shapes.
 *
 * Main line (log_templ, amavisd-new 2.6+):
 *   (12345-01) Passed CLEAN {RelayedInbound}, [192.0.2.1]:4321 [198.51.100.7] <a@example.com>
 *   -> <b@example.org>,<c@example.org>, Queue-ID: 4F9D195432, Message-ID: <x@y>, mail_id: abc,
 *   Hits: -1.2, size: 1234, queued_as: 5A6B7C8D9E, Subject: "..", From: <a@example.com>,
 *   helo=mail.example.com, Tests: [SPF_PASS=-0.001,...], dkim_sd=sel:example.com, 1234 ms
 * with `Blocked SPAM|INFECTED (name)|BANNED (name)|BAD-HEADER|...`, `Not-Delivered`, and the
 * older `Passed CLEAN, [ip] [ip] <a> -> <b>, ...` and amavisd-new 2.4 `SPAM, <a> -> <b>, Yes,
 * score=..` forms. That line becomes a filter event; every other shape Amavis is known to
 * write (MIME part listings `p001`, SMTP/LMTP session lines, `(!)`/`(!!)` trouble, TIMING,
 * SpamAssassin notes, start-up ...) is noise.
 *
 * Subject text is attacker-written and logged in the middle of the line: keys are read from
 * before it, and `From:` only from after its closing quote.
 */
import type { LogLine } from '../ingest/line.js';
import type { FilterEvent, LogEvent } from './event.js';
import { noise, unrecognised } from './base.js';
import { MAX_RECIPIENTS } from '../limits.js';
import { looksLikeIp, numberOf } from './milter-common.js';
import { authFromSaRules } from './sa-rules.js';

const P = 'amavis' as const;
/** Longest value kept for one field of the main line. */
export const MAX_AMAVIS_FIELD_CHARS = 998;
/** Longest parenthesised detail (virus or banned names) scanned after the category. */
export const MAX_AMAVIS_DETAIL_CHARS = 1024;
/** DKIM signatures kept from `dkim_sd=`. */
export const MAX_AMAVIS_DKIM = 16;
/** SpamAssassin hits kept from `Tests: [...]`. */
export const MAX_AMAVIS_TESTS = 256;

function bounded(s: string): string {
  return s.length > MAX_AMAVIS_FIELD_CHARS ? s.slice(0, MAX_AMAVIS_FIELD_CHARS) : s;
}

function isUpperWordChar(c: number): boolean {
  return (c >= 65 && c <= 90) || c === 45 || (c >= 48 && c <= 57); // A-Z - 0-9
}

/** Strips `(12345-01) `, `(!)`, `(!!)` prefixes; returns where the text starts and the trouble level. */
function skipPrefixes(msg: string): { at: number; trouble: number } {
  let i = 0;
  let trouble = 0;
  for (let n = 0; n < 3 && msg.charCodeAt(i) === 40; n++) {
    if (msg.startsWith('(!!)', i)) {
      trouble = 2;
      i += 4;
    } else if (msg.startsWith('(!)', i)) {
      trouble = Math.max(trouble, 1);
      i += 3;
    } else {
      // log id `(12345-01)` or `(12345-01-2)`
      let j = i + 1;
      while (j < msg.length && j - i < 24) {
        const c = msg.charCodeAt(j);
        if (!((c >= 48 && c <= 57) || c === 45)) break;
        j++;
      }
      if (msg.charCodeAt(j) !== 41 || j === i + 1) break;
      i = j + 1;
    }
    if (msg.charCodeAt(i) === 32) i++;
  }
  return { at: i, trouble };
}

/** Value after `key` (e.g. ", Queue-ID: ") up to the next ", " (or `>` for bracketed values). */
function fieldValue(text: string, key: string, limit: number, last = false): string | undefined {
  const at = last ? text.lastIndexOf(key) : text.indexOf(key);
  if (at < 0 || at >= limit) return undefined;
  const start = at + key.length;
  if (text.charCodeAt(start) === 60 /* < */) {
    const close = text.indexOf('>, ', start);
    const end = close >= 0 ? close : text.indexOf('>', start);
    if (end < 0) return undefined;
    return bounded(text.slice(start + 1, end));
  }
  let end = text.indexOf(', ', start);
  if (end < 0) end = text.length;
  return bounded(text.slice(start, end));
}

/** Reads `<a>,<b>` addresses starting at `i`; stops at ", " that is not followed by `<`. */
function readAddresses(text: string, i: number, out: string[]): number {
  let pos = i;
  while (pos < text.length && text.charCodeAt(pos) === 60 && out.length < MAX_RECIPIENTS) {
    // an address may hold `>` inside quotes: its end is `>` followed by `,` / ` ` / end
    let end = text.indexOf('>', pos + 1);
    while (end >= 0) {
      const n = text.charCodeAt(end + 1);
      if (Number.isNaN(n) || n === 44 || n === 32) break;
      end = text.indexOf('>', end + 1);
    }
    if (end < 0) return pos;
    out.push(bounded(text.slice(pos + 1, end)));
    pos = end + 1;
    if (text.charCodeAt(pos) === 44 /* , */ && text.charCodeAt(pos + 1) === 60) pos++;
    else break;
  }
  return pos;
}

/**
 * Reads `<sender> -> <rcpt>,<rcpt>` at `i` (a `<` there) into the event's envelope sender and
 * recipients; returns where the addresses end.
 */
function readEnvelope(ev: FilterEvent, text: string, i: number): number {
  const from: string[] = [];
  let pos = readAddresses(text, i, from);
  if (from[0] !== undefined) ev.envelopeFrom = from[0];
  if (text.startsWith(' -> ', pos)) {
    const rcpts: string[] = [];
    pos = readAddresses(text, pos + 4, rcpts);
    if (rcpts.length > 0) ev.recipients = rcpts;
  }
  return pos;
}

/** `Passed CLEAN {RelayedInbound}, [ip]:port [ip] ESMTP/ESMTP <a> -> <b>, Queue-ID: ...` */
function parseMain(line: LogLine, text: string): FilterEvent | null {
  const sp = text.indexOf(' ');
  const comma = text.indexOf(',');
  const first = text.slice(0, sp < 0 || (comma >= 0 && comma < sp) ? (comma < 0 ? text.length : comma) : sp);
  const action =
    first === 'Passed'
      ? 'passed'
      : first === 'Blocked'
        ? 'blocked'
        : first === 'Not-Delivered'
          ? 'not-delivered'
          : null;
  if (action === null) return null;
  const ev: FilterEvent = { kind: 'filter', line, producer: P, daemon: P, instance: '', action };
  let i = first.length;
  // category
  if (text.charCodeAt(i) === 32 && isUpperWordChar(text.charCodeAt(i + 1))) {
    let j = i + 1;
    while (j < text.length && j - i < 40 && isUpperWordChar(text.charCodeAt(j))) j++;
    ev.category = text.slice(i + 1, j);
    i = j;
  }
  // `(virus or banned names)`: may nest and hold anything
  if (text.charCodeAt(i) === 32 && text.charCodeAt(i + 1) === 40) {
    let depth = 0;
    let j = i + 1;
    const lim = Math.min(text.length, i + 1 + MAX_AMAVIS_DETAIL_CHARS);
    for (; j < lim; j++) {
      const c = text.charCodeAt(j);
      if (c === 40) depth++;
      else if (c === 41 && --depth === 0) break;
    }
    if (depth === 0 && j < lim) {
      ev.detail = text.slice(i + 2, j);
      i = j + 1;
    }
  }
  // `{RelayedInbound,Quarantined}`
  if (text.charCodeAt(i) === 32 && text.charCodeAt(i + 1) === 123) {
    const close = text.indexOf('}', i);
    if (close > 0 && close - i < 200) i = close + 1;
  }
  if (text.charCodeAt(i) !== 44) return text.length === i ? ev : null; // "Passed," split lines end here
  i++;
  // tokens up to the sender: policy-bank words, [client]:port, [origin], protocol
  let guard = 0;
  while (i < text.length && guard++ < 12) {
    while (text.charCodeAt(i) === 32) i++;
    const c = text.charCodeAt(i);
    if (c === 60 /* < */) break;
    const next = text.indexOf(' ', i);
    const tok = text.slice(i, next < 0 ? text.length : next);
    if (c === 91 /* [ */) {
      const close = tok.indexOf(']');
      let ip = close > 0 ? tok.slice(1, close) : '';
      if (ip.startsWith('IPv6:')) ip = ip.slice(5);
      if (ev.clientIp === undefined && looksLikeIp(ip)) {
        ev.clientIp = ip;
        const port = close > 0 && tok.charCodeAt(close + 1) === 58 ? Number(tok.slice(close + 2)) : NaN;
        if (Number.isInteger(port) && port > 0 && port < 65536) ev.clientPort = port;
      }
    }
    if (next < 0) return ev;
    i = next + 1;
  }
  if (text.charCodeAt(i) !== 60) return ev;
  i = readEnvelope(ev, text, i);
  const rest = text.slice(i);
  // keys before the attacker-written Subject
  const subj = rest.indexOf(', Subject: "');
  const limit = subj < 0 ? rest.length : subj;
  const qid = fieldValue(rest, ', Queue-ID: ', limit);
  if (qid !== undefined && qid !== '' && qid.length <= 64) ev.queueId = qid;
  const mid = fieldValue(rest, ', Message-ID: ', limit);
  if (mid !== undefined && mid !== '') ev.messageId = mid;
  const hits = numberOf(fieldValue(rest, ', Hits: ', limit));
  if (hits !== undefined) ev.score = hits;
  const qa = fieldValue(rest, ', queued_as: ', limit);
  if (qa !== undefined) {
    const first = qa.split(/[ /]/, 1)[0] ?? '';
    if (first !== '' && first.length <= 64) ev.queuedAs = first;
  }
  // after the Subject's closing quote (a quote inside is written `\"` or `""`)
  let after = 0;
  if (subj >= 0) {
    let k = subj + 12;
    for (; k < rest.length; k++) {
      const c = rest.charCodeAt(k);
      if (c === 92) k++;
      else if (c === 34 && rest.charCodeAt(k + 1) === 34) k++;
      else if (c === 34 && (rest.startsWith(', ', k + 1) || k + 1 === rest.length)) break;
    }
    after = k;
  }
  const tail = rest.slice(after);
  // the last one: an unescaped quote in the Subject could put a forged one earlier
  const hdrFrom = fieldValue(tail, ', From: ', tail.length, true);
  if (hdrFrom !== undefined && hdrFrom !== '') ev.headerFrom = hdrFrom;
  const sd = fieldValue(tail, ', dkim_sd=', tail.length, true);
  if (sd !== undefined) {
    const dkim: { result: 'pass'; domain?: string }[] = [];
    for (const pair of sd.split(',')) {
      if (dkim.length >= MAX_AMAVIS_DKIM) break;
      const colon = pair.lastIndexOf(':');
      const d = pair
        .slice(colon + 1)
        .trim()
        .toLowerCase();
      if (d !== '' && d.length <= 253) dkim.push({ result: 'pass', domain: d });
    }
    if (dkim.length > 0) ev.auth = { dkim };
  }
  // SpamAssassin hits `Tests: [BAYES_00=-1.9,SPF_PASS=-0.001]` (the last list: see From above)
  const tests = tail.lastIndexOf(', Tests: [');
  if (tests >= 0) {
    const open = tests + 10;
    const close = tail.indexOf(']', open);
    const list = tail.slice(open, close < 0 ? tail.length : close);
    const symbols: NonNullable<FilterEvent['symbols']> = {};
    let n = 0;
    for (const item of list.split(',', MAX_AMAVIS_TESTS)) {
      const eq = item.indexOf('=');
      const name = (eq < 0 ? item : item.slice(0, eq)).trim();
      if (name === '' || name === '__proto__' || name.length > 128 || n >= MAX_AMAVIS_TESTS) continue;
      const score = eq < 0 ? undefined : numberOf(item.slice(eq + 1).trim());
      symbols[name] = score === undefined ? {} : { score };
      n++;
    }
    if (n > 0) {
      ev.symbols = symbols;
      const sa = authFromSaRules(Object.keys(symbols));
      if (sa !== undefined) {
        // dkim_sd names the domains; SpamAssassin's DKIM_VALID/INVALID only say "some signature"
        ev.auth = ev.auth?.dkim !== undefined ? { ...sa, dkim: ev.auth.dkim } : { ...ev.auth, ...sa };
      }
    }
  }
  return ev;
}

/** amavisd-new 2.4: `SPAM, <a> -> <b>, Yes, score=17.7 tag=.. tests=[..], ...` and friends. */
function parseOld(line: LogLine, text: string): FilterEvent | null {
  const comma = text.indexOf(', <');
  if (comma <= 0 || comma > 40) return null;
  const word = text.slice(0, comma);
  let action: string;
  switch (word) {
    case 'SPAM':
    case 'SPAM-TAG':
      action = 'spam';
      break;
    case 'INFECTED':
    case 'BANNED':
    case 'BAD HEADER':
    case 'FAKE SENDER':
      action = word.toLowerCase().replace(' ', '-');
      break;
    default:
      if (word.startsWith('INFECTED (') || word.startsWith('BANNED '))
        action = word.slice(0, word.indexOf(' ')).toLowerCase();
      else return null;
  }
  const ev: FilterEvent = {
    kind: 'filter',
    line,
    producer: P,
    daemon: P,
    instance: '',
    action,
    category: word,
  };
  const rest = text.slice(readEnvelope(ev, text, comma + 2));
  if (rest.startsWith(', No,')) ev.action = 'clean';
  for (const key of [' score=', ' hits=']) {
    const at = rest.indexOf(key);
    if (at < 0) continue;
    const sp = rest.indexOf(' ', at + key.length);
    const n = numberOf(rest.slice(at + key.length, sp < 0 ? rest.length : sp));
    if (n !== undefined) {
      ev.score = n;
      break;
    }
  }
  return ev;
}

/** Shapes Amavis writes that carry nothing the correlator uses (checked after the prefixes). */
const NOISE_PREFIXES = [
  'ESMTP',
  'SMTP',
  'LMTP',
  'Checking: ',
  'Open relay?',
  'bounce ',
  'size: ',
  'Requesting process rundown',
  'sd_notify',
  'check_header:',
  'SA info:',
  'SA warn:',
  'SA dbg:',
  'SA TIMING',
  'WARN:',
  '_WARN:',
  'TROUBLE',
  'TIMING',
  'extra modules',
  'do_',
  'Quarantined message release',
  'Quarantine release',
  'wbl:',
  'smtp resp',
  'mangling',
  'connect_to_sql',
  'lookup_sql',
  'lookup_',
  'Turning AV',
  'OS_fingerprint',
  'No ext program',
  'No decoder',
  'No primary',
  'No $',
  'Net::Server',
  'NOTICE:',
  'INFO:',
  'Internal decoder',
  'Found ',
  'DSN:',
  'DEFANGING',
  'ClamAV',
  'Creating db',
  'Module ',
  'Using ',
  'starting.',
  'socket module',
  'config files read',
  'after_chroot_init',
  'SpamAssassin loaded',
  'Sophie',
  'PRESERVING EVIDENCE',
  'PANIC',
  'Negative SMTP',
  'BerkeleyDB',
  'run_av',
  'ask_av',
  'virus_scan',
  'spam_scan',
  'truncating',
  'response to',
  'open(',
  'PenPalsSaved',
  'policy_server',
  'policy protocol',
  'TempDir',
  'loading policy bank',
  '...',
  'Amavis::',
  'Not-Delivered, ',
  'SpamControl',

  'BAD HEADER from',
  'FAKE SENDER,',
];

export function parseAmavis(line: LogLine): LogEvent {
  const msg = line.message;
  const { at, trouble } = skipPrefixes(msg);
  const text = at === 0 ? msg : msg.slice(at);
  const c0 = text.charCodeAt(0);
  if (c0 === 80 /* P */ || c0 === 66 /* B */ || c0 === 78 /* N */) {
    const ev = parseMain(line, text);
    if (ev !== null) return ev;
  }
  if (c0 >= 65 && c0 <= 90) {
    const ev = parseOld(line, text);
    if (ev !== null) return ev;
  }
  if (trouble > 0) return noise(line, P, trouble === 2 ? 'amavis error' : 'amavis warning', P);
  // MIME part listing `p001 1/2 Content-Type: ...`
  if (c0 === 112 /* p */ && text.charCodeAt(4) === 32 && text.indexOf('Content-Type') > 0) {
    return noise(line, P, 'mime part', P);
  }
  // `mail_id FWD from <a> -> <b>, BODY=7BIT 250 2.0.0 ... queued as X`
  const fwd = text.indexOf(' FWD from <');
  if (fwd > 0 && fwd <= 20) return noise(line, P, 'forwarded', P);
  for (const p of NOISE_PREFIXES) if (text.startsWith(p)) return noise(line, P, p.trim(), P);
  return unrecognised(line, P, P);
}

/** Lines real Amavis writes, one per recognised shape (checked by the shared contract test). */
export const SAMPLES: readonly { program: string; message: string; kind: LogEvent['kind'] }[] = [
  {
    program: P,
    message:
      '(12345-01) Passed CLEAN {RelayedInbound}, [192.0.2.10]:4321 [192.0.2.10] <alice@example.com> -> <bob@example.org>, Queue-ID: 4F9D195432, Message-ID: <x1@example.com>, mail_id: abcDEF123, Hits: -1.2, size: 1234, queued_as: 5A6B7C8D9E, 1234 ms',
    kind: 'filter',
  },
  {
    program: P,
    message:
      '(12345-02) Blocked SPAM {DiscardedInbound,Quarantined}, [203.0.113.9]:51234 [203.0.113.9] <ceo@example.com> -> <cfo@example.com>, quarantine: spam-Xy12, Queue-ID: 5A6B7C8D9E, Message-ID: <y@example.net>, mail_id: Xy12, Hits: 17.3, size: 4321, 880 ms',
    kind: 'filter',
  },
  {
    program: P,
    message:
      '(12345-03) Blocked INFECTED (Eicar-Signature) {DiscardedInbound,Quarantined}, [198.51.100.7]:2525 [198.51.100.7] <x@example.net> -> <bob@example.org>, quarantine: virus-Ab12, Queue-ID: 6B7C8D9E0F, Message-ID: <z@example.net>, mail_id: Ab12, Hits: -, size: 900, 120 ms',
    kind: 'filter',
  },
  {
    program: P,
    message:
      '(12345-04) Passed SPAMMY {RelayedTaggedInbound}, [198.51.100.7]:2525 [198.51.100.7] <x@example.net> -> <bob@example.org>, Queue-ID: 7C8D9E0F1A, Message-ID: <w@example.net>, mail_id: Cd34, Hits: 6.1, size: 900, queued_as: 8D9E0F1A2B, Subject: "Invoice", From: <billing@example.net>, helo=mail.example.net, dkim_sd=sel1:example.net, 300 ms',
    kind: 'filter',
  },
  {
    program: P,
    message:
      '(12345-05) Passed BAD-HEADER, [192.0.2.10] [192.0.2.10] <alice@example.com> -> <bob@example.org>, Message-ID: <v@example.com>, mail_id: Ef56, Hits: 0.1, size: 700, 90 ms',
    kind: 'filter',
  },
  {
    program: P,
    message:
      'SPAM, <x@example.net> -> <bob@example.org>, Yes, score=17.7 tag=-10 tag2=6.31 kill=6.31 tests=[BAYES_99=4], autolearn=spam',
    kind: 'filter',
  },
  {
    program: P,
    message: '(12345-01) p001 1 Content-Type: text/plain, 7bit, size: 38, SHA1 digest: 0f3a9c',
    kind: 'noise',
  },
  {
    program: P,
    message:
      "(!)ClamAV-clamd: Can't connect to UNIX socket /run/clamav/clamd.ctl: No such file or directory, retrying (2)",
    kind: 'noise',
  },
  { program: P, message: '(!!)TROUBLE in check_mail: spam_scan FAILED: timed out', kind: 'noise' },
  { program: P, message: 'extra modules loaded: PerlIO.pm, PerlIO/scalar.pm', kind: 'noise' },
  {
    program: P,
    message: 'Net::Server: 2026/11/20-10:00:00 Amavis (type Net::Server::PreForkSimple) starting! pid(1234)',
    kind: 'noise',
  },
  { program: P, message: 'SpamControl: init_pre_fork on SpamAssassin done', kind: 'noise' },
  {
    program: P,
    message:
      '(12345-01) Ab12Cd34 FWD from <alice@example.com> -> <bob@example.org>, BODY=7BIT 250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 5A6B7C8D9E',
    kind: 'noise',
  },
];
