/**
 * Authentication results carried by headers the MTA logged (header_checks, Exim ACL
 * logwrite): `Received-SPF` and `Authentication-Results`.
 *
 * Choice: these are parsed (simple, bounded string scanning, no mailauth) into auth.*
 * with a source that says where they came from: `header` for Received-SPF and
 * `header:<authserv-id>` for Authentication-Results. Anyone upstream can write such a
 * header, so the detector decides which authserv-id is ours; the raw values stay in
 * `headers` too. Single-valued results (dmarc, arc) from a header never replace a
 * log-native result, and a log-native result replaces a header one.
 */
import { authResultWord } from '../parse/auth-result.js';
import type { AuthResult } from '../parse/event.js';
import type { DkimResult, DmarcResult, SpfResult } from './record.js';
import { MAX_AR_PARTS } from './bounds.js';

/** Longest authserv-id kept in a source name (a DNS name). */
const MAX_AUTHSERV_ID = 255;

export function toAuthResult(word: string): AuthResult {
  const std = authResultWord(word);
  if (std !== undefined) return std;
  const w = word.toLowerCase();
  if (w === 'hardfail') return 'fail';
  if (w === 'error') return 'temperror';
  return 'unknown';
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** The token after `name=` where `name` starts the text or follows a space/semicolon/paren. */
export function propValue(text: string, name: string): string | undefined {
  const needle = name + '=';
  let from = 0;
  for (;;) {
    const i = text.indexOf(needle, from);
    if (i < 0) return undefined;
    const before = i === 0 ? 32 : text.charCodeAt(i - 1);
    if (isSpace(before) || before === 59 || before === 40) {
      let j = i + needle.length;
      let end = j;
      while (end < text.length) {
        const c = text.charCodeAt(end);
        if (isSpace(c) || c === 59 || c === 41) break;
        end++;
      }
      if (text.charCodeAt(j) === 60 && text.charCodeAt(end - 1) === 62) {
        j++;
        end--;
      }
      return end > j ? text.slice(j, end) : undefined;
    }
    from = i + 1;
  }
}

function firstWord(text: string): string {
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  let j = i;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (isSpace(c) || c === 59 || c === 40) break;
    j++;
  }
  return text.slice(i, j);
}

function domainOf(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  const at = address.lastIndexOf('@');
  const d = at >= 0 ? address.slice(at + 1) : address;
  return d === '' ? undefined : d.toLowerCase();
}

/** `Received-SPF: Pass (mailfrom) identity=mailfrom; client-ip=...; helo=...; envelope-from=...` */
export function parseReceivedSpf(value: string): SpfResult | null {
  const result = toAuthResult(firstWord(value));
  if (result === 'unknown') return null;
  const identity = propValue(value, 'identity');
  const envelopeFrom = propValue(value, 'envelope-from');
  const helo = propValue(value, 'helo');
  const scope: SpfResult['scope'] =
    identity === 'helo'
      ? 'helo'
      : identity === 'mailfrom' || envelopeFrom !== undefined
        ? 'mfrom'
        : 'unknown';
  const out: SpfResult = { result, scope, source: 'header' };
  if (envelopeFrom !== undefined) out.envelopeFrom = envelopeFrom;
  if (helo !== undefined) out.helo = helo;
  const domain = scope === 'helo' ? helo : domainOf(envelopeFrom);
  if (domain !== undefined) out.domain = domain;
  return out;
}

export interface HeaderAuth {
  authservId: string;
  spf: SpfResult[];
  dkim: DkimResult[];
  dmarc?: DmarcResult;
  arc?: { result: AuthResult; source: string };
}

/** `Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=a@b; dkim=pass header.d=b; dmarc=pass header.from=b` */
export function parseAuthenticationResults(value: string): HeaderAuth | null {
  const firstSemi = value.indexOf(';');
  if (firstSemi < 0) return null;
  const authservId = firstWord(value.slice(0, firstSemi)).slice(0, MAX_AUTHSERV_ID).toLowerCase();
  if (authservId === '') return null;
  const source = 'header:' + authservId;
  const out: HeaderAuth = { authservId, spf: [], dkim: [] };
  let start = firstSemi + 1;
  for (let n = 0; n < MAX_AR_PARTS && start < value.length; n++) {
    let end = value.indexOf(';', start);
    if (end < 0) end = value.length;
    const part = value.slice(start, end);
    start = end + 1;
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const method = part.slice(0, eq).trim().toLowerCase();
    const result = toAuthResult(firstWord(part.slice(eq + 1)));
    if (method === 'spf') {
      const mailfrom = propValue(part, 'smtp.mailfrom');
      const helo = propValue(part, 'smtp.helo');
      const r: SpfResult = {
        result,
        scope: mailfrom !== undefined ? 'mfrom' : helo !== undefined ? 'helo' : 'unknown',
        source,
      };
      if (mailfrom !== undefined) r.envelopeFrom = mailfrom;
      if (helo !== undefined) r.helo = helo;
      const d = mailfrom !== undefined ? domainOf(mailfrom) : helo;
      if (d !== undefined) r.domain = d;
      out.spf.push(r);
    } else if (method === 'dkim') {
      const r: DkimResult = { result, source };
      const d = propValue(part, 'header.d') ?? domainOf(propValue(part, 'header.i'));
      if (d !== undefined) r.domain = d.toLowerCase();
      const s = propValue(part, 'header.s');
      if (s !== undefined) r.selector = s;
      out.dkim.push(r);
    } else if (method === 'dmarc') {
      const r: DmarcResult = { result, source };
      const d = propValue(part, 'header.from');
      if (d !== undefined) r.domain = d.toLowerCase();
      const p = propValue(part, 'p') ?? propValue(part, 'policy.dmarc');
      if (p !== undefined) r.policy = p.toLowerCase();
      out.dmarc = r;
    } else if (method === 'arc') {
      out.arc = { result, source };
    }
  }
  return out;
}
