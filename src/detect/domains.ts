/**
 * Domains as DMARC sees them: normalisation (lower case, IDN to A-labels), the
 * organisational domain from the Public Suffix List (tldts, private domains included as
 * RFC 7489 section 3.2 and OpenDMARC do) and relaxed / strict alignment.
 *
 * Every input came from a log: functions here never throw and bound their work.
 */
import { getDomain, getDomainWithoutSuffix, getPublicSuffix } from 'tldts';
import { domainToASCII, domainToUnicode } from 'node:url';
import { isIP } from 'node:net';
import { MAX_ORG_CACHE } from './limits.js';

export type OrgMethod = 'psl' | 'fallback-last-two-labels';

export interface OrgDomain {
  org: string;
  method: OrgMethod;
}

const TLDTS_OPTS = { allowPrivateDomains: true, extractHostname: false, validateHostname: false } as const;
const MAX_DOMAIN_CHARS = 253;

/**
 * Lower-case ASCII labels (letters, digits, hyphen, underscore) joined by single dots, at
 * most one trailing dot: what normalizeDomain returns unchanged (bar that dot, and IPs).
 */
const PLAIN_DOMAIN = /^[\d_a-z-]+(?:\.[\d_a-z-]+)*\.?$/;

/** True for characters allowed in an A-label host name (letters, digits, hyphen, underscore, dot). */
function isAsciiHostChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 95 // a-z 0-9 - . _
  );
}

/**
 * Lower-cased A-label form of a domain, or undefined when it is not a usable host name
 * (empty labels, spaces, address literals, IP addresses, too long). Unicode (U-label)
 * input is converted with node:url's IDNA mapping; a trailing dot is dropped.
 */
export function normalizeDomain(input: string | undefined): string | undefined {
  if (input === undefined) return undefined;
  // Most names as logged are already lower-case ASCII labels: one linear regex test
  // answers for them without the trim / lower-case / per-character passes below.
  if (input.length <= MAX_DOMAIN_CHARS + 1 && PLAIN_DOMAIN.test(input)) {
    const d = input.charCodeAt(input.length - 1) === 46 ? input.slice(0, -1) : input;
    if (d.length > MAX_DOMAIN_CHARS) return undefined;
    const last = d.charCodeAt(d.length - 1);
    return last >= 48 && last <= 57 && isIP(d) !== 0 ? undefined : d;
  }
  let d = input.trim();
  if (d.length === 0 || d.length > MAX_DOMAIN_CHARS + 1) return undefined;
  if (d.endsWith('.')) d = d.slice(0, -1);
  d = d.toLowerCase();
  let ascii = true;
  for (let i = 0; i < d.length; i++) {
    const c = d.charCodeAt(i);
    if (c > 127) {
      ascii = false;
      continue;
    }
    if (!isAsciiHostChar(c)) return undefined;
  }
  if (!ascii) {
    const a = domainToASCII(d);
    if (a === '') return undefined;
    d = a;
  }
  if (d.length === 0 || d.length > MAX_DOMAIN_CHARS) return undefined;
  if (d.startsWith('.') || d.includes('..')) return undefined;
  // isIP runs a long IPv6 pattern: only ask when the text could be an address at all
  // (IPv4 ends in a digit, IPv6 has a colon); most domains end in a letter.
  const last = d.charCodeAt(d.length - 1);
  if (((last >= 48 && last <= 57) || d.includes(':')) && isIP(d) !== 0) return undefined;
  return d;
}

/** Unicode (U-label) form for display and confusable checks; the input when it has no A-labels. */
export function toUnicodeDomain(domain: string): string {
  if (!domain.includes('xn--')) return domain;
  const u = domainToUnicode(domain);
  return u === '' ? domain : u;
}

const orgCache = new Map<string, OrgDomain>();

/**
 * Organisational domain of a normalised domain. Uses the Public Suffix List; when the PSL
 * gives nothing (single label, unknown shapes) falls back to the last two labels and says so.
 */
export function orgDomain(domain: string): OrgDomain {
  const hit = orgCache.get(domain);
  if (hit !== undefined) return hit;
  let result: OrgDomain;
  const psl = getDomain(domain, TLDTS_OPTS);
  if (psl !== null && psl !== '' && !psl.startsWith('.')) {
    result = { org: psl, method: 'psl' };
  } else {
    const labels = domain.split('.');
    result = { org: labels.slice(-2).join('.'), method: 'fallback-last-two-labels' };
  }
  if (orgCache.size >= MAX_ORG_CACHE) orgCache.clear();
  orgCache.set(domain, result);
  return result;
}

/** Registrable label and public suffix: "mail.example.co.uk" -> { label: "example", suffix: "co.uk", sub: "mail" }. */
export function splitDomain(domain: string): { label: string; suffix: string; sub: string } {
  const org = orgDomain(domain).org;
  const suffix = getPublicSuffix(org, TLDTS_OPTS) ?? '';
  let label = getDomainWithoutSuffix(org, TLDTS_OPTS) ?? '';
  if (label === '' || suffix === '') {
    const dot = org.indexOf('.');
    return {
      label: dot < 0 ? org : org.slice(0, dot),
      suffix: dot < 0 ? '' : org.slice(dot + 1),
      sub: subOf(domain, org),
    };
  }
  if (label.includes('.')) label = label.slice(label.lastIndexOf('.') + 1);
  return { label, suffix, sub: subOf(domain, org) };
}

function subOf(domain: string, org: string): string {
  return domain.length > org.length && domain.endsWith('.' + org) ? domain.slice(0, -org.length - 1) : '';
}

export type AlignmentMode = 'relaxed' | 'strict';

/** DMARC identifier alignment (RFC 7489 3.1): strict = same domain, relaxed = same organisational domain. */
export function aligned(a: string, b: string, mode: AlignmentMode = 'relaxed'): boolean {
  if (a === b) return true;
  if (mode === 'strict') return false;
  return orgDomain(a).org === orgDomain(b).org;
}

/** True when `domain` equals `parent` or is a subdomain of it. */
export function isSameOrSub(domain: string, parent: string): boolean {
  return domain === parent || (domain.length > parent.length && domain.endsWith('.' + parent));
}
