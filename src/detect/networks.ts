/**
 * Networks and host names from config, matched against the client of a message.
 * CIDR matching is node:net's BlockList (IPv4 and IPv6), never hand-written bit math.
 */
import { BlockList, SocketAddress, isIP } from 'node:net';

/** Checks a config string: an IP address or CIDR network. */
export function parseNetwork(
  s: string,
): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const t = s.trim();
  const slash = t.indexOf('/');
  const addr = slash < 0 ? t : t.slice(0, slash);
  const fam = isIP(addr);
  if (fam === 0) return undefined;
  const max = fam === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = t.slice(slash + 1);
    if (p.length === 0 || p.length > 3) return undefined;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      if (c < 48 || c > 57) return undefined;
    }
    prefix = Number(p);
    if (prefix > max) return undefined;
  }
  return { address: addr, prefix, family: fam === 4 ? 'ipv4' : 'ipv6' };
}

/** True for strings that look like an IP address or CIDR network rather than a host name. */
export function isNetworkString(s: string): boolean {
  return parseNetwork(s) !== undefined;
}

/** Client address as an MTA logged it ("IPv6:2001:db8::1", "::ffff:192.0.2.1") -> plain form and family. */
export function normalizeIp(ip: string | undefined): { ip: string; family: 'ipv4' | 'ipv6' } | undefined {
  if (ip === undefined) return undefined;
  let t = ip.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  if (t.length > 6 && t.slice(0, 5).toLowerCase() === 'ipv6:') t = t.slice(5);
  const pct = t.indexOf('%');
  if (pct > 0) t = t.slice(0, pct);
  const lower = t.toLowerCase();
  if (lower.startsWith('::ffff:') && isIP(t.slice(7)) === 4) return { ip: t.slice(7), family: 'ipv4' };
  const fam = isIP(t);
  if (fam === 0) return undefined;
  return { ip: t, family: fam === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * Addresses whose hasIp answer a NetSet keeps: the same clients come back message after
 * message.
 */
export const MAX_IP_CACHE = 10_000;

/**
 * Client addresses as logged -> node:net SocketAddress (null: not an address), shared by
 * every NetSet: BlockList.check builds a SocketAddress from a string on each call, which
 * costs several microseconds, so each distinct address is parsed once for all sets.
 * Bounded like the answer caches (cleared when full).
 */
const parsedIps = new Map<string, SocketAddress | null>();

function socketAddressOf(ip: string): SocketAddress | null {
  let sa = parsedIps.get(ip);
  if (sa !== undefined) return sa;
  const n = normalizeIp(ip);
  sa = null;
  if (n !== undefined) {
    try {
      sa = new SocketAddress({ address: n.ip, family: n.family });
    } catch {
      // Not an address node:net accepts: no network holds it (as BlockList.check answers).
    }
  }
  if (parsedIps.size >= MAX_IP_CACHE) parsedIps.clear();
  parsedIps.set(ip, sa);
  return sa;
}

/** A set of networks (BlockList) plus host-name patterns ("mx.example.net", ".example.net", "*.example.net"). */
export class NetSet {
  private readonly list = new BlockList();
  private readonly hosts = new Set<string>();
  private readonly suffixes: string[] = [];
  private nets = 0;
  /** hasIp answers per address as logged; cleared when full or when an entry is added. */
  private readonly ipCache = new Map<string, boolean>();

  constructor(entries: readonly string[]) {
    for (const e of entries) this.add(e);
  }

  add(entry: string): void {
    this.ipCache.clear();
    const n = parseNetwork(entry);
    if (n !== undefined) {
      this.list.addSubnet(n.address, n.prefix, n.family);
      this.nets++;
      return;
    }
    const h = entry.trim().toLowerCase();
    if (h.startsWith('*.')) this.suffixes.push(h.slice(1));
    else if (h.startsWith('.')) this.suffixes.push(h);
    else if (h.length > 0) this.hosts.add(h.endsWith('.') ? h.slice(0, -1) : h);
  }

  get empty(): boolean {
    return this.nets === 0 && this.hosts.size === 0 && this.suffixes.length === 0;
  }

  hasIp(ip: string | undefined): boolean {
    if (this.nets === 0 || ip === undefined) return false;
    const known = this.ipCache.get(ip);
    if (known !== undefined) return known;
    const found = this.checkIp(ip);
    if (this.ipCache.size >= MAX_IP_CACHE) this.ipCache.clear();
    this.ipCache.set(ip, found);
    return found;
  }

  private checkIp(ip: string): boolean {
    const sa = socketAddressOf(ip);
    return sa !== null && this.list.check(sa);
  }

  hasHost(host: string | undefined): boolean {
    if (host === undefined || host === '' || host === 'unknown') return false;
    const h = host.toLowerCase();
    if (this.hosts.has(h)) return true;
    for (const s of this.suffixes) if (h.endsWith(s)) return true;
    return false;
  }

  /** Matches the client by address, or by its reverse name (only host patterns). */
  matches(ip: string | undefined, host: string | undefined): boolean {
    return this.hasIp(ip) || this.hasHost(host);
  }
}

/** Loopback is always trusted: content filters re-inject through it (amavis, rspamd proxy). */
export const ALWAYS_TRUSTED: readonly string[] = ['127.0.0.1/32', '::1/128'];

/**
 * Private, shared and link-local ranges (RFC 1918, RFC 6598, RFC 3927, RFC 4193, RFC 4291).
 * Without config, mail from them is not taken as inbound when guessing protected domains:
 * it is usually our own hosts sending out.
 */
export const PRIVATE_NETWORKS: readonly string[] = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '169.254.0.0/16',
  'fc00::/7',
  'fe80::/10',
];
