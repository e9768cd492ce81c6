/**
 * The open-record table: records by host + queue id, ageing by log time, eviction under a
 * flood, and the short grace a closed record waits for a late proxy line.
 *
 * Every structure is a Map in insertion order, refreshed on touch, so the oldest entry is
 * always first: ageing and eviction look at the head only, never scan the table. Each host
 * has its own log clock (files of several hosts may be read one after the other, so one
 * host's clock must not age another host's records).
 */
import type { MessageRecord } from './record.js';
import type { EmitReason, OpenRecord, SessionState } from './state.js';
import { MAX_HELD_PER_SESSION, PROXY_GRACE_MS, SWEEP_STEP_MS } from './bounds.js';

export interface HostState {
  name: string;
  /** Latest log time seen on this host (epoch ms), or -Infinity before any. */
  clock: number;
  nextSweep: number;
  /** Open records, least recently touched first. */
  order: Map<OpenRecord, true>;
  /** Closed records waiting for their release time, in release order. */
  grace: OpenRecord[];
  graceHead: number;
}

export interface TableCounters {
  records: number;
  agedOut: number;
  evicted: number;
}

export type Emit = (record: MessageRecord, r: OpenRecord, reason: EmitReason) => void;

export function recordKey(host: string, queueId: string): string {
  return host + '\0' + queueId;
}

function isLoopback(ip: string | undefined): boolean {
  return ip === undefined || ip.startsWith('127.') || ip === '::1' || ip === '::ffff:127.0.0.1';
}

export class RecordTable {
  /** host \0 queue id -> open record (several keys may point at one record after a hop link). */
  readonly byKey = new Map<string, OpenRecord>();
  /** Keys of held (closed, not yet emitted) records, so a late hop link still finds them. */
  readonly heldByKey = new Map<string, OpenRecord>();
  /** host \0 Message-ID -> open record, for scanners that log no queue id (spamd). */
  readonly byMessageId = new Map<string, OpenRecord>();
  readonly hosts = new Map<string, HostState>();
  open = 0;
  held = 0;
  private noqueueSeq = 0;

  constructor(
    private readonly finish: (r: OpenRecord, reason: EmitReason) => void,
    private readonly counters: TableCounters,
    private readonly windowMs: number,
    private readonly maxOpen: number,
  ) {}

  host(name: string): HostState {
    let h = this.hosts.get(name);
    if (h === undefined) {
      h = { name, clock: -Infinity, nextSweep: -Infinity, order: new Map(), grace: [], graceHead: 0 };
      this.hosts.set(name, h);
    }
    return h;
  }

  /** A new open record; evicts the oldest open record first when the table is full. */
  create(h: HostState, queueId: string | undefined, time: number | null): OpenRecord {
    while (this.open >= this.maxOpen && this.evictOldest(h)) {
      /* evicted one */
    }
    const id = queueId === undefined ? `${h.name}/NOQUEUE/${++this.noqueueSeq}` : `${h.name}/${queueId}`;
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
      openIds: new Set(queueId === undefined ? [] : [queueId]),
      expectedIds: null,
      rcptSeen: new Set(),
      finalRcpts: 0,
      lastTouch: time ?? h.clock,
      state: 'open',
      releaseAt: 0,
      queued: false,
      dmarcFromHeader: false,
      arcFromHeader: false,
      dkimTrack: null,
    };
    if (queueId !== undefined) this.byKey.set(recordKey(h.name, queueId), r);
    h.order.set(r, true);
    this.open++;
    this.counters.records++;
    return r;
  }

  touch(h: HostState, r: OpenRecord, time: number | null): void {
    if (r.state !== 'open') return;
    r.lastTouch = time ?? h.clock;
    h.order.delete(r);
    h.order.set(r, true);
  }

  /** Take a record out of the open table (its keys free for reuse), then hold or emit it. */
  close(r: OpenRecord, reason: EmitReason): void {
    if (r.state !== 'open') return;
    this.detach(r);
    const s = r.session;
    if (reason === 'closed' && s !== null && !isLoopback(s.info.clientIp)) {
      // A proxy in front of the MTA logs the connection when it ends: wait for that.
      this.hold(r, s);
      return;
    }
    r.state = 'done';
    this.finish(r, reason);
  }

  private detach(r: OpenRecord): void {
    const host = r.rec.host;
    for (const q of r.rec.queueIds) {
      const k = recordKey(host, q);
      if (this.byKey.get(k) === r) this.byKey.delete(k);
    }
    if (r.expectedIds !== null) {
      for (const q of r.expectedIds) {
        const k = recordKey(host, q);
        if (this.byKey.get(k) === r) this.byKey.delete(k);
      }
    }
    if (r.rec.messageId !== undefined) {
      const k = recordKey(host, r.rec.messageId);
      if (this.byMessageId.get(k) === r) this.byMessageId.delete(k);
    }
    this.host(host).order.delete(r);
    this.open--;
  }

  private hold(r: OpenRecord, s: SessionState): void {
    r.state = 'held';
    this.held++;
    const host = r.rec.host;
    for (const q of r.rec.queueIds) this.heldByKey.set(recordKey(host, q), r);
    if (s.end === null && s.held.length < MAX_HELD_PER_SESSION) {
      s.held.push(r);
      return;
    }
    const h = this.host(host);
    this.toGrace(h, r, Math.max(h.clock, s.end ?? h.clock) + PROXY_GRACE_MS);
  }

  /** The session ended: its held records start their grace period. */
  sessionEnded(s: SessionState): void {
    if (s.held.length === 0) return;
    const h = this.host(s.host);
    const at = Math.max(h.clock, s.end ?? h.clock) + PROXY_GRACE_MS;
    for (const r of s.held) if (r.state === 'held') this.toGrace(h, r, at);
    s.held = [];
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
    this.finish(r, 'closed');
  }

  private unhold(r: OpenRecord): void {
    const host = r.rec.host;
    for (const q of r.rec.queueIds) {
      const k = recordKey(host, q);
      if (this.heldByKey.get(k) === r) this.heldByKey.delete(k);
    }
    this.held--;
  }

  /** A held record gets a late line that links it to an open one: back into the open table. */
  reopen(r: OpenRecord): void {
    if (r.state !== 'held') return;
    this.unhold(r);
    r.state = 'open';
    const host = r.rec.host;
    for (const q of r.rec.queueIds) this.byKey.set(recordKey(host, q), r);
    if (r.rec.messageId !== undefined) this.byMessageId.set(recordKey(host, r.rec.messageId), r);
    this.host(host).order.set(r, true);
    this.open++;
  }

  /** Drop a record that was merged into another (its lines live on there). */
  discard(r: OpenRecord): void {
    if (r.state === 'open') this.detach(r);
    else if (r.state === 'held') this.unhold(r);
    r.state = 'done';
    this.counters.records--;
  }

  /** Advance a host's clock; age out idle records and release held ones when it moved enough. */
  advance(h: HostState, time: number | null): void {
    if (time === null || time <= h.clock) return;
    h.clock = time;
    if (time < h.nextSweep) return;
    h.nextSweep = time + SWEEP_STEP_MS;
    this.sweep(h);
  }

  private sweep(h: HostState): void {
    const limit = h.clock - this.windowMs;
    for (const r of h.order.keys()) {
      if (r.lastTouch >= limit) break;
      this.counters.agedOut++;
      this.close(r, 'aged');
    }
    while (h.graceHead < h.grace.length) {
      const r = h.grace[h.graceHead]!;
      if (r.state === 'held' && r.releaseAt > h.clock) break;
      h.graceHead++;
      this.release(r);
    }
    if (h.graceHead > 1024 && h.graceHead * 2 > h.grace.length) {
      h.grace = h.grace.slice(h.graceHead);
      h.graceHead = 0;
    }
  }

  private evictOldest(preferred: HostState): boolean {
    let victim: OpenRecord | undefined = preferred.order.keys().next().value;
    if (victim === undefined) {
      for (const h of this.hosts.values()) {
        victim = h.order.keys().next().value;
        if (victim !== undefined) break;
      }
    }
    if (victim === undefined) return false;
    this.counters.evicted++;
    this.close(victim, 'evicted');
    return true;
  }

  /** End of input: everything held is released, everything open is emitted. */
  flush(): void {
    for (const h of this.hosts.values()) {
      for (let i = h.graceHead; i < h.grace.length; i++) this.release(h.grace[i]!);
      h.grace = [];
      h.graceHead = 0;
    }
    for (const r of [...this.heldByKey.values()]) this.release(r);
    for (const h of this.hosts.values()) {
      for (const r of h.order.keys()) this.close(r, 'flush');
    }
  }
}
