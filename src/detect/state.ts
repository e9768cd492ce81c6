/**
 * What the detector learns while a run goes on, all bounded: protected domains guessed
 * from recipients when none are configured, (header-From org, envelope org) pairs seen with
 * DMARC pass (legitimate third-party senders), and per-client From-domain windows for
 * campaign bursts.
 */
import {
  MAX_CAMPAIGN_CLIENTS,
  MAX_CAMPAIGN_ENTRIES_PER_CLIENT,
  MAX_DKIM_LOGGING_HOSTS,
  MAX_LEARNED_PAIRS,
  MAX_LEARNED_PROTECTED,
} from './limits.js';

export interface CampaignEntry {
  time: number;
  org: string;
}

export class DetectorState {
  /** Learned protected org -> messages that named it as a recipient domain. */
  readonly learnedProtected = new Map<string, number>();
  learnedProtectedFull = false;
  /** "fromOrg envOrg" keys. */
  readonly pairs = new Set<string>();
  pairsFull = false;
  /**
   * Exim hosts seen logging a DKIM verification line of their own: they log one for every
   * signature they verify, so a message of theirs without one carried no signature.
   */
  readonly dkimLoggingHosts = new Set<string>();
  readonly campaign = new Map<string, CampaignEntry[]>();
  campaignEvicted = 0;
  records = 0;
  /** Messages judged from outside although their client had a private address. */
  privateOutside = 0;
  privateExample: string | undefined;

  learnProtected(org: string): void {
    const n = this.learnedProtected.get(org);
    if (n !== undefined) {
      this.learnedProtected.set(org, n + 1);
      return;
    }
    if (this.learnedProtected.size >= MAX_LEARNED_PROTECTED) {
      this.learnedProtectedFull = true;
      return;
    }
    this.learnedProtected.set(org, 1);
  }

  learnPair(fromOrg: string, envOrg: string): void {
    const key = `${fromOrg} ${envOrg}`;
    if (this.pairs.has(key)) return;
    if (this.pairs.size >= MAX_LEARNED_PAIRS) {
      this.pairsFull = true;
      return;
    }
    this.pairs.add(key);
  }

  learnDkimLoggingHost(host: string): void {
    if (this.dkimLoggingHosts.size < MAX_DKIM_LOGGING_HOSTS) this.dkimLoggingHosts.add(host);
  }

  hasPair(fromOrg: string, envOrg: string): boolean {
    return this.pairs.has(`${fromOrg} ${envOrg}`);
  }

  /**
   * Adds (time, org) for a client and returns the distinct orgs inside the window ending at
   * `time`. Oldest clients are evicted past MAX_CAMPAIGN_CLIENTS (Map keeps insertion order).
   */
  observeCampaign(client: string, time: number, org: string, windowMs: number): Set<string> {
    this.observeCampaignCount(client, time, org, windowMs);
    return this.campaignOrgs(client, time);
  }

  /**
   * observeCampaign without building the Set: the number of distinct orgs. Most clients
   * have sent one or two messages in the window, compared directly.
   */
  observeCampaignCount(client: string, time: number, org: string, windowMs: number): number {
    let entries = this.campaign.get(client);
    if (entries === undefined) {
      if (this.campaign.size >= MAX_CAMPAIGN_CLIENTS) {
        const oldest = this.campaign.keys().next();
        if (oldest.done !== true) this.campaign.delete(oldest.value);
        this.campaignEvicted++;
      }
      entries = [{ time, org }];
    } else {
      this.campaign.delete(client); // re-insert: most recently seen last
      entries.push({ time, org });
    }
    const from = time - windowMs;
    let drop = 0;
    while (drop < entries.length && entries[drop]!.time < from) drop++;
    if (entries.length - drop > MAX_CAMPAIGN_ENTRIES_PER_CLIENT)
      drop = entries.length - MAX_CAMPAIGN_ENTRIES_PER_CLIENT;
    if (drop > 0) {
      // Shift in place: splice would also build an array of the dropped entries.
      entries.copyWithin(0, drop);
      entries.length -= drop;
    }
    this.campaign.set(client, entries);
    if (entries.length > SMALL_WINDOW) return this.campaignOrgs(client, time).size;
    // The same test as campaignOrgs (e.time <= time), an org counted at its first entry.
    let distinct = 0;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (!(e.time <= time)) continue;
      let seen = false;
      for (let j = 0; j < i && !seen; j++) seen = entries[j]!.time <= time && entries[j]!.org === e.org;
      if (!seen) distinct++;
    }
    return distinct;
  }

  /** The distinct orgs a client sent under inside the window ending at `time` (after observeCampaignCount). */
  campaignOrgs(client: string, time: number): Set<string> {
    const orgs = new Set<string>();
    for (const e of this.campaign.get(client) ?? []) if (e.time <= time) orgs.add(e.org);
    return orgs;
  }
}

/** Windows up to this many entries are counted by comparing pairs rather than with a Set. */
const SMALL_WINDOW = 8;
