/**
 * Rspamd, from syslog (`rspamd[pid]: <tag>; module; function: text`) or from its own file
 * log (`2026-11-20 10:00:01 #12345(normal) <tag>; module; function: text`; ingest hands over
 * the part after `#pid(type) `, but the whole native line is read too).
 *
 * The line that matters is the task log (`rspamd_task_write_log`), in the default
 * log_format:
 *
 *   id: <msgid>, qid: <QID>, ip: 192.0.2.1, user: u, from: <a@x>, (default: F (no action):
 *   [-0.50/15.00] [SYM(score){opt;opt;},...]), len: 1234, time: 80.0ms, dns req: 12,
 *   digest: <..>, rcpts: <..>, mime_rcpts: <..>, forced: ...
 *
 * It becomes a filter event (action, score/threshold, queue id, Message-ID, client ip,
 * envelope sender, recipients, symbols with scores and options) carrying the SPF / DKIM /
 * DMARC / ARC results its symbols state (rspamd/auth.ts). Every other line with Rspamd's
 * `<tag>; module; function:` structure is noise, `rspamd_message_parse` excepted (it binds
 * the Message-ID to the queue id).
 */
import type { LogLine } from '../ingest/line.js';
import type { FilterEvent, LogEvent, MessageIdEvent } from './event.js';
import { noise, unrecognised } from './base.js';
import { scanSymbols } from './rspamd/symbols.js';
import { authFromSymbols } from './rspamd/auth.js';
import { MAX_RECIPIENTS } from '../limits.js';
import { stripAngles } from './milter-common.js';

export { MAX_RSPAMD_SYMBOLS, MAX_RSPAMD_OPTIONS, MAX_RSPAMD_OPTION_CHARS } from './rspamd/symbols.js';

const P = 'rspamd' as const;
/** Longest value kept for one task-log field (addresses, ids). */
export const MAX_RSPAMD_FIELD_CHARS = 998;
/** Longest `<tag>`, `module` or `function` in the structured prefix. */
const MAX_PREFIX_PART = 64;

interface Prefix {
  /** Process type from `#pid(type)` when the native line was given whole. */
  type: string;
  module: string;
  func: string;
  /** Where the function's text starts. */
  body: number;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Takes `[date time ]#pid(type) <tag>; module; func: ` apart, whichever parts are there. */
function readPrefix(msg: string): Prefix | null {
  let i = 0;
  let type = '';
  // native stamp `2026-11-20 10:00:01[.123] `
  if (isDigit(msg.charCodeAt(0)) && msg.charCodeAt(4) === 45 /* - */) {
    const sp1 = msg.indexOf(' ');
    const sp2 = sp1 < 0 ? -1 : msg.indexOf(' ', sp1 + 1);
    if (sp2 < 0 || sp2 > 40) return null;
    i = sp2 + 1;
  }
  if (msg.charCodeAt(i) === 35 /* # */) {
    const open = msg.indexOf('(', i);
    const close = open < 0 ? -1 : msg.indexOf(')', open);
    if (close < 0 || close - i > 80) return null;
    type = msg.slice(open + 1, close);
    i = close + 1;
    if (msg.charCodeAt(i) === 58 /* : */) {
      // before 1.0: `#pid(type): Mmm dd hh:mm:ss rspamd function: text`
      const name = msg.indexOf(' rspamd ', i);
      if (name < 0 || name - i > 40) return null;
      i = name + 8;
    } else if (msg.charCodeAt(i) === 32) i++;
    else return null;
  } else if (msg.charCodeAt(i) === 40 /* ( */) {
    const close = msg.indexOf(') ', i);
    if (close < 0 || close - i > MAX_PREFIX_PART) return null;
    type = msg.slice(i + 1, close);
    i = close + 2;
  }
  let sawTag = false;
  if (msg.charCodeAt(i) === 60 /* < */) {
    const close = msg.indexOf('>', i);
    if (close < 0 || close - i > MAX_PREFIX_PART) return null;
    i = close + 1;
    if (msg.charCodeAt(i) === 59 /* ; */) i++;
    if (msg.charCodeAt(i) === 32) i++;
    sawTag = true;
  } else if (msg.charCodeAt(i) === 59 && msg.charCodeAt(i + 1) === 32) {
    i += 2; // `; module; func:` (no tag)
    sawTag = true;
  }
  // `module; ` (one word)
  let module = '';
  const semi = msg.indexOf('; ', i);
  if (semi > i && semi - i <= MAX_PREFIX_PART && !msg.slice(i, semi).includes(' ')) {
    module = msg.slice(i, semi);
    i = semi + 2;
  }
  // `function: `
  const colon = msg.indexOf(': ', i);
  if (colon > i && colon - i <= MAX_PREFIX_PART && !msg.slice(i, colon).includes(' ')) {
    return { type, module, func: msg.slice(i, colon), body: colon + 2 };
  }
  if (sawTag || module !== '') return { type, module, func: '', body: i };
  return null;
}

/** Reads `<value>` or `value` (up to `, `) at `i`; returns the value and where the next field starts. */
function readValue(text: string, i: number): { value: string; next: number } {
  if (text.charCodeAt(i) === 60 /* < */) {
    const close = text.indexOf('>, ', i + 1);
    const closeEnd = text.indexOf('>', i + 1);
    // prefer `>, ` (the field separator); a value may hold `>` written by an attacker
    const end = close >= 0 ? close : closeEnd;
    if (end >= 0) return { value: text.slice(i + 1, end), next: close >= 0 ? close + 3 : end + 1 };
  }
  const comma = text.indexOf(', ', i);
  const end = comma < 0 ? text.length : comma;
  return { value: text.slice(i, end), next: comma < 0 ? text.length : comma + 2 };
}

function bounded(s: string): string {
  return s.length > MAX_RSPAMD_FIELD_CHARS ? s.slice(0, MAX_RSPAMD_FIELD_CHARS) : s;
}

function splitAddresses(v: string): string[] {
  const out: string[] = [];
  let s = 0;
  while (s <= v.length && out.length < MAX_RECIPIENTS) {
    let e = v.indexOf(',', s);
    if (e < 0) e = v.length;
    const a = stripAngles(v.slice(s, e).trim());
    if (a !== '') out.push(bounded(a));
    s = e + 1;
  }
  return out;
}

/** `no action` -> `no-action`, the FilterEvent vocabulary. */
function actionWord(a: string): string {
  const low = a.trim().toLowerCase();
  switch (low) {
    case 'no action':
    case 'add header':
    case 'rewrite subject':
    case 'soft reject':
      return low.replace(' ', '-');
    default:
      return low === '' ? 'unknown' : low.replace(/ /g, '-');
  }
}

/** The task log line (default log_format); null when its shape is not there. */
function parseTaskLog(line: LogLine, text: string): FilterEvent | null {
  const ev: FilterEvent = { kind: 'filter', line, producer: P, daemon: P, instance: '', action: 'unknown' };
  // leading `key: value, ` fields up to the metric block `(`
  let i = 0;
  let guard = 0;
  while (i < text.length && text.charCodeAt(i) !== 40 /* ( */ && guard++ < 16) {
    const colon = text.indexOf(': ', i);
    if (colon < 0 || colon - i > 24) return null;
    const key = text.slice(i, colon);
    const { value, next } = readValue(text, colon + 2);
    const v = bounded(value);
    switch (key) {
      case 'id':
        if (v !== '' && v !== 'undef') ev.messageId = v;
        break;
      case 'qid':
        if (v !== '' && v !== 'undef' && v.length <= 64) ev.queueId = v;
        break;
      case 'ip':
        if (v !== '' && v.length <= 45) ev.clientIp = v;
        break;
      case 'from':
      case 'smtp_from':
        ev.envelopeFrom = v;
        break;
      case 'mime_from':
        if (v !== '') ev.headerFrom = v;
        break;
      case 'user':
        ev.detail = 'user: ' + v;
        break;
      default:
        break;
    }
    i = next;
  }
  if (text.charCodeAt(i) !== 40) return null;
  // `(default: F (no action): [s/t] [` or `(no action): [s/t] [`
  const metric = text.indexOf('): [', i);
  if (metric < 0 || metric - i > 80) return null;
  const actOpen = text.lastIndexOf('(', metric - 1);
  if (actOpen < i) return null;
  ev.action = actionWord(text.slice(actOpen + 1, metric));
  if (actOpen > i) {
    const head = text.slice(i + 1, actOpen); // `default: F `
    if (head.includes(': T')) ev.category = 'spam';
    else if (head.includes(': F')) ev.category = 'ham';
  }
  const scoreOpen = metric + 3;
  const slash = text.indexOf('/', scoreOpen);
  const scoreClose = text.indexOf(']', scoreOpen);
  if (slash < 0 || scoreClose < 0 || slash > scoreClose || scoreClose - scoreOpen > 48) return null;
  const score = Number(text.slice(scoreOpen + 1, slash));
  const threshold = Number(text.slice(slash + 1, scoreClose));
  if (Number.isFinite(score)) ev.score = score;
  if (Number.isFinite(threshold)) ev.threshold = threshold;
  let j = scoreClose + 1;
  if (text.charCodeAt(j) === 32 && text.charCodeAt(j + 1) === 91 /* [ */) {
    const scan = scanSymbols(text, j + 1);
    ev.symbols = scan.symbols;
    const auth = authFromSymbols(scan);
    if (auth !== undefined) ev.auth = auth;
    const fromNeq = scan.symbols['FROM_NEQ_ENVFROM']?.options?.[0];
    if (ev.headerFrom === undefined && fromNeq !== undefined && fromNeq.includes('@'))
      ev.headerFrom = fromNeq;
    if (scan.duplicates.length > 0) {
      ev.detail =
        (ev.detail === undefined ? '' : ev.detail + '; ') + 'symbol named twice: ' + scan.duplicates[0];
    }
    j = scan.end;
  }
  // trailing fields: `), len: 1234, time: .., dns req: .., digest: <..>, rcpts: <..>, mime_rcpts: <..>, forced: ..`
  const tail = text.slice(j);
  const rc = tail.indexOf(', rcpts: ');
  if (rc >= 0) ev.recipients = splitAddresses(readValue(tail, rc + 9).value);
  else {
    const mr = tail.indexOf(', mime_rcpts: ');
    if (mr >= 0) ev.recipients = splitAddresses(readValue(tail, mr + 14).value);
  }
  // custom log_format lines may carry the header From
  if (ev.headerFrom === undefined) {
    const mf = tail.indexOf(', mime_from: ');
    if (mf >= 0) {
      const v = readValue(tail, mf + 13).value;
      if (v !== '') ev.headerFrom = bounded(v);
    }
  }
  const forced = tail.indexOf(', forced: ');
  if (forced >= 0)
    ev.detail = (ev.detail === undefined ? '' : ev.detail + '; ') + bounded(tail.slice(forced + 2));
  return ev;
}

/** `loaded message; id: <mid>; queue-id: <qid>` */
function parseLoaded(line: LogLine, text: string): LogEvent | null {
  const idAt = text.indexOf('id: <');
  if (idAt < 0) return null;
  const close = text.indexOf('>', idAt + 5);
  if (close < 0) return null;
  const mid = text.slice(idAt + 5, close);
  if (mid === '' || mid === 'undef') return null;
  const ev: MessageIdEvent = {
    kind: 'message.id',
    line,
    producer: P,
    daemon: P,
    instance: '',
    messageId: bounded(mid),
  };
  const q = text.indexOf('queue-id: <', close);
  if (q >= 0) {
    const qc = text.indexOf('>', q + 11);
    const qid = qc < 0 ? '' : text.slice(q + 11, qc);
    if (qid !== '' && qid !== 'undef' && qid.length <= 64) ev.queueId = qid;
  }
  return ev;
}

/** Plain lines without the structured prefix (start-up and shutdown messages of the main process). */
const PLAIN_NOISE = ['rspamd ', 'Rspamd ', 'starting ', 'terminating', 'received signal', 'cannot ', 'lua '];

export function parseRspamd(line: LogLine): LogEvent {
  const msg = line.message;
  const pre = readPrefix(msg);
  if (pre === null) {
    for (const p of PLAIN_NOISE) if (msg.startsWith(p)) return noise(line, P, p.trim(), P);
    return unrecognised(line, P, P);
  }
  const text = msg.slice(pre.body);
  if (pre.func === 'rspamd_task_write_log' || pre.func === 'rspamd_task_log_metric_res') {
    const ev = parseTaskLog(line, text);
    if (ev !== null) return ev;
    return noise(line, P, 'task log in a custom log_format', P);
  }
  if (pre.func === 'rspamd_message_parse' && text.startsWith('loaded message')) {
    const ev = parseLoaded(line, text);
    if (ev !== null) return ev;
  }
  const note = pre.module !== '' ? `${pre.module}; ${pre.func}` : pre.func || pre.type || 'rspamd';
  return noise(line, P, note.slice(0, 2 * MAX_PREFIX_PART + 2), P);
}

/** Lines real Rspamd writes, one per recognised shape (checked by the shared contract test). */
export const SAMPLES: readonly { program: string; message: string; kind: LogEvent['kind'] }[] = [
  {
    program: P,
    message:
      '<4a1f0c>; task; rspamd_task_write_log: id: <20261120100001.4F9D195432@mail.example.com>, qid: <4F9D195432>, ip: 192.0.2.10, from: <alice@example.com>, (default: F (no action): [-0.50/15.00] [R_SPF_ALLOW(-0.20){+ip4:192.0.2.0/24;},R_DKIM_ALLOW(-0.20){example.com:s=mail2026;},DMARC_POLICY_ALLOW(-0.50){example.com;reject;},ARC_NA(0.00){},MIME_GOOD(-0.10){text/plain;}]), len: 2048, time: 80.123ms, dns req: 12, digest: <0f3a9c>, rcpts: <bob@example.org>, mime_rcpts: <bob@example.org>',
    kind: 'filter',
  },
  {
    program: P,
    message:
      '<77ab01>; task; rspamd_task_write_log: id: <x1@example.net>, qid: <5A6B7C8D9E>, ip: 203.0.113.9, user: , from: <ceo@example.com>, (default: T (reject): [17.40/15.00] [R_SPF_FAIL(1.00){-all;},DMARC_POLICY_REJECT(2.00){example.com;reject;},FROM_NEQ_ENVFROM(0.00){ceo@example.com;x@example.net;}]), len: 900, time: 120.000ms, dns req: 8, digest: <aa11>, rcpts: <cfo@example.com>',
    kind: 'filter',
  },
  {
    program: P,
    message:
      '2026-11-20 10:00:01 #12345(normal) <4a1f0c>; task; rspamd_task_write_log: id: <y@example.org>, qid: <Q12345>, ip: 198.51.100.7, (add header): [8.20/15.00] [BAYES_SPAM(5.00),R_SPF_SOFTFAIL(1.00)], len: 3456, time: 12.10ms',
    kind: 'filter',
  },
  {
    program: P,
    message:
      '<4a1f0c>; task; rspamd_message_parse: loaded message; id: <20261120100001.4F9D195432@mail.example.com>; queue-id: <4F9D195432>',
    kind: 'message.id',
  },
  {
    program: P,
    message: '<4a1f0c>; task; accept_socket: accepted connection from 127.0.0.1 port 52870',
    kind: 'noise',
  },
  {
    program: 'rspamd_proxy',
    message:
      '<9c2e11>; proxy; proxy_accept_socket: accepted milter connection from /run/rspamd/milter.sock port 0',
    kind: 'noise',
  },
  {
    program: P,
    message: '<>; map; rspamd_map_watch: map /etc/rspamd/local.d/maps.d/whitelist.map is loaded',
    kind: 'noise',
  },
  { program: P, message: '; lua; lua_util.lua:42: cannot load module: maybe disabled', kind: 'noise' },
];
