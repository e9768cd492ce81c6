/**
 * Networks and host names from config, matched against the client of a message.
 * CIDR matching is node:net's BlockList (IPv4 and IPv6). The one exception is the common
 * case, a plain dotted-quad client against IPv4 networks: it is compared as a number,
 * because BlockList.check costs a SocketAddress (several microseconds) per new address;
 * a test holds that comparison to BlockList's answers.
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

/**
 * A plain dotted-quad IPv4 address ("192.0.2.1": four decimal parts 0-255 without leading
 * zeros, nothing around them, exactly what node:net's isIP takes as IPv4) as an unsigned
 * 32-bit number; -1 for anything else (brackets, tags, IPv6 ...), which takes BlockList's
 * path. Hand-written: it runs for every message, and a regex or split allocates.
 */
export function plainIpv4(s: string): number {
  const len = s.length;
  if (len < 7 || len > 15) return -1;
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return -1; // leading zero
      part = part * 10 + (c - 48);
      if (part > 255) return -1;
      digits++;
    } else return -1;
  }
  if (digits === 0 || dots !== 3) return -1;
  return value * 256 + part;
}

/** The IPv4-mapped IPv6 range (::ffff:0:0/96): an IPv6 network overlapping it also holds IPv4 clients for BlockList. */
const MAPPED = new BlockList();
MAPPED.addSubnet('::ffff:0:0', 96, 'ipv6');

/** A set of networks (BlockList) plus host-name patterns ("mx.example.net", ".example.net", "*.example.net"). */
export class NetSet {
  private readonly list = new BlockList();
  private readonly hosts = new Set<string>();
  private readonly suffixes: string[] = [];
  private nets = 0;
  /** IPv4 networks as [network, shift] pairs for plainIpv4 addresses (shift = 32 - prefix). */
  private readonly v4: number[] = [];
  /** False once an IPv6 network overlaps the IPv4-mapped range: then BlockList answers for IPv4 too. */
  private v4Numeric = true;
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
      if (n.family === 'ipv4') {
        const net = plainIpv4(n.address);
        if (net < 0) this.v4Numeric = false;
        else this.v4.push(net, 32 - n.prefix);
      } else if (this.v4Numeric) {
        // Prefixes nest or are disjoint: a network up to /96 overlaps the mapped range when
        // it holds ::ffff:0:0, a longer one when the mapped range holds its address.
        const one = new BlockList();
        one.addSubnet(n.address, n.prefix, 'ipv6');
        const overlaps = n.prefix <= 96 ? one.check('::ffff:0:0', 'ipv6') : MAPPED.check(n.address, 'ipv6');
        if (overlaps) this.v4Numeric = false;
      }
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
    if (this.v4Numeric) {
      const a = plainIpv4(ip);
      if (a >= 0) return this.hasIpv4(a);
    }
    const known = this.ipCache.get(ip);
    if (known !== undefined) return known;
    const found = this.checkIp(ip);
    if (this.ipCache.size >= MAX_IP_CACHE) this.ipCache.clear();
    this.ipCache.set(ip, found);
    return found;
  }

  /** `a` from plainIpv4 against the IPv4 networks: the same leading (32 - shift) bits. */
  private hasIpv4(a: number): boolean {
    const v4 = this.v4;
    for (let i = 0; i < v4.length; i += 2) {
      const shift = v4[i + 1]!;
      if (shift === 32 || (a ^ v4[i]!) >>> shift === 0) return true;
    }
    return false;
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
