/**
 * Listings a fake computes once per key, for data that never changes while it serves (benchmarks).
 * Disabled, every `get` computes the listing afresh, so tests may change the data between requests.
 */
export class ListingCache {
  private readonly listings?: Map<string, unknown[]>;

  constructor(enabled: boolean) {
    if (enabled) this.listings = new Map();
  }

  get enabled(): boolean {
    return this.listings !== undefined;
  }

  /** `compute()`, or its first result when enabled. */
  get<T>(key: string, compute: () => T[]): T[] {
    if (!this.listings) return compute();
    let items = this.listings.get(key) as T[] | undefined;
    if (!items) this.listings.set(key, (items = compute()));
    return items;
  }
}
