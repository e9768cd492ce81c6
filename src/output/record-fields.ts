/**
 * Reading the identities out of a MessageRecord the same way in every output (table, JSONL,
 * ECS, OCSF, investigate). Values are as logged: callers escape them for their sink.
 */
import { isIP } from 'node:net';
import type { MessageRecord, SpfResult } from '../correlate/record.js';
import type { Finding, Verdict } from '../detect/verdict.js';

/** Addresses taken from one header value at most (a From with 10,000 addresses is an attack, not a list). */
export const MAX_ADDRESSES_PER_HEADER = 50;
/** An address longer than RFC 5321's path limit is not an address. */
const MAX_ADDRESS_CHARS = 320;

export function headerValues(record: MessageRecord, name: string): string[] {
  const vals = record.headers[name.toLowerCase()];
  return vals === undefined ? [] : vals.map((v) => v.value);
}

export function firstHeader(record: MessageRecord, name: string): string | undefined {
  return record.headers[name.toLowerCase()]?.[0]?.value;
}

function cleanAddress(s: string): string | undefined {
  const t = s.trim();
  if (t.length === 0 || t.length > MAX_ADDRESS_CHARS) return undefined;
  const at = t.lastIndexOf('@');
  if (at <= 0 || at === t.length - 1) return undefined;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c <= 0x20 || c === 0x3c || c === 0x3e || c === 0x22 || c === 0x2c || c === 0x3b) return undefined;
  }
  return t;
}

function isQuote(c: number): boolean {
  return c === 0x22 || c === 0x27 || c === 0x28 || c === 0x29;
}

function trimQuotes(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isQuote(s.charCodeAt(a))) a++;
  while (b > a && isQuote(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

/**
 * Addresses in a header value: every `<addr>`, or, when there are none, the bare
 * `local@domain` tokens. Display names are dropped (a display name that carries another
 * address is a finding for detect, not an address for the output). At most `limit`.
 */
export function addressesIn(value: string, limit = MAX_ADDRESSES_PER_HEADER): string[] {
  const out: string[] = [];
  let pos = 0;
  while (out.length < limit) {
    const lt = value.indexOf('<', pos);
    if (lt < 0) break;
    const gt = value.indexOf('>', lt + 1);
    if (gt < 0) break;
    const a = cleanAddress(value.slice(lt + 1, gt));
    if (a !== undefined) out.push(a);
    pos = gt + 1;
  }
  if (out.length > 0) return out;
  for (const part of value.split(/[\s,;]/, MAX_ADDRESSES_PER_HEADER * 4)) {
    const a = cleanAddress(trimQuotes(part));
    if (a !== undefined) out.push(a);
    if (out.length >= limit) break;
  }
  return out;
}

/** All addresses of one header name across its logged values, de-duplicated. */
export function headerAddresses(record: MessageRecord, name: string): string[] {
  const seen = new Set<string>();
  for (const v of headerValues(record, name)) for (const a of addressesIn(v)) seen.add(a);
  return [...seen];
}

/**
 * The first of headerAddresses(record, name), without building the list: JSONL and the
 * table need only it, once per message.
 */
export function firstHeaderAddress(record: MessageRecord, name: string): string | undefined {
  const vals = record.headers[name.toLowerCase()];
  if (vals === undefined) return undefined;
  for (const v of vals) {
    const a = addressesIn(v.value, 1)[0];
    if (a !== undefined) return a;
  }
  return undefined;
}

/** Where an address's domain starts (after its last '@'), or -1 when it has none. */
export function domainStart(address: string): number {
  const at = address.lastIndexOf('@');
  return at < 0 || at === address.length - 1 ? -1 : at + 1;
}

export function domainOf(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  const from = domainStart(address);
  return from < 0 ? undefined : address.slice(from).toLowerCase();
}

/** Message-ID without the angle brackets. */
export function bareMessageId(id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  const t = id.trim();
  return t.startsWith('<') && t.endsWith('>') ? t.slice(1, -1) : t;
}

export function messageIdOf(record: MessageRecord): string | undefined {
  return bareMessageId(record.messageId ?? firstHeader(record, 'message-id'));
}

function isLoopback(ip: string | undefined): boolean {
  if (ip === undefined) return false;
  return ip.startsWith('127.') || ip === '::1' || ip === '::ffff:127.0.0.1';
}

/**
 * Which way the message went, as far as the logs tell: authenticated submission, local
 * pickup and loopback clients (the MTA's own processes) are outbound; a client on the
 * network is inbound; no client at all is unknown.
 */
export function directionOf(record: MessageRecord): 'inbound' | 'outbound' | 'unknown' {
  if (record.local === true || record.session.saslUsername !== undefined) return 'outbound';
  if (isLoopback(record.session.clientIp)) return 'outbound';
  if (record.session.clientIp !== undefined || record.session.clientHost !== undefined) return 'inbound';
  return 'unknown';
}

/** The SPF result that speaks for the envelope (mfrom first, then any). */
export function mainSpf(record: MessageRecord): SpfResult | undefined {
  return record.auth.spf.find((s) => s.scope === 'mfrom') ?? record.auth.spf[0];
}

/** The strongest finding: highest weight after guards, then highest before. */
export function topFinding(verdict: Verdict): Finding | undefined {
  let best: Finding | undefined;
  for (const f of verdict.findings) {
    if (
      best === undefined ||
      f.weight > best.weight ||
      (f.weight === best.weight && f.baseWeight > best.baseWeight)
    )
      best = f;
  }
  return best;
}

/** True when the message was stopped (rejected, discarded, bounced back, quarantined, held). */
export function wasBlocked(record: MessageRecord): boolean {
  const d = record.disposition;
  return d === 'rejected' || d === 'discarded' || d === 'quarantined' || d === 'held' || d === 'bounced';
}

/** True when at least one recipient got it. */
export function wasDelivered(record: MessageRecord): boolean {
  return record.disposition === 'delivered' || record.recipients.some((r) => r.status === 'sent');
}

/**
 * The value when it is an IP address, else undefined. SIEM fields typed as IP (ECS
 * `source.ip`, OCSF `ip_t`) reject a whole document over one malformed value, and a log can
 * hold anything there; the raw value stays in the tool's own namespace.
 */
export function validIp(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const t = s.startsWith('IPv6:') || s.startsWith('ipv6:') ? s.slice(5) : s;
  return isIP(t) !== 0 ? t : undefined;
}
