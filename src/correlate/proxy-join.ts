/**
 * Proxies in front of the MTA, joined to the SMTP session they handed over.
 *
 * postscreen (same host) logs its verdicts (CONNECT, PASS NEW, PREGREET, DNSBL ...) for a
 * client ip:port BEFORE smtpd's `connect from`: the verdicts wait per host + client ip and
 * join the next smtpd session of that ip (within POSTSCREEN_JOIN_WINDOW_MS).
 *
 * HAProxy writes one line per connection when it ENDS, after Postfix's lines and possibly
 * under another host name: it joins, by client ip and port, a session that is open or
 * ended within PROXY_JOIN_WINDOW_MS. Records of that session share the session object, and
 * closed ones wait PROXY_GRACE_MS after the session's end before they are emitted (see
 * records.ts), so the verdict reaches them even though it came last. A line that finds no
 * session by ip but finds one by port within the window means the MTA logged a client the
 * proxy did not see for that connection: clientMismatch.
 */
import type { ProxyEvent } from '../parse/event.js';
import type { RecordSession } from './record.js';
import type { SessionTable } from './sessions.js';
import type { SessionState } from './state.js';
import {
  MAX_POSTSCREEN_STATES,
  MAX_PROXY_ACTIONS,
  POSTSCREEN_JOIN_WINDOW_MS,
  PROXY_JOIN_WINDOW_MS,
} from './bounds.js';
import { LruList, type LruNode } from './lru.js';
import { hasString } from './fold.js';
import { SparseKeys, SparseMap } from './sparse-map.js';
import { PruneSchedule } from './prune-schedule.js';

type Proxy = NonNullable<RecordSession['proxy']>;

/** Host count below which the postscreen table is never pruned. */
const MIN_HOST_PRUNE = 1024;

interface PostscreenState extends LruNode<PostscreenState> {
  host: string;
  ip: string;
  proxy: Proxy;
  time: number;
}

function addProxyAction(p: Proxy, action: string): void {
  if (p.actions.length < MAX_PROXY_ACTIONS && !hasString(p.actions, action)) p.actions.push(action);
}

export class ProxyJoin {
  /**
   * host -> client ip -> postscreen's verdicts for its latest connection, oldest first
   * (nested maps: no host + ip key string built per line; see SparseMap for the inner ones).
   */
  private readonly postscreen = new Map<string, SparseMap<string, PostscreenState>>();
  /** The account of removed keys of every host's map: their bound holds for the table. */
  private readonly keys = new SparseKeys();
  /** States in `postscreen`, every host. */
  private postscreenCount = 0;
  /** When hosts with no state left are dropped from `postscreen`. */
  private readonly hostPrune = new PruneSchedule(MIN_HOST_PRUNE);
  /** The same states, least recently seen first (evicted from the head past the cap). */
  private readonly postscreenOrder = new LruList<PostscreenState>();
  orphans = 0;

  constructor(private readonly sessions: SessionTable) {}

  onPostscreen(ev: ProxyEvent, now: number): void {
    const ip = ev.clientIp;
    if (ip === undefined) return;
    const host = ev.line.host;
    let st = this.postscreen.get(host)?.get(ip);
    if (st === undefined || ev.action === 'connect') {
      if (st !== undefined) this.forget(st);
      // Past the join window a state can join nothing: drop it, so the table holds about a
      // minute of connections (small and cache-friendly) rather than MAX_POSTSCREEN_STATES.
      // (Only by its own host's clock: hosts of a central log may disagree on the time.)
      for (
        let old = this.postscreenOrder.head;
        old !== null &&
        (this.postscreenCount >= MAX_POSTSCREEN_STATES ||
          (old.host === host && now - old.time > POSTSCREEN_JOIN_WINDOW_MS));
        old = this.postscreenOrder.head
      ) {
        this.forget(old);
      }
      const proxy: Proxy = { kind: 'postscreen', peerIp: ip, actions: [] };
      if (ev.clientPort !== undefined) proxy.peerPort = ev.clientPort;
      st = { host, ip, proxy, time: now, lruPrev: null, lruNext: null, lruList: null };
      let byIp = this.postscreen.get(host);
      if (byIp === undefined) {
        if (this.hostPrune.due(this.postscreen.size)) {
          // Forget hosts with no state; again only once the count has doubled.
          for (const [name, m] of this.postscreen) if (m.size === 0) this.postscreen.delete(name);
          this.hostPrune.pruned(this.postscreen.size);
        }
        byIp = new SparseMap(this.keys);
        this.postscreen.set(host, byIp);
      }
      byIp.set(ip, st);
      this.postscreenCount++;
    }
    this.postscreenOrder.touch(st);
    st.time = now;
    addProxyAction(st.proxy, ev.action);
  }

  /** A new smtpd (or postscreen-reject) session: take postscreen's verdicts for its client. */
  attachPostscreen(s: SessionState, now: number, consume: boolean): void {
    const ip = s.info.clientIp;
    if (ip === undefined || s.info.proxy !== undefined) return;
    const st = this.postscreen.get(s.host)?.get(ip);
    if (st === undefined) return;
    if (now - st.time > POSTSCREEN_JOIN_WINDOW_MS) {
      this.forget(st);
      return;
    }
    const port = s.info.clientPort;
    if (port !== undefined && st.proxy.peerPort !== undefined && port !== st.proxy.peerPort) return;
    s.info.proxy = consume ? st.proxy : { ...st.proxy, actions: st.proxy.actions.slice() };
    if (consume) this.forget(st);
  }

  private forget(st: PostscreenState): void {
    const byIp = this.postscreen.get(st.host);
    if (byIp !== undefined && byIp.get(st.ip) === st) {
      byIp.delete(st.ip);
      this.postscreenCount--;
    }
    this.postscreenOrder.remove(st);
  }

  onHaproxy(ev: ProxyEvent, now: number): void {
    // "Connect from" (log-separate-errors / option logasap setups) precedes the MTA's lines;
    // the end-of-session line that follows says all of it.
    if (ev.action === 'connect') return;
    const ip = ev.clientIp;
    const port = ev.clientPort;
    let s: SessionState | null = null;
    let mismatch = false;
    if (ip !== undefined) s = this.closest(this.sessions.byIp.get(ip), now, port);
    if (s === null && port !== undefined) {
      const byPort = this.closest(this.sessions.byPort.get(port), now, port);
      if (byPort !== null) {
        s = byPort;
        mismatch = true;
      }
    }
    if (s === null) {
      this.orphans++;
      return;
    }
    const proxy: Proxy = { kind: 'haproxy', actions: [] };
    if (ip !== undefined) proxy.peerIp = ip;
    if (port !== undefined) proxy.peerPort = port;
    addProxyAction(proxy, ev.action);
    if (ev.termState !== undefined) addProxyAction(proxy, 'term:' + ev.termState);
    if (mismatch || (ip !== undefined && s.info.clientIp !== undefined && s.info.clientIp !== ip)) {
      proxy.clientMismatch = true;
    }
    // postscreen behind HAProxy: its verdicts (PREGREET ...) for this connection stay with it.
    const behind = s.info.proxy;
    if (behind?.kind === 'postscreen') for (const a of behind.actions) addProxyAction(proxy, a);
    s.info.proxy = proxy;
  }

  /** The session (newest first) whose connection the proxy line describes. */
  private closest(
    list: SessionState[] | undefined,
    now: number,
    port: number | undefined,
  ): SessionState | null {
    if (list === undefined) return null;
    let best: SessionState | null = null;
    let bestGap = Infinity;
    for (let i = list.length - 1; i >= 0; i--) {
      const s = list[i]!;
      if (s.info.proxy?.kind === 'haproxy') continue;
      const sp = s.info.clientPort;
      if (port !== undefined && sp !== undefined && sp !== port) continue;
      if (now < s.start - PROXY_JOIN_WINDOW_MS) continue;
      const gap = s.end === null ? 0 : Math.abs(now - s.end);
      if (gap > PROXY_JOIN_WINDOW_MS) continue;
      if (port !== undefined && sp === port) return s;
      if (gap < bestGap) {
        best = s;
        bestGap = gap;
      }
    }
    return best;
  }
}
