/**
 * In-memory stale-while-revalidate cache for CMS responses.
 *
 * - fresh entries are served as is;
 * - stale entries are served at once while one background refresh runs;
 * - purged entries (CMS webhook) are refreshed before being served, but the last good copy is
 *   kept and served whenever the refresh fails (CMS down, timeout, invalid payload);
 * - after a failure the loader is not retried for `retryAfterMs`, so a down CMS does not slow
 *   every page down.
 *
 * The cache is safe to lose (each instance keeps its own; a restart simply refills it).
 */
export interface SwrOptions {
  ttlMs: number;
  retryAfterMs: number;
  maxEntries: number;
  now?: () => number;
}

interface Entry<T> {
  value: T;
  fetchedAt: number;
  invalidated: boolean;
}

export interface CacheStats {
  hits: number;
  misses: number;
  stale: number;
  refreshes: number;
  failures: number;
  fallbacks: number;
}

export class SwrCache {
  private entries = new Map<string, Entry<unknown>>();
  private inflight = new Map<string, Promise<unknown>>();
  private lastFailure = new Map<string, number>();
  private generation = 0;
  readonly stats: CacheStats = { hits: 0, misses: 0, stale: 0, refreshes: 0, failures: 0, fallbacks: 0 };
  private readonly opts: Required<SwrOptions>;

  constructor(opts: SwrOptions) {
    this.opts = { now: Date.now, ...opts };
  }

  /** Marks every entry as out of date: the next read refreshes it, falling back to the old copy. */
  purge(): void {
    this.generation++;
    for (const entry of this.entries.values()) entry.invalidated = true;
    this.lastFailure.clear();
  }

  /** Forgets everything, including last good copies (tests only). */
  clear(): void {
    this.entries.clear();
    this.inflight.clear();
    this.lastFailure.clear();
    this.generation++;
  }

  get size(): number {
    return this.entries.size;
  }

  async get<T>(key: string, loader: () => Promise<T>): Promise<T> {
    const now = this.opts.now();
    const entry = this.entries.get(key) as Entry<T> | undefined;
    if (entry) {
      // LRU: re-insert to mark as recently used.
      this.entries.delete(key);
      this.entries.set(key, entry);
      const recentlyFailed = now - (this.lastFailure.get(key) ?? -Infinity) < this.opts.retryAfterMs;
      if (!entry.invalidated && now - entry.fetchedAt < this.opts.ttlMs) {
        this.stats.hits++;
        return entry.value;
      }
      if (recentlyFailed) {
        this.stats.fallbacks++;
        return entry.value;
      }
      if (!entry.invalidated) {
        this.stats.stale++;
        this.refresh(key, loader).catch(() => {});
        return entry.value;
      }
      try {
        return await this.refresh(key, loader);
      } catch {
        this.stats.fallbacks++;
        return entry.value;
      }
    }
    this.stats.misses++;
    return this.refresh(key, loader);
  }

  private refresh<T>(key: string, loader: () => Promise<T>): Promise<T> {
    const running = this.inflight.get(key) as Promise<T> | undefined;
    if (running) return running;
    const startedGeneration = this.generation;
    this.stats.refreshes++;
    const p = (async () => {
      try {
        const value = await loader();
        this.lastFailure.delete(key);
        this.entries.delete(key);
        this.entries.set(key, {
          value,
          fetchedAt: this.opts.now(),
          // A purge that happened while we were loading may concern data we did not see yet.
          invalidated: startedGeneration !== this.generation,
        });
        while (this.entries.size > this.opts.maxEntries) {
          const oldest = this.entries.keys().next().value;
          if (oldest === undefined) break;
          this.entries.delete(oldest);
        }
        return value;
      } catch (error) {
        this.stats.failures++;
        this.lastFailure.set(key, this.opts.now());
        throw error;
      } finally {
        this.inflight.delete(key);
      }
    })();
    this.inflight.set(key, p);
    return p;
  }
}
