/**
 * A Map whose removals leave the key in place (valued undefined) and are swept out in
 * bulk once they outnumber the live entries (and at least MIN_SWEEP of them piled up).
 *
 * Why: V8 shrinks a Map's hash table on delete once a quarter full, and grows it again on
 * the next insert; a table that lives long (in old space) is reallocated in old space each
 * time. The correlator's indexes by pid, client ip and port go from one entry to none and
 * back on every connection, so each connection cost two tables in old space, and the dead
 * tables kept what they pointed to alive through young collections until the next full
 * GC. A removed key that comes back (the same pid, a returning client) reuses its slot.
 *
 * Memory stays bounded overall, not per map: the maps of one table (a session table's
 * indexes of every host and program tag) share one account (SparseKeys), and removed keys
 * in all of them together are at most max(MIN_SWEEP, their live entries) + 1. (Bounded per
 * map, a central log of many hosts kept up to MIN_SWEEP removed keys in each of its maps.)
 * A sweep walks the maps that removed keys since the last one: it costs at most the live
 * and removed entries of those maps, and at least as many removals came before it, so a
 * removal costs O(1) amortised.
 */

/** Removed keys kept at least before a sweep (below it a sweep is not worth its pass). */
const MIN_SWEEP = 1024;

/** The account of live entries and removed keys shared by the SparseMaps of one table. */
export class SparseKeys {
  /** Live entries in its maps. */
  live = 0;
  /** Removed keys still in its maps. */
  removed = 0;
  /** Maps that removed a key since the last sweep (each once; see SparseMap.dirty). */
  private dirty: SparseMap<unknown, unknown>[] = [];

  /** A map removed a key for the first time since the last sweep. */
  mark(m: SparseMap<unknown, unknown>): void {
    this.dirty.push(m);
  }

  /** Removed keys are past their bound: sweep every map that holds some. */
  sweep(): void {
    const dirty = this.dirty;
    this.dirty = [];
    for (let i = 0; i < dirty.length; i++) this.removed -= dirty[i]!.sweep();
  }
}

export class SparseMap<K, V> {
  private readonly map = new Map<K, V | undefined>();
  /** Live entries (keys with a value). */
  size = 0;
  /** Removed keys still in the map. */
  private removed = 0;
  /** In the account's list of maps to sweep. */
  private dirty = false;

  /** `keys`: the account shared with the other maps of the table (by default its own). */
  constructor(private readonly keys: SparseKeys = new SparseKeys()) {}

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    const m = this.map;
    const cur = m.get(key);
    if (cur === undefined) {
      if (m.has(key)) {
        this.removed--;
        this.keys.removed--;
      }
      this.size++;
      this.keys.live++;
    }
    m.set(key, value);
  }

  delete(key: K): void {
    const m = this.map;
    if (m.get(key) === undefined) return;
    m.set(key, undefined);
    this.size--;
    this.removed++;
    const keys = this.keys;
    keys.live--;
    if (!this.dirty) {
      this.dirty = true;
      keys.mark(this as SparseMap<unknown, unknown>);
    }
    if (++keys.removed > MIN_SWEEP && keys.removed > keys.live) keys.sweep();
  }

  /** Keys in the underlying map (live and removed): for tests of the bound. */
  get footprint(): number {
    return this.map.size;
  }

  /** Drop the removed keys (for the account's sweep); returns how many there were. */
  sweep(): number {
    const n = this.removed;
    if (n > 0) for (const [k, v] of this.map) if (v === undefined) this.map.delete(k);
    this.removed = 0;
    this.dirty = false;
    return n;
  }
}
