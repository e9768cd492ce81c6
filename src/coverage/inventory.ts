/**
 * What the logs show about the mail infrastructure: hosts, the programs on each, MTAs,
 * milters and policy services, proxies, content filters and relays, and the time span.
 * Built from the event stream (one call per event, cheap: counters and small sets).
 */
import { isLocalRelay } from '../correlate/links.js';
import type { LogEvent } from '../parse/event.js';
import { producerOf } from '../parse/index.js';

/** Distinct values kept per host per set (programs, relays): beyond this they are counted as "other". */
export const MAX_INVENTORY_ITEMS = 200;
/** Hosts tracked; lines from further hosts are counted under "(other hosts)". */
export const MAX_INVENTORY_HOSTS = 1000;

export const MTA_PRODUCERS = ['postfix', 'sendmail', 'exim'] as const;
export const MILTER_PRODUCERS = [
  'opendkim',
  'opendmarc',
  'policyd-spf',
  'rspamd',
  'amavis',
  'spamd',
] as const;

export interface HostInventory {
  host: string;
  lines: number;
  recognised: number;
  /** Lines per program tag as logged (postfix/smtpd, opendkim ...). */
  programs: Record<string, number>;
  mtas: string[];
  /** Milters, policy services and content filters seen on this host. */
  milters: string[];
  /** postscreen, haproxy. */
  proxies: string[];
  /** Postfix instances (multi-instance setups: postfix, postfix-in, postfix/submission ...). */
  instances: string[];
  /** Re-injection after a content filter seen (orig_queue_id, "queued as" to localhost, amavis queued_as). */
  contentFilterReinjection: number;
  /** Next hops messages were handed to (relay= values), with counts. */
  relays: Record<string, number>;
  /** Header lines logged, by header name (lower case), and how many were cut. */
  headersLogged: Record<string, number>;
  headersTruncated: number;
  firstTime: number | null;
  lastTime: number | null;
}

function newHost(host: string): HostInventory {
  return {
    host,
    lines: 0,
    recognised: 0,
    programs: Object.create(null) as Record<string, number>,
    mtas: [],
    milters: [],
    proxies: [],
    instances: [],
    contentFilterReinjection: 0,
    relays: Object.create(null) as Record<string, number>,
    headersLogged: Object.create(null) as Record<string, number>,
    headersTruncated: 0,
    firstTime: null,
    lastTime: null,
  };
}

function addTo(set: string[], v: string): void {
  if (v !== '' && !set.includes(v) && set.length < MAX_INVENTORY_ITEMS) set.push(v);
}

function bump(map: Record<string, number>, key: string): void {
  if (map[key] !== undefined) map[key]++;
  else if (Object.keys(map).length < MAX_INVENTORY_ITEMS) map[key] = 1;
  else map['(other)'] = (map['(other)'] ?? 0) + 1;
}

export class InventoryCollector {
  readonly hosts = new Map<string, HostInventory>();

  private hostOf(name: string): HostInventory {
    const key = name === '' ? '(no host)' : name;
    let h = this.hosts.get(key);
    if (h === undefined) {
      if (this.hosts.size >= MAX_INVENTORY_HOSTS) {
        const other = this.hosts.get('(other hosts)') ?? newHost('(other hosts)');
        this.hosts.set('(other hosts)', other);
        return other;
      }
      h = newHost(key);
      this.hosts.set(key, h);
    }
    return h;
  }

  onEvent(e: LogEvent): void {
    const line = e.line;
    const h = this.hostOf(line.host);
    h.lines++;
    bump(h.programs, line.program === '' ? '(none)' : line.program);
    const t = line.time;
    if (t !== null) {
      if (h.firstTime === null || t < h.firstTime) h.firstTime = t;
      if (h.lastTime === null || t > h.lastTime) h.lastTime = t;
    }
    if (e.kind === 'unrecognised') return;
    h.recognised++;
    const p = e.producer;
    if (p === 'postfix' || p === 'sendmail' || p === 'exim') {
      addTo(h.mtas, p);
      if (p === 'postfix' && e.instance !== '') addTo(h.instances, e.instance);
      if (p === 'postfix' && e.daemon === 'postscreen') addTo(h.proxies, 'postscreen');
    } else if (p === 'haproxy') addTo(h.proxies, 'haproxy');
    else if (p !== 'unknown') addTo(h.milters, p);

    switch (e.kind) {
      case 'message.client':
        if (e.origQueueId !== undefined || e.origClient !== undefined) h.contentFilterReinjection++;
        break;
      case 'delivery':
        if (e.relay !== undefined) {
          bump(h.relays, e.relay);
          if (e.queuedAs !== undefined && isLocalRelay(e.relay)) h.contentFilterReinjection++;
        }
        break;
      case 'filter':
        if (e.queuedAs !== undefined) h.contentFilterReinjection++;
        break;
      case 'header':
        bump(h.headersLogged, e.name.toLowerCase());
        if (e.truncated) h.headersTruncated++;
        break;
      default:
        break;
    }
  }
}

/** The MTA family a host runs, for choosing remedies: the one with most lines wins. */
export function mtaOfHost(h: HostInventory): 'postfix' | 'sendmail' | 'exim' | 'unknown' {
  if (h.mtas.length === 0) return 'unknown';
  let best: 'postfix' | 'sendmail' | 'exim' | 'unknown' = 'unknown';
  let bestLines = -1;
  for (const m of h.mtas) {
    let lines = 0;
    for (const [prog, n] of Object.entries(h.programs)) {
      if (producerOf(prog) === m) lines += n;
    }
    if (lines > bestLines && (m === 'postfix' || m === 'sendmail' || m === 'exim')) {
      best = m;
      bestLines = lines;
    }
  }
  return best;
}
