/**
 * Which worker gets a host's lines. Every line of one host goes to the same worker, so each
 * worker sees its hosts' lines in input order (sessions, queue ids and ageing are per host).
 * Hosts are dealt out round-robin in order of first appearance, which spreads a central
 * syslog of a few MXs evenly; past MAX_ROUTED_HOSTS a hash of the name decides (bounded
 * memory, still one worker per host).
 */
import { MAX_ROUTED_HOSTS } from './bounds.js';

/** FNV-1a over the UTF-16 code units: stable across runs and threads. */
export function hostHash(host: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < host.length; i++) {
    h ^= host.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class HostRouter {
  private readonly known = new Map<string, number>();
  private next = 0;
  /** The last host routed and its worker: consecutive lines of one host skip the Map. */
  private lastHost: string | null = null;
  private lastWorker = 0;

  constructor(
    readonly workers: number,
    private readonly maxHosts = MAX_ROUTED_HOSTS,
  ) {}

  route(host: string): number {
    if (host === this.lastHost) return this.lastWorker;
    let w = this.known.get(host);
    if (w === undefined) {
      if (this.known.size < this.maxHosts) {
        w = this.next;
        this.next = (this.next + 1) % this.workers;
        this.known.set(host, w);
      } else {
        w = hostHash(host) % this.workers;
      }
    }
    this.lastHost = host;
    this.lastWorker = w;
    return w;
  }

  /** Distinct hosts routed by name (not counting those placed by hash). */
  get hosts(): number {
    return this.known.size;
  }
}
