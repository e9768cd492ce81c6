/**
 * Following a message across hosts. Queue ids are per host: the correlator joins a
 * message's hops on one host (content filter), but a relay to another host whose logs are
 * in the same input is a second record there. Two records are the same message on its way
 * when one handed it to the other (`status=sent (250 2.0.0 Ok: queued as X)` on the
 * sender's side, X a queue id of the receiver), or when they carry the same Message-ID on
 * different hosts. Records that closed before the link was known are kept in a bounded
 * ring of recent records (hops close within moments of each other).
 */
import type { MessageRecord } from '../correlate/record.js';
import type { Verdict } from '../detect/verdict.js';
import { bareMessageId } from '../output/record-fields.js';

/** Recent records kept to find hops that closed before the record that links them. */
export const HOP_LOOKBACK_RECORDS = 4096;
/**
 * Characters of record content (raw lines, header values, recipients) held by the ring of
 * recent records. Counted in records alone, 4096 records of long hostile lines or headers
 * (each record may hold hundreds of 64 KiB lines) passed the CLI's 128 MiB heap.
 */
export const HOP_LOOKBACK_CHARS = 16 * 1024 * 1024;
/** Queue ids and Message-IDs remembered as links: a chain of hops longer than this is not followed further. */
export const MAX_HOP_LINK_IDS = 4096;
/** Longest queue id read after "queued as " (Postfix long ids are 12-20 characters). */
const MAX_QUEUE_ID_CHARS = 32;

function isIdChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** Queue ids a record handed its message to on other hosts ("queued as X" in a remote reply). */
export function queuedAsOf(r: MessageRecord): string[] {
  const out: string[] = [];
  for (const rc of r.recipients) {
    const d = rc.detail;
    if (d === undefined) continue;
    const i = d.indexOf('queued as ');
    if (i < 0) continue;
    let j = i + 10;
    const end = Math.min(d.length, j + MAX_QUEUE_ID_CHARS);
    while (j < end && isIdChar(d.charCodeAt(j))) j++;
    if (j < d.length && isIdChar(d.charCodeAt(j))) continue; // longer than any queue id
    const id = d.slice(i + 10, j);
    if (id.length >= 5 && !out.includes(id)) out.push(id);
  }
  return out;
}

function idsOf(r: MessageRecord): string[] {
  return r.queueId !== undefined && !r.queueIds.includes(r.queueId) ? [...r.queueIds, r.queueId] : r.queueIds;
}

/** Characters a record holds in its variable-length parts (what the ring is bounded by). */
export function recordChars(r: MessageRecord): number {
  let n = 256;
  for (const l of r.lines) n += l.length;
  for (const name in r.headers) {
    n += name.length;
    for (const hv of r.headers[name]!) n += hv.value.length + 16;
  }
  for (const rc of r.recipients) n += 64 + (rc.detail?.length ?? 0);
  // Evidence refs, actions and queue ids are small, but a record may hold hundreds of each.
  n += 48 * (r.evidence.length + r.queueIds.length) + 128 * r.actions.length;
  return n;
}

export class HopLinker {
  /** Queue ids of the linked records. */
  private readonly queueIds = new Set<string>();
  /** Queue ids the linked records handed the message to. */
  private readonly forward = new Set<string>();
  /** Message-ID (bare) -> hosts of linked records carrying it. */
  private readonly messageIds = new Map<string, Set<string>>();
  private ring: Verdict[] = [];
  /** The host of the first mail line, until a line of another host comes (see mayLinkLater). */
  private firstHost: string | null = null;
  private manyHosts = false;
  /** recordChars of each ring entry, parallel to `ring`, and their sum. */
  private ringSizes: number[] = [];
  private ringChars = 0;

  /** Adds a record of the message: its ids become links (at most MAX_HOP_LINK_IDS of each kind). */
  absorb(r: MessageRecord): void {
    for (const id of idsOf(r)) if (this.queueIds.size < MAX_HOP_LINK_IDS) this.queueIds.add(id);
    for (const id of queuedAsOf(r)) if (this.forward.size < MAX_HOP_LINK_IDS) this.forward.add(id);
    const mid = bareMessageId(r.messageId);
    if (mid !== undefined && mid !== '') {
      const hosts = this.messageIds.get(mid);
      if (hosts === undefined) {
        if (this.messageIds.size < MAX_HOP_LINK_IDS) this.messageIds.set(mid, new Set([r.host]));
      } else if (hosts.size < MAX_HOP_LINK_IDS) hosts.add(r.host);
    }
  }

  /** Ids held as links (queue ids, forward ids, Message-IDs, their hosts), for tests of the bound. */
  linkIds(): number {
    let n = this.queueIds.size + this.forward.size;
    for (const hosts of this.messageIds.values()) n += 1 + hosts.size;
    return n;
  }

  /** Records held in the ring and their characters, for tests of the bound. */
  held(): { records: number; chars: number } {
    return { records: this.ring.length, chars: this.ringChars };
  }

  /** True when `r` is another hop of the absorbed records' message. */
  links(r: MessageRecord): boolean {
    for (const id of idsOf(r)) if (this.forward.has(id)) return true;
    for (const id of queuedAsOf(r)) if (this.queueIds.has(id)) return true;
    const mid = bareMessageId(r.messageId);
    if (mid === undefined) return false;
    const hosts = this.messageIds.get(mid);
    return hosts !== undefined && !hosts.has(r.host);
  }

  /** A mail line of `host` was read (pass 1): see mayLinkLater. */
  seeHost(host: string): void {
    if (this.manyHosts || host === this.firstHost) return;
    if (this.firstHost === null) this.firstHost = host;
    else this.manyHosts = true;
  }

  /**
   * Whether a record that does not link now may be wanted later, as a hop of a match to come:
   * only once mail lines of a second host have been read. On one host the correlator has
   * joined every hop back into the host already (content filters, local relays); what is
   * left to link are "queued as" ids in a remote server's reply, which that server writes,
   * and the same Message-ID on another host. A log of one host, the usual case, keeps no
   * ring: held, thousands of recent records cost investigate a third of its CPU in garbage
   * collection. (From files of different hosts read one after another, records of the
   * first file are not kept; the ring could not reach back that far anyway.)
   */
  mayLinkLater(): boolean {
    return this.manyHosts;
  }

  /** Keeps a record that did not link (yet). */
  remember(v: Verdict): void {
    const size = recordChars(v.record);
    this.ring.push(v);
    this.ringSizes.push(size);
    this.ringChars += size;
    if (this.ring.length > HOP_LOOKBACK_RECORDS * 2) this.cut(this.ring.length - HOP_LOOKBACK_RECORDS);
    if (this.ringChars > HOP_LOOKBACK_CHARS) {
      // Oldest first, down to half the bound (so the cut is not repeated on every record); the newest is kept.
      let drop = 0;
      let chars = this.ringChars;
      while (drop < this.ring.length - 1 && chars > HOP_LOOKBACK_CHARS / 2) chars -= this.ringSizes[drop++]!;
      this.cut(drop);
    }
  }

  private cut(drop: number): void {
    for (let i = 0; i < drop; i++) this.ringChars -= this.ringSizes[i]!;
    this.ring = this.ring.slice(drop);
    this.ringSizes = this.ringSizes.slice(drop);
  }

  /** Records kept earlier that now link, taken out of the ring (transitively, in close order). */
  drain(): Verdict[] {
    const out: Verdict[] = [];
    const taken = new Set<Verdict>();
    const start = Math.max(0, this.ring.length - HOP_LOOKBACK_RECORDS);
    for (let found = true; found;) {
      found = false;
      for (let i = start; i < this.ring.length; i++) {
        const v = this.ring[i];
        if (v === undefined || taken.has(v) || !this.links(v.record)) continue;
        out.push(v);
        taken.add(v);
        this.absorb(v.record);
        found = true;
      }
    }
    if (out.length > 0) {
      const ring: Verdict[] = [];
      const sizes: number[] = [];
      this.ringChars = 0;
      for (let i = 0; i < this.ring.length; i++) {
        if (taken.has(this.ring[i]!)) continue;
        ring.push(this.ring[i]!);
        sizes.push(this.ringSizes[i]!);
        this.ringChars += this.ringSizes[i]!;
      }
      this.ring = ring;
      this.ringSizes = sizes;
    }
    return out;
  }
}
