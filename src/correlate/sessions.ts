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
import type { LogEvent } from '../parse/event.js';
import type { SessionState } from './state.js';
import { MAX_SESSIONS_PER_IP, PROXY_JOIN_WINDOW_MS } from './bounds.js';
import { LruList } from './lru.js';
import { Fifo } from './fifo.js';

export interface SessionCounters {
  sessions: number;
  evictedSessions: number;
}

export function sessionKey(ev: LogEvent): string | null {
  const line = ev.line;
  if (line.pid === null) return null;
  const base = line.host + '\0' + line.program + '\0' + line.pid;
  if (ev.daemon === 'postscreen') {
    const ip = 'clientIp' in ev ? ev.clientIp : undefined;
    return ip === undefined ? null : base + '\0' + ip;
  }
  return base;
}

function pushBounded<K>(map: Map<K, SessionState[]>, key: K, s: SessionState): void {
  const list = map.get(key);
  if (list === undefined) {
    map.set(key, [s]);
    return;
  }
  if (list.includes(s)) return;
  list.push(s);
  if (list.length > MAX_SESSIONS_PER_IP) list.shift();
}

function removeFrom<K>(map: Map<K, SessionState[]>, key: K, s: SessionState): void {
  const list = map.get(key);
  if (list === undefined) return;
  const i = list.indexOf(s);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) map.delete(key);
}

export class SessionTable {
  private readonly byKey = new Map<string, SessionState>();
  /** Per host, open sessions least recently touched first. */
  private readonly orderByHost = new Map<string, LruList<SessionState>>();
  /** Client ip -> open and recently ended sessions (every host), newest last. */
  readonly byIp = new Map<string, SessionState[]>();
  /** Client port -> open and recently ended sessions whose port was logged, newest last. */
  readonly byPort = new Map<number, SessionState[]>();
  /** Ended sessions still in the indexes, oldest end first. */
  private readonly ended = new Fifo<SessionState>();
  private indexedIp = new Map<SessionState, string>();
  private indexedPort = new Map<SessionState, number>();
  open = 0;
  private nextHostPrune = 1024;

  constructor(
    private readonly onEnd: (s: SessionState) => void,
    private readonly counters: SessionCounters,
    private readonly windowMs: number,
    private readonly maxOpen: number,
  ) {}

  get(key: string): SessionState | undefined {
    return this.byKey.get(key);
  }

  private order(host: string): LruList<SessionState> {
    let o = this.orderByHost.get(host);
    if (o === undefined) {
      if (this.orderByHost.size >= this.nextHostPrune) {
        // Forget hosts with no open session; again only once the count has doubled.
        for (const [name, list] of this.orderByHost) if (list.size === 0) this.orderByHost.delete(name);
        this.nextHostPrune = Math.max(1024, this.orderByHost.size * 2);
      }
      o = new LruList<SessionState>();
      this.orderByHost.set(host, o);
    }
    return o;
  }

  /** A new session under `key` (a still-open one under the same key ended first: pid reuse). */
  create(key: string, host: string, time: number): SessionState {
    const old = this.byKey.get(key);
    if (old !== undefined) this.end(old, time);
    while (this.open >= this.maxOpen && this.evictOldest(host, time)) {
      /* evicted one */
    }
    const s: SessionState = {
      key,
      host,
      info: {},
      lastTouch: time,
      start: time,
      end: null,
      lines: [],
      pendingSpf: [],
      pendingLines: [],
      heloSpf: [],
      current: null,
      noqueue: [],
      held: [],
      lruPrev: null,
      lruNext: null,
      lruList: null,
    };
    this.byKey.set(key, s);
    this.order(host).push(s);
    this.open++;
    this.counters.sessions++;
    return s;
  }

  touch(s: SessionState, time: number): void {
    if (s.end !== null) return;
    s.lastTouch = time;
    this.order(s.host).touch(s);
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
      this.indexedIp.set(s, ip);
      pushBounded(this.byIp, ip, s);
    }
    if (port !== undefined && info.clientPort === undefined) {
      info.clientPort = port;
      this.indexedPort.set(s, port);
      pushBounded(this.byPort, port, s);
    }
    if (host !== undefined && info.clientHost === undefined) info.clientHost = host;
  }

  /** The session is over: it leaves the table but stays in the ip/port indexes for the proxy window. */
  end(s: SessionState, time: number): void {
    if (s.end !== null) return;
    s.end = time;
    this.byKey.delete(s.key);
    this.order(s.host).remove(s);
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
    const order = this.order(host);
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
    const ip = this.indexedIp.get(s);
    if (ip !== undefined) {
      removeFrom(this.byIp, ip, s);
      this.indexedIp.delete(s);
    }
    const port = this.indexedPort.get(s);
    if (port !== undefined) {
      removeFrom(this.byPort, port, s);
      this.indexedPort.delete(s);
    }
  }

  private evictOldest(preferredHost: string, time: number): boolean {
    let victim = this.order(preferredHost).head;
    if (victim === null) {
      for (const o of this.orderByHost.values()) {
        victim = o.head;
        if (victim !== null) break;
      }
    }
    if (victim === null) return false;
    this.counters.evictedSessions++;
    this.end(victim, time);
    return true;
  }

  /** End of input: every open session ends (its NOQUEUE records close). */
  flush(): void {
    for (const s of [...this.byKey.values()]) this.end(s, s.lastTouch);
  }
}
