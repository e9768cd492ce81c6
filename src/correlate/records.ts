/**
 * The open-record table: records by host + queue id, ageing by log time, eviction under a
 * flood, and the short grace a closed record waits for a late proxy line.
 *
 * Open records sit in a list in least-recently-touched order (lru.ts), so the oldest is
 * always first: ageing and eviction look at the head only, never scan the table. Records
 * whose last delivery was deferred wait in a second list with the retry window (the
 * queue retries for days), so one deferred message is one record, not one per retry. Each host
 * has its own log clock (files of several hosts may be read one after the other, so one
 * host's clock must not age another host's records).
 */
import type { SourceRef } from '../ingest/line.js';
import type { MessageRecord } from './record.js';
import type { EmitReason, OpenRecord, SessionState } from './state.js';
import { NONE, append, settleEvidence, type EvidenceBudget } from './state.js';
import { MAX_HELD_PER_SESSION, PROXY_GRACE_MS, RETRY_WINDOW_MS, SWEEP_STEP_MS } from './bounds.js';
import { MAX_OPEN_EVIDENCE_CHARS } from '../limits.js';
import { LruList, type LruNode } from './lru.js';
import { Fifo } from './fifo.js';
import { PruneSchedule } from './prune-schedule.js';

/** A host's state; its list links place it in RecordTable.busy while it has open records. */
export interface HostState extends LruNode<HostState> {
  name: string;
  /** Latest log time seen on this host (epoch ms), or -Infinity before any. */
  clock: number;
  nextSweep: number;
  /** Open records, least recently touched first. */
  order: LruList<OpenRecord>;
  /** Open records waiting in the queue for a retry (last delivery deferred): the long window. */
  waiting: LruList<OpenRecord>;
  /** Queue id -> open record (several ids may point at one record after a hop link). */
  byQid: Map<string, OpenRecord>;
  /** Queue ids of held (closed, not yet emitted) records, so a late hop link still finds them. */
  heldByQid: Map<string, OpenRecord>;
  /**
   * Message-ID -> open record, for scanners that log no queue id (spamd); the set of open
   * records that claim it when two or more do (the sender writes it: no join then).
   */
  byMessageId: Map<string, OpenRecord | MessageIdHolders>;
  /** Closed records waiting for their release time, in release order. */
  grace: Fifo<OpenRecord>;
}

export interface TableCounters {
  records: number;
  agedOut: number;
  evicted: number;
}

/** Host count below which the host table is never pruned. */
const MIN_HOST_PRUNE = 1024;

/**
 * The open records that claim one Message-ID, when more than one does: the id is ambiguous
 * while two or more of them are open and names the last one again when only it is left. Each
 * open record is in at most one entry, so the index never outgrows the open table.
 */
export type MessageIdHolders = Set<OpenRecord>;

/** Index an open record by its Message-ID; a second open record with the same one makes it ambiguous. */
export function indexMessageId(h: HostState, messageId: string, r: OpenRecord): void {
  const k = messageIdKey(messageId);
  const cur = h.byMessageId.get(k);
  if (cur === undefined) h.byMessageId.set(k, r);
  else if (cur instanceof Set) cur.add(r);
  else if (cur !== r) h.byMessageId.set(k, new Set<OpenRecord>().add(cur).add(r));
}

/** The one open record that claims this Message-ID, or undefined when none or several do. */
export function openByMessageId(h: HostState, messageId: string): OpenRecord | undefined {
  const cur = h.byMessageId.get(messageIdKey(messageId));
  return cur === undefined || cur instanceof Set || cur.state !== 'open' ? undefined : cur;
}

/** A record leaves the open table: it no longer claims its Message-ID. */
function unindexMessageId(h: HostState, messageId: string, r: OpenRecord): void {
  const k = messageIdKey(messageId);
  const cur = h.byMessageId.get(k);
  if (cur === r) {
    h.byMessageId.delete(k);
  } else if (cur instanceof Set && cur.delete(r) && cur.size === 1) {
    // One holder left: the id names it alone again.
    for (const last of cur) h.byMessageId.set(k, last);
  }
}

/** Message-ID as an index key: angle brackets off (producers log it with and without). */
export function messageIdKey(id: string): string {
  return id.length >= 2 && id.charCodeAt(0) === 60 && id.charCodeAt(id.length - 1) === 62
    ? id.slice(1, -1)
    : id;
}

/**
 * What an emitted record points at instead of its MessageRecord (see RecordTable.retire):
 * nothing reads or writes a retired record's fields, so one empty record serves them all.
 */
const RETIRED: MessageRecord = Object.freeze({
  id: '',
  host: '',
  mta: 'unknown',
  queueIds: Object.freeze([]) as unknown as string[],
  firstSeen: null,
  lastSeen: null,
  session: Object.freeze({}),
  envelope: Object.freeze({ recipients: Object.freeze([]) as unknown as string[] }),
  headers: Object.freeze(Object.create(null) as MessageRecord['headers']),
  auth: Object.freeze({ spf: Object.freeze([]) as unknown as [], dkim: Object.freeze([]) as unknown as [] }),
  filters: Object.freeze([]) as unknown as [],
  actions: Object.freeze([]) as unknown as [],
  recipients: Object.freeze([]) as unknown as [],
  disposition: 'unknown',
  producers: Object.freeze([]) as unknown as string[],
  evidence: Object.freeze([]) as unknown as [],
  lines: Object.freeze([]) as unknown as string[],
}) as MessageRecord;

export class RecordTable {
  readonly hosts = new Map<string, HostState>();
  /**
   * Hosts with open records, in the order they came to have some: eviction takes from the
   * head when the host of the line has none, in O(1) (walking `hosts` for the first host
   * with a record passed every host emptied by earlier evictions: a log naming a new host
   * on every line spent three quarters of its time there).
   */
  private readonly busy = new LruList<HostState>();
  open = 0;
  held = 0;
  private readonly hostPrune = new PruneSchedule(MIN_HOST_PRUNE);
  /** Evidence characters held by open and held records. */
  readonly budget: EvidenceBudget = { chars: 0 };
  /** Closed records held for a late proxy line at most; past it they are emitted at once. */
  private readonly maxHeld: number;

  constructor(
    private readonly finish: (r: OpenRecord, reason: EmitReason) => void,
    private readonly counters: TableCounters,
    private readonly windowMs: number,
    private readonly maxOpen: number,
    /** Evidence characters all open and held records may hold (MAX_OPEN_EVIDENCE_CHARS). */
    readonly maxEvidenceChars: number = MAX_OPEN_EVIDENCE_CHARS,
  ) {
    this.maxHeld = Math.max(1, Math.floor(maxOpen / 4));
  }

  /** The host of the last lookup: consecutive lines are nearly always of one host. */
  private lastHost: HostState | null = null;

  host(name: string): HostState {
    const last = this.lastHost;
    if (last !== null && last.name === name) return last;
    let h = this.hosts.get(name);
    if (h === undefined) {
      if (this.hostPrune.due(this.hosts.size)) this.pruneHosts();
      h = {
        name,
        clock: -Infinity,
        nextSweep: -Infinity,
        order: new LruList<OpenRecord>(),
        waiting: new LruList<OpenRecord>(),
        byQid: new Map(),
        heldByQid: new Map(),
        byMessageId: new Map(),
        grace: new Fifo<OpenRecord>(),
        lruPrev: null,
        lruNext: null,
        lruList: null,
      };
      this.hosts.set(name, h);
    }
    this.lastHost = h;
    return h;
  }

  /**
   * Forget hosts with nothing open, held or numbered, so a stream naming ever new hosts
   * does not grow the table; runs when the host count doubled since the last prune.
   */
  private pruneHosts(): void {
    for (const [name, h] of this.hosts) {
      if (h.order.size === 0 && h.waiting.size === 0 && h.heldByQid.size === 0 && h.grace.size === 0) {
        this.hosts.delete(name);
      }
    }
    this.hostPrune.pruned(this.hosts.size);
  }

  /**
   * The smallest rank of the first evidence line of any open or held record (Infinity when
   * there is none), records waiting for a queue retry included: a part's tail follows them
   * too (within its byte limit), so a delivery retried soon after a cut still reaches the
   * message. Walks every record: for a `--workers` part's tail only.
   */
  earliestOpen(rank: (ref: SourceRef) => number): number {
    let min = Infinity;
    const visit = (r: OpenRecord): void => {
      // A grace entry left behind by a record that was taken back and emitted since.
      if (r.state === 'done') return;
      for (const e of r.rec.evidence) {
        const k = rank(e);
        if (k < min) min = k;
      }
    };
    for (const h of this.hosts.values()) {
      for (let r = h.order.head; r !== null; r = r.lruNext) visit(r);
      for (let r = h.waiting.head; r !== null; r = r.lruNext) visit(r);
      h.grace.forEach(visit);
    }
    return min;
  }

  /** The open or held record of a queue id (a content-filter hop may link to either). */
  findHop(h: HostState, queueId: string): OpenRecord | undefined {
    return h.byQid.get(queueId) ?? h.heldByQid.get(queueId);
  }

  /**
   * A new open record, opened by the line `at`; evicts the oldest open record first when
   * the table is full. A message without a queue id (rejected before Postfix queued it) is
   * named by that line: the same name however `--workers` split the input.
   */
  create(h: HostState, queueId: string | undefined, time: number | null, at: SourceRef): OpenRecord {
    while (this.open >= this.maxOpen && this.evictOldest(h)) {
      /* evicted one */
    }
    const id = queueId !== undefined ? `${h.name}/${queueId}` : `${h.name}/NOQUEUE/${at.file}:${at.line}`;
    const rec: MessageRecord = {
      id,
      host: h.name,
      mta: 'unknown',
      queueIds: queueId === undefined ? [] : [queueId],
      firstSeen: time,
      lastSeen: time,
      session: {},
      envelope: { recipients: [] },
      headers: Object.create(null) as MessageRecord['headers'],
      auth: { spf: [], dkim: [] },
      filters: [],
      actions: [],
      recipients: [],
      disposition: 'unknown',
      producers: [],
      evidence: [],
      lines: [],
    };
    if (queueId !== undefined) rec.queueId = queueId;
    const r: OpenRecord = {
      rec,
      session: null,
      openIds: queueId === undefined ? [] : [queueId],
      expectedIds: null,
      rcptSeen: null,
      finalRcpts: 0,
      lastTouch: time ?? h.clock,
      state: 'open',
      releaseAt: 0,
      queued: false,
      waiting: false,
      dmarcFromHeader: false,
      arcFromHeader: false,
      dkimTrack: null,
      evidenceOrder: 'sorted',
      bytes: 0,
      headerNames: 0,
      budget: this.budget,
      lruPrev: null,
      lruNext: null,
      lruList: null,
    };
    if (queueId !== undefined) h.byQid.set(queueId, r);
    h.order.push(r);
    if (h.lruList === null) this.busy.push(h);
    this.open++;
    this.counters.records++;
    return r;
  }

  touch(h: HostState, r: OpenRecord, time: number | null): void {
    if (r.state !== 'open') return;
    r.lastTouch = time ?? h.clock;
    (r.waiting ? h.waiting : h.order).touch(r);
  }

  /** Take a record out of the open table (its keys free for reuse), then hold or emit it. */
  close(r: OpenRecord, reason: EmitReason): void {
    if (r.state !== 'open') return;
    this.detach(r);
    const s = r.session;
    if (reason === 'closed' && s !== null && this.held < this.maxHeld) {
      // A proxy in front of the MTA logs the connection when it ends: wait for that. A
      // content filter's re-injected hop waits too: the first hop's "queued as" may follow.
      this.hold(r, s);
      return;
    }
    r.state = 'done';
    settleEvidence(r);
    this.finish(r, reason);
    this.retire(r);
  }

  /**
   * An emitted record lets go of its MessageRecord once nothing can reach it any more (its
   * session has ended, or it had none): the sink has it. Why: a container that held the
   * record may have been promoted to old space and died there (a grace queue's old array,
   * a session's held list, a rehashed map); until the next full GC the young-generation
   * collector treats what such a dead object points to as live, so an emitted record still
   * linked to its MessageRecord drags the whole message (lines, actions, results) into old
   * space. Measured on the synthetic 1M-line log: three quarters of the promoted bytes.
   */
  private retire(r: OpenRecord): void {
    const s = r.session;
    if (s !== null && s.end === null) return;
    r.rec = RETIRED;
    // The session, and through it the connection's lines, likewise.
    r.session = null;
    r.dkimTrack = null;
  }

  private detach(r: OpenRecord): void {
    const h = this.host(r.rec.host);
    for (const q of r.rec.queueIds) if (h.byQid.get(q) === r) h.byQid.delete(q);
    if (r.expectedIds !== null) for (const q of r.expectedIds) if (h.byQid.get(q) === r) h.byQid.delete(q);
    if (r.rec.messageId !== undefined) unindexMessageId(h, r.rec.messageId, r);
    h.order.remove(r);
    h.waiting.remove(r);
    if (h.order.size === 0 && h.waiting.size === 0) this.busy.remove(h);
    this.open--;
  }

  private hold(r: OpenRecord, s: SessionState): void {
    r.state = 'held';
    this.held++;
    const h = this.host(r.rec.host);
    for (const q of r.rec.queueIds) h.heldByQid.set(q, r);
    if (s.end === null && s.held.length < MAX_HELD_PER_SESSION) {
      // A record taken back for a late line and closed again is in the list already.
      const held = s.held;
      for (let i = 0; i < held.length; i++) if (held[i] === r) return;
      s.held = append(held, r);
      return;
    }
    this.toGrace(h, r, Math.max(h.clock, s.end ?? h.clock) + PROXY_GRACE_MS);
  }

  /** The session ended: its held records start their grace period. */
  sessionEnded(s: SessionState): void {
    if (s.held.length === 0) return;
    const h = this.host(s.host);
    const at = Math.max(h.clock, s.end ?? h.clock) + PROXY_GRACE_MS;
    const held = s.held;
    for (let i = 0; i < held.length; i++) {
      const r = held[i]!;
      // (Not one a later line moved to another session: that session's end releases it.)
      if (r.state === 'held' && r.session === s) this.toGrace(h, r, at);
    }
    s.held = NONE;
  }

  private toGrace(h: HostState, r: OpenRecord, at: number): void {
    r.releaseAt = at;
    h.grace.push(r);
  }

  /** Emit a held record now (end of its grace, or flush). */
  private release(r: OpenRecord): void {
    if (r.state !== 'held') return;
    this.unhold(r);
    r.state = 'done';
    settleEvidence(r);
    this.finish(r, 'closed');
    this.retire(r);
  }

  private unhold(r: OpenRecord): void {
    const h = this.host(r.rec.host);
    for (const q of r.rec.queueIds) if (h.heldByQid.get(q) === r) h.heldByQid.delete(q);
    this.held--;
  }

  /** A held record gets a late line that links it to an open one: back into the open table. */
  reopen(r: OpenRecord): void {
    if (r.state !== 'held') return;
    this.unhold(r);
    r.state = 'open';
    const h = this.host(r.rec.host);
    for (const q of r.rec.queueIds) h.byQid.set(q, r);
    if (r.rec.messageId !== undefined) indexMessageId(h, r.rec.messageId, r);
    (r.waiting ? h.waiting : h.order).push(r);
    if (h.lruList === null) this.busy.push(h);
    this.open++;
  }

  /** Drop a record that was merged into another (its lines live on there). */
  discard(r: OpenRecord): void {
    if (r.state === 'open') this.detach(r);
    else if (r.state === 'held') this.unhold(r);
    r.state = 'done';
    settleEvidence(r);
    this.counters.records--;
  }

  /** Advance a host's clock; age out idle records and release held ones when it moved enough. */
  advance(h: HostState, time: number | null): void {
    if (time === null || time <= h.clock) return;
    if (h.clock === -Infinity) {
      // Lines without a readable time came first: their records start ageing from now.
      for (let r = h.order.head; r !== null; r = r.lruNext) if (r.lastTouch === -Infinity) r.lastTouch = time;
      for (let r = h.waiting.head; r !== null; r = r.lruNext)
        if (r.lastTouch === -Infinity) r.lastTouch = time;
    }
    h.clock = time;
    if (time < h.nextSweep) return;
    h.nextSweep = time + SWEEP_STEP_MS;
    this.sweep(h);
  }

  private sweep(h: HostState): void {
    const limit = h.clock - this.windowMs;
    for (let r = h.order.head; r !== null && r.lastTouch < limit; r = h.order.head) {
      this.counters.agedOut++;
      this.close(r, 'aged');
    }
    const waitLimit = h.clock - Math.max(this.windowMs, RETRY_WINDOW_MS);
    for (let r = h.waiting.head; r !== null && r.lastTouch < waitLimit; r = h.waiting.head) {
      this.counters.agedOut++;
      this.close(r, 'aged');
    }
    for (let r = h.grace.peek(); r !== undefined; r = h.grace.peek()) {
      if (r.state === 'held' && r.releaseAt > h.clock) break;
      h.grace.shift();
      this.release(r);
    }
  }

  /**
   * Keep the raw evidence held in memory under maxEvidenceChars: long lines (an
   * attacker can write huge header values) evict the oldest records early instead of
   * growing memory. Cheap when under budget: one comparison per event.
   */
  enforceBudget(preferred: HostState): void {
    while (this.budget.chars > this.maxEvidenceChars && this.evictOldest(preferred)) {
      /* evicted one */
    }
  }

  private evictOldest(preferred: HostState): boolean {
    let victim = preferred.order.head ?? preferred.waiting.head;
    if (victim === null) {
      const h = this.busy.head;
      if (h !== null) victim = h.order.head ?? h.waiting.head;
    }
    if (victim === null) return false;
    this.counters.evicted++;
    this.close(victim, 'evicted');
    return true;
  }

  /** End of input: everything held is released, everything open is emitted. */
  flush(reason: 'flush' | 'aged' = 'flush'): void {
    for (const h of this.hosts.values()) {
      for (let r = h.grace.shift(); r !== undefined; r = h.grace.shift()) this.release(r);
    }
    for (const h of this.hosts.values()) for (const r of [...h.heldByQid.values()]) this.release(r);
    for (const h of this.hosts.values()) {
      for (let r = h.order.head; r !== null; r = h.order.head) this.close(r, reason);
      for (let r = h.waiting.head; r !== null; r = h.waiting.head) this.close(r, reason);
    }
  }
}
