/**
 * The second look at an SMTP session. Lines such as `connect from`, HELO/TLS notes,
 * `disconnect`, the policyd-spf check and postscreen's verdict carry no queue id: they
 * belong to the message through its session (same host, same smtpd process, same client).
 * While the events stream by, the recent session lines of each host are kept in a small
 * ring; when a line binds a queue id of the investigated message to a session, that
 * session's earlier lines are taken from the ring and its later lines (until disconnect)
 * are taken as they come.
 */
import type { LogEvent } from '../parse/event.js';

/** Session lines remembered per host. */
export const LOOKBACK_LINES_PER_HOST = 256;
/** Hosts remembered. */
export const LOOKBACK_HOSTS = 1024;
/** A proxy or SPF line for the same client this long before the binding line still counts. */
export const LOOKBACK_WINDOW_MS = 5 * 60 * 1000;

type Emit = (e: LogEvent) => void;

function isSessionish(e: LogEvent): boolean {
  switch (e.kind) {
    case 'session.connect':
    case 'session.disconnect':
    case 'session.helo':
    case 'session.tls':
    case 'session.auth':
    case 'session.note':
    case 'proxy':
      return true;
    case 'auth.spf':
    case 'reject':
      return e.queueId === undefined;
    default:
      return false;
  }
}

function clientIpOf(e: LogEvent): string | undefined {
  return 'clientIp' in e ? e.clientIp : undefined;
}

function sessionKey(e: LogEvent): string {
  return `${e.line.host}\u0000${e.line.program}\u0000${e.line.pid ?? ''}`;
}

export class SessionLookback {
  private readonly rings = new Map<string, LogEvent[]>();
  /** Sessions bound to the message -> their host+client: later lines are taken until disconnect. */
  private readonly open = new Map<string, string | undefined>();
  /**
   * Bound sessions that ended: host+client -> when. HAProxy logs a connection when it
   * closes, after the MTA's disconnect: such a proxy line for the same client (and the
   * same client port, when a proxy line of the session gave one) still belongs to it.
   */
  private readonly ended = new Map<string, number | null>();
  /** Client ports seen on the proxy lines of bound sessions, per host+client. */
  private readonly ports = new Map<string, Set<number>>();

  /** An event that did not match by id: remember it, or take it if its session is bound. */
  observe(e: LogEvent, emit: Emit): void {
    if (!isSessionish(e)) return;
    const key = sessionKey(e);
    // A new connect on a bound process means the bound session is over (its disconnect
    // line was lost, or was taken as evidence): the new session is someone else's.
    if (e.kind === 'session.connect') this.open.delete(key);
    if (this.open.has(key)) {
      emit(e);
      if (e.kind === 'session.disconnect') this.end(key, e);
      return;
    }
    const ip = clientIpOf(e);
    if (e.kind === 'proxy' && ip !== undefined && this.ended.size > 0 && this.endedProxy(e, ip)) {
      emit(e);
      return;
    }
    if ((e.kind === 'auth.spf' || e.kind === 'proxy') && ip !== undefined && this.open.size > 0) {
      const hostIp = `${e.line.host}\u0000${ip}`;
      for (const v of this.open.values()) {
        if (v === hostIp) {
          this.notePort(e, hostIp);
          emit(e);
          return;
        }
      }
    }
    const host = e.line.host;
    let ring = this.rings.get(host);
    if (ring === undefined) {
      if (this.rings.size >= LOOKBACK_HOSTS) return;
      ring = [];
      this.rings.set(host, ring);
    }
    ring.push(e);
    if (ring.length > LOOKBACK_LINES_PER_HOST) ring.shift();
  }

  /** A line of the message that ends its session (taken as evidence, not through observe). */
  close(e: LogEvent): void {
    if (e.kind === 'session.disconnect') this.end(sessionKey(e), e);
  }

  private end(key: string, e: LogEvent): void {
    const hostIp = this.open.get(key);
    this.open.delete(key);
    if (hostIp !== undefined && this.ended.size < LOOKBACK_HOSTS) this.ended.set(hostIp, e.line.time);
  }

  private notePort(e: LogEvent, hostIp: string): void {
    if (e.kind !== 'proxy' || e.clientPort === undefined) return;
    let set = this.ports.get(hostIp);
    if (set === undefined) {
      if (this.ports.size >= LOOKBACK_HOSTS) return;
      set = new Set();
      this.ports.set(hostIp, set);
    }
    if (set.size < LOOKBACK_LINES_PER_HOST) set.add(e.clientPort);
  }

  /** A proxy line logged after a bound session ended, for its client (and port). */
  private endedProxy(e: LogEvent & { kind: 'proxy' }, ip: string): boolean {
    const hostIp = `${e.line.host}\u0000${ip}`;
    if (!this.ended.has(hostIp)) return false;
    const at = this.ended.get(hostIp) ?? null;
    const t = e.line.time;
    if (at !== null && t !== null && (t < at - 1000 || t > at + LOOKBACK_WINDOW_MS)) return false;
    const ports = this.ports.get(hostIp);
    if (ports !== undefined && ports.size > 0 && e.clientPort !== undefined && !ports.has(e.clientPort))
      return false;
    this.ended.delete(hostIp);
    return true;
  }

  /** `binder` ties a queue id of the message to a session: emit that session's earlier lines. */
  bind(binder: LogEvent, emit: Emit): void {
    const key = sessionKey(binder);
    const ip = clientIpOf(binder);
    const ring = this.rings.get(binder.line.host);
    const t = binder.line.time;
    if (ring !== undefined) {
      // The session's own lines since its last connect. A disconnect of the same process
      // met first means that session ended: this one's connect was taken as evidence (it
      // is not in the ring), and nothing earlier belongs to it.
      let start = 0;
      let connectTime: number | null = null;
      for (let i = ring.length - 1; i >= 0; i--) {
        const e = ring[i]!;
        if (sessionKey(e) !== key) continue;
        if (e.kind === 'session.connect') {
          start = i;
          connectTime = e.line.time;
          break;
        }
        if (e.kind === 'session.disconnect') {
          start = i + 1;
          break;
        }
      }
      for (let i = 0; i < ring.length; i++) {
        const e = ring[i]!;
        if (sessionKey(e) === key) {
          if (i >= start) emit(e);
          continue;
        }
        // Proxy and SPF lines for the same client, shortly before.
        if ((e.kind === 'proxy' || e.kind === 'auth.spf') && ip !== undefined && clientIpOf(e) === ip) {
          const et = e.line.time;
          const from = connectTime ?? (t === null ? null : t - LOOKBACK_WINDOW_MS);
          if (et === null || from === null || (et >= from - LOOKBACK_WINDOW_MS && (t === null || et <= t))) {
            this.notePort(e, `${binder.line.host}\u0000${ip}`);
            emit(e);
          }
        }
      }
    }
    if (binder.line.program.endsWith('smtpd') || binder.line.program.endsWith('mta'))
      this.open.set(key, ip === undefined ? undefined : `${binder.line.host}\u0000${ip}`);
  }
}
