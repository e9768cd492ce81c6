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

export class HopLinker {
  /** Queue ids of the linked records. */
  private readonly queueIds = new Set<string>();
  /** Queue ids the linked records handed the message to. */
  private readonly forward = new Set<string>();
  /** Message-ID (bare) -> hosts of linked records carrying it. */
  private readonly messageIds = new Map<string, Set<string>>();
  private ring: Verdict[] = [];

  /** Adds a record of the message: its ids become links. */
  absorb(r: MessageRecord): void {
    for (const id of idsOf(r)) this.queueIds.add(id);
    for (const id of queuedAsOf(r)) this.forward.add(id);
    const mid = bareMessageId(r.messageId);
    if (mid !== undefined && mid !== '') {
      const hosts = this.messageIds.get(mid);
      if (hosts === undefined) this.messageIds.set(mid, new Set([r.host]));
      else hosts.add(r.host);
    }
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

  /** Keeps a record that did not link (yet). */
  remember(v: Verdict): void {
    this.ring.push(v);
    if (this.ring.length > HOP_LOOKBACK_RECORDS * 2) this.ring = this.ring.slice(-HOP_LOOKBACK_RECORDS);
  }

  /** Records kept earlier that now link, taken out of the ring (transitively, in close order). */
  drain(): Verdict[] {
    const out: Verdict[] = [];
    const start = Math.max(0, this.ring.length - HOP_LOOKBACK_RECORDS);
    for (let found = true; found;) {
      found = false;
      for (let i = start; i < this.ring.length; i++) {
        const v = this.ring[i];
        if (v === undefined || out.includes(v) || !this.links(v.record)) continue;
        out.push(v);
        this.absorb(v.record);
        found = true;
      }
    }
    if (out.length > 0) this.ring = this.ring.filter((v) => !out.includes(v));
    return out;
  }
}
