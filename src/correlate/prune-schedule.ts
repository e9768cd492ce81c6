/**
 * When to prune a table that only ever grows between prunes (hosts of a central log,
 * program tags of a host): when its size has doubled since the last prune, and never below
 * a floor. Each prune walks the table once, and at least as many entries were added since
 * the last one: O(1) amortised per entry, and the table stays within twice what the prune
 * keeps (or the floor).
 */
export class PruneSchedule {
  /** Size at which the next prune is due. */
  private next: number;

  constructor(private readonly floor: number) {
    this.next = floor;
  }

  /** Whether a table of `size` entries is due a prune before it takes another one. */
  due(size: number): boolean {
    return size >= this.next;
  }

  /** The prune is done and left `size` entries: the next one is due when that doubles. */
  pruned(size: number): void {
    this.next = Math.max(this.floor, size * 2);
  }
}
