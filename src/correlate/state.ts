/**
 * The correlator's internal state shapes: an open record (a MessageRecord being
 * assembled plus its bookkeeping) and an SMTP session. Nothing here leaves the correlator:
 * records are copied into plain MessageRecords when they are emitted.
 */
import type { MessageRecord, RecordSession, SpfResult } from './record.js';
import type { DkimTrack } from './dkim-join.js';
import type { LruNode } from './lru.js';
import type { LogEvent, RejectEvent } from '../parse/event.js';
import type { SourceRef } from '../ingest/line.js';

export type EvidenceOrder = 'sorted' | 'unsorted' | 'mixed';

/**
 * `next` joins the evidence right after `prev`: what that does to the list's order (see
 * OpenRecord.evidenceOrder; only adjacent pairs are ever formed, and every pair is checked).
 */
export function orderAfter(r: OpenRecord, prev: SourceRef, next: SourceRef): void {
  if (r.evidenceOrder === 'mixed') return;
  if (next.file !== prev.file) r.evidenceOrder = 'mixed';
  else if (next.line < prev.line) r.evidenceOrder = 'unsorted';
}

/** Why a record left the table. */
export type EmitReason = 'closed' | 'aged' | 'evicted' | 'flush';

export interface OpenRecord extends LruNode<OpenRecord> {
  rec: MessageRecord;
  /** The SMTP session the message came in on (first hop), while it is known. */
  session: SessionState | null;
  /**
   * Queue ids of this message that have not logged their close yet: a list, as nearly
   * every message has one (a Set per record cost an allocation, and another on delete).
   */
  openIds: string[];
  /** Queue ids announced by a content-filter hop whose own lines have not appeared yet. */
  expectedIds: Set<string> | null;
  /** Envelope recipients already listed (dedupe) once there are more than a few; null before. */
  rcptSeen: Set<string> | null;
  /** Sendmail: recipients that reached a final status (sent / bounced / expired / discarded). */
  finalRcpts: number;
  /** Log time of the last contributing line (host clock when the line had no time). */
  lastTouch: number;
  /** 'open' in the table, 'held' closed but waiting for a late proxy line, 'done' emitted or merged. */
  state: 'open' | 'held' | 'done';
  /** Release time (host log time) while held in the grace queue. */
  releaseAt: number;
  /** NOQUEUE records: the sender they group rejects by. */
  noqueueFrom?: string;
  /** The last delivery attempt was deferred: the record ages with the retry window. */
  waiting: boolean;
  /** A `queued` action was recorded already. */
  queued: boolean;
  /** Header Authentication-Results / Received-SPF produced the current dmarc/arc (a log-native result replaces it). */
  dmarcFromHeader: boolean;
  arcFromHeader: boolean;
  /** OpenDKIM lines joined so far (null until the first one). */
  dkimTrack: DkimTrack[] | null;
  /**
   * The evidence as it stands: 'sorted' (one file, in line order), 'unsorted' (one file, out
   * of order) or 'mixed' (several files: kept as appended). Kept as lines join, so emission
   * need not read the list again to know whether to sort it.
   */
  evidenceOrder: EvidenceOrder;
  /** Characters of raw evidence lines and header values this record holds (charged to `budget`). */
  bytes: number;
  /** Distinct header names on the record (bounded by MAX_HEADER_NAMES, names read aside). */
  headerNames: number;
  /** The table-wide account of evidence characters held by open and held records. */
  budget: EvidenceBudget;
}

/** An SPF result joined by session, with the line that said it (evidence). */
export interface JoinedSpf {
  spf: SpfResult;
  ev: LogEvent;
}

export interface SessionState extends LruNode<SessionState> {
  /** The key: host, program tag, pid (and client ip for postscreen, which serves every client from one pid). */
  host: string;
  program: string;
  pid: number;
  keyIp: string | undefined;
  /** Creation order (the flush ends sessions in it). */
  seq: number;
  /** The client ip / port the session is indexed under in byIp / byPort, while it is. */
  indexedIp: string | undefined;
  indexedPort: number | undefined;
  /** Shared with the records bound to the session while they are open; copied at emission. */
  info: RecordSession;
  lastTouch: number;
  /** Log time of the connect line (or first line seen). */
  start: number;
  /** Log time of the disconnect, or null while open. */
  end: number | null;
  /** Session-level lines (connect, HELO, TLS, AUTH): evidence for every message of the session. */
  lines: LogEvent[];
  /*
   * The session's lists below are mostly empty: they start as the shared NONE and are
   * made with their first item (append), so a session costs no empty arrays.
   */
  /** SPF results (mfrom) from policyd-spf waiting for the next transaction of this session. */
  pendingSpf: readonly JoinedSpf[];
  /** NOQUEUE lines that let the message on (filter, hold, warn ...): for the next queue id. */
  pendingLines: readonly RejectEvent[];
  /** HELO-scope SPF results: they hold for every message of the session. */
  heloSpf: readonly JoinedSpf[];
  /** The transaction (queue id record) most recently bound to this session. */
  current: OpenRecord | null;
  /** NOQUEUE records of this session, closed at disconnect. */
  noqueue: readonly OpenRecord[];
  /** Closed records waiting for the session's end (a proxy logs the connection when it ends). */
  held: readonly OpenRecord[];
}

/** Evidence characters held by all open and held records (bounded by MAX_OPEN_EVIDENCE_CHARS). */
export interface EvidenceBudget {
  chars: number;
}

/** Charge `n` evidence characters to a record and to the table-wide budget. */
export function chargeEvidence(r: OpenRecord, n: number): void {
  r.bytes += n;
  r.budget.chars += n;
}

/** The record leaves the table (emitted or merged): its evidence no longer counts. */
export function settleEvidence(r: OpenRecord): void {
  r.budget.chars -= r.bytes;
  r.bytes = 0;
}

/** Add a queue id to the record's open ids (once). */
export function addOpenId(r: OpenRecord, queueId: string): void {
  const ids = r.openIds;
  for (let i = 0; i < ids.length; i++) if (ids[i] === queueId) return;
  ids.push(queueId);
}

/** The queue id logged its close: it leaves the record's open ids (order kept). */
export function deleteOpenId(r: OpenRecord, queueId: string): void {
  const ids = r.openIds;
  const i = ids.indexOf(queueId);
  if (i < 0) return;
  for (let j = i + 1; j < ids.length; j++) ids[j - 1] = ids[j]!;
  ids.pop();
}

/**
 * The shared empty list a session's rarely used lists start as (frozen: never pushed into).
 * Loops over such lists are indexed: for-of over a frozen array allocates an iterator.
 */
export const NONE: readonly never[] = Object.freeze([]);

/** Add an item to such a list: the first item makes a one-slot list, later ones are pushed. */
export function append<T>(list: readonly T[], item: T): readonly T[] {
  if (list.length === 0) return [item];
  (list as T[]).push(item);
  return list;
}
