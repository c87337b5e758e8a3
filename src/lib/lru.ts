/**
 * A bounded least-recently-used map, for values that never change once computed (published snapshots and their
 * encoded pages). Bounded by entry count and, when `weigh` is given, by total weight (e.g. bytes).
 */
export class LruCache<V> {
  private readonly map = new Map<string, V>();
  private weight = 0;
  /** The most recently used key: a hit on it is already in place (a hot page is read over and over). */
  private newest: string | undefined;

  constructor(private readonly limits: { entries: number; weight?: number; weigh?: (v: V) => number }) {}

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined && key !== this.newest) {
      this.map.delete(key);
      this.map.set(key, v);
      this.newest = key;
    }
    return v;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  set(key: string, v: V): void {
    this.delete(key);
    this.map.set(key, v);
    this.newest = key;
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
    this.weight -= this.limits.weigh?.(old) ?? 0;
  }

  get size(): number {
    return this.map.size;
  }
}
