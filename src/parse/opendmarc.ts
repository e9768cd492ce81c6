/**
 * OpenDMARC (`opendmarc[pid]: QID: ...`): the DMARC result per message (`QID: example.com
 * pass|fail|none`), the SPF result it computed or read (`QID: SPF(mailfrom): a@example.com
 * pass`, `SPF(helo)`), ARC overrides, and the header problems it reports (RFC 5322 errors,
 * unparsable or missing From), which are worth keeping on the message record.
 *
 * The domain token is taken as logged, whatever it looks like (some published corpora hash
 * domains), lower-cased.
 */
import type { LogLine } from '../ingest/line.js';
import type { ArcEvent, AuthResult, DmarcEvent, LogEvent, MessageNoteEvent, SpfEvent } from './event.js';
import { noise, unrecognised } from './base.js';
import { authResultOf, domainOfAddress, splitQueueId, withQueue } from './milter-common.js';

const P = 'opendmarc' as const;
/** Longest free-text detail kept from a line. */
export const MAX_DMARC_DETAIL_CHARS = 512;
/** A token longer than this is not a domain (DNS names stop at 253) nor an address. */
const MAX_TOKEN_CHARS = 320;

function cut(s: string): string {
  return s.length > MAX_DMARC_DETAIL_CHARS ? s.slice(0, MAX_DMARC_DETAIL_CHARS) : s;
}

function dmarc(line: LogLine, queueId: string | undefined, result: AuthResult): DmarcEvent {
  const ev: DmarcEvent = { kind: 'auth.dmarc', line, producer: P, daemon: P, instance: '', result };
  if (queueId !== undefined) ev.queueId = queueId;
  return ev;
}

function messageNote(line: LogLine, queueId: string | undefined, note: string): MessageNoteEvent {
  const ev: MessageNoteEvent = {
    kind: 'message.note',
    line,
    producer: P,
    daemon: P,
    instance: '',
    note: cut(note),
  };
  if (queueId !== undefined) ev.queueId = queueId;
  return ev;
}

/** DMARC result words OpenDMARC writes after the domain. */
function dmarcResultOf(word: string): { result: AuthResult; detail?: string } | undefined {
  switch (word) {
    case 'pass':
      return { result: 'pass' };
    case 'fail':
      return { result: 'fail' };
    case 'none':
      return { result: 'none' };
    case 'bestguesspass':
      // No DMARC record, but the message would have passed one: not a DMARC pass.
      return { result: 'none', detail: 'bestguesspass' };
    case 'permerror':
      return { result: 'permerror' };
    case 'temperror':
      return { result: 'temperror' };
    case 'reject':
    case 'quarantine':
      return { result: 'fail', detail: word };
    default:
      return undefined;
  }
}

/** `p=reject` / `policy=reject` / `(p=reject, ...)` anywhere in the text. */
function policyIn(text: string): string | undefined {
  for (const key of ['p=', 'policy=']) {
    let at = text.indexOf(key);
    while (at > 0) {
      const before = text.charCodeAt(at - 1);
      if (before === 32 || before === 40 || before === 44 || before === 59) break; // space ( , ;
      at = text.indexOf(key, at + 1);
    }
    if (at <= 0) continue;
    const start = at + key.length;
    for (const word of ['reject', 'quarantine', 'none']) if (text.startsWith(word, start)) return word;
  }
  return undefined;
}

const NOISE_PREFIXES = [
  'OpenDMARC Filter',
  'ignoring connection from',
  'implicit authentication service',
  'additional trusted authentication services',
  'mlfi_',
  'malloc(',
  'kill(',
  'opendmarc: ',
  'mi_stop',
  'smfi_',
  'Milter ',
  'milter ',
  'warning: ',
  'WARNING: ',
  'finished waiting',
  'terminating',
  'starting',
  'configuration reloaded',
  'reloaded configuration',
  'cannot read public suffix list',
  'public suffix list',
  'history file',
  'failed to load',
  "can't load",
];

export function parseOpendmarc(line: LogLine): LogEvent {
  const msg = line.message;
  const q = splitQueueId(msg, true);
  if (q === null) {
    for (const p of NOISE_PREFIXES) if (msg.startsWith(p)) return noise(line, P, p.trim(), P);
    return unrecognised(line, P, P);
  }
  const { queueId, rest } = q;

  // `SPF(mailfrom): a@example.com pass` / `SPF(helo): mail.example.com none`
  if (rest.startsWith('SPF(')) {
    const close = rest.indexOf('): ');
    if (close > 4 && close < 20) {
      const scopeWord = rest.slice(4, close);
      const body = rest.slice(close + 3);
      const sp = body.lastIndexOf(' ');
      const result = sp > 0 ? authResultOf(body.slice(sp + 1)) : undefined;
      if (result !== undefined && sp <= MAX_TOKEN_CHARS) {
        const who = body.slice(0, sp);
        const scope = scopeWord === 'mailfrom' ? 'mfrom' : scopeWord === 'helo' ? 'helo' : 'unknown';
        const ev: SpfEvent = { kind: 'auth.spf', line, producer: P, daemon: P, instance: '', result, scope };
        if (queueId !== undefined) ev.queueId = queueId;
        if (scope === 'helo') {
          ev.helo = who;
          ev.domain = who.toLowerCase();
        } else if (who.includes('@')) {
          ev.envelopeFrom = who;
          const d = domainOfAddress(who);
          if (d !== undefined) ev.domain = d;
        } else if (who !== '' && who !== '<>') {
          ev.domain = who.toLowerCase();
        }
        return ev;
      }
    }
  }

  // `ignoring Authentication-Results at 18 from host.example` (written without the colon)
  if (rest.startsWith('ignoring Authentication-Results') || rest.startsWith('ignoring ARC-')) {
    return withQueue(
      noise(line, P, 'ignoring foreign authentication results: ' + cut(rest.slice(9)), P),
      queueId,
    );
  }
  if (rest.startsWith('ignoring invalid ARC') || rest.startsWith('ignoring invalid Authentication-Results')) {
    return withQueue(noise(line, P, cut(rest), P), queueId);
  }

  // OpenDMARC 1.4: `ARC pass, policy fail > continuing DMARC eval` (a trusted A-R said arc=pass
  // but not every sealer of the chain is whitelisted): the ARC result only.
  if (rest.startsWith('ARC pass, policy fail')) {
    const ev: ArcEvent = { kind: 'auth.arc', line, producer: P, daemon: P, instance: '', result: 'pass' };
    if (queueId !== undefined) ev.queueId = queueId;
    ev.detail = cut(rest);
    return ev;
  }
  // ARC overrides a DMARC failure (1.4: `ARC pass, policy pass > overriding DMARC fail`, logged
  // BEFORE the `domain fail` line of the same queue id): the DMARC result stands as fail.
  if (rest.includes('ARC') && rest.includes('overrid')) {
    const ev = dmarc(line, queueId, 'fail');
    ev.arcOverride = true;
    ev.disposition = 'none';
    ev.detail = cut(rest);
    const first = rest.indexOf(' ');
    const tok = first > 0 ? rest.slice(0, first) : '';
    if (tok.includes('.') && !tok.includes('(') && tok.length <= MAX_TOKEN_CHARS)
      ev.domain = tok.toLowerCase();
    return ev;
  }

  // `example.com pass` (optionally followed by a policy in versions that log it)
  const sp = rest.indexOf(' ');
  if (sp > 0 && sp <= MAX_TOKEN_CHARS) {
    let domain = rest.slice(0, sp);
    if (domain.endsWith(':')) domain = domain.slice(0, -1);
    const after = rest.slice(sp + 1);
    const sp2 = after.indexOf(' ');
    const word = sp2 < 0 ? after : after.slice(0, sp2);
    const res = dmarcResultOf(word);
    if (res !== undefined && domain !== '' && !domain.includes('(')) {
      if (
        queueId !== undefined &&
        sp2 < 0 &&
        res.detail === undefined &&
        word !== 'reject' &&
        word !== 'quarantine'
      ) {
        // The usual `QID: example.com pass` in one literal: a field added after the literal
        // needs a second store of its own.
        return {
          kind: 'auth.dmarc',
          line,
          producer: P,
          daemon: P,
          instance: '',
          result: res.result,
          queueId,
          domain: domain.toLowerCase(),
        };
      }
      const ev = dmarc(line, queueId, res.result);
      ev.domain = domain.toLowerCase();
      if (res.detail !== undefined) ev.detail = res.detail;
      const policy = sp2 < 0 ? undefined : policyIn(after);
      if (policy !== undefined) ev.policy = policy;
      if (word === 'reject' || word === 'quarantine') ev.disposition = word;
      return ev;
    }
    // `example.com: ... p=reject ...` (policy logged on its own line)
    if (rest.charCodeAt(sp - 1) === 58 /* : */) {
      const policy = policyIn(after);
      if (policy !== undefined) {
        const lowAfter = after.toLowerCase();
        const result: AuthResult = lowAfter.includes('fail')
          ? 'fail'
          : lowAfter.includes('pass')
            ? 'pass'
            : 'unknown';
        const ev = dmarc(line, queueId, result);
        ev.domain = domain.toLowerCase();
        ev.policy = policy;
        ev.detail = cut(after);
        return ev;
      }
    }
  }

  // Header problems the detectors care about (malformed or missing From).
  if (
    rest.startsWith('RFC5322 requirement error') ||
    rest.startsWith('unable to parse From header') ||
    rest.startsWith('no From header') ||
    rest.startsWith('multi-valued From') ||
    rest.startsWith('multiple From') ||
    rest.startsWith('external host ')
  ) {
    return messageNote(line, queueId, 'opendmarc: ' + rest);
  }
  if (rest.includes('rejected by DMARC policy') || rest.startsWith('rejected by DMARC')) {
    const ev = dmarc(line, queueId, 'fail');
    ev.disposition = 'reject';
    ev.detail = cut(rest);
    return ev;
  }
  if (
    rest.startsWith('opendmarc_') ||
    rest.startsWith('X-Spam') ||
    rest.startsWith('failed to parse Authentication-Results') ||
    rest.startsWith('unable to ') ||
    rest.startsWith('dmarcf_') ||
    rest.startsWith('missing ') ||
    rest.startsWith('ignoring mail from ') ||
    rest.startsWith("can't extract SPF") ||
    rest.startsWith('smfi_') ||
    rest.startsWith('popen') ||
    rest.startsWith('pclose') ||
    rest.endsWith('header add failed') ||
    rest.includes('internal error')
  ) {
    return withQueue(noise(line, P, 'opendmarc: ' + cut(rest), P), queueId);
  }
  return withQueue(unrecognised(line, P, P), queueId);
}

/** Lines real OpenDMARC writes, one per recognised shape (checked by the shared contract test). */
export const SAMPLES: readonly { program: string; message: string; kind: LogEvent['kind'] }[] = [
  { program: P, message: '4F9D195432: example.com pass', kind: 'auth.dmarc' },
  { program: P, message: '4F9D195432: example.org fail', kind: 'auth.dmarc' },
  { program: P, message: '4F9D195432: example.net none', kind: 'auth.dmarc' },
  { program: P, message: '4F9D195432: example.com fail (p=reject, sp=reject, pct=100)', kind: 'auth.dmarc' },
  { program: P, message: '4F9D195432: SPF(mailfrom): alice@example.com pass', kind: 'auth.spf' },
  { program: P, message: '4F9D195432: SPF(helo): mail.example.net none', kind: 'auth.spf' },
  {
    program: P,
    message: '4F9D195432 ignoring Authentication-Results at 18 from mx.example.net',
    kind: 'noise',
  },
  { program: P, message: '4F9D195432: ignoring invalid ARC-Authentication-Results header', kind: 'noise' },
  { program: P, message: '4F9D195432: ARC pass, policy pass > overriding DMARC fail', kind: 'auth.dmarc' },
  { program: P, message: '4F9D195432: ARC pass, policy fail > continuing DMARC eval', kind: 'auth.arc' },
  {
    program: P,
    message: '4F9D195432: external host mail.example.net attempted to send as example.com',
    kind: 'message.note',
  },
  {
    program: P,
    message: '4F9D195432: RFC5322 requirement error: not exactly one From field',
    kind: 'message.note',
  },
  { program: P, message: '4F9D195432: unable to parse From header field', kind: 'message.note' },
  { program: P, message: '4F9D195432: no From header field found', kind: 'message.note' },
  {
    program: P,
    message: '4F9D195432: opendmarc_policy_query_dmarc(example.com) returned status 4',
    kind: 'noise',
  },
  { program: P, message: 'OpenDMARC Filter v1.4.2 starting (args: -c /etc/opendmarc.conf)', kind: 'noise' },
  { program: P, message: 'ignoring connection from localhost', kind: 'noise' },
  { program: P, message: 'implicit authentication service: mx.example.com', kind: 'noise' },
  { program: P, message: '4F9D195432: ignoring mail from example.org', kind: 'noise' },
  {
    program: P,
    message: '4F9D195432: RFC5322 requirement error: missing From field; accepting',
    kind: 'message.note',
  },
];
