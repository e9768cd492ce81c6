/**
 * SPF policy services: python `policyd-spf[pid]` (pypolicyd-spf / spf-engine), perl
 * `postfix/policy-spf[pid]` (postfix-policyd-spf-perl) and `pyspf-milter`.
 *
 * The result lines carry a Received-SPF body (`Pass (mailfrom) identity=mailfrom;
 * client-ip=..; helo=..; envelope-from=..; receiver=..`, the perl one with quoted values
 * and a longer reason), either as the `prepend` action or in debug form (`Action: prepend:
 * Text: Received-SPF: ...`, `Pass; identity=...`). Rejections quote the SMTP reply with
 * the openspf "Why?" link (`s=mfrom;id=a@example.com;ip=192.0.2.1;r=...`).
 *
 * These lines have NO queue id: the correlator joins them to the smtpd session by client
 * ip, helo and sender, in order.
 */
import type { LogLine } from '../ingest/line.js';
import type { AuthResult, LogEvent, SpfEvent } from './event.js';
import { noise, unrecognised } from './base.js';
import { authResultOf, domainOfAddress, splitQueueId, stripAngles, valueAfter } from './milter-common.js';

const P = 'policyd-spf' as const;
/** Longest value kept for one Received-SPF field (addresses stop at 254, names at 253). */
export const MAX_SPF_FIELD_CHARS = 320;
/** Longest reason text kept. */
export const MAX_SPF_REASON_CHARS = 512;

// Daemon and instance of the last program tag read: consecutive lines share the tag, so
// they are worked out once per change of tag rather than (up to twice) per line.
let lastProgram = '';
let lastDaemon: string = P;
let lastInstance = '';

function splitProgram(p: string): void {
  if (p === lastProgram) return;
  const slash = p.lastIndexOf('/');
  lastDaemon = slash >= 0 ? p.slice(slash + 1) : p || P;
  lastInstance = slash > 0 ? p.slice(0, slash) : '';
  lastProgram = p;
}

function daemonOf(line: LogLine): string {
  splitProgram(line.program);
  return lastDaemon;
}

function instanceOf(line: LogLine): string {
  splitProgram(line.program);
  return lastInstance;
}

function field(text: string, key: string): string | undefined {
  let v = valueAfter(text, key, ';');
  if (v === undefined) return undefined;
  v = v.trim();
  // perl quotes values; the python one may leave a trailing number from the syslog relay
  if (v.length >= 2 && v.charCodeAt(0) === 34 && v.charCodeAt(v.length - 1) === 34) v = v.slice(1, -1);
  else {
    const sp = v.indexOf(' ');
    if (sp > 0) v = v.slice(0, sp);
  }
  if (v === '' || v.length > MAX_SPF_FIELD_CHARS) return undefined;
  return v;
}

function scopeOf(identity: string | undefined): SpfEvent['scope'] {
  if (identity === undefined) return 'unknown';
  const low = identity.toLowerCase();
  if (low === 'mailfrom' || low === 'mfrom') return 'mfrom';
  if (low === 'helo') return 'helo';
  return 'unknown';
}

function spfEvent(line: LogLine, result: AuthResult, scope: SpfEvent['scope']): SpfEvent {
  return {
    kind: 'auth.spf',
    line,
    producer: P,
    daemon: daemonOf(line),
    instance: instanceOf(line),
    result,
    scope,
  };
}

/**
 * `receiver=` is the recipient address unless Hide_Receiver (the default) writes `<UNKNOWN>`;
 * the perl server writes the receiving host name there. An address is also kept as `to`.
 */
function receiverAddress(receiver: string): string | undefined {
  return receiver.includes('@') && receiver !== '<UNKNOWN>' ? stripAngles(receiver) : undefined;
}

/** The domain from envelope-from (mfrom; the null sender falls back to the HELO) or HELO. */
function domainFor(
  scope: SpfEvent['scope'],
  from: string | undefined,
  helo: string | undefined,
): string | undefined {
  if (scope !== 'helo' && from !== undefined && from !== '') {
    const d = domainOfAddress(from);
    if (d !== undefined) return d;
  }
  if (helo !== undefined && helo !== '' && helo.charCodeAt(0) !== 91 /* [ */) return helo.toLowerCase();
  return undefined;
}

function setReceiver(ev: SpfEvent, receiver: string): void {
  ev.receiver = receiver;
  const to = receiverAddress(receiver);
  if (to !== undefined) ev.to = to;
}

function fillDomain(ev: SpfEvent): void {
  const d = domainFor(ev.scope, ev.envelopeFrom, ev.helo);
  if (d !== undefined) ev.domain = d;
}

/** `Pass (mailfrom) identity=mailfrom; client-ip=...` or `Pass; identity=...`: a Received-SPF body. */
function parseBody(line: LogLine, body: string, action: string | undefined): SpfEvent | null {
  let end = 0;
  while (end < body.length && end < 16) {
    const c = body.charCodeAt(end);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) break;
    end++;
  }
  const result = authResultOf(body.slice(0, end));
  if (result === undefined) return null;
  const fields = body.slice(end);
  const identity = field(fields, 'identity=');
  const scope = scopeOf(identity);
  // Every field is read into a local first, so the usual line's event is built in one
  // literal below (fields added after a literal go to a second store, grown every few).
  let reason: string | undefined;
  // reason: the parenthesised text after the result word (may nest in the perl wording)
  if (fields.startsWith(' (')) {
    let depth = 0;
    let close = -1;
    const lim = Math.min(fields.length, MAX_SPF_REASON_CHARS + 2);
    for (let i = 1; i < lim; i++) {
      const c = fields.charCodeAt(i);
      if (c === 40) depth++;
      else if (c === 41 && --depth === 0) {
        close = i;
        break;
      }
    }
    if (close > 2) reason = fields.slice(2, close);
  }
  const ip = field(fields, 'client-ip=');
  const helo = field(fields, 'helo=');
  const rawFrom = field(fields, 'envelope-from=');
  const envelopeFrom = rawFrom === undefined ? undefined : stripAngles(rawFrom);
  const receiver = field(fields, 'receiver=');
  const to = receiver !== undefined ? receiverAddress(receiver) : undefined;
  const domain = domainFor(scope, envelopeFrom, helo);
  if (
    reason !== undefined &&
    ip !== undefined &&
    helo !== undefined &&
    envelopeFrom !== undefined &&
    receiver !== undefined &&
    to === undefined &&
    domain !== undefined &&
    action !== undefined
  ) {
    return {
      kind: 'auth.spf',
      line,
      producer: P,
      daemon: daemonOf(line),
      instance: instanceOf(line),
      result,
      scope,
      reason,
      clientIp: ip,
      helo,
      envelopeFrom,
      receiver,
      domain,
      action,
    };
  }
  const ev = spfEvent(line, result, scope);
  if (reason !== undefined) ev.reason = reason;
  if (ip !== undefined) ev.clientIp = ip;
  if (helo !== undefined) ev.helo = helo;
  if (envelopeFrom !== undefined) ev.envelopeFrom = envelopeFrom;
  if (receiver !== undefined) ev.receiver = receiver;
  if (to !== undefined) ev.to = to;
  if (domain !== undefined) ev.domain = domain;
  if (action !== undefined) ev.action = action;
  return ev;
}

/** `name=value` in an openspf link's query (`;` or `&` separated; `%40` for `@`). */
function queryParam(q: string, name: string): string | undefined {
  let start = 0;
  for (let guard = 0; guard < 16 && start < q.length; guard++) {
    let end = start;
    while (end < q.length) {
      const c = q.charCodeAt(end);
      if (c === 59 || c === 38 || c === 32) break; // ; & space
      end++;
    }
    if (q.startsWith(name + '=', start)) return q.slice(start + name.length + 1, end).replace(/%40/g, '@');
    if (end >= q.length || q.charCodeAt(end) === 32) break;
    start = end + 1;
  }
  return undefined;
}

/** `... Please see http://www.openspf.net/Why?s=mfrom;id=a@example.com;ip=192.0.2.1;r=<UNKNOWN>` */
function parseReject(line: LogLine, msg: string, codeAt: number): SpfEvent {
  const text = msg.slice(codeAt);
  const code = text.charCodeAt(0);
  const action = code === 52 /* 4 */ ? 'defer' : 'reject';
  const low = text.toLowerCase();
  let result: AuthResult;
  // pypolicyd-spf words: "SPF fail - not authorized", "Receiver policy for SPF Softfail",
  // "domain owner discourages use of this host" (softfail), "SPF Permanent/Temporary Error"
  if (low.includes('softfail') || low.includes('discourages use')) result = 'softfail';
  else if (low.includes('for spf neutral') || low.includes('neither permitted nor denied'))
    result = 'neutral';
  else if (low.includes('permanent error') || low.includes('permerror')) result = 'permerror';
  else if (low.includes('temporary error') || low.includes('temperror') || action === 'defer')
    result = 'temperror';
  else result = 'fail';
  let scope: SpfEvent['scope'] = 'unknown';
  const ev = spfEvent(line, result, scope);
  let why = text.indexOf('Why?');
  if (why < 0) why = text.indexOf('why.html?');
  if (why >= 0) {
    const q = text.slice(text.indexOf('?', why) + 1);
    const s = queryParam(q, 's');
    scope = s === 'mfrom' || s === 'mailfrom' ? 'mfrom' : s === 'helo' ? 'helo' : 'unknown';
    ev.scope = scope;
    const id = queryParam(q, 'id') ?? queryParam(q, 'sender');
    const ip = queryParam(q, 'ip');
    const r = queryParam(q, 'r') ?? queryParam(q, 'receiver');
    if (id !== undefined && id.length <= MAX_SPF_FIELD_CHARS) {
      if (scope === 'helo') ev.helo = id;
      else ev.envelopeFrom = id;
    }
    if (ip !== undefined && ip.length <= 45) ev.clientIp = ip;
    if (r !== undefined && r.length <= MAX_SPF_FIELD_CHARS) setReceiver(ev, r);
  }
  const due = text.indexOf('due to: ');
  const reasonStart = due >= 0 ? due + 8 : 0;
  const see = text.indexOf('. Please see', reasonStart);
  const reason = text.slice(reasonStart, see > 0 ? see : text.length).slice(0, MAX_SPF_REASON_CHARS);
  if (reason !== '') ev.reason = reason;
  fillDomain(ev);
  ev.action = action;
  return ev;
}

/**
 * Debug, configuration and start-up lines of spf-engine (policyd-spf and pyspf-milter 3.x,
 * debugLevel >= 2) and the perl server's decisive-handler lines: recognised, not used.
 */
const NOISE_PREFIXES = [
  'Config: ',
  'spfcheck: ',
  'Starting',
  'Normal exit',
  'Read line: ',
  'Found the end of entry',
  'Cached data for this instance',
  'Per user configuration data in use',
  'Per-user settings for',
  'Reading per user data',
  'User data: ',
  'readConfigFile: ',
  'readUserConfigFile: ',
  'Configuration item ',
  'Configuration File parsing error',
  'Scope helo unused results',
  'Scope mfrom unused results',
  'helo policy ',
  'mfrom policy ',
  '_get_resultcodes: ',
  'Pyspf Cached SPF record',
  'skip_addresses check used',
  'Whitelist check used',
  'Domain_Whitelist check used',
  'HELO_Whitelist check used',
  'Domain Whitelist enabled',
  'PTR Domain Whitelist enabled',
  'HELO Domain Whitelist',
  'skip_addresses enabled',
  'Whitelist enabled',
  'not peruser',
  'Authserv_Id ',
  'Header_Type includes both',
  'Header text ',
  'Action: None',
  'connect from ',
  'mail from: ',
  'pyspf-milter started:',
  'PID dir created',
  'Unable to write pidfle',
  'drop_privileges: ',
  'Could not make HostDataset',
  'Ouch, caught exc',
  'ERROR',
  'WARNING: ',
  // wordings of older pypolicyd-spf releases
  'SPF Helo check skipped',
  'skipping SPF check',
  // postfix-policyd-spf-perl
  'handler ',
  'Policy action=DUNNO',
];

export function parsePolicydSpf(line: LogLine): LogEvent {
  // spf-engine's QueueID option puts `QID: ` before its result lines
  const q = splitQueueId(line.message);
  if (q !== null && q.queueId !== undefined) {
    const inner = parseMessage(line, q.rest);
    if (inner !== null) {
      inner.queueId = q.queueId;
      return inner;
    }
  }
  // ... and an empty one (`: prepend ...`) before the queue file exists (RCPT stage)
  const msg = line.message.startsWith(': ') ? line.message.slice(2) : line.message;
  const ev = parseMessage(line, msg);
  if (ev !== null) return ev;
  const d = daemonOf(line);
  const inst = instanceOf(line);
  for (const p of NOISE_PREFIXES) if (msg.startsWith(p)) return noise(line, P, p.trim(), d, inst);
  return unrecognised(line, P, d, inst);
}

function parseMessage(line: LogLine, msg: string): LogEvent | null {
  const d = daemonOf(line);
  const inst = instanceOf(line);

  // Received-SPF body: `prepend Received-SPF: ...`, `Action: prepend: Text: Received-SPF: ...`,
  // perl `Policy action=PREPEND Received-SPF: ...`, `Header field not prepended: Received-SPF: ...`,
  // `result_only Received-SPF: ...`.
  const rs = msg.indexOf('Received-SPF: ');
  if (rs >= 0 && rs < 64) {
    const ev = parseBody(line, msg.slice(rs + 14), actionOf(msg.slice(0, rs), rs));
    if (ev !== null) return ev;
  }
  // Header_Type = AR: `prepend Authentication-Results: mx.example.org; spf=pass (...) smtp.mailfrom=...`
  const ar = msg.indexOf('Authentication-Results: ');
  if (ar >= 0 && ar < 64) {
    const ev = parseArBody(line, msg.slice(ar + 24), actionOf(msg.slice(0, ar), ar));
    if (ev !== null) return ev;
  }

  // SMTP reply of a rejection or deferral: `550 5.7.23 Message rejected due to: SPF fail ...`,
  // `550 Message rejected ...` (enhanced codes off), the milter's `5.7.23 Message rejected ...`,
  // `defer_if_permit 4.7.24 SPF Temporary Error: ...`.
  const c0 = msg.charCodeAt(0);
  if ((c0 === 52 || c0 === 53) && (msg.charCodeAt(3) === 32 || msg.charCodeAt(1) === 46)) {
    return parseReject(line, msg, 0);
  }
  if (msg.startsWith('defer_if_permit ')) return parseReject(line, '450 ' + msg.slice(16), 0);
  const act = msg.indexOf('action=');
  if (act >= 0 && act < 32) {
    const after = msg.charCodeAt(act + 7);
    if ((after === 52 || after === 53) && msg.charCodeAt(act + 10) === 32)
      return parseReject(line, msg, act + 7);
    if (msg.startsWith('DEFER', act + 7) || msg.startsWith('defer', act + 7))
      return parseReject(line, '450 ' + msg, 0);
  }
  const rej = msg.indexOf('Reject action: ');
  if (msg.startsWith('Action: ') && rej < 0 && msg.includes('Message rejected')) {
    const code = msg.search(/[45]\d\d /);
    if (code > 0) return parseReject(line, msg, code);
  }

  // Debug form `Pass; identity=mailfrom; client-ip=...`
  const semi = msg.indexOf('; identity=');
  if (semi > 0 && semi < 16) {
    const ev = parseBody(line, msg, undefined);
    if (ev !== null) return ev;
  }
  // `SPF none (Mechanism 'default')` and similar summaries of a result without fields
  if (msg.startsWith('SPF ')) {
    const sp = msg.indexOf(' ', 4);
    const word = msg.slice(4, sp < 0 ? msg.length : sp);
    const r = authResultOf(word);
    if (r !== undefined) {
      const ev = spfEvent(line, r, 'unknown');
      const reason = sp < 0 ? '' : msg.slice(sp + 1).slice(0, MAX_SPF_REASON_CHARS);
      if (reason !== '') ev.reason = reason;
      return ev;
    }
  }
  // whitelisted / skipped clients: `prepend X-Comment: SPF skipped for whitelisted relay - client-ip=...`
  const xc = msg.indexOf('X-Comment: ');
  if (xc >= 0 && xc < 64) return noise(line, P, 'SPF not checked', d, inst);
  return null;
}

/** What the policy server did with the header, from the words before it. */
function actionOf(head: string, at: number): string | undefined {
  const low = head.toLowerCase();
  if (low.includes('not prepended') || low.includes('result_only')) return undefined;
  if (low.includes('prepend')) return 'prepend';
  if (low.includes('reject')) return 'reject';
  return at === 0 ? 'prepend' : undefined;
}

/**
 * The RFC 8601 form spf-engine writes with Header_Type = AR:
 * `mx.example.org; spf=pass (mailfrom) smtp.mailfrom=example.com (client-ip=192.0.2.1;
 * helo=mail.example.com; envelope-from=a@example.com; receiver=<UNKNOWN>)`.
 */
function parseArBody(line: LogLine, body: string, action: string | undefined): SpfEvent | null {
  const at = body.indexOf('spf=');
  if (at < 0 || at > 300) return null;
  let end = at + 4;
  while (end < body.length && end - at < 20) {
    const c = body.charCodeAt(end);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) break;
    end++;
  }
  const result = authResultOf(body.slice(at + 4, end));
  if (result === undefined) return null;
  const rest = body.slice(end);
  const scope: SpfEvent['scope'] = rest.includes('smtp.mailfrom=')
    ? 'mfrom'
    : rest.includes('smtp.helo=')
      ? 'helo'
      : 'unknown';
  const ev = spfEvent(line, result, scope);
  const ip = field(rest, 'client-ip=');
  if (ip !== undefined) ev.clientIp = ip.replace(/\)$/, '');
  const helo = field(rest, 'helo=');
  if (helo !== undefined) ev.helo = helo.replace(/\)$/, '');
  const from = field(rest, 'envelope-from=');
  if (from !== undefined) ev.envelopeFrom = stripAngles(from.replace(/\)$/, ''));
  const receiver = field(rest, 'receiver=');
  if (receiver !== undefined) setReceiver(ev, receiver.replace(/\)$/, ''));
  fillDomain(ev);
  if (action !== undefined) ev.action = action;
  return ev;
}

/** Lines real SPF policy services write, one per recognised shape (checked by the shared contract test). */
export const SAMPLES: readonly { program: string; message: string; kind: LogEvent['kind'] }[] = [
  {
    program: P,
    message:
      'prepend Received-SPF: Pass (mailfrom) identity=mailfrom; client-ip=192.0.2.10; helo=mail.example.com; envelope-from=alice@example.com; receiver=<UNKNOWN>',
    kind: 'auth.spf',
  },
  {
    program: P,
    message:
      'prepend Received-SPF: None (no SPF record) identity=helo; client-ip=198.51.100.7; helo=mx.example.net; envelope-from=<>; receiver=<UNKNOWN>',
    kind: 'auth.spf',
  },
  {
    program: P,
    message:
      'Received-SPF: Softfail (domain owner discourages use of this host) identity=mailfrom; client-ip=203.0.113.9; helo=[203.0.113.9]; envelope-from=bob@example.org; receiver=mx.example.com',
    kind: 'auth.spf',
  },
  {
    program: P,
    message:
      '550 5.7.23 Message rejected due to: SPF fail - not authorized. Please see http://www.openspf.net/Why?s=mfrom;id=ceo@example.com;ip=203.0.113.9;r=<UNKNOWN>',
    kind: 'auth.spf',
  },
  {
    program: P,
    message:
      'Action: prepend: Text: Received-SPF: Permerror (mailfrom) identity=mailfrom; client-ip=192.0.2.10; helo=mail.example.com; envelope-from=alice@example.com; receiver=<UNKNOWN>  Reject action: 550 5.7.23',
    kind: 'auth.spf',
  },
  {
    program: P,
    message:
      'Temperror; identity=mailfrom; client-ip=192.0.2.10; helo=mail.example.com; envelope-from=alice@example.com; receiver=<UNKNOWN>',
    kind: 'auth.spf',
  },
  { program: P, message: "SPF none (Mechanism 'default')", kind: 'auth.spf' },
  {
    program: 'postfix/policy-spf',
    message:
      "Policy action=PREPEND Received-SPF: pass (example.com: 192.0.2.10 is authorized to use 'alice@example.com' in 'mfrom' identity (mechanism 'ip4:192.0.2.0/24' matched)) receiver=mx.example.org; identity=mailfrom; envelope-from=\"alice@example.com\"; helo=mail.example.com; client-ip=192.0.2.10",
    kind: 'auth.spf',
  },
  {
    program: 'postfix/policy-spf',
    message:
      'Policy action=550 Please see http://www.openspf.org/Why?s=mfrom;id=ceo%40example.com;ip=203.0.113.9;r=mx.example.org',
    kind: 'auth.spf',
  },
  {
    program: P,
    message: "Config: {'debugLevel': 3, 'HELO_reject': 'Fail', 'Mail_From_reject': 'Fail'}",
    kind: 'noise',
  },
  {
    program: P,
    message: "spfcheck: pyspf result: \"['Pass', 'sender SPF authorized', 'mailfrom']\"",
    kind: 'noise',
  },
  { program: P, message: 'Starting', kind: 'noise' },
  { program: P, message: 'SPF Helo check skipped - Helo_reject is set to Off', kind: 'noise' },
  { program: P, message: 'skipping SPF check for 127.0.0.1 (in skip_addresses)', kind: 'noise' },
  { program: 'pyspf-milter', message: 'pyspf-milter started:1234 user:pyspf-milter', kind: 'noise' },
  {
    program: 'pyspf-milter',
    message: 'connect from mail.example.net at 198.51.100.7 EXTERNAL',
    kind: 'noise',
  },
  {
    program: 'pyspf-milter',
    message:
      '5.7.23 Message rejected due to: SPF fail - not authorized. Please see http://www.openspf.net/Why?s=mfrom;id=ceo@example.com;ip=203.0.113.9;r=<UNKNOWN>',
    kind: 'auth.spf',
  },
  {
    program: P,
    message:
      '4F9D195432: prepend Received-SPF: Pass (mailfrom) identity=mailfrom; client-ip=192.0.2.10; helo=mail.example.com; envelope-from=alice@example.com; receiver=<UNKNOWN>',
    kind: 'auth.spf',
  },
  {
    program: P,
    message:
      'defer_if_permit 4.7.24 SPF Temporary Error: DNS Timeout. Please see http://www.openspf.net/Why?s=mfrom;id=alice@example.com;ip=192.0.2.10;r=<UNKNOWN>',
    kind: 'auth.spf',
  },
  {
    program: P,
    message:
      'Header field not prepended: Received-SPF: Neutral (mailfrom) identity=mailfrom; client-ip=192.0.2.10; helo=mail.example.com; envelope-from=alice@example.com; receiver=<UNKNOWN>',
    kind: 'auth.spf',
  },
  {
    program: P,
    message:
      'prepend Authentication-Results: mx.example.org; spf=softfail (domain owner discourages use of this host) smtp.mailfrom=example.com (client-ip=203.0.113.9; helo=x.example.net; envelope-from=ceo@example.com; receiver=<UNKNOWN>)',
    kind: 'auth.spf',
  },
  {
    program: P,
    message:
      'prepend X-Comment: SPF skipped for whitelisted relay - client-ip=192.0.2.25; helo=relay.example.com; envelope-from=a@example.com; receiver=<UNKNOWN> ',
    kind: 'noise',
  },
];
