/**
 * Whose Authentication-Results is this? Our authserv-ids are the configured ones, or by
 * default the logging MTA's host name (OpenDKIM's and OpenDMARC's default AuthservID).
 * A header a milter added on this host is ours; one that arrived with the message is the
 * sender's word, whatever id it carries.
 */
import type { HeaderValue, MessageRecord } from '../correlate/record.js';

/**
 * True when `id` (lower-case) is one of our authserv-ids. Without configured ids, the
 * MTA's syslog host name stands in; a short name ("mx") matches "mx.<domain>" only when
 * `isOurDomain` says the domain is ours (protected), or when no such check is given:
 * "mx" alone cannot tell our mx.corp.example from a forwarder's mx.fwd.example.
 */
export function isOurAuthserv(
  id: string,
  configured: ReadonlySet<string>,
  host: string,
  isOurDomain?: (domain: string) => boolean,
): boolean {
  if (configured.size > 0) return configured.has(id);
  const h = host.toLowerCase();
  if (h === '') return false;
  if (id === h) return true;
  if (!id.startsWith(`${h}.`)) return false;
  return isOurDomain === undefined || h.includes('.') || isOurDomain(id.slice(h.length + 1));
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

// Postfix `milter-header-warning:`; Sendmail `Milter (opendkim) insert (0): header:` / `Milter add: header:`.
const MILTER_MARKERS = ['milter-header-', 'Milter (', 'Milter add', 'Milter insert', 'Milter change'];
const MATCH_CHARS = 40;

/**
 * True when the header was written on our side of the connection: a milter on this host
 * added it (the record's `milter` flag; or, when the flag is absent, the record's own line
 * logged it through milter_header_checks, Postfix `milter-header-warning:`, or Sendmail's
 * `Milter add`), or it was logged on a later hop of the same message on this host (the
 * content-filter re-injection carries what our milters added in the first pass).
 */
export function milterAdded(record: MessageRecord, h: HeaderValue): boolean {
  if (h.milter === true) return true;
  const probe = h.value.slice(0, MATCH_CHARS);
  if (probe.length === 0) return false;
  const later = record.queueIds.slice(1);
  let seen = false;
  let firstHop = false;
  // Every line quoting it is read: the milter's own log of what it will add (pyspf-milter's
  // "prepend Authentication-Results: ...") may come before the MTA's "Milter (pyspf) insert".
  for (const line of record.lines) {
    if (!line.includes(probe)) continue;
    if (h.milter === undefined) for (const m of MILTER_MARKERS) if (line.includes(m)) return true;
    let onLaterHop = false;
    for (const q of later) {
      if (line.includes(` ${q}: `)) {
        onLaterHop = true;
        break;
      }
    }
    if (onLaterHop) seen = true;
    else firstHop = true;
  }
  // Logged as received on the first hop: the sender's header.
  return seen && !firstHop;
}

/**
 * DMARC policy (p=) as our own evaluator wrote it in an Authentication-Results header
 * ("dmarc=fail (p=reject dis=none)"), for when its log line did not say. Postfix cuts
 * milter_header_checks text at 60 characters ("(p=rejec"), so three letters decide.
 */
export function policyFromOurHeaders(
  record: MessageRecord,
  configured: ReadonlySet<string>,
  internal: boolean,
): string | undefined {
  for (const h of record.headers['authentication-results'] ?? []) {
    const v = h.value.length > 1024 ? h.value.slice(0, 1024).toLowerCase() : h.value.toLowerCase();
    const d = v.indexOf('dmarc=');
    if (d < 0) continue;
    const p = v.indexOf('p=', d + 6);
    if (p < 0 || p - d > 40) continue;
    const id = authservIdOf(h.value, false);
    if (id === undefined || !isOurAuthserv(id, configured, record.host)) continue;
    if (!internal && !milterAdded(record, h)) continue;
    const word = v.slice(p + 2, p + 12);
    if (word.startsWith('rej')) return 'reject';
    if (word.startsWith('qua')) return 'quarantine';
    if (word.startsWith('non')) return 'none';
  }
  return undefined;
}
