/**
 * SpamAssassin's spamd (and spamc): the verdict lines per message.
 *
 *   result: Y 15 - BAYES_99,DKIM_INVALID scantime=1.2,size=1234,user=u,uid=1,
 *           required_score=5.0,rhost=..,raddr=..,rport=..,mid=<x@y>,autolearn=no
 *   identified spam (8.1/6.0) for user:uid in 4.2 seconds, 1432 bytes.
 *   clean message (0.0/6.0) for user:uid in 1.6 seconds, 3347 bytes.
 *
 * become filter events (spamd logs no queue id: the correlator joins by Message-ID, which
 * only the `result:` line carries; the others say what they say and no more). rhost/raddr
 * are spamc's peer (usually the MTA or the filter on localhost), not the SMTP client, so they
 * are not reported as the client. Connection, child and component lines are noise.
 */
import type { LogLine } from '../ingest/line.js';
import type { FilterEvent, LogEvent } from './event.js';
import { noise, unrecognised } from './base.js';
import { numberOf } from './milter-common.js';
import { authFromSaRules } from './sa-rules.js';

const P = 'spamd' as const;
/** Rule names kept from one result line. */
export const MAX_SPAMD_RULES = 256;
/** Longest Message-ID kept. */
export const MAX_SPAMD_FIELD_CHARS = 998;

function filter(line: LogLine, action: string): FilterEvent {
  return { kind: 'filter', line, producer: P, daemon: line.program || P, instance: '', action };
}

/** `key=value` in the comma list after the rule names; the value ends at `,` (mid: at `>,`). */
function kv(text: string, key: string): string | undefined {
  let at = text.indexOf(key);
  while (at > 0 && text.charCodeAt(at - 1) !== 44 && text.charCodeAt(at - 1) !== 32)
    at = text.indexOf(key, at + 1);
  if (at < 0) return undefined;
  const start = at + key.length;
  if (text.charCodeAt(start) === 60 /* < */) {
    const close = text.indexOf('>,', start);
    const end = close >= 0 ? close : text.indexOf('>', start);
    if (end >= 0) return text.slice(start + 1, end);
  }
  const comma = text.indexOf(',', start);
  return text.slice(start, comma < 0 ? text.length : comma);
}

/** `result: Y 15 - RULES key=val,...` */
function parseResult(line: LogLine, text: string): FilterEvent | null {
  // flag: `Y` (spam) or `.` (not spam), then the score, then `-`, then rules
  const flag = text.charCodeAt(0);
  if (flag !== 89 && flag !== 46) return null;
  const ev = filter(line, flag === 89 ? 'spam' : 'clean');
  let i = 1;
  while (text.charCodeAt(i) === 32) i++;
  const sp = text.indexOf(' ', i);
  if (sp < 0) return null;
  const score = numberOf(text.slice(i, sp));
  if (score !== undefined) ev.score = score;
  if (!text.startsWith(' - ', sp)) return ev;
  const rulesStart = sp + 3;
  const rulesEnd = text.indexOf(' ', rulesStart);
  const rules = text.slice(rulesStart, rulesEnd < 0 ? text.length : rulesEnd);
  if (rules !== '' && !rules.includes('=')) {
    const symbols: NonNullable<FilterEvent['symbols']> = {};
    let n = 0;
    for (const r of rules.split(',', MAX_SPAMD_RULES)) {
      if (r !== '' && r !== '__proto__' && r.length <= 128 && n < MAX_SPAMD_RULES) {
        symbols[r] = {};
        n++;
      }
    }
    ev.symbols = symbols;
    const auth = authFromSaRules(Object.keys(symbols));
    if (auth !== undefined) ev.auth = auth;
  }
  const tail = rulesEnd < 0 ? '' : text.slice(rulesEnd + 1);
  const mid = kv(tail, 'mid=');
  if (mid !== undefined && mid !== '' && mid !== '(unknown)' && mid.length <= MAX_SPAMD_FIELD_CHARS)
    ev.messageId = mid;
  const req = numberOf(kv(tail, 'required_score='));
  if (req !== undefined) ev.threshold = req;
  const user = kv(tail, 'user=');
  if (user !== undefined && user !== '' && user.length <= 64) ev.detail = 'user: ' + user;
  return ev;
}

/** `identified spam (8.1/6.0) for u:1 in ...` / `clean message (0.0/6.0) for u:1 in ...` */
function parseVerdict(line: LogLine, text: string, action: string, skip: number): FilterEvent {
  const ev = filter(line, action);
  if (text.charCodeAt(skip) === 40 /* ( */) {
    const close = text.indexOf(')', skip);
    const slash = text.indexOf('/', skip);
    if (close > 0 && slash > skip && slash < close && close - skip < 48) {
      const s = numberOf(text.slice(skip + 1, slash));
      const t = numberOf(text.slice(slash + 1, close));
      if (s !== undefined) ev.score = s;
      if (t !== undefined) ev.threshold = t;
    }
  }
  return ev;
}

/** `component: text` lines spamd writes about itself and its plugins. */
const NOISE_PREFIXES = [
  'connection from ',
  'checking message ',
  'processing message ',
  'got connection',
  'setuid to ',
  'server started',
  'server pid',
  'server successfully spawned',
  'server killed',
  'server hit by',
  'handled cleanup',
  'creating INET',
  'creating INET6',
  'creating UNIX',
  'child process',
  'alarm',
  'prefork: ',
  'dns: ',
  'config: ',
  'plugin: ',
  'rules: ',
  'bayes: ',
  'logger: ',
  'check: ',
  'async: ',
  'auto-whitelist',
  'util: ',
  'locker: ',
  'dcc: ',
  'pyzor: ',
  'razor2: ',
  'spf: ',
  'dkim: ',
  'netset: ',
  'uri: ',
  'message: ',
  'channel: ',
  'learn: ',
  'mimeheader: ',
  'generic: ',
  'info: ',
  'warn: ',
  'timing: ',
  'spamd starting',
  'still running as root',
  'Unable to',
  'cannot ',
  'bad protocol',
  'sa-update',
  'zoom: ',
  'geodb: ',
  'hdrs: ',
  'reporter: ',
  'txrep: ',
];

export function parseSpamd(line: LogLine): LogEvent {
  let text = line.message;
  if (text.startsWith('spamd: ')) text = text.slice(7);
  else if (text.startsWith('spamc: ')) text = text.slice(7);
  if (text.startsWith('result: ')) {
    const ev = parseResult(line, text.slice(8));
    if (ev !== null) return ev;
  }
  if (text.startsWith('identified spam ')) return parseVerdict(line, text, 'spam', 16);
  if (text.startsWith('clean message ')) return parseVerdict(line, text, 'clean', 14);
  for (const p of NOISE_PREFIXES) if (text.startsWith(p)) return noise(line, P, p.trim(), line.program || P);
  return unrecognised(line, P, line.program || P);
}

/** Lines real spamd writes, one per recognised shape (checked by the shared contract test). */
export const SAMPLES: readonly { program: string; message: string; kind: LogEvent['kind'] }[] = [
  {
    program: P,
    message:
      'spamd: result: Y 15 - BAYES_99,DKIM_INVALID,SPF_FAIL scantime=1.2,size=4321,user=debian-spamd,uid=118,required_score=5.0,rhost=localhost,raddr=127.0.0.1,rport=45880,mid=<x1@example.net>,autolearn=no',
    kind: 'filter',
  },
  {
    program: P,
    message: 'result: .  0 - DKIM_SIGNED,DKIM_VALID scantime=0.4,size=2048,mid=<y@example.com>,autolearn=ham',
    kind: 'filter',
  },
  {
    program: P,
    message: 'spamd: identified spam (15.2/5.0) for debian-spamd:118 in 1.2 seconds, 4321 bytes.',
    kind: 'filter',
  },
  {
    program: P,
    message: 'spamd: clean message (0.4/5.0) for debian-spamd:118 in 0.4 seconds, 2048 bytes.',
    kind: 'filter',
  },
  {
    program: P,
    message: 'spamd: connection from localhost [127.0.0.1]:45880 to port 783, fd 5',
    kind: 'noise',
  },
  { program: P, message: 'spamd: checking message <x1@example.net> for debian-spamd:118', kind: 'noise' },
  { program: P, message: 'spamd: processing message <x1@example.net> for debian-spamd:118', kind: 'noise' },
  { program: P, message: 'prefork: child states: II', kind: 'noise' },
  { program: P, message: 'dns: new_dns_packet: domain is utf8 flagged: ns1.example.org', kind: 'noise' },
];
