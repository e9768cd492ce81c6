/**
 * Hops of one message on one host: a content filter (Amavis, a Postfix re-injection loop)
 * takes the message from queue id X and gives it back as queue id Y. The correlator sees
 * `X: ... status=sent (250 ... queued as Y)`, `Y: client=localhost, orig_queue_id=X` or
 * Amavis' `Queue-ID: X ... queued_as: Y`. X and Y become ONE record: it keeps the first
 * hop's session (the real client; the second hop's client is the filter on localhost), and
 * the hop is noted as a 'filtered' action.
 *
 * Y's lines usually come before X's "queued as Y" line, and either queue id may have
 * logged its `removed` already (the record then waits, held, and is taken back).
 */
import { indexMessageId, type RecordTable } from './records.js';
import type { OpenRecord } from './state.js';
import { addOpenId, chargeEvidence, orderAfter } from './state.js';
import { MAX_EVIDENCE_LINES, MAX_RECIPIENTS } from '../limits.js';
import { MAX_FILTERS, MAX_QUEUE_IDS } from './bounds.js';
import { addAction, addRecipient, addSpf, keepHeader, lineFits } from './fold.js';
import { addDkimResult } from './dkim-join.js';

/** A client address on this machine (a content filter re-injecting). */
export function isLoopback(ip: string | undefined): boolean {
  return ip !== undefined && (ip.startsWith('127.') || ip === '::1');
}

/** A relay on this machine: the filter hop of a content-filter loop. */
export function isLocalRelay(relay: string | undefined): boolean {
  if (relay === undefined) return false;
  return (
    relay.includes('[127.') ||
    relay.includes('[::1]') ||
    relay.startsWith('localhost') ||
    relay.startsWith('127.')
  );
}

/**
 * Whether a delivery's "queued as" names a queue id of this host that came back from that
 * relay: the relay is local, or the other record's client is the relay's address. A remote
 * server writes its reply itself, so it must not be able to merge two of our messages.
 */
export function isHopBack(relay: string | undefined, other: OpenRecord): boolean {
  if (isLocalRelay(relay)) return true;
  const ip = other.rec.session.clientIp;
  return relay !== undefined && ip !== undefined && relay.includes('[' + ip + ']');
}

/**
 * Whether the record may take one more queue id. Its queue ids and expected ids count
 * together (an expected id becomes a queue id when its first line comes), so a record is
 * indexed under at most MAX_QUEUE_IDS ids and every id indexed is one of them: when the
 * record leaves the table, its index entries go with it (a stale entry would hand a later
 * line for that id a record already emitted).
 */
function hasIdRoom(r: OpenRecord): boolean {
  return r.rec.queueIds.length + (r.expectedIds === null ? 0 : r.expectedIds.size) < MAX_QUEUE_IDS;
}

/**
 * `first` handed the message on as `nextId` (not seen yet): its lines will fold into
 * `first`, which stays open until they close.
 */
export function expectHop(table: RecordTable, first: OpenRecord, nextId: string): void {
  if (first.state !== 'open' || !hasIdRoom(first)) return;
  if (first.expectedIds === null) first.expectedIds = new Set();
  first.expectedIds.add(nextId);
  table.host(first.rec.host).byQid.set(nextId, first);
}

/** The expected queue id logged its first line: it is now one of the record's open ids. */
export function activateExpected(r: OpenRecord, queueId: string): void {
  if (r.expectedIds === null || !r.expectedIds.delete(queueId)) return;
  if (!r.rec.queueIds.includes(queueId)) r.rec.queueIds.push(queueId);
  addOpenId(r, queueId);
}

/** Fold record `next` (the later hop) into `first`; returns the surviving record. */
export function linkHops(
  table: RecordTable,
  first: OpenRecord,
  next: OpenRecord,
  via: string | undefined,
  time: number | null,
): OpenRecord {
  if (first === next) return first;
  if (first.state === 'done') return next;
  if (next.state === 'done') return first;
  if (first.state === 'held') table.reopen(first);
  const nextWasOpen = next.state === 'open';
  const nextOpenIds = next.openIds.slice();
  table.discard(next);

  const a = first.rec;
  const b = next.rec;
  const h = table.host(a.host);
  for (const q of b.queueIds) {
    if (a.queueIds.includes(q)) continue;
    // An id `first` expected moves to its queue ids; past the cap a new one is left out,
    // and its later lines open a record of their own.
    if (first.expectedIds?.delete(q) === true || hasIdRoom(first)) a.queueIds.push(q);
  }
  if (nextWasOpen) {
    for (const q of nextOpenIds) {
      if (!a.queueIds.includes(q)) continue;
      addOpenId(first, q);
      h.byQid.set(q, first);
    }
  }
  if (next.expectedIds !== null) for (const q of next.expectedIds) expectHop(table, first, q);

  if (a.messageId === undefined && b.messageId !== undefined) a.messageId = b.messageId;
  // Both hops carry the same Message-ID: the merged message is its one record again.
  if (a.messageId !== undefined && first.state === 'open') indexMessageId(h, a.messageId, first);
  if (b.firstSeen !== null && (a.firstSeen === null || b.firstSeen < a.firstSeen)) a.firstSeen = b.firstSeen;
  if (b.lastSeen !== null && (a.lastSeen === null || b.lastSeen > a.lastSeen)) a.lastSeen = b.lastSeen;
  if (a.local === undefined && b.local !== undefined && first.session === null) a.local = b.local;

  if (a.envelope.from === undefined && b.envelope.from !== undefined) a.envelope.from = b.envelope.from;
  if (a.envelope.size === undefined && b.envelope.size !== undefined) a.envelope.size = b.envelope.size;
  if (a.envelope.nrcpt === undefined && b.envelope.nrcpt !== undefined) a.envelope.nrcpt = b.envelope.nrcpt;
  for (const to of b.envelope.recipients) addRecipient(first, to);

  for (const name of Object.keys(b.headers)) for (const v of b.headers[name]!) keepHeader(first, name, v);

  for (const s of b.auth.spf) addSpf(first, s);
  for (const d of b.auth.dkim) addDkimResult(first, d);
  if (a.auth.dmarc === undefined && b.auth.dmarc !== undefined) a.auth.dmarc = b.auth.dmarc;
  if (a.auth.arc === undefined && b.auth.arc !== undefined) a.auth.arc = b.auth.arc;
  for (const f of b.filters) {
    if (a.filters.length < MAX_FILTERS) a.filters.push(f);
    else a.capped = true;
  }
  const hop: { action: string; by?: string; time: number | null } = { action: 'filtered', time };
  if (via !== undefined) hop.by = via;
  addAction(first, hop);
  for (const act of b.actions) if (act.action !== 'queued') addAction(first, act);
  for (const rs of b.recipients) {
    if (a.recipients.length < MAX_RECIPIENTS) a.recipients.push(rs);
    else a.capped = true;
  }
  for (const p of b.producers) if (!a.producers.includes(p)) a.producers.push(p);
  for (let i = 0; i < b.evidence.length; i++) {
    if (a.evidence.length >= MAX_EVIDENCE_LINES) {
      a.capped = true;
      break;
    }
    if (!lineFits(first, b.lines[i]!.length)) {
      a.capped = true;
      continue;
    }
    const n = a.evidence.length;
    if (n > 0) orderAfter(first, a.evidence[n - 1]!, b.evidence[i]!);
    a.evidence.push(b.evidence[i]!);
    a.lines.push(b.lines[i]!);
    chargeEvidence(first, b.lines[i]!.length);
  }
  if (b.capped === true) a.capped = true;
  if (
    first.session === null &&
    next.session !== null &&
    a.local !== true &&
    a.session.clientIp === undefined
  ) {
    const ip = next.session.info.clientIp;
    if (ip !== undefined && !isLoopback(ip)) {
      // The first hop's client line is missing; the later hop came from a real client.
      first.session = next.session;
      a.session = next.session.info;
    }
  }
  if (first.lastTouch < next.lastTouch) first.lastTouch = next.lastTouch;

  if (first.openIds.length === 0 && (first.expectedIds === null || first.expectedIds.size === 0)) {
    table.close(first, 'closed');
  }
  return first;
}
