/**
 * SPF results from a policy service or milter (policyd-spf, pyspf-milter) that found no
 * open session to join: Sendmail logs no connect line, and a log may start in the middle
 * of a Postfix session. They wait briefly per host + client ip, and go to the next record
 * on that host whose client is that ip and whose envelope sender matches (the Sendmail
 * `from=` line with `relay=`, an Exim `<=` line, a Postfix `client=` line).
 *
 * Bounded: at most MAX_UNJOINED_SPF_CLIENTS clients (least recently seen evicted), a few
 * results each, and only results younger than UNJOINED_SPF_WINDOW_MS join.
 */
import type { JoinedSpf, OpenRecord } from './state.js';
import { LruList, type LruNode } from './lru.js';
import { MAX_PENDING_SPF } from './bounds.js';
import { normSender, attachSpf } from './spf-join.js';

/** A result waits this long (log time) for its message's record. */
export const UNJOINED_SPF_WINDOW_MS = 60_000;
/** Clients with waiting results remembered at most. */
export const MAX_UNJOINED_SPF_CLIENTS = 10_000;

interface Waiting extends LruNode<Waiting> {
  key: string;
  items: { j: JoinedSpf; time: number }[];
}

export class UnjoinedSpf {
  private readonly byClient = new Map<string, Waiting>();
  private readonly order = new LruList<Waiting>();

  add(host: string, ip: string, j: JoinedSpf, now: number): void {
    const key = host + '\0' + ip;
    let w = this.byClient.get(key);
    if (w === undefined) {
      for (
        let old = this.order.head;
        old !== null && this.byClient.size >= MAX_UNJOINED_SPF_CLIENTS;
        old = this.order.head
      ) {
        this.forget(old);
      }
      w = { key, items: [], lruPrev: null, lruNext: null, lruList: null };
      this.byClient.set(key, w);
    }
    this.order.touch(w);
    if (w.items.length >= MAX_PENDING_SPF) w.items.shift();
    w.items.push({ j, time: now });
  }

  /** Give a record the waiting results of its client and sender; true when any joined. */
  take(host: string, r: OpenRecord, now: number): boolean {
    if (this.byClient.size === 0) return false;
    const ip = r.rec.session.clientIp;
    if (ip === undefined) return false;
    const w = this.byClient.get(host + '\0' + ip);
    if (w === undefined) return false;
    const from = normSender(r.rec.envelope.from);
    let joined = false;
    const keep: Waiting['items'] = [];
    for (const it of w.items) {
      if (now - it.time > UNJOINED_SPF_WINDOW_MS) continue;
      const sender = normSender(it.j.spf.envelopeFrom);
      if (from !== undefined && sender !== undefined && sender !== from && it.j.spf.scope === 'mfrom') {
        keep.push(it);
        continue;
      }
      attachSpf(r, it.j);
      joined = true;
    }
    if (keep.length === 0) this.forget(w);
    else w.items = keep;
    return joined;
  }

  private forget(w: Waiting): void {
    this.byClient.delete(w.key);
    this.order.remove(w);
  }
}
