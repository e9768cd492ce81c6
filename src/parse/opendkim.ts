/**
 * OpenDKIM (`opendkim[pid]: QID: ...`): DKIM verification results and diagnostics.
 *
 * Wording follows opendkim.c (2.10/2.11): `DKIM verification successful`, `bad signature
 * data` (DKIM_STAT_BADSIG), `signature verification failed: <why>` (CANTVRFY), `key
 * retrieval failed (s=, d=): <why>` (KEYFAIL/NOKEY), `no signature data` (NOSIG), `syntax
 * error: <why>`, and dkimf_log_ssl_errors' `s=S d=D [a=ALG] SSL <openssl errors>`. That last
 * line comes BEFORE "bad signature data" for the same queue id: with an OpenSSL "bad
 * signature" error it states a header-signature failure on its own; bare it only says the
 * RSA check passed, which is a pass alone and a body-hash failure next to "bad signature
 * data" (the correlator joins the two; see DkimNoteEvent.note).
 */
import type { LogLine } from '../ingest/line.js';
import type { AuthResult, DkimEvent, DkimNoteEvent, LogEvent, MessageNoteEvent } from './event.js';
import { noise, unrecognised } from './base.js';
import { splitQueueId, withQueue } from './milter-common.js';

const P = 'opendkim' as const;
/** Longest free-text detail kept from a line. */
export const MAX_DKIM_DETAIL_CHARS = 512;
/** Signing domains kept from "message has signatures from ...". */
export const MAX_DKIM_NOTE_DOMAINS = 32;
/** A selector or a domain longer than this is not one (DNS names stop at 253). */
const MAX_NAME_CHARS = 255;

function cut(s: string): string {
  return s.length > MAX_DKIM_DETAIL_CHARS ? s.slice(0, MAX_DKIM_DETAIL_CHARS) : s;
}

function dkim(
  line: LogLine,
  queueId: string | undefined,
  result: AuthResult,
  extra: Partial<Pick<DkimEvent, 'domain' | 'selector' | 'failure' | 'detail'>> = {},
): DkimEvent {
  if (
    queueId !== undefined &&
    extra.domain === undefined &&
    extra.selector === undefined &&
    extra.failure === undefined &&
    (extra.detail === undefined || extra.detail === '')
  ) {
    // The usual `QID: DKIM verification successful` in one literal: a field added after
    // the literal needs a second store of its own.
    return { kind: 'auth.dkim', line, producer: P, daemon: P, instance: '', result, queueId };
  }
  const ev: DkimEvent = { kind: 'auth.dkim', line, producer: P, daemon: P, instance: '', result };
  if (queueId !== undefined) ev.queueId = queueId;
  if (extra.domain !== undefined) ev.domain = extra.domain;
  if (extra.selector !== undefined) ev.selector = extra.selector;
  if (extra.failure !== undefined) ev.failure = extra.failure;
  if (extra.detail !== undefined && extra.detail !== '') ev.detail = cut(extra.detail);
  return ev;
}

function note(
  line: LogLine,
  queueId: string | undefined,
  what: string,
  extra: Partial<Pick<DkimNoteEvent, 'domains' | 'selector' | 'failure' | 'detail'>> = {},
): DkimNoteEvent {
  const { domains, selector } = extra;
  if (
    queueId !== undefined &&
    domains !== undefined &&
    domains.length > 0 &&
    selector !== undefined &&
    extra.failure === undefined &&
    (extra.detail === undefined || extra.detail === '')
  ) {
    // The usual `QID: s=SEL d=DOM SSL` note in one literal (see dkim)
    return {
      kind: 'auth.dkim-note',
      line,
      producer: P,
      daemon: P,
      instance: '',
      note: what,
      queueId,
      domains,
      selector,
    };
  }
  const ev: DkimNoteEvent = {
    kind: 'auth.dkim-note',
    line,
    producer: P,
    daemon: P,
    instance: '',
    note: what,
  };
  if (queueId !== undefined) ev.queueId = queueId;
  if (extra.domains !== undefined && extra.domains.length > 0) ev.domains = extra.domains;
  if (extra.selector !== undefined) ev.selector = extra.selector;
  if (extra.failure !== undefined) ev.failure = extra.failure;
  if (extra.detail !== undefined && extra.detail !== '') ev.detail = cut(extra.detail);
  return ev;
}

/** `s=SEL, d=DOM` (signing / key retrieval) or `s=SEL d=DOM` (SSL line): reads one tag value. */
function tagValue(text: string, tag: string): string | undefined {
  let at = text.startsWith(tag) ? 0 : afterChar(text, 32 /* space */, tag);
  if (at < 0) {
    at = afterChar(text, 40 /* ( */, tag);
    if (at < 0) return undefined;
  }
  const start = at === 0 && text.startsWith(tag) ? tag.length : at + 1 + tag.length;
  let end = start;
  while (end < text.length && end - start <= MAX_NAME_CHARS) {
    const c = text.charCodeAt(end);
    if (c === 32 || c === 44 || c === 41 || c === 58) break; // space , ) :
    end++;
  }
  if (end === start || end - start > MAX_NAME_CHARS) return undefined;
  return text.slice(start, end);
}

/**
 * Index of the first `ch` + `tag` in text (what text.indexOf(ch + tag) gives, without
 * building that string per call): each indexOf starts past the last, so the scan stays linear.
 */
function afterChar(text: string, ch: number, tag: string): number {
  let i = text.indexOf(tag, 1);
  while (i > 0 && text.charCodeAt(i - 1) !== ch) i = text.indexOf(tag, i + 1);
  return i > 0 ? i - 1 : -1;
}

function lower(s: string | undefined): string | undefined {
  return s === undefined ? undefined : s.toLowerCase();
}

/** Lines logged without a queue id: start-up, shutdown, configuration, connection filtering. */
const NOISE_PREFIXES = [
  'OpenDKIM Filter',
  'Sendmail DKIM Filter',
  'ignoring connection from',
  'key data is not secure',
  'mi_stop',
  'smfi_',
  'Milter ',
  'milter ',
  'dkimf_',
  'error loading key',
  "can't load key",
  'opendkim: ',
  'warning: ',
  'WARNING: ',
  'finished waiting',
  'terminating',
  'starting',
  'reloaded configuration',
  'configuration reloaded',
  '[', // "[ip] [ip] not internal" without a job id
  'failed to remove ',
  'statistics recording failed',
  'malloc(',
];

/** Per-message lines about signing, tables and the milter itself: recognised, no DKIM result. */
const QUEUE_NOISE_PREFIXES = [
  'no signing subdomain match',
  'no signing domain match',
  'no macros match',
  "can't determine message sender",
  'domain ',
  'ignoring ',
  'signature generation error',
  'key data is not secure',
  'early EOF',
  "can't ",
  'error reading signing table',
  'signing table references unknown key',
  'error loading key',
  'failed to add default signing request',
  'skipping signing of mail to',
  'BodyLengthDB matched',
  'cannot find identity header',
  "can't create VBR",
  "can't initialize VBR",
  "can't set VBR",
  'allowed by reputation',
  'reputation query',
  'no reputation data',
  'smfi_',
  'malloc(',
  'strdup(',
  'dkim_',
  'dkimf_',
  'error ',
  'no MTA name match',
  'no sender header',
  'ignoring header',
];

/** Signatures read from one LogResults line. */
export const MAX_DKIM_LOGGED_RESULTS = 32;

/**
 * LogResults (`QID: signature=XXX domain=D selector=S result="R"; signature=...`): one entry
 * per signature, R being libopendkim's per-signature error string. "no signature error" says
 * the header signature verified but not that the body hash matched, so it is no pass alone.
 */
function parseLogResults(line: LogLine, queueId: string | undefined, rest: string): LogEvent {
  const entries: { domain?: string; selector?: string; result: string }[] = [];
  let at = 0;
  while (entries.length < MAX_DKIM_LOGGED_RESULTS) {
    const start = rest.indexOf('signature=', at);
    if (start < 0) break;
    const q1 = rest.indexOf('result="', start);
    const q2 = q1 < 0 ? -1 : rest.indexOf('"', q1 + 8);
    if (q2 < 0) break;
    const head = rest.slice(start, q1);
    const e: { domain?: string; selector?: string; result: string } = { result: rest.slice(q1 + 8, q2) };
    const d = lower(tagValue(head, 'domain='));
    const sel = tagValue(head, 'selector=');
    if (d !== undefined) e.domain = d;
    if (sel !== undefined) e.selector = sel;
    entries.push(e);
    at = q2 + 1;
  }
  const only = entries.length === 1 ? entries[0] : undefined;
  if (only !== undefined && only.result !== 'no signature error') {
    const r = only.result.toLowerCase();
    const extra: Partial<DkimEvent> = { detail: only.result };
    if (only.domain !== undefined) extra.domain = only.domain;
    if (only.selector !== undefined) extra.selector = only.selector;
    if (r.includes('expired')) return dkim(line, queueId, 'fail', { ...extra, failure: 'expired' });
    if (r.includes('key retrieval')) return dkim(line, queueId, 'temperror', { ...extra, failure: 'key' });
    if (r.includes('key')) return dkim(line, queueId, 'permerror', { ...extra, failure: 'key' });
    if (r.includes('body hash')) return dkim(line, queueId, 'fail', { ...extra, failure: 'body' });
    if (r.includes('verification failed') || r.includes('bad signature')) {
      return dkim(line, queueId, 'fail', { ...extra, failure: 'other' });
    }
    return dkim(line, queueId, 'permerror', { ...extra, failure: 'other' });
  }
  const domains: string[] = [];
  for (const e of entries) if (e.domain !== undefined) domains.push(e.domain);
  const ex: Partial<DkimNoteEvent> = { domains, detail: rest };
  if (only?.selector !== undefined) ex.selector = only.selector;
  return note(line, queueId, 'signature-results', ex);
}

export function parseOpendkim(line: LogLine): LogEvent {
  const msg = line.message;
  let q = splitQueueId(msg);
  if (q === null) {
    // OpenDKIM 2.x before 2.10 wrote the SSL line without the colon: `QID s=S d=D SSL ...`
    const spaced = splitQueueId(msg, true);
    if (spaced !== null && (spaced.rest.startsWith('s=') || spaced.rest.startsWith('SSL '))) q = spaced;
  }
  if (q === null) {
    for (const p of NOISE_PREFIXES) if (msg.startsWith(p)) return noise(line, P, p.trim(), P);
    return unrecognised(line, P, P);
  }
  const { queueId, rest } = q;
  const c0 = rest.charCodeAt(0);

  // `s=SEL d=DOM [a=ALG] SSL [errors]`, or `SSL errors` when no signature was at hand
  if ((c0 === 115 /* s */ && rest.startsWith('s=')) || rest.startsWith('SSL ')) {
    const ssl = rest.startsWith('SSL ') ? 0 : rest.indexOf(' SSL');
    if (ssl >= 0) {
      const head = rest.slice(0, ssl);
      const selector = tagValue(head, 's=');
      const domain = lower(tagValue(head, 'd='));
      const errors = rest.slice(ssl === 0 ? 3 : ssl + 4).trim();
      if (errors === '') {
        const ex: Partial<DkimNoteEvent> = {};
        if (domain !== undefined) ex.domains = [domain];
        if (selector !== undefined) ex.selector = selector;
        return note(line, queueId, 'ssl', ex);
      }
      const low = errors.toLowerCase();
      const extra: Partial<DkimEvent> = { detail: errors };
      if (domain !== undefined) extra.domain = domain;
      if (selector !== undefined) extra.selector = selector;
      if (low.includes('bad signature')) return dkim(line, queueId, 'fail', { ...extra, failure: 'header' });
      if (low.includes('asn1') || low.includes('pem ') || low.includes('decoder') || low.includes('key')) {
        return dkim(line, queueId, 'permerror', { ...extra, failure: 'key' });
      }
      return dkim(line, queueId, 'fail', { ...extra, failure: 'other' });
    }
  }

  if (rest.startsWith('DKIM verification successful')) return dkim(line, queueId, 'pass');
  if (rest.startsWith('bad signature data')) return note(line, queueId, 'bad-signature');
  if (rest.startsWith('no signature data')) return dkim(line, queueId, 'none');
  if (rest === 'not authenticated') return note(line, queueId, 'not-authenticated');

  if (rest.startsWith('DKIM-Signature field added')) {
    const selector = tagValue(rest, 's=');
    const domain = lower(tagValue(rest, 'd='));
    const ex: Partial<DkimNoteEvent> = {};
    if (domain !== undefined) ex.domains = [domain];
    if (selector !== undefined) ex.selector = selector;
    return note(line, queueId, 'signed', ex);
  }

  if (rest.startsWith('signature verification failed')) {
    const why = rest.slice('signature verification failed'.length).replace(/^:\s?/, '');
    if (why.toLowerCase().includes('expired'))
      return dkim(line, queueId, 'fail', { failure: 'expired', detail: why });
    return note(line, queueId, 'verification-failed', { detail: why });
  }
  if (rest.startsWith('signature expired')) return dkim(line, queueId, 'fail', { failure: 'expired' });

  if (rest.startsWith('key retrieval failed')) {
    const close = rest.indexOf(')');
    const tags = close > 0 ? rest.slice(0, close) : '';
    const selector = tagValue(tags, 's=');
    const domain = lower(tagValue(tags, 'd='));
    const colon = rest.indexOf(': ', close > 0 ? close : 'key retrieval failed'.length);
    const why = colon >= 0 ? rest.slice(colon + 2) : '';
    const low = why.toLowerCase();
    // A missing or malformed key is the signer's fault (permerror); DNS trouble is temporary.
    const result: AuthResult =
      low.includes('not found') ||
      low.includes('nxdomain') ||
      low.includes('no key') ||
      low.includes('syntax')
        ? 'permerror'
        : 'temperror';
    const extra: Partial<DkimEvent> = { failure: 'key', detail: why };
    if (domain !== undefined) extra.domain = domain;
    if (selector !== undefined) extra.selector = selector;
    return dkim(line, queueId, result, extra);
  }

  if (rest.startsWith('syntax error')) {
    return dkim(line, queueId, 'permerror', {
      failure: 'other',
      detail: rest.slice(12).replace(/^:\s?/, ''),
    });
  }

  if (rest.startsWith('message has signatures from ')) {
    const list = rest.slice('message has signatures from '.length);
    const domains: string[] = [];
    let start = 0;
    while (start <= list.length && domains.length < MAX_DKIM_NOTE_DOMAINS) {
      let end = list.indexOf(',', start);
      if (end < 0) end = list.length;
      const d = list.slice(start, end).trim().toLowerCase();
      if (d !== '' && d.length <= MAX_NAME_CHARS) domains.push(d);
      start = end + 1;
    }
    return note(line, queueId, 'signatures-from', { domains });
  }

  if (rest.endsWith(' not internal')) {
    return note(line, queueId, 'not-internal', { detail: rest.slice(0, -' not internal'.length) });
  }
  if (rest.startsWith('external host '))
    return note(line, queueId, 'external-sender', { detail: rest.slice(14) });
  if (rest.startsWith("can't parse From: header"))
    return note(line, queueId, 'from-unparseable', { detail: rest });
  // `key revoked (s=S, d=D, a=ALG)`: the signer withdrew the key (an empty p=)
  if (rest.startsWith('key revoked')) {
    const close = rest.indexOf(')');
    const tags = close > 0 ? rest.slice(0, close) : rest;
    const extra: Partial<DkimEvent> = { failure: 'key', detail: 'key revoked' };
    const domain = lower(tagValue(tags, 'd='));
    const selector = tagValue(tags, 's=');
    if (domain !== undefined) extra.domain = domain;
    if (selector !== undefined) extra.selector = selector;
    return dkim(line, queueId, 'permerror', extra);
  }
  if (rest.startsWith('signature processing failed')) {
    return note(line, queueId, 'verification-failed', { detail: rest.slice(27).replace(/^:\s?/, '') });
  }
  // test-mode / verbose forms: `NAME: verification (s=S, d=D, 2048-bit key) succeeded`,
  // `NAME: verification (s=S d=D, 2048-bit key, flags) failed: why`
  const ver = rest.indexOf('verification (');
  if (ver >= 0 && ver < 256) {
    const close = rest.indexOf(')', ver);
    if (close > 0) {
      const tags = rest.slice(ver + 13, close);
      const extra: Partial<DkimEvent> = {};
      const domain = lower(tagValue(tags, 'd='));
      const selector = tagValue(tags, 's=');
      if (domain !== undefined) extra.domain = domain;
      if (selector !== undefined) extra.selector = selector;
      const after = rest.slice(close + 1);
      if (after.startsWith(' succeeded')) return dkim(line, queueId, 'pass', extra);
      if (after.startsWith(' failed')) {
        const why = after.slice(7).replace(/^:\s?/, '');
        const low = why.toLowerCase();
        const failure = low.includes('body hash') ? 'body' : low.includes('expired') ? 'expired' : 'other';
        return dkim(line, queueId, 'fail', { ...extra, failure, detail: why });
      }
    }
  }
  if (rest.startsWith('no signing table match'))
    return note(line, queueId, 'no-signing-table-match', { detail: rest });
  if (rest.toLowerCase().startsWith('failed to parse authentication-results')) {
    return note(line, queueId, 'ar-unparseable');
  }
  if (rest.includes('ADSP')) return note(line, queueId, 'adsp', { detail: rest });

  if (rest.startsWith('signature=')) return parseLogResults(line, queueId, rest);
  // RequiredHeaders: more than one From (or Date, ...) is worth keeping on the message record
  if (rest.startsWith('RFC5322 header requirement error')) {
    const ev: MessageNoteEvent = {
      kind: 'message.note',
      line,
      producer: P,
      daemon: P,
      instance: '',
      note: 'opendkim: ' + cut(rest),
    };
    return withQueue(ev, queueId);
  }
  // Per-message trouble that is no DKIM result: resource/internal errors, signing tables.
  if (
    rest.includes('internal error') ||
    rest.includes('resource unavailable') ||
    rest.endsWith('header add failed') ||
    rest.endsWith('header remove failed')
  ) {
    return withQueue(noise(line, P, 'opendkim: ' + cut(rest), P), queueId);
  }
  for (const p of QUEUE_NOISE_PREFIXES) {
    if (rest.startsWith(p)) return withQueue(noise(line, P, 'opendkim: ' + cut(rest), P), queueId);
  }
  return withQueue(unrecognised(line, P, P), queueId);
}

/** Lines real OpenDKIM writes, one per recognised shape (checked by the shared contract test). */
export const SAMPLES: readonly { program: string; message: string; kind: LogEvent['kind'] }[] = [
  {
    program: P,
    message: '4F9D195432: DKIM-Signature field added (s=mail2026, d=example.com)',
    kind: 'auth.dkim-note',
  },
  { program: P, message: '4F9D195432: DKIM verification successful', kind: 'auth.dkim' },
  { program: P, message: '4F9D195432: s=sel1 d=example.org SSL ', kind: 'auth.dkim-note' },
  { program: P, message: '4F9D195432: s=sel1 d=example.org a=rsa-sha256 SSL', kind: 'auth.dkim-note' },
  {
    program: P,
    message: '4F9D195432: s=sel1 d=example.org SSL error:04091068:rsa routines:INT_RSA_VERIFY:bad signature',
    kind: 'auth.dkim',
  },
  { program: P, message: '4F9D195432: bad signature data', kind: 'auth.dkim-note' },
  {
    program: P,
    message: '4F9D195432: signature verification failed: body hash mismatch',
    kind: 'auth.dkim-note',
  },
  {
    program: P,
    message: '4F9D195432: message has signatures from example.net, esp.example.org',
    kind: 'auth.dkim-note',
  },
  {
    program: P,
    message:
      "4F9D195432: key retrieval failed (s=sel1, d=example.net): 'sel1._domainkey.example.net' query timed out",
    kind: 'auth.dkim',
  },
  {
    program: P,
    message:
      "4F9D195432: key retrieval failed (s=sel1, d=example.net): 'sel1._domainkey.example.net' record not found",
    kind: 'auth.dkim',
  },
  { program: P, message: '4F9D195432: no signature data', kind: 'auth.dkim' },
  { program: P, message: '4F9D195432: mail.example.net [192.0.2.10] not internal', kind: 'auth.dkim-note' },
  { program: P, message: '4F9D195432: [192.0.2.10] [192.0.2.10] not internal', kind: 'auth.dkim-note' },
  { program: P, message: '4F9D195432: not authenticated', kind: 'auth.dkim-note' },
  {
    program: P,
    message: '4F9D195432: external host mail.example.net attempted to send as example.com',
    kind: 'auth.dkim-note',
  },
  { program: P, message: "4F9D195432: can't parse From: header value 'undisclosed'", kind: 'auth.dkim-note' },
  { program: P, message: '4F9D195432: signature expired', kind: 'auth.dkim' },
  { program: P, message: '4F9D195432: syntax error: signature missing required tag', kind: 'auth.dkim' },
  {
    program: P,
    message: "4F9D195432: no signing table match for 'alice@example.com'",
    kind: 'auth.dkim-note',
  },
  {
    program: P,
    message: '4F9D195432: failed to parse Authentication-Results: header field',
    kind: 'auth.dkim-note',
  },
  { program: P, message: '4F9D195432: ADSP query: example.com discardable', kind: 'auth.dkim-note' },
  {
    program: P,
    message:
      '4F9D195432: signature=AbCdEf12 domain=example.net selector=sel1 result="signature verification failed"',
    kind: 'auth.dkim',
  },
  {
    program: P,
    message:
      '4F9D195432: signature=AbCdEf12 domain=example.net selector=sel1 result="no signature error"; signature=ZyXw98 domain=esp.example.org selector=k1 result="signature expired"',
    kind: 'auth.dkim-note',
  },
  {
    program: P,
    message: '4F9D195432: RFC5322 header requirement error: message does not have exactly one From field',
    kind: 'message.note',
  },
  { program: P, message: "4F9D195432: no signing subdomain match for 'example.com'", kind: 'noise' },
  { program: P, message: '4F9D195432: key revoked (s=old, d=example.net, a=rsa-sha256)', kind: 'auth.dkim' },
  { program: P, message: '4F9D195432: ignoring signature from example.net', kind: 'noise' },
  { program: P, message: 'OpenDKIM Filter v2.11.0 starting (args: -x /etc/opendkim.conf)', kind: 'noise' },
  { program: P, message: 'OpenDKIM Filter v2.11.0 terminating with status 0, errno = 0', kind: 'noise' },
];
