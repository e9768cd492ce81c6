/**
 * What happens when a record leaves the correlator: its disposition and MTA are decided and
 * its session is copied (while open, records share their session's object so a HELO or a
 * proxy verdict learned later reaches every message of the connection).
 */
import type { MessageRecord, RecordSession } from './record.js';
import type { EmitReason, EvidenceOrder, OpenRecord } from './state.js';

/** Reject stages that refuse the whole message (a RCPT reject refuses one recipient only). */
const WHOLE_MESSAGE_STAGES = new Set([
  'connect',
  'helo',
  'mail',
  'data',
  'end-of-data',
  'header',
  'body',
  'content',
]);

/** Recipient statuses that end a recipient's story. */
export const FINAL_STATUSES = new Set(['sent', 'delivered', 'bounced', 'expired', 'discarded', 'rejected']);

/** Recipient lists up to this long are read without building a map. */
const SMALL_RECIPIENTS = 8;

export function computeDisposition(rec: MessageRecord, stillOpen: boolean): string {
  // Each recipient's latest status counts (deferred, then bounced on retry timeout).
  const rcpts = rec.recipients;
  let delivered = false;
  let bounced = 0;
  let deferred = false;
  let discardedRcpt = false;
  let distinct = 0;
  // An entry counts when no later one has its address. A few recipients (the common case)
  // are compared pairwise; a longer list gets a map of each address's last index.
  let lastAt: Map<string, number> | null = null;
  if (rcpts.length > SMALL_RECIPIENTS) {
    lastAt = new Map();
    for (let i = 0; i < rcpts.length; i++) lastAt.set(rcpts[i]!.to, i);
  }
  for (let i = 0; i < rcpts.length; i++) {
    const to = rcpts[i]!.to;
    let last = true;
    if (lastAt !== null) last = lastAt.get(to) === i;
    else for (let j = i + 1; j < rcpts.length && last; j++) last = rcpts[j]!.to !== to;
    if (!last) continue;
    distinct++;
    const s = rcpts[i]!.status;
    if (s === 'sent' || s === 'delivered') delivered = true;
    else if (s === 'bounced' || s === 'expired') bounced++;
    else if (s === 'deferred') deferred = true;
    else if (s === 'discarded') discardedRcpt = true;
  }
  let wholeReject = false;
  let wholeDefer = false;
  let rcptReject = false;
  let discarded = discardedRcpt;
  let held = false;
  let quarantined = false;
  let expired = false;
  for (const a of rec.actions) {
    switch (a.action) {
      case 'rejected':
        if (a.stage !== undefined && WHOLE_MESSAGE_STAGES.has(a.stage)) wholeReject = true;
        else rcptReject = true;
        break;
      case 'deferred':
        if (a.stage !== undefined && WHOLE_MESSAGE_STAGES.has(a.stage)) wholeDefer = true;
        break;
      case 'discarded':
        discarded = true;
        break;
      case 'held':
        held = true;
        break;
      case 'released':
        held = false;
        break;
      case 'quarantined':
        quarantined = true;
        break;
      case 'expired':
        expired = true;
        break;
      default:
        break;
    }
  }
  if (wholeReject) return 'rejected';
  if (discarded && !delivered) return 'discarded';
  if (quarantined && !delivered) return 'quarantined';
  if (delivered) return 'delivered';
  if (rcptReject) return 'rejected';
  if (wholeDefer) return 'deferred';
  if (held) return 'held';
  if (expired) return 'expired';
  if (bounced > 0 && bounced === distinct) return 'bounced';
  if (deferred) return 'deferred';
  if (bounced > 0) return 'bounced';
  if (stillOpen && rec.queueIds.length > 0) return 'queued';
  return 'unknown';
}

function mtaOf(producers: string[]): MessageRecord['mta'] {
  for (const p of producers) {
    if (p === 'postfix' || p === 'sendmail' || p === 'exim') return p;
  }
  return 'unknown';
}

function copySession(s: RecordSession): RecordSession {
  const out: RecordSession = { ...s };
  if (s.proxy !== undefined) out.proxy = { ...s.proxy, actions: s.proxy.actions.slice() };
  return out;
}

/** Evidence lists up to this long are put in order in place; longer ones by a sort. */
const INSERTION_SORT_MAX = 64;

/**
 * Evidence in log order. Lines are appended as they fold in, but a content-filter hop's
 * lines join after the first hop's, session lines are put in front and a policy line
 * waiting for its transaction joins after the transaction's first line: within one file
 * the line number is the log order. Evidence from several files keeps the order it was
 * assembled in. (The record knows which case it is: OpenRecord.evidenceOrder.)
 */
function sortEvidence(rec: MessageRecord, order: EvidenceOrder): void {
  if (order !== 'unsorted') return;
  const ev = rec.evidence;
  const n = ev.length;
  const lines = rec.lines;
  if (n <= INSERTION_SORT_MAX) {
    // Nearly in order and short: a stable insertion sort of both lists in place allocates
    // nothing (the sort below builds three arrays and a closure per record).
    for (let i = 1; i < n; i++) {
      const e = ev[i]!;
      const raw = lines[i]!;
      let j = i - 1;
      while (j >= 0 && ev[j]!.line > e.line) {
        ev[j + 1] = ev[j]!;
        lines[j + 1] = lines[j]!;
        j--;
      }
      ev[j + 1] = e;
      lines[j + 1] = raw;
    }
    return;
  }
  const byLine = ev.map((_, i) => i).sort((a, b) => ev[a]!.line - ev[b]!.line);
  rec.evidence = byLine.map((i) => ev[i]!);
  rec.lines = byLine.map((i) => lines[i]!);
}

/** The plain MessageRecord handed to the sink. */
export function finalise(r: OpenRecord, reason: EmitReason): MessageRecord {
  const rec = r.rec;
  const stillOpen = reason !== 'closed' && r.openIds.length > 0;
  rec.session = copySession(rec.session);
  rec.mta = mtaOf(rec.producers);
  rec.disposition = computeDisposition(rec, stillOpen);
  sortEvidence(rec, r.evidenceOrder);
  if (reason === 'aged' || reason === 'evicted') rec.agedOut = true;
  return rec;
}
