/**
 * A bounded least-recently-used map, for values that never change once computed (published snapshots and their
 * encoded pages). Bounded by entry count and, when `weigh` is given, by total weight (e.g. bytes).
 *
 * A hit moves its entry to the newest end (delete + set) only once the entry has drifted into the older half of the
 * map, that is, once more than half the map's size has been put at the newest end since it was last put there; until
 * then it is among the newer half and not next to go. Moving on every hit would cost a hot key in a large map dearly:
 * each delete + set leaves a deleted slot in the key's hash bucket that V8 walks on every lookup until the table is
 * rehashed (one token used by every request, among 10,000 kept, cost ~30 µs a lookup; test/lru.test.ts).
 */
export class LruCache<V> {
  private readonly map = new Map<string, { value: V; at: number }>();
  private weight = 0;
  /** How many entries have been put at the newest end (set, or moved by a hit). */
  private clock = 0;

  constructor(private readonly limits: { entries: number; weight?: number; weigh?: (v: V) => number }) {}

  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    if (this.clock - e.at > this.map.size / 2) {
      this.map.delete(key);
      e.at = ++this.clock;
      this.map.set(key, e);
    }
    return e.value;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  set(key: string, v: V): void {
    this.delete(key);
    this.map.set(key, { value: v, at: ++this.clock });
    this.weight += this.limits.weigh?.(v) ?? 0;
    const maxWeight = this.limits.weight ?? Infinity;
    while (this.map.size > this.limits.entries || (this.weight > maxWeight && this.map.size > 1)) {
      this.delete(this.map.keys().next().value as string);
    }
  }

  delete(key: string): void {
    const old = this.map.get(key);
    if (old === undefined) return;
    this.map.delete(key);
    this.weight -= this.limits.weigh?.(old.value) ?? 0;
  }

  get size(): number {
    return this.map.size;
  }
}
