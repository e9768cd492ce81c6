/**
 * The SMTP session table: one entry per connection, keyed by host + program tag + pid
 * (Postfix smtpd, Sendmail), plus the client ip for postscreen, whose single process serves
 * every client. A session opens at `connect`, learns HELO/TLS/SASL, and ends at
 * `disconnect`; ended sessions stay findable by client ip (and port) for a few seconds so
 * a proxy that logs the connection when it ends (HAProxy) can still join it.
 *
 * Lists in least-recently-touched order (lru.ts) bound the table: idle sessions age out by log time, and the
 * oldest is evicted when maxOpenSessions are open.
 */
import type { SourceRef } from '../ingest/line.js';
import type { LogEvent } from '../parse/event.js';
import { NONE, type SessionState } from './state.js';
import { MAX_SESSIONS_PER_IP, PROXY_JOIN_WINDOW_MS } from './bounds.js';
import { LruList, type LruNode } from './lru.js';
import { Fifo } from './fifo.js';
import { SparseKeys, SparseMap } from './sparse-map.js';
import { PruneSchedule } from './prune-schedule.js';

export interface SessionCounters {
  sessions: number;
  evictedSessions: number;
}

/**
 * Sessions of one program tag on one host: by pid, and for postscreen (one process serving
 * every client) by pid and client ip. Nested maps rather than one map under a
 * host + program + pid string: the lookup builds no key string per line.
 */
interface ProgramSessions {
  byPid: SparseMap<number, SessionState>;
  byPidIp: Map<number, SparseMap<string, SessionState>> | null;
  /** Sessions keyed here. */
  open: number;
}

/** Program tags a host keeps (empty ones too) before those with no session are dropped. */
const MIN_PROGRAM_PRUNE = 64;
/** Hosts kept (with no open session too) before those with none are dropped. */
const MIN_HOST_PRUNE = 1024;

/**
 * One host's open sessions: by program tag, and least recently touched first. A program's
 * tables stay when its last session ends (the next connection reuses them) until the tag
 * count doubles; see SparseMap for why entries are not deleted one by one.
 */
interface HostSessions extends LruNode<HostSessions> {
  programs: Map<string, ProgramSessions>;
  programPrune: PruneSchedule;
  order: LruList<SessionState>;
}

/** The client ip that keys a postscreen session; undefined for every other daemon. */
function keyIp(ev: LogEvent): string | undefined {
  return ev.daemon === 'postscreen' && 'clientIp' in ev ? ev.clientIp : undefined;
}

/** Whether the event names a session: a pid, and for postscreen a client ip as well. */
export function hasSessionKey(ev: LogEvent): boolean {
  if (ev.line.pid === null) return false;
  return ev.daemon !== 'postscreen' || keyIp(ev) !== undefined;
}

function pushBounded<K>(map: SparseMap<K, SessionState[]>, key: K, s: SessionState): void {
  const list = map.get(key);
  if (list === undefined) {
    map.set(key, [s]);
    return;
  }
  for (let i = 0; i < list.length; i++) if (list[i] === s) return;
  list.push(s);
  if (list.length > MAX_SESSIONS_PER_IP) list.shift();
}

function removeFrom<K>(map: SparseMap<K, SessionState[]>, key: K, s: SessionState): void {
  const list = map.get(key);
  if (list === undefined) return;
  const i = list.indexOf(s);
  if (i >= 0) {
    // Shift down rather than splice: splice allocates an array of what it removed.
    for (let j = i + 1; j < list.length; j++) list[j - 1] = list[j]!;
    list.pop();
  }
  if (list.length === 0) map.delete(key);
}

export class SessionTable {
  /** Per host, open sessions by program tag and pid, least recently touched first. */
  private readonly hosts = new Map<string, HostSessions>();
  /**
   * Hosts with open sessions, in the order they came to have some: eviction takes from the
   * head when the line's host has none, in O(1) (see RecordTable.busy).
   */
  private readonly busy = new LruList<HostSessions>();
  /** The host the last lookup was for: consecutive lines are nearly always of one host. */
  private lastHost: HostSessions | null = null;
  private lastHostName = '';
  /** The account of removed keys of every index below: their bound holds for the table. */
  private readonly keys = new SparseKeys();
  /** Client ip -> open and recently ended sessions (every host), newest last. */
  readonly byIp = new SparseMap<string, SessionState[]>(this.keys);
  /** Client port -> open and recently ended sessions whose port was logged, newest last. */
  readonly byPort = new SparseMap<number, SessionState[]>(this.keys);
  /** Ended sessions still in the indexes, oldest end first. */
  private readonly ended = new Fifo<SessionState>();
  open = 0;
  /** Sessions created so far: a session's seq orders the flush. */
  private created = 0;
  private readonly hostPrune = new PruneSchedule(MIN_HOST_PRUNE);

  /** Live entries and keys held (live and removed) by every index: for tests of the bound. */
  indexKeys(): { live: number; footprint: number } {
    let live = this.byIp.size + this.byPort.size;
    let footprint = this.byIp.footprint + this.byPort.footprint;
    for (const h of this.hosts.values()) {
      for (const p of h.programs.values()) {
        live += p.byPid.size;
        footprint += p.byPid.footprint;
        if (p.byPidIp !== null) {
          for (const m of p.byPidIp.values()) {
            live += m.size;
            footprint += m.footprint;
          }
        }
      }
    }
    return { live, footprint };
  }

  /** The smallest rank of the first line of any open session (Infinity when none); see RecordTable.earliestOpen. */
  earliestOpen(rank: (ref: SourceRef) => number): number {
    let min = Infinity;
    for (const h of this.hosts.values()) {
      for (let s = h.order.head; s !== null; s = s.lruNext) {
        const first = s.lines[0];
        if (first === undefined) continue;
        const k = rank(first.line.src);
        if (k < min) min = k;
      }
    }
    return min;
  }

  constructor(
    private readonly onEnd: (s: SessionState) => void,
    private readonly counters: SessionCounters,
    private readonly windowMs: number,
    private readonly maxOpen: number,
  ) {}

  /** The open session the event belongs to (see hasSessionKey), if any. */
  get(ev: LogEvent): SessionState | undefined {
    const line = ev.line;
    const pid = line.pid;
    if (pid === null) return undefined;
    let hs = this.lastHost;
    if (hs === null || this.lastHostName !== line.host) {
      hs = this.hosts.get(line.host) ?? null;
      if (hs === null) return undefined;
      this.lastHost = hs;
      this.lastHostName = line.host;
    }
    const ps = hs.programs.get(line.program);
    if (ps === undefined) return undefined;
    if (ev.daemon !== 'postscreen') return ps.byPid.get(pid);
    const ip = keyIp(ev);
    return ip === undefined ? undefined : ps.byPidIp?.get(pid)?.get(ip);
  }

  /** The host's sessions (created, and the host table pruned, when the host is new). */
  private host(host: string): HostSessions {
    if (this.lastHost !== null && this.lastHostName === host) return this.lastHost;
    let hs = this.hosts.get(host);
    if (hs === undefined) {
      if (this.hostPrune.due(this.hosts.size)) {
        // Forget hosts with no open session; again only once the count has doubled.
        for (const [name, h] of this.hosts) if (h.order.size === 0) this.hosts.delete(name);
        this.hostPrune.pruned(this.hosts.size);
      }
      hs = {
        programs: new Map(),
        programPrune: new PruneSchedule(MIN_PROGRAM_PRUNE),
        order: new LruList<SessionState>(),
        lruPrev: null,
        lruNext: null,
        lruList: null,
      };
      this.hosts.set(host, hs);
    }
    this.lastHost = hs;
    this.lastHostName = host;
    return hs;
  }

  /**
   * A new session for the event (hasSessionKey must hold); a still-open one under the same
   * host, program, pid (and postscreen client ip) ends first: pid reuse. With `firstLine`,
   * the event is the session's first evidence line.
   */
  create(ev: LogEvent, time: number, firstLine: boolean): SessionState {
    const old = this.get(ev);
    if (old !== undefined) this.end(old, time);
    const line = ev.line;
    const host = line.host;
    while (this.open >= this.maxOpen && this.evictOldest(host, time)) {
      /* evicted one */
    }
    const s: SessionState = {
      host,
      program: line.program,
      pid: line.pid!,
      keyIp: keyIp(ev),
      seq: this.created++,
      indexedIp: undefined,
      indexedPort: undefined,
      info: {},
      lastTouch: time,
      start: time,
      end: null,
      lines: firstLine ? [ev] : [],
      pendingSpf: NONE,
      pendingLines: NONE,
      heloSpf: NONE,
      current: null,
      noqueue: NONE,
      held: NONE,
      lruPrev: null,
      lruNext: null,
      lruList: null,
    };
    const hs = this.host(host);
    let ps = hs.programs.get(s.program);
    if (ps === undefined) {
      if (hs.programPrune.due(hs.programs.size)) {
        for (const [name, p] of hs.programs) if (p.open === 0) hs.programs.delete(name);
        hs.programPrune.pruned(hs.programs.size);
      }
      ps = { byPid: new SparseMap(this.keys), byPidIp: null, open: 0 };
      hs.programs.set(s.program, ps);
    }
    if (s.keyIp === undefined) {
      ps.byPid.set(s.pid, s);
    } else {
      if (ps.byPidIp === null) ps.byPidIp = new Map();
      let byIp = ps.byPidIp.get(s.pid);
      if (byIp === undefined) {
        byIp = new SparseMap(this.keys);
        ps.byPidIp.set(s.pid, byIp);
      }
      byIp.set(s.keyIp, s);
    }
    ps.open++;
    hs.order.push(s);
    if (hs.lruList === null) this.busy.push(hs);
    this.open++;
    this.counters.sessions++;
    return s;
  }

  /** Take an ending session out of its host's program table. */
  private unkey(hs: HostSessions, s: SessionState): void {
    const ps = hs.programs.get(s.program);
    if (ps === undefined) return;
    if (s.keyIp === undefined) {
      if (ps.byPid.get(s.pid) !== s) return;
      ps.byPid.delete(s.pid);
    } else {
      const byIp = ps.byPidIp?.get(s.pid);
      if (byIp === undefined || byIp.get(s.keyIp) !== s) return;
      byIp.delete(s.keyIp);
      // postscreen's pid changes only when it restarts: a table per pid is dropped when empty.
      if (byIp.size === 0) ps.byPidIp!.delete(s.pid);
    }
    ps.open--;
  }

  touch(s: SessionState, time: number): void {
    if (s.end !== null) return;
    s.lastTouch = time;
    this.host(s.host).order.touch(s);
  }

  /** Record the client address and index the session by it (for the SPF and proxy joins). */
  setClient(
    s: SessionState,
    ip: string | undefined,
    port: number | undefined,
    host: string | undefined,
  ): void {
    const info = s.info;
    if (ip !== undefined && info.clientIp === undefined) {
      info.clientIp = ip;
      s.indexedIp = ip;
      pushBounded(this.byIp, ip, s);
    }
    if (port !== undefined && info.clientPort === undefined) {
      info.clientPort = port;
      s.indexedPort = port;
      pushBounded(this.byPort, port, s);
    }
    if (host !== undefined && info.clientHost === undefined) info.clientHost = host;
  }

  /** The session is over: it leaves the table but stays in the ip/port indexes for the proxy window. */
  end(s: SessionState, time: number): void {
    if (s.end !== null) return;
    s.end = time;
    const hs = this.host(s.host);
    this.unkey(hs, s);
    hs.order.remove(s);
    if (hs.order.size === 0) this.busy.remove(hs);
    this.open--;
    this.ended.push(s);
    this.onEnd(s);
    // Bounded by count as well as by log time: a log whose clock stands still (or runs
    // backwards) must not keep every ended session findable.
    while (this.ended.size > this.maxOpen) {
      const old = this.ended.shift();
      if (old === undefined) break;
      this.unindex(old);
    }
  }

  /** Age out idle sessions of one host and forget ended ones past the proxy window. */
  sweep(host: string, clock: number, globalClock: number): void {
    const limit = clock - this.windowMs;
    const order = this.host(host).order;
    for (let s = order.head; s !== null && s.lastTouch < limit; s = order.head) this.end(s, clock);
    const forget = globalClock - 2 * PROXY_JOIN_WINDOW_MS;
    const cap = this.maxOpen;
    for (let s = this.ended.peek(); s !== undefined; s = this.ended.peek()) {
      if ((s.end ?? 0) >= forget && this.ended.size <= cap) break;
      this.ended.shift();
      this.unindex(s);
    }
  }

  private unindex(s: SessionState): void {
    const ip = s.indexedIp;
    if (ip !== undefined) {
      removeFrom(this.byIp, ip, s);
      s.indexedIp = undefined;
    }
    const port = s.indexedPort;
    if (port !== undefined) {
      removeFrom(this.byPort, port, s);
      s.indexedPort = undefined;
    }
  }

  private evictOldest(preferredHost: string, time: number): boolean {
    let victim = this.host(preferredHost).order.head;
    if (victim === null) victim = this.busy.head?.order.head ?? null;
    if (victim === null) return false;
    this.counters.evictedSessions++;
    this.end(victim, time);
    return true;
  }

  /** End of input: every open session ends (its NOQUEUE records close), oldest first. */
  flush(): void {
    const all: SessionState[] = [];
    for (const h of this.hosts.values()) for (let s = h.order.head; s !== null; s = s.lruNext) all.push(s);
    all.sort((a, b) => a.seq - b.seq);
    for (const s of all) this.end(s, s.lastTouch);
  }
}
