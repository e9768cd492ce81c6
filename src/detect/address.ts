/**
 * Mailboxes out of logged header values: `"Alice" <alice@example.com>`,
 * `Alice <alice@example.com>`, `alice@example.com (Alice)`, groups, several mailboxes,
 * RFC 2047 encoded words in display names (decoded with libmime, as mailauth does),
 * IDN domains. Bounded by MAX_ADDRESS_FIELD_CHARS; never throws; no regular expressions.
 */
import { createRequire } from 'node:module';
import { normalizeDomain } from './domains.js';
import { MAX_ADDRESS_FIELD_CHARS, MAX_DISPLAY_NAME_CHARS, MAX_MAILBOXES_PER_HEADER } from './limits.js';

export interface Mailbox {
  /** Display name (or old-style comment), quotes removed, encoded words decoded. */
  display?: string;
  /** local@domain as written (domain lower-cased A-label). */
  address?: string;
  local?: string;
  /** Normalised A-label domain; undefined for address literals or unusable domains. */
  domain?: string;
}

export interface AddressHeader {
  mailboxes: Mailbox[];
  /** Mailboxes seen, including any beyond MAX_MAILBOXES_PER_HEADER. */
  count: number;
}

type Libmime = typeof import('libmime');
let libmime: Libmime | null = null;

/**
 * libmime, loaded the first time a display name holds an encoded word: most logs have few
 * or none, and loading it costs every process and --workers thread ~30 ms at start-up.
 */
function mime(): Libmime {
  libmime ??= createRequire(import.meta.url)('libmime') as Libmime;
  return libmime;
}

/** Decodes RFC 2047 encoded words; returns the input when decoding fails. */
export function decodeEncodedWords(s: string): string {
  if (!s.includes('=?')) return s;
  // Loaded outside the try: a missing libmime is an install fault to report, not a name to
  // leave undecoded (that would quietly hide encoded-word display names from the checks).
  const m = mime();
  try {
    const out = m.decodeWords(s.slice(0, MAX_DISPLAY_NAME_CHARS * 4));
    return typeof out === 'string' ? out : s;
  } catch {
    return s;
  }
}

/** Adds one trimmed part of an address list (up to the limit); false when it is empty. */
function addPart(parts: string[], value: string, start: number, end: number): boolean {
  const part = value.slice(start, end).trim();
  if (part.length === 0) return false;
  if (parts.length < MAX_MAILBOXES_PER_HEADER) parts.push(part);
  return true;
}

/** Splits an address list on commas outside quotes, angle brackets and comments; drops group names. */
function splitMailboxes(value: string): { parts: string[]; count: number } {
  const parts: string[] = [];
  let count = 0;
  let start = 0;
  let inQuote = false;
  let angle = 0;
  let paren = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (inQuote) {
      if (c === 92)
        i++; // backslash escape
      else if (c === 34) inQuote = false;
      continue;
    }
    if (c === 34) inQuote = true;
    else if (c === 40) paren++;
    else if (c === 41) paren = paren > 0 ? paren - 1 : 0;
    else if (paren > 0) continue;
    else if (c === 60) angle++;
    else if (c === 62) angle = angle > 0 ? angle - 1 : 0;
    else if (angle === 0 && (c === 44 || c === 59)) {
      if (addPart(parts, value, start, i)) count++;
      start = i + 1;
    } else if (angle === 0 && c === 58) start = i + 1; // "group name:" -> drop the name
  }
  if (addPart(parts, value, start, value.length)) count++;
  return { parts, count };
}

function unquote(s: string): string {
  let t = s.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
    t = t.slice(1, -1);
    if (t.includes('\\')) {
      let out = '';
      for (let i = 0; i < t.length; i++) {
        const ch = t[i]!;
        if (ch === '\\' && i + 1 < t.length) {
          out += t[i + 1]!;
          i++;
        } else out += ch;
      }
      t = out;
    }
  }
  return t;
}

/** Whitespace other than single spaces: what `replace(/\s+/g, ' ')` would change. */
const NOT_SINGLE_SPACE = /[^\S ]|\s\s/;

function cleanDisplay(raw: string): string | undefined {
  const cut = raw.length > MAX_DISPLAY_NAME_CHARS * 4 ? raw.slice(0, MAX_DISPLAY_NAME_CHARS * 4) : raw;
  let d = decodeEncodedWords(unquote(cut));
  // Collapse whitespace runs only when there is one to collapse (the replace copies).
  if (NOT_SINGLE_SPACE.test(d)) d = d.replace(/\s+/g, ' ');
  d = d.trim();
  if (d.length > MAX_DISPLAY_NAME_CHARS) d = d.slice(0, MAX_DISPLAY_NAME_CHARS);
  return d.length > 0 ? d : undefined;
}

export interface ParsedAddress {
  address: string;
  local: string;
  domain?: string;
}

/** Splits `local@domain` (angle brackets and whitespace already removed); domain normalised. */
export function parseAddress(addr: string): ParsedAddress | undefined {
  let a = addr.trim();
  if (a.startsWith('<') && a.endsWith('>')) a = a.slice(1, -1).trim();
  // Source route "@relay1,@relay2:user@domain" (RFC 5321 4.1.2, obsolete).
  if (a.startsWith('@')) {
    const colon = a.indexOf(':');
    if (colon > 0) a = a.slice(colon + 1);
  }
  const at = a.lastIndexOf('@');
  if (at <= 0 || at === a.length - 1) return undefined;
  const local = a.slice(0, at);
  const rawDomain = a.slice(at + 1);
  if (local.includes(' ') && !local.startsWith('"')) return undefined;
  const domain = rawDomain.startsWith('[') ? undefined : normalizeDomain(rawDomain);
  if (domain === undefined && !rawDomain.startsWith('[')) return undefined;
  if (domain === undefined) return { address: `${local}@${rawDomain}`, local };
  // A domain normalisation left as it was: the address is the text itself (no copy).
  return { address: domain === rawDomain ? a : `${local}@${domain}`, local, domain };
}

function parseMailbox(part: string): Mailbox {
  const gt = part.lastIndexOf('>');
  const lt = gt > 0 ? part.lastIndexOf('<', gt) : -1;
  let display: string | undefined;
  let addrText: string;
  if (lt >= 0) {
    addrText = part.slice(lt + 1, gt);
    display = cleanDisplay(part.slice(0, lt));
  } else {
    const p = part.indexOf('(');
    const q = part.lastIndexOf(')');
    if (p >= 0 && q > p) {
      display = cleanDisplay(part.slice(p + 1, q));
      addrText = part.slice(0, p) + part.slice(q + 1);
    } else {
      addrText = part;
    }
  }
  const box: Mailbox = {};
  if (display !== undefined) box.display = display;
  const parsed = parseAddress(addrText);
  if (parsed !== undefined) {
    box.address = parsed.address;
    box.local = parsed.local;
    if (parsed.domain !== undefined) box.domain = parsed.domain;
  }
  return box;
}

/** Characters splitMailboxes splits a list on (or drops a group name at). */
const LIST_CHARS = /[,:;]/;

/** Parses a From / Reply-To / Sender value into mailboxes (bounded). */
export function parseAddressHeader(value: string): AddressHeader {
  const v = value.length > MAX_ADDRESS_FIELD_CHARS ? value.slice(0, MAX_ADDRESS_FIELD_CHARS) : value;
  // Nothing to split on (no ',' ';' or group ':'): one mailbox, the usual From.
  if (!LIST_CHARS.test(v)) {
    const part = v.trim();
    return part.length === 0 ? { mailboxes: [], count: 0 } : { mailboxes: [parseMailbox(part)], count: 1 };
  }
  const { parts, count } = splitMailboxes(v);
  return { mailboxes: parts.map(parseMailbox), count };
}

/** Domain of the first `@...>` inside a Message-ID like `<abc@host.example.com>`. */
export function messageIdDomain(messageId: string): string | undefined {
  const v =
    messageId.length > MAX_ADDRESS_FIELD_CHARS ? messageId.slice(0, MAX_ADDRESS_FIELD_CHARS) : messageId;
  const at = v.lastIndexOf('@');
  if (at < 0) return undefined;
  let end = v.indexOf('>', at);
  if (end < 0) end = v.length;
  return normalizeDomain(v.slice(at + 1, end));
}
