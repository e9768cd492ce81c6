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
 * Memory stays bounded: removed keys are at most max(MIN_SWEEP, live entries) + 1.
 */

/** Removed keys kept at least before a sweep (below it a sweep is not worth its pass). */
const MIN_SWEEP = 1024;

export class SparseMap<K, V> {
  private readonly map = new Map<K, V | undefined>();
  /** Live entries (keys with a value). */
  size = 0;
  /** Removed keys still in the map. */
  private removed = 0;

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    const m = this.map;
    const cur = m.get(key);
    if (cur === undefined) {
      if (m.has(key)) this.removed--;
      this.size++;
    }
    m.set(key, value);
  }

  delete(key: K): void {
    const m = this.map;
    if (m.get(key) === undefined) return;
    m.set(key, undefined);
    this.size--;
    if (++this.removed > MIN_SWEEP && this.removed > this.size) this.sweep();
  }

  /** Keys in the underlying map (live and removed): for tests of the bound. */
  get footprint(): number {
    return this.map.size;
  }

  private sweep(): void {
    for (const [k, v] of this.map) if (v === undefined) this.map.delete(k);
    this.removed = 0;
  }
}
