/**
 * Whose Authentication-Results is this? Our authserv-ids are the configured ones, or by
 * default the logging MTA's host name (OpenDKIM's and OpenDMARC's default AuthservID).
 * A header a milter added on this host is ours; one that arrived with the message is the
 * sender's word, whatever id it carries.
 */
import type { HeaderValue, MessageRecord } from '../correlate/record.js';

/** True when `id` (lower-case) is one of our authserv-ids. */
export function isOurAuthserv(id: string, configured: ReadonlySet<string>, host: string): boolean {
  if (configured.size > 0) return configured.has(id);
  const h = host.toLowerCase();
  return h !== '' && (id === h || id.startsWith(`${h}.`));
}

/** authserv-id of an A-R value ("mx.example.com 1; spf=pass") or ARC-A-R ("i=1; mx.example.com; ..."). */
export function authservIdOf(value: string, arc: boolean): string | undefined {
  let v = value.length > 512 ? value.slice(0, 512) : value;
  if (arc) {
    const semi = v.indexOf(';');
    if (semi < 0) return undefined;
    const first = v.slice(0, semi).trim().toLowerCase();
    if (first.startsWith('i=')) v = v.slice(semi + 1);
  }
  const semi = v.indexOf(';');
  const head = (semi < 0 ? v : v.slice(0, semi)).trim();
  let end = 0;
  while (end < head.length && end < 256) {
    const c = head.charCodeAt(end);
    if (c === 32 || c === 9) break;
    end++;
  }
  const id = head.slice(0, end).toLowerCase();
  return id === '' ? undefined : id;
}

const MILTER_MARKERS = ['milter-header-', 'Milter add', 'Milter insert', 'Milter change'];
const MATCH_CHARS = 40;

/**
 * True when the header was added by a milter on this host: the record says so (`milter`),
 * or, when that flag is absent, one of the record's own lines logged it through
 * milter_header_checks (Postfix `milter-header-warning:`) or Sendmail's `Milter add`.
 */
export function milterAdded(record: MessageRecord, h: HeaderValue): boolean {
  if (h.milter !== undefined) return h.milter;
  const probe = h.value.slice(0, MATCH_CHARS);
  if (probe.length === 0) return false;
  for (const line of record.lines) {
    if (!line.includes(probe)) continue;
    for (const m of MILTER_MARKERS) if (line.includes(m)) return true;
  }
  return false;
}
