/**
 * Which records and which lines belong to the message under investigation. A query is a
 * queue id (any of a record's queue ids, on any host) or a Message-ID (with or without
 * angle brackets).
 */
import type { MessageRecord } from '../correlate/record.js';
import type { LogEvent } from '../parse/event.js';
import { bareMessageId } from '../output/record-fields.js';

/** Records of one query kept at most (a Message-ID reused by a mass mailing can match thousands). */
export const MAX_INVESTIGATE_RECORDS = 50;
/** Lines gathered for one investigation at most. */
export const MAX_INVESTIGATE_LINES = 5000;
/**
 * Characters of raw line text gathered for one investigation at most. Counted in lines only,
 * 5000 lines of 64 KiB (a message with thousands of long header or delivery lines) passed
 * the CLI's 128 MiB heap.
 */
export const MAX_INVESTIGATE_CHARS = 16 * 1024 * 1024;

export interface Query {
  raw: string;
  /** The query as a queue id (as given). */
  queueId: string;
  /** The query as a Message-ID, without angle brackets. */
  messageId: string;
  /** True when it can only be a Message-ID (has "@" or angle brackets). */
  messageIdOnly: boolean;
}

export function parseQuery(id: string): Query {
  const t = id.trim();
  const mid = bareMessageId(t) ?? t;
  return { raw: id, queueId: t, messageId: mid, messageIdOnly: t.includes('@') || t.startsWith('<') };
}

export function recordMatches(r: MessageRecord, q: Query): 'queue-id' | 'message-id' | null {
  if (!q.messageIdOnly && r.queueIds.includes(q.queueId)) return 'queue-id';
  if (!q.messageIdOnly && r.queueId === q.queueId) return 'queue-id';
  const rid = bareMessageId(r.messageId);
  if (rid !== undefined && rid === q.messageId) return 'message-id';
  for (const h of r.headers['message-id'] ?? [])
    if (bareMessageId(h.value) === q.messageId) return 'message-id';
  return null;
}

/** The Message-ID an event carries, if any (without brackets). */
function eventMessageId(e: LogEvent): string | undefined {
  switch (e.kind) {
    case 'message.id':
      return bareMessageId(e.messageId);
    case 'envelope':
    case 'filter':
      return bareMessageId(e.messageId);
    case 'header':
      return e.name.toLowerCase() === 'message-id' ? bareMessageId(e.value) : undefined;
    default:
      return undefined;
  }
}

/**
 * Why an event belongs to the message, beyond the correlator's evidence: it names one of
 * the queue ids, hands the message on to one ("queued as"), comes back from one
 * (orig_queue_id), or carries the Message-ID.
 */
export function eventMatches(
  e: LogEvent,
  queueIds: ReadonlySet<string>,
  messageIds: ReadonlySet<string>,
): boolean {
  if (e.queueId !== undefined && queueIds.has(e.queueId)) return true;
  switch (e.kind) {
    case 'delivery':
      if (e.queuedAs !== undefined && queueIds.has(e.queuedAs)) return true;
      break;
    case 'filter':
      if (e.queuedAs !== undefined && queueIds.has(e.queuedAs)) return true;
      break;
    case 'message.client':
      if (e.origQueueId !== undefined && queueIds.has(e.origQueueId)) return true;
      break;
    case 'message.note':
      if (e.relatedQueueId !== undefined && queueIds.has(e.relatedQueueId)) return true;
      break;
    default:
      break;
  }
  // The Message-ID ties only lines that carry no queue id (header loggers, milters logging
  // without one): a line under another queue id is another message reusing the Message-ID
  // (a resend), unless that message was matched too (then its queue id is in the set).
  if (messageIds.size > 0 && e.queueId === undefined) {
    const mid = eventMessageId(e);
    if (mid !== undefined && messageIds.has(mid)) return true;
  }
  return false;
}
